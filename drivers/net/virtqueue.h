/*
 * The driver side of a split virtqueue (virtio 1.2, 2.7): a descriptor
 * table, the available ring the driver fills and the used ring the device
 * fills, in one block of memory the caller provides and shares with the
 * device. Pure logic, host-tested; the caller turns addresses into bus
 * addresses and rings the doorbell.
 *
 * Every buffer is one descriptor (no chains, no indirect descriptors):
 * with VIRTIO_F_VERSION_1 the device may not assume any particular
 * framing (2.7.4), so a network header and its frame can share one.
 *
 * The device is outside the trust boundary. The free list, the buffers in
 * flight and their lengths live in this struct, never in shared memory,
 * and every value read back from the used ring is checked against them
 * before it is believed; a bad value is counted and the entry skipped.
 *
 * virtio rings are little-endian (2.7); so is every host that builds this.
 * Not thread-safe: one owner drives a queue.
 */
#ifndef STRATA_DRIVERS_NET_VIRTQUEUE_H
#define STRATA_DRIVERS_NET_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE 256 /* our cap on a device's queue_size */

/* 2.7.5 The Virtqueue Descriptor Table. */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2 /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* 2.7.6 The Virtqueue Available Ring (no used_event: no VIRTIO_F_EVENT_IDX). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

/* 2.7.8 The Virtqueue Used Ring (no avail_event). */
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_used_elem {
	uint32_t id;  /* head of the descriptor chain used (32 bits for padding) */
	uint32_t len; /* bytes the device wrote into the buffer */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2 2.7.5");
_Static_assert(sizeof(struct virtq_avail) == 4, "virtio 1.2 2.7.6");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2 2.7.8");
_Static_assert(sizeof(struct virtq_used) == 4, "virtio 1.2 2.7.8");

/*
 * Where the three parts sit in the caller's block (2.7 table of
 * alignments: descriptors 16, available ring 2, used ring 4 bytes), and
 * how large the block must be. The block itself must be 16-byte aligned.
 */
struct virtq_layout {
	size_t desc, avail, used, total;
};

/* What the device did wrong; the queue counts rather than trusts. */
struct virtq_errors {
	uint64_t bad_id;  /* used id out of range or not in flight */
	uint64_t bad_len; /* used len longer than the device-writable buffer */
	uint64_t bad_idx; /* used idx claiming more buffers than in flight */
};

enum virtq_desc_state {
	VIRTQ_DESC_FREE,
	VIRTQ_DESC_ADDED,     /* in the available ring, not yet published */
	VIRTQ_DESC_PUBLISHED, /* the device owns it until it shows up as used */
};

struct virtq {
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t size;
	uint16_t num_free;
	uint16_t free_head;     /* first free descriptor; free_next[] links the rest */
	uint16_t avail_idx;     /* entries added (what avail->idx becomes) */
	uint16_t published_idx; /* what avail->idx holds */
	uint16_t notified_idx;  /* published_idx at the last notify decision */
	uint16_t last_used_idx; /* used entries consumed */
	uint16_t published;     /* buffers the device may hold right now */
	bool broken;            /* the device lied about used idx: stop using it */
	struct virtq_errors errors;
	/* Driver-private state per descriptor, out of the device's reach. */
	uint16_t free_next[VIRTQ_MAX_SIZE];
	uint16_t avail_shadow[VIRTQ_MAX_SIZE]; /* what we wrote to avail->ring */
	uint8_t state[VIRTQ_MAX_SIZE];         /* enum virtq_desc_state */
	bool writable[VIRTQ_MAX_SIZE];
	uint32_t buf_len[VIRTQ_MAX_SIZE];
	void *token[VIRTQ_MAX_SIZE];
};

/* True for a size this module drives: a power of two in 1..VIRTQ_MAX_SIZE. */
bool virtq_size_ok(unsigned size);

/* The layout for `size` entries (virtq_size_ok(size) must hold). */
struct virtq_layout virtq_layout(uint16_t size);

/*
 * Set up `vq` over `mem` (virtq_layout(size).total bytes, 16-byte aligned,
 * shared with the device) and zero the rings. Every descriptor is free.
 * Returns 0, or -EINVAL for a size that fails virtq_size_ok or a NULL or
 * misaligned `mem`.
 */
int virtq_init(struct virtq *vq, void *mem, uint16_t size);

/*
 * Ask the device not to interrupt when it uses buffers
 * (VIRTQ_AVAIL_F_NO_INTERRUPT; only a hint to the device, 2.7.7).
 */
void virtq_set_no_interrupt(struct virtq *vq, bool no_interrupt);

/*
 * Queue one buffer of `len` bytes at bus address `addr`, device-writable
 * (a receive buffer) or device-readable (data to send). `token` comes back
 * from virtq_get_used when the device is done with it. The buffer is not
 * visible to the device until virtq_publish. Returns 0, -ENOSPC when no
 * descriptor is free, or -EINVAL for len 0.
 */
int virtq_add(struct virtq *vq, uint64_t addr, uint32_t len, bool device_writable, void *token);

/* Make every buffer added so far visible to the device (avail->idx). */
void virtq_publish(struct virtq *vq);

/*
 * After virtq_publish: whether the device needs a notification for what
 * was published since the last call: something new, and the device has
 * not set VIRTQ_USED_F_NO_NOTIFY (2.7.10, without VIRTIO_F_EVENT_IDX).
 */
bool virtq_should_notify(struct virtq *vq);

enum virtq_get {
	VIRTQ_GET_EMPTY,   /* nothing used yet */
	VIRTQ_GET_BUFFER,  /* *token and *len are one finished buffer */
	VIRTQ_GET_BAD_LEN, /* *token is back, but the device's len was too long: drop
			      the data, reuse the buffer (len is set to 0) */
	VIRTQ_GET_BAD_ID,  /* a used entry naming no buffer in flight, skipped */
	VIRTQ_GET_BROKEN,  /* the used ring is corrupt; nothing more will come back */
};

/*
 * The next buffer the device finished, in used-ring order. `*len` is the
 * byte count the device wrote (always 0 for device-readable buffers,
 * whose len the driver ignores). The descriptor is free again afterwards.
 * Callers loop until EMPTY or BROKEN; BAD_* results are counted in
 * vq->errors.
 */
enum virtq_get virtq_get_used(struct virtq *vq, void **token, uint32_t *len);

/* Buffers added and not yet returned by virtq_get_used (published or not). */
unsigned virtq_in_flight(const struct virtq *vq);

#endif
