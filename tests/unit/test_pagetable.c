/* UNIT_SOURCES: kernel/mm/pagetable.c */
/*
 * Host tests of the 4-level page-table builder. Tables live in malloc'd
 * 4 KiB blocks behind fake physical addresses, reached only through the
 * pt_ops, exactly as the kernel reaches real frames. Besides targeted
 * cases (page size choice, splits, canonical checks, allocation failure,
 * raw entry bits), a random sequence of maps and unmaps is checked page
 * by page against a flat model.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/mm/pagetable.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

#define FAKE_BASE  0x7f000000ULL /* fake hpa of table 0 */
#define MAX_TABLES 4096

/* EPT entry bits (SDM Vol. 3C 29.3.2, Tables 29-1 to 29-6). */
#define EPT_R       (1ULL << 0)
#define EPT_W       (1ULL << 1)
#define EPT_X       (1ULL << 2)
#define EPT_MT_WB   (6ULL << 3)
#define EPT_IGN_PAT (1ULL << 6)

struct fake_mem {
	uint64_t *tables[MAX_TABLES];
	int count;
	int budget; /* tables still allowed; -1 = unlimited */
};

static struct fake_mem mem;

static hpa_t fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;

	if (m->budget == 0 || m->count == MAX_TABLES)
		return 0;
	if (m->budget > 0)
		m->budget--;
	m->tables[m->count] = calloc(PT_ENTRIES, sizeof(uint64_t));
	assert_non_null(m->tables[m->count]);
	return FAKE_BASE + (hpa_t)m->count++ * PAGE_SIZE;
}

static uint64_t *fake_ptr(void *ctx, hpa_t pa)
{
	struct fake_mem *m = ctx;
	uint64_t i = (pa - FAKE_BASE) / PAGE_SIZE;

	/* The builder must only follow addresses it was given. */
	assert_true(pa >= FAKE_BASE && pa % PAGE_SIZE == 0);
	assert_true(i < (uint64_t)m->count);
	return m->tables[i];
}

static const struct pt_ops ops = {
	.alloc_table = fake_alloc,
	.table_ptr = fake_ptr,
	.ctx = &mem,
};

static const struct pt_format x86_fmt = {
	.table_flags = PTE_P | PTE_RW | PTE_US,
	.present_mask = PTE_P,
};

static const struct pt_format ept_fmt = {
	.table_flags = EPT_R | EPT_W | EPT_X,
	.present_mask = EPT_R | EPT_W | EPT_X,
};

static int setup(void **state)
{
	memset(&mem, 0, sizeof(mem));
	mem.budget = -1;
	return 0;
}

static int teardown(void **state)
{
	int i;

	for (i = 0; i < mem.count; i++)
		free(mem.tables[i]);
	mem.count = 0;
	return 0;
}

static void new_pt(struct pagetable *pt, const struct pt_format *fmt)
{
	assert_int_equal(pt_init(pt, fmt, &ops), 0);
	assert_int_equal(mem.count, 1);
}

static void expect_map(const struct pagetable *pt, uint64_t va, hpa_t pa, uint64_t flags,
		       uint64_t size)
{
	hpa_t got_pa = 0;
	uint64_t got_flags = 0, got_size = 0;

	if (!pt_lookup(pt, va, &got_pa, &got_flags, &got_size))
		fail_msg("va 0x%llx not mapped", (unsigned long long)va);
	if (got_pa != pa || got_flags != flags || got_size != size)
		fail_msg("va 0x%llx -> pa 0x%llx flags 0x%llx size 0x%llx, "
			 "want 0x%llx 0x%llx 0x%llx",
			 (unsigned long long)va, (unsigned long long)got_pa,
			 (unsigned long long)got_flags, (unsigned long long)got_size,
			 (unsigned long long)pa, (unsigned long long)flags,
			 (unsigned long long)size);
}

static void expect_unmapped(const struct pagetable *pt, uint64_t va)
{
	if (pt_lookup(pt, va, NULL, NULL, NULL))
		fail_msg("va 0x%llx unexpectedly mapped", (unsigned long long)va);
}

/* Raw entry at `level` (3 = PML4 ... 0 = PT) for va, walking tables. */
static uint64_t raw_entry(const struct pagetable *pt, uint64_t va, int level)
{
	uint64_t *t = fake_ptr(&mem, pt->root);
	int l;

	for (l = 3;; l--) {
		uint64_t e = t[(va >> (12 + 9 * l)) & 511];

		if (l == level)
			return e;
		t = fake_ptr(&mem, e & PT_ADDR_MASK);
	}
}

static void test_map_lookup_4k(void **state)
{
	struct pagetable pt;
	uint64_t flags = PTE_P | PTE_RW;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, 0x400000, 0x1234000, PAGE_SIZE, flags, true), 0);
	assert_int_equal(mem.count, 4); /* PDPT, PD, PT */
	expect_map(&pt, 0x400000, 0x1234000, flags, PAGE_SIZE);
	expect_map(&pt, 0x400abc, 0x1234abc, flags, PAGE_SIZE);
	expect_unmapped(&pt, 0x3ff000);
	expect_unmapped(&pt, 0x401000);
	expect_unmapped(&pt, 0);

	/* Raw bits: tables carry table_flags, the 4 KiB leaf has no bit 7. */
	assert_int_equal(raw_entry(&pt, 0x400000, 3) & ~PT_ADDR_MASK, x86_fmt.table_flags);
	assert_int_equal(raw_entry(&pt, 0x400000, 1) & ~PT_ADDR_MASK, x86_fmt.table_flags);
	assert_int_equal(raw_entry(&pt, 0x400000, 0), 0x1234000 | flags);

	/* NULL out-parameters are allowed. */
	assert_true(pt_lookup(&pt, 0x400000, NULL, NULL, NULL));
}

static void test_page_size_selection(void **state)
{
	struct pagetable pt;
	uint64_t f = PTE_P | PTE_RW, i;
	int before;

	new_pt(&pt, &x86_fmt);
	/* 1 GiB aligned on both sides: one 1 GiB leaf. */
	assert_int_equal(pt_map(&pt, 1 * GIB, 5 * GIB, 1 * GIB, f, true), 0);
	expect_map(&pt, 1 * GIB + 0x12345, 5 * GIB + 0x12345, f, PAGE_SIZE_1G);
	assert_true(raw_entry(&pt, 1 * GIB, 2) & PT_LARGE);
	assert_int_equal(mem.count, 2);

	/* Same without allow_1g: 512 2 MiB leaves under one new PD. */
	assert_int_equal(pt_map(&pt, 2 * GIB, 6 * GIB, 1 * GIB, f, false), 0);
	assert_int_equal(mem.count, 3);
	for (i = 0; i < 512; i++)
		expect_map(&pt, 2 * GIB + i * PAGE_SIZE_2M, 6 * GIB + i * PAGE_SIZE_2M, f,
			   PAGE_SIZE_2M);

	/* pa only 4 KiB aligned: 4 KiB pages even though va is 1 GiB aligned. */
	before = mem.count;
	assert_int_equal(pt_map(&pt, 3 * GIB, 0x1000, 4 * MIB, f, true), 0);
	assert_int_equal(mem.count, before + 1 + 2);
	expect_map(&pt, 3 * GIB + 3 * MIB, 0x1000 + 3 * MIB, f, PAGE_SIZE);

	/* Unaligned head and tail around a 2 MiB-aligned middle. */
	assert_int_equal(pt_map(&pt, 8 * GIB + 0x1ff000, 0x40000000 + 0x1ff000,
				PAGE_SIZE_2M + 2 * PAGE_SIZE, f, true),
			 0);
	expect_map(&pt, 8 * GIB + 0x1ff000, 0x401ff000, f, PAGE_SIZE);
	expect_map(&pt, 8 * GIB + 0x200000, 0x40200000, f, PAGE_SIZE_2M);
	expect_map(&pt, 8 * GIB + 0x3fffff, 0x403fffff, f, PAGE_SIZE_2M);
	expect_map(&pt, 8 * GIB + 0x400000, 0x40400000, f, PAGE_SIZE);
	expect_unmapped(&pt, 8 * GIB + 0x1fe000);
	expect_unmapped(&pt, 8 * GIB + 0x401000);

	/* 1 GiB + 2 MiB: one 1 GiB page then one 2 MiB page. */
	assert_int_equal(pt_map(&pt, 16 * GIB, 32 * GIB, 1 * GIB + 2 * MIB, f, true), 0);
	expect_map(&pt, 16 * GIB, 32 * GIB, f, PAGE_SIZE_1G);
	expect_map(&pt, 17 * GIB, 33 * GIB, f, PAGE_SIZE_2M);
	expect_unmapped(&pt, 17 * GIB + 2 * MIB);
}

static void test_higher_half_and_canonical(void **state)
{
	struct pagetable pt;
	uint64_t f = PTE_P | PTE_RW | PTE_G;
	const uint64_t kva = 0xffffffff80000000ULL;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, kva, 0x200000, 4 * MIB, f, true), 0);
	expect_map(&pt, kva + 0x3fffff, 0x5fffff, f, PAGE_SIZE_2M);
	expect_unmapped(&pt, 0x7fff80000000ULL); /* same low 48 bits, other half */
	assert_int_equal(pt_map(&pt, 0xffff800000000000ULL, 0x1000, PAGE_SIZE, f, true), 0);
	expect_map(&pt, 0xffff800000000000ULL, 0x1000, f, PAGE_SIZE);
	/* The last page of the address space. */
	assert_int_equal(pt_map(&pt, 0xfffffffffffff000ULL, 0x2000, PAGE_SIZE, f, true), 0);
	expect_map(&pt, 0xffffffffffffffffULL, 0x2fff, f, PAGE_SIZE);
	/* The last canonical low page. */
	assert_int_equal(pt_map(&pt, 0x00007ffffffff000ULL, 0x3000, PAGE_SIZE, f, true), 0);
	expect_map(&pt, 0x00007ffffffff000ULL, 0x3000, f, PAGE_SIZE);

	/* Non-canonical starts, ends, crossings and wraps. */
	assert_int_equal(pt_map(&pt, 0x0000800000000000ULL, 0, PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0xffff7ffffffff000ULL, 0, PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x00007ffffffff000ULL, 0, 2 * PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x00007ffffffff000ULL, 0, 0xffff000000002000ULL, f, true),
			 -EINVAL);
	assert_int_equal(pt_map(&pt, 0xfffffffffffff000ULL, 0, 2 * PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_unmap(&pt, 0x0000800000000000ULL, PAGE_SIZE), -EINVAL);
	assert_int_equal(pt_unmap(&pt, 0x00007ffffffff000ULL, 2 * PAGE_SIZE), -EINVAL);
	assert_false(pt_lookup(&pt, 0x0000800000000000ULL, NULL, NULL, NULL));
	assert_false(pt_lookup(&pt, 0x8000000000000000ULL, NULL, NULL, NULL));
	/* Nothing changed. */
	expect_map(&pt, 0x00007ffffffff000ULL, 0x3000, f, PAGE_SIZE);
}

static void test_bad_arguments(void **state)
{
	struct pagetable pt;
	struct pt_format bad = x86_fmt;
	uint64_t f = PTE_P | PTE_RW;
	int before;

	new_pt(&pt, &x86_fmt);
	before = mem.count;
	assert_int_equal(pt_map(&pt, 0x1001, 0x2000, PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2001, PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2000, 0x800, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2000, 0, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2000, PAGE_SIZE, PTE_RW, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2000, PAGE_SIZE, f | PT_LARGE, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x2000, PAGE_SIZE, f | 0x5000, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 1ULL << 52, PAGE_SIZE, f, true), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, (1ULL << 52) - PAGE_SIZE, 2 * PAGE_SIZE, f, true),
			 -EINVAL);
	assert_int_equal(pt_unmap(&pt, 0x1800, PAGE_SIZE), -EINVAL);
	assert_int_equal(pt_unmap(&pt, 0x1000, 0), -EINVAL);
	assert_int_equal(mem.count, before); /* rejected before any allocation */
	/* The highest mappable frame is fine. */
	assert_int_equal(pt_map(&pt, 0x1000, (1ULL << 52) - PAGE_SIZE, PAGE_SIZE, f, true), 0);
	expect_map(&pt, 0x1000, (1ULL << 52) - PAGE_SIZE, f, PAGE_SIZE);

	bad.present_mask = 0;
	assert_int_equal(pt_init(&pt, &bad, &ops), -EINVAL);
	bad = x86_fmt;
	bad.table_flags = PTE_RW; /* a table entry that is not present */
	assert_int_equal(pt_init(&pt, &bad, &ops), -EINVAL);
	bad.table_flags = PTE_P | PT_LARGE;
	assert_int_equal(pt_init(&pt, &bad, &ops), -EINVAL);
	mem.budget = 0;
	assert_int_equal(pt_init(&pt, &x86_fmt, &ops), -ENOMEM);
}

static void test_permissions_and_remap(void **state)
{
	struct pagetable pt;
	uint64_t ro_nx = PTE_P | PTE_NX, user = PTE_P | PTE_RW | PTE_US;
	uint64_t uc = PTE_P | PTE_RW | PTE_PCD | PTE_PWT;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, 0x10000, 0x10000, PAGE_SIZE, ro_nx, true), 0);
	assert_int_equal(pt_map(&pt, 0x11000, 0x11000, PAGE_SIZE, user, true), 0);
	assert_int_equal(pt_map(&pt, 2 * MIB, 0xfee00000 & ~(PAGE_SIZE_2M - 1), 2 * MIB, uc, true),
			 0);
	expect_map(&pt, 0x10000, 0x10000, ro_nx, PAGE_SIZE);
	expect_map(&pt, 0x11000, 0x11000, user, PAGE_SIZE);
	expect_map(&pt, 2 * MIB + 0xee000, 0xfeeee000, uc, PAGE_SIZE_2M);
	assert_true(raw_entry(&pt, 0x10000, 0) & PTE_NX);

	/* Remapping replaces address and bits in place. */
	assert_int_equal(pt_map(&pt, 0x10000, 0x99000, PAGE_SIZE, user, true), 0);
	expect_map(&pt, 0x10000, 0x99000, user, PAGE_SIZE);
	assert_int_equal(pt_map(&pt, 2 * MIB, 64 * MIB, 2 * MIB, ro_nx, true), 0);
	expect_map(&pt, 2 * MIB, 64 * MIB, ro_nx, PAGE_SIZE_2M);
}

/* Check every 4 KiB page of [va, va+size) maps linearly to pa with `flags`. */
static void expect_linear(const struct pagetable *pt, uint64_t va, hpa_t pa, uint64_t size,
			  uint64_t flags)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		hpa_t got;
		uint64_t gf;

		if (!pt_lookup(pt, va + off, &got, &gf, NULL) || got != pa + off || gf != flags)
			fail_msg("va 0x%llx lost its old mapping", (unsigned long long)(va + off));
	}
}

static void test_split_1g(void **state)
{
	struct pagetable pt;
	uint64_t old = PTE_P | PTE_RW | PTE_G, nf = PTE_P | PTE_NX;
	const uint64_t va = 1 * GIB, pa = 2 * GIB;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, va, pa, 1 * GIB, old, true), 0);
	assert_int_equal(pt_map(&pt, va + 0x123000, 0x5000, PAGE_SIZE, nf, true), 0);
	assert_int_equal(mem.count, 2 + 2); /* one PD from the split, one PT */

	expect_map(&pt, va + 0x123000, 0x5000, nf, PAGE_SIZE);
	expect_map(&pt, va + 0x122000, pa + 0x122000, old, PAGE_SIZE);
	expect_map(&pt, va + 0x124fff, pa + 0x124fff, old, PAGE_SIZE);
	expect_map(&pt, va + 0x200000, pa + 0x200000, old, PAGE_SIZE_2M);
	expect_map(&pt, va + GIB - 1, pa + GIB - 1, old, PAGE_SIZE_2M);
	/* The split PDEs keep bit 7; the PTEs made from a PDE drop it. */
	assert_true(raw_entry(&pt, va + 0x400000, 1) & PT_LARGE);
	assert_false(raw_entry(&pt, va + 0x122000, 0) & PT_LARGE);
	/* Everything except the one page still translates as before. */
	expect_linear(&pt, va, pa, 0x123000, old);
	expect_linear(&pt, va + 0x124000, pa + 0x124000, GIB - 0x124000, old);

	/* A 2 MiB map inside the (now split) 1 GiB region replaces one PDE. */
	assert_int_equal(pt_map(&pt, va + 4 * MIB, 128 * MIB, 2 * MIB, nf, true), 0);
	expect_map(&pt, va + 5 * MIB, 129 * MIB, nf, PAGE_SIZE_2M);

	/* A 1 GiB map over the split region fills the existing PD with 2 MiB
	 * pages (no table is dropped) and wins everywhere but the PT slot. */
	assert_int_equal(pt_map(&pt, va, 8 * GIB, 1 * GIB, old, true), 0);
	expect_map(&pt, va + 0x200000, 8 * GIB + 0x200000, old, PAGE_SIZE_2M);
	expect_map(&pt, va + 0x123000, 8 * GIB + 0x123000, old, PAGE_SIZE);
	expect_linear(&pt, va, 8 * GIB, GIB, old);
	assert_int_equal(mem.count, 4);
}

static void test_unmap(void **state)
{
	struct pagetable pt;
	uint64_t f = PTE_P | PTE_RW;
	int before;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, 0, 0, 4 * GIB, f, true), 0);

	/* A 4 KiB hole in a 1 GiB page: splits twice. */
	assert_int_equal(pt_unmap(&pt, 0x1000, PAGE_SIZE), 0);
	expect_map(&pt, 0, 0, f, PAGE_SIZE);
	expect_unmapped(&pt, 0x1000);
	expect_map(&pt, 0x2000, 0x2000, f, PAGE_SIZE);
	expect_map(&pt, 0x200000, 0x200000, f, PAGE_SIZE_2M);

	/* Straddling: end of one 2 MiB page into the next. */
	assert_int_equal(pt_unmap(&pt, 0x3ff000, 0x3000), 0);
	expect_map(&pt, 0x3fe000, 0x3fe000, f, PAGE_SIZE);
	expect_unmapped(&pt, 0x3ff000);
	expect_unmapped(&pt, 0x401000);
	expect_map(&pt, 0x402000, 0x402000, f, PAGE_SIZE);

	/* A whole 1 GiB page and a whole 2 MiB page go without splitting. */
	before = mem.count;
	assert_int_equal(pt_unmap(&pt, 1 * GIB, 1 * GIB), 0);
	assert_int_equal(pt_unmap(&pt, 2 * GIB, 2 * MIB), 0);
	assert_int_equal(mem.count, before + 1); /* only the 1G at 2 GiB split */
	expect_unmapped(&pt, 1 * GIB);
	expect_unmapped(&pt, 2 * GIB - 1);
	expect_unmapped(&pt, 2 * GIB + 2 * MIB - 1);
	expect_map(&pt, 2 * GIB + 2 * MIB, 2 * GIB + 2 * MIB, f, PAGE_SIZE_2M);

	/* Unmapping across holes and never-mapped space is fine. */
	assert_int_equal(pt_unmap(&pt, 0, 600 * GIB), 0);
	expect_unmapped(&pt, 0);
	expect_unmapped(&pt, 3 * GIB + 5 * MIB);
	assert_int_equal(pt_unmap(&pt, 0xffff800000000000ULL, 512 * GIB), 0);

	/* Tables are kept: remapping reuses them. */
	before = mem.count;
	assert_int_equal(pt_map(&pt, 0x1000, 0x1000, PAGE_SIZE, f, true), 0);
	assert_int_equal(mem.count, before);
	expect_map(&pt, 0x1000, 0x1000, f, PAGE_SIZE);
}

static void test_enomem_map(void **state)
{
	struct pagetable pt;
	uint64_t f = PTE_P | PTE_RW, off;
	bool seen_hole = false;
	int rc;

	new_pt(&pt, &x86_fmt);
	/* Old mapping of [0, 8 MiB) as 2 MiB pages to 1 GiB. */
	assert_int_equal(pt_map(&pt, 0, 1 * GIB, 8 * MIB, f, false), 0);

	/* New 4 KiB mapping of [1 MiB, 7 MiB) splits four PDEs; allow two. */
	mem.budget = 2;
	rc = pt_map(&pt, 1 * MIB, 0x123000, 6 * MIB, f | PTE_NX, true);
	assert_int_equal(rc, -ENOMEM);
	/*
	 * Every page translates either the old way or the new way, and the
	 * new part is a prefix of the range.
	 */
	for (off = 0; off < 8 * MIB; off += PAGE_SIZE) {
		hpa_t pa;
		uint64_t gf;

		assert_true(pt_lookup(&pt, off, &pa, &gf, NULL));
		if (off >= 1 * MIB && off < 7 * MIB && gf == (f | PTE_NX)) {
			assert_false(seen_hole);
			assert_int_equal(pa, 0x123000 + off - 1 * MIB);
		} else {
			if (off >= 1 * MIB)
				seen_hole = true;
			assert_int_equal(gf, f);
			assert_int_equal(pa, 1 * GIB + off);
		}
	}
	assert_true(seen_hole);
	assert_true(pt_lookup(&pt, 1 * MIB, NULL, NULL, NULL));

	/* With memory again the same call completes. */
	mem.budget = -1;
	assert_int_equal(pt_map(&pt, 1 * MIB, 0x123000, 6 * MIB, f | PTE_NX, true), 0);
	expect_linear(&pt, 1 * MIB, 0x123000, 6 * MIB, f | PTE_NX);
	expect_linear(&pt, 0, 1 * GIB, 1 * MIB, f);
	expect_linear(&pt, 7 * MIB, 1 * GIB + 7 * MIB, 1 * MIB, f);
}

static void test_enomem_split(void **state)
{
	struct pagetable pt;
	uint64_t f = PTE_P | PTE_RW;

	new_pt(&pt, &x86_fmt);
	assert_int_equal(pt_map(&pt, 0, 4 * GIB, 1 * GIB, f, true), 0);

	/* No table at all: the 1 GiB page is untouched. */
	mem.budget = 0;
	assert_int_equal(pt_map(&pt, 0x5000, 0x5000, PAGE_SIZE, f, true), -ENOMEM);
	assert_int_equal(pt_unmap(&pt, 0x5000, PAGE_SIZE), -ENOMEM);
	expect_map(&pt, 0x5000, 4 * GIB + 0x5000, f, PAGE_SIZE_1G);

	/* One table: the 1 GiB split happens, the 2 MiB one cannot. */
	mem.budget = 1;
	assert_int_equal(pt_unmap(&pt, 0x5000, PAGE_SIZE), -ENOMEM);
	expect_map(&pt, 0x5000, 4 * GIB + 0x5000, f, PAGE_SIZE_2M);
	expect_linear(&pt, 0, 4 * GIB, 1 * GIB, f);

	mem.budget = 1;
	assert_int_equal(pt_unmap(&pt, 0x5000, PAGE_SIZE), 0);
	expect_unmapped(&pt, 0x5000);
	expect_map(&pt, 0x4000, 4 * GIB + 0x4000, f, PAGE_SIZE);
	expect_map(&pt, 0x6000, 4 * GIB + 0x6000, f, PAGE_SIZE);

	/* A failing table allocation for fresh space leaves it unmapped. */
	mem.budget = 1;
	assert_int_equal(pt_map(&pt, 600 * GIB, 0, PAGE_SIZE, f, true), -ENOMEM);
	expect_unmapped(&pt, 600 * GIB);
}

static void test_ept_format(void **state)
{
	struct pagetable pt;
	uint64_t rwx = EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_IGN_PAT;
	uint64_t xo = EPT_X | EPT_MT_WB; /* execute-only: present without bit 0 */

	new_pt(&pt, &ept_fmt);
	assert_int_equal(pt_map(&pt, 0, 0x80000000, 1 * GIB, rwx, true), 0);
	assert_int_equal(pt_map(&pt, 1 * GIB, 0x600000, 2 * MIB, xo, true), 0);
	assert_int_equal(pt_map(&pt, 1 * GIB + 2 * MIB, 0x400000, PAGE_SIZE, EPT_R, true), 0);
	expect_map(&pt, 0x1234, 0x80001234, rwx, PAGE_SIZE_1G);
	expect_map(&pt, 1 * GIB + 0x1000, 0x601000, xo, PAGE_SIZE_2M);
	expect_map(&pt, 1 * GIB + 2 * MIB, 0x400000, EPT_R, PAGE_SIZE);
	expect_unmapped(&pt, 1 * GIB + 2 * MIB + PAGE_SIZE);

	/* Non-leaf entries are exactly table address | RWX (Table 29-1..29-5). */
	assert_int_equal(raw_entry(&pt, 0, 3) & ~PT_ADDR_MASK, EPT_R | EPT_W | EPT_X);
	assert_int_equal(raw_entry(&pt, 0, 2), 0x80000000 | rwx | PT_LARGE);
	assert_int_equal(raw_entry(&pt, 1 * GIB, 1), 0x600000 | xo | PT_LARGE);

	/* Split an EPT 1 GiB page: memory type and ignore-PAT carry over. */
	assert_int_equal(pt_unmap(&pt, 0x3000, PAGE_SIZE), 0);
	expect_map(&pt, 0x2000, 0x80002000, rwx, PAGE_SIZE);
	expect_unmapped(&pt, 0x3000);
	expect_map(&pt, 0x200000, 0x80200000, rwx, PAGE_SIZE_2M);
	assert_int_equal(raw_entry(&pt, 0x2000, 0), 0x80002000 | rwx);

	/* A GPA at 128 TiB is refused (see va_canonical() in pagetable.c). */
	assert_int_equal(pt_map(&pt, 1ULL << 47, 0, PAGE_SIZE, rwx, true), -EINVAL);
}

/* Random maps/unmaps in a 2 GiB window against a flat per-page model. */
#define WIN_BASE  (0xffffff8000000000ULL) /* last PML4 slot, 1 GiB aligned */
#define WIN_SIZE  (2 * GIB)
#define WIN_PAGES (WIN_SIZE / PAGE_SIZE)

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void check_model(const struct pagetable *pt, const uint64_t *mpa, const uint64_t *mfl)
{
	uint64_t i;

	for (i = 0; i < WIN_PAGES; i++) {
		hpa_t pa;
		uint64_t fl;
		bool mapped = pt_lookup(pt, WIN_BASE + i * PAGE_SIZE, &pa, &fl, NULL);

		if (mapped != (mfl[i] != 0) || (mapped && (pa != mpa[i] || fl != mfl[i])))
			fail_msg("page %llu: tree %d/0x%llx/0x%llx model 0x%llx/0x%llx",
				 (unsigned long long)i, mapped, (unsigned long long)pa,
				 (unsigned long long)fl, (unsigned long long)mpa[i],
				 (unsigned long long)mfl[i]);
	}
}

static void test_random_against_model(void **state)
{
	static const uint64_t grains[] = { PAGE_SIZE, PAGE_SIZE_2M, PAGE_SIZE_1G };
	static const uint64_t flag_set[] = {
		PTE_P,
		PTE_P | PTE_RW,
		PTE_P | PTE_RW | PTE_NX,
		PTE_P | PTE_US | PTE_G,
	};
	uint64_t *mpa = calloc(WIN_PAGES, sizeof(uint64_t));
	uint64_t *mfl = calloc(WIN_PAGES, sizeof(uint64_t));
	struct pagetable pt;
	int op;

	assert_non_null(mpa);
	assert_non_null(mfl);
	new_pt(&pt, &x86_fmt);
	for (op = 0; op < 400; op++) {
		uint64_t g = grains[rng() % 3];
		uint64_t start = (rng() % (WIN_SIZE / g)) * g;
		uint64_t size = (1 + rng() % 3) * g; /* MIN() evaluates twice */
		uint64_t i, first = start / PAGE_SIZE, n;

		/* Sometimes an odd length, so large pages get split at the end. */
		if (g != PAGE_SIZE && rng() % 4 == 0)
			size = (1 + rng() % 1024) * PAGE_SIZE;
		size = MIN(size, WIN_SIZE - start);
		n = size / PAGE_SIZE;
		if (rng() % 3) {
			uint64_t fl = flag_set[rng() % ARRAY_SIZE(flag_set)];
			hpa_t pa = (rng() % 64) * g + (rng() % 4 ? 0 : PAGE_SIZE);

			assert_int_equal(pt_map(&pt, WIN_BASE + start, pa, size, fl, rng() % 2), 0);
			for (i = 0; i < n; i++) {
				mpa[first + i] = pa + i * PAGE_SIZE;
				mfl[first + i] = fl;
			}
		} else {
			assert_int_equal(pt_unmap(&pt, WIN_BASE + start, size), 0);
			for (i = 0; i < n; i++)
				mfl[first + i] = 0;
		}
		if (op % 100 == 99)
			check_model(&pt, mpa, mfl);
	}
	check_model(&pt, mpa, mfl);
	free(mpa);
	free(mfl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_lookup_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_size_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_higher_half_and_canonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permissions_and_remap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enomem_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ept_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
