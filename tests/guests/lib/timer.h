/* SPDX-License-Identifier: MIT */
/*
 * Time for the guests that need it: the TSC rate measured against the
 * 8254's counter 2 exactly as Linux's pit_calibrate_tsc() does (mode 0,
 * GATE2 through port 0x61, OUT2 polled on port 0x61 bit 5), the ACPI PM
 * timer at port 0x608, and TSC-based delays.
 *
 * The TSC rate is whatever the platform gives: a host's GHz under QEMU,
 * one tick per instruction (50 MHz) under the Bochs configuration of the
 * tests. Every wait in the guests is a TSC budget derived from it.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define PM_TIMER_PORT 0x608
#define PM_TIMER_HZ   3579545u
#define PM_TIMER_MASK 0xffffffu /* 24 bits valid on every PM timer */

/* Counter 2 latch for 10 ms, as Linux's CAL_LATCH with CAL_MS = 10. */
#define PIT_LATCH_10MS (1193182u / 100)

/* Upper bound of one measurement; ~0.3 s at 3 GHz, ~20 s at 50 MHz. */
#define PIT_MEASURE_BUDGET (1ull << 30)

struct pit_measurement {
	uint64_t tsc;      /* TSC ticks from the count write to OUT2 high */
	uint32_t pm_ticks; /* PM timer ticks over the same interval (24-bit) */
	uint32_t polls;    /* reads of port 0x61 before OUT2 was seen high */
	bool out2_low;     /* OUT2 read low right after the count was written */
};

/*
 * Count @latch PIT clocks on counter 2 (mode 0, binary, GATE2 high,
 * speaker off). False if OUT2 never rose within PIT_MEASURE_BUDGET.
 */
bool pit_ch2_measure(uint16_t latch, struct pit_measurement *m);

/* The ACPI PM timer's count (bits 23:0; wider ones are masked). */
uint32_t pm_timer_read(void);

/* TSC ticks per millisecond once timer_calibrate() succeeded, else 0. */
extern uint32_t timer_tsc_per_ms;

/*
 * Measure the TSC against 10 ms of counter 2 (the shorter of two runs)
 * and set timer_tsc_per_ms;
 * prints "INFO timer: ..." and returns false (with a FAIL line named
 * @check) if the PIT gave nothing usable.
 */
bool timer_calibrate(const char *check);

/* TSC ticks in @us microseconds (timer_calibrate() first). */
uint64_t timer_us_to_tsc(uint32_t us);

/* Spin @us microseconds. */
void timer_delay_us(uint32_t us);

/* @n / @d for a 64-bit @n without libgcc (two DIVL steps). */
uint64_t div_u64_u32(uint64_t n, uint32_t d);

#endif /* GUEST_TIMER_H */
