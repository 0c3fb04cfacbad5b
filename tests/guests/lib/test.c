// SPDX-License-Identifier: MIT
#include "test.h"

#include <stdarg.h>

#include "guest.h"
#include "print.h"
#include "strata_hv.h"

static unsigned int test_passed;
static unsigned int test_failed;

void test_pass(const char *name)
{
	test_passed++;
	guest_printf("PASS %s\n", name);
}

static void test_vline(const char *tag, const char *name, const char *fmt, va_list ap)
{
	guest_printf("%s %s: ", tag, name);
	guest_vprintf(fmt, ap);
	guest_printf("\n");
}

void test_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	test_failed++;
	va_start(ap, fmt);
	test_vline("FAIL", name, fmt, ap);
	va_end(ap);
}

void test_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	test_vline("SKIP", name, fmt, ap);
	va_end(ap);
}

void test_info(const char *fmt, ...)
{
	va_list ap;

	guest_printf("INFO ");
	va_start(ap, fmt);
	guest_vprintf(fmt, ap);
	va_end(ap);
	guest_printf("\n");
}

void test_bench(const char *key, uint64_t value)
{
	guest_printf("BENCH %s=%llu\n", key, (unsigned long long)value);
}

bool test_check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		test_pass(name);
		return true;
	}
	test_failed++;
	va_start(ap, fmt);
	test_vline("FAIL", name, fmt, ap);
	va_end(ap);
	return false;
}

bool test_check_strata(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		test_pass(name);
		return true;
	}
	va_start(ap, fmt);
	if (guest_bare()) {
		guest_printf("SKIP %s: bare: ", name);
		guest_vprintf(fmt, ap);
		guest_printf("\n");
	} else {
		test_failed++;
		test_vline("FAIL", name, fmt, ap);
	}
	va_end(ap);
	return false;
}

unsigned int test_failed_count(void)
{
	return test_failed;
}

void test_result(void)
{
	guest_printf("RESULT passed=%u failed=%u\n", test_passed, test_failed);
}

void test_finish(void)
{
	test_result();
	guest_exit(test_failed ? STRATA_EXIT_FAIL : STRATA_EXIT_PASS);
}
