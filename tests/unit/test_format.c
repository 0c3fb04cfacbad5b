/* UNIT_SOURCES: */
/*
 * The kernel's vsnprintf (kernel/lib/format.c) against the host C
 * library's, format by format. The kernel file is included under other
 * names so both can live in one program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define vsnprintf strata_vsnprintf
#define snprintf  strata_snprintf
#include "kernel/lib/format.c"
#undef vsnprintf
#undef snprintf

#define CHECK(fmt, ...)                                                       \
	do {                                                                  \
		char want[256], got[256];                                     \
		int nw = snprintf(want, sizeof(want), fmt, __VA_ARGS__);      \
		int ng = strata_snprintf(got, sizeof(got), fmt, __VA_ARGS__); \
		assert_string_equal(got, want);                               \
		assert_int_equal(ng, nw);                                     \
	} while (0)

static void test_integers(void **state)
{
	CHECK("%d %i %u", 0, -1, 4294967295u);
	CHECK("%d", -2147483647 - 1);
	CHECK("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	CHECK("%x %X %o", 0xdeadbeefu, 0xabcdefu, 0755u);
	CHECK("%#x %#X %#o %#x", 255u, 255u, 8u, 0u);
	CHECK("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
	CHECK("%.3d|%8.3d|%-8.3d|%.0d", 7, 7, 7, 0);
	CHECK("%hhu %hd %zu %ld", 300, 70000, (size_t)123456789, 1234567890L);
	CHECK("%016llx", (unsigned long long)0x1234);
	CHECK("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
}

static void test_strings_and_chars(void **state)
{
	CHECK("%s|%10s|%-10s|%.2s", "abc", "abc", "abc", "abc");
	CHECK("%c%c%5c", 'x', 'y', 'z');
	CHECK("%% %s", "done");
	CHECK("%p", (void *)0x1000);
}

static void test_truncation(void **state)
{
	char buf[8];
	int n = strata_snprintf(buf, sizeof(buf), "%s", "0123456789");

	assert_int_equal(n, 10);
	assert_string_equal(buf, "0123456");
	n = strata_snprintf(buf, 0, "%d", 12345);
	assert_int_equal(n, 5);
	n = strata_snprintf(buf, 1, "%d", 12345);
	assert_int_equal(n, 5);
	assert_string_equal(buf, "");
}

static void test_null_string(void **state)
{
	char buf[16];

	strata_snprintf(buf, sizeof(buf), "%s", (const char *)NULL);
	assert_string_equal(buf, "(null)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_null_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
