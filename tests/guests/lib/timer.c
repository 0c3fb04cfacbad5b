// SPDX-License-Identifier: MIT
/*
 * TSC calibration against the PIT, the PM timer, delays: lib/timer.h.
 */
#include "timer.h"

#include "cpu.h"
#include "pit.h"
#include "test.h"

uint32_t timer_tsc_per_ms;

uint64_t div_u64_u32(uint64_t n, uint32_t d)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
	uint32_t qhi = hi / d, rem = hi % d, qlo;

	/* rem < d, so the quotient of rem:lo by d fits 32 bits. */
	asm("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(rem), "rm"(d));
	return ((uint64_t)qhi << 32) | qlo;
}

uint32_t pm_timer_read(void)
{
	return inl(PM_TIMER_PORT) & PM_TIMER_MASK;
}

bool pit_ch2_measure(uint16_t latch, struct pit_measurement *m)
{
	uint64_t t0, now;
	uint32_t pm0;
	bool high = false;

	m->polls = 0;
	/* GATE2 high, speaker data off (Linux: pit_calibrate_tsc()). */
	outb(PIT_PORT_B, (inb(PIT_PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_CONTROL, PIT_SC(2) | PIT_RW_WORD | PIT_MODE(0));
	outb(PIT_CH2, latch & 0xff);
	pm0 = pm_timer_read();
	t0 = rdtsc();
	outb(PIT_CH2, latch >> 8); /* mode 0 starts counting here */
	m->out2_low = !(inb(PIT_PORT_B) & PORT_B_OUT2);
	do {
		high = inb(PIT_PORT_B) & PORT_B_OUT2;
		now = rdtsc();
		m->polls++;
	} while (!high && now - t0 < PIT_MEASURE_BUDGET);
	m->tsc = now - t0;
	m->pm_ticks = (pm_timer_read() - pm0) & PM_TIMER_MASK;
	return high;
}

bool timer_calibrate(const char *check)
{
	struct pit_measurement m;
	uint64_t best = ~0ull;
	unsigned int i;

	/* The shorter of two: a late look at OUT2 only lengthens a run. */
	for (i = 0; i < 2; i++) {
		if (!pit_ch2_measure(PIT_LATCH_10MS, &m)) {
			test_fail(check,
				  "PIT counter 2 OUT2 never rose (port 0x61 bit 5) "
				  "within %llu TSC ticks",
				  (unsigned long long)PIT_MEASURE_BUDGET);
			return false;
		}
		if (m.tsc < best)
			best = m.tsc;
	}
	timer_tsc_per_ms = (uint32_t)div_u64_u32(best, 10);
	if (!timer_tsc_per_ms) {
		test_fail(check, "10 ms of PIT counter 2 took %llu TSC ticks",
			  (unsigned long long)best);
		return false;
	}
	test_info("timer: TSC %u ticks/ms against PIT counter 2", timer_tsc_per_ms);
	return true;
}

uint64_t timer_us_to_tsc(uint32_t us)
{
	return div_u64_u32((uint64_t)timer_tsc_per_ms * us, 1000);
}

void timer_delay_us(uint32_t us)
{
	uint64_t start = rdtsc(), ticks = timer_us_to_tsc(us);

	while (rdtsc() - start < ticks)
		pause();
}
