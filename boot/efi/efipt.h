/*
 * The page tables the UEFI loader hands to the kernel (boot_info.h entry
 * contract): the low 4 GiB identity-mapped with 2 MiB pages, and the
 * kernel image at KERNEL_VIRT_BASE + KERNEL_LINK_PHYS mapped to wherever
 * it was loaded.
 *
 * Pure logic: the caller provides zeroed memory whose physical address
 * it knows (under UEFI, memory is identity-mapped, so it is the pointer).
 */
#ifndef STRATA_BOOT_EFI_EFIPT_H
#define STRATA_BOOT_EFI_EFIPT_H

#include "kernel/include/strata/types.h"

/* PML4, low PDPT, four PDs for 0-4 GiB, high PDPT, kernel PD. */
#define EFIPT_TABLES 8
#define EFIPT_BYTES  (EFIPT_TABLES * 4096)

/* Largest image one kernel page directory can map (PD index 1..511). */
#define EFIPT_KERNEL_MAX ((512ULL << 21) - 0x200000ULL)

/*
 * Build the tables in `block` (EFIPT_BYTES, 4 KiB aligned, zeroed) at
 * physical address block_phys. kernel_phys must be 2 MiB aligned and
 * 0 < kernel_size <= EFIPT_KERNEL_MAX. Returns the value for CR3 (the
 * PML4's physical address), or 0 on a bad argument.
 */
hpa_t efipt_build(void *block, hpa_t block_phys, hpa_t kernel_phys, uint64_t kernel_size);

#endif
