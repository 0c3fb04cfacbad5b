/* UNIT_SOURCES: boot/efi/efimap.c */
/*
 * Host tests of the UEFI memory map conversion (boot/efi/efimap.h).
 *
 * Descriptors are laid out byte by byte as UEFI 2.10 section 7.2
 * (EFI_BOOT_SERVICES.GetMemoryMap) defines them, `desc_size` apart, in a
 * heap buffer of exactly map_size bytes so ASan catches any read past the
 * map. Table-driven cases pin the type mapping, merging, skipping of
 * malformed descriptors and the BOOT_INFO_MAX_MMAP overflow rule; a
 * randomized run then compares thousands of shuffled maps against a
 * reference model (sort, then merge neighbours of the same kind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/efi/efimap.h"

#define PAGE 4096ULL

/* EFI_MEMORY_TYPE (UEFI 2.10 section 7.2, Table 7-6). */
enum {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BS_CODE = 3,
	EFI_BS_DATA = 4,
	EFI_RT_CODE = 5,
	EFI_RT_DATA = 6,
	EFI_CONVENTIONAL = 7,
	EFI_UNUSABLE = 8,
	EFI_ACPI_RECLAIM = 9,
	EFI_ACPI_NVS = 10,
	EFI_MMIO = 11,
	EFI_MMIO_PORT = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT = 14,
	EFI_UNACCEPTED = 15,
	EFI_OEM_FIRST = 0x70000000,
	EFI_OS_FIRST = 0x80000000, /* == EFIMAP_BOOT_DATA_TYPE */
};

/* EFI_MEMORY_DESCRIPTOR field offsets (the struct the firmware fills). */
#define D_TYPE       0
#define D_PHYS_START 8
#define D_VIRT_START 16
#define D_NUM_PAGES  24
#define D_ATTRIBUTE  32
#define D_SIZE       40 /* sizeof(EFI_MEMORY_DESCRIPTOR) */

#define MAX_DESCS 400

struct desc {
	uint32_t type;
	uint64_t start;
	uint64_t pages;
};

/* A map in firmware layout: exactly `size` bytes on the heap. */
struct map {
	uint8_t *buf;
	size_t size;
	size_t desc_size;
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * Lay out n descriptors `desc_size` apart, plus `tail` stray bytes (a
 * torn last descriptor). Bytes the conversion must not depend on (pad,
 * VirtualStart, Attribute, anything past the struct) are garbage.
 */
static struct map map_build(const struct desc *d, size_t n, size_t desc_size, size_t tail)
{
	struct map m = { .size = n * desc_size + tail, .desc_size = desc_size };

	m.buf = malloc(m.size ? m.size : 1);
	assert_non_null(m.buf);
	memset(m.buf, 0xa5, m.size);
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = m.buf + i * desc_size;

		put32(p + D_TYPE, d[i].type);
		put64(p + D_PHYS_START, d[i].start);
		put64(p + D_VIRT_START, 0xdeadbeef000ULL);
		put64(p + D_NUM_PAGES, d[i].pages);
		put64(p + D_ATTRIBUTE, 0x800000000000000fULL); /* EFI_MEMORY_RUNTIME | UC..WB */
	}
	return m;
}

/* The output array has one guard slot past `max` that must stay untouched. */
static struct boot_mem_region out[BOOT_INFO_MAX_MMAP + 1];

static unsigned int convert(const struct map *m, unsigned int max, unsigned int *dropped)
{
	unsigned int n;

	assert_true(max <= BOOT_INFO_MAX_MMAP);
	memset(out, 0xcc, sizeof(out)); /* garbage, including `reserved` */
	*dropped = 12345;
	n = efimap_convert(m->buf, m->size, m->desc_size, out, max, dropped);
	assert_true(n <= max);
	for (size_t i = max * sizeof(out[0]); i < sizeof(out); i++)
		assert_int_equal(((uint8_t *)out)[i], 0xcc);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(out[i].reserved, 0);
	return n;
}

static void map_free(struct map *m)
{
	free(m->buf);
	m->buf = NULL;
}

/* Run one map through efimap_convert() and compare with `want`. */
static void check_convert(const struct desc *d, size_t n, size_t desc_size, unsigned int max,
			  const struct boot_mem_region *want, unsigned int nwant,
			  unsigned int want_dropped)
{
	struct map m = map_build(d, n, desc_size, 0);
	unsigned int dropped;
	unsigned int got = convert(&m, max, &dropped);

	map_free(&m);
	for (unsigned int i = 0; i < got && i < nwant; i++) {
		if (out[i].base != want[i].base || out[i].length != want[i].length ||
		    out[i].type != want[i].type)
			fail_msg("region %u: got [%#llx +%#llx type %u], want [%#llx +%#llx type %u]",
				 i, (unsigned long long)out[i].base,
				 (unsigned long long)out[i].length, out[i].type,
				 (unsigned long long)want[i].base,
				 (unsigned long long)want[i].length, want[i].type);
	}
	assert_int_equal(got, nwant);
	assert_int_equal(dropped, want_dropped);
}

/* clang-format off */
#define R(base, len, type) { (base), (len), BOOT_MEM_##type, 0 }
/* clang-format on */

/* ------------------------------------------------------------ types --- */

/* The expected mapping, written from UEFI 2.10 Table 7-6 and efimap.h. */
static uint32_t model_type(uint32_t efi)
{
	switch (efi) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BS_CODE:
	case EFI_BS_DATA:
	case EFI_CONVENTIONAL:
		return BOOT_MEM_USABLE;
	case EFI_UNUSABLE:
		return BOOT_MEM_BAD;
	case EFI_ACPI_RECLAIM:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_OS_FIRST:
		return BOOT_MEM_BOOT_DATA;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static void test_type_table(void **state)
{
	static const struct {
		uint32_t efi, want;
	} v[] = {
		{ EFI_RESERVED, BOOT_MEM_RESERVED },
		{ EFI_LOADER_CODE, BOOT_MEM_USABLE },
		{ EFI_LOADER_DATA, BOOT_MEM_USABLE },
		{ EFI_BS_CODE, BOOT_MEM_USABLE },
		{ EFI_BS_DATA, BOOT_MEM_USABLE },
		{ EFI_RT_CODE, BOOT_MEM_RESERVED }, /* runtime services stay mapped */
		{ EFI_RT_DATA, BOOT_MEM_RESERVED },
		{ EFI_CONVENTIONAL, BOOT_MEM_USABLE },
		{ EFI_UNUSABLE, BOOT_MEM_BAD },
		{ EFI_ACPI_RECLAIM, BOOT_MEM_ACPI_RECLAIM },
		{ EFI_ACPI_NVS, BOOT_MEM_ACPI_NVS },
		{ EFI_MMIO, BOOT_MEM_RESERVED },
		{ EFI_MMIO_PORT, BOOT_MEM_RESERVED },
		{ EFI_PAL_CODE, BOOT_MEM_RESERVED },
		{ EFI_PERSISTENT, BOOT_MEM_RESERVED },
		{ EFI_UNACCEPTED, BOOT_MEM_RESERVED }, /* must be accepted before use */
		{ 16, BOOT_MEM_RESERVED },             /* a type newer than this code */
		{ EFI_OEM_FIRST, BOOT_MEM_RESERVED },
		{ 0x7fffffff, BOOT_MEM_RESERVED },
		{ EFIMAP_BOOT_DATA_TYPE, BOOT_MEM_BOOT_DATA },
		{ EFI_OS_FIRST + 1, BOOT_MEM_RESERVED }, /* another OS loader's type */
		{ 0xffffffff, BOOT_MEM_RESERVED },
	};

	assert_int_equal(EFIMAP_BOOT_DATA_TYPE, EFI_OS_FIRST);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (efimap_type(v[i].efi) != v[i].want)
			fail_msg("EFI type %#x: got %u, want %u", v[i].efi, efimap_type(v[i].efi),
				 v[i].want);
		assert_int_equal(model_type(v[i].efi), v[i].want);
	}
}

/* -------------------------------------------------- table-driven maps --- */

/* A map shaped like OVMF's (QEMU q35, 256 MiB), in firmware order. */
static void test_ovmf_like_map(void **state)
{
	static const struct desc d[] = {
		{ EFI_BS_CODE, 0x0, 1 },
		{ EFI_CONVENTIONAL, 0x1000, 0x9f },
		{ EFI_CONVENTIONAL, 0x100000, 0x700 },
		{ EFIMAP_BOOT_DATA_TYPE, 0x800000, 0x8 }, /* the loader's own pages */
		{ EFI_ACPI_NVS, 0x808000, 0x8 },
		{ EFI_CONVENTIONAL, 0x810000, 0xf0 },
		{ EFI_ACPI_NVS, 0x900000, 0x100 },
		{ EFI_LOADER_CODE, 0xa00000, 0x40 },
		{ EFI_BS_DATA, 0xa40000, 0x5000 },
		{ EFI_LOADER_DATA, 0x5a40000, 0x20 },
		{ EFI_CONVENTIONAL, 0x5a60000, 0x9000 },
		{ EFI_RT_DATA, 0xea60000, 0x100 },
		{ EFI_RT_CODE, 0xeb60000, 0x100 },
		{ EFI_RESERVED, 0xec60000, 0x10 },
		{ EFI_ACPI_RECLAIM, 0xec70000, 0xb },
		{ EFI_ACPI_NVS, 0xec7b000, 0x85 },
		{ EFI_BS_DATA, 0xed00000, 0x1000 },
		{ EFI_RESERVED, 0xfd00000, 0x300 },
		{ EFI_MMIO, 0xb0000000, 0x10000 },
		{ EFI_MMIO, 0xffc00000, 0x400 },
		{ EFI_RESERVED, 0xfd00000000ULL, 0x300000 },
	};
	static const struct boot_mem_region want[] = {
		R(0x0, 0xa0000, USABLE),
		R(0x100000, 0x700000, USABLE),
		R(0x800000, 0x8000, BOOT_DATA),
		R(0x808000, 0x8000, ACPI_NVS),
		R(0x810000, 0xf0000, USABLE),
		R(0x900000, 0x100000, ACPI_NVS),
		/* LoaderCode, BS data, LoaderData, conventional: one run */
		R(0xa00000, 0xe060000, USABLE),
		R(0xea60000, 0x210000, RESERVED),
		R(0xec70000, 0xb000, ACPI_RECLAIM),
		R(0xec7b000, 0x85000, ACPI_NVS),
		R(0xed00000, 0x1000000, USABLE),
		R(0xfd00000, 0x300000, RESERVED),
		R(0xb0000000, 0x10000000, RESERVED),
		R(0xffc00000, 0x400000, RESERVED),
		R(0xfd00000000ULL, 0x300000000ULL, RESERVED),
	};

	/* 48 is what OVMF reports: the struct plus padding. */
	check_convert(d, 21, 48, BOOT_INFO_MAX_MMAP, want, 15, 0);
	check_convert(d, 21, D_SIZE, BOOT_INFO_MAX_MMAP, want, 15, 0);
}

static void test_empty_and_degenerate(void **state)
{
	static const struct desc one = { EFI_CONVENTIONAL, 0x100000, 16 };
	static const struct boot_mem_region want = R(0x100000, 0x10000, USABLE);
	struct map m;
	unsigned int dropped;

	/* Nothing in, nothing out. */
	check_convert(NULL, 0, 48, BOOT_INFO_MAX_MMAP, NULL, 0, 0);

	/* A descriptor stride below the struct is a firmware bug: no map. */
	m = map_build(&one, 1, D_SIZE, 0);
	assert_int_equal(efimap_convert(m.buf, m.size, D_SIZE - 8, out, 8, &dropped), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(efimap_convert(m.buf, m.size, 0, out, 8, &dropped), 0);
	map_free(&m);

	/* No room at all. */
	m = map_build(&one, 1, 48, 0);
	dropped = 99;
	assert_int_equal(efimap_convert(m.buf, m.size, 48, out, 0, &dropped), 0);
	assert_int_equal(dropped, 0);
	map_free(&m);

	/* map_size shorter than one descriptor. */
	m = map_build(&one, 1, 48, 0);
	m.size = 47;
	assert_int_equal(convert(&m, 8, &dropped), 0);
	map_free(&m);

	/* A torn descriptor after a whole one is not read (ASan would see it). */
	m = map_build(&one, 1, 48, 47);
	assert_int_equal(convert(&m, 8, &dropped), 1);
	assert_int_equal(dropped, 0);
	assert_memory_equal(&out[0], &want, sizeof(want));
	map_free(&m);
}

/* Descriptors no sane firmware reports are skipped, not trusted. */
static void test_malformed_skipped(void **state)
{
	static const struct desc d[] = {
		{ EFI_CONVENTIONAL, 0x100000, 0 },          /* empty */
		{ EFI_CONVENTIONAL, 0x200000, UINT64_MAX }, /* pages << 12 overflows */
		{ EFI_CONVENTIONAL, 0x300000, (UINT64_MAX >> 12) + 1 },
		{ EFI_CONVENTIONAL, 0xfffffffffff00000ULL, 0x101 }, /* end wraps past 2^64 */
		{ EFI_CONVENTIONAL, 0xfffffffffffff000ULL, 1 },     /* ends exactly at 2^64 */
		{ EFI_ACPI_RECLAIM, 0x400000, 2 },                  /* the only good one */
		{ EFI_CONVENTIONAL, 0x1000, UINT64_MAX >> 12 },     /* wraps */
	};
	static const struct boot_mem_region want[] = {
		R(0x400000, 0x2000, ACPI_RECLAIM),
	};

	check_convert(d, 7, 48, BOOT_INFO_MAX_MMAP, want, 1, 0);
}

/* The largest region that still fits: up to the last page below 2^64. */
static void test_top_of_address_space(void **state)
{
	static const struct desc d[] = {
		{ EFI_RESERVED, 0xffffffffffffe000ULL, 1 },
		{ EFI_CONVENTIONAL, 0x1000, (UINT64_MAX >> 12) - 2 },
	};
	static const struct boot_mem_region want[] = {
		R(0x1000, 0xffffffffffffd000ULL, USABLE),
		R(0xffffffffffffe000ULL, 0x1000, RESERVED),
	};

	check_convert(d, 2, D_SIZE, 4, want, 2, 0);
}

static void test_merging(void **state)
{
	/* Adjacent, same kind, different EFI types, any order: one region. */
	static const struct desc same_kind[] = {
		{ EFI_BS_DATA, 0x3000, 1 },     { EFI_CONVENTIONAL, 0x1000, 1 },
		{ EFI_LOADER_CODE, 0x4000, 1 }, { EFI_BS_CODE, 0x2000, 1 },
		{ EFI_LOADER_DATA, 0x0, 1 },
	};
	static const struct boot_mem_region one[] = { R(0x0, 0x5000, USABLE) };
	/* A gap or another kind keeps regions apart. */
	static const struct desc apart[] = {
		{ EFI_CONVENTIONAL, 0x0, 1 },
		{ EFI_CONVENTIONAL, 0x2000, 1 }, /* gap at 0x1000 */
		{ EFI_ACPI_RECLAIM, 0x3000, 1 }, /* adjacent, other kind */
		{ EFI_ACPI_NVS, 0x4000, 1 },     /* both ACPI, still different */
		{ EFI_RT_DATA, 0x5000, 1 },
		{ EFI_MMIO, 0x6000, 1 },              /* both RESERVED: merged */
		{ EFIMAP_BOOT_DATA_TYPE, 0x7000, 1 }, /* kernel data next to free RAM */
		{ EFI_CONVENTIONAL, 0x8000, 1 },
	};
	static const struct boot_mem_region apart_want[] = {
		R(0x0, 0x1000, USABLE),          R(0x2000, 0x1000, USABLE),
		R(0x3000, 0x1000, ACPI_RECLAIM), R(0x4000, 0x1000, ACPI_NVS),
		R(0x5000, 0x2000, RESERVED),     R(0x7000, 0x1000, BOOT_DATA),
		R(0x8000, 0x1000, USABLE),
	};
	/* The last piece bridges two regions: they become one. */
	static const struct desc bridge[] = {
		{ EFI_CONVENTIONAL, 0x0, 1 },
		{ EFI_CONVENTIONAL, 0x2000, 2 },
		{ EFI_RESERVED, 0x10000, 1 },
		{ EFI_BS_DATA, 0x1000, 1 },
	};
	static const struct boot_mem_region bridge_want[] = {
		R(0x0, 0x4000, USABLE),
		R(0x10000, 0x1000, RESERVED),
	};
	/* A piece in front of a region grows it downwards. */
	static const struct desc prepend[] = {
		{ EFI_ACPI_NVS, 0x5000, 1 },
		{ EFI_ACPI_NVS, 0x4000, 1 },
		{ EFI_ACPI_NVS, 0x1000, 3 },
	};
	static const struct boot_mem_region prepend_want[] = { R(0x1000, 0x5000, ACPI_NVS) };

	check_convert(same_kind, 5, 48, BOOT_INFO_MAX_MMAP, one, 1, 0);
	check_convert(apart, 8, 48, BOOT_INFO_MAX_MMAP, apart_want, 7, 0);
	check_convert(bridge, 4, 48, BOOT_INFO_MAX_MMAP, bridge_want, 2, 0);
	/* Full, yet the bridge needs no slot: nothing is lost. */
	check_convert(bridge, 4, 48, 3, bridge_want, 2, 0);
	check_convert(prepend, 3, 48, 1, prepend_want, 1, 0);
}

/* Any stride GetMemoryMap() may report: the fields are found by offset. */
static void test_descriptor_sizes(void **state)
{
	static const struct desc d[] = {
		{ EFI_CONVENTIONAL, 0x100000, 0x100 },
		{ EFI_RESERVED, 0x0, 0x100 },
		{ EFI_ACPI_RECLAIM, 0x200000, 0x1 },
	};
	static const struct boot_mem_region want[] = {
		R(0x0, 0x100000, RESERVED),
		R(0x100000, 0x100000, USABLE),
		R(0x200000, 0x1000, ACPI_RECLAIM),
	};
	static const size_t sizes[] = { 40, 48, 56, 64, 80, 128, 4096 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_convert(d, 3, sizes[i], BOOT_INFO_MAX_MMAP, want, 3, 0);
}

/* ------------------------------------------------- BOOT_INFO_MAX_MMAP --- */

/* n regions that never merge: every other one is a 1-page hole. */
static size_t build_unmergeable(struct desc *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		d[i].type = i % 2 ? EFI_ACPI_NVS : EFI_CONVENTIONAL;
		d[i].start = 0x100000 + i * 2 * PAGE;
		d[i].pages = 1;
	}
	return n;
}

static void test_overflow_sorted(void **state)
{
	static struct desc d[BOOT_INFO_MAX_MMAP + 20];
	size_t n = build_unmergeable(d, BOOT_INFO_MAX_MMAP + 20);
	struct map m = map_build(d, n, 48, 0);
	unsigned int dropped;

	/* Ascending input: the lowest BOOT_INFO_MAX_MMAP survive, 20 dropped. */
	assert_int_equal(convert(&m, BOOT_INFO_MAX_MMAP, &dropped), BOOT_INFO_MAX_MMAP);
	assert_int_equal(dropped, 20);
	for (unsigned int i = 0; i < BOOT_INFO_MAX_MMAP; i++) {
		assert_int_equal(out[i].base, d[i].start);
		assert_int_equal(out[i].length, PAGE);
	}
	map_free(&m);

	/* Exactly full is not an overflow. */
	m = map_build(d, BOOT_INFO_MAX_MMAP, 48, 0);
	assert_int_equal(convert(&m, BOOT_INFO_MAX_MMAP, &dropped), BOOT_INFO_MAX_MMAP);
	assert_int_equal(dropped, 0);
	map_free(&m);
}

static void test_overflow_reversed(void **state)
{
	static struct desc d[BOOT_INFO_MAX_MMAP + 20], r[BOOT_INFO_MAX_MMAP + 20];
	size_t n = build_unmergeable(d, BOOT_INFO_MAX_MMAP + 20);
	struct map m;
	unsigned int dropped;

	for (size_t i = 0; i < n; i++)
		r[i] = d[n - 1 - i];
	m = map_build(r, n, 48, 0);
	/* Highest first in the input: each low one evicts the highest kept. */
	assert_int_equal(convert(&m, BOOT_INFO_MAX_MMAP, &dropped), BOOT_INFO_MAX_MMAP);
	assert_int_equal(dropped, 20);
	for (unsigned int i = 0; i < BOOT_INFO_MAX_MMAP; i++)
		assert_int_equal(out[i].base, d[i].start);
	map_free(&m);
}

static void test_overflow_small_max(void **state)
{
	static const struct desc d[] = {
		{ EFI_CONVENTIONAL, 0x9000, 1 }, { EFI_RESERVED, 0x0, 1 },
		{ EFI_CONVENTIONAL, 0x5000, 1 }, { EFI_ACPI_NVS, 0x7000, 1 },
		{ EFI_CONVENTIONAL, 0x2000, 1 },
	};
	static const struct boot_mem_region want[] = {
		R(0x0, 0x1000, RESERVED),
		R(0x2000, 0x1000, USABLE),
	};

	/* 0x5000 evicts 0x9000, 0x7000 finds no room, 0x2000 evicts 0x5000. */
	check_convert(d, 5, 48, 2, want, 2, 3);
	check_convert(d, 5, 48, 1, want, 1, 4);
}

/* --------------------------------------------------------- randomized --- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible on every host, unlike rand(). */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_below(uint64_t n)
{
	return rng() % n;
}

static const uint32_t rand_types[] = {
	EFI_RESERVED,          EFI_LOADER_CODE,  EFI_LOADER_DATA, EFI_BS_CODE,
	EFI_BS_DATA,           EFI_RT_CODE,      EFI_RT_DATA,     EFI_CONVENTIONAL,
	EFI_UNUSABLE,          EFI_ACPI_RECLAIM, EFI_ACPI_NVS,    EFI_MMIO,
	EFI_MMIO_PORT,         EFI_PAL_CODE,     EFI_PERSISTENT,  EFI_UNACCEPTED,
	EFIMAP_BOOT_DATA_TYPE, EFI_OS_FIRST + 1, EFI_OEM_FIRST,
};

/* Non-overlapping descriptors in ascending order, some touching. */
static size_t random_map(struct desc *d, size_t max)
{
	size_t n = rng_below(max + 1);
	uint64_t at = rng_below(4) * PAGE;

	for (size_t i = 0; i < n; i++) {
		/* Few types, often repeated, so that neighbours do merge. */
		if (i > 0 && rng_below(3) == 0)
			d[i].type = d[i - 1].type;
		else
			d[i].type =
				rand_types[rng_below(sizeof(rand_types) / sizeof(rand_types[0]))];
		d[i].start = at;
		d[i].pages = 1 + rng_below(rng_below(8) == 0 ? 0x40000 : 50);
		at += d[i].pages * PAGE;
		if (rng_below(4) == 0)
			at += (1 + rng_below(3)) * PAGE;
	}
	/* Now and then a region at the very top of the address space. */
	if (n > 0 && rng_below(10) == 0) {
		d[n - 1].start = 0xfffffffffff00000ULL;
		d[n - 1].pages = 0xff;
	}
	return n;
}

/* Reference: sort (input is sorted already), merge neighbours of a kind. */
static size_t model_merge(const struct desc *d, size_t n, struct boot_mem_region *want)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t type = model_type(d[i].type);

		if (k > 0 && want[k - 1].type == type &&
		    want[k - 1].base + want[k - 1].length == d[i].start) {
			want[k - 1].length += d[i].pages * PAGE;
			continue;
		}
		want[k].base = d[i].start;
		want[k].length = d[i].pages * PAGE;
		want[k].type = type;
		want[k].reserved = 0;
		k++;
	}
	return k;
}

/* Is [base, base+len) a union of whole input descriptors inside one want[]? */
static void check_piece(const struct boot_mem_region *r, const struct desc *d, size_t n,
			const struct boot_mem_region *want, size_t nwant)
{
	bool starts = false, ends = false, inside = false;

	for (size_t i = 0; i < n; i++) {
		starts |= d[i].start == r->base;
		ends |= d[i].start + d[i].pages * PAGE == r->base + r->length;
	}
	for (size_t i = 0; i < nwant; i++)
		inside |= want[i].type == r->type && r->base >= want[i].base &&
			  r->base + r->length <= want[i].base + want[i].length;
	if (!starts || !ends || !inside)
		fail_msg("region [%#llx +%#llx type %u] is not made of input descriptors",
			 (unsigned long long)r->base, (unsigned long long)r->length, r->type);
}

static void test_randomized(void **state)
{
	static struct desc d[MAX_DESCS], shuffled[MAX_DESCS];
	static struct boot_mem_region want[MAX_DESCS];
	static const size_t sizes[] = { 40, 48, 56, 64 };

	rng_state = 0x5354524154414d50ULL;
	for (int iter = 0; iter < 4000; iter++) {
		size_t n = random_map(d, iter % 4 == 0 ? MAX_DESCS : 40);
		size_t nwant = model_merge(d, n, want);
		unsigned int max = rng_below(2) ? BOOT_INFO_MAX_MMAP
						: 1 + rng_below(BOOT_INFO_MAX_MMAP);
		size_t desc_size = sizes[rng_below(4)];
		int order = (int)rng_below(3); /* ascending, descending, shuffled */
		unsigned int got, dropped;
		uint64_t in_bytes = 0, out_bytes = 0;
		struct map m;

		for (size_t i = 0; i < n; i++)
			shuffled[i] = order == 1 ? d[n - 1 - i] : d[i];
		if (order == 2) {
			for (size_t i = n; i > 1; i--) {
				size_t j = rng_below(i);
				struct desc t = shuffled[i - 1];

				shuffled[i - 1] = shuffled[j];
				shuffled[j] = t;
			}
		}
		m = map_build(shuffled, n, desc_size, rng_below(desc_size));
		got = convert(&m, max, &dropped);
		map_free(&m);

		/* Sorted, disjoint, fully merged, each piece from the input. */
		for (unsigned int i = 0; i < got; i++) {
			out_bytes += out[i].length;
			check_piece(&out[i], d, n, want, nwant);
			if (i == 0)
				continue;
			assert_true(out[i].base >= out[i - 1].base + out[i - 1].length);
			assert_false(out[i].type == out[i - 1].type &&
				     out[i].base == out[i - 1].base + out[i - 1].length);
		}
		for (size_t i = 0; i < n; i++)
			in_bytes += d[i].pages * PAGE;

		if (dropped == 0) {
			/* Nothing lost: exactly the reference, whatever the order. */
			assert_int_equal(got, nwant);
			assert_memory_equal(out, want, nwant * sizeof(want[0]));
		} else {
			assert_true(out_bytes < in_bytes);
		}
		if (order != 2) {
			/*
			 * Sorted either way, the list never holds more regions
			 * than the reference: the lowest `max` survive, whole.
			 */
			unsigned int keep = nwant < max ? (unsigned int)nwant : max;

			assert_int_equal(got, keep);
			assert_memory_equal(out, want, keep * sizeof(want[0]));
			assert_int_equal(dropped == 0, nwant <= max);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_table),
		cmocka_unit_test(test_ovmf_like_map),
		cmocka_unit_test(test_empty_and_degenerate),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_merging),
		cmocka_unit_test(test_descriptor_sizes),
		cmocka_unit_test(test_overflow_sorted),
		cmocka_unit_test(test_overflow_reversed),
		cmocka_unit_test(test_overflow_small_max),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
