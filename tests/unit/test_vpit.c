/* UNIT_SOURCES: vmx/dev/vpit.c vmx/dev/viobus.c */
/*
 * Host tests of the 8254 model against the Intel 8254 datasheet
 * (231164-005), "Mode Definitions" and "Read Operations": every mode's CE
 * values and OUT at chosen CLK ticks after a count is written or a
 * trigger, GATE levels and triggers, BCD, LSB/MSB/two-byte access, the
 * counter latch and read-back commands with null count, port 0x61, and
 * the two ways Linux calibrates the TSC against counter 2. Time is a fake
 * nanosecond clock: at(k) puts it at the start of CLK tick k after init.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vpit.h"

#define CH0  0x40
#define CH2  0x42
#define MODE 0x43
#define P61  0x61

static struct viobus bus;
static struct vpit pit;
static uint64_t now_ns;
static bool irq_log[64];
static unsigned irq_calls;

static uint64_t fake_clock(void *ctx)
{
	assert_ptr_equal(ctx, &now_ns);
	return now_ns;
}

static void on_irq0(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &pit);
	assert_true(irq_calls < ARRAY_SIZE(irq_log));
	irq_log[irq_calls++] = level;
}

/* The first nanosecond of CLK tick k (the clock started at 0). */
static uint64_t tick_ns(uint64_t k)
{
	return (k * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ;
}

static void at(uint64_t k)
{
	assert_true(tick_ns(k) >= now_ns);
	now_ns = tick_ns(k);
}

static void out8(uint16_t port, uint8_t v)
{
	viobus_out(&bus, port, 1, v);
}

static uint8_t in8(uint16_t port)
{
	return (uint8_t)viobus_in(&bus, port, 1);
}

static void control(uint8_t v)
{
	out8(MODE, v);
}

static void count16(unsigned ch, uint16_t v)
{
	out8(CH0 + ch, v & 0xff);
	out8(CH0 + ch, v >> 8);
}

/* Counter latch command, then the two bytes (two-byte access). */
static uint16_t latched(unsigned ch)
{
	uint16_t v;

	control(VPIT_CW_SC(ch) | VPIT_CW_RW_LATCH);
	v = in8(CH0 + ch);
	return v | in8(CH0 + ch) << 8;
}

/* Read-back of the status alone. */
static uint8_t status(unsigned ch)
{
	control(VPIT_CW_READ_BACK | VPIT_RB_NO_COUNT | VPIT_RB_CNT(ch));
	return in8(CH0 + ch);
}

static bool out_pin(unsigned ch)
{
	return status(ch) & VPIT_STATUS_OUT;
}

static void clear_irq_log(void)
{
	irq_calls = 0;
}

static int setup(void **state)
{
	now_ns = 0;
	viobus_init(&bus);
	vpit_init(&pit, fake_clock, &now_ns, on_irq0, &pit);
	assert_int_equal(vpit_attach(&bus, &pit), 0);
	clear_irq_log();
	return 0;
}

/* ------------------------------------------------------------------------ */

/* The BIOS state: counter 0 mode 3 count 0 (18.2 Hz), counter 1 mode 2 count 18. */
static void test_reset_state(void **state)
{
	at(5);
	assert_int_equal(status(0), VPIT_STATUS_OUT | 0x36);
	assert_int_equal(status(1), VPIT_STATUS_OUT | 0x14);
	assert_int_equal(status(2), VPIT_STATUS_OUT | VPIT_STATUS_NULL | 0x36);
	assert_int_equal(in8(P61), VPIT_PORTB_OUT2); /* mode 3, no count: OUT high */
	/* Counter 1 counts 18 .. 1 from tick 1. */
	assert_int_equal(in8(CH0 + 1), 18 - 4);
	/* The first update reports OUT0 (high); the next IRQ0 is 65536 clocks after the load. */
	assert_int_equal(irq_calls, 1);
	assert_true(irq_log[0]);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(1 + 65536));
	at(1 + 65536);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 3);
	assert_false(irq_log[1]);
	assert_true(irq_log[2]);
	assert_int_equal(pit.irq0_edges, 1);
	assert_int_equal(in8(MODE), 0xff); /* no-operation, 3-state */
}

/*
 * Mode 0, "Interrupt on Terminal Count": OUT low from the count write,
 * CE loaded on the next CLK, OUT high "N + 1 CLK pulses after the initial
 * count is written", CE wrapping on after terminal count.
 */
static void test_mode0_counts(void **state)
{
	static const struct {
		uint16_t cr;
		uint32_t n;
	} cases[] = {
		{ 1, 1 }, { 2, 2 }, { 100, 100 }, { 0x1234, 0x1234 }, { 0, 0x10000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t w = 10 + i * 0x20000, n = cases[i].n;

		at(w);
		control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
		count16(0, cases[i].cr);
		assert_int_equal(status(0), VPIT_STATUS_NULL | 0x30);
		at(w + 1);
		assert_int_equal(status(0), 0x30); /* loaded: null count cleared */
		assert_int_equal(latched(0), n & 0xffff);
		at(w + n);
		assert_int_equal(latched(0), 1);
		assert_false(out_pin(0));
		at(w + n + 1);
		assert_int_equal(latched(0), 0);
		assert_true(out_pin(0));
		at(w + n + 2);
		assert_int_equal(latched(0), 0xffff);
		assert_true(out_pin(0));
	}
}

/* OUT0's rise is IRQ0: next_event_ns names its nanosecond exactly. */
static void test_mode0_irq_and_next_event(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
	count16(0, 1000);
	clear_irq_log();
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(1101));
	now_ns = tick_ns(1101) - 1;
	vpit_update(&pit);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(1101));
	now_ns = tick_ns(1101);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_log[0]);
	/* Terminal count passed: OUT stays high, nothing more to wait for. */
	assert_int_equal(vpit_next_event_ns(&pit), UINT64_MAX);
	/* A new count: its first byte drops OUT at once. */
	out8(CH0, 5);
	assert_int_equal(irq_calls, 2);
	assert_false(irq_log[1]);
	out8(CH0, 0);
	assert_int_equal(irq_calls, 2);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(1101 + 6));
}

/* "Writing the first byte disables counting. OUT is set low immediately." */
static void test_mode0_two_byte_write(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
	count16(0, 10);
	at(105);
	out8(CH0, 0x20);
	assert_false(out_pin(0));
	at(110);
	assert_int_equal(latched(0), 10 - 4); /* frozen since tick 105 */
	out8(CH0, 0x00);
	at(111);
	assert_int_equal(latched(0), 0x20);
	at(111 + 0x20 - 1);
	assert_false(out_pin(0));
	at(111 + 0x20);
	assert_true(out_pin(0));
}

/* Mode 0 with GATE low: counting stops, OUT unaffected. Counter 2, gated by port 0x61. */
static void test_mode0_gate(void **state)
{
	at(100);
	out8(P61, VPIT_PORTB_GATE2);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
	count16(2, 10);
	at(104);
	out8(P61, 0);
	assert_int_equal(latched(2), 10 - 3);
	at(110);
	assert_int_equal(latched(2), 10 - 3);
	out8(P61, VPIT_PORTB_GATE2);
	at(111);
	assert_int_equal(latched(2), 10 - 4);
	at(116);
	assert_false(in8(P61) & VPIT_PORTB_OUT2);
	at(117);
	assert_true(in8(P61) & VPIT_PORTB_OUT2);

	/* A count written with GATE low is loaded but not counted. */
	at(200);
	out8(P61, 0);
	count16(2, 3);
	at(300);
	assert_int_equal(latched(2), 3);
	out8(P61, VPIT_PORTB_GATE2); /* counts on the clocks after 300 */
	at(302);
	assert_false(out_pin(2));
	at(303);
	assert_true(out_pin(2));
}

/*
 * Linux's pit_calibrate_tsc(): GATE2 high, speaker off, counter 2 mode 0
 * with a 10 ms count, then poll port 0x61 bit 5 until OUT2 rises: exactly
 * N + 1 clocks after the MSB is written.
 */
static void test_linux_pit_calibrate_tsc(void **state)
{
	const uint16_t latch = VPIT_HZ / 100; /* CAL_LATCH for 10 ms */
	uint64_t w = 1000;

	out8(P61, VPIT_PORTB_SPEAKER);
	at(w);
	out8(P61, (in8(P61) & ~VPIT_PORTB_SPEAKER) | VPIT_PORTB_GATE2);
	assert_int_equal(in8(P61) & 0x0f, VPIT_PORTB_GATE2);
	out8(MODE, 0xb0);
	out8(CH2, latch & 0xff);
	out8(CH2, latch >> 8);
	assert_false(in8(P61) & VPIT_PORTB_OUT2);
	at(w + latch);
	assert_false(in8(P61) & VPIT_PORTB_OUT2);
	at(w + latch + 1);
	assert_true(in8(P61) & VPIT_PORTB_OUT2);
	/* 10 ms of CLK in guest time, to the nanosecond the tick allows. */
	assert_true(tick_ns(w + latch + 1) - tick_ns(w) > 10000000 - 1000);
	assert_true(tick_ns(w + latch + 1) - tick_ns(w) < 10000000 + 1000);
	/* Counter 0 and its IRQ0 were left alone. */
	assert_int_equal(status(0) & 0x3f, 0x36);
}

/*
 * Linux's quick_pit_calibrate(): counter 2 mode 0 from 0xffff, read
 * unlatched LSB then MSB, watch the MSB step down once every 256 clocks.
 */
static void test_linux_quick_pit_calibrate(void **state)
{
	uint64_t w = 5000;

	at(w);
	out8(P61, (in8(P61) & ~VPIT_PORTB_SPEAKER) | VPIT_PORTB_GATE2);
	out8(MODE, 0xb0);
	out8(CH2, 0xff);
	out8(CH2, 0xff);
	for (unsigned i = 0; i < 6; i++) {
		uint64_t first = w + 1 + 256 * i; /* CE = 0xffff - 256 i */

		at(first + 255);
		in8(CH2);
		assert_int_equal(in8(CH2), 0xff - i);
		at(first + 256);
		assert_int_equal(in8(CH2), 0xff); /* LSB of 0x..ff */
		assert_int_equal(in8(CH2), 0xff - i - 1);
	}
}

/* Mode 1, "Hardware Retriggerable One-Shot": low from the clock after the trigger for N clocks. */
static void test_mode1(void **state)
{
	at(100);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_WORD | VPIT_CW_MODE(1));
	assert_true(out_pin(2));
	count16(2, 5);
	at(150);
	assert_true(out_pin(2)); /* no trigger yet */
	assert_int_equal(status(2) & VPIT_STATUS_NULL, VPIT_STATUS_NULL);
	vpit_set_gate(&pit, 2, true); /* trigger at 150 */
	assert_true(out_pin(2));
	at(151);
	assert_false(out_pin(2));
	assert_int_equal(latched(2), 5);
	assert_int_equal(status(2) & VPIT_STATUS_NULL, 0);
	at(155);
	assert_false(out_pin(2));
	at(156);
	assert_true(out_pin(2));
	assert_int_equal(latched(2), 0);
	at(157);
	assert_int_equal(latched(2), 0xffff);

	/* GATE level does not matter; only a rising edge retriggers. */
	vpit_set_gate(&pit, 2, false);
	at(200);
	vpit_set_gate(&pit, 2, true);
	at(203);
	vpit_set_gate(&pit, 2, false);
	vpit_set_gate(&pit, 2, true); /* retrigger: reload at 204 */
	at(204);
	assert_int_equal(latched(2), 5);
	at(208);
	assert_false(out_pin(2));
	at(209);
	assert_true(out_pin(2));

	/* A new count does not affect the one-shot under way. */
	at(300);
	vpit_set_gate(&pit, 2, false);
	vpit_set_gate(&pit, 2, true);
	at(302);
	count16(2, 50);
	at(306);
	assert_true(out_pin(2));
	vpit_set_gate(&pit, 2, false);
	vpit_set_gate(&pit, 2, true);
	at(357);
	assert_true(out_pin(2));
	assert_int_equal(latched(2), 0);
}

/* Mode 2, "Rate Generator": OUT low for one clock when CE is 1, reload, repeat. */
static void test_mode2(void **state)
{
	static const uint8_t ce[] = { 4, 3, 2, 1, 4, 3, 2, 1, 4 };
	static const bool out[] = { 1, 1, 1, 0, 1, 1, 1, 0, 1 };

	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(2));
	count16(0, 4);
	assert_true(out_pin(0));
	for (size_t i = 0; i < ARRAY_SIZE(ce); i++) {
		at(101 + i);
		assert_int_equal(latched(0), ce[i]);
		assert_int_equal(out_pin(0), out[i]);
	}
	/* M2 is "don't care": mode 6 is mode 2. */
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(6));
	assert_int_equal(status(0) & 0x3f, 0x3c);
	assert_int_equal(pit.ch[0].mode, 2);
}

/*
 * Mode 2 IRQ0 edges: one per period at the reload. A late update
 * delivers the missed ones as a single pulse and counts them.
 */
static void test_mode2_irq0_pulses(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(2));
	count16(0, 10);
	clear_irq_log();
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(111));
	at(111);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 2); /* low-high pulse: OUT is high again already */
	assert_false(irq_log[0]);
	assert_true(irq_log[1]);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(121));
	at(145);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 4);
	assert_int_equal(pit.irq0_edges, 1 + 3);
	assert_int_equal(pit.irq0_merged, 2);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(151));
	/* Sampled while OUT is low: the pulse, then the low level. */
	at(160);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 7);
	assert_false(irq_log[4]);
	assert_true(irq_log[5]);
	assert_false(irq_log[6]);
	at(161);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 8);
	assert_true(irq_log[7]);
}

/* Mode 2: a new count waits for the end of the period; GATE low stops and forces OUT high. */
static void test_mode2_new_count_and_gate(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(2));
	count16(0, 4);
	at(102);
	count16(0, 6);
	assert_int_equal(status(0) & VPIT_STATUS_NULL, VPIT_STATUS_NULL);
	at(104);
	assert_int_equal(latched(0), 1);
	assert_false(out_pin(0));
	assert_int_equal(status(0) & VPIT_STATUS_NULL, VPIT_STATUS_NULL);
	at(105);
	assert_int_equal(latched(0), 6);
	assert_true(out_pin(0));
	assert_int_equal(status(0) & VPIT_STATUS_NULL, 0);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(111));

	/* Counter 2 with its gate: low stops counting, high reloads on the next clock. */
	at(200);
	out8(P61, VPIT_PORTB_GATE2);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_WORD | VPIT_CW_MODE(2));
	count16(2, 5);
	at(204);
	assert_true(out_pin(2)); /* CE = 2 */
	at(205);
	assert_false(out_pin(2)); /* CE = 1: "N CLK pulses after the initial count is written" */
	out8(P61, 0);
	assert_true(out_pin(2)); /* "If GATE goes low during an output pulse, OUT is set high" */
	at(210);
	assert_int_equal(latched(2), 1);
	out8(P61, VPIT_PORTB_GATE2);
	at(211);
	assert_int_equal(latched(2), 5);
	at(214);
	assert_true(out_pin(2));
	at(215);
	assert_false(out_pin(2));
	/* A trigger after a new count loads the new count at once. */
	count16(2, 20);
	out8(P61, 0);
	out8(P61, VPIT_PORTB_GATE2);
	at(216);
	assert_int_equal(latched(2), 20);
}

/* Mode 3, "Square Wave Mode", even and odd counts. */
static void test_mode3(void **state)
{
	static const struct {
		uint16_t n;
		uint8_t ce[12];
		uint8_t out[12];
	} cases[] = {
		/* Even: n, n-2, ... 2 in each half; OUT high n/2, low n/2. */
		{ 6,
		  { 6, 4, 2, 6, 4, 2, 6, 4, 2, 6, 4, 2 },
		  { 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0 } },
		/* Odd: n-1 ... 0 high ((n+1)/2 clocks), n-1 ... 2 low ((n-1)/2 clocks). */
		{ 5,
		  { 4, 2, 0, 4, 2, 4, 2, 0, 4, 2, 4, 2 },
		  { 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1 } },
		{ 3,
		  { 2, 0, 2, 2, 0, 2, 2, 0, 2, 2, 0, 2 },
		  { 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0 } },
		{ 2,
		  { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 },
		  { 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0 } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t w = 100 + 100 * i;

		at(w);
		control(VPIT_CW_RW_WORD | VPIT_CW_MODE(3));
		count16(0, cases[i].n);
		for (size_t k = 0; k < 12; k++) {
			at(w + 1 + k);
			assert_int_equal(latched(0), cases[i].ce[k]);
			assert_int_equal(out_pin(0), cases[i].out[k]);
		}
	}
}

/* Mode 3 IRQ0: one rising edge per period, at the start of each high half. */
static void test_mode3_edges(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(3));
	count16(0, 5);
	clear_irq_log();
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(106));
	at(106);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(111));
	assert_int_equal(pit.irq0_edges, 1);
	at(1106);
	vpit_update(&pit);
	assert_int_equal(pit.irq0_edges, 1 + 200);
}

/*
 * Mode 3: a new count is "loaded at the end of the current half-cycle".
 * Written during a high half, the new count starts with its low half.
 */
static void test_mode3_half_cycle_switch(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(3));
	count16(0, 6); /* high 101-103, low 104-106 */
	at(102);
	count16(0, 10);
	clear_irq_log();
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(104)); /* the switch */
	at(103);
	assert_int_equal(latched(0), 2);
	at(104);
	assert_int_equal(latched(0), 10);
	assert_false(out_pin(0));
	at(108);
	assert_int_equal(latched(0), 2);
	assert_false(out_pin(0));
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(109));
	at(109);
	assert_true(out_pin(0));
	assert_int_equal(latched(0), 10);
	at(114);
	assert_false(out_pin(0));
	/* Written during the low half: the new count starts with a high half. */
	count16(0, 4);
	at(118);
	assert_false(out_pin(0));
	at(119);
	assert_true(out_pin(0));
	assert_int_equal(latched(0), 4);
	at(121);
	assert_false(out_pin(0));
	at(123);
	assert_true(out_pin(0));
}

/* Mode 4, "Software Triggered Strobe": OUT low for one clock N + 1 clocks after the write. */
static void test_mode4(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(4));
	assert_true(out_pin(0));
	count16(0, 3);
	clear_irq_log();
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(105));
	at(103);
	assert_int_equal(latched(0), 1);
	assert_true(out_pin(0));
	at(104);
	assert_int_equal(latched(0), 0);
	assert_false(out_pin(0));
	at(105);
	assert_true(out_pin(0));
	assert_int_equal(latched(0), 0xffff);
	vpit_update(&pit);
	assert_int_equal(pit.irq0_edges, 1);
	assert_int_equal(vpit_next_event_ns(&pit), UINT64_MAX);

	/* Two-byte rewrite: the first byte changes nothing, the second reloads. */
	at(200);
	count16(0, 10);
	at(205);
	out8(CH0, 5);
	at(206);
	assert_int_equal(latched(0), 10 - 5);
	at(208);
	out8(CH0, 0);
	at(209);
	assert_int_equal(latched(0), 5);
	at(213);
	assert_true(out_pin(0));
	at(214);
	assert_false(out_pin(0));

	/* Linux's i8253 one-shot (0x38: mode 4) and shutdown (0x30: mode 0). */
	at(300);
	control(0x38);
	count16(0, 1193);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(300 + 1193 + 2));
	control(0x30);
	assert_false(out_pin(0));
	assert_int_equal(vpit_next_event_ns(&pit), UINT64_MAX);
}

/* A mode 4 count rewritten during the strobe: OUT rises at the load, the new strobe follows. */
static void test_mode4_retrigger_in_strobe(void **state)
{
	at(100);
	control(VPIT_CW_RW_LSB | VPIT_CW_MODE(4));
	out8(CH0, 3);
	at(104);
	vpit_update(&pit);
	clear_irq_log();
	assert_false(out_pin(0));
	out8(CH0, 5);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(105));
	at(105);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_log[0]);
	assert_int_equal(pit.irq0_edges, 1);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(111));
	at(110);
	assert_false(out_pin(0));
}

/* Mode 4 with GATE low: counting stops; OUT unaffected. */
static void test_mode4_gate(void **state)
{
	at(100);
	out8(P61, VPIT_PORTB_GATE2);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_LSB | VPIT_CW_MODE(4));
	out8(CH2, 4);
	at(102);
	out8(P61, 0);
	at(150);
	assert_int_equal(in8(CH2), 3);
	out8(P61, VPIT_PORTB_GATE2);
	at(153);
	assert_false(out_pin(2));
	at(154);
	assert_true(out_pin(2));
}

/* Mode 5, "Hardware Triggered Strobe (Retriggerable)". */
static void test_mode5(void **state)
{
	at(100);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_WORD | VPIT_CW_MODE(5));
	count16(2, 4);
	at(120);
	assert_true(out_pin(2));
	out8(P61, VPIT_PORTB_GATE2); /* trigger at 120 */
	at(121);
	assert_int_equal(latched(2), 4);
	at(124);
	assert_true(out_pin(2));
	out8(P61, 0);
	out8(P61, VPIT_PORTB_GATE2); /* retrigger at 124: load at 125 */
	at(128);
	assert_true(out_pin(2));
	at(129);
	assert_false(out_pin(2));
	at(130);
	assert_true(out_pin(2));
	assert_int_equal(latched(2), 0xffff);
}

/* BCD counting: CE in four decimal digits, 0 meaning 10000. */
static void test_bcd(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0) | VPIT_CW_BCD);
	count16(0, 0x0100);
	at(101);
	assert_int_equal(latched(0), 0x0100);
	at(102);
	assert_int_equal(latched(0), 0x0099);
	at(201);
	assert_int_equal(latched(0), 0x0000);
	assert_true(out_pin(0));
	at(202);
	assert_int_equal(latched(0), 0x9999);
	assert_int_equal(status(0), VPIT_STATUS_OUT | 0x31);

	at(300);
	count16(0, 0x0000);
	at(301);
	assert_int_equal(latched(0), 0x0000);
	at(302);
	assert_int_equal(latched(0), 0x9999);
	at(300 + 10000);
	assert_false(out_pin(0));
	at(301 + 10000);
	assert_true(out_pin(0));

	/* Mode 2 with BCD 10: a period of ten clocks. */
	at(20000);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(2) | VPIT_CW_BCD);
	count16(0, 0x0010);
	assert_int_equal(vpit_next_event_ns(&pit), tick_ns(20011));
	at(20002);
	assert_int_equal(latched(0), 0x0009);
}

/*
 * "Counter Latch Command": the count is held until read; a second latch
 * before the read is ignored. Unlatched two-byte reads alternate LSB/MSB.
 */
static void test_counter_latch(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
	count16(0, 0x1234);
	at(200);
	control(VPIT_CW_SC(0) | VPIT_CW_RW_LATCH); /* CE = 0x1234 - 99 = 0x11d1 */
	at(300);
	control(VPIT_CW_SC(0) | VPIT_CW_RW_LATCH); /* ignored */
	assert_int_equal(in8(CH0), 0xd1);
	at(400);
	assert_int_equal(in8(CH0), 0x11);
	/* Released: now unlatched reads, LSB then MSB, each at its own moment. */
	assert_int_equal(in8(CH0), (0x1234 - 299) & 0xff);
	at(101 + 0x1234 - 0x100); /* CE = 0x100; the flip-flop is at the MSB */
	assert_int_equal(in8(CH0), 0x01);
	assert_int_equal(in8(CH0), 0x00);
	/* A latched count reads LSB then MSB. */
	at(101 + 0x1234 - 0xff);
	control(VPIT_CW_SC(0) | VPIT_CW_RW_LATCH);
	at(200 + 0x1234);
	assert_int_equal(in8(CH0), 0xff);
	assert_int_equal(in8(CH0), 0x00);
	/* A control word drops a pending latch and resets the flip-flops. */
	control(VPIT_CW_SC(0) | VPIT_CW_RW_LATCH);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(0));
	count16(0, 0x4321);
	at(201 + 0x1234);
	assert_int_equal(in8(CH0), 0x21);
	assert_int_equal(in8(CH0), 0x43);
}

/* LSB-only and MSB-only access, write and read. */
static void test_access_modes(void **state)
{
	at(100);
	control(VPIT_CW_SC(1) | VPIT_CW_RW_LSB | VPIT_CW_MODE(0));
	out8(CH0 + 1, 0x20);
	at(101);
	assert_int_equal(in8(CH0 + 1), 0x20);
	assert_int_equal(in8(CH0 + 1), 0x20); /* no flip-flop */
	at(102);
	assert_int_equal(in8(CH0 + 1), 0x1f);

	control(VPIT_CW_SC(1) | VPIT_CW_RW_MSB | VPIT_CW_MODE(0));
	out8(CH0 + 1, 0x02); /* 0x0200 */
	at(103);
	assert_int_equal(in8(CH0 + 1), 0x02);
	at(104);
	assert_int_equal(in8(CH0 + 1), 0x01);
	control(VPIT_CW_SC(1) | VPIT_CW_RW_LATCH);
	at(400);
	assert_int_equal(in8(CH0 + 1), 0x01);
	assert_int_equal(in8(CH0 + 1), 0x00); /* 0x200 - 297 = 0xd7, MSB 0 */
}

/*
 * "Read-Back Command": count and status of several counters at once;
 * status is read first, then the count; status shows OUT, NULL COUNT and
 * the programmed bits.
 */
static void test_read_back(void **state)
{
	at(100);
	control(VPIT_CW_RW_WORD | VPIT_CW_MODE(2));
	count16(0, 50);
	out8(P61, VPIT_PORTB_GATE2);
	control(VPIT_CW_SC(2) | VPIT_CW_RW_WORD | VPIT_CW_MODE(0) | VPIT_CW_BCD);
	count16(2, 0x0050);
	assert_int_equal(status(0), VPIT_STATUS_OUT | VPIT_STATUS_NULL | 0x34);
	assert_int_equal(status(2), VPIT_STATUS_NULL | 0x31);
	at(101); /* both loaded */
	control(VPIT_CW_READ_BACK | VPIT_RB_CNT(0) | VPIT_RB_CNT(2));
	at(120);
	assert_int_equal(in8(CH0), VPIT_STATUS_OUT | 0x34);
	assert_int_equal(in8(CH0), 50);
	assert_int_equal(in8(CH0), 0);
	assert_int_equal(in8(CH2), 0x31);
	assert_int_equal(in8(CH2), 0x50);
	assert_int_equal(in8(CH2), 0x00);
	/* Status alone, count alone. */
	control(VPIT_CW_READ_BACK | VPIT_RB_NO_STATUS | VPIT_RB_CNT(2));
	at(130);
	control(VPIT_CW_READ_BACK | VPIT_RB_NO_COUNT | VPIT_RB_CNT(2));
	assert_int_equal(in8(CH2), 0x31); /* status first, though latched second */
	assert_int_equal(in8(CH2), 0x31); /* BCD 50 - 19 */
	assert_int_equal(in8(CH2), 0x00);
	/* A second status latch before the read is ignored. */
	control(VPIT_CW_READ_BACK | VPIT_RB_NO_COUNT | VPIT_RB_CNT(2));
	at(200);
	control(VPIT_CW_READ_BACK | VPIT_RB_NO_COUNT | VPIT_RB_CNT(2));
	assert_int_equal(in8(CH2), 0x31);
	assert_int_equal(in8(CH2), 0x51); /* unlatched: BCD 50 - 99 wraps to 9951 */
	assert_int_equal(in8(CH2), 0x99);
}

/* Port 0x61: bits 3:0 stored, refresh toggle every 18 clocks, OUT2, bits 7:6 zero. */
static void test_port_61(void **state)
{
	out8(P61, 0xfc);
	assert_int_equal(in8(P61), 0x2c);
	at(17);
	assert_int_equal(in8(P61) & VPIT_PORTB_REFRESH, 0);
	at(18);
	assert_int_equal(in8(P61) & VPIT_PORTB_REFRESH, VPIT_PORTB_REFRESH);
	at(35);
	assert_int_equal(in8(P61) & VPIT_PORTB_REFRESH, VPIT_PORTB_REFRESH);
	at(36);
	assert_int_equal(in8(P61) & VPIT_PORTB_REFRESH, 0);
	/* Counter 2 unprogrammed after reset (mode 3, no count): OUT2 high. */
	assert_int_equal(in8(P61) & VPIT_PORTB_OUT2, VPIT_PORTB_OUT2);
	assert_int_equal(viobus_in(&bus, P61, 2), 0xff2c);
	viobus_out(&bus, P61, 2, 0x0001);
	assert_true(pit.ch[2].gate);
}

/* Mode 0 count 1 written to counter 0 twice in one tick; read-back of OUT matches IRQ0. */
static void test_out_agrees_with_irq0(void **state)
{
	at(50);
	control(VPIT_CW_RW_LSB | VPIT_CW_MODE(0));
	out8(CH0, 1);
	out8(CH0, 1);
	clear_irq_log();
	at(52);
	vpit_update(&pit);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_log[0]);
	assert_true(vpit_out(&pit, 0));
	assert_false(vpit_out(&pit, 3));
	assert_int_equal(vpit_set_gate(&pit, 3, true), -EINVAL);
}

/* A clock that steps back is ignored; multi-byte accesses split into bytes. */
static void test_clock_and_bus(void **state)
{
	at(1000);
	control(VPIT_CW_SC(1) | VPIT_CW_RW_LSB | VPIT_CW_MODE(0));
	viobus_out(&bus, CH0 + 1, 2, 0x1020); /* 0x20 to counter 1, 0x10 to counter 2 */
	at(1001);
	assert_int_equal(in8(CH0 + 1), 0x20);
	assert_int_equal(pit.ch[2].cr & 0xff, 0x10);
	assert_true(pit.ch[2].write_msb);
	now_ns = 0;
	assert_int_equal(in8(CH0 + 1), 0x20);
	assert_int_equal(viobus_in(&bus, MODE, 2), 0xffff);
	assert_int_equal(viobus_in(&bus, MODE, 4), 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_mode0_counts, setup),
		cmocka_unit_test_setup(test_mode0_irq_and_next_event, setup),
		cmocka_unit_test_setup(test_mode0_two_byte_write, setup),
		cmocka_unit_test_setup(test_mode0_gate, setup),
		cmocka_unit_test_setup(test_linux_pit_calibrate_tsc, setup),
		cmocka_unit_test_setup(test_linux_quick_pit_calibrate, setup),
		cmocka_unit_test_setup(test_mode1, setup),
		cmocka_unit_test_setup(test_mode2, setup),
		cmocka_unit_test_setup(test_mode2_irq0_pulses, setup),
		cmocka_unit_test_setup(test_mode2_new_count_and_gate, setup),
		cmocka_unit_test_setup(test_mode3, setup),
		cmocka_unit_test_setup(test_mode3_edges, setup),
		cmocka_unit_test_setup(test_mode3_half_cycle_switch, setup),
		cmocka_unit_test_setup(test_mode4, setup),
		cmocka_unit_test_setup(test_mode4_retrigger_in_strobe, setup),
		cmocka_unit_test_setup(test_mode4_gate, setup),
		cmocka_unit_test_setup(test_mode5, setup),
		cmocka_unit_test_setup(test_bcd, setup),
		cmocka_unit_test_setup(test_counter_latch, setup),
		cmocka_unit_test_setup(test_access_modes, setup),
		cmocka_unit_test_setup(test_read_back, setup),
		cmocka_unit_test_setup(test_port_61, setup),
		cmocka_unit_test_setup(test_out_agrees_with_irq0, setup),
		cmocka_unit_test_setup(test_clock_and_bus, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
