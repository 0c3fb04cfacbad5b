/*
 * A 4-level page-table builder shared by the hypervisor's own tables
 * (x86-64 paging, SDM Vol. 3A 4.5) and, later, EPT (SDM Vol. 3C 29.3):
 * both are 512-entry radix trees with a "large page" bit 7 at the
 * PDPTE/PDE levels; they differ only in which bits make an entry present
 * and what a leaf carries, so those come from struct pt_format.
 *
 * Pure logic: tables are allocated and reached through the ops, so the
 * same code builds real tables in the kernel and fake ones in host tests.
 */
#ifndef STRATA_PAGETABLE_H
#define STRATA_PAGETABLE_H

#include "kernel/include/strata/types.h"

#define PT_ENTRIES   512
#define PT_LARGE     (1ULL << 7)           /* PS bit in PDPTE/PDE */
#define PT_ADDR_MASK 0x000ffffffffff000ULL /* bits 51:12 */

/* x86-64 paging bits (SDM Vol. 3A 4.5, Table 4-19/4-20). */
#define PTE_P   (1ULL << 0)
#define PTE_RW  (1ULL << 1)
#define PTE_US  (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_G   (1ULL << 8)
#define PTE_NX  (1ULL << 63)

struct pt_ops {
	/* A zeroed 4 KiB table: its physical address, or 0 when out of memory. */
	hpa_t (*alloc_table)(void *ctx);
	/* Where the hypervisor can read/write the table at `pa`. */
	uint64_t *(*table_ptr)(void *ctx, hpa_t pa);
	void *ctx;
};

struct pt_format {
	uint64_t table_flags;  /* bits of a non-leaf entry, e.g. PTE_P|PTE_RW */
	uint64_t present_mask; /* an entry is present if any of these is set */
};

struct pagetable {
	hpa_t root; /* physical address of the PML4 / EPT PML4 */
	struct pt_format fmt;
	struct pt_ops ops;
};

/* Allocate an empty root. Returns 0 or -ENOMEM. */
int pt_init(struct pagetable *pt, const struct pt_format *fmt, const struct pt_ops *ops);

/*
 * Map [va, va+size) to [pa, pa+size) with leaf bits `leaf_flags` (which must
 * include the present bits). va, pa and size must be 4 KiB aligned. Uses
 * 1 GiB pages when allow_1g and both addresses and the remaining size allow,
 * else 2 MiB pages, else 4 KiB. An existing large page in the way is split
 * into smaller ones that keep its old mapping. Returns 0, -EINVAL (bad
 * alignment or a non-canonical range) or -ENOMEM.
 */
int pt_map(struct pagetable *pt, uint64_t va, hpa_t pa, uint64_t size, uint64_t leaf_flags,
	   bool allow_1g);

/* Remove mappings of [va, va+size), splitting large pages at the edges. */
int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size);

/*
 * Translate va. Returns true and fills *pa, *leaf_flags (the leaf entry
 * without its address bits) and *page_size when mapped.
 */
bool pt_lookup(const struct pagetable *pt, uint64_t va, hpa_t *pa, uint64_t *leaf_flags,
	       uint64_t *page_size);

#endif
