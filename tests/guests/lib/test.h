/* SPDX-License-Identifier: MIT */
/*
 * Result lines of the test guests, one per line on the serial port:
 *
 *	PASS name
 *	FAIL name: detail
 *	SKIP name: detail        (bare mode only, not counted)
 *	INFO text                (context, never judged)
 *	BENCH key=value          (figures for `make bench`)
 *	RESULT passed=N failed=M (last line before the exit port; a
 *	                          harness judges the last RESULT line)
 *
 * The guest then writes 0 to the exit port if M == 0, else 1.
 *
 * Strata-specific checks (hypervisor CPUID leaves, the MSR allowlist...)
 * use test_check_strata(): on the multiboot command line "bare" (running
 * without Strata, e.g. plain QEMU) a failing one prints SKIP instead of
 * FAIL. Without "bare" every check counts.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>
#include <stdint.h>

void test_pass(const char *name);
void test_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void test_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void test_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_bench(const char *key, uint64_t value);

/* PASS @name if @ok, else FAIL with the formatted detail. Returns @ok. */
bool test_check(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As test_check(), but a failure is a SKIP in bare mode. */
bool test_check_strata(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

unsigned int test_failed_count(void);

/*
 * Print the RESULT line now, for a guest whose last act must not return
 * (memory.elf's past-end read); if it does return, the guest reports a
 * FAIL and test_finish() prints a second, final RESULT line.
 */
void test_result(void);

/* Print RESULT and leave through the exit port: 0 only if nothing failed. */
void test_finish(void) __attribute__((noreturn));

#endif /* GUEST_TEST_H */
