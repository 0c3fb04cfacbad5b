/*
 * Loader page tables (see efipt.h). x86-64 4-level paging, SDM Vol. 3A
 * 4.5: a PML4E and a PDPTE reference the next table; a PDE with PS (bit 7)
 * set maps a 2 MiB page (Table 4-18).
 */
#include "boot/efi/efipt.h"
#include "kernel/include/strata/boot_info.h"

#define EFIPT_P  (1ULL << 0)
#define EFIPT_RW (1ULL << 1)
#define EFIPT_PS (1ULL << 7)
#define EFIPT_2M (1ULL << 21)

#define EFIPT_PML4_INDEX(va) (((va) >> 39) & 511)
#define EFIPT_PDPT_INDEX(va) (((va) >> 30) & 511)
#define EFIPT_PD_INDEX(va)   (((va) >> 21) & 511)

/*
 * One kernel PD covers the 1 GiB holding KERNEL_VIRT_BASE; the image
 * starts KERNEL_LINK_PHYS into it. KERNEL_VIRT_BASE must not share its
 * PML4 slot with the identity map.
 */
_Static_assert((KERNEL_VIRT_BASE & ((1ULL << 30) - 1)) == 0,
	       "KERNEL_VIRT_BASE must be 1 GiB aligned");
_Static_assert(EFIPT_PML4_INDEX(KERNEL_VIRT_BASE) != 0, "kernel window overlaps the identity map");
_Static_assert(EFIPT_KERNEL_MAX == (1ULL << 30) - KERNEL_LINK_PHYS, "kernel PD window");

enum {
	EFIPT_PML4 = 0,
	EFIPT_PDPT_LOW = 1,
	EFIPT_PD_LOW = 2, /* four of them: 2..5 */
	EFIPT_PDPT_HIGH = 6,
	EFIPT_PD_KERNEL = 7,
};

hpa_t efipt_build(void *block, hpa_t block_phys, hpa_t kernel_phys, uint64_t kernel_size)
{
	/* clang-format off */
	uint64_t (*t)[512] = block;
	/* clang-format on */
	uint64_t table = EFIPT_P | EFIPT_RW;
	uint64_t leaf = EFIPT_P | EFIPT_RW | EFIPT_PS;
	uint64_t va = KERNEL_VIRT_BASE + KERNEL_LINK_PHYS;
	unsigned int i, pd;

	if ((block_phys & 0xfff) || (kernel_phys & (EFIPT_2M - 1)) || kernel_size == 0 ||
	    kernel_size > EFIPT_KERNEL_MAX)
		return 0;

	/* 0-4 GiB identity: 4 PDs x 512 x 2 MiB, cacheability from MTRRs. */
	t[EFIPT_PML4][0] = (block_phys + EFIPT_PDPT_LOW * 4096) | table;
	for (pd = 0; pd < 4; pd++) {
		t[EFIPT_PDPT_LOW][pd] = (block_phys + (EFIPT_PD_LOW + pd) * 4096) | table;
		for (i = 0; i < 512; i++)
			t[EFIPT_PD_LOW + pd][i] = ((uint64_t)(pd * 512 + i) << 21) | leaf;
	}

	/* Kernel window: 2 MiB pages from the PD slot of its link address. */
	t[EFIPT_PML4][EFIPT_PML4_INDEX(va)] = (block_phys + EFIPT_PDPT_HIGH * 4096) | table;
	t[EFIPT_PDPT_HIGH][EFIPT_PDPT_INDEX(va)] = (block_phys + EFIPT_PD_KERNEL * 4096) | table;
	for (i = 0; (uint64_t)i * EFIPT_2M < kernel_size; i++)
		t[EFIPT_PD_KERNEL][EFIPT_PD_INDEX(va) + i] =
			(kernel_phys + (uint64_t)i * EFIPT_2M) | leaf;

	return block_phys + EFIPT_PML4 * 4096;
}
