/* UNIT_SOURCES: boot/efi/efipt.c */
/*
 * Host tests of the UEFI loader's page tables (boot/efi/efipt.h).
 *
 * efipt_build() writes into an EFIPT_BYTES heap block (ASan catches a
 * write past it) that stands for physical memory at `block_phys`. A
 * software walker then translates addresses the way the MMU does (SDM
 * Vol. 3A 4.5, 4-level paging: PML4E -> PDPTE -> PDE with PS = 2 MiB page)
 * and checks the boot_info.h entry contract: 0-4 GiB identity-mapped with
 * 2 MiB pages, the kernel window at KERNEL_VIRT_BASE + KERNEL_LINK_PHYS
 * mapped to the load address, nothing else, and every table inside the
 * block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/efi/efipt.h"
#include "kernel/include/strata/boot_info.h"

#define MIB (1024ULL * 1024)
#define GIB (1024ULL * MIB)

/* Entry bits (SDM Vol. 3A 4.5, Tables 4-15 to 4-18). */
#define PTE_P    (1ULL << 0)
#define PTE_RW   (1ULL << 1)
#define PTE_US   (1ULL << 2)
#define PTE_PS   (1ULL << 7)
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define KERNEL_VA (KERNEL_VIRT_BASE + KERNEL_LINK_PHYS)
#define NO_MAP    UINT64_MAX

struct pt {
	uint64_t *block; /* EFIPT_BYTES, 4 KiB aligned */
	hpa_t phys;      /* what the block stands for */
	hpa_t cr3;
};

static struct pt pt;

static int setup(void **state)
{
	pt.block = aligned_alloc(4096, EFIPT_BYTES);
	assert_non_null(pt.block);
	memset(pt.block, 0, EFIPT_BYTES);
	pt.phys = 0;
	pt.cr3 = 0;
	return 0;
}

static int teardown(void **state)
{
	free(pt.block);
	pt.block = NULL;
	return 0;
}

static hpa_t build(hpa_t block_phys, hpa_t kernel_phys, uint64_t kernel_size)
{
	memset(pt.block, 0, EFIPT_BYTES);
	pt.phys = block_phys;
	pt.cr3 = efipt_build(pt.block, block_phys, kernel_phys, kernel_size);
	return pt.cr3;
}

/* The table at physical address pa, which must lie inside the block. */
static const uint64_t *table_at(uint64_t pa)
{
	if ((pa & 0xfff) || pa < pt.phys || pa - pt.phys >= EFIPT_BYTES)
		fail_msg("table pointer %#llx outside the block at %#llx", (unsigned long long)pa,
			 (unsigned long long)pt.phys);
	return pt.block + (pa - pt.phys) / sizeof(uint64_t);
}

/* A non-leaf entry: present, writable, supervisor, no PS, no NX. */
static const uint64_t *next_table(uint64_t e)
{
	assert_int_equal(e & ~PTE_ADDR, PTE_P | PTE_RW);
	return table_at(e & PTE_ADDR);
}

/* Translate va like the MMU; NO_MAP if not present. */
static uint64_t walk(uint64_t va)
{
	const uint64_t *t = table_at(pt.cr3);
	uint64_t e;

	e = t[(va >> 39) & 511];
	if (!(e & PTE_P))
		return NO_MAP;
	t = next_table(e);
	e = t[(va >> 30) & 511];
	if (!(e & PTE_P))
		return NO_MAP;
	t = next_table(e); /* no 1 GiB pages */
	e = t[(va >> 21) & 511];
	if (!(e & PTE_P))
		return NO_MAP;
	/* A 2 MiB page: P, RW, PS; supervisor, executable, WB by MTRR/PAT 0. */
	assert_int_equal(e & ~PTE_ADDR, PTE_P | PTE_RW | PTE_PS);
	assert_int_equal(e & 0x1fe000, 0); /* bits 20:13 reserved (Table 4-18) */
	return (e & PTE_ADDR) + (va & (2 * MIB - 1));
}

static unsigned int present(const uint64_t *t)
{
	unsigned int n = 0;

	for (int i = 0; i < 512; i++)
		n += (t[i] & PTE_P) != 0;
	return n;
}

static void check_walk(uint64_t va, uint64_t want)
{
	uint64_t got = walk(va);

	if (got != want)
		fail_msg("va %#llx: got %#llx, want %#llx", (unsigned long long)va,
			 (unsigned long long)got, (unsigned long long)want);
}

static void test_identity_low_4g(void **state)
{
	assert_int_equal(build(0x1000000, 0x200000, 0x100000), 0x1000000);
	for (uint64_t va = 0; va < 4 * GIB; va += 2 * MIB) {
		check_walk(va, va);
		check_walk(va + 2 * MIB - 1, va + 2 * MIB - 1);
	}
	check_walk(4 * GIB, NO_MAP);
	check_walk(4 * GIB + 0x1234, NO_MAP);
	check_walk(511 * GIB, NO_MAP);
	check_walk(512 * GIB, NO_MAP);             /* PML4 slot 1 */
	check_walk(0x00007fffffffffffULL, NO_MAP); /* top of the lower half */
	check_walk(0xffff800000000000ULL, NO_MAP); /* bottom of the upper half */
}

static void test_kernel_window(void **state)
{
	const hpa_t kphys = 0x3400000;
	const uint64_t size = 0x5a1234; /* 3 pages of 2 MiB, the last partly used */

	assert_int_equal(build(0x7ff8000, kphys, size), 0x7ff8000);
	check_walk(KERNEL_VA, kphys);
	check_walk(KERNEL_VA + 0x1234, kphys + 0x1234);
	check_walk(KERNEL_VA + size - 1, kphys + size - 1);
	check_walk(KERNEL_VA + 6 * MIB - 1, kphys + 6 * MIB - 1); /* rest of the last page */
	check_walk(KERNEL_VA + 6 * MIB, NO_MAP);
	check_walk(KERNEL_VIRT_BASE, NO_MAP); /* below the link address */
	check_walk(KERNEL_VIRT_BASE + KERNEL_LINK_PHYS - 1, NO_MAP);
	check_walk(KERNEL_VIRT_BASE - 1, NO_MAP);
	check_walk(KERNEL_VIRT_BASE + GIB, NO_MAP); /* next PDPT slot */
	/* The identity map is still there beside it. */
	check_walk(kphys, kphys);
	check_walk(0, 0);
}

static void test_kernel_sizes(void **state)
{
	static const uint64_t sizes[] = {
		1,           0x1000,   2 * MIB - 1,          2 * MIB,
		2 * MIB + 1, 64 * MIB, EFIPT_KERNEL_MAX - 1, EFIPT_KERNEL_MAX,
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t pages = (sizes[i] + 2 * MIB - 1) / (2 * MIB);
		uint64_t last = KERNEL_VA + pages * 2 * MIB;

		assert_int_equal(build(0x100000, 0x40000000, sizes[i]), 0x100000);
		check_walk(KERNEL_VA, 0x40000000);
		check_walk(last - 1, 0x40000000 + pages * 2 * MIB - 1);
		/* One past the mapped pages; at the maximum that is the next GiB. */
		check_walk(last, NO_MAP);
	}
	/* At the maximum the window ends exactly at the top of its PD. */
	assert_int_equal(KERNEL_VA + EFIPT_KERNEL_MAX, KERNEL_VIRT_BASE + GIB);
}

/* Only the entries the contract needs are present. */
static void test_table_shape(void **state)
{
	const uint64_t *pml4, *pdpt_low, *pdpt_high, *pd_kernel, *seen[EFIPT_TABLES];

	assert_int_equal(build(0x2000, 0x600000, 5 * MIB), 0x2000);
	pml4 = table_at(pt.cr3);
	assert_int_equal(present(pml4), 2);
	pdpt_low = next_table(pml4[0]);
	assert_int_equal(present(pdpt_low), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(present(next_table(pdpt_low[i])), 512);
	pdpt_high = next_table(pml4[(KERNEL_VA >> 39) & 511]);
	assert_int_equal(present(pdpt_high), 1);
	pd_kernel = next_table(pdpt_high[(KERNEL_VA >> 30) & 511]);
	assert_int_equal(present(pd_kernel), 3);
	assert_int_equal(pd_kernel[0], 0); /* KERNEL_VIRT_BASE itself unmapped */

	/* Eight distinct tables, all inside the block. */
	seen[0] = pml4;
	seen[1] = pdpt_low;
	seen[2] = pdpt_high;
	seen[3] = pd_kernel;
	for (int i = 0; i < 4; i++)
		seen[4 + i] = next_table(pdpt_low[i]);
	for (int i = 0; i < EFIPT_TABLES; i++)
		for (int j = i + 1; j < EFIPT_TABLES; j++)
			assert_ptr_not_equal(seen[i], seen[j]);
}

/* The kernel may land anywhere 2 MiB aligned, even above 4 GiB. */
static void test_kernel_placement(void **state)
{
	static const hpa_t where[] = { 0, 0x200000, 0xffe00000, 0x100000000ULL,
				       0x000ffffffc000000ULL };

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		assert_int_equal(build(0x9000, where[i], 4 * MIB), 0x9000);
		check_walk(KERNEL_VA, where[i]);
		check_walk(KERNEL_VA + 4 * MIB - 1, where[i] + 4 * MIB - 1);
		check_walk(KERNEL_VA + 4 * MIB, NO_MAP);
	}
}

static void test_bad_arguments(void **state)
{
	/* Each refusal must leave the block untouched. */
	static const struct {
		hpa_t block_phys, kernel_phys;
		uint64_t size;
	} v[] = {
		{ 0x1001, 0x200000, MIB }, /* block not 4 KiB aligned */
		{ 0x1800, 0x200000, MIB },
		{ 0x1000, 0x201000, MIB }, /* kernel not 2 MiB aligned */
		{ 0x1000, 0x100000, MIB },
		{ 0x1000, 0x200000, 0 }, /* empty kernel */
		{ 0x1000, 0x200000, EFIPT_KERNEL_MAX + 1 },
		{ 0x1000, 0x200000, UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(pt.block, 0, EFIPT_BYTES);
		assert_int_equal(efipt_build(pt.block, v[i].block_phys, v[i].kernel_phys,
					     v[i].size),
				 0);
		for (size_t j = 0; j < EFIPT_BYTES / sizeof(uint64_t); j++)
			assert_int_equal(pt.block[j], 0);
	}
}

/* The contract constants the builder depends on. */
static void test_constants(void **state)
{
	assert_int_equal(EFIPT_BYTES, EFIPT_TABLES * 4096);
	assert_int_equal(EFIPT_KERNEL_MAX, GIB - KERNEL_LINK_PHYS);
	assert_int_equal((KERNEL_VA >> 39) & 511, 511);
	assert_int_equal((KERNEL_VA >> 30) & 511, 510);
	assert_int_equal((KERNEL_VA >> 21) & 511, KERNEL_LINK_PHYS >> 21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_low_4g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constants, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
