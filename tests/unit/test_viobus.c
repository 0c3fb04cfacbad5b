/* UNIT_SOURCES: vmx/dev/viobus.c */
/*
 * Host tests of the port-I/O bus: registration rules (overlap, capacity,
 * bad ranges), dispatch with the device's offset and the whole access
 * size, all-ones and counting for unclaimed ports, value masking, and the
 * binary search against a brute-force lookup.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/viobus.h"

/* A recording device: remembers the last access and answers `answer`. */
struct probe {
	unsigned reads, writes;
	uint16_t offset;
	unsigned size;
	uint32_t value;
	uint32_t answer;
};

static uint32_t probe_read(void *opaque, uint16_t offset, unsigned size)
{
	struct probe *p = opaque;

	p->reads++;
	p->offset = offset;
	p->size = size;
	return p->answer;
}

static void probe_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	struct probe *p = opaque;

	p->writes++;
	p->offset = offset;
	p->size = size;
	p->value = value;
}

static struct viobus_dev probe_dev(struct probe *p, uint16_t base, uint16_t count)
{
	struct viobus_dev d = {
		.name = "probe",
		.base = base,
		.count = count,
		.read = probe_read,
		.write = probe_write,
		.opaque = p,
	};

	return d;
}

static void test_register_overlap(void **state)
{
	/* Against one device at 0x3f8-0x3ff. */
	/* clang-format off */
	static const struct {
		uint16_t base, count;
		int want;
	} cases[] = {
		{ 0x3f8, 8, -EBUSY },  /* identical */
		{ 0x3f0, 9, -EBUSY },  /* last port on its first */
		{ 0x3ff, 1, -EBUSY },  /* its last port */
		{ 0x3fa, 2, -EBUSY },  /* inside */
		{ 0x3f0, 32, -EBUSY }, /* around */
		{ 0x3f0, 8, 0 },       /* adjacent below */
		{ 0x400, 8, 0 },       /* adjacent above */
		{ 0x000, 1, 0 },
		{ 0xffff, 1, 0 },      /* the last port */
		{ 0xfff0, 16, 0 },     /* ends exactly at 0xffff */
		{ 0xfff0, 17, -EINVAL }, /* would wrap */
		{ 0x100, 0, -EINVAL },
	};
	/* clang-format on */
	struct probe p = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct viobus bus;
		struct viobus_dev a = probe_dev(&p, 0x3f8, 8);
		struct viobus_dev b = probe_dev(&p, cases[i].base, cases[i].count);

		viobus_init(&bus);
		assert_int_equal(viobus_register(&bus, &a), 0);
		assert_int_equal(viobus_register(&bus, &b), cases[i].want);
		assert_int_equal(bus.ndevs, cases[i].want == 0 ? 2 : 1);
	}
}

static void test_register_invalid(void **state)
{
	struct viobus bus;
	struct probe p = { 0 };
	struct viobus_dev d = probe_dev(&p, 0x80, 1);

	viobus_init(&bus);
	assert_int_equal(viobus_register(&bus, NULL), -EINVAL);
	d.name = NULL;
	assert_int_equal(viobus_register(&bus, &d), -EINVAL);
	assert_int_equal(bus.ndevs, 0);
}

static void test_register_capacity(void **state)
{
	struct viobus bus;
	struct probe p = { 0 };
	struct viobus_dev d;

	viobus_init(&bus);
	for (unsigned i = 0; i < VIOBUS_MAX_DEVS; i++) {
		d = probe_dev(&p, (uint16_t)(0x1000 + 16 * i), 4);
		assert_int_equal(viobus_register(&bus, &d), 0);
	}
	d = probe_dev(&p, 0x80, 1);
	assert_int_equal(viobus_register(&bus, &d), -ENOSPC);
	/* An overlap on a full bus is still reported as the overlap. */
	d = probe_dev(&p, 0x1000, 1);
	assert_int_equal(viobus_register(&bus, &d), -EBUSY);
	assert_int_equal(bus.ndevs, VIOBUS_MAX_DEVS);
}

static void test_unclaimed(void **state)
{
	static const struct {
		unsigned size;
		uint32_t want;
	} cases[] = {
		{ 1, 0xff },
		{ 2, 0xffff },
		{ 4, 0xffffffff },
	};
	struct viobus bus;
	struct probe p = { .answer = 0x12345678 };
	struct viobus_dev d = probe_dev(&p, 0x60, 1);

	viobus_init(&bus);
	assert_int_equal(viobus_register(&bus, &d), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(viobus_in(&bus, 0x61, cases[i].size), cases[i].want);
		assert_int_equal(viobus_in(&bus, 0x5f, cases[i].size), cases[i].want);
		viobus_out(&bus, 0x61, cases[i].size, 0);
	}
	assert_int_equal(bus.unclaimed_in, 6);
	assert_int_equal(bus.unclaimed_out, 3);
	assert_int_equal(bus.last_unclaimed_port, 0x61);
	assert_int_equal(p.reads + p.writes, 0);

	/* An empty bus: every port floats. */
	viobus_init(&bus);
	assert_int_equal(viobus_in(&bus, 0, 1), 0xff);
	assert_int_equal(viobus_in(&bus, 0xffff, 4), 0xffffffff);
}

static void test_dispatch_offset_and_size(void **state)
{
	struct viobus bus;
	struct probe p = { .answer = 0xa5a5a5a5 };
	struct viobus_dev d = probe_dev(&p, 0x3f8, 8);

	viobus_init(&bus);
	assert_int_equal(viobus_register(&bus, &d), 0);

	/* Reads: offset from base, whole size, result masked to the size. */
	assert_int_equal(viobus_in(&bus, 0x3fd, 1), 0xa5);
	assert_int_equal(p.offset, 5);
	assert_int_equal(p.size, 1);
	assert_int_equal(viobus_in(&bus, 0x3f8, 2), 0xa5a5);
	assert_int_equal(p.offset, 0);
	assert_int_equal(p.size, 2);
	/* Runs past the device: still handed whole to the first port's owner. */
	assert_int_equal(viobus_in(&bus, 0x3fe, 4), 0xa5a5a5a5);
	assert_int_equal(p.offset, 6);
	assert_int_equal(p.size, 4);

	/* Writes: value masked to the size before the device sees it. */
	viobus_out(&bus, 0x3f9, 1, 0xdeadbeef);
	assert_int_equal(p.value, 0xef);
	assert_int_equal(p.offset, 1);
	viobus_out(&bus, 0x3fa, 2, 0xdeadbeef);
	assert_int_equal(p.value, 0xbeef);
	viobus_out(&bus, 0x3ff, 4, 0xdeadbeef);
	assert_int_equal(p.value, 0xdeadbeef);
	assert_int_equal(p.offset, 7);
	assert_int_equal(p.size, 4);

	assert_int_equal(bus.unclaimed_in + bus.unclaimed_out, 0);
}

static void test_bad_size(void **state)
{
	struct viobus bus;
	struct probe p = { .answer = 0 };
	struct viobus_dev d = probe_dev(&p, 0x80, 4);

	viobus_init(&bus);
	assert_int_equal(viobus_register(&bus, &d), 0);
	assert_int_equal(viobus_in(&bus, 0x80, 3), 0xffffffff);
	assert_int_equal(viobus_in(&bus, 0x80, 0), 0xffffffff);
	viobus_out(&bus, 0x80, 8, 1);
	assert_int_equal(p.reads + p.writes, 0);
	assert_int_equal(bus.bad_size, 3);
}

static void test_null_handlers(void **state)
{
	struct viobus bus;
	struct viobus_dev d = { .name = "mute", .base = 0x70, .count = 2 };

	viobus_init(&bus);
	assert_int_equal(viobus_register(&bus, &d), 0);
	assert_int_equal(viobus_in(&bus, 0x71, 2), 0xffff);
	viobus_out(&bus, 0x70, 1, 0);
	/* Claimed, so not counted as unclaimed. */
	assert_int_equal(bus.unclaimed_in + bus.unclaimed_out, 0);
}

/* Random disjoint ranges registered in random order; compare every port. */
static void test_lookup_matches_brute_force(void **state)
{
	static int8_t owner[VIOBUS_PORT_LIMIT];
	struct viobus bus;
	struct probe p = { 0 };
	unsigned seed = 12345;

	for (int round = 0; round < 20; round++) {
		viobus_init(&bus);
		memset(owner, -1, sizeof(owner));
		for (int tries = 0; tries < 200; tries++) {
			uint16_t base, count;
			struct viobus_dev d;
			bool free_range = true;
			int rc;

			seed = seed * 1103515245u + 12345u;
			base = (uint16_t)(seed >> 8);
			count = (uint16_t)(1 + ((seed >> 3) % 64));
			if ((uint32_t)base + count > VIOBUS_PORT_LIMIT)
				continue;
			for (uint32_t port = base; port < (uint32_t)base + count; port++)
				free_range &= owner[port] < 0;
			d = probe_dev(&p, base, count);
			rc = viobus_register(&bus, &d);
			if (!free_range) {
				assert_int_equal(rc, -EBUSY);
				continue;
			}
			if (bus.ndevs == VIOBUS_MAX_DEVS && rc == -ENOSPC)
				break;
			assert_int_equal(rc, 0);
			for (uint32_t port = base; port < (uint32_t)base + count; port++)
				owner[port] = 1;
		}
		for (uint32_t port = 0; port < VIOBUS_PORT_LIMIT; port++) {
			const struct viobus_dev *d = viobus_find(&bus, (uint16_t)port);

			if (owner[port] < 0) {
				assert_null(d);
				continue;
			}
			assert_non_null(d);
			assert_true(port >= d->base && port < (uint32_t)d->base + d->count);
		}
		for (unsigned i = 1; i < bus.ndevs; i++)
			assert_true((uint32_t)bus.devs[i - 1].base + bus.devs[i - 1].count <=
				    bus.devs[i].base);
	}
}

static void test_size_mask(void **state)
{
	assert_int_equal(viobus_size_mask(1), 0xff);
	assert_int_equal(viobus_size_mask(2), 0xffff);
	assert_int_equal(viobus_size_mask(4), 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_overlap),
		cmocka_unit_test(test_register_invalid),
		cmocka_unit_test(test_register_capacity),
		cmocka_unit_test(test_unclaimed),
		cmocka_unit_test(test_dispatch_offset_and_size),
		cmocka_unit_test(test_bad_size),
		cmocka_unit_test(test_null_handlers),
		cmocka_unit_test(test_lookup_matches_brute_force),
		cmocka_unit_test(test_size_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
