/*
 * Split virtqueue, driver side (virtio 1.2, 2.7). See virtqueue.h.
 *
 * Memory ordering. The device reads and writes the rings like another CPU
 * (a hypervisor thread, or coherent DMA), so the barriers are the SMP ones
 * Linux's virtio_ring uses for virtio-pci ("weak barriers"), written as
 * C11 fences so the file has no asm and builds on the host:
 *   - publish: descriptors and ring entries before avail->idx (2.7.13.3):
 *     a release fence. x86 (TSO) never reorders stores with older stores,
 *     so this is only a compiler barrier there.
 *   - collect: used->idx before the used entries it covers (2.7.14): an
 *     acquire fence; x86 never reorders loads with older loads, again
 *     only a compiler barrier.
 *   - notify decision: the avail->idx store before the load of
 *     used->flags (2.7.13.4: a suitable barrier before reading the
 *     suppression flags, else both sides may decide the other will act
 *     and a notification is lost). Store-then-load is the one ordering
 *     x86 does relax, so this is a full fence (mfence or a locked
 *     instruction), as Linux's virtio_mb() in virtqueue_kick_prepare.
 * Every shared access goes through a volatile pointer and is made once
 * into a local, so a value checked is the value used.
 */
#include <errno.h>
#include <string.h>

#include "drivers/net/virtqueue.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtio 1.x rings are little-endian");

#define FREE_END 0xffff /* end of the private free list */

bool virtq_size_ok(unsigned size)
{
	return size && size <= VIRTQ_MAX_SIZE && !(size & (size - 1));
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

struct virtq_layout virtq_layout(uint16_t size)
{
	struct virtq_layout l;

	l.desc = 0;
	l.avail = sizeof(struct virtq_desc) * size;
	/* flags, idx, ring[size], and the used_event slot we leave unused. */
	l.used = align_up(l.avail + 4 + 2 * (size_t)size + 2, 4);
	l.total = l.used + 4 + sizeof(struct virtq_used_elem) * size + 2;
	return l;
}

int virtq_init(struct virtq *vq, void *mem, uint16_t size)
{
	struct virtq_layout l;

	if (!virtq_size_ok(size) || !mem || ((uintptr_t)mem & 15))
		return -EINVAL;
	l = virtq_layout(size);
	memset(vq, 0, sizeof(*vq));
	memset(mem, 0, l.total);
	vq->desc = (volatile struct virtq_desc *)((uint8_t *)mem + l.desc);
	vq->avail = (volatile struct virtq_avail *)((uint8_t *)mem + l.avail);
	vq->used = (volatile struct virtq_used *)((uint8_t *)mem + l.used);
	vq->size = size;
	vq->num_free = size;
	vq->free_head = 0;
	for (uint16_t i = 0; i < size; i++)
		vq->free_next[i] = i + 1 < size ? (uint16_t)(i + 1) : FREE_END;
	return 0;
}

void virtq_set_no_interrupt(struct virtq *vq, bool no_interrupt)
{
	vq->avail->flags = no_interrupt ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0;
}

int virtq_add(struct virtq *vq, uint64_t addr, uint32_t len, bool device_writable, void *token)
{
	uint16_t id;

	if (!len)
		return -EINVAL;
	if (!vq->num_free)
		return -ENOSPC;
	id = vq->free_head;
	vq->free_head = vq->free_next[id];
	vq->num_free--;

	vq->desc[id].addr = addr;
	vq->desc[id].len = len;
	vq->desc[id].flags = device_writable ? VIRTQ_DESC_F_WRITE : 0;
	vq->desc[id].next = 0;
	vq->buf_len[id] = len;
	vq->writable[id] = device_writable;
	vq->token[id] = token;
	vq->state[id] = VIRTQ_DESC_ADDED;

	/* 2.7.13.2: the ring slot after the last one published. */
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = id;
	vq->avail_shadow[vq->avail_idx & (vq->size - 1)] = id;
	vq->avail_idx++;
	return 0;
}

void virtq_publish(struct virtq *vq)
{
	for (uint16_t i = vq->published_idx; i != vq->avail_idx; i++) {
		uint16_t id = vq->avail_shadow[i & (vq->size - 1)];

		vq->state[id] = VIRTQ_DESC_PUBLISHED;
		vq->published++;
	}
	vq->published_idx = vq->avail_idx;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->avail->idx = vq->avail_idx;
}

bool virtq_should_notify(struct virtq *vq)
{
	bool fresh = vq->notified_idx != vq->published_idx;
	uint16_t flags;

	vq->notified_idx = vq->published_idx;
	if (!fresh)
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = vq->used->flags;
	/* 2.7.10: flags 1 means "do not notify"; other bits are reserved. */
	return !(flags & VIRTQ_USED_F_NO_NOTIFY);
}

static void release(struct virtq *vq, uint16_t id)
{
	vq->state[id] = VIRTQ_DESC_FREE;
	vq->published--;
	vq->token[id] = NULL;
	vq->free_next[id] = vq->free_head;
	vq->free_head = id;
	vq->num_free++;
}

enum virtq_get virtq_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	uint16_t used_idx, slot;
	uint32_t id, used_len;

	*token = NULL;
	*len = 0;
	if (vq->broken)
		return VIRTQ_GET_BROKEN;
	used_idx = vq->used->idx;
	if (used_idx == vq->last_used_idx)
		return VIRTQ_GET_EMPTY;
	/*
	 * Each used entry returns a distinct published buffer, so the device
	 * can never be further ahead than that; if it claims to be, the ring
	 * holds garbage and nothing in it can be believed again.
	 */
	if ((uint16_t)(used_idx - vq->last_used_idx) > vq->published) {
		vq->errors.bad_idx++;
		vq->broken = true;
		return VIRTQ_GET_BROKEN;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	slot = vq->last_used_idx & (vq->size - 1);
	id = vq->used->ring[slot].id;
	used_len = vq->used->ring[slot].len;
	vq->last_used_idx++;

	if (id >= vq->size || vq->state[id] != VIRTQ_DESC_PUBLISHED) {
		vq->errors.bad_id++;
		return VIRTQ_GET_BAD_ID;
	}
	*token = vq->token[id];
	/*
	 * 2.7.8: len counts bytes written; a device-readable buffer has none
	 * to report and the driver ignores whatever the device put there.
	 */
	if (vq->writable[id] && used_len > vq->buf_len[id]) {
		vq->errors.bad_len++;
		release(vq, id);
		return VIRTQ_GET_BAD_LEN;
	}
	*len = vq->writable[id] ? used_len : 0;
	release(vq, id);
	return VIRTQ_GET_BUFFER;
}

unsigned virtq_in_flight(const struct virtq *vq)
{
	return (unsigned)vq->size - vq->num_free;
}
