/*
 * Hypervisor memory: the frame allocator over the boot memory map, the
 * hypervisor's own page tables (memlayout.h) and physical/virtual
 * conversions. Every function is safe to call from any CPU after
 * kmem_init().
 */
#ifndef STRATA_KMEM_H
#define STRATA_KMEM_H

#include "kernel/include/strata/boot_info.h"
#include "kernel/include/strata/types.h"
#include "kernel/mm/pmm.h"

/* Extra ranges the frame allocator must never hand out (module data...). */
#define KMEM_MAX_RESERVED 80

/*
 * Build the frame allocator and the hypervisor page tables from `bi`
 * (validated) and switch to them. `extra` lists ranges to keep out of the
 * allocator beyond those named by boot_info itself. Panics on failure: no
 * memory to run in is a broken platform, not an input error.
 */
void kmem_init(const struct boot_info *bi, const struct boot_mem_region *map,
	       const struct pmm_range *extra, size_t extra_count);

/* Physical memory through the direct map (or identity before kmem_init). */
void *kmem_phys_to_virt(hpa_t pa);
/* Physical address of a direct-map or kernel-image pointer. */
hpa_t kmem_virt_to_phys(const void *va);

/*
 * `count` zeroed contiguous frames aligned to `align`, below `limit`
 * (UINT64_MAX: anywhere). Returns the physical address or 0.
 */
hpa_t kmem_alloc_frames(uint64_t count, uint64_t align, hpa_t limit);
void kmem_free_frames(hpa_t pa, uint64_t count);
/* Zeroed pages for hypervisor data, as a direct-map pointer, or NULL. */
void *kmem_alloc_pages(uint64_t count);

/*
 * Map [pa, pa+size) write-back, not executable, at `va` (page-aligned, in a
 * region of memlayout.h the caller owns), or remove such a mapping.
 * Returns 0 or -errno.
 */
int kmem_map(uint64_t va, hpa_t pa, uint64_t size);
int kmem_unmap(uint64_t va, uint64_t size);

/* Map device registers uncached; returns their virtual address or NULL. */
void *kmem_map_mmio(hpa_t pa, uint64_t size);

/* Root of the hypervisor page tables, for CR3 on application processors. */
hpa_t kmem_page_table_root(void);

/*
 * A 4 KiB page below 1 MiB kept free for the application processors'
 * real-mode start-up code (SIPI vector), or 0 if the map had none.
 */
hpa_t kmem_low_page(void);

uint64_t kmem_usable_bytes(void);
uint64_t kmem_free_bytes(void);

#endif
