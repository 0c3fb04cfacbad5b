/* FUZZ_SOURCES: drivers/net/virtqueue.c */
/*
 * libFuzzer target for the split virtqueue (virtio 1.2, 2.7) against a
 * hostile device: the input interleaves the driver's operations (add a
 * buffer, publish, collect used buffers) with the device's writes to the
 * used ring, whose ids, lengths, index and flags are whatever the input
 * says. Besides the sanitizers' checks it asserts what the driver relies
 * on: a token comes back at most once and only after it was added, a
 * returned length never exceeds the buffer, the free count and the
 * in-flight count always add up to the ring size, and a broken queue
 * stays broken and returns nothing more.
 *
 * Input: 8-byte records
 *	byte 0    bits 1:0 operation (add, publish, device writes, collect)
 *	byte 1    for add: buffer length selector; for device: ring slot
 *	bytes 2-3 device: used id
 *	bytes 4-7 device: used len; for add: bit 0 = device-writable
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "drivers/net/virtqueue.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define QSIZE 16
#define NTOK  4096

static uint8_t mem[16384] __attribute__((aligned(4096)));
static struct virtq vq;
static bool out[NTOK]; /* token i handed to the queue and not yet back */
static uint32_t lens[NTOK];

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned next_token = 1;
	bool broken = false;

	memset(out, 0, sizeof(out));
	FUZZ_CHECK(virtq_init(&vq, mem, QSIZE) == 0);
	for (size_t i = 0; i + 8 <= size && next_token < NTOK; i += 8) {
		const uint8_t *r = data + i;
		void *token;
		uint32_t len;

		switch (r[0] & 3) {
		case 0: { /* the driver adds a buffer */
			uint32_t blen = 1u + r[1] * 16u;
			int err = virtq_add(&vq, 0x100000 + next_token * 4096ull, blen, r[4] & 1,
					    (void *)(uintptr_t)next_token);

			if (err == 0) {
				out[next_token] = true;
				lens[next_token] = blen;
			} else {
				FUZZ_CHECK(err == -ENOSPC && vq.num_free == 0);
			}
			next_token++;
			break;
		}
		case 1:
			virtq_publish(&vq);
			(void)virtq_should_notify(&vq);
			break;
		case 2: { /* the device writes a used entry and bumps (or scrambles) idx */
			volatile struct virtq_used *u = vq.used;
			uint16_t slot = (uint16_t)(u->idx % QSIZE);

			u->ring[slot].id = (uint32_t)r[2] | (uint32_t)r[3] << 8;
			u->ring[slot].len = rd32(r + 4);
			u->idx = (uint16_t)(r[1] & 0x80 ? u->idx + (r[1] & 0x7f) : u->idx + 1);
			u->flags = r[1] & 1;
			break;
		}
		default: { /* the driver collects */
			enum virtq_get g = virtq_get_used(&vq, &token, &len);
			uintptr_t t = (uintptr_t)token;

			if (broken)
				FUZZ_CHECK(g == VIRTQ_GET_BROKEN || g == VIRTQ_GET_EMPTY);
			if (g == VIRTQ_GET_BUFFER || g == VIRTQ_GET_BAD_LEN) {
				FUZZ_CHECK(t > 0 && t < NTOK && out[t]);
				FUZZ_CHECK(len <= lens[t]);
				out[t] = false;
			}
			if (g == VIRTQ_GET_BROKEN)
				broken = true;
			break;
		}
		}
		FUZZ_CHECK(vq.num_free + virtq_in_flight(&vq) == QSIZE);
	}
	return 0;
}
