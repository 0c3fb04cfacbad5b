/*
 * Placing the kernel ELF in memory for the UEFI path.
 *
 * The kernel is linked at KERNEL_VIRT_BASE + KERNEL_LINK_PHYS with load
 * addresses (p_paddr) from KERNEL_LINK_PHYS (linker.ld). Its segments go
 * contiguously into one 2 MiB-aligned block below 4 GiB: at
 * KERNEL_LINK_PHYS itself when that is free, else wherever the firmware
 * has room; the page tables then map the link address to the block.
 */
#ifndef STRATA_BOOT_EFI_KLOAD_H
#define STRATA_BOOT_EFI_KLOAD_H

#include <efi.h>

struct kload_result {
	UINT64 phys_base; /* where KERNEL_LINK_PHYS landed (2 MiB aligned) */
	UINT64 phys_end;  /* end of the image including .bss */
	UINT64 map_size;  /* bytes to map at the link address (2 MiB units) */
	UINT64 entry;     /* e_entry, a kernel virtual address */
};

/*
 * Validate the ELF image in [elf, elf + size), allocate its block and copy
 * the segments, zeroing .bss. Prints the reason on failure and returns
 * EFI_LOAD_ERROR (bad image) or an allocation error.
 */
EFI_STATUS kload_place(const void *elf, UINTN size, struct kload_result *res);

#endif
