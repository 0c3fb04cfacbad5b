/* UNIT_SOURCES: net/mgmt/login_throttle.c */
/*
 * Password guessing per address: two free failures, then lockouts that
 * double from 60 s to 1 h; a success or an hour of quiet forgets; other
 * addresses are never affected; a full table reuses forgotten or
 * soonest-unblocked entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/mgmt/login_throttle.h"

#define A 0x0a00020fu
#define B 0x0a000210u

static struct login_throttle t;

static int setup(void **state)
{
	login_throttle_init(&t);
	return 0;
}

static void free_tries_then_lockout(void **state)
{
	assert_int_equal(login_throttle_wait_ms(&t, A, 1000), 0);
	login_throttle_failed(&t, A, 1000);
	login_throttle_failed(&t, A, 2000);
	assert_int_equal(login_throttle_wait_ms(&t, A, 2000), 0);
	login_throttle_failed(&t, A, 3000);
	assert_int_equal(login_throttle_wait_ms(&t, A, 3000), LOGIN_THROTTLE_FIRST_MS);
	assert_int_equal(login_throttle_wait_ms(&t, A, 3000 + LOGIN_THROTTLE_FIRST_MS - 1), 1);
	assert_int_equal(login_throttle_wait_ms(&t, A, 3000 + LOGIN_THROTTLE_FIRST_MS), 0);
	/* Another address is untouched. */
	assert_int_equal(login_throttle_wait_ms(&t, B, 3000), 0);
}

static void lockouts_double_up_to_the_cap(void **state)
{
	uint64_t now = 0, expect = LOGIN_THROTTLE_FIRST_MS;

	login_throttle_failed(&t, A, now);
	login_throttle_failed(&t, A, now);
	for (int i = 0; i < 12; i++) {
		login_throttle_failed(&t, A, now);
		assert_int_equal(login_throttle_wait_ms(&t, A, now), expect);
		now += expect; /* the attacker waits it out and tries again */
		expect = expect * 2 > LOGIN_THROTTLE_MAX_MS ? LOGIN_THROTTLE_MAX_MS : expect * 2;
	}
	assert_int_equal(expect, LOGIN_THROTTLE_MAX_MS);
}

static void success_and_quiet_forget(void **state)
{
	login_throttle_failed(&t, A, 0);
	login_throttle_failed(&t, A, 0);
	login_throttle_succeeded(&t, A);
	login_throttle_failed(&t, A, 10);
	assert_int_equal(login_throttle_wait_ms(&t, A, 10), 0); /* one failure: free */

	login_throttle_failed(&t, B, 0);
	login_throttle_failed(&t, B, 0);
	login_throttle_failed(&t, B, LOGIN_THROTTLE_FORGET_MS); /* an hour later: the first again */
	assert_int_equal(login_throttle_wait_ms(&t, B, LOGIN_THROTTLE_FORGET_MS), 0);
	/* Locked out: the hour of quiet counts from the lockout's end. */
	login_throttle_failed(&t, B, LOGIN_THROTTLE_FORGET_MS);
	login_throttle_failed(&t, B, LOGIN_THROTTLE_FORGET_MS);
	login_throttle_failed(&t, B, 2 * LOGIN_THROTTLE_FORGET_MS + 1);
	assert_int_equal(login_throttle_wait_ms(&t, B, 2 * LOGIN_THROTTLE_FORGET_MS + 1),
			 2 * LOGIN_THROTTLE_FIRST_MS);
}

static void full_table(void **state)
{
	/* Every entry blocked; a new address takes the one that unblocks first. */
	for (uint32_t i = 0; i < LOGIN_THROTTLE_ENTRIES; i++)
		for (int k = 0; k < 3; k++)
			login_throttle_failed(&t, 100 + i, 1000 + i);
	for (uint32_t i = 0; i < LOGIN_THROTTLE_ENTRIES; i++)
		assert_true(login_throttle_wait_ms(&t, 100 + i, 2000) > 0);
	login_throttle_failed(&t, A, 2000);
	assert_int_equal(login_throttle_wait_ms(&t, 100, 2000), 0); /* evicted: it ended first */
	assert_true(login_throttle_wait_ms(&t, 101, 2000) > 0);
	assert_int_equal(login_throttle_wait_ms(&t, A, 2000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(free_tries_then_lockout, setup),
		cmocka_unit_test_setup(lockouts_double_up_to_the_cap, setup),
		cmocka_unit_test_setup(success_and_quiet_forget, setup),
		cmocka_unit_test_setup(full_table, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
