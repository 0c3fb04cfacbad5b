/*
 * Physical frame allocator: a bitmap, one bit per 4 KiB frame, set = in use.
 *
 * Invariants kept by every function here:
 *   - bits at or beyond frame_count (the tail of the last word) stay set, so
 *     a word scan never returns a frame outside the map;
 *   - frame 0 stays set: 0 is the "no memory" return value, and the real
 *     page at 0 holds the real-mode IVT/BDA that firmware may still use;
 *   - every frame below search_hint is in use, so scans start there;
 *   - free_frames equals the number of clear bits below frame_count.
 */
#include <errno.h>
#include <string.h>

#include "kernel/mm/pmm.h"

#define BITS_PER_WORD 64ULL

/*
 * No frame lies above the widest physical address a CPU can have:
 * MAXPHYADDR is at most 52 (SDM Vol. 3A 4.1.4, "Enumeration of Paging
 * Features by CPUID"). Clamping here keeps a bogus map entry running to
 * 2^64 from asking for a 2^49-byte bitmap or overflowing frame arithmetic.
 */
#define PMM_PHYS_LIMIT (1ULL << 52)

static uint64_t range_end(uint64_t base, uint64_t length)
{
	if (length > PMM_PHYS_LIMIT || base > PMM_PHYS_LIMIT - length)
		return PMM_PHYS_LIMIT;
	return base + length;
}

/* Frames wholly inside [base, end): the ones a usable region can give. */
static void frames_inside(uint64_t base, uint64_t end, uint64_t *first, uint64_t *last)
{
	*first = ALIGN_UP(base, PAGE_SIZE) >> PAGE_SHIFT;
	*last = ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT;
}

/* Frames touching [base, end): the ones a reservation must take. */
static void frames_touching(uint64_t base, uint64_t end, uint64_t *first, uint64_t *last)
{
	*first = ALIGN_DOWN(base, PAGE_SIZE) >> PAGE_SHIFT;
	*last = ALIGN_UP(end, PAGE_SIZE) >> PAGE_SHIFT;
}

static bool bit_test(const uint64_t *bm, uint64_t i)
{
	return (bm[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1;
}

/* Set (in use) or clear (free) bits [first, last), a word at a time. */
static void bits_assign(uint64_t *bm, uint64_t first, uint64_t last, bool set)
{
	while (first < last) {
		uint64_t w = first / BITS_PER_WORD;
		uint64_t lo = first % BITS_PER_WORD;
		uint64_t n = MIN(BITS_PER_WORD - lo, last - first);
		uint64_t mask = (n == BITS_PER_WORD ? ~0ULL : ((1ULL << n) - 1)) << lo;

		if (set)
			bm[w] |= mask;
		else
			bm[w] &= ~mask;
		first += n;
	}
}

/*
 * First bit in [from, to) whose value is `want`, or `to`. Words are
 * inverted for a clear-bit search so one loop serves both.
 */
static uint64_t bits_find(const uint64_t *bm, uint64_t from, uint64_t to, bool want)
{
	while (from < to) {
		uint64_t w = from / BITS_PER_WORD;
		uint64_t word = want ? bm[w] : ~bm[w];

		word &= ~0ULL << (from % BITS_PER_WORD);
		if (word) {
			/* ctz is inline (bsf/tzcnt) on x86-64, no libgcc call. */
			uint64_t hit = w * BITS_PER_WORD + (uint64_t)__builtin_ctzll(word);

			return MIN(hit, to);
		}
		from = (w + 1) * BITS_PER_WORD;
	}
	return to;
}

/*
 * Portable population count: __builtin_popcountll becomes a libgcc call
 * without -mpopcnt, and the kernel links without libgcc.
 */
static uint64_t popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

static uint64_t words_for(uint64_t frames)
{
	return (frames + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

/* Frames the bitmap must cover: up to the end of the highest usable region. */
static uint64_t map_frames(const struct boot_mem_region *map, size_t count, hpa_t limit)
{
	uint64_t top = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		uint64_t end;

		if (map[i].type != BOOT_MEM_USABLE || map[i].length == 0 ||
		    map[i].base >= MIN(limit, PMM_PHYS_LIMIT))
			continue;
		end = MIN(range_end(map[i].base, map[i].length), limit);
		top = MAX(top, ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT);
	}
	return top;
}

size_t pmm_bitmap_bytes(const struct boot_mem_region *map, size_t count, hpa_t limit)
{
	return words_for(map_frames(map, count, limit)) * sizeof(uint64_t);
}

/* Mark every frame touching [base, base+length) in use. */
static void pmm_take(struct pmm *pmm, uint64_t base, uint64_t length)
{
	uint64_t first, last;

	if (length == 0 || base >= PMM_PHYS_LIMIT)
		return;
	frames_touching(base, range_end(base, length), &first, &last);
	bits_assign(pmm->bitmap, first, MIN(last, pmm->frame_count), true);
}

int pmm_init(struct pmm *pmm, uint64_t *bitmap, size_t bitmap_bytes,
	     const struct boot_mem_region *map, size_t count, const struct pmm_range *reserved,
	     size_t reserved_count)
{
	uint64_t frames = map_frames(map, count, UINT64_MAX);
	uint64_t words = words_for(frames);
	uint64_t nfree = 0;
	size_t i;

	memset(pmm, 0, sizeof(*pmm));
	if (bitmap_bytes / sizeof(uint64_t) < words)
		return -EINVAL;

	pmm->bitmap = bitmap;
	pmm->frame_count = frames;
	for (i = 0; i < words; i++)
		bitmap[i] = ~0ULL;

	/* Free the whole frames of usable regions first... */
	for (i = 0; i < count; i++) {
		uint64_t first, last;

		if (map[i].type != BOOT_MEM_USABLE || map[i].length == 0 ||
		    map[i].base >= PMM_PHYS_LIMIT)
			continue;
		frames_inside(map[i].base, range_end(map[i].base, map[i].length), &first, &last);
		if (first < last)
			bits_assign(bitmap, first, MIN(last, frames), false);
	}
	/*
	 * ...then take back anything another entry or a reservation touches,
	 * so the result does not depend on the order of overlapping entries:
	 * firmware maps are neither sorted nor disjoint in practice, and a
	 * frame shared with an ACPI or MMIO range must never be handed out.
	 */
	for (i = 0; i < count; i++)
		if (map[i].type != BOOT_MEM_USABLE)
			pmm_take(pmm, map[i].base, map[i].length);
	for (i = 0; i < reserved_count; i++)
		pmm_take(pmm, reserved[i].base, reserved[i].length);
	if (frames)
		bits_assign(bitmap, 0, 1, true);

	for (i = 0; i < words; i++)
		nfree += BITS_PER_WORD - popcount64(bitmap[i]);
	/* The tail bits of the last word were set above, so they never count. */
	pmm->free_frames = nfree;
	pmm->total_usable = nfree;
	pmm->search_hint = bits_find(bitmap, 0, frames, false);
	return 0;
}

hpa_t pmm_alloc(struct pmm *pmm)
{
	uint64_t f = bits_find(pmm->bitmap, pmm->search_hint, pmm->frame_count, false);

	if (f >= pmm->frame_count) {
		pmm->search_hint = pmm->frame_count;
		return 0;
	}
	bits_assign(pmm->bitmap, f, f + 1, true);
	pmm->free_frames--;
	pmm->search_hint = f + 1;
	return f << PAGE_SHIFT;
}

hpa_t pmm_alloc_contig(struct pmm *pmm, uint64_t count, uint64_t align, hpa_t limit)
{
	uint64_t step, end, s;

	if (count == 0 || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	step = align >> PAGE_SHIFT;
	end = MIN(pmm->frame_count, limit >> PAGE_SHIFT);
	if (count > end)
		return 0;

	/* Frame 0 is always in use, so starting at 1 loses nothing. */
	s = ALIGN_UP(MAX(pmm->search_hint, 1), step);
	while (s <= end - count) {
		uint64_t used = bits_find(pmm->bitmap, s, s + count, true);

		if (used == s + count) {
			bits_assign(pmm->bitmap, s, s + count, true);
			pmm->free_frames -= count;
			if (s == pmm->search_hint)
				pmm->search_hint = s + count;
			return s << PAGE_SHIFT;
		}
		/*
		 * No run can start at or before `used`; skip past it. Frames
		 * stay below 2^40 (PMM_PHYS_LIMIT) and step <= 2^52, so the
		 * rounding cannot wrap.
		 */
		s = ALIGN_UP(used + 1, step);
	}
	return 0;
}

void pmm_free(struct pmm *pmm, hpa_t base, uint64_t count)
{
	uint64_t first = base >> PAGE_SHIFT;
	uint64_t busy;

	if (count == 0)
		return;
	if (base & (PAGE_SIZE - 1)) {
		pmm_bug("pmm_free: unaligned address", base);
		return;
	}
	if (first >= pmm->frame_count || count > pmm->frame_count - first) {
		pmm_bug("pmm_free: frame outside the map", base);
		return;
	}
	if (first == 0) {
		pmm_bug("pmm_free: frame 0 is never allocated", base);
		return;
	}
	/* Check the whole run before touching it, so a bug changes nothing. */
	busy = bits_find(pmm->bitmap, first, first + count, false);
	if (busy != first + count) {
		pmm_bug("pmm_free: double free", busy << PAGE_SHIFT);
		return;
	}
	bits_assign(pmm->bitmap, first, first + count, false);
	pmm->free_frames += count;
	pmm->search_hint = MIN(pmm->search_hint, first);
}

bool pmm_is_free(const struct pmm *pmm, hpa_t addr)
{
	uint64_t f = addr >> PAGE_SHIFT;

	return f < pmm->frame_count && !bit_test(pmm->bitmap, f);
}
