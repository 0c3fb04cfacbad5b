/*
 * Flat binary guest loader: see flat.h for the contract and the layout.
 */
#include <string.h>

#include "vmx/loader/flat.h"

#define FLAT_AR_CODE 0x9bu /* P=1, S=1, type 0xb: execute/read, accessed */
#define FLAT_AR_DATA 0x93u /* P=1, S=1, type 0x3: read/write, accessed */
#define FLAT_CR0_ET  (1u << 4)

_Static_assert(FLAT_MIN_RAM >= FLAT_LOAD_END, "every byte the image may use is RAM");

static const char *const flat_messages[FLAT_ERR_COUNT] = {
	[FLAT_OK] = "ok",
	[FLAT_ERR_ARGS] = "invalid arguments",
	[FLAT_ERR_EMPTY] = "flat image is empty",
	[FLAT_ERR_TOO_BIG] = "flat image larger than 622592 bytes (0x7c00-0x9fbff)",
	[FLAT_ERR_RAM_TOO_SMALL] = "guest RAM smaller than 1 MiB",
};
_Static_assert(FLAT_MAX_SIZE == 622592, "the message names the limit");

const char *flat_strerror(enum flat_error err)
{
	if ((unsigned)err >= FLAT_ERR_COUNT || !flat_messages[err])
		return "unknown flat image error";
	return flat_messages[err];
}

enum flat_error flat_load(struct guest_mem *mem, const uint8_t *image, size_t size,
			  struct flat_entry *out)
{
	if (!mem || !mem->base || !image || !out)
		return FLAT_ERR_ARGS;
	if (mem->size < FLAT_MIN_RAM)
		return FLAT_ERR_RAM_TOO_SMALL;
	if (size == 0)
		return FLAT_ERR_EMPTY;
	if (size > FLAT_MAX_SIZE)
		return FLAT_ERR_TOO_BIG;

	memcpy(mem->base + FLAT_LOAD_ADDR, image, size);
	memset(out, 0, sizeof(*out));
	out->ip = (uint16_t)FLAT_LOAD_ADDR;
	out->sp = (uint16_t)FLAT_LOAD_ADDR;
	out->dl = FLAT_BOOT_DRIVE;
	out->cr0 = FLAT_CR0_ET;
	out->eflags = 1u << 1;
	/* Real mode: base = selector << 4 = 0, limit 64 KiB (SDM Vol. 3A, 20.1.1). */
	out->cs = (struct guest_seg){ 0, 0, 0xffff, FLAT_AR_CODE };
	out->data = (struct guest_seg){ 0, 0, 0xffff, FLAT_AR_DATA };
	out->image_start = FLAT_LOAD_ADDR;
	out->image_end = FLAT_LOAD_ADDR + size;
	return FLAT_OK;
}
