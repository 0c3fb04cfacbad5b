/* UNIT_SOURCES: kernel/lib/civil_time.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "kernel/lib/civil_time.h"

static void test_known_dates(void **state)
{
	assert_int_equal(civil_to_unix(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(civil_to_unix(2000, 1, 1, 0, 0, 0), 946684800);
	assert_int_equal(civil_to_unix(2000, 2, 29, 12, 0, 0), 951825600);
	assert_int_equal(civil_to_unix(2026, 11, 26, 15, 41, 23), 1795707683);
	assert_int_equal(civil_to_unix(2038, 1, 19, 3, 14, 8), 2147483648LL);
}

/* Every day from 1970 to 2100 against the host's timegm(). */
static void test_against_timegm(void **state)
{
	for (int y = 1970; y <= 2100; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				struct tm tm = { .tm_year = y - 1900,
						 .tm_mon = m - 1,
						 .tm_mday = d,
						 .tm_hour = 23,
						 .tm_min = 59,
						 .tm_sec = 59 };
				time_t t = timegm(&tm);
				int64_t got = civil_to_unix(y, m, d, 23, 59, 59);

				if (tm.tm_mday != d) /* timegm normalised an invalid day */
					assert_int_equal(got, -1);
				else
					assert_int_equal(got, (int64_t)t);
			}
		}
	}
}

static void test_out_of_range(void **state)
{
	assert_int_equal(civil_to_unix(1969, 12, 31, 0, 0, 0), -1);
	assert_int_equal(civil_to_unix(2023, 2, 29, 0, 0, 0), -1);
	assert_int_equal(civil_to_unix(2024, 13, 1, 0, 0, 0), -1);
	assert_int_equal(civil_to_unix(2024, 0, 1, 0, 0, 0), -1);
	assert_int_equal(civil_to_unix(2024, 1, 1, 24, 0, 0), -1);
	assert_int_equal(civil_to_unix(2024, 1, 1, 0, 60, 0), -1);
	assert_int_equal(civil_to_unix(2100, 2, 29, 0, 0, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_against_timegm),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
