// SPDX-License-Identifier: MIT
/*
 * spin.elf: a CPU-bound guest for time-slicing tests. It busy-waits on
 * RDTSC and prints "tick N" every SPIN_INTERVAL ticks for N = 1..SPIN_TICKS,
 * then passes. Two of these pinned to one CPU both print ticks before
 * either finishes only if the scheduler preempts them.
 *
 * Under Bochs (`clock: sync=none`) a tick is one instruction, so each
 * interval is ~50M guest-visible instructions. Generic: runs bare too.
 */
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "print.h"
#include "test.h"

#define SPIN_INTERVAL 50000000ull
#define SPIN_TICKS    5

const char guest_name[] = "spin";

void guest_main(void)
{
	uint64_t start = rdtsc(), prev = start, now;
	unsigned int backwards = 0, n;

	for (n = 1; n <= SPIN_TICKS; n++) {
		do {
			pause();
			now = rdtsc();
			if (now < prev)
				backwards++;
			prev = now;
		} while (now - start < n * SPIN_INTERVAL);
		guest_printf("tick %u\n", n);
	}
	test_check(backwards == 0, "spin_ticks", "the TSC went backwards %u times", backwards);
}
