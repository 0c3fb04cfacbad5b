#include <errno.h>

#include "drivers/rtc/cmos.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/platform.h"
#include "kernel/sched.h"
#include "kernel/vmm.h"
#include "vmx/vplatform.h"

#define COM1_BASE          0x3f8
#define COM1_IRQ           4
#define RTC_IRQ            8
#define PIT_IOAPIC_PIN     2 /* ISA IRQ0 -> GSI 2: the MADT's interrupt source override */
#define NS_PER_S           1000000000ULL
#define PM_TIMER_HZ        3579545ULL /* ACPI 6.5, 4.8.3.3 */
#define PM1_CNT_SCI_EN     (1U << 0)
#define PM1_CNT_SLP_EN     (1U << 13)
#define PM1_CNT_SLP_TYP(v) (((v) >> 10) & 7)
/* The APIC timer's input clock offered to guests (it only needs to be fixed). */
#define VLAPIC_TIMER_HZ 100000000ULL

/* ------------------------------------------------------------- time --- */

static uint64_t tsc_to_ns(uint64_t ticks)
{
	uint64_t hz = tsc_hz();

	return ticks / hz * NS_PER_S + ticks % hz * NS_PER_S / hz;
}

static uint64_t ns_to_tsc(uint64_t ns)
{
	uint64_t hz = tsc_hz();

	return ns / NS_PER_S * hz + ns % NS_PER_S * hz / NS_PER_S;
}

/* The VM's clock for the PIT and RTC: nanoseconds since it started. */
static uint64_t vm_clock_ns(void *ctx)
{
	struct vm *vm = ctx;

	return tsc_to_ns(cpu_rdtsc() - vm->clock_base);
}

/* ------------------------------------------------------------ wake-ups --- */

/* vCPU has a new event: wake it if it sleeps, interrupt its CPU if it runs there. */
static void kick(struct vcpu *vcpu)
{
	vcpu->irq_check = true;
	if (vcpu->state == VCPU_HALTED)
		vcpu->state = VCPU_RUNNABLE;
	sched_kick(vcpu->cpu);
}

/* ------------------------------------------------------------- routing --- */

static void pic_output(void *ctx, bool level)
{
	struct vm *vm = ctx;

	/* Virtual wire: the 8259 output drives the boot vCPU's LINT0 (ExtINT). */
	vlapic_set_lint(&vm->vcpus[0].lapic, 0, level);
	if (level)
		kick(&vm->vcpus[0]);
}

static void isa_irq(struct vm *vm, unsigned irq, bool level)
{
	vpic_set_irq(&vm->pic, irq, level);
	vioapic_set_irq(&vm->ioapic, irq == 0 ? PIT_IOAPIC_PIN : irq, level);
}

static void pit_irq0(void *ctx, bool level)
{
	isa_irq(ctx, 0, level);
}

static void rtc_irq8(void *ctx, bool level)
{
	isa_irq(ctx, RTC_IRQ, level);
}

static bool ioapic_deliver(void *ctx, const struct vioapic_msg *msg)
{
	struct vm *vm = ctx;
	bool accepted = false;

	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!vlapic_match_dest(&v->lapic, msg->dest, msg->logical, false))
			continue;
		if (msg->mode == VIOAPIC_DM_NMI) {
			v->nmi_pending = true;
		} else if (msg->mode == VIOAPIC_DM_FIXED || msg->mode == VIOAPIC_DM_LOWEST) {
			if (!vlapic_accept(&v->lapic, msg->vector, msg->level))
				continue;
		} else {
			continue; /* SMI, INIT, ExtINT through the IOAPIC: not on a PC */
		}
		accepted = true;
		kick(v);
		if (msg->mode == VIOAPIC_DM_LOWEST)
			break; /* lowest priority: the first match takes it */
	}
	return accepted;
}

static void lapic_send_ipi(void *ctx, struct vlapic *source, const struct vlapic_ipi *ipi)
{
	struct vm *vm = ctx;

	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!vlapic_ipi_matches(&v->lapic, ipi))
			continue;
		switch (ipi->mode) {
		case VLAPIC_DM_FIXED:
			if (!vlapic_accept(&v->lapic, ipi->vector, ipi->trigger_level))
				continue;
			break;
		case VLAPIC_DM_NMI:
			v->nmi_pending = true;
			break;
		case VLAPIC_DM_INIT:
			/*
			 * A vCPU already waiting for SIPI resets here and now; a
			 * running one resets on its own CPU (vcpu_arch_run()).
			 */
			if (i == 0)
				continue;
			if (v->state == VCPU_WAIT_SIPI)
				vlapic_init_reset(&v->lapic);
			else
				v->init_pending = true;
			break;
		case VLAPIC_DM_SIPI:
			/* SDM Vol. 3A 8.4.4.1: start at vector:0000 in real mode. */
			if (v->state == VCPU_WAIT_SIPI) {
				v->boot = (struct vcpu_boot_state){
					.mode = VCPU_MODE_REAL16,
					.cs_selector = (uint16_t)(ipi->vector << 8),
					.rip = 0
				};
				v->state = VCPU_RUNNABLE;
			}
			break;
		default:
			continue;
		}
		kick(v);
		if (ipi->first_match)
			break;
	}
}

static void lapic_eoi_level(void *ctx, struct vlapic *lapic, uint8_t vector)
{
	struct vm *vm = ctx;

	vioapic_eoi(&vm->ioapic, vector);
}

static const struct vlapic_ops lapic_ops = {
	.send_ipi = lapic_send_ipi,
	.eoi_level = lapic_eoi_level,
};

/* The UART has no callback for its interrupt line: resynchronise after each access. */
static bool sync_uart_irq(struct vm *vm)
{
	bool level = vuart_irq_line(&vm->uart);

	if (level == vm->uart_irq)
		return false;
	vm->uart_irq = level;
	isa_irq(vm, COM1_IRQ, level);
	return true;
}

/*
 * Whether an access to `port` may have changed what the vCPU should take
 * or when its timers fire. The serial port and the exit port, the busiest
 * ones, only do so through the UART's interrupt line, and the ACPI PM timer
 * (read-only, no interrupt modelled) never does: skipping the interrupt
 * and timer re-evaluation for them keeps their exits short.
 */
static bool port_may_interrupt(uint16_t port)
{
	return !((port >= COM1_BASE && port < COM1_BASE + VUART_PORTS) ||
		 (port >= VEXIT_DEFAULT_BASE && port < VEXIT_DEFAULT_BASE + VEXIT_PORTS) ||
		 (port >= VPLAT_PM_TMR && port < VPLAT_PM_TMR + 4));
}

/* --------------------------------------------------- ACPI PM and reset --- */

static uint32_t pm_read(void *opaque, uint16_t offset, unsigned size)
{
	struct vm *vm = opaque;
	uint32_t v;

	switch (offset & ~1U) {
	case 0: /* PM1a_STS, PM1a_EN */
		v = vm->pm1_sts | ((uint32_t)vm->pm1_en << 16);
		break;
	case 2:
		v = vm->pm1_en;
		break;
	case 4:
		v = vm->pm1_cnt;
		break;
	case 8:
	case 10: {
		uint64_t ticks = vm_clock_ns(vm) / 1000 * PM_TIMER_HZ / 1000000;

		v = (uint32_t)ticks; /* 32 bits: the FADT sets TMR_VAL_EXT */
		break;
	}
	default:
		v = 0;
		break;
	}
	if (offset & 1)
		v >>= 8;
	return v & (size == 4 ? 0xffffffffU : size == 2 ? 0xffffU : 0xffU);
}

static void pm_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	struct vm *vm = opaque;

	if (offset == 0 && size >= 2) {
		vm->pm1_sts &= ~(uint16_t)value; /* write-one-to-clear */
		if (size == 4)
			vm->pm1_en = (uint16_t)(value >> 16);
	} else if (offset == 2 && size >= 2) {
		vm->pm1_en = (uint16_t)value;
	} else if (offset == 4 && size >= 2) {
		vm->pm1_cnt = (uint16_t)((value & ~PM1_CNT_SLP_EN) | PM1_CNT_SCI_EN);
		/* Entering S5 powers the VM off (ACPI 6.5, 16.1.7): that VM only. */
		if ((value & PM1_CNT_SLP_EN) && PM1_CNT_SLP_TYP(value) == VPLAT_S5_SLP_TYP)
			vmm_stop(vm, "powered off (ACPI S5)");
	}
}

static uint32_t reset_read(void *opaque, uint16_t offset, unsigned size)
{
	return 0;
}

static void reset_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	/* PIIX/ICH Reset Control: SYS_RST with RST_CPU resets the machine, here the VM. */
	if ((value & 0x04) && (value & 0x02))
		vmm_stop(opaque, "reset by the guest (port 0xcf9)");
}

/* Host wall-clock time read once at the first VM start; 2000-01-01 if unreadable. */
static int64_t host_time_at_boot(void)
{
	static int64_t boot_time, boot_tsc;

	if (!boot_tsc) {
		boot_time = cmos_read_time(platform.acpi.fadt.century);
		if (boot_time < 0)
			boot_time = 946684800;
		boot_tsc = (int64_t)cpu_rdtsc();
	}
	return boot_time + (int64_t)(tsc_to_ns(cpu_rdtsc() - (uint64_t)boot_tsc) / NS_PER_S);
}

/* ---------------------------------------------------------- interface --- */

int vplat_init(struct vm *vm)
{
	struct viobus_dev pm = { "acpi-pm", VPLAT_PM1A_EVT, VPLAT_PM_PORTS, pm_read, pm_write, vm };
	struct viobus_dev rst = { "reset", VPLAT_RESET_PORT, 1, reset_read, reset_write, vm };
	int err;

	vm->clock_base = cpu_rdtsc();
	vm->pm1_cnt = PM1_CNT_SCI_EN; /* always in ACPI mode: the FADT has no SMI_CMD */
	vpic_init(&vm->pic, pic_output, vm);
	vpit_init(&vm->pit, vm_clock_ns, vm, pit_irq0, vm);
	/* The guest's RTC starts at the host's wall-clock time. */
	vrtc_init(&vm->rtc, vm_clock_ns, vm, rtc_irq8, vm, host_time_at_boot());
	vioapic_init(&vm->ioapic, 0, ioapic_deliver, vm);
	vpci_init(&vm->pci);
	err = vpic_attach(&vm->iobus, &vm->pic);
	if (!err)
		err = vpit_attach(&vm->iobus, &vm->pit);
	if (!err)
		err = vrtc_attach(&vm->iobus, &vm->rtc);
	if (!err)
		err = viobus_register(&vm->iobus, &pm);
	if (!err)
		err = viobus_register(&vm->iobus, &rst);
	if (!err) /* configuration mechanism #1 with a host bridge at 00:00.0 */
		err = vpci_attach(&vm->iobus, &vm->pci);
	for (uint32_t i = 0; !err && i < vm->vcpu_count; i++) {
		struct vlapic_config cfg = {
			.apic_id = i,
			.bsp = i == 0,
			.x2apic = true,
			.tsc_deadline = true,
			.virtual_wire = i == 0,
			.tsc_hz = tsc_hz(),
			.timer_hz = VLAPIC_TIMER_HZ,
		};

		err = vlapic_init(&vm->vcpus[i].lapic, &cfg, &lapic_ops, vm);
	}
	return err;
}

int vplat_pending_interrupt(struct vcpu *vcpu, bool ack)
{
	struct vm *vm = vcpu->vm;
	int vector = -1;

	spin_lock(&vm->dev_lock);
	if (vlapic_extint_pending(&vcpu->lapic) && vpic_intr(&vm->pic)) {
		vector = ack ? vpic_ack(&vm->pic) : vpic_pending_vector(&vm->pic);
	} else {
		vector = vlapic_pending_vector(&vcpu->lapic);
		if (vector >= 0 && ack)
			vector = vlapic_ack(&vcpu->lapic);
	}
	spin_unlock(&vm->dev_lock);
	return vector;
}

bool vplat_pending_nmi(struct vcpu *vcpu, bool ack)
{
	struct vm *vm = vcpu->vm;
	bool nmi;

	spin_lock(&vm->dev_lock);
	if (vlapic_take_events(&vcpu->lapic) & VLAPIC_EVENT_NMI)
		vcpu->nmi_pending = true;
	nmi = vcpu->nmi_pending;
	if (ack)
		vcpu->nmi_pending = false;
	spin_unlock(&vm->dev_lock);
	return nmi;
}

void vplat_init_reset(struct vcpu *vcpu)
{
	spin_lock(&vcpu->vm->dev_lock);
	vlapic_init_reset(&vcpu->lapic);
	spin_unlock(&vcpu->vm->dev_lock);
}

void vplat_update(struct vcpu *vcpu, uint64_t now_tsc)
{
	struct vm *vm = vcpu->vm;

	vcpu->irq_check = true;
	spin_lock(&vm->dev_lock);
	vlapic_tick(&vcpu->lapic, now_tsc);
	if (vcpu->id == 0) {
		vpit_update(&vm->pit);
		vrtc_update(&vm->rtc);
	}
	spin_unlock(&vm->dev_lock);
}

uint64_t vplat_next_deadline(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	uint64_t next;

	spin_lock(&vm->dev_lock);
	next = vlapic_timer_next_deadline(&vcpu->lapic);
	if (vcpu->id == 0) {
		uint64_t pit = vpit_next_event_ns(&vm->pit), rtc = vrtc_next_event_ns(&vm->rtc);
		uint64_t ns = MIN(pit, rtc);

		if (ns != UINT64_MAX)
			next = MIN(next, vm->clock_base + ns_to_tsc(ns));
	}
	spin_unlock(&vm->dev_lock);
	return next;
}

uint32_t vplat_port_in(struct vcpu *vcpu, uint16_t port, unsigned size)
{
	struct vm *vm = vcpu->vm;
	uint32_t v;

	spin_lock(&vm->dev_lock);
	v = viobus_in(&vm->iobus, port, size);
	if (sync_uart_irq(vm) || port_may_interrupt(port))
		vcpu->irq_check = true; /* the device may raise or clear an interrupt */
	spin_unlock(&vm->dev_lock);
	return v;
}

void vplat_port_out(struct vcpu *vcpu, uint16_t port, unsigned size, uint32_t value)
{
	struct vm *vm = vcpu->vm;

	spin_lock(&vm->dev_lock);
	viobus_out(&vm->iobus, port, size, value);
	if (sync_uart_irq(vm) || port_may_interrupt(port))
		vcpu->irq_check = true; /* the device may raise or clear an interrupt */
	spin_unlock(&vm->dev_lock);
}

static bool on_lapic_page(struct vcpu *vcpu, gpa_t gpa)
{
	return vlapic_mode(&vcpu->lapic) == VLAPIC_MODE_XAPIC &&
	       ALIGN_DOWN(gpa, PAGE_SIZE) == vlapic_mmio_base(&vcpu->lapic);
}

static bool on_ioapic_page(gpa_t gpa)
{
	return ALIGN_DOWN(gpa, PAGE_SIZE) == VPLAT_IOAPIC_BASE;
}

bool vplat_mmio_claims(struct vcpu *vcpu, gpa_t gpa)
{
	return on_lapic_page(vcpu, gpa) || on_ioapic_page(gpa);
}

bool vplat_mmio_read(struct vcpu *vcpu, gpa_t gpa, unsigned size, uint64_t *value)
{
	struct vm *vm = vcpu->vm;
	unsigned shift = 0;
	uint32_t v = 0;
	bool ok = false;

	/*
	 * A narrow read inside one register gets its low bytes, as on the CPUs
	 * KVM and Bochs model (the SDM leaves sub-dword APIC reads to the
	 * implementation); the models themselves take only whole registers.
	 */
	if (size < 4 && (gpa & 3) + size <= 4) {
		shift = (unsigned)(gpa & 3) * 8;
		gpa &= ~3ULL;
	}
	spin_lock(&vm->dev_lock);
	if (on_lapic_page(vcpu, gpa))
		ok = vlapic_mmio_read(&vcpu->lapic, gpa & (PAGE_SIZE - 1), size < 4 ? 4 : size, &v,
				      cpu_rdtsc()) == VLAPIC_OK;
	else if (on_ioapic_page(gpa))
		ok = vioapic_mmio_read(&vm->ioapic, gpa & (PAGE_SIZE - 1), size < 4 ? 4 : size,
				       &v) == VIOAPIC_OK;
	spin_unlock(&vm->dev_lock);
	v >>= shift;
	if (size < 4)
		v &= (1U << (size * 8)) - 1;
	*value = v;
	return ok;
}

bool vplat_mmio_write(struct vcpu *vcpu, gpa_t gpa, unsigned size, uint64_t value)
{
	struct vm *vm = vcpu->vm;
	bool ok = false;

	vcpu->irq_check = true; /* the device may raise or clear an interrupt */
	spin_lock(&vm->dev_lock);
	if (on_lapic_page(vcpu, gpa))
		ok = vlapic_mmio_write(&vcpu->lapic, gpa & (PAGE_SIZE - 1), size, (uint32_t)value,
				       cpu_rdtsc()) == VLAPIC_OK;
	else if (on_ioapic_page(gpa))
		ok = vioapic_mmio_write(&vm->ioapic, gpa & (PAGE_SIZE - 1), size,
					(uint32_t)value) == VIOAPIC_OK;
	spin_unlock(&vm->dev_lock);
	return ok;
}

bool vplat_msr_handled(uint32_t msr)
{
	return vlapic_msr_handled(msr);
}

bool vplat_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	struct vm *vm = vcpu->vm;
	enum vlapic_status st;

	spin_lock(&vm->dev_lock);
	st = vlapic_msr_read(&vcpu->lapic, msr, value, cpu_rdtsc());
	spin_unlock(&vm->dev_lock);
	return st == VLAPIC_OK;
}

bool vplat_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	struct vm *vm = vcpu->vm;
	enum vlapic_status st;

	vcpu->irq_check = true; /* the device may raise or clear an interrupt */
	spin_lock(&vm->dev_lock);
	st = vlapic_msr_write(&vcpu->lapic, msr, value, cpu_rdtsc());
	spin_unlock(&vm->dev_lock);
	return st == VLAPIC_OK;
}

/* ------------------------------------------------------- host console --- */

size_t vplat_console_input(struct vm *vm, const uint8_t *bytes, size_t n)
{
	size_t taken = 0;

	spin_lock(&vm->dev_lock);
	while (taken < n && vuart_can_receive(&vm->uart))
		vuart_receive(&vm->uart, bytes[taken++]);
	/*
	 * No more bytes follow for now: a FIFO receiver's character timeout
	 * (PC16550D, "FIFO Interrupt Mode Operation") is due.
	 */
	if (taken)
		vuart_rx_idle(&vm->uart);
	sync_uart_irq(vm);
	spin_unlock(&vm->dev_lock);
	return taken;
}
