/* UNIT_SOURCES: vmx/dev/vexit.c vmx/dev/viobus.c */
/*
 * Host tests of the test-exit port (QEMU's isa-debug-exit convention at
 * Strata's port 0xf4): the code is the value written, zero-extended from
 * the access size, on any of the four ports; the first write wins and
 * calls the owner once; reads float high.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vexit.h"

struct owner {
	unsigned calls;
	uint32_t code;
};

static struct viobus bus;
static struct vexit vx;
static struct owner owner;

static void owner_request_exit(void *ctx, uint32_t code)
{
	struct owner *o = ctx;

	o->calls++;
	o->code = code;
}

static int setup(void **state)
{
	memset(&owner, 0, sizeof(owner));
	viobus_init(&bus);
	vexit_init(&vx, owner_request_exit, &owner);
	assert_int_equal(vexit_attach(&bus, &vx, VEXIT_DEFAULT_BASE), 0);
	return 0;
}

static void test_codes(void **state)
{
	static const struct {
		uint16_t port;
		unsigned size;
		uint32_t value;
		uint32_t code; /* as written: no (V << 1) | 1 as QEMU's exit status */
	} cases[] = {
		{ 0xf4, 4, 0x00000000, 0x00000000 },
		{ 0xf4, 4, 0x00000010, 0x00000010 },
		{ 0xf4, 4, 0xdeadbeef, 0xdeadbeef },
		{ 0xf4, 1, 0x00000011, 0x11 },
		{ 0xf4, 1, 0xffffff33, 0x33 }, /* upper bits not part of an OUT of AL */
		{ 0xf4, 2, 0x12345678, 0x5678 },
		{ 0xf5, 1, 0x01, 0x01 },
		{ 0xf6, 2, 0xbeef, 0xbeef },
		{ 0xf7, 4, 0xcafef00d, 0xcafef00d }, /* last port, runs past: still ours */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t code = 0x5a5a5a5a;

		setup(NULL);
		assert_false(vexit_requested(&vx, &code));
		assert_int_equal(code, 0x5a5a5a5a);
		viobus_out(&bus, cases[i].port, cases[i].size, cases[i].value);
		assert_true(vexit_requested(&vx, &code));
		assert_int_equal(code, cases[i].code);
		assert_int_equal(owner.calls, 1);
		assert_int_equal(owner.code, cases[i].code);
	}
}

static void test_first_write_wins(void **state)
{
	uint32_t code;

	viobus_out(&bus, 0xf4, 4, 3);
	viobus_out(&bus, 0xf4, 4, 7);
	viobus_out(&bus, 0xf5, 1, 9);
	assert_true(vexit_requested(&vx, &code));
	assert_int_equal(code, 3);
	assert_int_equal(owner.calls, 1);
	assert_int_equal(vx.writes, 3);
	assert_true(vexit_requested(&vx, NULL));

	/* A restarted VM can end again. */
	vexit_reset(&vx);
	assert_false(vexit_requested(&vx, NULL));
	viobus_out(&bus, 0xf4, 2, 0x42);
	assert_true(vexit_requested(&vx, &code));
	assert_int_equal(code, 0x42);
	assert_int_equal(owner.calls, 2);
}

static void test_reads_all_ones(void **state)
{
	static const struct {
		uint16_t port;
		unsigned size;
		uint32_t want;
	} cases[] = {
		{ 0xf4, 1, 0xff },
		{ 0xf4, 2, 0xffff },
		{ 0xf4, 4, 0xffffffff },
		{ 0xf7, 1, 0xff },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(viobus_in(&bus, cases[i].port, cases[i].size), cases[i].want);
	assert_false(vexit_requested(&vx, NULL));
	assert_int_equal(bus.unclaimed_in, 0);
}

static void test_neighbours_unclaimed(void **state)
{
	viobus_out(&bus, 0xf3, 4, 1);
	viobus_out(&bus, 0xf8, 1, 1);
	assert_false(vexit_requested(&vx, NULL));
	assert_int_equal(bus.unclaimed_out, 2);
}

static void test_no_callback(void **state)
{
	struct vexit quiet;
	uint32_t code;

	vexit_init(&quiet, NULL, NULL);
	assert_int_equal(vexit_attach(&bus, &quiet, 0x501), 0);
	assert_int_equal(vexit_attach(&bus, &quiet, 0xf6), -EBUSY);
	viobus_out(&bus, 0x501, 1, 0x20);
	assert_true(vexit_requested(&quiet, &code));
	assert_int_equal(code, 0x20);
	assert_false(vexit_requested(&vx, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test_setup(test_first_write_wins, setup),
		cmocka_unit_test_setup(test_reads_all_ones, setup),
		cmocka_unit_test_setup(test_neighbours_unclaimed, setup),
		cmocka_unit_test_setup(test_no_callback, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
