// SPDX-License-Identifier: MIT
/*
 * pit.elf: the 8254 PIT at 0x40-0x43 with port 0x61 (Intel 8254
 * datasheet, 231164-005), and the ACPI PM timer at port 0x608.
 *
 * Counter 2 the way Linux calibrates the TSC (pit_calibrate_tsc(): mode 0,
 * GATE2 high and the speaker off through port 0x61, OUT2 polled on port
 * 0x61 bit 5): OUT2 is low once the count is written and rises when it
 * runs out; after one run to warm up, two 10 ms runs take the same
 * number of TSC ticks within 5%
 * (`BENCH pit_10ms_tsc=N`, their mean). The PM timer advances and counts
 * 3.579545 MHz, three times the PIT's clock, over those runs.
 *
 * Counter 0 in mode 2 (rate generator) and mode 3 (square wave), read
 * with the counter latch command: the count decreases and stays in its
 * range; in mode 3 it is even (it counts down by two). The read-back
 * command returns the status byte (the control word's mode bits) and the
 * count. Counter 2 in mode 0: latched counts decrease with GATE2 high and
 * hold with GATE2 low (S: QEMU ignores GATE2 in mode 0, SKIP bare).
 * Port 0x61: bits 1:0 read back, bit 4 (refresh) toggles.
 *
 * IF stays 0: IRQ0 is never taken (counter 0 does raise it).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "pit.h"
#include "test.h"
#include "timer.h"

#define CH0_COUNT   60000 /* 50.3 ms period */
#define LATCH_READS 6

const char guest_name[] = "pit";

/* Counter latch command, then LSB and MSB of counter @ch (RW mode word). */
static uint16_t pit_latch(unsigned int ch)
{
	uint8_t lo, hi;

	outb(PIT_CONTROL, PIT_SC(ch) | PIT_RW_LATCH);
	lo = inb(PIT_CH0 + ch);
	hi = inb(PIT_CH0 + ch);
	return (uint16_t)(hi << 8 | lo);
}

static void pit_program(unsigned int ch, unsigned int mode, uint16_t count)
{
	outb(PIT_CONTROL, PIT_SC(ch) | PIT_RW_WORD | PIT_MODE(mode));
	outb(PIT_CH0 + ch, count & 0xff);
	outb(PIT_CH0 + ch, count >> 8);
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Two Linux-style 10 ms measurements; sets timer_tsc_per_ms. */
static bool pit_calibration(void)
{
	struct pit_measurement m[2];
	uint64_t mean, diff;
	unsigned int i;
	bool ok = true;

	/* A first run not counted: code and emulator caches warm up. */
	pit_ch2_measure(PIT_LATCH_10MS, &m[0]);
	for (i = 0; i < 2; i++) {
		if (!pit_ch2_measure(PIT_LATCH_10MS, &m[i])) {
			test_fail("pit_ch2_out2",
				  "run %u: OUT2 never rose within %llu TSC ticks "
				  "(%u polls of port 0x61)",
				  i + 1, (unsigned long long)PIT_MEASURE_BUDGET, m[i].polls);
			return false;
		}
		test_info("pit: run %u: 10 ms = %llu TSC ticks, %u PM timer ticks, %u polls", i + 1,
			  (unsigned long long)m[i].tsc, m[i].pm_ticks, m[i].polls);
		if (!m[i].out2_low)
			ok = false;
	}
	test_check(ok, "pit_ch2_out2",
		   "OUT2 (port 0x61 bit 5) high right after the count "
		   "was written in mode 0");

	mean = (m[0].tsc + m[1].tsc) / 2;
	diff = absdiff(m[0].tsc, m[1].tsc);
	test_check(diff * 20 <= mean, "pit_ch2_tsc_consistent",
		   "10 ms took %llu then %llu TSC ticks (more than 5%% apart)",
		   (unsigned long long)m[0].tsc, (unsigned long long)m[1].tsc);
	test_bench("pit_10ms_tsc", mean);
	timer_tsc_per_ms = (uint32_t)div_u64_u32(mean, 10);

	/* 11932 PIT clocks are 35796 PM timer ticks; allow -5% / +10%. */
	for (i = 0; i < 2; i++) {
		uint32_t want = (PIT_LATCH_10MS + 1) * 3;

		if (m[i].pm_ticks * 20 < want * 19 || m[i].pm_ticks * 10 > want * 11) {
			test_fail("pmtimer_rate",
				  "run %u: %u PM timer ticks over %u PIT clocks, "
				  "want about %u",
				  i + 1, m[i].pm_ticks, PIT_LATCH_10MS + 1, want);
			return true;
		}
	}
	test_pass("pmtimer_rate");
	return true;
}

static void pmtimer_advances(void)
{
	uint32_t a = pm_timer_read(), b;

	timer_delay_us(100);
	b = pm_timer_read();
	test_check(((b - a) & PM_TIMER_MASK) != 0, "pmtimer_advances",
		   "port %#x read %#x, then %#x 100 us later", PM_TIMER_PORT, a, b);
}

/*
 * LATCH_READS latched counts 200 us apart (1 ms in all, far less than
 * one period): all in (0, count], even in mode 3, each below the one
 * before except at most one reload.
 */
static void pit_ch0_mode(unsigned int mode, const char *name)
{
	uint16_t v[LATCH_READS];
	unsigned int i, down = 0;
	bool in_range = true, even = true;

	pit_program(0, mode, CH0_COUNT);
	timer_delay_us(50);
	for (i = 0; i < LATCH_READS; i++) {
		v[i] = pit_latch(0);
		if (v[i] == 0 || v[i] > CH0_COUNT)
			in_range = false;
		if (v[i] & 1)
			even = false;
		if (i && v[i] < v[i - 1])
			down++;
		timer_delay_us(200);
	}
	test_check(in_range && down >= LATCH_READS - 2 && (mode != 3 || even), name,
		   "mode %u, count %u: latched %u %u %u %u %u %u", mode, CH0_COUNT, v[0], v[1],
		   v[2], v[3], v[4], v[5]);
}

/* Read-back command (datasheet "Read-Back Command"): status, then count. */
static void pit_readback(void)
{
	uint8_t status, lo, hi;
	uint16_t count;

	pit_program(0, 3, CH0_COUNT);
	timer_delay_us(50);
	outb(PIT_CONTROL, PIT_READ_BACK | PIT_RB_NO_COUNT | PIT_RB_CNT(0));
	status = inb(PIT_CH0);
	test_check((status & 0x3f) == (PIT_RW_WORD | PIT_MODE(3)), "pit_readback_status",
		   "status %#x, want RW=LSB/MSB mode 3 binary (%#x) in bits 5:0", status,
		   PIT_RW_WORD | PIT_MODE(3));

	outb(PIT_CONTROL, PIT_READ_BACK | PIT_RB_NO_STATUS | PIT_RB_CNT(0));
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	count = (uint16_t)(hi << 8 | lo);
	test_check(count && count <= CH0_COUNT && !(count & 1), "pit_readback_count",
		   "read-back count %u (mode 3, initial %u)", count, CH0_COUNT);
	/* Mode 0 without a count: OUT0 low, no more IRQ0 edges. */
	outb(PIT_CONTROL, PIT_SC(0) | PIT_RW_WORD | PIT_MODE(0));
}

/* Counter 2, mode 0: counts with GATE2 high, holds with it low. */
static void pit_ch2_gate(void)
{
	uint8_t b = inb(PIT_PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER);
	uint16_t a0, a1, h0, h1;

	outb(PIT_PORT_B, b | PORT_B_GATE2);
	test_check((inb(PIT_PORT_B) & 3) == PORT_B_GATE2, "pit_port61_rw",
		   "port 0x61 reads %#x after writing GATE2=1 speaker=0", inb(PIT_PORT_B));
	pit_program(2, 0, 0xffff);
	timer_delay_us(100);
	a0 = pit_latch(2);
	timer_delay_us(500);
	a1 = pit_latch(2);
	test_check(a1 < a0, "pit_ch2_counts", "GATE2 high: latched %u then %u 500 us later", a0,
		   a1);

	outb(PIT_PORT_B, b);
	pit_program(2, 0, 0xffff);
	timer_delay_us(100);
	h0 = pit_latch(2);
	timer_delay_us(500);
	h1 = pit_latch(2);
	test_check_strata(h0 == h1, "pit_ch2_gate_low_holds",
			  "GATE2 low: latched %u then %u 500 us later", h0, h1);
	outb(PIT_PORT_B, b | PORT_B_GATE2);
	timer_delay_us(100);
	a0 = pit_latch(2);
	test_check(a0 < h1, "pit_ch2_gate_high_resumes",
		   "GATE2 high again: latched %u, %u while low", a0, h1);
	outb(PIT_PORT_B, b);
}

/* Port 0x61 bit 4 follows the (long gone) DRAM refresh: it toggles. */
static void pit_port61_refresh(void)
{
	uint8_t first = inb(PIT_PORT_B) & PORT_B_REFRESH;
	uint64_t start = rdtsc(), budget = timer_us_to_tsc(1000);
	bool toggled = false;

	while (!toggled && rdtsc() - start < budget)
		toggled = (inb(PIT_PORT_B) & PORT_B_REFRESH) != first;
	test_check(toggled, "pit_port61_refresh", "port 0x61 bit 4 stayed %u for 1 ms",
		   first ? 1 : 0);
}

void guest_main(void)
{
	if (!pit_calibration())
		return;
	pmtimer_advances();
	pit_ch0_mode(2, "pit_ch0_mode2_latch");
	pit_ch0_mode(3, "pit_ch0_mode3_latch");
	pit_readback();
	pit_ch2_gate();
	pit_port61_refresh();
}
