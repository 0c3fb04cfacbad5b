/* UNIT_SOURCES: vmx/dev/vpic.c vmx/dev/viobus.c */
/*
 * Host tests of the 8259A pair against the Intel 8259A datasheet
 * (231468-003): the ICW1-ICW4 initialization sequence and what ICW1
 * resets, OCW1 masks, the OCW2 commands (EOI, rotation, set priority),
 * OCW3 (read IRR/ISR, poll, special mask mode), fully nested and special
 * fully nested priorities, AEOI, edge and level triggering (LTIM and the
 * PIIX ELCR), the cascade on IR2 and the default IR7 of both chips, and
 * the sequences Linux's i8259 driver uses. The guest side goes through
 * the port bus, as a guest's IN and OUT would.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vpic.h"

#define M_CMD  0x20
#define M_DATA 0x21
#define S_CMD  0xa0
#define S_DATA 0xa1
#define ELCR1  0x4d0
#define ELCR2  0x4d1

/* Vector bases Linux programs on x86-64 (ISA_IRQ_VECTOR(0) and (8)). */
#define M_BASE 0x30
#define S_BASE 0x38

static struct viobus bus;
static struct vpic pic;
static bool intr_levels[64];
static unsigned intr_calls;

static void on_intr(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &pic);
	assert_true(intr_calls < ARRAY_SIZE(intr_levels));
	intr_levels[intr_calls++] = level;
	/* The callback's level is always what vpic_intr() says. */
	assert_int_equal(level, vpic_intr(&pic));
}

static void out8(uint16_t port, uint8_t v)
{
	viobus_out(&bus, port, 1, v);
}

static uint8_t in8(uint16_t port)
{
	return (uint8_t)viobus_in(&bus, port, 1);
}

static void irq(unsigned n, bool level)
{
	assert_int_equal(vpic_set_irq(&pic, n, level), 0);
}

/* A device's edge: the line goes high and comes back down at once. */
static void pulse(unsigned n)
{
	irq(n, true);
	irq(n, false);
}

/* Linux's init_8259A(): masks, ICW1-ICW4 on both chips, masks again. */
static void linux_init(uint8_t master_icw4, uint8_t slave_icw4)
{
	out8(M_DATA, 0xff);
	out8(S_DATA, 0xff);
	out8(M_CMD, 0x11);         /* ICW1: edge, cascade, ICW4 */
	out8(M_DATA, M_BASE);      /* ICW2 */
	out8(M_DATA, 1u << 2);     /* ICW3: slave on IR2 */
	out8(M_DATA, master_icw4); /* ICW4 */
	out8(S_CMD, 0x11);
	out8(S_DATA, S_BASE);
	out8(S_DATA, 2); /* ICW3: slave ID 2 */
	out8(S_DATA, slave_icw4);
	out8(M_DATA, 0x00);
	out8(S_DATA, 0x00);
}

static int setup(void **state)
{
	viobus_init(&bus);
	intr_calls = 0;
	vpic_init(&pic, on_intr, &pic);
	assert_int_equal(vpic_attach(&bus, &pic), 0);
	return 0;
}

static int setup_linux(void **state)
{
	setup(state);
	linux_init(0x01, 0x01);
	return 0;
}

static uint8_t read_isr(uint16_t cmd)
{
	uint8_t v;

	out8(cmd, VPIC_OCW3_READ_ISR);
	v = in8(cmd);
	out8(cmd, VPIC_OCW3_READ_IRR);
	return v;
}

static void ack_expect(int vector)
{
	assert_int_equal(vpic_pending_vector(&pic), vector);
	assert_int_equal(vpic_ack(&pic), vector);
}

/* ------------------------------------------------------------------------ */

static void test_reset_state(void **state)
{
	/* The state a PC BIOS leaves: bases 0x08/0x70, only the cascade unmasked. */
	assert_int_equal(in8(M_DATA), 0xfb);
	assert_int_equal(in8(S_DATA), 0xff);
	assert_int_equal(in8(M_CMD), 0x00);
	assert_int_equal(in8(ELCR1), 0x00);
	assert_int_equal(in8(ELCR2), 0x00);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_false(vpic_intr(&pic));
	out8(M_DATA, 0xfa); /* unmask IRQ0 */
	pulse(0);
	ack_expect(0x08);
	out8(S_DATA, 0xfe);
	pulse(8);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	ack_expect(0x70);
	assert_int_equal(intr_calls, 4);
}

static void test_linux_init(void **state)
{
	linux_init(0x01, 0x01);
	assert_int_equal(pic.chip[0].base, M_BASE);
	assert_int_equal(pic.chip[1].base, S_BASE);
	assert_int_equal(pic.chip[0].icw3, 0x04);
	assert_int_equal(pic.chip[1].icw3, 0x02);
	assert_int_equal(pic.chip[0].init, VPIC_READY);
	assert_int_equal(pic.chip[1].init, VPIC_READY);
	/* probe_8259A(): the mask written is the mask read. */
	out8(M_DATA, 0xff);
	assert_int_equal(in8(M_DATA), 0xff);
	out8(M_DATA, 0xfb);
	assert_int_equal(in8(M_DATA), 0xfb);
}

/*
 * ICW1 bits decide which ICWs follow: SNGL skips ICW3, no IC4 skips ICW4.
 * After the last ICW the next data write is OCW1 (the IMR).
 */
static void test_icw_sequences(void **state)
{
	static const struct {
		uint8_t icw1;
		unsigned icws; /* data writes that are ICWs */
		uint8_t icw4;  /* as stored after the sequence */
	} cases[] = {
		{ 0x11, 3, 0x01 }, /* cascade, ICW4 */
		{ 0x10, 2, 0x00 }, /* cascade, no ICW4: ICW4 functions zero */
		{ 0x13, 2, 0x01 }, /* single, ICW4 */
		{ 0x12, 1, 0x00 }, /* single, no ICW4 */
		{ 0x19, 3, 0x01 }, /* level triggered */
		{ 0x1d, 3, 0x01 }, /* ADI (MCS-80 only) ignored */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		static const uint8_t icw[3] = { 0x20, 0x04, 0x01 };
		unsigned n = cases[i].icws;

		out8(M_CMD, cases[i].icw1);
		assert_int_equal(in8(M_DATA), 0x00); /* IMR cleared by ICW1 */
		for (unsigned k = 0; k < n; k++) {
			uint8_t v = icw[k];

			/* Single mode: the second ICW is ICW4. */
			if ((cases[i].icw1 & VPIC_ICW1_SNGL) && k == 1)
				v = 0x01;
			out8(M_DATA, v);
		}
		assert_int_equal(pic.chip[0].init, VPIC_READY);
		assert_int_equal(pic.chip[0].icw4, cases[i].icw4);
		assert_int_equal(pic.chip[0].base, 0x20);
		out8(M_DATA, 0x5a); /* OCW1 */
		assert_int_equal(in8(M_DATA), 0x5a);
	}
}

/* "Initialization Command Words": what ICW1 resets, items a to f. */
static void test_icw1_resets(void **state)
{
	out8(M_DATA, 0xf0);
	irq(3, true); /* edge latched */
	ack_expect(M_BASE + 3);
	out8(M_CMD, VPIC_OCW2_SET_PRIORITY | 2);
	out8(M_CMD, VPIC_OCW3_READ_ISR);
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_ESMM | VPIC_OCW3_SMM);
	out8(M_CMD, VPIC_OCW2_ROT_AEOI_SET);
	irq(1, true);
	assert_int_equal(vpic_irr(&pic.chip[0]), 0x02);

	out8(M_CMD, 0x11);
	const struct vpic_chip *m = &pic.chip[0];
	assert_int_equal(m->imr, 0);    /* b */
	assert_int_equal(m->lowest, 7); /* c */
	assert_int_equal(m->icw3, 7);   /* d */
	assert_false(m->smm);           /* e */
	assert_false(m->read_isr);      /* e */
	assert_int_equal(m->isr, 0);
	assert_false(m->rotate_aeoi);
	/* a: the edge sense is reset; lines 1 and 3 are still high. */
	assert_int_equal(vpic_irr(m), 0);
	out8(M_DATA, M_BASE);
	out8(M_DATA, 0x04);
	out8(M_DATA, 0x01);
	irq(1, true); /* no transition: nothing */
	assert_int_equal(vpic_irr(m), 0);
	irq(1, false);
	irq(1, true);
	assert_int_equal(vpic_irr(m), 0x02);
	ack_expect(M_BASE + 1);
}

/* OCW1: a masked request waits in the IRR; unmasking delivers it. */
static void test_mask(void **state)
{
	out8(M_DATA, 0x10);
	pulse(4);
	assert_int_equal(in8(M_CMD), 0x10); /* IRR */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_false(vpic_intr(&pic));
	out8(M_DATA, 0x00);
	assert_true(vpic_intr(&pic));
	ack_expect(M_BASE + 4);
	assert_int_equal(in8(M_CMD), 0x00);
	/* Masking the cascade input hides every slave request. */
	out8(M_DATA, 0x04);
	pulse(12);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(M_DATA, 0x00);
	ack_expect(S_BASE + 4);
}

/*
 * "Fully Nested Mode": IR0 highest, IR7 lowest; a request is taken only
 * when no equal or higher level is in service. Each step raises IRQs,
 * then either acknowledges (expecting a vector, -1 for none pending) or
 * sends an EOI command, and checks ISR afterwards.
 */
struct pic_step {
	uint16_t raise; /* IRQs to pulse, as a bit mask */
	int expect;     /* vpic_pending_vector()/vpic_ack(); -2: no ack this step */
	uint8_t ocw2;   /* EOI command to the master after, 0xff: none */
	uint8_t isr;    /* master ISR after the step */
};

static void run_steps(const struct pic_step *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (unsigned b = 0; b < 16; b++)
			if (s[i].raise & (1u << b))
				pulse(b);
		if (s[i].expect == -1)
			assert_int_equal(vpic_pending_vector(&pic), -1);
		else if (s[i].expect >= 0)
			ack_expect(s[i].expect);
		if (s[i].ocw2 != 0xff)
			out8(M_CMD, s[i].ocw2);
		assert_int_equal(read_isr(M_CMD), s[i].isr);
	}
}

static void test_fully_nested(void **state)
{
	/* clang-format off */
	static const struct pic_step steps[] = {
		{ 0x0028, M_BASE + 3, 0xff, 0x08 }, /* IRQ3 and 5: 3 first */
		{ 0x0002, M_BASE + 1, 0xff, 0x0a }, /* IRQ1 nests over 3 */
		{ 0x0010, -1,         0xff, 0x0a }, /* IRQ4 waits behind 3 */
		{ 0x0000, -2,         0x20, 0x08 }, /* non-specific EOI ends 1 */
		{ 0x0000, -1,         0x20, 0x00 }, /* 4 and 5 still wait; EOI ends 3 */
		{ 0x0000, M_BASE + 4, 0xff, 0x10 },
		{ 0x0000, -1,         0x64, 0x00 }, /* specific EOI 4 */
		{ 0x0000, M_BASE + 5, 0x65, 0x00 },
		{ 0x0000, -1,         0xff, 0x00 },
		{ 0x0001, M_BASE + 0, 0x62, 0x01 }, /* specific EOI of an idle level */
		{ 0x0000, -2,         0x20, 0x00 },
	};
	/* clang-format on */

	run_steps(steps, ARRAY_SIZE(steps));
}

/* The same request at the level in service is held off, then taken after the EOI. */
static void test_same_level_waits(void **state)
{
	pulse(6);
	ack_expect(M_BASE + 6);
	pulse(6);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_int_equal(in8(M_CMD), 0x40);
	out8(M_CMD, 0x66);
	ack_expect(M_BASE + 6);
}

/* "Rotation": rotate on non-specific and specific EOI, set priority. */
static void test_rotation(void **state)
{
	/* clang-format off */
	static const struct pic_step steps[] = {
		/* Rotate on non-specific EOI: served IR3 becomes lowest, IR4 highest. */
		{ 0x0008, M_BASE + 3, 0xa0, 0x00 },
		{ 0x00fb, M_BASE + 4, 0xff, 0x10 },
		{ 0x0000, -1,         0xff, 0x10 }, /* 5, 6, 7, 0, 1 and 3 rank below 4 */
		{ 0x0000, -2,         0xa0, 0x00 }, /* 4 lowest: 5 highest */
		/* Rotate on specific EOI 7 (not in service): 7 lowest, 0 highest. */
		{ 0x0000, M_BASE + 5, 0xe7, 0x20 },
		{ 0x0000, M_BASE + 0, 0x60, 0x20 }, /* 0, 1, 3 now rank above 5 */
		{ 0x0000, M_BASE + 1, 0x61, 0x20 },
		{ 0x0000, M_BASE + 3, 0x63, 0x20 },
		{ 0x0000, -1,         0x65, 0x00 }, /* 6 and 7 wait for 5's EOI */
		/* Set priority: IR5 lowest, so 6, 7, 0, 1 in that order. */
		{ 0x0003, -2,         0xc5, 0x00 },
		{ 0x0000, M_BASE + 6, 0x66, 0x00 },
		{ 0x0000, M_BASE + 7, 0x67, 0x00 },
		{ 0x0000, M_BASE + 0, 0x60, 0x00 },
		{ 0x0000, M_BASE + 1, 0x61, 0x00 },
		{ 0x0000, -1,         0xff, 0x00 },
	};
	/* clang-format on */

	run_steps(steps, ARRAY_SIZE(steps));
}

/* Non-specific EOI picks the highest priority ISR bit, rotation included. */
static void test_nonspecific_eoi_order(void **state)
{
	out8(M_CMD, VPIC_OCW2_SET_PRIORITY | 4); /* 5 highest ... 4 lowest */
	pulse(4);
	ack_expect(M_BASE + 4);
	pulse(1);
	ack_expect(M_BASE + 1);
	pulse(6);
	ack_expect(M_BASE + 6);
	assert_int_equal(read_isr(M_CMD), 0x52);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	assert_int_equal(read_isr(M_CMD), 0x12);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	assert_int_equal(read_isr(M_CMD), 0x10);
	out8(M_CMD, VPIC_OCW2_NOP);
	assert_int_equal(read_isr(M_CMD), 0x10);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI); /* with nothing in service: no effect */
	assert_int_equal(read_isr(M_CMD), 0x00);
}

/* "Automatic End of Interrupt": no ISR bit; with rotate, the served level goes last. */
static void test_aeoi(void **state)
{
	linux_init(0x03, 0x01);
	pulse(3);
	ack_expect(M_BASE + 3);
	assert_int_equal(read_isr(M_CMD), 0x00);
	pulse(5);
	ack_expect(M_BASE + 5); /* nothing in service to hold it off */
	pulse(1);
	pulse(4);
	ack_expect(M_BASE + 1); /* no rotation: fixed priorities */
	ack_expect(M_BASE + 4);

	out8(M_CMD, VPIC_OCW2_ROT_AEOI_SET);
	pulse(1);
	ack_expect(M_BASE + 1);
	assert_int_equal(pic.chip[0].lowest, 1);
	pulse(0);
	pulse(3);
	ack_expect(M_BASE + 3); /* 2 is highest now, then 3; 0 comes last */
	ack_expect(M_BASE + 0);
	out8(M_CMD, VPIC_OCW2_ROT_AEOI_CLR);
	pulse(5);
	ack_expect(M_BASE + 5);
	assert_int_equal(pic.chip[0].lowest, 0);

	/* Cascade with AEOI on the master only: the slave still needs its EOI. */
	pulse(9);
	ack_expect(S_BASE + 1);
	assert_int_equal(read_isr(M_CMD), 0x00);
	assert_int_equal(read_isr(S_CMD), 0x02);
}

/*
 * Level triggering, by ELCR and by ICW1 LTIM: IRR follows the line, a
 * request still high after the EOI comes back, one gone before INTA gives
 * the default IR7 with no ISR bit.
 */
static void test_level_triggered(void **state)
{
	out8(ELCR1, 0x20); /* IRQ5 level */
	irq(5, true);
	assert_int_equal(in8(M_CMD), 0x20);
	ack_expect(M_BASE + 5);
	assert_int_equal(in8(M_CMD), 0x20); /* still requesting */
	out8(M_CMD, 0x65);
	ack_expect(M_BASE + 5); /* still high after the EOI: again */
	out8(M_CMD, 0x65);
	irq(5, false);
	assert_int_equal(in8(M_CMD), 0x00);
	assert_false(vpic_intr(&pic));

	/* The line drops between INTR and INTA: spurious IRQ7. */
	irq(5, true);
	assert_int_equal(vpic_pending_vector(&pic), M_BASE + 5);
	irq(5, false);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_int_equal(vpic_ack(&pic), M_BASE + 7);
	assert_int_equal(read_isr(M_CMD), 0x00);
	assert_int_equal(pic.spurious, 1);

	/* An edge input drops its latch only at INTA: a pulse is enough. */
	pulse(6);
	ack_expect(M_BASE + 6);
	out8(M_CMD, 0x66);

	/* LTIM: every input level-triggered, ELCR or not. */
	out8(M_CMD, 0x19);
	out8(M_DATA, M_BASE);
	out8(M_DATA, 0x04);
	out8(M_DATA, 0x01);
	pulse(3);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	irq(3, true);
	ack_expect(M_BASE + 3);
	irq(3, false);
}

/* ELCR reserved bits (PIIX3): IRQ0-2, 8 and 13 are always edge. */
static void test_elcr(void **state)
{
	out8(ELCR1, 0xff);
	out8(ELCR2, 0xff);
	assert_int_equal(in8(ELCR1), VPIC_ELCR1_MASK);
	assert_int_equal(in8(ELCR2), VPIC_ELCR2_MASK);
	assert_int_equal(viobus_in(&bus, ELCR1, 2), 0xdef8);
	viobus_out(&bus, ELCR1, 2, 0x0c20);
	assert_int_equal(in8(ELCR1), 0x20);
	assert_int_equal(in8(ELCR2), 0x0c);
	/* Level on the slave: IRQ10 and 11. */
	irq(10, true);
	ack_expect(S_BASE + 2);
	out8(S_CMD, 0x62);
	out8(M_CMD, 0x62);
	ack_expect(S_BASE + 2);
	/* Switching an input to edge: a line already high needs a new edge. */
	out8(ELCR2, 0x00);
	out8(S_CMD, 0x62);
	out8(M_CMD, 0x62);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	irq(10, false);
	irq(10, true);
	ack_expect(S_BASE + 2);
}

/*
 * "Cascade Mode": the slave's INT is the master's IR2; INTA on IR2 makes
 * the slave supply its vector. Linux's mask_and_ack_8259A() for a slave
 * IRQ: dummy IMR read, mask, specific EOI to the slave, then IR2's.
 */
static void test_cascade_linux_ack(void **state)
{
	pulse(12);
	assert_int_equal(in8(S_CMD), 0x10);
	assert_int_equal(in8(M_CMD), 0x04); /* the slave's INT on IR2 */
	ack_expect(S_BASE + 4);
	assert_int_equal(read_isr(M_CMD), 0x04);
	assert_int_equal(read_isr(S_CMD), 0x10);

	in8(S_DATA);
	out8(S_DATA, 0x10);
	out8(S_CMD, 0x60 + 4);
	out8(M_CMD, 0x60 + 2);
	assert_int_equal(read_isr(M_CMD), 0x00);
	assert_int_equal(read_isr(S_CMD), 0x00);
	out8(S_DATA, 0x00);

	/* Priority across the pair: IRQ8-15 rank where IR2 does. */
	pulse(3);
	pulse(9);
	pulse(1);
	ack_expect(M_BASE + 1);
	assert_int_equal(vpic_pending_vector(&pic), -1); /* IR1 holds IR2 and IR3 off */
	out8(M_CMD, 0x20);
	ack_expect(S_BASE + 1); /* IR2 above IR3 */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_int_equal(read_isr(M_CMD), 0x04);
	assert_int_equal(read_isr(S_CMD), 0x02);
	out8(S_CMD, 0x20);
	out8(M_CMD, 0x20);
	ack_expect(M_BASE + 3);
}

/* Two slave requests: the second waits for the master's IR2 EOI. */
static void test_cascade_nesting(void **state)
{
	pulse(13);
	ack_expect(S_BASE + 5);
	pulse(11); /* higher priority inside the slave */
	/* Fully nested: IR2 is in service on the master, so it waits. */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	assert_true(pic.chip[1].lines == 0);
	out8(S_CMD, 0x65);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(M_CMD, 0x62);
	ack_expect(S_BASE + 3);
}

/* "Special Fully Nested Mode": the master lets the slave's higher requests through. */
static void test_special_fully_nested(void **state)
{
	linux_init(0x11, 0x01);
	pulse(13);
	ack_expect(S_BASE + 5);
	pulse(14); /* lower than 13 inside the slave: held by the slave's ISR */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	pulse(11); /* higher: goes through although IR2 is in service */
	ack_expect(S_BASE + 3);
	assert_int_equal(read_isr(M_CMD), 0x04);
	assert_int_equal(read_isr(S_CMD), 0x28);
	/* Master levels below IR2 are still held off. */
	pulse(5);
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(S_CMD, 0x20);
	out8(S_CMD, 0x20);
	ack_expect(S_BASE + 6);
	out8(S_CMD, 0x20);
	out8(M_CMD, 0x20);
	ack_expect(M_BASE + 5);
}

/* The slave's request vanished after the master latched IR2: spurious IRQ15. */
static void test_spurious_slave(void **state)
{
	pulse(9);
	out8(S_DATA, 0x02); /* the guest masks it on the slave */
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_pending_vector(&pic), S_BASE + 7);
	assert_int_equal(vpic_ack(&pic), S_BASE + 7);
	assert_int_equal(read_isr(M_CMD), 0x04); /* the master took IR2 */
	assert_int_equal(read_isr(S_CMD), 0x00);
	assert_int_equal(pic.spurious, 1);
	/* Linux answers a spurious IRQ15 with an EOI to the master only. */
	out8(M_CMD, 0x62);
	out8(S_DATA, 0x00);
	ack_expect(S_BASE + 1);
}

/* No request at all: the master answers its IR7 vector. */
static void test_spurious_master(void **state)
{
	assert_int_equal(vpic_ack(&pic), M_BASE + 7);
	assert_int_equal(read_isr(M_CMD), 0);
	assert_int_equal(pic.acks, 1);
	assert_int_equal(pic.spurious, 1);
}

/* A cascade address no slave answers to: the data bus floats. */
static void test_cascade_address_mismatch(void **state)
{
	out8(S_CMD, 0x11);
	out8(S_DATA, S_BASE);
	out8(S_DATA, 3); /* slave ID 3, yet wired to IR2 */
	out8(S_DATA, 0x01);
	pulse(10);
	assert_int_equal(vpic_pending_vector(&pic), 0xff);
	assert_int_equal(vpic_ack(&pic), 0xff);
	/* Master in single mode: IR2 is an ordinary input with its own vector. */
	out8(M_CMD, 0x13);
	out8(M_DATA, M_BASE);
	out8(M_DATA, 0x01);
	/* ICW1 reset the master's edge sense; the slave's INT is still high. */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(S_DATA, 0x04); /* INT low ... */
	out8(S_DATA, 0x00); /* ... and high again: a new edge on IR2 */
	ack_expect(M_BASE + 2);
	assert_int_equal(read_isr(S_CMD), 0x00); /* the slave was not asked */
}

/* "Poll Command": the read is the INTA; I bit and level, or 0. */
static void test_poll(void **state)
{
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_P);
	assert_int_equal(in8(M_CMD), 0x00);
	pulse(5);
	pulse(3);
	/* P overrides RR for this read, which may be on either port. */
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_P | VPIC_OCW3_RR | VPIC_OCW3_RIS);
	assert_int_equal(in8(M_DATA), VPIC_POLL_INT | 3);
	assert_int_equal(in8(M_CMD), 0x08); /* poll done: ISR selected by the same OCW3 */
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_P);
	assert_int_equal(in8(M_CMD), 0x00); /* 5 is below 3 in service */
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_P);
	assert_int_equal(in8(M_CMD), VPIC_POLL_INT | 5);
	out8(M_CMD, VPIC_OCW2_NONSPEC_EOI);
	/* Polling the slave. */
	pulse(15);
	out8(S_CMD, VPIC_OCW3 | VPIC_OCW3_P);
	assert_int_equal(in8(S_CMD), VPIC_POLL_INT | 7);
	assert_int_equal(read_isr(S_CMD), 0x80);
	assert_int_equal(read_isr(M_CMD), 0x00);
}

/* "Special Mask Mode": masking the level in service lets lower levels in. */
static void test_special_mask_mode(void **state)
{
	pulse(3);
	ack_expect(M_BASE + 3);
	pulse(5);
	pulse(1);
	ack_expect(M_BASE + 1);
	out8(M_CMD, 0x20); /* ends 1 */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(M_DATA, 0x08);
	assert_int_equal(vpic_pending_vector(&pic), -1); /* the mask alone is not enough */
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_ESMM | VPIC_OCW3_SMM);
	ack_expect(M_BASE + 5);
	assert_int_equal(read_isr(M_CMD), 0x28);
	pulse(6); /* 5 is in service and unmasked: it still holds 6 off */
	assert_int_equal(vpic_pending_vector(&pic), -1);
	out8(M_CMD, 0x65);
	ack_expect(M_BASE + 6);
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_ESMM); /* reset special mask */
	out8(M_CMD, 0x66);
	pulse(7);
	assert_int_equal(vpic_pending_vector(&pic), -1); /* 3 holds again */
	out8(M_CMD, 0x63);
	out8(M_DATA, 0x00);
	ack_expect(M_BASE + 7);
}

/* OCW3 RR/RIS select what port 0x20 reads; without RR nothing changes. */
static void test_read_register_select(void **state)
{
	pulse(4);
	pulse(6);
	ack_expect(M_BASE + 4);
	assert_int_equal(in8(M_CMD), 0x40);
	out8(M_CMD, VPIC_OCW3_READ_ISR);
	assert_int_equal(in8(M_CMD), 0x10);
	assert_int_equal(in8(M_CMD), 0x10);
	out8(M_CMD, VPIC_OCW3 | VPIC_OCW3_RIS); /* RIS without RR: no action */
	assert_int_equal(in8(M_CMD), 0x10);
	out8(M_CMD, VPIC_OCW3_READ_IRR);
	assert_int_equal(in8(M_CMD), 0x40);
	assert_int_equal(in8(M_DATA), 0x00); /* the data port reads IMR either way */
}

static void test_intr_callback(void **state)
{
	static const bool expect[] = { true, false, true, false, true, false };

	pulse(1);
	vpic_ack(&pic); /* INT drops */
	pulse(0);       /* higher: INT again */
	vpic_ack(&pic);
	out8(M_CMD, 0x20);
	out8(M_CMD, 0x20);
	out8(M_DATA, 0x01);
	irq(0, true);       /* masked: no change */
	out8(M_DATA, 0x00); /* unmask: INT */
	out8(M_CMD, 0x11);  /* ICW1 drops it */
	assert_int_equal(intr_calls, ARRAY_SIZE(expect));
	assert_memory_equal(intr_levels, expect, sizeof(expect));
}

static void test_set_irq_limits(void **state)
{
	assert_int_equal(vpic_set_irq(&pic, 2, true), -EINVAL);
	assert_int_equal(vpic_set_irq(&pic, 16, true), -EINVAL);
	assert_int_equal(vpic_irr(&pic.chip[0]), 0);
	assert_int_equal(vpic_set_irq(&pic, 15, true), 0);
}

/* Wider accesses are byte cycles; past the two ports: all-ones. */
static void test_multibyte_and_attach(void **state)
{
	struct vpic other;

	out8(M_DATA, 0x5a);
	pulse(7);
	assert_int_equal(viobus_in(&bus, M_CMD, 2), 0x5a80);
	assert_int_equal(viobus_in(&bus, M_DATA, 2), 0xff5a);
	viobus_out(&bus, M_CMD, 2, 0xa50b); /* OCW3 read ISR, then OCW1 */
	assert_int_equal(in8(M_DATA), 0xa5);
	assert_int_equal(in8(M_CMD), 0x00);
	vpic_init(&other, NULL, NULL);
	assert_int_equal(vpic_attach(&bus, &other), -EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_linux_init, setup),
		cmocka_unit_test_setup(test_icw_sequences, setup),
		cmocka_unit_test_setup(test_icw1_resets, setup_linux),
		cmocka_unit_test_setup(test_mask, setup_linux),
		cmocka_unit_test_setup(test_fully_nested, setup_linux),
		cmocka_unit_test_setup(test_same_level_waits, setup_linux),
		cmocka_unit_test_setup(test_rotation, setup_linux),
		cmocka_unit_test_setup(test_nonspecific_eoi_order, setup_linux),
		cmocka_unit_test_setup(test_aeoi, setup),
		cmocka_unit_test_setup(test_level_triggered, setup_linux),
		cmocka_unit_test_setup(test_elcr, setup_linux),
		cmocka_unit_test_setup(test_cascade_linux_ack, setup_linux),
		cmocka_unit_test_setup(test_cascade_nesting, setup_linux),
		cmocka_unit_test_setup(test_special_fully_nested, setup),
		cmocka_unit_test_setup(test_spurious_slave, setup_linux),
		cmocka_unit_test_setup(test_spurious_master, setup_linux),
		cmocka_unit_test_setup(test_cascade_address_mismatch, setup_linux),
		cmocka_unit_test_setup(test_poll, setup_linux),
		cmocka_unit_test_setup(test_special_mask_mode, setup_linux),
		cmocka_unit_test_setup(test_read_register_select, setup_linux),
		cmocka_unit_test_setup(test_intr_callback, setup_linux),
		cmocka_unit_test_setup(test_set_irq_limits, setup_linux),
		cmocka_unit_test_setup(test_multibyte_and_attach, setup_linux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
