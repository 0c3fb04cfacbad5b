/* UNIT_SOURCES: kernel/mm/pmm.c */
/*
 * Host tests of the physical frame allocator. Most tests compare the
 * bitmap after pmm_init() against a brute-force model of the rule in
 * pmm.h ("free only if some usable region covers the whole frame and no
 * non-usable region or reservation touches it; frame 0 never"), so odd
 * maps are checked frame by frame rather than by a few spot probes.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/mm/pmm.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)
#define TIB (1024ULL * GIB)

#define USABLE   BOOT_MEM_USABLE
#define RESERVED BOOT_MEM_RESERVED
#define ACPI     BOOT_MEM_ACPI_RECLAIM

/* pmm_bug() is the user's hook: record the calls instead of panicking. */
static int bug_calls;
static hpa_t bug_addr;
static const char *bug_what;

void pmm_bug(const char *what, hpa_t addr)
{
	bug_calls++;
	bug_addr = addr;
	bug_what = what;
}

struct fixture {
	struct pmm pmm;
	uint64_t *bitmap;
	size_t bytes;
};

static struct fixture fx;

static int reset(void **state)
{
	bug_calls = 0;
	bug_addr = 0;
	bug_what = NULL;
	memset(&fx, 0, sizeof(fx));
	return 0;
}

static int release(void **state)
{
	free(fx.bitmap);
	fx.bitmap = NULL;
	return 0;
}

/* Size the bitmap with pmm_bitmap_bytes() and initialise; must succeed. */
static void setup_pmm(const struct boot_mem_region *map, size_t n, const struct pmm_range *res,
		      size_t rn)
{
	fx.bytes = pmm_bitmap_bytes(map, n, UINT64_MAX);
	fx.bitmap = malloc(fx.bytes ? fx.bytes : 1);
	assert_non_null(fx.bitmap);
	memset(fx.bitmap, 0xa5, fx.bytes); /* garbage: init must not rely on zeroes */
	assert_int_equal(pmm_init(&fx.pmm, fx.bitmap, fx.bytes, map, n, res, rn), 0);
}

static bool touches(uint64_t base, uint64_t len, uint64_t a, uint64_t b)
{
	uint64_t end = len > UINT64_MAX - base ? UINT64_MAX : base + len;

	return len && base < b && a < end;
}

/* The rule of pmm.h, one frame at a time. */
static bool model_free(const struct boot_mem_region *map, size_t n, const struct pmm_range *res,
		       size_t rn, uint64_t f)
{
	uint64_t a = f * PAGE_SIZE, b = a + PAGE_SIZE;
	bool covered = false;
	size_t i;

	if (f == 0)
		return false;
	for (i = 0; i < n; i++) {
		uint64_t end = map[i].length > UINT64_MAX - map[i].base
				       ? UINT64_MAX
				       : map[i].base + map[i].length;

		if (map[i].type == USABLE && map[i].base <= a && b <= end)
			covered = true;
		if (map[i].type != USABLE && touches(map[i].base, map[i].length, a, b))
			return false;
	}
	for (i = 0; i < rn; i++)
		if (touches(res[i].base, res[i].length, a, b))
			return false;
	return covered;
}

static void check_against_model(const struct boot_mem_region *map, size_t n,
				const struct pmm_range *res, size_t rn)
{
	uint64_t f, nfree = 0;

	for (f = 0; f < fx.pmm.frame_count + 64; f++) {
		bool want = model_free(map, n, res, rn, f) && f < fx.pmm.frame_count;

		if (pmm_is_free(&fx.pmm, f * PAGE_SIZE) != want)
			fail_msg("frame 0x%llx: pmm says %s, model says %s", (unsigned long long)f,
				 want ? "used" : "free", want ? "free" : "used");
		nfree += want;
	}
	assert_int_equal(fx.pmm.free_frames, nfree);
	assert_int_equal(fx.pmm.total_usable, nfree);
}

static void test_holes(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 0, 0x9f000, USABLE, 0 },
		{ 0x9f000, 0x61000, RESERVED, 0 },
		{ 1 * MIB, 15 * MIB, USABLE, 0 },
		/* hole 16..32 MiB: no entry at all */
		{ 32 * MIB, 16 * MIB, USABLE, 0 },
		{ 0xfec00000, 0x1000, RESERVED, 0 }, /* MMIO far above: no bitmap */
	};

	assert_int_equal(pmm_bitmap_bytes(map, ARRAY_SIZE(map), UINT64_MAX),
			 48 * MIB / PAGE_SIZE / 8);
	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	assert_int_equal(fx.pmm.frame_count, 48 * MIB / PAGE_SIZE);
	check_against_model(map, ARRAY_SIZE(map), NULL, 0);
	assert_false(pmm_is_free(&fx.pmm, 0));
	assert_true(pmm_is_free(&fx.pmm, 0x1000));
	assert_false(pmm_is_free(&fx.pmm, 0xa0000));
	assert_false(pmm_is_free(&fx.pmm, 20 * MIB));
	assert_true(pmm_is_free(&fx.pmm, 40 * MIB));
	assert_false(pmm_is_free(&fx.pmm, 48 * MIB));
	assert_int_equal(fx.pmm.free_frames, (0x9f000 / PAGE_SIZE - 1) + (31 * MIB / PAGE_SIZE));
}

static void test_overlapping_unsorted(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 16 * MIB, 16 * MIB, USABLE, 0 },
		{ 0, 8 * MIB, USABLE, 0 },
		{ 6 * MIB, 14 * MIB, USABLE, 0 },             /* overlaps both */
		{ 4 * MIB, 0x800, RESERVED, 0 },              /* half a frame inside */
		{ 30 * MIB + 0x10, 1, ACPI, 0 },              /* one byte */
		{ 12 * MIB - 0x100, 0x200, BOOT_MEM_BAD, 0 }, /* straddles a frame edge */
		{ 2 * MIB, 1 * MIB, USABLE, 0 },              /* duplicate inside usable */
		{ 24 * MIB, 0, RESERVED, 0 },                 /* empty: no effect */
	};

	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	check_against_model(map, ARRAY_SIZE(map), NULL, 0);
	assert_false(pmm_is_free(&fx.pmm, 4 * MIB));
	assert_true(pmm_is_free(&fx.pmm, 4 * MIB + PAGE_SIZE));
	assert_false(pmm_is_free(&fx.pmm, 30 * MIB));
	assert_false(pmm_is_free(&fx.pmm, 12 * MIB - PAGE_SIZE));
	assert_false(pmm_is_free(&fx.pmm, 12 * MIB));
	assert_true(pmm_is_free(&fx.pmm, 24 * MIB));
	assert_true(pmm_is_free(&fx.pmm, 7 * MIB)); /* 6..8 covered twice */
}

static void test_reserved_edges_unaligned(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 0x1800, 0x4800, USABLE, 0 }, /* whole frames 2..5 only */
		{ 1 * MIB, 1 * MIB, USABLE, 0 },
	};
	static const struct pmm_range res[] = {
		{ 0, 0x500 },                    /* frame 0 */
		{ 2 * MIB - 1, 1 },              /* last byte of the map */
		{ 1 * MIB, 0 },                  /* empty */
		{ 1 * MIB + 0x12345, 1 },        /* one byte, unaligned */
		{ 1 * MIB + 0x20fff, 2 },        /* straddles two frames */
		{ 0x5000, 0x1000 },              /* the region's last frame */
		{ 64 * MIB, 1 * MIB },           /* beyond the bitmap: ignored */
		{ UINT64_MAX - 0x1000, 0x2000 }, /* wraps: must not crash */
	};

	setup_pmm(map, ARRAY_SIZE(map), res, ARRAY_SIZE(res));
	check_against_model(map, ARRAY_SIZE(map), res, ARRAY_SIZE(res));
	assert_false(pmm_is_free(&fx.pmm, 0x1000));
	assert_true(pmm_is_free(&fx.pmm, 0x2000));
	assert_true(pmm_is_free(&fx.pmm, 0x4000));
	assert_false(pmm_is_free(&fx.pmm, 0x5000));
	assert_false(pmm_is_free(&fx.pmm, 0x6000));
	assert_false(pmm_is_free(&fx.pmm, 2 * MIB - PAGE_SIZE));
	assert_false(pmm_is_free(&fx.pmm, 1 * MIB + 0x12000));
	assert_false(pmm_is_free(&fx.pmm, 1 * MIB + 0x20000));
	assert_false(pmm_is_free(&fx.pmm, 1 * MIB + 0x21000));
	assert_true(pmm_is_free(&fx.pmm, 1 * MIB + 0x22000));
}

static void test_contig_2m(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 1 * MIB, 63 * MIB, USABLE, 0 },
	};
	uint64_t before, i;
	hpa_t one, run, run2;

	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	one = pmm_alloc(&fx.pmm);
	assert_int_equal(one, 1 * MIB);
	/* 300 more single frames reach into [2, 4) MiB: the first run is at 4. */
	for (i = 0; i < 300; i++)
		assert_int_equal(pmm_alloc(&fx.pmm), 1 * MIB + (i + 1) * PAGE_SIZE);
	assert_false(pmm_is_free(&fx.pmm, 2 * MIB));
	assert_true(pmm_is_free(&fx.pmm, 2 * MIB + 45 * PAGE_SIZE));

	before = fx.pmm.free_frames;
	run = pmm_alloc_contig(&fx.pmm, 512, PAGE_SIZE_2M, UINT64_MAX);
	assert_int_equal(run, 4 * MIB);
	assert_int_equal(fx.pmm.free_frames, before - 512);
	for (i = 0; i < 512; i++)
		assert_false(pmm_is_free(&fx.pmm, run + i * PAGE_SIZE));
	assert_true(pmm_is_free(&fx.pmm, run + 2 * MIB));

	run2 = pmm_alloc_contig(&fx.pmm, 1024, PAGE_SIZE_2M, UINT64_MAX);
	assert_int_equal(run2, 6 * MIB);

	/* Limit: the run's end must be <= limit. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 512, PAGE_SIZE_2M, 12 * MIB), 10 * MIB);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 512, PAGE_SIZE_2M, 14 * MIB - 1), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 512, PAGE_SIZE_2M, 14 * MIB), 12 * MIB);

	/* A run as long as the rest of memory is refused only when it does not fit. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 64 * MIB / PAGE_SIZE, PAGE_SIZE, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 25, 64 * MIB, UINT64_MAX), 0);

	/* Bad arguments. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 0, PAGE_SIZE, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, 3 * PAGE_SIZE, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, 2048, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, 0, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, UINT64_MAX, PAGE_SIZE, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, 1ULL << 63, UINT64_MAX), 0);
	assert_int_equal(bug_calls, 0);
}

static void test_exhaustion(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 0, 17 * PAGE_SIZE, USABLE, 0 },
	};
	hpa_t got[16];
	uint64_t i, j;

	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	assert_int_equal(fx.pmm.total_usable, 16); /* frame 0 withheld */
	for (i = 0; i < 16; i++) {
		got[i] = pmm_alloc(&fx.pmm);
		assert_int_not_equal(got[i], 0);
		assert_int_equal(got[i] % PAGE_SIZE, 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(got[i], got[j]);
	}
	assert_int_equal(fx.pmm.free_frames, 0);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, PAGE_SIZE, UINT64_MAX), 0);

	/* Free + realloc returns the same frames. */
	pmm_free(&fx.pmm, got[7], 1);
	assert_int_equal(fx.pmm.free_frames, 1);
	assert_true(pmm_is_free(&fx.pmm, got[7]));
	assert_int_equal(pmm_alloc(&fx.pmm), got[7]);
	pmm_free(&fx.pmm, 4 * PAGE_SIZE, 3);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 3, PAGE_SIZE, UINT64_MAX), 4 * PAGE_SIZE);
	pmm_free(&fx.pmm, 8 * PAGE_SIZE, 8);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 4, 4 * PAGE_SIZE, UINT64_MAX), 8 * PAGE_SIZE);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 4, 4 * PAGE_SIZE, UINT64_MAX), 12 * PAGE_SIZE);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);
	assert_int_equal(bug_calls, 0);
}

static void test_frame0_never(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 0, 64 * KIB, USABLE, 0 },
	};
	hpa_t pa;
	int n = 0;

	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	assert_false(pmm_is_free(&fx.pmm, 0));
	while ((pa = pmm_alloc(&fx.pmm)) != 0) {
		assert_int_not_equal(pa, 0);
		n++;
	}
	assert_int_equal(n, 15);
	pmm_free(&fx.pmm, PAGE_SIZE, 15);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 15, PAGE_SIZE, UINT64_MAX), PAGE_SIZE);
	pmm_free(&fx.pmm, PAGE_SIZE, 15);
	/* 16 frames would need frame 0. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 16, PAGE_SIZE, UINT64_MAX), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, 64 * KIB, UINT64_MAX), 0);
	assert_int_equal(bug_calls, 0);
}

static void test_free_bugs(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 0, 1 * MIB, USABLE, 0 },
	};
	uint64_t before;
	hpa_t a, b;

	setup_pmm(map, ARRAY_SIZE(map), NULL, 0);
	a = pmm_alloc(&fx.pmm);
	b = pmm_alloc_contig(&fx.pmm, 4, PAGE_SIZE, UINT64_MAX);
	pmm_free(&fx.pmm, a, 1);
	assert_int_equal(bug_calls, 0);

	before = fx.pmm.free_frames;
	pmm_free(&fx.pmm, a, 1);
	assert_int_equal(bug_calls, 1);
	assert_int_equal(bug_addr, a);
	assert_non_null(strstr(bug_what, "double free"));
	assert_int_equal(fx.pmm.free_frames, before);

	/* A run with one free frame inside: reported, nothing freed. */
	pmm_free(&fx.pmm, b + PAGE_SIZE, 1);
	before = fx.pmm.free_frames;
	pmm_free(&fx.pmm, b, 4);
	assert_int_equal(bug_calls, 2);
	assert_int_equal(bug_addr, b + PAGE_SIZE);
	assert_int_equal(fx.pmm.free_frames, before);
	assert_false(pmm_is_free(&fx.pmm, b));
	assert_false(pmm_is_free(&fx.pmm, b + 3 * PAGE_SIZE));

	pmm_free(&fx.pmm, 0, 1);
	assert_int_equal(bug_calls, 3);
	assert_false(pmm_is_free(&fx.pmm, 0));

	pmm_free(&fx.pmm, 1 * MIB, 1);
	assert_int_equal(bug_calls, 4);
	assert_non_null(strstr(bug_what, "outside"));
	pmm_free(&fx.pmm, 1 * MIB - PAGE_SIZE, 2);
	assert_int_equal(bug_calls, 5);
	pmm_free(&fx.pmm, PAGE_SIZE, UINT64_MAX);
	assert_int_equal(bug_calls, 6);

	pmm_free(&fx.pmm, b + 0x10, 1);
	assert_int_equal(bug_calls, 7);
	assert_non_null(strstr(bug_what, "unaligned"));

	pmm_free(&fx.pmm, b, 0); /* nothing to do */
	assert_int_equal(bug_calls, 7);
	assert_int_equal(fx.pmm.free_frames, before);
}

static void test_sparse_1tib(void **state)
{
	static const struct boot_mem_region map[] = {
		{ 1 * MIB, 2 * GIB - 1 * MIB, USABLE, 0 },
		{ 3 * GIB, 1 * GIB, RESERVED, 0 },
		{ 4 * GIB, 4 * GIB, USABLE, 0 },
		{ 1 * TIB - 1 * GIB, 1 * GIB, USABLE, 0 },
		{ 2 * TIB, 1 * GIB, RESERVED, 0 }, /* MMIO above RAM */
	};
	uint64_t expect = (2 * GIB - 1 * MIB + 4 * GIB + 1 * GIB) / PAGE_SIZE;
	hpa_t pa;

	assert_int_equal(pmm_bitmap_bytes(map, ARRAY_SIZE(map), UINT64_MAX), 32 * MIB);
	assert_int_equal(pmm_bitmap_bytes(map, ARRAY_SIZE(map), 4 * GIB), 64 * KIB);
	assert_int_equal(pmm_bitmap_bytes(map, ARRAY_SIZE(map), 1 * GIB + 1), 32 * KIB);

	/* One word short is refused. */
	fx.bitmap = malloc(32 * MIB);
	assert_non_null(fx.bitmap);
	assert_int_equal(pmm_init(&fx.pmm, fx.bitmap, 32 * MIB - 8, map, ARRAY_SIZE(map), NULL, 0),
			 -EINVAL);
	assert_int_equal(pmm_init(&fx.pmm, fx.bitmap, 32 * MIB, map, ARRAY_SIZE(map), NULL, 0), 0);

	assert_int_equal(fx.pmm.frame_count, 1 * TIB / PAGE_SIZE);
	assert_int_equal(fx.pmm.free_frames, expect);
	assert_true(pmm_is_free(&fx.pmm, 1 * TIB - PAGE_SIZE));
	assert_false(pmm_is_free(&fx.pmm, 1 * TIB));
	assert_false(pmm_is_free(&fx.pmm, 512 * GIB));
	assert_false(pmm_is_free(&fx.pmm, 3 * GIB));

	assert_int_equal(pmm_alloc(&fx.pmm), 1 * MIB);
	/* A 1 GiB-aligned gigabyte: the first is [1, 2) GiB. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, GIB / PAGE_SIZE, GIB, UINT64_MAX), 1 * GIB);
	/* Four more fill [4, 8) GiB; the next must come from below 1 TiB. */
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 4 * GIB / PAGE_SIZE, GIB, UINT64_MAX), 4 * GIB);
	pa = pmm_alloc_contig(&fx.pmm, GIB / PAGE_SIZE, GIB, UINT64_MAX);
	assert_int_equal(pa, 1 * TIB - 1 * GIB);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 512, PAGE_SIZE_2M, UINT64_MAX), 2 * MIB);
	assert_int_equal(fx.pmm.free_frames, expect - 1 - 6 * GIB / PAGE_SIZE - 512);
	pmm_free(&fx.pmm, pa, GIB / PAGE_SIZE);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, GIB, UINT64_MAX), 1 * TIB - 1 * GIB);
	assert_int_equal(bug_calls, 0);
}

static void test_degenerate_maps(void **state)
{
	static const struct boot_mem_region none_usable[] = {
		{ 0, 1 * MIB, RESERVED, 0 },
	};
	static const struct boot_mem_region huge[] = {
		{ 1 * MIB, UINT64_MAX, USABLE, 0 }, /* wraps past 2^64 */
	};
	static const struct boot_mem_region above_limit[] = {
		{ 1ULL << 53, 1 * MIB, USABLE, 0 },
	};
	uint64_t word;

	assert_int_equal(pmm_bitmap_bytes(NULL, 0, UINT64_MAX), 0);
	assert_int_equal(pmm_init(&fx.pmm, NULL, 0, NULL, 0, NULL, 0), 0);
	assert_int_equal(fx.pmm.frame_count, 0);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);
	assert_int_equal(pmm_alloc_contig(&fx.pmm, 1, PAGE_SIZE, UINT64_MAX), 0);
	assert_false(pmm_is_free(&fx.pmm, 0));

	assert_int_equal(pmm_bitmap_bytes(none_usable, 1, UINT64_MAX), 0);
	assert_int_equal(pmm_init(&fx.pmm, NULL, 0, none_usable, 1, NULL, 0), 0);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);

	/* Clamped at 2^52 (MAXPHYADDR), so the size stays computable. */
	assert_int_equal(pmm_bitmap_bytes(huge, 1, UINT64_MAX), (1ULL << 52) / PAGE_SIZE / 8);
	assert_int_equal(pmm_bitmap_bytes(above_limit, 1, UINT64_MAX), 0);
	assert_int_equal(pmm_init(&fx.pmm, &word, sizeof(word), above_limit, 1, NULL, 0), 0);
	assert_int_equal(pmm_alloc(&fx.pmm), 0);
	/* A bitmap of 0 bytes is too small for a real map. */
	assert_int_equal(pmm_init(&fx.pmm, &word, 0, huge, 1, NULL, 0), -EINVAL);
}

/* Tiny deterministic PRNG so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random maps against the model, then random alloc/free against a shadow. */
static void test_random_against_model(void **state)
{
	enum { SPAN = 300 * PAGE_SIZE, ROUNDS = 300 };
	int round;

	for (round = 0; round < ROUNDS; round++) {
		struct boot_mem_region map[8];
		struct pmm_range res[4];
		bool shadow[512] = { false }; /* map ends below 1.5 * SPAN */
		size_t n = 1 + rng() % 8, rn = rng() % 5, i;
		int op;

		for (i = 0; i < n; i++) {
			map[i].base = rng() % SPAN;
			map[i].length = rng() % (SPAN / 2);
			map[i].type = rng() % 3 ? USABLE : 1 + rng() % 6;
			map[i].reserved = 0;
		}
		for (i = 0; i < rn; i++) {
			res[i].base = rng() % SPAN;
			res[i].length = rng() % (8 * PAGE_SIZE);
		}
		reset(state);
		setup_pmm(map, n, res, rn);
		check_against_model(map, n, res, rn);
		for (i = 0; i < fx.pmm.frame_count; i++)
			shadow[i] = pmm_is_free(&fx.pmm, i * PAGE_SIZE);

		for (op = 0; op < 200; op++) {
			uint64_t f, cnt, align;
			hpa_t pa;

			switch (rng() % 3) {
			case 0:
				pa = pmm_alloc(&fx.pmm);
				if (pa) {
					assert_true(shadow[pa / PAGE_SIZE]);
					shadow[pa / PAGE_SIZE] = false;
				}
				break;
			case 1:
				cnt = 1 + rng() % 6;
				align = PAGE_SIZE << (rng() % 4);
				pa = pmm_alloc_contig(&fx.pmm, cnt, align, UINT64_MAX);
				if (!pa)
					break;
				assert_int_equal(pa % align, 0);
				for (f = pa / PAGE_SIZE; f < pa / PAGE_SIZE + cnt; f++) {
					assert_true(shadow[f]);
					shadow[f] = false;
				}
				break;
			default:
				if (!fx.pmm.frame_count)
					break;
				f = rng() % fx.pmm.frame_count;
				/* Free only what the shadow says is allocated and usable. */
				if (!shadow[f] && model_free(map, n, res, rn, f)) {
					pmm_free(&fx.pmm, f * PAGE_SIZE, 1);
					shadow[f] = true;
				}
				break;
			}
		}
		for (i = 0; i < fx.pmm.frame_count; i++)
			assert_int_equal(pmm_is_free(&fx.pmm, i * PAGE_SIZE), shadow[i]);
		assert_int_equal(bug_calls, 0);
		release(state);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_holes, reset, release),
		cmocka_unit_test_setup_teardown(test_overlapping_unsorted, reset, release),
		cmocka_unit_test_setup_teardown(test_reserved_edges_unaligned, reset, release),
		cmocka_unit_test_setup_teardown(test_contig_2m, reset, release),
		cmocka_unit_test_setup_teardown(test_exhaustion, reset, release),
		cmocka_unit_test_setup_teardown(test_frame0_never, reset, release),
		cmocka_unit_test_setup_teardown(test_free_bugs, reset, release),
		cmocka_unit_test_setup_teardown(test_sparse_1tib, reset, release),
		cmocka_unit_test_setup_teardown(test_degenerate_maps, reset, release),
		cmocka_unit_test_setup_teardown(test_random_against_model, reset, release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
