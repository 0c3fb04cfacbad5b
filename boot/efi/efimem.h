/*
 * Page allocations for what the loader hands to the kernel.
 *
 * Everything is below 4 GiB (the boot_info contract: the kernel reaches
 * it through the identity map) and typed EFIMAP_BOOT_DATA_TYPE so it
 * shows up as BOOT_MEM_BOOT_DATA in the final map. Must be called while
 * boot services are up. Memory is returned zeroed.
 */
#ifndef STRATA_BOOT_EFI_EFIMEM_H
#define STRATA_BOOT_EFI_EFIMEM_H

#include <efi.h>

#define EFIMEM_PAGE         4096ULL
#define EFIMEM_PAGES(bytes) (((bytes) + EFIMEM_PAGE - 1) / EFIMEM_PAGE)

/* Any `pages` pages below 4 GiB. */
EFI_STATUS efimem_alloc(UINTN pages, EFI_PHYSICAL_ADDRESS *phys);

/* `pages` pages below 4 GiB starting on an `align` boundary (power of 2). */
EFI_STATUS efimem_alloc_aligned(UINTN pages, UINT64 align, EFI_PHYSICAL_ADDRESS *phys);

/* Exactly [phys, phys + pages * 4 KiB). */
EFI_STATUS efimem_alloc_at(UINTN pages, EFI_PHYSICAL_ADDRESS phys);

/*
 * Pages below 4 GiB the CPU may execute under the firmware's page tables
 * (EfiLoaderCode: firmware NX policies typically cover OS types). Not
 * kept for the kernel: it is free RAM in the final map.
 */
EFI_STATUS efimem_alloc_code(UINTN pages, EFI_PHYSICAL_ADDRESS *phys);

#endif
