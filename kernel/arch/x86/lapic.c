#include <errno.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/lapic.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"

/* Register offsets in the xAPIC page (SDM Vol. 3A Table 10-1). */
#define LAPIC_ID            0x020
#define LAPIC_VERSION       0x030
#define LAPIC_TPR           0x080
#define LAPIC_EOI           0x0b0
#define LAPIC_SVR           0x0f0
#define LAPIC_ESR           0x280
#define LAPIC_ICR_LOW       0x300
#define LAPIC_ICR_HIGH      0x310
#define LAPIC_LVT_TIMER     0x320
#define LAPIC_LVT_LINT0     0x350
#define LAPIC_LVT_LINT1     0x360
#define LAPIC_LVT_ERROR     0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3e0

/* x2APIC MSR = 0x800 + offset / 16 (SDM Vol. 3A 10.12.1.2). */
#define X2APIC_MSR(off) (0x800 + ((off) >> 4))
#define X2APIC_ICR      0x830

#define APIC_BASE_ENABLE     (1ULL << 11)
#define APIC_BASE_X2APIC     (1ULL << 10)
#define SVR_ENABLE           (1U << 8)
#define LVT_MASKED           (1U << 16)
#define LVT_PERIODIC         (1U << 17)
#define ICR_INIT             (5U << 8)
#define ICR_STARTUP          (6U << 8)
#define ICR_LEVEL_ASSERT     (1U << 14)
#define ICR_DELIVERY_PENDING (1U << 12)
#define TIMER_DIVIDE_16      0x3
#define CPUID_1_ECX_X2APIC   (1U << 21)

#define CALIBRATE_US 10000

static volatile uint32_t *lapic_mmio;
static bool lapic_x2;
static uint64_t lapic_timer_hz;

static uint32_t lapic_read(uint32_t reg)
{
	if (lapic_x2)
		return (uint32_t)cpu_rdmsr(X2APIC_MSR(reg));
	return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (lapic_x2)
		cpu_wrmsr(X2APIC_MSR(reg), v);
	else
		lapic_mmio[reg / 4] = v;
}

bool lapic_is_x2apic(void)
{
	return lapic_x2;
}

int lapic_global_init(hpa_t mmio_base)
{
	lapic_x2 = cpu_cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
	if (lapic_x2)
		return 0;
	lapic_mmio = kmem_map_mmio(mmio_base, PAGE_SIZE);
	return lapic_mmio ? 0 : -ENOMEM;
}

void lapic_cpu_init(void)
{
	uint64_t base = cpu_rdmsr(MSR_IA32_APIC_BASE);

	/* xAPIC -> x2APIC needs EN then EN|EXTD (SDM Vol. 3A 10.12.5, Figure 10-27). */
	base |= APIC_BASE_ENABLE;
	cpu_wrmsr(MSR_IA32_APIC_BASE, base);
	if (lapic_x2)
		cpu_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_X2APIC);

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	/* The ESR is read-after-write (SDM Vol. 3A 10.5.3). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return lapic_x2 ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void lapic_send_icr(uint32_t apic_id, uint32_t low)
{
	if (lapic_x2) {
		cpu_wrmsr(X2APIC_ICR, ((uint64_t)apic_id << 32) | low);
		return;
	}
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, low);
	for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING); i++)
		cpu_relax();
}

void lapic_send_init(uint32_t apic_id)
{
	lapic_send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t vector_page)
{
	lapic_send_icr(apic_id, ICR_STARTUP | ICR_LEVEL_ASSERT | vector_page);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	lapic_send_icr(apic_id, ICR_LEVEL_ASSERT | vector);
}

uint64_t lapic_timer_calibrate(uint64_t tsc_hz)
{
	uint32_t elapsed;

	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, UINT32_MAX);
	tsc_delay_us(CALIBRATE_US);
	elapsed = UINT32_MAX - lapic_read(LAPIC_TIMER_CURRENT);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_timer_hz = (uint64_t)elapsed * (1000000 / CALIBRATE_US);
	return lapic_timer_hz;
}

void lapic_timer_start_periodic(uint8_t vector, uint32_t hz)
{
	uint64_t count = lapic_timer_hz / hz;

	if (count == 0 || count > UINT32_MAX)
		count = count ? UINT32_MAX : 1;
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
}

void lapic_timer_oneshot_at(uint8_t vector, uint64_t tsc_deadline)
{
	uint64_t now = cpu_rdtsc(), count = 1;

	if (tsc_deadline > now && tsc_hz())
		count = (tsc_deadline - now) / (tsc_hz() / 1000000 ? tsc_hz() / 1000000 : 1) *
				(lapic_timer_hz / 1000000) +
			1;
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, vector); /* one-shot */
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)count);
}
