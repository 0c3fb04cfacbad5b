/* UNIT_SOURCES: vmx/cpu_policy.c */
/*
 * Host tests of what a guest sees of the processor: IA32_MISC_ENABLE's
 * CPU-owned bits (fast strings from the host, BTS/PEBS unavailable).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmx/cpu_policy.h"

#define UNAVAIL (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/* At vCPU setup: fast strings exactly as the host has them, nothing else of the host's. */
static void test_misc_enable_reset(void **state)
{
	(void)state;
	/* Bochs: MSR 0x1a0 reads 0 (ignore_bad_msrs), so bare Linux runs without fast strings. */
	assert_int_equal(cpu_policy_misc_enable(0, 0), UNAVAIL);
	/* A typical BIOS setting: fast strings, TM1, speedstep, MONITOR FSM, XD not disabled. */
	assert_int_equal(cpu_policy_misc_enable(0x850089, 0), MISC_ENABLE_FAST_STRING | UNAVAIL);
	/* Host's limit-CPUID-maxval and XD-disable bits stay the host's. */
	assert_int_equal(cpu_policy_misc_enable((1ULL << 22) | (1ULL << 34), 0), UNAVAIL);
}

/* Guest writes: its own bits stick, the CPU-owned ones do not move. */
static void test_misc_enable_write(void **state)
{
	uint64_t off = cpu_policy_misc_enable(0, 0);
	uint64_t on = cpu_policy_misc_enable(MISC_ENABLE_FAST_STRING, 0);

	(void)state;
	/* Turning fast strings on cannot make the CPU's string instructions fast. */
	assert_int_equal(cpu_policy_misc_enable(off, MISC_ENABLE_FAST_STRING), UNAVAIL);
	/* ... nor can turning them off make them slow. */
	assert_int_equal(cpu_policy_misc_enable(on, 0), MISC_ENABLE_FAST_STRING | UNAVAIL);
	/* Clearing BTS/PEBS unavailable does not make a debug store appear. */
	assert_int_equal(cpu_policy_misc_enable(off, 0), UNAVAIL);
	/* Other bits read back as written (Linux clears 22 and 34 if it finds them set). */
	assert_int_equal(cpu_policy_misc_enable(off, 1ULL << 22), (1ULL << 22) | UNAVAIL);
	assert_int_equal(cpu_policy_misc_enable(on, (1ULL << 34) | MISC_ENABLE_FAST_STRING),
			 (1ULL << 34) | MISC_ENABLE_FAST_STRING | UNAVAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_misc_enable_reset),
		cmocka_unit_test(test_misc_enable_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
