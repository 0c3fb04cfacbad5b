/*
 * UEFI memory map -> boot_info memory map (see efimap.h).
 */
#include "boot/efi/efimap.h"

/*
 * EFI_MEMORY_DESCRIPTOR as UEFI 2.10 section 7.2 defines it. Only the
 * first fields are read; the real stride is the firmware's desc_size.
 */
struct efimap_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;
	uint64_t attribute;
};
_Static_assert(offsetof(struct efimap_desc, phys_start) == 8, "EFI ABI");
_Static_assert(offsetof(struct efimap_desc, num_pages) == 24, "EFI ABI");

/* EFI_MEMORY_TYPE values (UEFI 2.10 section 7.2, AllocatePages). */
enum {
	EFIMAP_LOADER_CODE = 1,
	EFIMAP_LOADER_DATA = 2,
	EFIMAP_BS_CODE = 3,
	EFIMAP_BS_DATA = 4,
	EFIMAP_CONVENTIONAL = 7,
	EFIMAP_UNUSABLE = 8,
	EFIMAP_ACPI_RECLAIM = 9,
	EFIMAP_ACPI_NVS = 10,
};

#define EFIMAP_PAGE_SHIFT 12 /* EFI pages are always 4 KiB */

uint32_t efimap_type(uint32_t efi_type)
{
	switch (efi_type) {
	/*
	 * The loader never returns and boot services are gone once the
	 * kernel runs, so their code and data, and ours, are free RAM.
	 * What the kernel must keep was allocated as EFIMAP_BOOT_DATA_TYPE.
	 */
	case EFIMAP_LOADER_CODE:
	case EFIMAP_LOADER_DATA:
	case EFIMAP_BS_CODE:
	case EFIMAP_BS_DATA:
	case EFIMAP_CONVENTIONAL:
		return BOOT_MEM_USABLE;
	case EFIMAP_ACPI_RECLAIM:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFIMAP_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFIMAP_UNUSABLE:
		return BOOT_MEM_BAD;
	case EFIMAP_BOOT_DATA_TYPE:
		return BOOT_MEM_BOOT_DATA;
	default:
		/* Runtime services, MMIO, persistent, unaccepted memory... */
		return BOOT_MEM_RESERVED;
	}
}

static void efimap_remove(struct boot_mem_region *out, unsigned int *n, unsigned int i)
{
	for (; i + 1 < *n; i++)
		out[i] = out[i + 1];
	(*n)--;
}

/* Insert [base, base+len) keeping out[] sorted and merged. */
static void efimap_insert(struct boot_mem_region *out, unsigned int *n, unsigned int max,
			  uint64_t base, uint64_t len, uint32_t type, unsigned int *dropped)
{
	unsigned int i = *n, j;

	while (i > 0 && out[i - 1].base > base)
		i--;

	if (i > 0 && out[i - 1].type == type && out[i - 1].base + out[i - 1].length == base) {
		out[i - 1].length += len;
		/* The grown region may now touch its successor. */
		if (i < *n && out[i].type == type &&
		    out[i - 1].base + out[i - 1].length == out[i].base) {
			out[i - 1].length += out[i].length;
			efimap_remove(out, n, i);
		}
		return;
	}
	if (i < *n && out[i].type == type && base + len == out[i].base) {
		out[i].base = base;
		out[i].length += len;
		return;
	}
	if (*n == max) {
		(*dropped)++;
		if (i == *n)
			return;
		(*n)--; /* give up the highest region for a lower one */
	}
	for (j = *n; j > i; j--)
		out[j] = out[j - 1];
	out[i].base = base;
	out[i].length = len;
	out[i].type = type;
	out[i].reserved = 0;
	(*n)++;
}

unsigned int efimap_convert(const void *map, size_t map_size, size_t desc_size,
			    struct boot_mem_region *out, unsigned int max, unsigned int *dropped)
{
	const uint8_t *p = map;
	unsigned int n = 0;
	size_t off;

	*dropped = 0;
	if (desc_size < sizeof(struct efimap_desc) || max == 0)
		return 0;
	for (off = 0; off + desc_size <= map_size; off += desc_size) {
		struct efimap_desc d;
		uint64_t len;

		/* The firmware's stride need not keep descriptors aligned: copy each one. */
		__builtin_memcpy(&d, p + off, sizeof(d)); /* inlined: no libc here */
		/* A length that does not fit 64 bits is firmware garbage. */
		if (d.num_pages == 0 || d.num_pages > (UINT64_MAX >> EFIMAP_PAGE_SHIFT) ||
		    d.phys_start + (d.num_pages << EFIMAP_PAGE_SHIFT) < d.phys_start)
			continue;
		len = d.num_pages << EFIMAP_PAGE_SHIFT;
		efimap_insert(out, &n, max, d.phys_start, len, efimap_type(d.type), dropped);
	}
	return n;
}
