/*
 * Below-4 GiB page allocations (see efimem.h), on
 * EFI_BOOT_SERVICES.AllocatePages (UEFI 2.10 section 7.2).
 */
#include "boot/efi/efimem.h"
#include "boot/efi/efimap.h"

#include <efilib.h>

/* AllocateMaxAddress: "uppermost address <= *Memory". */
#define EFIMEM_LIMIT 0xffffffffULL
#define EFIMEM_TYPE  ((EFI_MEMORY_TYPE)EFIMAP_BOOT_DATA_TYPE)

static EFI_STATUS efimem_pages(EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE type, UINTN pages,
			       EFI_PHYSICAL_ADDRESS *phys)
{
	EFI_STATUS st;

	st = BS->AllocatePages(how, type, pages, phys);
	if (!EFI_ERROR(st))
		SetMem((void *)(UINTN)*phys, pages * EFIMEM_PAGE, 0);
	return st;
}

EFI_STATUS efimem_alloc(UINTN pages, EFI_PHYSICAL_ADDRESS *phys)
{
	*phys = EFIMEM_LIMIT;
	return efimem_pages(AllocateMaxAddress, EFIMEM_TYPE, pages, phys);
}

EFI_STATUS efimem_alloc_at(UINTN pages, EFI_PHYSICAL_ADDRESS phys)
{
	EFI_PHYSICAL_ADDRESS where = phys;

	return efimem_pages(AllocateAddress, EFIMEM_TYPE, pages, &where);
}

EFI_STATUS efimem_alloc_code(UINTN pages, EFI_PHYSICAL_ADDRESS *phys)
{
	*phys = EFIMEM_LIMIT;
	return efimem_pages(AllocateMaxAddress, EfiLoaderCode, pages, phys);
}

/*
 * AllocatePages has no alignment argument: take `align` bytes more than
 * needed and give back the unaligned head and the tail. FreePages on part
 * of an allocation is fine (the spec only asks for page-aligned ranges
 * that were allocated).
 */
EFI_STATUS efimem_alloc_aligned(UINTN pages, UINT64 align, EFI_PHYSICAL_ADDRESS *phys)
{
	UINTN extra = align > EFIMEM_PAGE ? align / EFIMEM_PAGE : 0;
	EFI_PHYSICAL_ADDRESS base = EFIMEM_LIMIT, start;
	UINTN head, tail;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateMaxAddress, EFIMEM_TYPE, pages + extra, &base);
	if (EFI_ERROR(st))
		return st;
	start = (base + align - 1) & ~(align - 1);
	head = (start - base) / EFIMEM_PAGE;
	tail = extra - head;
	if (head)
		BS->FreePages(base, head);
	if (tail)
		BS->FreePages(start + pages * EFIMEM_PAGE, tail);
	SetMem((void *)(UINTN)start, pages * EFIMEM_PAGE, 0);
	*phys = start;
	return EFI_SUCCESS;
}
