/* UNIT_SOURCES: vmx/dev/vlapic.c */
/*
 * Host tests of the local APIC model against Intel SDM Vol. 3A chapter 11
 * "Advanced Programmable Interrupt Controller (APIC)": reset values
 * (11.4.7.1), writable and read-only bits of every register (Table 11-1),
 * the x2APIC MSR rules (11.12, Table 11-6), IA32_APIC_BASE transitions
 * (11.12.5), TPR/PPR/ISR priorities (11.8.3), acceptance, EOI and the
 * level-triggered EOI callback (11.8.4, 11.8.5), the timer in one-shot,
 * periodic and TSC-deadline modes with every divide value (11.5.4), ICR
 * decoding and destination matching in every form (11.6), LINT inputs,
 * software disable (11.4.7.2), ESR (11.5.3) and INIT (11.4.7.3).
 *
 * Times are guest TSC ticks. With TSC_HZ = 2 * TIMER_HZ one timer input
 * tick is 2 TSC ticks, so with divide-by-D one count lasts 2 * D ticks.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vlapic.h"

#define TSC_HZ   2000000000ull
#define TIMER_HZ 1000000000ull
#define NCPUS    3

struct machine {
	struct vlapic cpu[NCPUS];
	struct vlapic_ipi ipis[16];
	unsigned nipis;
	uint8_t eoi_vectors[16];
	unsigned neois;
	bool route;             /* deliver IPIs to the other vlapics */
	uint32_t events[NCPUS]; /* NMI/INIT/SIPI/SMI delivered by routing */
	uint8_t sipi_vector[NCPUS];
};

static struct machine m;
static uint64_t now;

static void record_ipi(void *ctx, struct vlapic *source, const struct vlapic_ipi *ipi)
{
	struct machine *mc = ctx;

	assert_ptr_equal(ipi->source, source);
	assert_true(mc->nipis < ARRAY_SIZE(mc->ipis));
	mc->ipis[mc->nipis++] = *ipi;
	if (!mc->route)
		return;
	for (unsigned i = 0; i < NCPUS; i++) {
		struct vlapic *t = &mc->cpu[i];

		if (!vlapic_ipi_matches(t, ipi))
			continue;
		switch (ipi->mode) {
		case VLAPIC_DM_FIXED:
			vlapic_accept(t, ipi->vector, ipi->trigger_level);
			break;
		case VLAPIC_DM_NMI:
			mc->events[i] |= VLAPIC_EVENT_NMI;
			break;
		case VLAPIC_DM_INIT:
			mc->events[i] |= VLAPIC_EVENT_INIT;
			vlapic_init_reset(t);
			break;
		case VLAPIC_DM_SIPI:
			mc->sipi_vector[i] = ipi->vector;
			break;
		default:
			mc->events[i] |= VLAPIC_EVENT_SMI;
			break;
		}
		if (ipi->first_match)
			break;
	}
}

static void record_eoi(void *ctx, struct vlapic *l, uint8_t vector)
{
	struct machine *mc = ctx;

	assert_true(mc->neois < ARRAY_SIZE(mc->eoi_vectors));
	mc->eoi_vectors[mc->neois++] = vector;
}

static const struct vlapic_ops ops = {
	.send_ipi = record_ipi,
	.eoi_level = record_eoi,
};

static struct vlapic_config config(uint32_t id)
{
	struct vlapic_config c = {
		.apic_id = id,
		.bsp = id == 0,
		.x2apic = true,
		.tsc_deadline = true,
		.tsc_hz = TSC_HZ,
		.timer_hz = TIMER_HZ,
	};
	return c;
}

static int setup(void **state)
{
	memset(&m, 0, sizeof(m));
	now = 1000;
	for (unsigned i = 0; i < NCPUS; i++) {
		struct vlapic_config c = config(i);

		assert_int_equal(vlapic_init(&m.cpu[i], &c, &ops, &m), 0);
	}
	return 0;
}

/* ---------------------------------------------------------- accessors -- */

static uint32_t rd(struct vlapic *l, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(vlapic_mmio_read(l, off, 4, &v, now), VLAPIC_OK);
	return v;
}

static void wr(struct vlapic *l, uint32_t off, uint32_t v)
{
	assert_int_equal(vlapic_mmio_write(l, off, 4, v, now), VLAPIC_OK);
}

static uint64_t rdmsr(struct vlapic *l, uint32_t msr)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vlapic_msr_read(l, msr, &v, now), VLAPIC_OK);
	return v;
}

static void wrmsr(struct vlapic *l, uint32_t msr, uint64_t v)
{
	assert_int_equal(vlapic_msr_write(l, msr, v, now), VLAPIC_OK);
}

static void sw_enable(struct vlapic *l)
{
	if (vlapic_mode(l) == VLAPIC_MODE_X2APIC)
		wrmsr(l, 0x80f, 0x1ff);
	else
		wr(l, VLAPIC_REG_SVR, 0x1ff);
}

static void to_x2apic(struct vlapic *l)
{
	wrmsr(l, VLAPIC_MSR_APIC_BASE, rdmsr(l, VLAPIC_MSR_APIC_BASE) | VLAPIC_BASE_EXTD);
	assert_int_equal(vlapic_mode(l), VLAPIC_MODE_X2APIC);
}

static bool irr_has(const struct vlapic *l, unsigned v)
{
	return l->irr[v / 32] & (1u << (v % 32));
}

static bool isr_has(const struct vlapic *l, unsigned v)
{
	return l->isr[v / 32] & (1u << (v % 32));
}

static void eoi(struct vlapic *l)
{
	wr(l, VLAPIC_REG_EOI, 0);
}

/* ESR as software reads it: write first, then read (11.5.3). */
static uint32_t esr(struct vlapic *l)
{
	wr(l, VLAPIC_REG_ESR, 0);
	return rd(l, VLAPIC_REG_ESR);
}

/* ------------------------------------------------------------- reset -- */

/* 11.4.7.1 "Local APIC State After Power-Up or Reset". */
static const struct {
	uint32_t off;
	uint32_t value;
} reset_values[] = {
	{ VLAPIC_REG_VERSION, 0x00050014 },
	{ VLAPIC_REG_TPR, 0 },
	{ VLAPIC_REG_APR, 0 },
	{ VLAPIC_REG_PPR, 0 },
	{ VLAPIC_REG_EOI, 0 },
	{ VLAPIC_REG_RRD, 0 },
	{ VLAPIC_REG_LDR, 0 },
	{ VLAPIC_REG_DFR, 0xffffffff },
	{ VLAPIC_REG_SVR, 0x000000ff },
	{ VLAPIC_REG_ISR, 0 },
	{ VLAPIC_REG_ISR + 0x70, 0 },
	{ VLAPIC_REG_TMR, 0 },
	{ VLAPIC_REG_TMR + 0x70, 0 },
	{ VLAPIC_REG_IRR, 0 },
	{ VLAPIC_REG_IRR + 0x70, 0 },
	{ VLAPIC_REG_ESR, 0 },
	{ VLAPIC_REG_ICR_LO, 0 },
	{ VLAPIC_REG_ICR_HI, 0 },
	{ VLAPIC_REG_LVT_TIMER, 0x00010000 },
	{ VLAPIC_REG_LVT_THERMAL, 0x00010000 },
	{ VLAPIC_REG_LVT_PERF, 0x00010000 },
	{ VLAPIC_REG_LVT_LINT0, 0x00010000 },
	{ VLAPIC_REG_LVT_LINT1, 0x00010000 },
	{ VLAPIC_REG_LVT_ERROR, 0x00010000 },
	{ VLAPIC_REG_TIMER_ICR, 0 },
	{ VLAPIC_REG_TIMER_CCR, 0 },
	{ VLAPIC_REG_TIMER_DCR, 0 },
};

static void check_reset_values(struct vlapic *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(reset_values); i++) {
		uint32_t v = rd(l, reset_values[i].off);

		if (v != reset_values[i].value)
			fail_msg("offset %#x: %#x, want %#x", reset_values[i].off, v,
				 reset_values[i].value);
	}
}

static void test_reset_values(void **state)
{
	check_reset_values(&m.cpu[0]);
	check_reset_values(&m.cpu[1]);
	assert_int_equal(rd(&m.cpu[0], VLAPIC_REG_ID), 0);
	assert_int_equal(rd(&m.cpu[2], VLAPIC_REG_ID), 0x02000000);
	/* 11.4.4: base 0xfee00000, EN, BSP on the boot processor only. */
	assert_int_equal(rdmsr(&m.cpu[0], VLAPIC_MSR_APIC_BASE), 0xfee00900);
	assert_int_equal(rdmsr(&m.cpu[1], VLAPIC_MSR_APIC_BASE), 0xfee00800);
	assert_int_equal(vlapic_mode(&m.cpu[0]), VLAPIC_MODE_XAPIC);
	assert_int_equal(vlapic_mmio_base(&m.cpu[0]), VLAPIC_DEFAULT_BASE);
	assert_int_equal(rdmsr(&m.cpu[0], VLAPIC_MSR_TSC_DEADLINE), 0);
	assert_int_equal(vlapic_pending_vector(&m.cpu[0]), -1);
	assert_int_equal(vlapic_timer_next_deadline(&m.cpu[0]), VLAPIC_NO_DEADLINE);
	assert_false(vlapic_extint_pending(&m.cpu[0]));
}

static void test_virtual_wire_reset(void **state)
{
	struct vlapic_config c = config(0);
	struct vlapic l;

	c.virtual_wire = true;
	assert_int_equal(vlapic_init(&l, &c, &ops, &m), 0);
	assert_int_equal(rd(&l, VLAPIC_REG_LVT_LINT0), 0x700); /* ExtINT, unmasked */
	assert_int_equal(rd(&l, VLAPIC_REG_LVT_LINT1), 0x400); /* NMI, unmasked */
	assert_int_equal(rd(&l, VLAPIC_REG_SVR), 0xff);
	/* The 8259's INTR reaches the CPU with the APIC untouched. */
	vlapic_set_lint(&l, 0, true);
	assert_true(vlapic_extint_pending(&l));
	vlapic_set_lint(&l, 0, false);
	assert_false(vlapic_extint_pending(&l));
	vlapic_set_lint(&l, 1, true);
	assert_int_equal(vlapic_take_events(&l), VLAPIC_EVENT_NMI);
}

static void test_init_config_errors(void **state)
{
	struct vlapic l;
	struct vlapic_config c;

	c = config(0);
	c.apic_id = 0xffffffff;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c = config(0);
	c.tsc_hz = 0;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c = config(0);
	c.timer_hz = 0;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c = config(0);
	c.tsc_hz = 1ull << 56;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c = config(0);
	c.maxphyaddr = 31;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c.maxphyaddr = 53;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), -EINVAL);
	c.maxphyaddr = 52;
	assert_int_equal(vlapic_init(&l, &c, NULL, NULL), 0);
	/* No ops: IPIs and EOIs go nowhere, without a crash. */
	wr(&l, VLAPIC_REG_SVR, 0x1ff);
	wr(&l, VLAPIC_REG_ICR_LO, 0x4040 | (2u << 18));
	assert_true(vlapic_accept(&l, 0x50, true));
	assert_int_equal(vlapic_ack(&l), 0x50);
	wr(&l, VLAPIC_REG_EOI, 0);
}

/* ------------------------------------------------------ register masks -- */

/* Writable bits in xAPIC mode (Table 11-1 and the register figures). */
static void test_xapic_register_masks(void **state)
{
	/* clang-format off */
	static const struct {
		uint32_t off;
		uint32_t write;
		uint32_t read;
	} cases[] = {
		{ VLAPIC_REG_ID, 0xffffffff, 0xff000000 },
		{ VLAPIC_REG_ID, 0x05123456, 0x05000000 },
		{ VLAPIC_REG_VERSION, 0, 0x00050014 },		/* read-only */
		{ VLAPIC_REG_TPR, 0xffffffff, 0xff },
		{ VLAPIC_REG_TPR, 0, 0 },
		{ VLAPIC_REG_APR, 0xff, 0 },			/* read-only */
		{ VLAPIC_REG_PPR, 0xff, 0 },			/* read-only */
		{ VLAPIC_REG_RRD, 0xff, 0 },
		{ VLAPIC_REG_LDR, 0xffffffff, 0xff000000 },
		{ VLAPIC_REG_DFR, 0, 0x0fffffff },		/* cluster model */
		{ VLAPIC_REG_DFR, 0x12345678, 0x1fffffff },
		{ VLAPIC_REG_DFR, 0xffffffff, 0xffffffff },
		{ VLAPIC_REG_SVR, 0xffffffff, 0x3ff },
		{ VLAPIC_REG_SVR, 0x1ff, 0x1ff },
		{ VLAPIC_REG_ISR, 0xffffffff, 0 },
		{ VLAPIC_REG_TMR + 0x10, 0xffffffff, 0 },
		{ VLAPIC_REG_IRR + 0x20, 0xffffffff, 0 },
		{ VLAPIC_REG_ICR_HI, 0xffffffff, 0xff000000 },
		{ VLAPIC_REG_LVT_TIMER, 0xfff2ffff, 0x000200ff },
		{ VLAPIC_REG_LVT_TIMER, 0x000400ef, 0x000400ef },	/* TSC-deadline */
		{ VLAPIC_REG_LVT_TIMER, 0x000600ef, 0x000000ef },	/* 11b: one-shot */
		{ VLAPIC_REG_LVT_THERMAL, 0xffffffff, 0x000107ff },
		{ VLAPIC_REG_LVT_PERF, 0xffffffff, 0x000107ff },
		{ VLAPIC_REG_LVT_LINT0, 0xffffffff, 0x0001a7ff },
		{ VLAPIC_REG_LVT_LINT1, 0xffffffff, 0x0001a7ff },
		{ VLAPIC_REG_LVT_ERROR, 0xffffffff, 0x000100ff },
		{ VLAPIC_REG_LVT_ERROR, 0x000000fe, 0x000000fe },
		{ VLAPIC_REG_TIMER_ICR, 0xffffffff, 0xffffffff },
		{ VLAPIC_REG_TIMER_ICR, 0, 0 },
		{ VLAPIC_REG_TIMER_CCR, 0x1234, 0 },		/* read-only */
		{ VLAPIC_REG_TIMER_DCR, 0xffffffff, 0xb },
		{ VLAPIC_REG_TIMER_DCR, 0, 0 },
	};
	/* clang-format on */
	struct vlapic *l = &m.cpu[1];

	wr(l, VLAPIC_REG_SVR, 0x1ff);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		wr(l, cases[i].off, cases[i].write);
		if (rd(l, cases[i].off) != cases[i].read)
			fail_msg("case %zu offset %#x: wrote %#x read %#x, want %#x", i,
				 cases[i].off, cases[i].write, rd(l, cases[i].off), cases[i].read);
	}
	/* ICR low: delivery status (bit 12) and bits 13, 16-17, 20-31 read 0. */
	wr(l, VLAPIC_REG_ICR_HI, 0);
	wr(l, VLAPIC_REG_ICR_LO, 0xfffff840);
	assert_int_equal(rd(l, VLAPIC_REG_ICR_LO), 0x000cc840);
	/* TSC-deadline mode is writable only when offered. */
	{
		struct vlapic_config c = config(4);
		struct vlapic n;

		c.tsc_deadline = false;
		assert_int_equal(vlapic_init(&n, &c, &ops, &m), 0);
		wr(&n, VLAPIC_REG_SVR, 0x1ff);
		wr(&n, VLAPIC_REG_LVT_TIMER, 0x000400ef);
		assert_int_equal(rd(&n, VLAPIC_REG_LVT_TIMER), 0xef);
		assert_int_equal(vlapic_msr_read(&n, VLAPIC_MSR_TSC_DEADLINE, &(uint64_t){ 0 },
						 now),
				 VLAPIC_GP);
		assert_int_equal(vlapic_msr_write(&n, VLAPIC_MSR_TSC_DEADLINE, 1, now), VLAPIC_GP);
	}
}

/* 11.4.1: 32-bit, 128-bit aligned accesses; the page vanishes outside xAPIC mode. */
static void test_mmio_access_rules(void **state)
{
	struct vlapic *l = &m.cpu[1];
	uint32_t v;

	wr(l, VLAPIC_REG_TPR, 0x20);
	static const struct {
		uint32_t off;
		unsigned size;
	} bad[] = {
		{ VLAPIC_REG_TPR, 1 },     { VLAPIC_REG_TPR, 2 },     { VLAPIC_REG_TPR, 8 },
		{ VLAPIC_REG_TPR + 1, 4 }, { VLAPIC_REG_TPR + 2, 4 }, { 0x1000, 4 },
		{ 0xfffffffc, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(vlapic_mmio_read(l, bad[i].off, bad[i].size, &v, now),
				 VLAPIC_BAD_ACCESS);
		assert_int_equal(vlapic_mmio_write(l, bad[i].off, bad[i].size, 0xff, now),
				 VLAPIC_BAD_ACCESS);
	}
	assert_int_equal(rd(l, VLAPIC_REG_TPR), 0x20);
	/* Bytes 4-15 of a slot: read 0, writes dropped, no error. */
	assert_int_equal(rd(l, VLAPIC_REG_TPR + 4), 0);
	wr(l, VLAPIC_REG_TPR + 8, 0x55);
	wr(l, VLAPIC_REG_TPR + 12, 0x55);
	assert_int_equal(rd(l, VLAPIC_REG_TPR), 0x20);
	assert_int_equal(esr(l), 0);
	/* Reserved registers: 0, CMCI (no such LVT), SELF IPI (x2APIC only), past 0x3f0. */
	static const uint32_t reserved[] = { 0x000, 0x010, 0x040, 0x070, 0x2a0, 0x2f0,
					     0x3a0, 0x3d0, 0x3f0, 0x400, 0xff0 };
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
		assert_int_equal(rd(l, reserved[i]), 0);
		assert_int_equal(esr(l), VLAPIC_ESR_ILLEGAL_REG_ADDRESS);
		wr(l, reserved[i], 0xffffffff);
		assert_int_equal(esr(l), VLAPIC_ESR_ILLEGAL_REG_ADDRESS);
		assert_int_equal(esr(l), 0);
	}
	/* x2APIC mode and globally disabled: "similar to ... globally disabled" (11.12.2). */
	to_x2apic(l);
	assert_int_equal(vlapic_mmio_read(l, VLAPIC_REG_TPR, 4, &v, now), VLAPIC_NOT_MAPPED);
	assert_int_equal(vlapic_mmio_write(l, VLAPIC_REG_TPR, 4, 0, now), VLAPIC_NOT_MAPPED);
	wrmsr(l, VLAPIC_MSR_APIC_BASE, VLAPIC_DEFAULT_BASE);
	assert_int_equal(vlapic_mmio_read(l, VLAPIC_REG_TPR, 4, &v, now), VLAPIC_NOT_MAPPED);
	assert_int_equal(vlapic_mmio_write(l, VLAPIC_REG_TPR, 2, 0, now), VLAPIC_NOT_MAPPED);
}

/* ------------------------------------------------------------- x2APIC -- */

#define RO  1 /* read OK */
#define RGP 2 /* read #GP */
#define WOK 4 /* the write below is accepted */
#define WGP 8 /* the write below raises #GP */

/* Table 11-6 and 11.12.1.3 "Reserved Bit Checking". */
static void test_x2apic_msr_rules(void **state)
{
	/* clang-format off */
	static const struct {
		uint32_t msr;
		unsigned what;
		uint64_t write;
	} cases[] = {
		{ 0x800, RGP | WGP, 0 },
		{ 0x802, RO | WGP, 1 },			/* ID: read-only */
		{ 0x803, RO | WGP, 0 },			/* version */
		{ 0x808, RO | WOK, 0xff },		/* TPR */
		{ 0x808, RO | WGP, 0x100 },		/* TPR bits 31:8 reserved */
		{ 0x808, RO | WGP, 1ull << 32 },	/* bits 63:32 reserved */
		{ 0x809, RGP | WGP, 0 },		/* no APR */
		{ 0x80a, RO | WGP, 0 },			/* PPR */
		{ 0x80b, RGP | WOK, 0 },		/* EOI: write-only, only 0 */
		{ 0x80b, RGP | WGP, 1 },
		{ 0x80c, RGP | WGP, 0 },		/* no RRD */
		{ 0x80d, RO | WGP, 0 },			/* LDR: read-only */
		{ 0x80e, RGP | WGP, 0 },		/* no DFR */
		{ 0x80f, RO | WOK, 0x3ff },		/* SVR */
		{ 0x80f, RO | WGP, 0x1000 },		/* EOI-broadcast suppression not offered */
		{ 0x810, RO | WGP, 0 },			/* ISR */
		{ 0x817, RO | WGP, 0 },
		{ 0x818, RO | WGP, 0 },			/* TMR */
		{ 0x820, RO | WGP, 0 },			/* IRR */
		{ 0x827, RO | WGP, 0 },
		{ 0x828, RO | WOK, 0 },			/* ESR: only 0 */
		{ 0x828, RO | WGP, 0x80 },
		{ 0x82f, RGP | WGP, 0x10000 },		/* no CMCI */
		{ 0x830, RO | WOK, 0x0000000200000000ull | 0x4000 | 0x400 },
		{ 0x830, RO | WGP, 0x2000 },		/* ICR bit 13 */
		{ 0x830, RO | WGP, 0x10000 },		/* ICR bits 17:16 */
		{ 0x830, RO | WGP, 0x100000 },		/* ICR bits 31:20 */
		{ 0x831, RGP | WGP, 0 },		/* no ICR high */
		{ 0x832, RO | WOK, 0x000710ff & ~0x20000u },	/* LVT timer; status bit ignored */
		{ 0x832, RO | WGP, 0x00000700 },	/* timer has no delivery mode */
		{ 0x833, RO | WOK, 0x000117ff },
		{ 0x834, RO | WGP, 0x00020000 },
		{ 0x835, RO | WOK, 0x0001f7ff },	/* LINT0: status, remote IRR ignored */
		{ 0x836, RO | WGP, 0x00040000 },
		{ 0x837, RO | WOK, 0x000110ff },
		{ 0x837, RO | WGP, 0x00000400 },
		{ 0x838, RO | WOK, 0xffffffff },	/* initial count */
		{ 0x838, RO | WOK, 0 },
		{ 0x839, RO | WGP, 0 },			/* current count */
		{ 0x83e, RO | WOK, 0xb },		/* divide */
		{ 0x83e, RO | WGP, 0x4 },
		{ 0x83f, RGP | WOK, 0x40 },		/* SELF IPI: write-only */
		{ 0x83f, RGP | WGP, 0x140 },
		{ 0x840, RGP | WGP, 0 },
		{ 0x8ff, RGP | WGP, 0 },
	};
	/* clang-format on */
	struct vlapic *l = &m.cpu[1];
	uint64_t v;

	/* Outside x2APIC mode every x2APIC MSR raises #GP (11.12.2). */
	assert_int_equal(vlapic_msr_read(l, 0x802, &v, now), VLAPIC_GP);
	assert_int_equal(vlapic_msr_write(l, 0x808, 0, now), VLAPIC_GP);
	to_x2apic(l);
	sw_enable(l);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum vlapic_status r = vlapic_msr_read(l, cases[i].msr, &v, now);
		enum vlapic_status w = vlapic_msr_write(l, cases[i].msr, cases[i].write, now);

		if (r != ((cases[i].what & RO) ? VLAPIC_OK : VLAPIC_GP))
			fail_msg("case %zu msr %#x: read status %d", i, cases[i].msr, r);
		if (r == VLAPIC_GP && v != 0)
			fail_msg("case %zu msr %#x: #GP read left %#llx", i, cases[i].msr,
				 (unsigned long long)v);
		if (w != ((cases[i].what & WOK) ? VLAPIC_OK : VLAPIC_GP))
			fail_msg("case %zu msr %#x: write %#llx status %d", i, cases[i].msr,
				 (unsigned long long)cases[i].write, w);
	}
	/* Values written through the MSRs read back through them. */
	wrmsr(l, 0x808, 0x5a);
	assert_int_equal(rdmsr(l, 0x808), 0x5a);
	assert_int_equal(rdmsr(l, 0x802), 1);
	assert_int_equal(rdmsr(l, 0x803), 0x00050014);
	wrmsr(l, 0x830, 0xfedcba9800000000ull | 0x10ff); /* status bit dropped */
	assert_int_equal(rdmsr(l, 0x830), 0xfedcba98000000ffull);
	wrmsr(l, 0x835, 0x0001f7ff);
	assert_int_equal(rdmsr(l, 0x835), 0x0001a7ff);
	/* A #GP write changes nothing. */
	assert_int_equal(vlapic_msr_write(l, 0x808, 0x1ff, now), VLAPIC_GP);
	assert_int_equal(rdmsr(l, 0x808), 0x5a);
	/* MSRs the model answers for. */
	assert_true(vlapic_msr_handled(0x1b));
	assert_true(vlapic_msr_handled(0x6e0));
	assert_true(vlapic_msr_handled(0x800));
	assert_true(vlapic_msr_handled(0x8ff));
	assert_false(vlapic_msr_handled(0x900));
	assert_false(vlapic_msr_handled(0x7ff));
	assert_int_equal(vlapic_msr_read(l, 0x900, &v, now), VLAPIC_GP);
	assert_int_equal(vlapic_msr_read(l, 0x10, &v, now), VLAPIC_GP);
}

/* 11.12.10.2 "Deriving Logical x2APIC ID from the Local x2APIC ID". */
static void test_x2apic_id_and_ldr(void **state)
{
	static const struct {
		uint32_t id;
		uint32_t ldr;
	} cases[] = {
		{ 0, 0x00000001 },          { 1, 0x00000002 },    { 0xf, 0x00008000 },
		{ 0x10, 0x00010001 },       { 0x25, 0x00020020 }, { 0x1234f, 0x12348000 },
		{ 0xfffffffe, 0xffff4000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vlapic_config c = config(cases[i].id);
		struct vlapic l;

		assert_int_equal(vlapic_init(&l, &c, &ops, &m), 0);
		/* A written xAPIC ID and LDR do not survive the switch (11.12.5.1). */
		wr(&l, VLAPIC_REG_ID, 0x77000000);
		wr(&l, VLAPIC_REG_LDR, 0x88000000);
		assert_int_equal(rd(&l, VLAPIC_REG_ID), 0x77000000);
		to_x2apic(&l);
		assert_int_equal(rdmsr(&l, 0x802), cases[i].id);
		assert_int_equal(rdmsr(&l, 0x80d), cases[i].ldr);
	}
}

/* 11.12.5 "x2APIC State Transitions", Figure 11-27; 11.4.4 reserved bits. */
static void test_apic_base_transitions(void **state)
{
	/* clang-format off */
	static const struct {
		uint64_t write;
		enum vlapic_status status;
		enum vlapic_mode mode; /* after the write */
	} steps[] = {
		{ 0xfee00c00, VLAPIC_OK, VLAPIC_MODE_X2APIC },		/* xAPIC -> x2APIC */
		{ 0xfee00800, VLAPIC_GP, VLAPIC_MODE_X2APIC },		/* x2APIC -> xAPIC */
		{ 0xfee00400, VLAPIC_GP, VLAPIC_MODE_X2APIC },		/* EN=0 EXTD=1: invalid */
		{ 0xfee00000, VLAPIC_OK, VLAPIC_MODE_DISABLED },	/* x2APIC -> disabled */
		{ 0xfee00c00, VLAPIC_GP, VLAPIC_MODE_DISABLED },	/* disabled -> x2APIC */
		{ 0xfee00400, VLAPIC_GP, VLAPIC_MODE_DISABLED },
		{ 0xfee00800, VLAPIC_OK, VLAPIC_MODE_XAPIC },		/* disabled -> xAPIC */
		{ 0xfee00000, VLAPIC_OK, VLAPIC_MODE_DISABLED },	/* xAPIC -> disabled */
		{ 0xfee00800, VLAPIC_OK, VLAPIC_MODE_XAPIC },
		{ 0xfee00801, VLAPIC_GP, VLAPIC_MODE_XAPIC },		/* bits 7:0 reserved */
		{ 0xfee00880, VLAPIC_GP, VLAPIC_MODE_XAPIC },
		{ 0xfee00a00, VLAPIC_GP, VLAPIC_MODE_XAPIC },		/* bit 9 reserved */
		{ 0x10fee00800ull, VLAPIC_GP, VLAPIC_MODE_XAPIC },	/* above MAXPHYADDR 36 */
		{ 0xffee00800ull, VLAPIC_OK, VLAPIC_MODE_XAPIC },	/* bit 35: fine */
		{ 0xfed00900, VLAPIC_OK, VLAPIC_MODE_XAPIC },		/* BSP write ignored */
		{ 0xfee00800, VLAPIC_OK, VLAPIC_MODE_XAPIC },
	};
	/* clang-format on */
	struct vlapic *l = &m.cpu[1];

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		uint64_t before = rdmsr(l, VLAPIC_MSR_APIC_BASE);
		enum vlapic_status st =
			vlapic_msr_write(l, VLAPIC_MSR_APIC_BASE, steps[i].write, now);

		if (st != steps[i].status || vlapic_mode(l) != steps[i].mode)
			fail_msg("step %zu: write %#llx: status %d mode %d", i,
				 (unsigned long long)steps[i].write, st, vlapic_mode(l));
		if (st == VLAPIC_GP)
			assert_int_equal(rdmsr(l, VLAPIC_MSR_APIC_BASE), before);
		else
			assert_int_equal(rdmsr(l, VLAPIC_MSR_APIC_BASE),
					 steps[i].write & ~VLAPIC_BASE_BSP);
	}
	/* The page moves with the base. */
	wrmsr(l, VLAPIC_MSR_APIC_BASE, 0xfed00800);
	assert_int_equal(vlapic_mmio_base(l), 0xfed00000);
	/* The BSP keeps its flag whatever it writes. */
	wrmsr(&m.cpu[0], VLAPIC_MSR_APIC_BASE, 0xfee00800);
	assert_int_equal(rdmsr(&m.cpu[0], VLAPIC_MSR_APIC_BASE), 0xfee00900);
	/* Without x2APIC in CPUID, EXTD is a reserved bit. */
	{
		struct vlapic_config c = config(5);
		struct vlapic n;

		c.x2apic = false;
		assert_int_equal(vlapic_init(&n, &c, &ops, &m), 0);
		assert_int_equal(vlapic_msr_write(&n, VLAPIC_MSR_APIC_BASE, 0xfee00c00, now),
				 VLAPIC_GP);
		assert_int_equal(vlapic_mode(&n), VLAPIC_MODE_XAPIC);
	}
}

/* What the mode switches keep and lose (11.4.3, 11.12.5.1). */
static void test_mode_switch_state(void **state)
{
	struct vlapic *l = &m.cpu[2];

	sw_enable(l);
	wr(l, VLAPIC_REG_TPR, 0x30);
	wr(l, VLAPIC_REG_ICR_HI, 0x05000000);
	wr(l, VLAPIC_REG_LVT_LINT1, 0x400);
	assert_true(vlapic_accept(l, 0x80, false));
	to_x2apic(l);
	/* Kept: TPR, SVR, LVTs, IRR. Lost: ICR high. */
	assert_int_equal(rdmsr(l, 0x808), 0x30);
	assert_int_equal(rdmsr(l, 0x80f), 0x1ff);
	assert_int_equal(rdmsr(l, 0x836), 0x400);
	assert_int_equal(rdmsr(l, 0x824), 1);
	assert_int_equal(rdmsr(l, 0x830) >> 32, 0);
	/* Disabling resets everything; re-enabling shows the reset state. */
	wrmsr(l, 0x838, 1000);
	wrmsr(l, VLAPIC_MSR_APIC_BASE, 0xfee00000);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_false(vlapic_accept(l, 0x80, false)); /* no APIC to accept it */
	wrmsr(l, VLAPIC_MSR_APIC_BASE, 0xfee00800);
	check_reset_values(l);
	assert_int_equal(rd(l, VLAPIC_REG_ID), 0x02000000);
}

/* ------------------------------------------------------------ priority -- */

/* Put `vector` in service: accept and acknowledge it. */
static void in_service(struct vlapic *l, uint8_t vector)
{
	assert_true(vlapic_accept(l, vector, false));
	assert_int_equal(vlapic_ack(l), vector);
}

/* 11.8.3.1 "Task and Processor Priorities"; APR per Figure 11-15. */
static void test_ppr_apr(void **state)
{
	/* clang-format off */
	static const struct {
		uint8_t tpr;
		uint8_t isr;	/* vector in service, 0 = none */
		uint8_t irr;	/* vector requested, 0 = none */
		uint8_t ppr;
		uint8_t apr;
		int pending;
	} cases[] = {
		{ 0x00, 0,    0,    0x00, 0x00, -1 },
		{ 0x25, 0,    0,    0x25, 0x25, -1 },
		{ 0x25, 0x31, 0,    0x30, 0x30, -1 },
		{ 0x35, 0x31, 0,    0x35, 0x30, -1 },	/* PPR: TPR; APR: TPR not above ISR */
		{ 0x3a, 0x3f, 0,    0x3a, 0x30, -1 },	/* same class: TPR; APR needs TPR above ISR */
		{ 0x2f, 0x31, 0,    0x30, 0x30, -1 },
		{ 0x00, 0,    0x41, 0x00, 0x40, 0x41 },
		{ 0x40, 0,    0x41, 0x40, 0x40, -1 },	/* same class as PPR: held */
		{ 0x41, 0,    0x4f, 0x41, 0x41, -1 },
		{ 0x4f, 0,    0x50, 0x4f, 0x50, 0x50 },
		{ 0x00, 0x60, 0x61, 0x60, 0x60, -1 },	/* same class as in service */
		{ 0x00, 0x60, 0x70, 0x60, 0x70, 0x70 },	/* nesting */
		{ 0x80, 0x60, 0x70, 0x80, 0x80, -1 },
		{ 0x00, 0xff, 0x10, 0xf0, 0xf0, -1 },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vlapic *l = &m.cpu[0];

		setup(NULL);
		sw_enable(l);
		if (cases[i].isr)
			in_service(l, cases[i].isr);
		if (cases[i].irr)
			assert_true(vlapic_accept(l, cases[i].irr, false));
		wr(l, VLAPIC_REG_TPR, cases[i].tpr);
		if (rd(l, VLAPIC_REG_PPR) != cases[i].ppr || vlapic_ppr(l) != cases[i].ppr)
			fail_msg("case %zu: PPR %#x, want %#x", i, rd(l, VLAPIC_REG_PPR),
				 cases[i].ppr);
		if (rd(l, VLAPIC_REG_APR) != cases[i].apr)
			fail_msg("case %zu: APR %#x, want %#x", i, rd(l, VLAPIC_REG_APR),
				 cases[i].apr);
		assert_int_equal(vlapic_pending_vector(l), cases[i].pending);
	}
}

static void test_tpr_cr8(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	assert_true(vlapic_accept(l, 0x51, false));
	vlapic_set_tpr(l, 0x50); /* CR8 = 5 */
	assert_int_equal(vlapic_tpr(l), 0x50);
	assert_int_equal(rd(l, VLAPIC_REG_TPR), 0x50);
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_set_tpr(l, 0x40);
	assert_int_equal(vlapic_pending_vector(l), 0x51);
}

/* 11.8.4 acceptance, IRR -> ISR, 11.8.5 EOI of the highest in service. */
static void test_accept_ack_eoi(void **state)
{
	struct vlapic *l = &m.cpu[0];

	/* Software-disabled: nothing accepted (11.4.7.2). */
	assert_false(vlapic_accept(l, 0x40, false));
	assert_int_equal(vlapic_ack(l), -1);
	sw_enable(l);

	assert_true(vlapic_accept(l, 0x40, false));
	assert_true(vlapic_accept(l, 0x80, false));
	assert_true(vlapic_accept(l, 0x60, false));
	assert_true(vlapic_accept(l, 0x60, false));                     /* merged */
	assert_int_equal(rd(l, VLAPIC_REG_IRR + 0x20), 0x00000001 | 0); /* 0x40 */
	assert_int_equal(rd(l, VLAPIC_REG_IRR + 0x40), 0x00000001);     /* 0x80 */
	assert_int_equal(vlapic_ack(l), 0x80);
	assert_true(isr_has(l, 0x80));
	assert_false(irr_has(l, 0x80));
	assert_int_equal(rd(l, VLAPIC_REG_ISR + 0x40), 1);
	assert_int_equal(rd(l, VLAPIC_REG_PPR), 0x80);
	assert_int_equal(vlapic_ack(l), -1); /* 0x60 waits below PPR */
	/* A higher class interrupts the handler. */
	assert_true(vlapic_accept(l, 0x90, false));
	assert_int_equal(vlapic_ack(l), 0x90);
	eoi(l); /* ends 0x90, the highest in service */
	assert_false(isr_has(l, 0x90));
	assert_true(isr_has(l, 0x80));
	eoi(l);
	assert_int_equal(vlapic_ack(l), 0x60);
	eoi(l);
	assert_int_equal(vlapic_ack(l), 0x40);
	eoi(l);
	eoi(l); /* nothing in service: ignored */
	assert_int_equal(l->eois, 4);
	assert_int_equal(vlapic_ack(l), -1);
	assert_int_equal(m.neois, 0); /* all edge-triggered */

	/* Vectors 0-15 are never accepted (11.5.2). */
	for (unsigned v = 0; v < 16; v++)
		assert_false(vlapic_accept(l, (uint8_t)v, false));
	assert_int_equal(l->irr[0], 0);
	assert_int_equal(esr(l), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
}

/* TMR records the trigger mode; a level EOI is broadcast through eoi_level. */
static void test_level_eoi_callback(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	assert_true(vlapic_accept(l, 0x50, true));
	assert_int_equal(rd(l, VLAPIC_REG_TMR + 0x20), 1u << 16);
	assert_int_equal(vlapic_ack(l), 0x50);
	eoi(l);
	assert_int_equal(m.neois, 1);
	assert_int_equal(m.eoi_vectors[0], 0x50);
	/* The same vector edge-triggered: TMR cleared, no broadcast. */
	assert_true(vlapic_accept(l, 0x50, false));
	assert_int_equal(rd(l, VLAPIC_REG_TMR + 0x20), 0);
	vlapic_ack(l);
	eoi(l);
	assert_int_equal(m.neois, 1);
	/* In x2APIC mode through MSR 0x80b. */
	to_x2apic(l);
	assert_true(vlapic_accept(l, 0xa1, true));
	assert_int_equal(vlapic_ack(l), 0xa1);
	wrmsr(l, 0x80b, 0);
	assert_int_equal(m.neois, 2);
	assert_int_equal(m.eoi_vectors[1], 0xa1);
}

/* 11.4.7.2 "Local APIC State After It Has Been Software Disabled". */
static void test_software_disable(void **state)
{
	struct vlapic *l = &m.cpu[0];
	static const uint32_t lvts[] = { VLAPIC_REG_LVT_TIMER, VLAPIC_REG_LVT_THERMAL,
					 VLAPIC_REG_LVT_PERF,  VLAPIC_REG_LVT_LINT0,
					 VLAPIC_REG_LVT_LINT1, VLAPIC_REG_LVT_ERROR };

	sw_enable(l);
	for (size_t i = 0; i < ARRAY_SIZE(lvts); i++)
		wr(l, lvts[i], 0x40 + (uint32_t)i);
	assert_true(vlapic_accept(l, 0x70, false));
	wr(l, VLAPIC_REG_SVR, 0xff); /* software disable */
	for (size_t i = 0; i < ARRAY_SIZE(lvts); i++) {
		assert_int_equal(rd(l, lvts[i]), VLAPIC_LVT_MASKED | (0x40 + (uint32_t)i));
		/* "Attempts to reset these bits will be ignored." */
		wr(l, lvts[i], 0x50);
		assert_int_equal(rd(l, lvts[i]), VLAPIC_LVT_MASKED | 0x50);
	}
	/* Pending interrupts are held; new ones are refused. */
	assert_true(irr_has(l, 0x70));
	assert_false(vlapic_accept(l, 0x71, false));
	assert_int_equal(vlapic_pending_vector(l), 0x70);
	/* Enabling again does not unmask. */
	sw_enable(l);
	assert_int_equal(rd(l, VLAPIC_REG_LVT_TIMER), VLAPIC_LVT_MASKED | 0x50);
	assert_true(vlapic_accept(l, 0x71, false));
}

/* 11.5.3 "Error Handling": latch on write, LVT error interrupt. */
static void test_esr(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	vlapic_accept(l, 3, false);
	/* Not visible until ESR is written. */
	assert_int_equal(rd(l, VLAPIC_REG_ESR), 0);
	wr(l, VLAPIC_REG_ESR, 0x12345678); /* the value written does not matter */
	assert_int_equal(rd(l, VLAPIC_REG_ESR), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
	assert_int_equal(rd(l, VLAPIC_REG_ESR), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
	wr(l, VLAPIC_REG_ICR_LO, 0x4005); /* fixed, illegal vector: not sent */
	rd(l, 0x2f0);
	assert_int_equal(esr(l), VLAPIC_ESR_SEND_ILLEGAL_VECTOR | VLAPIC_ESR_ILLEGAL_REG_ADDRESS);
	assert_int_equal(m.nipis, 0);
	assert_int_equal(esr(l), 0);
	/* Unmasked LVT error: each error raises its vector. */
	wr(l, VLAPIC_REG_LVT_ERROR, 0xee);
	vlapic_accept(l, 1, false);
	assert_int_equal(vlapic_pending_vector(l), 0xee);
	/* An illegal error vector records the error and stops there. */
	wr(l, VLAPIC_REG_LVT_ERROR, 0x02);
	vlapic_accept(l, 1, false);
	assert_int_equal(esr(l), VLAPIC_ESR_RECV_ILLEGAL_VECTOR);
	assert_int_equal(vlapic_ack(l), 0xee);
}

/* 11.4.7.3 "Local APIC State After an INIT Reset". */
static void test_init_reset(void **state)
{
	struct vlapic *l = &m.cpu[1];

	sw_enable(l);
	wr(l, VLAPIC_REG_ID, 0x09000000);
	wr(l, VLAPIC_REG_TPR, 0x40);
	wr(l, VLAPIC_REG_TIMER_ICR, 500);
	vlapic_accept(l, 0x99, false);
	vlapic_init_reset(l);
	check_reset_values(l);
	assert_int_equal(rd(l, VLAPIC_REG_ID), 0x09000000); /* "APIC ID ... unaffected" */
	assert_int_equal(rdmsr(l, VLAPIC_MSR_APIC_BASE), 0xfee00800);
	/* In x2APIC mode the mode and the derived LDR stay. */
	to_x2apic(l);
	sw_enable(l);
	vlapic_init_reset(l);
	assert_int_equal(vlapic_mode(l), VLAPIC_MODE_X2APIC);
	assert_int_equal(rdmsr(l, 0x80f), 0xff);
	assert_int_equal(rdmsr(l, 0x80d), 2);
	/* A power-up reset goes back to xAPIC mode at the default base. */
	vlapic_reset(l);
	assert_int_equal(vlapic_mode(l), VLAPIC_MODE_XAPIC);
	assert_int_equal(rd(l, VLAPIC_REG_ID), 0x01000000);
}

/* ---------------------------------------------------------------- timer -- */

static void set_timer(struct vlapic *l, uint32_t lvt, uint32_t dcr, uint32_t count)
{
	wr(l, VLAPIC_REG_LVT_TIMER, lvt);
	wr(l, VLAPIC_REG_TIMER_DCR, dcr);
	wr(l, VLAPIC_REG_TIMER_ICR, count);
}

/* 11.5.4, Figure 11-10: every divide value, one-shot. */
static void test_timer_oneshot_divides(void **state)
{
	static const struct {
		uint32_t dcr;
		uint64_t divide;
	} cases[] = {
		{ 0x0, 2 },  { 0x1, 4 },   { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 },
		{ 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 }, { 0x4, 2 }, /* bit 2 is not part of it */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vlapic *l = &m.cpu[0];
		uint64_t per = 2 * cases[i].divide; /* TSC ticks per count */
		uint64_t t0;

		setup(NULL);
		now = t0 = 5000 + i;
		sw_enable(l);
		set_timer(l, 0x30, cases[i].dcr, 100);
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 100);
		assert_int_equal(vlapic_timer_next_deadline(l), t0 + 100 * per);
		now = t0 + per - 1;
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 100);
		now = t0 + per;
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 99);
		now = t0 + 50 * per + per / 2;
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 50);
		now = t0 + 100 * per - 1;
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 1);
		vlapic_tick(l, now);
		assert_int_equal(vlapic_pending_vector(l), -1);
		now = t0 + 100 * per;
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
		vlapic_tick(l, now);
		assert_int_equal(vlapic_pending_vector(l), 0x30);
		assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
		/* It stays at 0 and fires once. */
		now += 1000000;
		vlapic_tick(l, now);
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
		assert_int_equal(l->timer_fired, 1);
		assert_int_equal(rd(l, VLAPIC_REG_TIMER_ICR), 100); /* initial count kept */
	}
}

static void test_timer_oneshot_stop_restart(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	set_timer(l, 0x31, 0xb, 1000); /* 2 TSC ticks per count */
	now += 600;
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 700);
	/* A new initial count restarts from it. */
	wr(l, VLAPIC_REG_TIMER_ICR, 10);
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 10);
	assert_int_equal(vlapic_timer_next_deadline(l), now + 20);
	/* Writing 0 stops it. */
	wr(l, VLAPIC_REG_TIMER_ICR, 0);
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	now += 100;
	vlapic_tick(l, now);
	assert_int_equal(vlapic_pending_vector(l), -1);
	/* A late tick still fires a one-shot that expired. */
	wr(l, VLAPIC_REG_TIMER_ICR, 5);
	now += 5000;
	vlapic_tick(l, now);
	assert_int_equal(vlapic_pending_vector(l), 0x31);
}

/* A new divisor applies to the count left (11.5.4). */
static void test_timer_divide_change(void **state)
{
	struct vlapic *l = &m.cpu[0];
	uint64_t t0 = now;

	sw_enable(l);
	set_timer(l, 0x32, 0xb, 100);     /* 2 TSC ticks per count */
	now = t0 + 100;                   /* 50 counts done */
	wr(l, VLAPIC_REG_TIMER_DCR, 0x0); /* divide by 2: 4 TSC ticks per count */
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 50);
	assert_int_equal(vlapic_timer_next_deadline(l), t0 + 100 + 200);
	now = t0 + 100 + 40;
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 40);
}

static void test_timer_periodic(void **state)
{
	struct vlapic *l = &m.cpu[0];
	uint64_t t0 = now;
	static const struct {
		uint64_t t;
		uint32_t ccr;
	} reads[] = {
		{ 0, 10 },  { 1, 10 }, { 2, 9 },  { 19, 1 },  { 20, 10 },
		{ 21, 10 }, { 22, 9 }, { 39, 1 }, { 40, 10 }, { 105, 8 },
	};

	sw_enable(l);
	set_timer(l, VLAPIC_TIMER_PERIODIC | 0x33, 0xb, 10); /* period 20 TSC ticks */
	/* Lazily computed: reads need no tick. */
	for (size_t i = 0; i < ARRAY_SIZE(reads); i++) {
		now = t0 + reads[i].t;
		if (rd(l, VLAPIC_REG_TIMER_CCR) != reads[i].ccr)
			fail_msg("t0+%llu: CCR %u, want %u", (unsigned long long)reads[i].t,
				 rd(l, VLAPIC_REG_TIMER_CCR), reads[i].ccr);
	}
	now = t0;
	assert_int_equal(vlapic_timer_next_deadline(l), t0 + 20);
	vlapic_tick(l, t0 + 19);
	assert_int_equal(l->timer_fired, 0);
	vlapic_tick(l, t0 + 20);
	assert_int_equal(l->timer_fired, 1);
	assert_int_equal(vlapic_ack(l), 0x33);
	wr(l, VLAPIC_REG_EOI, 0);
	assert_int_equal(vlapic_timer_next_deadline(l), t0 + 40);
	/* Late by four periods: one interrupt, three missed. */
	vlapic_tick(l, t0 + 105);
	assert_int_equal(l->timer_fired, 2);
	assert_int_equal(l->timer_missed, 3);
	assert_int_equal(vlapic_timer_next_deadline(l), t0 + 120);
	now = t0 + 105;
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 8);
	/* Periodic -> one-shot: the count ends its period and stops. */
	wr(l, VLAPIC_REG_LVT_TIMER, 0x33);
	vlapic_tick(l, t0 + 120);
	assert_int_equal(l->timer_fired, 3);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	now = t0 + 150;
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
	/* One-shot -> periodic after the end: it stays stopped. */
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_TIMER_PERIODIC | 0x33);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
}

/*
 * A TSC/timer ratio that is not whole (2.5 TSC ticks per input tick):
 * each period restarts at the first TSC tick at or after the end of the
 * previous one.
 */
static void test_timer_fractional_ratio(void **state)
{
	struct vlapic_config c = config(0);
	struct vlapic l;

	c.tsc_hz = 2500000000ull;
	assert_int_equal(vlapic_init(&l, &c, &ops, &m), 0);
	now = 0;
	sw_enable(&l);
	set_timer(&l, VLAPIC_TIMER_PERIODIC | 0x34, 0xb, 3); /* 7.5 TSC ticks */
	assert_int_equal(vlapic_timer_next_deadline(&l), 8);
	now = 2;
	assert_int_equal(rd(&l, VLAPIC_REG_TIMER_CCR), 3); /* 0.8 ticks */
	now = 3;
	assert_int_equal(rd(&l, VLAPIC_REG_TIMER_CCR), 2); /* 1.2 ticks */
	now = 7;
	assert_int_equal(rd(&l, VLAPIC_REG_TIMER_CCR), 1); /* 2.8 ticks */
	vlapic_tick(&l, 8);
	assert_int_equal(vlapic_timer_next_deadline(&l), 16);
	vlapic_tick(&l, 16);
	assert_int_equal(vlapic_timer_next_deadline(&l), 24);
	assert_int_equal(l.timer_fired, 2);
	/* The same with a huge count: no overflow on the way. */
	now = 24;
	wr(&l, VLAPIC_REG_TIMER_DCR, 0xa); /* divide by 128 */
	wr(&l, VLAPIC_REG_TIMER_ICR, 0xffffffff);
	assert_int_equal(vlapic_timer_next_deadline(&l), 24 + 1374389534400ull);
	now = 24 + 1374389534400ull - 1;
	assert_int_equal(rd(&l, VLAPIC_REG_TIMER_CCR), 1);
}

/* Expiries while masked deliver nothing, before or after unmasking. */
static void test_timer_masked(void **state)
{
	struct vlapic *l = &m.cpu[0];
	uint64_t t0 = now;

	sw_enable(l);
	set_timer(l, VLAPIC_LVT_MASKED | 0x35, 0xb, 10);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	now = t0 + 100;
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
	wr(l, VLAPIC_REG_LVT_TIMER, 0x35);
	vlapic_tick(l, now);
	assert_int_equal(vlapic_pending_vector(l), -1);

	/* Periodic, masked for a while, then unmasked: next period end. */
	now = t0 = 10000;
	set_timer(l, VLAPIC_LVT_MASKED | VLAPIC_TIMER_PERIODIC | 0x35, 0xb, 10);
	now = t0 + 55;
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_TIMER_PERIODIC | 0x35);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_int_equal(vlapic_timer_next_deadline(l), t0 + 60);
	vlapic_tick(l, t0 + 60);
	assert_int_equal(vlapic_pending_vector(l), 0x35);

	/* An expiry before the guest masked is still delivered, however late the tick. */
	setup(NULL);
	sw_enable(l);
	now = t0 = 2000;
	set_timer(l, 0x36, 0xb, 10);
	now = t0 + 30;
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_MASKED | 0x36);
	assert_int_equal(vlapic_pending_vector(l), 0x36);
}

/* 11.5.4.1 "TSC-Deadline Mode". */
static void test_timer_tsc_deadline(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	/* Outside TSC-deadline mode the MSR reads 0 and ignores writes. */
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 5000);
	assert_int_equal(rdmsr(l, VLAPIC_MSR_TSC_DEADLINE), 0);

	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_TIMER_TSC_DEADLINE | 0x37);
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 5000);
	assert_int_equal(rdmsr(l, VLAPIC_MSR_TSC_DEADLINE), 5000);
	assert_int_equal(vlapic_timer_next_deadline(l), 5000);
	/* The count registers do nothing in this mode. */
	wr(l, VLAPIC_REG_TIMER_ICR, 100);
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_CCR), 0);
	vlapic_tick(l, 4999);
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_tick(l, 5000);
	assert_int_equal(vlapic_pending_vector(l), 0x37);
	/* Fired: disarmed, the MSR reads 0. */
	now = 5001;
	assert_int_equal(rdmsr(l, VLAPIC_MSR_TSC_DEADLINE), 0);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	vlapic_ack(l);
	eoi(l);
	/* A deadline in the past fires at once. */
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 100);
	assert_int_equal(vlapic_pending_vector(l), 0x37);
	vlapic_ack(l);
	eoi(l);
	/* 0 disarms; rewriting moves it. */
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 9000);
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 0);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 9000);
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 7000);
	vlapic_tick(l, 7000);
	assert_int_equal(vlapic_pending_vector(l), 0x37);
	vlapic_ack(l);
	eoi(l);
	/* Leaving TSC-deadline mode disarms it. */
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 20000);
	wr(l, VLAPIC_REG_LVT_TIMER, 0x37);
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_TIMER_TSC_DEADLINE | 0x37);
	assert_int_equal(rdmsr(l, VLAPIC_MSR_TSC_DEADLINE), 0);
	/* Entering it disarms a running count. */
	wr(l, VLAPIC_REG_LVT_TIMER, 0x37);
	wr(l, VLAPIC_REG_TIMER_ICR, 1000);
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_TIMER_TSC_DEADLINE | 0x37);
	assert_int_equal(rd(l, VLAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	/* Masked: the deadline passes without an interrupt. */
	wr(l, VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_MASKED | VLAPIC_TIMER_TSC_DEADLINE | 0x37);
	wrmsr(l, VLAPIC_MSR_TSC_DEADLINE, 6000);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	vlapic_tick(l, 6000);
	assert_int_equal(vlapic_pending_vector(l), -1);
	now = 6000;
	assert_int_equal(rdmsr(l, VLAPIC_MSR_TSC_DEADLINE), 0);
}

/* ------------------------------------------------------------------ ICR -- */

#define DROPPED 0xff

/* 11.6.1 Figure 11-12: every field and destination form, xAPIC. */
static void test_icr_decoding_xapic(void **state)
{
	/* clang-format off */
	static const struct {
		uint32_t hi, lo;
		uint8_t mode;	/* expected enum vlapic_delivery, or DROPPED */
		enum vlapic_shorthand sh;
		uint32_t dest;
		uint8_t vector;
		bool logical, level, first;
	} cases[] = {
		{ 0x01000000, 0x00004030, VLAPIC_DM_FIXED, VLAPIC_SH_NONE, 1, 0x30, false, false, false },
		{ 0xff000000, 0x00004031, VLAPIC_DM_FIXED, VLAPIC_SH_NONE, 0xff, 0x31, false, false, false },
		{ 0x0c000000, 0x00004832, VLAPIC_DM_FIXED, VLAPIC_SH_NONE, 0x0c, 0x32, true, false, false },
		{ 0x03000000, 0x0000c033, VLAPIC_DM_FIXED, VLAPIC_SH_NONE, 3, 0x33, false, true, false },
		{ 0x0f000000, 0x00004934, VLAPIC_DM_FIXED, VLAPIC_SH_NONE, 0x0f, 0x34, true, false, true },
		{ 0x02000000, 0x00004200, VLAPIC_DM_SMI, VLAPIC_SH_NONE, 2, 0x00, false, false, false },
		{ 0x02000000, 0x00004400, VLAPIC_DM_NMI, VLAPIC_SH_NONE, 2, 0x00, false, false, false },
		{ 0x02000000, 0x0000c500, VLAPIC_DM_INIT, VLAPIC_SH_NONE, 2, 0x00, false, true, false },
		{ 0x02000000, 0x00004500, VLAPIC_DM_INIT, VLAPIC_SH_NONE, 2, 0x00, false, false, false },
		{ 0x02000000, 0x00008500, DROPPED, VLAPIC_SH_NONE, 0, 0, false, false, false },	/* INIT level de-assert */
		{ 0x02000000, 0x0000469a, VLAPIC_DM_SIPI, VLAPIC_SH_NONE, 2, 0x9a, false, false, false },
		{ 0x00000000, 0x000c4500, VLAPIC_DM_INIT, VLAPIC_SH_OTHERS, 0, 0x00, false, false, false },
		{ 0x00000000, 0x000c4610, VLAPIC_DM_SIPI, VLAPIC_SH_OTHERS, 0, 0x10, false, false, false },
		{ 0x00000000, 0x000c4035, VLAPIC_DM_FIXED, VLAPIC_SH_OTHERS, 0, 0x35, false, false, false },
		{ 0x00000000, 0x00084036, VLAPIC_DM_FIXED, VLAPIC_SH_ALL, 0, 0x36, false, false, false },
		{ 0x00000000, 0x00044400, VLAPIC_DM_NMI, VLAPIC_SH_SELF, 0, 0x00, false, false, false },
		{ 0x05000000, 0x00004300, DROPPED, VLAPIC_SH_NONE, 0, 0, false, false, false },	/* reserved mode 011b */
		{ 0x05000000, 0x00004700, DROPPED, VLAPIC_SH_NONE, 0, 0, false, false, false },	/* reserved mode 111b */
		{ 0x05000000, 0x0000400f, DROPPED, VLAPIC_SH_NONE, 0, 0, false, false, false },	/* fixed, illegal vector */
		{ 0x05000000, 0x0000410f, DROPPED, VLAPIC_SH_NONE, 0, 0, false, false, false },	/* lowest, illegal vector */
	};
	/* clang-format on */
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned before = m.nipis;
		const struct vlapic_ipi *ipi;

		wr(l, VLAPIC_REG_ICR_HI, cases[i].hi);
		wr(l, VLAPIC_REG_ICR_LO, cases[i].lo);
		/* Delivered at once: the delivery status bit reads idle. */
		assert_int_equal(rd(l, VLAPIC_REG_ICR_LO) & VLAPIC_ICR_STATUS, 0);
		assert_int_equal(rd(l, VLAPIC_REG_ICR_LO), cases[i].lo & 0x000ccfff);
		if (cases[i].mode == DROPPED) {
			if (m.nipis != before)
				fail_msg("case %zu: ICR %#x sent", i, cases[i].lo);
			continue;
		}
		if (m.nipis != before + 1)
			fail_msg("case %zu: ICR %#x not sent", i, cases[i].lo);
		ipi = &m.ipis[m.nipis - 1];
		if (ipi->mode != cases[i].mode || ipi->shorthand != cases[i].sh ||
		    ipi->dest != cases[i].dest || ipi->vector != cases[i].vector ||
		    ipi->logical != cases[i].logical || ipi->trigger_level != cases[i].level ||
		    ipi->first_match != cases[i].first || ipi->wide || ipi->source != l)
			fail_msg("case %zu: mode %d sh %d dest %#x vec %#x log %d lvl %d first %d",
				 i, ipi->mode, ipi->shorthand, ipi->dest, ipi->vector, ipi->logical,
				 ipi->trigger_level, ipi->first_match);
	}
	assert_int_equal(l->ipis_dropped, 5);
	/* A fixed IPI to Self is accepted locally, without the callback. */
	m.nipis = 0;
	wr(l, VLAPIC_REG_ICR_LO, 0x00044077);
	assert_int_equal(m.nipis, 0);
	assert_true(irr_has(l, 0x77));
	wr(l, VLAPIC_REG_ICR_LO, 0x0004c078); /* level */
	assert_true(l->tmr[0x78 / 32] & (1u << (0x78 % 32)));
}

/* 11.12.9 "ICR Operation in x2APIC Mode" and 11.12.11 SELF IPI. */
static void test_icr_decoding_x2apic(void **state)
{
	struct vlapic *l = &m.cpu[1];
	const struct vlapic_ipi *ipi;

	to_x2apic(l);
	sw_enable(l);
	wrmsr(l, 0x830, 0x1234567800000000ull | 0x4840);
	assert_int_equal(m.nipis, 1);
	ipi = &m.ipis[0];
	assert_int_equal(ipi->dest, 0x12345678);
	assert_true(ipi->wide);
	assert_true(ipi->logical);
	assert_int_equal(ipi->vector, 0x40);
	assert_int_equal(ipi->mode, VLAPIC_DM_FIXED);
	wrmsr(l, 0x830, 0xffffffff00000000ull | 0x4400);
	assert_int_equal(m.ipis[1].dest, 0xffffffff);
	assert_int_equal(m.ipis[1].mode, VLAPIC_DM_NMI);
	/* SELF IPI: a fixed edge interrupt to this APIC, no callback. */
	wrmsr(l, 0x83f, 0x55);
	assert_int_equal(m.nipis, 2);
	assert_int_equal(vlapic_pending_vector(l), 0x55);
	assert_false(l->tmr[0x55 / 32] & (1u << (0x55 % 32)));
	wrmsr(l, 0x83f, 0x05);
	assert_int_equal(rdmsr(l, 0x828), 0);
	wrmsr(l, 0x828, 0);
	assert_int_equal(rdmsr(l, 0x828), VLAPIC_ESR_SEND_ILLEGAL_VECTOR);
}

/* 11.6.2 "Determining IPI Destination", 11.12.10 for x2APIC. */
static void test_dest_matching(void **state)
{
	/* clang-format off */
	static const struct {
		bool x2apic;
		uint32_t id;	/* config apic_id */
		uint32_t ldr;	/* xAPIC LDR register */
		uint32_t dfr;	/* xAPIC DFR register */
		uint32_t dest;
		bool logical, wide, match;
	} cases[] = {
		/* xAPIC physical. */
		{ false, 3, 0, 0xffffffff, 3, false, false, true },
		{ false, 3, 0, 0xffffffff, 4, false, false, false },
		{ false, 3, 0, 0xffffffff, 0xff, false, false, true },	/* broadcast */
		{ false, 3, 0, 0xffffffff, 0x103, false, false, true },	/* 8 bits only */
		/* xAPIC logical flat: LDR bitmap. */
		{ false, 1, 0x02000000, 0xffffffff, 0x02, true, false, true },
		{ false, 1, 0x02000000, 0xffffffff, 0x03, true, false, true },
		{ false, 1, 0x02000000, 0xffffffff, 0x01, true, false, false },
		{ false, 1, 0x02000000, 0xffffffff, 0xff, true, false, true },
		{ false, 1, 0x00000000, 0xffffffff, 0x7f, true, false, false },
		/* xAPIC logical cluster: cluster 2, member bit 0. */
		{ false, 1, 0x21000000, 0x0fffffff, 0x21, true, false, true },
		{ false, 1, 0x21000000, 0x0fffffff, 0x23, true, false, true },
		{ false, 1, 0x21000000, 0x0fffffff, 0x11, true, false, false },
		{ false, 1, 0x21000000, 0x0fffffff, 0x22, true, false, false },
		{ false, 1, 0x21000000, 0x0fffffff, 0xff, true, false, true },
		/* x2APIC physical: 32 bits. */
		{ true, 0x25, 0, 0, 0x25, false, true, true },
		{ true, 0x25, 0, 0, 0x26, false, true, false },
		{ true, 0x25, 0, 0, 0x1000025, false, true, false },
		{ true, 0x25, 0, 0, 0xffffffff, false, true, true },
		{ true, 0x25, 0, 0, 0x25, false, false, true },		/* 8-bit sender */
		{ true, 0x25, 0, 0, 0xff, false, false, true },		/* 8-bit broadcast */
		{ true, 0x125, 0, 0, 0x25, false, false, false },
		/* x2APIC logical: LDR 0x00020020 (cluster 2, bit 5). */
		{ true, 0x25, 0, 0, 0x00020020, true, true, true },
		{ true, 0x25, 0, 0, 0x0002ffff, true, true, true },
		{ true, 0x25, 0, 0, 0x00010020, true, true, false },
		{ true, 0x25, 0, 0, 0x00020010, true, true, false },
		{ true, 0x25, 0, 0, 0xffffffff, true, true, true },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vlapic_config c = config(cases[i].id);
		struct vlapic l;

		assert_int_equal(vlapic_init(&l, &c, &ops, &m), 0);
		if (cases[i].x2apic) {
			to_x2apic(&l);
		} else {
			wr(&l, VLAPIC_REG_LDR, cases[i].ldr);
			wr(&l, VLAPIC_REG_DFR, cases[i].dfr);
		}
		if (vlapic_match_dest(&l, cases[i].dest, cases[i].logical, cases[i].wide) !=
		    cases[i].match)
			fail_msg("case %zu: dest %#x logical %d wide %d: want %d", i, cases[i].dest,
				 cases[i].logical, cases[i].wide, cases[i].match);
	}
	/* A globally disabled APIC is nobody's destination. */
	wrmsr(&m.cpu[1], VLAPIC_MSR_APIC_BASE, 0xfee00000);
	assert_false(vlapic_match_dest(&m.cpu[1], 0xff, false, false));
	assert_false(vlapic_match_dest(&m.cpu[1], 1, false, false));
}

/* Shorthands (11.6.2.3) through vlapic_ipi_matches(). */
static void test_shorthand_matching(void **state)
{
	struct vlapic_ipi ipi = { .source = &m.cpu[0], .dest = 2 };
	/* clang-format off */
	static const struct {
		enum vlapic_shorthand sh;
		bool match[NCPUS];
	} cases[] = {
		{ VLAPIC_SH_NONE, { false, false, true } },
		{ VLAPIC_SH_SELF, { true, false, false } },
		{ VLAPIC_SH_ALL, { true, true, true } },
		{ VLAPIC_SH_OTHERS, { false, true, true } },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ipi.shorthand = cases[i].sh;
		for (unsigned c = 0; c < NCPUS; c++)
			assert_int_equal(vlapic_ipi_matches(&m.cpu[c], &ipi), cases[i].match[c]);
	}
}

/* The owner's view: IPIs routed between vCPUs through the callback. */
static void test_ipi_between_vcpus(void **state)
{
	struct vlapic *bsp = &m.cpu[0];

	m.route = true;
	for (unsigned i = 0; i < NCPUS; i++)
		sw_enable(&m.cpu[i]);
	/* Fixed, physical, to CPU 2. */
	wr(bsp, VLAPIC_REG_ICR_HI, 0x02000000);
	wr(bsp, VLAPIC_REG_ICR_LO, 0x4041);
	assert_int_equal(vlapic_pending_vector(&m.cpu[2]), 0x41);
	assert_int_equal(vlapic_pending_vector(&m.cpu[1]), -1);
	/* Lowest priority to a logical set: the first match only. */
	wr(&m.cpu[1], VLAPIC_REG_LDR, 0x02000000);
	wr(&m.cpu[2], VLAPIC_REG_LDR, 0x04000000);
	wr(bsp, VLAPIC_REG_ICR_HI, 0x06000000);
	wr(bsp, VLAPIC_REG_ICR_LO, 0x4942);
	assert_int_equal(vlapic_pending_vector(&m.cpu[1]), 0x42);
	assert_false(irr_has(&m.cpu[2], 0x42));
	/* Fixed to all including self. */
	wr(bsp, VLAPIC_REG_ICR_LO, 0x84043);
	for (unsigned i = 0; i < NCPUS; i++)
		assert_true(irr_has(&m.cpu[i], 0x43));
	/* The INIT-SIPI-SIPI of an AP start: INIT resets the AP's APIC. */
	wr(bsp, VLAPIC_REG_ICR_HI, 0x01000000);
	wr(bsp, VLAPIC_REG_ICR_LO, 0xc500); /* INIT, level assert */
	wr(bsp, VLAPIC_REG_ICR_LO, 0x8500); /* INIT, level de-assert: dropped */
	wr(bsp, VLAPIC_REG_ICR_LO, 0x4608); /* SIPI, page 8 */
	assert_int_equal(m.events[1], VLAPIC_EVENT_INIT);
	assert_int_equal(m.sipi_vector[1], 0x08);
	assert_int_equal(vlapic_pending_vector(&m.cpu[1]), -1);
	assert_int_equal(rd(&m.cpu[1], VLAPIC_REG_LDR), 0);
	/* NMI to all but self. */
	wr(bsp, VLAPIC_REG_ICR_LO, 0xc4400);
	assert_int_equal(m.events[0], 0);
	assert_int_equal(m.events[2], VLAPIC_EVENT_NMI);
	assert_int_equal(bsp->ipis, 6);
	assert_int_equal(bsp->ipis_dropped, 1);
}

/* ---------------------------------------------------------------- LINT -- */

static void test_lint_inputs(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	/* Masked: nothing. */
	vlapic_set_lint(l, 0, true);
	vlapic_set_lint(l, 1, true);
	assert_false(vlapic_extint_pending(l));
	assert_int_equal(vlapic_take_events(l), 0);
	vlapic_set_lint(l, 0, false);
	vlapic_set_lint(l, 1, false);

	/* ExtINT is a level: it follows the input. */
	wr(l, VLAPIC_REG_LVT_LINT0, 0x700);
	vlapic_set_lint(l, 0, true);
	assert_true(vlapic_extint_pending(l));
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_set_lint(l, 0, false);
	assert_false(vlapic_extint_pending(l));

	/* NMI, SMI, INIT: on the rising edge only. */
	static const struct {
		uint32_t lvt;
		uint32_t event;
	} edges[] = {
		{ 0x400, VLAPIC_EVENT_NMI },
		{ 0x200, VLAPIC_EVENT_SMI },
		{ 0x500, VLAPIC_EVENT_INIT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		wr(l, VLAPIC_REG_LVT_LINT1, edges[i].lvt);
		vlapic_set_lint(l, 1, true);
		vlapic_set_lint(l, 1, true);
		assert_int_equal(vlapic_take_events(l), edges[i].event);
		assert_int_equal(vlapic_take_events(l), 0);
		vlapic_set_lint(l, 1, false);
		assert_int_equal(vlapic_take_events(l), 0);
	}

	/* Fixed, edge-triggered. */
	wr(l, VLAPIC_REG_LVT_LINT1, 0x61);
	vlapic_set_lint(l, 1, true);
	assert_int_equal(vlapic_ack(l), 0x61);
	eoi(l);
	vlapic_set_lint(l, 1, true); /* still high: no new edge */
	assert_int_equal(vlapic_pending_vector(l), -1);
	/* LINT1 is always edge-triggered, even programmed level. */
	vlapic_set_lint(l, 1, false);
	wr(l, VLAPIC_REG_LVT_LINT1, VLAPIC_LVT_LEVEL | 0x61);
	vlapic_set_lint(l, 1, true);
	assert_int_equal(vlapic_ack(l), 0x61);
	eoi(l);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_int_equal(m.neois, 0); /* an edge: no broadcast */
}

/* 11.5.1 remote IRR of a level-triggered fixed LINT0. */
static void test_lint0_level(void **state)
{
	struct vlapic *l = &m.cpu[0];

	sw_enable(l);
	wr(l, VLAPIC_REG_LVT_LINT0, VLAPIC_LVT_LEVEL | 0x62);
	vlapic_set_lint(l, 0, true);
	assert_int_equal(rd(l, VLAPIC_REG_LVT_LINT0),
			 VLAPIC_LVT_REMOTE_IRR | VLAPIC_LVT_LEVEL | 0x62);
	assert_int_equal(vlapic_ack(l), 0x62);
	/* Still asserted, remote IRR set: not delivered again. */
	vlapic_set_lint(l, 0, true);
	assert_false(irr_has(l, 0x62));
	/* EOI with the line still high: remote IRR cleared and delivered again. */
	eoi(l);
	assert_int_equal(m.neois, 1);
	assert_true(irr_has(l, 0x62));
	assert_true(rd(l, VLAPIC_REG_LVT_LINT0) & VLAPIC_LVT_REMOTE_IRR);
	assert_int_equal(vlapic_ack(l), 0x62);
	vlapic_set_lint(l, 0, false);
	eoi(l);
	assert_false(rd(l, VLAPIC_REG_LVT_LINT0) & VLAPIC_LVT_REMOTE_IRR);
	assert_int_equal(vlapic_pending_vector(l), -1);
	/* Unmasking with the line asserted delivers. */
	wr(l, VLAPIC_REG_LVT_LINT0, VLAPIC_LVT_MASKED | VLAPIC_LVT_LEVEL | 0x62);
	vlapic_set_lint(l, 0, true);
	assert_false(irr_has(l, 0x62));
	wr(l, VLAPIC_REG_LVT_LINT0, VLAPIC_LVT_LEVEL | 0x62);
	assert_true(irr_has(l, 0x62));
	/* Going edge-triggered drops remote IRR. */
	wr(l, VLAPIC_REG_LVT_LINT0, 0x62);
	assert_int_equal(rd(l, VLAPIC_REG_LVT_LINT0), 0x62);
}

/* Globally disabled: LINT0 is INTR and LINT1 is NMI (11.4.3). */
static void test_lint_apic_disabled(void **state)
{
	struct vlapic *l = &m.cpu[0];

	wrmsr(l, VLAPIC_MSR_APIC_BASE, 0xfee00000);
	vlapic_set_lint(l, 0, true);
	assert_true(vlapic_extint_pending(l));
	vlapic_set_lint(l, 1, true);
	assert_int_equal(vlapic_take_events(l), VLAPIC_EVENT_NMI);
	vlapic_set_lint(l, 1, true);
	assert_int_equal(vlapic_take_events(l), 0);
	assert_int_equal(vlapic_timer_next_deadline(l), VLAPIC_NO_DEADLINE);
	vlapic_tick(l, 1ull << 40);
	assert_int_equal(vlapic_pending_vector(l), -1);
	vlapic_set_lint(l, 2, true); /* no such pin */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_virtual_wire_reset, setup),
		cmocka_unit_test_setup(test_init_config_errors, setup),
		cmocka_unit_test_setup(test_xapic_register_masks, setup),
		cmocka_unit_test_setup(test_mmio_access_rules, setup),
		cmocka_unit_test_setup(test_x2apic_msr_rules, setup),
		cmocka_unit_test_setup(test_x2apic_id_and_ldr, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_mode_switch_state, setup),
		cmocka_unit_test_setup(test_ppr_apr, setup),
		cmocka_unit_test_setup(test_tpr_cr8, setup),
		cmocka_unit_test_setup(test_accept_ack_eoi, setup),
		cmocka_unit_test_setup(test_level_eoi_callback, setup),
		cmocka_unit_test_setup(test_software_disable, setup),
		cmocka_unit_test_setup(test_esr, setup),
		cmocka_unit_test_setup(test_init_reset, setup),
		cmocka_unit_test_setup(test_timer_oneshot_divides, setup),
		cmocka_unit_test_setup(test_timer_oneshot_stop_restart, setup),
		cmocka_unit_test_setup(test_timer_divide_change, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_fractional_ratio, setup),
		cmocka_unit_test_setup(test_timer_masked, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_icr_decoding_xapic, setup),
		cmocka_unit_test_setup(test_icr_decoding_x2apic, setup),
		cmocka_unit_test_setup(test_dest_matching, setup),
		cmocka_unit_test_setup(test_shorthand_matching, setup),
		cmocka_unit_test_setup(test_ipi_between_vcpus, setup),
		cmocka_unit_test_setup(test_lint_inputs, setup),
		cmocka_unit_test_setup(test_lint0_level, setup),
		cmocka_unit_test_setup(test_lint_apic_disabled, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
