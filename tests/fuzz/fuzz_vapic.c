/* FUZZ_SOURCES: vmx/dev/vlapic.c vmx/dev/vioapic.c */
/*
 * libFuzzer target for the interrupt controller models: two vCPUs' local
 * APICs and an I/O APIC wired as the hypervisor wires them (IPIs routed by
 * vlapic_ipi_matches(), IOAPIC messages by vlapic_match_dest(), level EOIs
 * back to vioapic_eoi()), driven by a random sequence of guest MMIO and
 * MSR accesses, interrupt acceptance, acknowledgement, EOIs, LINT and
 * IOAPIC input changes, INIT and time steps. Besides the sanitizers'
 * checks it asserts, after every step, what the exit path relies on
 * (SDM Vol. 3A chapter 11):
 * - ISR never holds two vectors of one priority class, so never a vector
 *   twice; vlapic_ack() returns the pending vector and it was not in
 *   service; vectors 0-15 are never requested or in service;
 * - PPR, through the API and the guest's register, is the 11.8.3.1
 *   formula of TPR and ISR; a pending vector is the highest requested and
 *   above PPR's class;
 * - the timer's next deadline is in the future; the current count never
 *   exceeds the initial count and reads 0 in TSC-deadline mode;
 * - IA32_APIC_BASE holds no reserved bit and no invalid mode; the MMIO
 *   page answers only in xAPIC mode and the x2APIC MSRs only in x2APIC
 *   mode; a #GP read returns 0;
 * - delivery status bits read idle, LVTs stay masked while the APIC is
 *   software-disabled, remote IRR only on level-triggered entries;
 * - decoded IPIs carry a valid mode, fixed ones a valid vector.
 *
 * Input: byte 0 picks the configuration (APIC ID of vCPU 1, clock
 * frequencies), then 8-byte records:
 *	byte 0    bits 3:0 operation, bit 4 vCPU, bits 7:5 flags
 *	bytes 1-3 arguments
 *	bytes 4-7 value, little-endian
 * Seeds: tests/fuzz/corpus/vapic/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/dev/vioapic.h"
#include "vmx/dev/vlapic.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define NCPUS 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_vm {
	struct vlapic cpu[NCPUS];
	struct vioapic io;
	uint64_t now;
	unsigned depth; /* callback nesting */
};

static struct fuzz_vm vm;

static unsigned fuzz_index(const struct vlapic *l)
{
	return l == &vm.cpu[1] ? 1 : 0;
}

/* ------------------------------------------------------------ wiring -- */

static void fuzz_send_ipi(void *ctx, struct vlapic *source, const struct vlapic_ipi *ipi)
{
	FUZZ_CHECK(ipi->source == source);
	FUZZ_CHECK(ipi->mode == VLAPIC_DM_FIXED || ipi->mode == VLAPIC_DM_SMI ||
		   ipi->mode == VLAPIC_DM_NMI || ipi->mode == VLAPIC_DM_INIT ||
		   ipi->mode == VLAPIC_DM_SIPI);
	FUZZ_CHECK(ipi->mode != VLAPIC_DM_FIXED || ipi->vector >= 16);
	FUZZ_CHECK(!ipi->first_match || ipi->mode == VLAPIC_DM_FIXED);
	FUZZ_CHECK(ipi->wide == (vlapic_mode(source) == VLAPIC_MODE_X2APIC));
	FUZZ_CHECK(ipi->wide || ipi->dest <= 0xff);
	FUZZ_CHECK(vm.depth < 4);
	vm.depth++;
	for (unsigned i = 0; i < NCPUS; i++) {
		struct vlapic *t = &vm.cpu[i];

		if (!vlapic_ipi_matches(t, ipi))
			continue;
		if (ipi->mode == VLAPIC_DM_FIXED)
			vlapic_accept(t, ipi->vector, ipi->trigger_level);
		else if (ipi->mode == VLAPIC_DM_INIT)
			vlapic_init_reset(t); /* possibly the sender itself */
		if (ipi->first_match)
			break;
	}
	vm.depth--;
}

static void fuzz_eoi_level(void *ctx, struct vlapic *l, uint8_t vector)
{
	FUZZ_CHECK(vector >= 16);
	FUZZ_CHECK(vm.depth < 4);
	vm.depth++;
	vioapic_eoi(&vm.io, vector);
	vm.depth--;
}

static bool fuzz_ioapic_deliver(void *ctx, const struct vioapic_msg *msg)
{
	bool accepted = false;

	FUZZ_CHECK(msg->pin < VIOAPIC_PINS);
	FUZZ_CHECK(msg->mode != 3 && msg->mode != 6);
	FUZZ_CHECK(vm.depth < 4);
	vm.depth++;
	for (unsigned i = 0; i < NCPUS; i++) {
		if (!vlapic_match_dest(&vm.cpu[i], msg->dest, msg->logical, false))
			continue;
		if (msg->mode == VIOAPIC_DM_FIXED || msg->mode == VIOAPIC_DM_LOWEST)
			accepted |= vlapic_accept(&vm.cpu[i], msg->vector, msg->level);
		else
			accepted = true;
		if (msg->mode == VIOAPIC_DM_LOWEST && accepted)
			break;
	}
	vm.depth--;
	return accepted;
}

static const struct vlapic_ops fuzz_ops = {
	.send_ipi = fuzz_send_ipi,
	.eoi_level = fuzz_eoi_level,
};

/* -------------------------------------------------------- invariants -- */

static int fuzz_highest(const uint32_t *bits)
{
	for (int v = 255; v >= 0; v--) {
		if (bits[v / 32] & (1u << (v % 32)))
			return v;
	}
	return -1;
}

/* 11.8.3.1, computed independently of the model. */
static uint8_t fuzz_ppr(const struct vlapic *l)
{
	int isrv = fuzz_highest(l->isr);
	unsigned tpr = l->tpr & 0xff;

	if (isrv < 0 || (tpr >> 4) >= ((unsigned)isrv >> 4))
		return (uint8_t)tpr;
	return (uint8_t)(isrv & 0xf0);
}

/* A register as the guest reads it in the current mode; false if it cannot. */
static bool fuzz_read_reg(struct vlapic *l, uint32_t off, uint32_t *value)
{
	uint64_t v;

	switch (vlapic_mode(l)) {
	case VLAPIC_MODE_XAPIC:
		FUZZ_CHECK(vlapic_mmio_read(l, off, 4, value, vm.now) == VLAPIC_OK);
		return true;
	case VLAPIC_MODE_X2APIC:
		FUZZ_CHECK(vlapic_msr_read(l, 0x800 + (off >> 4), &v, vm.now) == VLAPIC_OK);
		FUZZ_CHECK(v >> 32 == 0);
		*value = (uint32_t)v;
		return true;
	default:
		return false;
	}
}

static void fuzz_check_lapic(struct vlapic *l)
{
	enum vlapic_mode mode = vlapic_mode(l);
	uint64_t base = l->apic_base;
	uint64_t next = vlapic_timer_next_deadline(l);
	uint8_t ppr = vlapic_ppr(l);
	int pending = vlapic_pending_vector(l);
	uint32_t v, ccr, initial;

	/* IA32_APIC_BASE: no reserved bit (maxphyaddr 36), never EN=0 EXTD=1. */
	FUZZ_CHECK(!(base & (0x2ffull | ~((1ull << 36) - 1))));
	FUZZ_CHECK((base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) != VLAPIC_BASE_EXTD);
	FUZZ_CHECK(!!(base & VLAPIC_BASE_BSP) == (l == &vm.cpu[0]));

	/* ISR: at most one vector per priority class; no vector below 16. */
	for (unsigned c = 0; c < 16; c++) {
		uint32_t word = l->isr[c / 2] >> ((c % 2) * 16) & 0xffff;

		FUZZ_CHECK((word & (word - 1)) == 0);
	}
	FUZZ_CHECK((l->isr[0] & 0xffff) == 0);
	FUZZ_CHECK((l->irr[0] & 0xffff) == 0);

	/* PPR and the pending vector. */
	FUZZ_CHECK(ppr == fuzz_ppr(l));
	if (pending >= 0) {
		FUZZ_CHECK(mode != VLAPIC_MODE_DISABLED);
		FUZZ_CHECK(pending == fuzz_highest(l->irr));
		FUZZ_CHECK(((unsigned)pending & 0xf0) > (ppr & 0xf0u));
	} else if (mode != VLAPIC_MODE_DISABLED && fuzz_highest(l->irr) >= 0) {
		FUZZ_CHECK(((unsigned)fuzz_highest(l->irr) & 0xf0) <= (ppr & 0xf0u));
	}

	/* Timer. */
	FUZZ_CHECK(next == VLAPIC_NO_DEADLINE || next > vm.now);
	if (mode == VLAPIC_MODE_DISABLED)
		FUZZ_CHECK(next == VLAPIC_NO_DEADLINE);

	/* Status bits idle; remote IRR only where it means something. */
	for (int i = 0; i < VLAPIC_LVT_COUNT; i++) {
		FUZZ_CHECK(!(l->lvt[i] & VLAPIC_LVT_STATUS));
		if (i != VLAPIC_LVT_LINT0)
			FUZZ_CHECK(!(l->lvt[i] & VLAPIC_LVT_REMOTE_IRR));
		/* Software-disabled: masked (LINTs excepted on the virtual-wire vCPU). */
		if (!(l->svr & VLAPIC_SVR_ENABLE) &&
		    !(l->cfg.virtual_wire && (i == VLAPIC_LVT_LINT0 || i == VLAPIC_LVT_LINT1)))
			FUZZ_CHECK(l->lvt[i] & VLAPIC_LVT_MASKED);
	}
	if (l->lvt[VLAPIC_LVT_LINT0] & VLAPIC_LVT_REMOTE_IRR)
		FUZZ_CHECK((l->lvt[VLAPIC_LVT_LINT0] & (VLAPIC_LVT_DM_MASK | VLAPIC_LVT_LEVEL)) ==
			   VLAPIC_LVT_LEVEL);
	FUZZ_CHECK(!(l->icr & VLAPIC_ICR_STATUS));
	FUZZ_CHECK(!(l->esr & ~0xe0u) && !(l->esr_pending & ~0xe0u));

	/* What the guest reads agrees with the state. */
	if (fuzz_read_reg(l, VLAPIC_REG_PPR, &v)) {
		FUZZ_CHECK(v == ppr);
		FUZZ_CHECK(fuzz_read_reg(l, VLAPIC_REG_TIMER_CCR, &ccr));
		FUZZ_CHECK(fuzz_read_reg(l, VLAPIC_REG_TIMER_ICR, &initial));
		if ((l->lvt[VLAPIC_LVT_TIMER] & VLAPIC_LVT_TIMER_MODE) == VLAPIC_TIMER_TSC_DEADLINE)
			FUZZ_CHECK(ccr == 0 && initial == 0);
		else
			FUZZ_CHECK(ccr <= initial);
		FUZZ_CHECK(fuzz_read_reg(l, VLAPIC_REG_VERSION, &v) && v == VLAPIC_VERSION);
	}
	/* The reads above may fire nothing: they happen at the same `now`. */
	FUZZ_CHECK(vlapic_pending_vector(l) == pending);
}

static void fuzz_check_ioapic(void)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t rte = vm.io.rte[pin];

		FUZZ_CHECK(!(rte & VIOAPIC_RTE_STATUS));
		FUZZ_CHECK(!(rte & 0x00fffffffffe0000ull)); /* reserved bits */
		if (rte & VIOAPIC_RTE_REMOTE_IRR)
			FUZZ_CHECK(rte & VIOAPIC_RTE_LEVEL);
	}
	FUZZ_CHECK(vioapic_reg_read(&vm.io, VIOAPIC_REG_VER) == 0x00170011);
	FUZZ_CHECK(!(vm.io.id & ~0x0f000000u) && vm.io.arb == vm.io.id);
}

/* ---------------------------------------------------------- operations -- */

static const unsigned fuzz_sizes[8] = { 4, 4, 4, 4, 1, 2, 8, 3 };

/* An xAPIC offset: usually a register slot, with flag 0 anything in the page. */
static uint32_t fuzz_offset(unsigned flags, const uint8_t *r, unsigned *size)
{
	if (flags & 1) {
		*size = fuzz_sizes[r[3] & 7];
		return ((uint32_t)r[1] | (uint32_t)r[2] << 8) & 0x1fff;
	}
	*size = 4;
	return (uint32_t)(r[1] & 0x3f) << 4;
}

static void fuzz_mmio(struct vlapic *l, bool write, unsigned flags, const uint8_t *r, uint32_t val)
{
	unsigned size;
	uint32_t off = fuzz_offset(flags, r, &size);
	uint32_t got = 0x5a5a5a5a;
	enum vlapic_status st;

	if (write)
		st = vlapic_mmio_write(l, off, size, val, vm.now);
	else
		st = vlapic_mmio_read(l, off, size, &got, vm.now);
	if (vlapic_mode(l) != VLAPIC_MODE_XAPIC)
		FUZZ_CHECK(st == VLAPIC_NOT_MAPPED);
	else if (size != 4 || (off & 3) || off >= VLAPIC_MMIO_SIZE)
		FUZZ_CHECK(st == VLAPIC_BAD_ACCESS);
	else
		FUZZ_CHECK(st == VLAPIC_OK);
	if (!write && st != VLAPIC_OK)
		FUZZ_CHECK(got == 0);
}

static void fuzz_msr(struct vlapic *l, bool write, unsigned flags, const uint8_t *r, uint32_t val)
{
	uint32_t msr = 0x800 + r[1];
	uint64_t value = val;
	uint64_t got = 0x5a5a5a5a;
	enum vlapic_status st;
	bool x2 = vlapic_mode(l) == VLAPIC_MODE_X2APIC;

	if (flags & 1)
		value |= (uint64_t)(r[2] | (uint32_t)r[3] << 8) << 32;
	if (write)
		st = vlapic_msr_write(l, msr, value, vm.now);
	else
		st = vlapic_msr_read(l, msr, &got, vm.now);
	if (!x2)
		FUZZ_CHECK(st == VLAPIC_GP);
	if (!write && st == VLAPIC_GP)
		FUZZ_CHECK(got == 0);
	FUZZ_CHECK(st == VLAPIC_OK || st == VLAPIC_GP);
}

/* IA32_APIC_BASE or IA32_TSC_DEADLINE. */
static void fuzz_special_msr(struct vlapic *l, unsigned flags, const uint8_t *r, uint32_t val)
{
	uint64_t before = l->apic_base;
	uint64_t value;
	enum vlapic_status st;

	if ((r[1] & 1) && (flags & 2)) {
		FUZZ_CHECK(vlapic_msr_read(l, VLAPIC_MSR_APIC_BASE, &value, vm.now) == VLAPIC_OK);
		FUZZ_CHECK(value == l->apic_base);
		return;
	}
	if (r[1] & 1) {
		if (flags & 1)
			value = val | (uint64_t)r[2] << 32; /* raw, reserved bits likely */
		else
			value = 0xfee00000u | (val & 0xd00); /* BSP, EXTD, EN */
		st = vlapic_msr_write(l, VLAPIC_MSR_APIC_BASE, value, vm.now);
		if (st == VLAPIC_GP)
			FUZZ_CHECK(l->apic_base == before);
		return;
	}
	/* IA32_TSC_DEADLINE exists only when CPUID offers it. */
	st = l->cfg.tsc_deadline ? VLAPIC_OK : VLAPIC_GP;
	if (flags & 2) {
		FUZZ_CHECK(vlapic_msr_read(l, VLAPIC_MSR_TSC_DEADLINE, &value, vm.now) == st);
		return;
	}
	value = (flags & 1) ? val : vm.now + (val & 0xffff) - 0x100;
	FUZZ_CHECK(vlapic_msr_write(l, VLAPIC_MSR_TSC_DEADLINE, value, vm.now) == st);
}

static void fuzz_ack(struct vlapic *l)
{
	int pending = vlapic_pending_vector(l);
	int v;
	bool was_in_service;

	if (pending < 0) {
		FUZZ_CHECK(vlapic_ack(l) == -1);
		return;
	}
	was_in_service = l->isr[pending / 32] & (1u << (pending % 32));
	v = vlapic_ack(l);
	FUZZ_CHECK(v == pending);
	FUZZ_CHECK(!was_in_service);
	FUZZ_CHECK(l->isr[v / 32] & (1u << (v % 32)));
}

static void fuzz_eoi(struct vlapic *l)
{
	int top = fuzz_highest(l->isr);
	enum vlapic_mode mode = vlapic_mode(l);

	if (mode == VLAPIC_MODE_XAPIC)
		FUZZ_CHECK(vlapic_mmio_write(l, VLAPIC_REG_EOI, 4, 0, vm.now) == VLAPIC_OK);
	else if (mode == VLAPIC_MODE_X2APIC)
		FUZZ_CHECK(vlapic_msr_write(l, 0x80b, 0, vm.now) == VLAPIC_OK);
	else
		return;
	/* The vector ended is the highest in service (it may be requested again). */
	if (top >= 0)
		FUZZ_CHECK(!(l->isr[top / 32] & (1u << (top % 32))));
}

static void fuzz_time(unsigned flags, uint32_t val)
{
	uint64_t step;
	uint64_t next =
		MIN(vlapic_timer_next_deadline(&vm.cpu[0]), vlapic_timer_next_deadline(&vm.cpu[1]));

	if ((flags & 3) == 3 && next != VLAPIC_NO_DEADLINE)
		step = next - vm.now; /* exactly to the next deadline */
	else if (flags & 1)
		step = (uint64_t)val << (flags & 2 ? 16 : 0);
	else
		step = val & 0xfff;
	if (vm.now + step < vm.now)
		return;
	vm.now += step;
	for (unsigned i = 0; i < NCPUS; i++)
		vlapic_tick(&vm.cpu[i], vm.now);
}

static void fuzz_ioapic_mmio(bool write, unsigned flags, const uint8_t *r, uint32_t val)
{
	uint32_t off = (flags & 1) ? ((uint32_t)r[1] | (uint32_t)r[2] << 8) & 0xfff
				   : (r[1] & 1 ? VIOAPIC_IOWIN : VIOAPIC_IOREGSEL);
	unsigned size = (flags & 1) ? fuzz_sizes[r[3] & 7] : 4;
	uint32_t got = 0x5a5a5a5a;
	enum vioapic_status st;

	/* Bias IOREGSEL towards real registers. */
	if (write && off == VIOAPIC_IOREGSEL && !(flags & 2))
		val %= 0x40;
	if (write)
		st = vioapic_mmio_write(&vm.io, off, size, val);
	else
		st = vioapic_mmio_read(&vm.io, off, size, &got);
	FUZZ_CHECK(st == ((size != 4 || (off & 3)) ? VIOAPIC_BAD_ACCESS : VIOAPIC_OK));
	if (!write && off == VIOAPIC_IOWIN && st == VIOAPIC_OK &&
	    vm.io.regsel >= VIOAPIC_REG_REDTBL && vm.io.regsel < 0x40 && !(vm.io.regsel & 1))
		FUZZ_CHECK(!(got & VIOAPIC_RTE_STATUS));
}

static void fuzz_step(const uint8_t *r)
{
	unsigned op = r[0] & 0xf;
	struct vlapic *l = &vm.cpu[(r[0] >> 4) & 1];
	unsigned flags = r[0] >> 5;
	uint32_t val = (uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
		       (uint32_t)r[7] << 24;

	switch (op) {
	case 0:
	case 1:
		fuzz_mmio(l, op == 0, flags, r, val);
		break;
	case 2:
	case 3:
		fuzz_msr(l, op == 2, flags, r, val);
		break;
	case 4:
		fuzz_special_msr(l, flags, r, val);
		break;
	case 5:
		vlapic_accept(l, r[1], r[2] & 1);
		break;
	case 6:
		fuzz_ack(l);
		break;
	case 7:
		fuzz_eoi(l);
		break;
	case 8:
		fuzz_time(flags, val);
		break;
	case 9:
		vlapic_set_lint(l, r[1] & 1, r[2] & 1);
		break;
	case 10:
	case 11:
		fuzz_ioapic_mmio(op == 10, flags, r, val);
		break;
	case 12:
		vioapic_set_irq(&vm.io, r[1] % VIOAPIC_PINS, r[2] & 1);
		break;
	case 13: {
		uint32_t ev = vlapic_take_events(l);

		FUZZ_CHECK(!(ev & ~(VLAPIC_EVENT_NMI | VLAPIC_EVENT_SMI | VLAPIC_EVENT_INIT)));
		FUZZ_CHECK(vlapic_take_events(l) == 0);
		(void)vlapic_extint_pending(l);
		break;
	}
	case 14:
		if (flags & 1)
			vlapic_reset(l);
		else
			vlapic_init_reset(l);
		break;
	default:
		vioapic_eoi(&vm.io, r[1]);
		break;
	}
	FUZZ_CHECK(vm.depth == 0);
	for (unsigned i = 0; i < NCPUS; i++)
		fuzz_check_lapic(&vm.cpu[i]);
	fuzz_check_ioapic();
}

/* vCPU 1's APIC ID and the clock frequencies, from the first byte. */
static void fuzz_setup(uint8_t sel)
{
	static const uint32_t ids[4] = { 1, 0x25, 0xfe, 0x12345 };
	static const uint64_t tsc_hz[4] = { 2000000000ull, 2500000000ull, 3000000000ull, 1000000 };
	static const uint64_t timer_hz[4] = { 1000000000ull, 100000000ull, 24000000ull, 1000000 };

	memset(&vm, 0, sizeof(vm));
	vm.now = 1000;
	for (unsigned i = 0; i < NCPUS; i++) {
		struct vlapic_config c = {
			.apic_id = i == 0 ? 0 : ids[sel & 3],
			.bsp = i == 0,
			.x2apic = true,
			.tsc_deadline = !(sel & 0x40),
			.virtual_wire = i == 0,
			.tsc_hz = tsc_hz[(sel >> 2) & 3],
			.timer_hz = timer_hz[(sel >> 4) & 3],
		};

		FUZZ_CHECK(vlapic_init(&vm.cpu[i], &c, &fuzz_ops, &vm) == 0);
		FUZZ_CHECK(fuzz_index(&vm.cpu[i]) == i);
	}
	vioapic_init(&vm.io, 2, fuzz_ioapic_deliver, &vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_setup(data[0]);
	data++;
	size--;
	for (; size >= 8; data += 8, size -= 8)
		fuzz_step(data);
	return 0;
}
