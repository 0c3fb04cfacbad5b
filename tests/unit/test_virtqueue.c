/* UNIT_SOURCES: drivers/net/virtqueue.c */
/*
 * Host tests of the split virtqueue, driver side, against virtio 1.2 2.7:
 * the test plays the device, reading the available ring and descriptor
 * table and writing the used ring, and also plays a hostile device that
 * writes ids, lengths and indexes no honest one would.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/net/virtqueue.h"

static uint8_t mem[8192] __attribute__((aligned(4096)));
static struct virtq vq;

/* The device's view: the next available entry it reads, its used idx. */
struct device {
	uint16_t last_avail;
	uint16_t used_idx;
};

static struct device dev;

static void setup(uint16_t size)
{
	memset(mem, 0xa5, sizeof(mem));
	assert_int_equal(virtq_init(&vq, mem, size), 0);
	memset(&dev, 0, sizeof(dev));
}

/* Device: the next published descriptor id, or -1 when none. */
static int device_pop(void)
{
	uint16_t id;

	if (dev.last_avail == vq.avail->idx)
		return -1;
	id = vq.avail->ring[dev.last_avail % vq.size];
	dev.last_avail++;
	assert_true(id < vq.size);
	return id;
}

/* Device: return descriptor `id` with `len` bytes written. */
static void device_push(uint32_t id, uint32_t len)
{
	vq.used->ring[dev.used_idx % vq.size].id = id;
	vq.used->ring[dev.used_idx % vq.size].len = len;
	dev.used_idx++;
	vq.used->idx = dev.used_idx;
}

static void *tok(uintptr_t n)
{
	return (void *)(n + 1);
}

static void layout_follows_the_alignment_table(void **state)
{
	struct virtq_layout l = virtq_layout(256);

	/* 2.7: descriptors 16-byte aligned, 16 * size; avail 6 + 2 * size; used 4-aligned. */
	assert_int_equal(l.desc, 0);
	assert_int_equal(l.avail, 4096);
	assert_int_equal(l.used, 4616);
	assert_int_equal(l.total, 4616 + 6 + 8 * 256);
	l = virtq_layout(1);
	assert_int_equal(l.avail, 16);
	assert_int_equal(l.used, 24);
	assert_int_equal(l.total, 24 + 6 + 8);
	l = virtq_layout(2);
	assert_int_equal(l.used % 4, 0);
	assert_true(l.used >= l.avail + 6 + 2 * 2);
}

static void init_rejects_bad_sizes_and_memory(void **state)
{
	assert_int_equal(virtq_init(&vq, mem, 0), -EINVAL);
	assert_int_equal(virtq_init(&vq, mem, 3), -EINVAL);
	assert_int_equal(virtq_init(&vq, mem, 96), -EINVAL);
	assert_int_equal(virtq_init(&vq, mem, 512), -EINVAL);
	assert_int_equal(virtq_init(&vq, NULL, 8), -EINVAL);
	assert_int_equal(virtq_init(&vq, mem + 8, 8), -EINVAL);
	assert_false(virtq_size_ok(0));
	assert_true(virtq_size_ok(1));
	assert_true(virtq_size_ok(256));
	assert_false(virtq_size_ok(65536));
}

static void init_zeroes_rings_and_frees_all(void **state)
{
	setup(8);
	assert_int_equal(vq.avail->idx, 0);
	assert_int_equal(vq.avail->flags, 0);
	assert_int_equal(vq.used->idx, 0);
	assert_int_equal(vq.used->flags, 0);
	assert_int_equal(vq.num_free, 8);
	assert_int_equal(virtq_in_flight(&vq), 0);
	assert_ptr_equal((void *)vq.avail, mem + virtq_layout(8).avail);
	assert_ptr_equal((void *)vq.used, mem + virtq_layout(8).used);
}

static void add_publish_collect(void **state)
{
	void *t;
	uint32_t len;
	int a, b, c;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x10000, 2048, true, tok(0)), 0);
	assert_int_equal(virtq_add(&vq, 0x20000, 60, false, tok(1)), 0);
	assert_int_equal(virtq_add(&vq, 0x30000, 2048, true, tok(2)), 0);
	/* Not visible until published. */
	assert_int_equal(vq.avail->idx, 0);
	assert_int_equal(device_pop(), -1);
	virtq_publish(&vq);
	assert_int_equal(vq.avail->idx, 3);

	a = device_pop();
	b = device_pop();
	c = device_pop();
	assert_int_equal(device_pop(), -1);
	assert_true(a != b && b != c && a != c);
	assert_int_equal(vq.desc[a].addr, 0x10000);
	assert_int_equal(vq.desc[a].len, 2048);
	assert_int_equal(vq.desc[a].flags, VIRTQ_DESC_F_WRITE);
	assert_int_equal(vq.desc[b].addr, 0x20000);
	assert_int_equal(vq.desc[b].len, 60);
	assert_int_equal(vq.desc[b].flags, 0);
	assert_int_equal(vq.desc[c].flags, VIRTQ_DESC_F_WRITE);

	/* Nothing used yet. */
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_EMPTY);
	/* The device finishes them out of order: they come back in used order. */
	device_push(c, 100);
	device_push(a, 1514);
	device_push(b, 0);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(2));
	assert_int_equal(len, 100);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(0));
	assert_int_equal(len, 1514);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(1));
	assert_int_equal(len, 0);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_EMPTY);
	assert_int_equal(vq.num_free, 8);
	assert_int_equal(virtq_in_flight(&vq), 0);
	assert_int_equal(vq.errors.bad_id + vq.errors.bad_len + vq.errors.bad_idx, 0);
}

static void zero_length_is_refused(void **state)
{
	setup(4);
	assert_int_equal(virtq_add(&vq, 0x1000, 0, true, tok(0)), -EINVAL);
	assert_int_equal(vq.num_free, 4);
}

static void ring_full_then_room_again(void **state)
{
	void *t;
	uint32_t len;

	setup(4);
	for (uintptr_t i = 0; i < 4; i++)
		assert_int_equal(virtq_add(&vq, 0x1000 * (i + 1), 64, false, tok(i)), 0);
	assert_int_equal(virtq_add(&vq, 0x9000, 64, false, tok(9)), -ENOSPC);
	assert_int_equal(vq.num_free, 0);
	assert_int_equal(virtq_in_flight(&vq), 4);
	virtq_publish(&vq);
	device_push((uint32_t)device_pop(), 0);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(0));
	assert_int_equal(virtq_add(&vq, 0x9000, 64, false, tok(9)), 0);
	assert_int_equal(virtq_add(&vq, 0xa000, 64, false, tok(10)), -ENOSPC);
}

/*
 * Many rounds with the device finishing buffers in a scrambled order: no
 * descriptor is ever handed out twice while in flight, and all come back.
 */
static void descriptors_are_recycled(void **state)
{
	bool busy[8] = { false };
	int held[8];
	unsigned nheld = 0, seed = 1;

	setup(8);
	for (unsigned round = 0; round < 5000; round++) {
		void *t;
		uint32_t len;
		int id;

		while (vq.num_free) {
			assert_int_equal(virtq_add(&vq, 0x100000, 256, true, tok(round)), 0);
		}
		virtq_publish(&vq);
		while ((id = device_pop()) >= 0) {
			assert_false(busy[id]);
			busy[id] = true;
			held[nheld++] = id;
		}
		/* Return a pseudo-random subset, in pseudo-random order. */
		for (unsigned k = 0; k < 3 && nheld; k++) {
			unsigned pick;

			seed = seed * 1103515245u + 12345u;
			pick = (seed >> 16) % nheld;
			id = held[pick];
			held[pick] = held[--nheld];
			device_push((uint32_t)id, 256);
			busy[id] = false;
		}
		while (virtq_get_used(&vq, &t, &len) == VIRTQ_GET_BUFFER)
			assert_int_equal(len, 256);
		assert_int_equal(virtq_in_flight(&vq), nheld);
	}
	assert_int_equal(vq.errors.bad_id + vq.errors.bad_len + vq.errors.bad_idx, 0);
}

/* 2.7.6/2.7.8: idx is free-running and wraps at 65536; the ring slot is idx mod size. */
static void indexes_wrap_past_65535(void **state)
{
	uint32_t total = 0;

	setup(8);
	for (uint32_t n = 0; n < 70003; n++) {
		void *t;
		uint32_t len;

		assert_int_equal(virtq_add(&vq, 0x2000, 1000, true, tok(n)), 0);
		/* Batches of three (the last one included), singles at the start. */
		if (n % 3 == 0 || n < 5) {
			int id;

			virtq_publish(&vq);
			while ((id = device_pop()) >= 0)
				device_push((uint32_t)id, (uint32_t)(n % 1000) + 1);
		}
		while (virtq_get_used(&vq, &t, &len) == VIRTQ_GET_BUFFER) {
			assert_ptr_equal(t, tok(total));
			total++;
		}
	}
	assert_int_equal(total, 70003);
	assert_int_equal(vq.avail->idx, (uint16_t)70003);
	assert_int_equal(vq.used->idx, (uint16_t)70003);
	assert_int_equal(vq.last_used_idx, (uint16_t)70003);
	assert_int_equal(vq.num_free, 8);
}

/* A full ring straddling the wrap: avail idx 65532 .. 65539. */
static void full_ring_across_the_wrap(void **state)
{
	void *t;
	uint32_t len;

	setup(8);
	for (unsigned n = 0; n < 65532; n++) {
		assert_int_equal(virtq_add(&vq, 0x2000, 64, false, tok(0)), 0);
		virtq_publish(&vq);
		device_push((uint32_t)device_pop(), 0);
		assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	}
	assert_int_equal(vq.avail->idx, 65532);
	for (uintptr_t i = 0; i < 8; i++)
		assert_int_equal(virtq_add(&vq, 0x2000, 64, false, tok(i)), 0);
	virtq_publish(&vq);
	assert_int_equal(vq.avail->idx, (uint16_t)(65532 + 8));
	for (unsigned i = 0; i < 8; i++)
		device_push((uint32_t)device_pop(), 0);
	assert_int_equal(device_pop(), -1);
	for (uintptr_t i = 0; i < 8; i++) {
		assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
		assert_ptr_equal(t, tok(i));
	}
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_EMPTY);
}

/* 2.7.10 without VIRTIO_F_EVENT_IDX: used->flags bit 0 asks for no notification. */
static void notification_suppression(void **state)
{
	setup(8);
	/* Nothing published: nothing to say. */
	assert_false(virtq_should_notify(&vq));
	assert_int_equal(virtq_add(&vq, 0x1000, 64, false, tok(0)), 0);
	assert_false(virtq_should_notify(&vq)); /* added, not yet published */
	virtq_publish(&vq);
	assert_true(virtq_should_notify(&vq));
	assert_false(virtq_should_notify(&vq)); /* already told */

	vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	assert_int_equal(virtq_add(&vq, 0x1000, 64, false, tok(1)), 0);
	virtq_publish(&vq);
	assert_false(virtq_should_notify(&vq));

	/* Reserved bits alone do not suppress. */
	vq.used->flags = 0xfffe;
	assert_int_equal(virtq_add(&vq, 0x1000, 64, false, tok(2)), 0);
	virtq_publish(&vq);
	assert_true(virtq_should_notify(&vq));
	/* Several publishes, one notification. */
	vq.used->flags = 0;
	assert_int_equal(virtq_add(&vq, 0x1000, 64, false, tok(3)), 0);
	virtq_publish(&vq);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, false, tok(4)), 0);
	virtq_publish(&vq);
	assert_true(virtq_should_notify(&vq));
	assert_false(virtq_should_notify(&vq));
}

static void interrupt_suppression_flag(void **state)
{
	setup(8);
	virtq_set_no_interrupt(&vq, true);
	assert_int_equal(vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_set_no_interrupt(&vq, false);
	assert_int_equal(vq.avail->flags, 0);
}

static void bad_ids_are_skipped_and_counted(void **state)
{
	void *t;
	uint32_t len;
	int a, b;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x1000, 2048, true, tok(0)), 0);
	assert_int_equal(virtq_add(&vq, 0x2000, 2048, true, tok(1)), 0);
	virtq_publish(&vq);
	a = device_pop();
	b = device_pop();
	/* Out of range: the 32-bit id field, and just past the table. */
	device_push(0xffffffffu, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_ID);
	assert_null(t);
	device_push(8, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_ID);
	/* A free descriptor. */
	device_push(7, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_ID);
	assert_int_equal(vq.errors.bad_id, 3);
	assert_int_equal(virtq_in_flight(&vq), 2);
	/* The honest entry after them still works, once; a repeat is refused. */
	device_push((uint32_t)a, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(0));
	device_push((uint32_t)a, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_ID);
	assert_int_equal(vq.errors.bad_id, 4);
	assert_int_equal(vq.num_free, 7);
	device_push((uint32_t)b, 10);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(1));
	assert_false(vq.broken);
}

/* A buffer added but not yet published is not the device's to return. */
static void unpublished_buffer_is_not_returnable(void **state)
{
	void *t;
	uint32_t len;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, true, tok(0)), 0);
	virtq_publish(&vq);
	assert_int_equal(virtq_add(&vq, 0x2000, 64, true, tok(1)), 0);
	/* The device guesses descriptor 1 (the next free one) before publication. */
	device_push(vq.avail_shadow[1], 4);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_ID);
	assert_int_equal(virtq_in_flight(&vq), 2);
}

static void too_long_len_is_refused(void **state)
{
	void *t;
	uint32_t len;
	int a, b;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x1000, 2048, true, tok(0)), 0);
	assert_int_equal(virtq_add(&vq, 0x2000, 60, false, tok(1)), 0);
	virtq_publish(&vq);
	a = device_pop();
	b = device_pop();
	device_push((uint32_t)a, 2049);
	/* Device-readable: len means nothing, it reads as 0 whatever was written. */
	device_push((uint32_t)b, 0x7fffffff);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BAD_LEN);
	assert_ptr_equal(t, tok(0)); /* back to the caller, to reuse */
	assert_int_equal(len, 0);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(1));
	assert_int_equal(len, 0);
	assert_int_equal(vq.errors.bad_len, 1);
	assert_int_equal(vq.num_free, 8);
	/* Exactly the buffer's length is fine. */
	assert_int_equal(virtq_add(&vq, 0x1000, 2048, true, tok(2)), 0);
	virtq_publish(&vq);
	device_push((uint32_t)device_pop(), 2048);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_int_equal(len, 2048);
}

static void used_idx_too_far_ahead_breaks_the_queue(void **state)
{
	void *t;
	uint32_t len;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, true, tok(0)), 0);
	assert_int_equal(virtq_add(&vq, 0x2000, 64, true, tok(1)), 0);
	virtq_publish(&vq);
	/* Two published: an index three ahead is impossible. */
	vq.used->idx = 3;
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BROKEN);
	assert_true(vq.broken);
	assert_int_equal(vq.errors.bad_idx, 1);
	/* And stays so, even if the device repents. */
	vq.used->idx = 0;
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BROKEN);
	assert_null(t);
}

static void used_idx_going_backwards_breaks_the_queue(void **state)
{
	void *t;
	uint32_t len;

	setup(8);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, true, tok(0)), 0);
	virtq_publish(&vq);
	device_push((uint32_t)device_pop(), 8);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, true, tok(1)), 0);
	virtq_publish(&vq);
	vq.used->idx = 0; /* 65535 entries "ahead" */
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BROKEN);
}

/* A device that rewrites the avail ring cannot steer our bookkeeping. */
static void scribbled_avail_ring_is_ignored(void **state)
{
	void *t;
	uint32_t len;

	setup(4);
	assert_int_equal(virtq_add(&vq, 0x1000, 64, true, tok(0)), 0);
	vq.avail->ring[0] = 0xffff;
	virtq_publish(&vq);
	device_push(0, 8);
	assert_int_equal(virtq_get_used(&vq, &t, &len), VIRTQ_GET_BUFFER);
	assert_ptr_equal(t, tok(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_follows_the_alignment_table),
		cmocka_unit_test(init_rejects_bad_sizes_and_memory),
		cmocka_unit_test(init_zeroes_rings_and_frees_all),
		cmocka_unit_test(add_publish_collect),
		cmocka_unit_test(zero_length_is_refused),
		cmocka_unit_test(ring_full_then_room_again),
		cmocka_unit_test(descriptors_are_recycled),
		cmocka_unit_test(indexes_wrap_past_65535),
		cmocka_unit_test(full_ring_across_the_wrap),
		cmocka_unit_test(notification_suppression),
		cmocka_unit_test(interrupt_suppression_flag),
		cmocka_unit_test(bad_ids_are_skipped_and_counted),
		cmocka_unit_test(unpublished_buffer_is_not_returnable),
		cmocka_unit_test(too_long_len_is_refused),
		cmocka_unit_test(used_idx_too_far_ahead_breaks_the_queue),
		cmocka_unit_test(used_idx_going_backwards_breaks_the_queue),
		cmocka_unit_test(scribbled_avail_ring_is_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
