/* UNIT_SOURCES: kernel/lib/ratelimit.c */
/*
 * The token bucket: a burst at once, then the average rate; refusals
 * counted and handed over with the next allowed event; no overflow over
 * long idle times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/lib/ratelimit.h"

static void burst_then_rate(void **state)
{
	struct ratelimit r;
	uint64_t refused = 99;
	unsigned allowed = 0;

	ratelimit_init(&r, 10, 5, 1000);
	for (int i = 0; i < 8; i++)
		allowed += ratelimit_take(&r, 1000, &refused);
	assert_int_equal(allowed, 5);
	assert_int_equal(r.refused, 3);
	/* 100 ms later: one token at 10/s; it reports the three refused. */
	assert_true(ratelimit_take(&r, 101000, &refused));
	assert_int_equal(refused, 3);
	assert_false(ratelimit_take(&r, 101000, &refused));
	/* Over 10 s at one event per ms: about 10 per second get through. */
	allowed = 0;
	for (uint64_t t = 101000; t < 10101000; t += 1000)
		allowed += ratelimit_take(&r, t, &refused);
	assert_true(allowed >= 99 && allowed <= 101);
}

static void long_idle_refills_to_burst_only(void **state)
{
	struct ratelimit r;
	uint64_t refused;
	unsigned allowed = 0;

	ratelimit_init(&r, 50, 500, 0);
	for (int i = 0; i < 500; i++)
		assert_true(ratelimit_take(&r, 0, &refused));
	assert_false(ratelimit_take(&r, 0, &refused));
	for (int i = 0; i < 1000; i++)
		allowed += ratelimit_take(&r, UINT64_MAX / 2, &refused);
	assert_int_equal(allowed, 500);
}

static void time_going_backwards_is_ignored(void **state)
{
	struct ratelimit r;
	uint64_t refused;

	ratelimit_init(&r, 1, 1, 5000000);
	assert_true(ratelimit_take(&r, 5000000, &refused));
	assert_false(ratelimit_take(&r, 1000, &refused));
	assert_true(ratelimit_take(&r, 6000000, &refused));
	assert_int_equal(refused, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_rate),
		cmocka_unit_test(long_idle_refills_to_burst_only),
		cmocka_unit_test(time_going_backwards_is_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
