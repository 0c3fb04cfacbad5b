/*
 * Physical frame allocator: one bit per 4 KiB frame, set = in use.
 *
 * Pure logic (no hardware access): the caller supplies the bitmap storage,
 * the memory map and the ranges to keep out (kernel image, boot data,
 * modules, the first MiB...). Used on the host by tests/unit/test_pmm.c.
 * Not thread-safe: the caller serialises (the kernel takes a spinlock).
 */
#ifndef STRATA_PMM_H
#define STRATA_PMM_H

#include "kernel/include/strata/boot_info.h"
#include "kernel/include/strata/types.h"

struct pmm_range {
	hpa_t base;
	uint64_t length;
};

struct pmm {
	uint64_t *bitmap;     /* bit i covers frame (i << PAGE_SHIFT) */
	uint64_t frame_count; /* frames covered by the bitmap */
	uint64_t free_frames;
	uint64_t total_usable; /* usable frames at init, after reservations */
	uint64_t search_hint;  /* first frame worth looking at */
};

/*
 * Bytes of bitmap needed to cover every usable region of `map`. Regions
 * above `limit` (exclusive) are ignored; pass UINT64_MAX for no limit.
 */
size_t pmm_bitmap_bytes(const struct boot_mem_region *map, size_t count, hpa_t limit);

/*
 * Initialise `pmm` over `bitmap` (bitmap_bytes long). Frames start in use;
 * every whole frame inside a BOOT_MEM_USABLE region is freed, then every
 * frame touching one of `reserved` is taken again. Overlapping or unsorted
 * map entries are handled: a frame is free only if some usable region
 * covers it and no non-usable region or reservation touches it.
 * Returns 0, or -EINVAL if bitmap_bytes is too small for the map.
 */
int pmm_init(struct pmm *pmm, uint64_t *bitmap, size_t bitmap_bytes,
	     const struct boot_mem_region *map, size_t count, const struct pmm_range *reserved,
	     size_t reserved_count);

/* One free frame, or 0 when memory is exhausted (frame 0 is never handed out). */
hpa_t pmm_alloc(struct pmm *pmm);

/*
 * `count` contiguous frames whose first address is a multiple of `align`
 * (a power of two, >= PAGE_SIZE) and whose end is <= `limit`
 * (UINT64_MAX for none). Returns the base or 0 if no such run exists.
 */
hpa_t pmm_alloc_contig(struct pmm *pmm, uint64_t count, uint64_t align, hpa_t limit);

/* Return `count` frames starting at `base`. Freeing a free frame panics via pmm_bug(). */
void pmm_free(struct pmm *pmm, hpa_t base, uint64_t count);

bool pmm_is_free(const struct pmm *pmm, hpa_t addr);

/* Called on a broken invariant (double free, frame outside the map); provided by the user. */
void pmm_bug(const char *what, hpa_t addr);

#endif
