/*
 * Conversion of the UEFI memory map into the boot_info memory map.
 *
 * Pure logic (no EFI calls, no allocation): it runs between the last
 * GetMemoryMap() and ExitBootServices(), where nothing may allocate, and
 * builds unchanged on the host.
 */
#ifndef STRATA_BOOT_EFI_EFIMAP_H
#define STRATA_BOOT_EFI_EFIMAP_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/include/strata/boot_info.h"

/*
 * The memory type the loader allocates everything it hands to the kernel
 * with. UEFI 2.10 section 7.2 (EFI_BOOT_SERVICES.AllocatePages) reserves
 * 0x80000000-0xFFFFFFFF for OS loaders, so no firmware allocation carries
 * it and the final map names our data exactly: it becomes
 * BOOT_MEM_BOOT_DATA.
 */
#define EFIMAP_BOOT_DATA_TYPE 0x80000000u

/* Map one EFI_MEMORY_TYPE (UEFI 2.10 section 7.2) to enum boot_mem_type. */
uint32_t efimap_type(uint32_t efi_type);

/*
 * Convert the descriptors in [map, map + map_size), `desc_size` bytes
 * apart (which GetMemoryMap() reports and may exceed the struct it
 * documents, UEFI 2.10 section 7.2), into out[0..max). The result is
 * sorted by base and adjacent regions of the same type are merged.
 *
 * When more than `max` regions remain, regions are dropped, highest
 * addresses first as far as the input order allows (the kernel then just
 * does not see that memory), and counted in *dropped. Returns the number
 * of regions written.
 */
unsigned int efimap_convert(const void *map, size_t map_size, size_t desc_size,
			    struct boot_mem_region *out, unsigned int max, unsigned int *dropped);

#endif
