/* UNIT_SOURCES: vmx/dev/vioapic.c vmx/dev/vlapic.c */
/*
 * Host tests of the I/O APIC model against the Intel 82093AA datasheet:
 * reset values and the indirect register window (3.1, 3.2), the
 * redirection table's writable and read-only bits (3.2.4), edge and level
 * semantics with masking and remote IRR, every delivery mode, and the
 * level-triggered EOI flow through real local APIC models (SDM Vol. 3A
 * 11.8.5): IOAPIC -> vlapic IRR/TMR -> ack -> EOI -> vioapic_eoi() ->
 * remote IRR cleared and the still-asserted line delivered again.
 * Most tests drive the IOAPIC the way a guest does: IOREGSEL then IOWIN.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vioapic.h"
#include "vmx/dev/vlapic.h"

#define IOAPIC_ID 2
#define NCPUS     2

static struct vioapic io;
static struct vioapic_msg msgs[32];
static unsigned nmsgs;
static bool accept_all = true; /* what the recording callback answers */

/* The local APICs of the EOI-flow tests, and whether to route to them. */
static struct vlapic cpu[NCPUS];
static bool route;
static unsigned extint_msgs;

static bool deliver(void *ctx, const struct vioapic_msg *msg)
{
	bool accepted = false;

	assert_ptr_equal(ctx, &io);
	assert_true(nmsgs < ARRAY_SIZE(msgs));
	msgs[nmsgs++] = *msg;
	if (!route)
		return accept_all;
	for (unsigned i = 0; i < NCPUS; i++) {
		if (!vlapic_match_dest(&cpu[i], msg->dest, msg->logical, false))
			continue;
		switch (msg->mode) {
		case VIOAPIC_DM_FIXED:
		case VIOAPIC_DM_LOWEST:
			accepted |= vlapic_accept(&cpu[i], msg->vector, msg->level);
			break;
		case VIOAPIC_DM_EXTINT:
			extint_msgs++;
			accepted = true;
			break;
		default:
			accepted = true;
			break;
		}
		if (msg->mode == VIOAPIC_DM_LOWEST && accepted)
			break;
	}
	return accepted;
}

static void lapic_eoi(void *ctx, struct vlapic *l, uint8_t vector)
{
	vioapic_eoi(ctx, vector);
}

static const struct vlapic_ops lapic_ops = { .eoi_level = lapic_eoi };

static int setup(void **state)
{
	vioapic_init(&io, IOAPIC_ID, deliver, &io);
	memset(msgs, 0, sizeof(msgs));
	nmsgs = 0;
	accept_all = true;
	route = false;
	extint_msgs = 0;
	for (unsigned i = 0; i < NCPUS; i++) {
		struct vlapic_config c = {
			.apic_id = i,
			.bsp = i == 0,
			.tsc_hz = 1000000000,
			.timer_hz = 1000000000,
		};

		assert_int_equal(vlapic_init(&cpu[i], &c, &lapic_ops, &io), 0);
		assert_int_equal(vlapic_mmio_write(&cpu[i], VLAPIC_REG_SVR, 4, 0x1ff, 0),
				 VLAPIC_OK);
	}
	return 0;
}

static uint32_t mmio_rd(uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(vioapic_mmio_read(&io, off, 4, &v), VIOAPIC_OK);
	return v;
}

static void mmio_wr(uint32_t off, uint32_t v)
{
	assert_int_equal(vioapic_mmio_write(&io, off, 4, v), VIOAPIC_OK);
}

static uint32_t reg_rd(uint8_t index)
{
	mmio_wr(VIOAPIC_IOREGSEL, index);
	return mmio_rd(VIOAPIC_IOWIN);
}

static void reg_wr(uint8_t index, uint32_t v)
{
	mmio_wr(VIOAPIC_IOREGSEL, index);
	mmio_wr(VIOAPIC_IOWIN, v);
}

/* Program redirection entry `pin`: high dword first, as Linux does. */
static void rte_wr(unsigned pin, uint32_t lo, uint32_t hi)
{
	reg_wr((uint8_t)(VIOAPIC_REG_REDTBL + 2 * pin + 1), hi);
	reg_wr((uint8_t)(VIOAPIC_REG_REDTBL + 2 * pin), lo);
}

static uint32_t rte_lo(unsigned pin)
{
	return reg_rd((uint8_t)(VIOAPIC_REG_REDTBL + 2 * pin));
}

/* --------------------------------------------------------- registers -- */

static void test_reset_values(void **state)
{
	assert_int_equal(mmio_rd(VIOAPIC_IOREGSEL), 0);
	assert_int_equal(reg_rd(VIOAPIC_REG_ID), IOAPIC_ID << 24);
	/* 3.2.2: version 0x11, maximum redirection entry 23. */
	assert_int_equal(reg_rd(VIOAPIC_REG_VER), 0x00170011);
	assert_int_equal(reg_rd(VIOAPIC_REG_ARB), IOAPIC_ID << 24);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(rte_lo(pin), 0x00010000); /* masked */
		assert_int_equal(reg_rd((uint8_t)(VIOAPIC_REG_REDTBL + 2 * pin + 1)), 0);
	}
	/* A reset masks again and keeps the ID. */
	rte_wr(3, 0x30, 0x01000000);
	reg_wr(VIOAPIC_REG_ID, 0x05000000);
	vioapic_reset(&io);
	assert_int_equal(rte_lo(3), 0x00010000);
	assert_int_equal(reg_rd(VIOAPIC_REG_ID), 0x05000000);
	/* The ID is 4 bits. */
	vioapic_init(&io, 0x1f, deliver, &io);
	assert_int_equal(reg_rd(VIOAPIC_REG_ID), 0x0f000000);
}

/* Writable and read-only bits of every register (3.1, 3.2). */
static void test_register_masks(void **state)
{
	/* clang-format off */
	static const struct {
		uint8_t index;
		uint32_t write;
		uint32_t read;
	} cases[] = {
		{ VIOAPIC_REG_ID, 0xffffffff, 0x0f000000 },
		{ VIOAPIC_REG_ID, 0x07000000, 0x07000000 },
		{ VIOAPIC_REG_VER, 0, 0x00170011 },		/* read-only */
		{ VIOAPIC_REG_ARB, 0, 0x07000000 },		/* read-only, follows the ID */
		{ 0x10, 0xffffffff, 0x0001afff },		/* no status, no remote IRR */
		{ 0x10, 0x00000000, 0x00000000 },
		{ 0x11, 0xffffffff, 0xff000000 },		/* bits 55:32 reserved */
		{ 0x3e, 0x0000a9ef, 0x0000a9ef },
		{ 0x3f, 0x12345678, 0x12000000 },
		{ 0x03, 0x12345678, 0xffffffff },		/* no such register */
		{ 0x0f, 0x12345678, 0xffffffff },
		{ 0x40, 0x12345678, 0xffffffff },
		{ 0xff, 0x12345678, 0xffffffff },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		reg_wr(cases[i].index, cases[i].write);
		if (reg_rd(cases[i].index) != cases[i].read)
			fail_msg("case %zu: register %#x wrote %#x read %#x, want %#x", i,
				 cases[i].index, cases[i].write, reg_rd(cases[i].index),
				 cases[i].read);
	}
	/* IOREGSEL keeps bits 7:0. */
	mmio_wr(VIOAPIC_IOREGSEL, 0xabcdef12);
	assert_int_equal(mmio_rd(VIOAPIC_IOREGSEL), 0x12);
	/* Each pin has its own pair of registers. */
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		rte_wr(pin, 0x10000 | (0x20 + pin), (uint32_t)pin << 24);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(rte_lo(pin), 0x10000 | (0x20 + pin));
		assert_int_equal(reg_rd((uint8_t)(0x11 + 2 * pin)), pin << 24);
	}
	assert_int_equal(nmsgs, 0);
}

static void test_mmio_access_rules(void **state)
{
	uint32_t v;
	static const struct {
		uint32_t off;
		unsigned size;
	} bad[] = {
		{ VIOAPIC_IOREGSEL, 1 },  { VIOAPIC_IOREGSEL, 2 }, { VIOAPIC_IOWIN, 8 },
		{ VIOAPIC_IOWIN + 2, 4 }, { 0x1000, 4 },
	};

	reg_wr(0x10, 0x10031);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(vioapic_mmio_read(&io, bad[i].off, bad[i].size, &v),
				 VIOAPIC_BAD_ACCESS);
		assert_int_equal(vioapic_mmio_write(&io, bad[i].off, bad[i].size, 0),
				 VIOAPIC_BAD_ACCESS);
	}
	assert_int_equal(mmio_rd(VIOAPIC_IOREGSEL), 0x10);
	assert_int_equal(mmio_rd(VIOAPIC_IOWIN), 0x10031);
	/* Other offsets of the page: 0, writes ignored. */
	assert_int_equal(mmio_rd(0x20), 0);
	assert_int_equal(mmio_rd(0x40), 0);
	mmio_wr(0x40, 0x31); /* no EOI register on version 0x11 */
	mmio_wr(0x04, 0x11);
	assert_int_equal(mmio_rd(VIOAPIC_IOREGSEL), 0x10);
}

/* ---------------------------------------------------------- delivery -- */

/* Every field of an entry reaches the message. */
static void test_message_fields(void **state)
{
	/* clang-format off */
	static const struct {
		uint32_t lo, hi;
		enum vioapic_delivery mode;
		uint8_t dest, vector;
		bool logical;
	} cases[] = {
		{ 0x00000030, 0x00000000, VIOAPIC_DM_FIXED, 0x00, 0x30, false },
		{ 0x00000031, 0x03000000, VIOAPIC_DM_FIXED, 0x03, 0x31, false },
		{ 0x00000832, 0xff000000, VIOAPIC_DM_FIXED, 0xff, 0x32, true },
		{ 0x00000933, 0x0f000000, VIOAPIC_DM_LOWEST, 0x0f, 0x33, true },
		{ 0x00000200, 0x01000000, VIOAPIC_DM_SMI, 0x01, 0x00, false },
		{ 0x00000400, 0x01000000, VIOAPIC_DM_NMI, 0x01, 0x00, false },
		{ 0x00000500, 0x01000000, VIOAPIC_DM_INIT, 0x01, 0x00, false },
		{ 0x00000700, 0x00000000, VIOAPIC_DM_EXTINT, 0x00, 0x00, false },
		{ 0x00002034, 0x02000000, VIOAPIC_DM_FIXED, 0x02, 0x34, false },	/* active low */
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned pin = (unsigned)i % VIOAPIC_PINS;

		rte_wr(pin, cases[i].lo, cases[i].hi);
		vioapic_set_irq(&io, pin, true);
		vioapic_set_irq(&io, pin, false);
		assert_int_equal(nmsgs, i + 1);
		if (msgs[i].pin != pin || msgs[i].mode != cases[i].mode ||
		    msgs[i].dest != cases[i].dest || msgs[i].vector != cases[i].vector ||
		    msgs[i].logical != cases[i].logical || msgs[i].level)
			fail_msg("case %zu: pin %u mode %d dest %#x vector %#x logical %d", i,
				 msgs[i].pin, msgs[i].mode, msgs[i].dest, msgs[i].vector,
				 msgs[i].logical);
	}
	/* Reserved delivery modes send nothing. */
	rte_wr(20, 0x0300, 0);
	rte_wr(21, 0x0600, 0);
	vioapic_set_irq(&io, 20, true);
	vioapic_set_irq(&io, 21, true);
	assert_int_equal(nmsgs, ARRAY_SIZE(cases));
	/* Pins past 23 do not exist. */
	vioapic_set_irq(&io, VIOAPIC_PINS, true);
	vioapic_set_irq(&io, 1000, true);
	assert_int_equal(nmsgs, ARRAY_SIZE(cases));
}

/* Edge-triggered: rising edges of unmasked pins only (3.2.4 Interrupt Mask). */
static void test_edge(void **state)
{
	rte_wr(4, 0x10044, 0x01000000); /* COM1, masked */
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsgs, 0);
	assert_int_equal(io.masked_edges, 1);
	/* Unmasking does not replay a lost edge. */
	rte_wr(4, 0x00044, 0x01000000);
	assert_int_equal(nmsgs, 0);
	vioapic_set_irq(&io, 4, true); /* already high: no edge */
	assert_int_equal(nmsgs, 0);
	vioapic_set_irq(&io, 4, false);
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(msgs[0].vector, 0x44);
	assert_false(msgs[0].level);
	/* No remote IRR for edges, and EOIs do nothing. */
	assert_int_equal(rte_lo(4), 0x44);
	vioapic_eoi(&io, 0x44);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(io.eois, 0);
	/* A pulse (true, false) is one interrupt; so is each later one. */
	for (int i = 0; i < 5; i++) {
		vioapic_set_irq(&io, 4, false);
		vioapic_set_irq(&io, 4, true);
	}
	assert_int_equal(nmsgs, 6);
	assert_int_equal(io.delivered, 6);
}

/* Level-triggered: remote IRR until the EOI; delivered again while asserted. */
static void test_level(void **state)
{
	rte_wr(9, 0x08059, 0x01000000); /* level, vector 0x59 */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsgs, 1);
	assert_true(msgs[0].level);
	assert_int_equal(rte_lo(9), 0x0c059); /* remote IRR */
	/* Still asserted, remote IRR set: nothing new. */
	vioapic_set_irq(&io, 9, true);
	vioapic_eoi(&io, 0x58); /* another vector */
	assert_int_equal(nmsgs, 1);
	/* EOI with the line still high: delivered again. */
	vioapic_eoi(&io, 0x59);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(rte_lo(9), 0x0c059);
	assert_int_equal(io.eois, 1);
	/* Line low, then EOI: remote IRR clear, nothing sent. */
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x59);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(rte_lo(9), 0x08059);
	/* Asserting again sends again. */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsgs, 3);
	vioapic_eoi(&io, 0x59);
	assert_int_equal(nmsgs, 4);
	/* Masked: neither asserts nor EOIs send; unmasking an asserted line does. */
	rte_wr(9, 0x18059, 0x01000000);
	vioapic_eoi(&io, 0x59);
	assert_int_equal(nmsgs, 4);
	assert_int_equal(rte_lo(9), 0x18059);
	rte_wr(9, 0x08059, 0x01000000);
	assert_int_equal(nmsgs, 5);
	/* Switching to edge clears remote IRR (Linux's EOI for version 0x11). */
	rte_wr(9, 0x00059, 0x01000000);
	assert_int_equal(rte_lo(9), 0x00059);
	vioapic_set_irq(&io, 9, false);
	rte_wr(9, 0x08059, 0x01000000);
	assert_int_equal(nmsgs, 5);
	/* Rewriting the destination keeps remote IRR. */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(nmsgs, 6);
	reg_wr(0x10 + 2 * 9 + 1, 0x00000000);
	assert_int_equal(rte_lo(9), 0x0c059);
}

/* No local APIC took it: remote IRR stays clear, or no EOI would ever come. */
static void test_level_not_accepted(void **state)
{
	accept_all = false;
	rte_wr(10, 0x0805a, 0x07000000);
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(nmsgs, 1);
	assert_int_equal(io.not_accepted, 1);
	assert_int_equal(rte_lo(10), 0x0805a);
	/* Reprogramming the entry tries again. */
	accept_all = true;
	rte_wr(10, 0x0805a, 0x00000000);
	assert_int_equal(nmsgs, 2);
	assert_int_equal(rte_lo(10), 0x0c05a);
	/* Without a callback nothing is accepted. */
	vioapic_init(&io, 0, NULL, NULL);
	rte_wr(1, 0x08031, 0);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(rte_lo(1), 0x08031);
}

/* Two level pins sharing a vector: one EOI ends both (as on the chip). */
static void test_shared_vector(void **state)
{
	rte_wr(16, 0x0a061, 0x01000000); /* level, active low (PCI) */
	rte_wr(17, 0x0a061, 0x01000000);
	vioapic_set_irq(&io, 16, true);
	vioapic_set_irq(&io, 17, true);
	assert_int_equal(nmsgs, 2);
	vioapic_set_irq(&io, 16, false);
	vioapic_eoi(&io, 0x61);
	assert_int_equal(nmsgs, 3); /* pin 17 again */
	assert_int_equal(msgs[2].pin, 17);
	assert_int_equal(rte_lo(16), 0x0a061);
	assert_int_equal(rte_lo(17), 0x0e061);
}

/* ------------------------------------------ with the local APIC models -- */

/* IOAPIC -> vlapic -> EOI -> vioapic_eoi(), as the owner wires them. */
static void test_eoi_flow_with_lapic(void **state)
{
	struct vlapic *l = &cpu[1];

	route = true;
	rte_wr(9, 0x08059, 0x01000000); /* level, physical, to APIC 1 */
	vioapic_set_irq(&io, 9, true);
	assert_int_equal(vlapic_pending_vector(l), 0x59);
	assert_int_equal(vlapic_pending_vector(&cpu[0]), -1);
	assert_true(l->tmr[0x59 / 32] & (1u << (0x59 % 32)));
	assert_int_equal(rte_lo(9), 0x0c059);
	assert_int_equal(vlapic_ack(l), 0x59);

	/* The handler did not quiet the device: the EOI brings it back. */
	assert_int_equal(vlapic_mmio_write(l, VLAPIC_REG_EOI, 4, 0, 0), VLAPIC_OK);
	assert_int_equal(vlapic_pending_vector(l), 0x59);
	assert_int_equal(rte_lo(9), 0x0c059);
	assert_int_equal(vlapic_ack(l), 0x59);

	/* This time it did. */
	vioapic_set_irq(&io, 9, false);
	assert_int_equal(vlapic_mmio_write(l, VLAPIC_REG_EOI, 4, 0, 0), VLAPIC_OK);
	assert_int_equal(vlapic_pending_vector(l), -1);
	assert_int_equal(rte_lo(9), 0x08059);
	assert_int_equal(nmsgs, 2);

	/* Edge-triggered through the same path: no EOI broadcast, no remote IRR. */
	rte_wr(4, 0x00044, 0x01000000);
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(vlapic_ack(l), 0x44);
	assert_false(l->tmr[0x44 / 32] & (1u << (0x44 % 32)));
	assert_int_equal(vlapic_mmio_write(l, VLAPIC_REG_EOI, 4, 0, 0), VLAPIC_OK);
	assert_int_equal(io.eois, 2);
}

/* Logical destinations and lowest priority reach the right APICs. */
static void test_routing_with_lapic(void **state)
{
	route = true;
	/* Flat logical IDs: APIC 0 is bit 0, APIC 1 bit 1. */
	vlapic_mmio_write(&cpu[0], VLAPIC_REG_LDR, 4, 0x01000000, 0);
	vlapic_mmio_write(&cpu[1], VLAPIC_REG_LDR, 4, 0x02000000, 0);
	rte_wr(1, 0x00831, 0x03000000); /* fixed, logical, both */
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(vlapic_pending_vector(&cpu[0]), 0x31);
	assert_int_equal(vlapic_pending_vector(&cpu[1]), 0x31);
	rte_wr(2, 0x00932, 0x03000000); /* lowest priority: first match only */
	vioapic_set_irq(&io, 2, true);
	assert_true(cpu[0].irr[1] & (1u << (0x32 % 32)));
	assert_false(cpu[1].irr[1] & (1u << (0x32 % 32)));
	/* ExtINT: the vCPU takes the vector from the 8259. */
	rte_wr(0, 0x00700, 0x00000000);
	vioapic_set_irq(&io, 0, true);
	assert_int_equal(extint_msgs, 1);
	/* A level interrupt to a software-disabled APIC is not accepted. */
	vlapic_mmio_write(&cpu[1], VLAPIC_REG_SVR, 4, 0xff, 0);
	rte_wr(11, 0x0805b, 0x01000000);
	vioapic_set_irq(&io, 11, true);
	assert_int_equal(rte_lo(11), 0x0805b);
	assert_int_equal(io.not_accepted, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_register_masks, setup),
		cmocka_unit_test_setup(test_mmio_access_rules, setup),
		cmocka_unit_test_setup(test_message_fields, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_level, setup),
		cmocka_unit_test_setup(test_level_not_accepted, setup),
		cmocka_unit_test_setup(test_shared_vector, setup),
		cmocka_unit_test_setup(test_eoi_flow_with_lapic, setup),
		cmocka_unit_test_setup(test_routing_with_lapic, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
