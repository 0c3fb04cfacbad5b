/* UNIT_SOURCES: vmx/dev/vrtc.c vmx/dev/viobus.c */
/*
 * Host tests of the MC146818A model against the Motorola datasheet and
 * the PC's CMOS layout: the time registers in BCD and binary, 12- and
 * 24-hour form, leap years and century roll-overs, the SET procedure
 * Linux uses, out-of-range fields, the UIP window around each update,
 * the update-ended, alarm and periodic interrupts with register C cleared
 * by reading, the periodic rate table, the divider reset, register D, the
 * NVRAM and the index port. Time is a fake nanosecond clock: at(h) puts
 * it at the start of 32.768 kHz time-base tick h after init. The first
 * update comes at h = 16384 (half a second), then every 32768.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vrtc.h"

#define FIRST_UPDATE 16384u /* time-base ticks after init */
#define SECOND       32768u
#define UPDATE_END   65u /* 1984 us */

static struct viobus bus;
static struct vrtc rtc;
static uint64_t now_ns;
static bool irq_log[32];
static unsigned irq_calls;

static uint64_t fake_clock(void *ctx)
{
	assert_ptr_equal(ctx, &now_ns);
	return now_ns;
}

static void on_irq(void *ctx, bool level)
{
	assert_ptr_equal(ctx, &rtc);
	assert_true(irq_calls < ARRAY_SIZE(irq_log));
	irq_log[irq_calls++] = level;
}

static uint64_t tb_ns(uint64_t h)
{
	return (h * 1000000000ull + 32767) / 32768;
}

static void at(uint64_t h)
{
	assert_true(tb_ns(h) >= now_ns);
	now_ns = tb_ns(h);
}

static void start(int64_t unix_seconds)
{
	now_ns = 0;
	irq_calls = 0;
	viobus_init(&bus);
	vrtc_init(&rtc, fake_clock, &now_ns, on_irq, &rtc, unix_seconds);
	assert_int_equal(vrtc_attach(&bus, &rtc), 0);
}

static int setup(void **state)
{
	start(1686830400); /* 2023-06-15 12:00:00 UTC, a Thursday */
	return 0;
}

static uint8_t rd(uint8_t index)
{
	viobus_out(&bus, VRTC_BASE, 1, index);
	return (uint8_t)viobus_in(&bus, VRTC_BASE + 1, 1);
}

static void wr(uint8_t index, uint8_t v)
{
	viobus_out(&bus, VRTC_BASE, 1, index);
	viobus_out(&bus, VRTC_BASE + 1, 1, v);
}

/* Seconds, minutes, hours, day of week, date, month, year, century. */
static const uint8_t time_regs[8] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32 };

static void check_time(const uint8_t expect[8])
{
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(time_regs[i]), expect[i]);
}

/* Linux's mc146818_set_time(): SET, the bytes, SET cleared. */
static void set_time(const uint8_t v[8])
{
	uint8_t b = rd(VRTC_REG_B);

	wr(VRTC_REG_B, b | VRTC_B_SET);
	for (unsigned i = 0; i < 8; i++)
		wr(time_regs[i], v[i]);
	wr(VRTC_REG_B, b & ~VRTC_B_SET);
}

/* ------------------------------------------------------------------------ */

static void test_init_state(void **state)
{
	static const uint8_t expect[8] = { 0x00, 0x00, 0x12, 0x05, 0x15, 0x06, 0x23, 0x20 };

	assert_int_equal(rd(VRTC_REG_A), 0x26);
	assert_int_equal(rd(VRTC_REG_B), 0x02);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	assert_int_equal(rd(VRTC_REG_D), VRTC_D_VRT);
	check_time(expect);
	assert_int_equal(vrtc_time(&rtc), 1686830400);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(vrtc_next_event_ns(&rtc), UINT64_MAX); /* no interrupt enabled */
}

/* Register B DM and 24/12: the same moment in the four formats. */
static void test_formats(void **state)
{
	/* clang-format off */
	static const struct {
		int64_t t;
		uint8_t b;
		uint8_t regs[8];
	} cases[] = {
		/* 2024-02-29 13:45:07, Thursday */
		{ 1709214307, 0x02, { 0x07, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20 } },
		{ 1709214307, 0x06, { 7, 45, 13, 5, 29, 2, 24, 20 } },
		{ 1709214307, 0x00, { 0x07, 0x45, 0x81, 0x05, 0x29, 0x02, 0x24, 0x20 } },
		{ 1709214307, 0x04, { 7, 45, 0x81, 5, 29, 2, 24, 20 } },
		/* 00:30 is 12:30 AM; 12:00 is 12 PM. */
		{ 1686789000, 0x00, { 0x00, 0x30, 0x12, 0x05, 0x15, 0x06, 0x23, 0x20 } },
		{ 1686789000, 0x04, { 0, 30, 12, 5, 15, 6, 23, 20 } },
		{ 1686830400, 0x00, { 0x00, 0x00, 0x92, 0x05, 0x15, 0x06, 0x23, 0x20 } },
		{ 1686830400, 0x04, { 0, 0, 0x8c, 5, 15, 6, 23, 20 } },
		/* The epoch, a Thursday; 2038-01-19 03:14:07, a Tuesday. */
		{ 0, 0x02, { 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x70, 0x19 } },
		{ 2147483647, 0x06, { 7, 14, 3, 3, 19, 1, 38, 20 } },
		/* The latest seed, and seeds clamped into 1970..9999. */
		{ VRTC_SECONDS_MAX, 0x02, { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x99 } },
		{ VRTC_SECONDS_MAX + 100, 0x02, { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x99 } },
		{ -5, 0x02, { 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x70, 0x19 } },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		start(cases[i].t);
		wr(VRTC_REG_B, cases[i].b);
		check_time(cases[i].regs);
	}
}

/* One second across midnight: leap years, the century rule, century roll-over. */
static void test_day_rollover(void **state)
{
	/* clang-format off */
	static const struct {
		int64_t t; /* 23:59:59 */
		uint8_t after[8];
	} cases[] = {
		/* 2000-02-28 Monday -> 2000-02-29 (divisible by 400: leap) */
		{ 951782399, { 0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20 } },
		/* 2100-02-28 Sunday -> 2100-03-01 (divisible by 100: not leap) */
		{ 4107542399, { 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 } },
		/* 2024-02-28 Wednesday -> 2024-02-29 */
		{ 1709164799, { 0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20 } },
		/* 1999-12-31 Friday -> 2000-01-01 Saturday: the century byte steps */
		{ 946684799, { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20 } },
		/* 2099-12-31 Thursday -> 2100-01-01 Friday */
		{ 4102444799, { 0x00, 0x00, 0x00, 0x06, 0x01, 0x01, 0x00, 0x21 } },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		start(cases[i].t);
		at(FIRST_UPDATE - 1);
		assert_int_equal(rd(VRTC_SECONDS), 0x59);
		assert_int_equal(rd(VRTC_HOURS), 0x23);
		at(FIRST_UPDATE);
		check_time(cases[i].after);
	}
}

/*
 * "UIP": set tBUC = 244 us before the update cycle, cleared when the
 * 1984 us cycle ends; never set while SET = 1.
 */
static void test_uip_window(void **state)
{
	/* clang-format off */
	static const struct {
		uint64_t h;
		uint8_t a;
	} cases[] = {
		{ 0, 0x26 },
		{ FIRST_UPDATE - 9, 0x26 },
		{ FIRST_UPDATE - 8, 0xa6 },
		{ FIRST_UPDATE - 1, 0xa6 },
		{ FIRST_UPDATE, 0xa6 },
		{ FIRST_UPDATE + UPDATE_END - 1, 0xa6 },
		{ FIRST_UPDATE + UPDATE_END, 0x26 },
		{ FIRST_UPDATE + SECOND - 9, 0x26 },
		{ FIRST_UPDATE + SECOND - 8, 0xa6 },
		{ FIRST_UPDATE + SECOND + 64, 0xa6 },
		{ FIRST_UPDATE + SECOND + 65, 0x26 },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		at(cases[i].h);
		assert_int_equal(rd(VRTC_REG_A), cases[i].a);
	}
	/* Outside the window the seconds are stable (Linux's mc146818_avoid_UIP()). */
	at(FIRST_UPDATE + 2 * SECOND - 9);
	assert_int_equal(rd(VRTC_SECONDS), 0x02);
	at(FIRST_UPDATE + 2 * SECOND - 1);
	wr(VRTC_REG_B, 0x82);
	assert_int_equal(rd(VRTC_REG_A), 0x26);
	at(FIRST_UPDATE + 2 * SECOND + 10);
	assert_int_equal(rd(VRTC_REG_A), 0x26);
}

/*
 * The SET procedure: the bytes written read back while SET = 1, then
 * become the time; the divider keeps its phase, so the next update comes
 * at the next boundary. The day of week is kept as written.
 */
static void test_set_time(void **state)
{
	static const uint8_t t[8] = { 0x30, 0x15, 0x10, 0x02, 0x15, 0x06, 0x23, 0x20 };
	static const uint8_t t_next[8] = { 0x31, 0x15, 0x10, 0x02, 0x15, 0x06, 0x23, 0x20 };
	uint64_t boundary = FIRST_UPDATE + 3 * SECOND;

	at(1000);
	wr(VRTC_REG_B, 0x02 | VRTC_B_SET);
	for (unsigned i = 0; i < 8; i++)
		wr(time_regs[i], t[i]);
	at(boundary - SECOND + 100);
	check_time(t); /* frozen while SET = 1 */
	wr(VRTC_REG_B, 0x02);
	at(boundary - 1);
	check_time(t);
	at(boundary);
	check_time(t_next);
	assert_int_equal(vrtc_time(&rtc), 1686824131); /* 2023-06-15 10:15:31 */
	/* Day of week 2 (Monday) carries on to 3 at midnight, whatever the date says. */
	static const uint8_t late[8] = { 0x59, 0x59, 0x23, 0x02, 0x15, 0x06, 0x23, 0x20 };
	set_time(late);
	at(boundary + SECOND);
	assert_int_equal(rd(VRTC_DAY_OF_WEEK), 0x03);
	assert_int_equal(rd(VRTC_DAY_OF_MONTH), 0x16);
}

/* Bytes written while SET = 0 take effect at once, the others keep running. */
static void test_write_while_running(void **state)
{
	at(FIRST_UPDATE + 10);
	assert_int_equal(rd(VRTC_SECONDS), 0x01);
	wr(VRTC_MINUTES, 0x42);
	assert_int_equal(rd(VRTC_MINUTES), 0x42);
	assert_int_equal(rd(VRTC_SECONDS), 0x01);
	at(FIRST_UPDATE + SECOND);
	assert_int_equal(rd(VRTC_SECONDS), 0x02);
	assert_int_equal(rd(VRTC_HOURS), 0x12);
	/* The century byte is the upper half of the year. */
	wr(VRTC_CENTURY, 0x21);
	assert_int_equal(vrtc_time(&rtc), 1686830400 + 42 * 60 + 2 + 36524 * 86400LL);
}

/* Fields out of range carry over like mktime(); the result reads back in range. */
static void test_normalization(void **state)
{
	/* clang-format off */
	static const struct {
		uint8_t b;
		uint8_t set[8];
		uint8_t get[8];
	} cases[] = {
		/* 23:59:60 on 2023-12-31 is 2024-01-01 00:00:00 (day of week 1 kept, +1). */
		{ 0x02, { 0x60, 0x59, 0x23, 0x01, 0x31, 0x12, 0x23, 0x20 },
			{ 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x24, 0x20 } },
		/* Day 0 of March is the last day of February (2023: the 28th). */
		{ 0x02, { 0x00, 0x00, 0x00, 0x03, 0x00, 0x03, 0x23, 0x20 },
			{ 0x00, 0x00, 0x00, 0x03, 0x28, 0x02, 0x23, 0x20 } },
		/* Month 13 is January of the next year; binary mode. */
		{ 0x06, { 0, 0, 0, 1, 10, 13, 99, 19 },
			{ 0, 0, 0, 1, 10, 1, 0, 20 } },
		/* A BCD nibble above 9 counts as its value: 0x0a seconds = 10. */
		{ 0x02, { 0x0a, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x20 },
			{ 0x10, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00, 0x20 } },
		/* 12-hour mode: 12 AM is 0, 12 PM is 12. */
		{ 0x00, { 0x00, 0x00, 0x12, 0x01, 0x01, 0x01, 0x00, 0x20 },
			{ 0x00, 0x00, 0x12, 0x01, 0x01, 0x01, 0x00, 0x20 } },
		{ 0x00, { 0x00, 0x00, 0x92, 0x01, 0x01, 0x01, 0x00, 0x20 },
			{ 0x00, 0x00, 0x92, 0x01, 0x01, 0x01, 0x00, 0x20 } },
		{ 0x00, { 0x00, 0x00, 0x87, 0x01, 0x01, 0x01, 0x00, 0x20 },
			{ 0x00, 0x00, 0x87, 0x01, 0x01, 0x01, 0x00, 0x20 } },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		start(0);
		wr(VRTC_REG_B, cases[i].b);
		set_time(cases[i].set);
		check_time(cases[i].get);
	}
	/* Switching to 24-hour re-expresses the running time: 7 PM is 19. */
	wr(VRTC_REG_B, 0x02);
	assert_int_equal(rd(VRTC_HOURS), 0x19);
}

/*
 * "Update-Ended Interrupt": UF at the end of each update cycle, IRQF with
 * UIE; register C reads the flags and clears them, which drops IRQ8.
 */
static void test_update_interrupt(void **state)
{
	wr(VRTC_REG_A, VRTC_A_DV_32K); /* no periodic flag in the way */
	wr(VRTC_REG_B, 0x02 | VRTC_B_UIE);
	assert_int_equal(vrtc_next_event_ns(&rtc), tb_ns(FIRST_UPDATE + UPDATE_END));
	at(FIRST_UPDATE + UPDATE_END - 1);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 0);
	at(FIRST_UPDATE + UPDATE_END);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 1);
	assert_true(irq_log[0]);
	assert_int_equal(vrtc_next_event_ns(&rtc), UINT64_MAX); /* IRQF stays until C is read */
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	assert_int_equal(irq_calls, 2);
	assert_false(irq_log[1]);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	assert_int_equal(vrtc_next_event_ns(&rtc), tb_ns(FIRST_UPDATE + SECOND + UPDATE_END));
	/* Unread for seconds: one interrupt, the flag just stays set. */
	at(FIRST_UPDATE + 5 * SECOND);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 3);
	assert_int_equal(rtc.irqs, 2);
	/* SET = 1 clears UIE and stops updates: no UF. */
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	wr(VRTC_REG_B, 0x02 | VRTC_B_UIE | VRTC_B_SET);
	assert_int_equal(rd(VRTC_REG_B), 0x02 | VRTC_B_SET);
	at(FIRST_UPDATE + 8 * SECOND);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
}

/* UF and PF are set whatever the enables; only IRQF needs them. */
static void test_flags_without_enables(void **state)
{
	at(FIRST_UPDATE + UPDATE_END);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF | VRTC_C_PF);
	assert_int_equal(irq_calls, 0);
	/* Enabling PIE with PF pending raises IRQF at once. */
	at(FIRST_UPDATE + UPDATE_END + 40);
	wr(VRTC_REG_B, 0x02 | VRTC_B_PIE);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_PF);
}

/* "Alarm": seconds, minutes, hours against their alarm bytes; 11XXXXXX is "don't care". */
static void test_alarm(void **state)
{
	uint64_t third = FIRST_UPDATE + 2 * SECOND + UPDATE_END;

	wr(VRTC_REG_A, VRTC_A_DV_32K);
	wr(VRTC_SECONDS_ALARM, 0x03);
	wr(VRTC_MINUTES_ALARM, 0x00);
	wr(VRTC_HOURS_ALARM, 0x12);
	wr(VRTC_REG_B, 0x02 | VRTC_B_AIE);
	assert_int_equal(vrtc_next_event_ns(&rtc), tb_ns(FIRST_UPDATE + UPDATE_END));
	at(third - 1);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 0);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF); /* two updates, no match */
	at(third);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 1);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);

	/* Don't-care seconds: once a second. */
	wr(VRTC_SECONDS_ALARM, 0xc0);
	at(third + SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);
	/* All three don't care, 12-hour mode alarm bytes compared as formatted. */
	wr(VRTC_REG_B, VRTC_B_AIE); /* 12-hour, BCD */
	wr(VRTC_SECONDS_ALARM, 0x00);
	wr(VRTC_MINUTES_ALARM, 0x00);
	wr(VRTC_HOURS_ALARM, 0x82); /* 2 PM */
	at(third + 2 * SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF);
	/* Two hours unobserved: the 14:00:00 update matched on the way. */
	at(third + 7300ull * SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);
	/* An alarm no time can match: two days, no AF. */
	wr(VRTC_HOURS_ALARM, 0x13);
	at(third + 180000ull * SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF);
	/* A possible one, two days unobserved: matched on the way. */
	wr(VRTC_HOURS_ALARM, 0x81);
	at(third + 360000ull * SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);
}

/* Long gaps between looks: a match one update past the gap, and one just before it. */
static void test_alarm_boundaries(void **state)
{
	uint64_t end_1799 = FIRST_UPDATE + 1798ull * SECOND + UPDATE_END; /* 12:29:59 */

	wr(VRTC_REG_A, VRTC_A_DV_32K);
	wr(VRTC_SECONDS_ALARM, 0x00);
	wr(VRTC_MINUTES_ALARM, 0x30);
	wr(VRTC_HOURS_ALARM, 0xc0); /* any hour */
	at(end_1799);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF);
	assert_int_equal(rd(VRTC_MINUTES), 0x29);
	at(end_1799 + SECOND - 1);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	at(end_1799 + SECOND); /* 12:30:00 */
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_AF | VRTC_C_UF);
	/* From 12:30:00 to 13:29:59 in one look: no match; one more update: a match. */
	at(end_1799 + 3601ull * SECOND - UPDATE_END - 1);
	assert_int_equal(rd(VRTC_SECONDS), 0x59);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF);
	at(end_1799 + 3601ull * SECOND);
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_AF | VRTC_C_UF);
	/* 12-hour mode: 0x12 is midnight, not noon; 0x92 is noon. */
	wr(VRTC_REG_B, 0x00);
	wr(VRTC_HOURS_ALARM, 0x12);
	wr(VRTC_MINUTES_ALARM, 0xc0);
	wr(VRTC_SECONDS_ALARM, 0xc0);
	at(end_1799 + 6000ull * SECOND); /* 14:10:00: noon was passed, midnight not */
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_UF);
	at(end_1799 + 42000ull * SECOND); /* past midnight */
	assert_int_equal(rd(VRTC_REG_C), VRTC_C_AF | VRTC_C_UF);
}

/* The periodic rates of the RS3-RS0 table (32.768 kHz time base), in time-base ticks. */
static void test_periodic_rates(void **state)
{
	/* clang-format off */
	static const struct {
		uint8_t rs;
		uint64_t period; /* 0: none */
	} cases[] = {
		{ 0, 0 },
		{ 1, 128 },   /* 3.90625 ms */
		{ 2, 256 },   /* 7.8125 ms */
		{ 3, 4 },     /* 122.070 us */
		{ 4, 8 },     /* 244.141 us */
		{ 5, 16 },    /* 488.281 us */
		{ 6, 32 },    /* 976.5625 us */
		{ 7, 64 },    /* 1.953125 ms */
		{ 8, 128 },   /* 3.90625 ms */
		{ 9, 256 },   /* 7.8125 ms */
		{ 10, 512 },  /* 15.625 ms */
		{ 11, 1024 }, /* 31.25 ms */
		{ 12, 2048 }, /* 62.5 ms */
		{ 13, 4096 }, /* 125 ms */
		{ 14, 8192 }, /* 250 ms */
		{ 15, 16384 },/* 500 ms */
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t h0 = 1001, p = cases[i].period, next;

		setup(NULL);
		at(h0);
		wr(VRTC_REG_A, VRTC_A_DV_32K | cases[i].rs);
		wr(VRTC_REG_B, 0x02 | VRTC_B_PIE);
		rd(VRTC_REG_C);
		irq_calls = 0;
		if (!p) {
			assert_int_equal(vrtc_next_event_ns(&rtc), UINT64_MAX);
			at(h0 + 3 * SECOND);
			assert_int_equal(rd(VRTC_REG_C) & VRTC_C_PF, 0);
			continue;
		}
		next = (h0 / p + 1) * p; /* the chain started at 16384, a multiple of p */
		assert_int_equal(vrtc_next_event_ns(&rtc), tb_ns(next));
		at(next - 1);
		vrtc_update(&rtc);
		assert_int_equal(irq_calls, 0);
		at(next);
		vrtc_update(&rtc);
		assert_int_equal(irq_calls, 1);
		assert_int_equal(rd(VRTC_REG_C) & ~VRTC_C_UF, VRTC_C_IRQF | VRTC_C_PF);
		assert_int_equal(vrtc_next_event_ns(&rtc), tb_ns(next + p));
		/* 1024 Hz (rs 6) as Linux's rtc-cmos runs it: 1024 interrupts a second. */
		if (cases[i].rs == 6) {
			unsigned n = 0;

			for (uint64_t k = 0; k < 1024; k++) {
				now_ns = vrtc_next_event_ns(&rtc);
				irq_calls = 0;
				vrtc_update(&rtc);
				n += irq_calls == 1 && (rd(VRTC_REG_C) & VRTC_C_PF) != 0;
			}
			assert_int_equal(n, 1024);
			assert_int_equal(now_ns, tb_ns(next + 1024 * p));
		}
	}
}

/*
 * DV2-DV0: 11x holds the divider in reset (no updates, no periodic
 * flags), 010 releases it and "the first update cycle begins one-half
 * second later"; other values stop the chain.
 */
static void test_divider(void **state)
{
	at(1000);
	rd(VRTC_REG_C);
	wr(VRTC_REG_A, 0x66);
	at(5 * SECOND);
	assert_int_equal(rd(VRTC_SECONDS), 0x00);
	assert_int_equal(rd(VRTC_REG_A), 0x66);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	wr(VRTC_REG_A, 0x26);
	at(5 * SECOND + 16383);
	assert_int_equal(rd(VRTC_SECONDS), 0x00);
	at(5 * SECOND + 16384);
	assert_int_equal(rd(VRTC_SECONDS), 0x01);
	/* DV = 000 (a 4.194304 MHz base this board lacks): the chain stops. */
	wr(VRTC_REG_A, 0x06);
	at(9 * SECOND);
	assert_int_equal(rd(VRTC_SECONDS), 0x01);
	assert_int_equal(rd(VRTC_REG_A), 0x06);
	wr(VRTC_REG_A, 0x26); /* not from reset: the chain resumes where it stopped */
	at(9 * SECOND + SECOND - 1);
	assert_int_equal(rd(VRTC_SECONDS), 0x01);
	at(9 * SECOND + SECOND);
	assert_int_equal(rd(VRTC_SECONDS), 0x02);
	/* UIP is read-only. */
	wr(VRTC_REG_A, 0xa6);
	assert_int_equal(rtc.cmos[VRTC_REG_A], 0x26);
}

/* Register C and D are read-only; D reads VRT; the index port keeps the NMI bit. */
static void test_registers_c_d_index(void **state)
{
	wr(VRTC_REG_C, 0xff);
	wr(VRTC_REG_D, 0x00);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	assert_int_equal(rd(VRTC_REG_D), 0x80);
	viobus_out(&bus, VRTC_BASE, 1, VRTC_NMI_DISABLE | VRTC_REG_D);
	assert_true(rtc.nmi_disabled);
	assert_int_equal(rtc.index, VRTC_REG_D);
	assert_int_equal(viobus_in(&bus, VRTC_BASE + 1, 1), 0x80);
	assert_int_equal(viobus_in(&bus, VRTC_BASE, 1), 0xff); /* write-only */
	viobus_out(&bus, VRTC_BASE, 1, VRTC_REG_B);
	assert_false(rtc.nmi_disabled);
	/* A 16-bit OUT: index then data. */
	viobus_out(&bus, VRTC_BASE, 2, 0x550e);
	assert_int_equal(rd(0x0e), 0x55);
	assert_int_equal(viobus_in(&bus, VRTC_BASE, 2), 0x55ff);
	assert_int_equal(viobus_in(&bus, VRTC_BASE + 1, 2), 0xff55);
}

/* The 114 NVRAM bytes 0x0e-0x7f hold what is written (0x32 is the century). */
static void test_nvram(void **state)
{
	for (unsigned i = VRTC_NVRAM_FIRST; i < VRTC_CMOS_SIZE; i++)
		if (i != VRTC_CENTURY)
			wr((uint8_t)i, (uint8_t)(i * 7 + 1));
	for (unsigned i = VRTC_NVRAM_FIRST; i < VRTC_CMOS_SIZE; i++)
		if (i != VRTC_CENTURY)
			assert_int_equal(rd((uint8_t)i), (uint8_t)(i * 7 + 1));
	assert_int_equal(rd(VRTC_CENTURY), 0x20);
	/* Indexes wrap at 128: bit 7 is the NMI mask. */
	assert_int_equal(rd(0x80 | 0x10), (uint8_t)(0x10 * 7 + 1));
	assert_int_equal(vrtc_nvram_write(&rtc, 0x15, 0x80), 0);
	assert_int_equal(rd(0x15), 0x80);
	assert_int_equal(vrtc_nvram_write(&rtc, 0x0d, 0), -EINVAL);
	assert_int_equal(vrtc_nvram_write(&rtc, VRTC_CENTURY, 0), -EINVAL);
	assert_int_equal(vrtc_nvram_write(&rtc, 0x80, 0), -EINVAL);
}

/* RESET pin: enables in B and flags in C cleared; time and RAM go on. */
static void test_reset(void **state)
{
	wr(0x40, 0xaa);
	wr(VRTC_REG_B, 0x7e);
	at(FIRST_UPDATE + UPDATE_END);
	vrtc_update(&rtc);
	assert_int_equal(irq_calls, 1);
	vrtc_reset(&rtc);
	assert_int_equal(irq_calls, 2);
	assert_false(irq_log[1]);
	assert_int_equal(rd(VRTC_REG_B), 0x06);
	assert_int_equal(rd(VRTC_REG_C), 0x00);
	assert_int_equal(rd(0x40), 0xaa);
	assert_int_equal(rd(VRTC_SECONDS), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_state, setup),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_day_rollover),
		cmocka_unit_test_setup(test_uip_window, setup),
		cmocka_unit_test_setup(test_set_time, setup),
		cmocka_unit_test_setup(test_write_while_running, setup),
		cmocka_unit_test(test_normalization),
		cmocka_unit_test_setup(test_update_interrupt, setup),
		cmocka_unit_test_setup(test_flags_without_enables, setup),
		cmocka_unit_test_setup(test_alarm, setup),
		cmocka_unit_test_setup(test_alarm_boundaries, setup),
		cmocka_unit_test(test_periodic_rates),
		cmocka_unit_test_setup(test_divider, setup),
		cmocka_unit_test_setup(test_registers_c_d_index, setup),
		cmocka_unit_test_setup(test_nvram, setup),
		cmocka_unit_test_setup(test_reset, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
