/*
 * Kernel placement (see kload.h).
 */
#include "boot/efi/kload.h"
#include "boot/efi/efilog.h"
#include "boot/efi/efimem.h"
#include "boot/efi/efipt.h"
#include "boot/common/elf.h"
#include "kernel/include/strata/boot_info.h"

#define KLOAD_ALIGN 0x200000ULL /* 2 MiB: the kernel is mapped by PDEs */

/*
 * A segment is either part of the high-half kernel (vaddr = KERNEL_VIRT_
 * BASE + paddr) or boot code linked at its load address, which only the
 * multiboot2 path runs (boot/multiboot2, linker.ld's .boot section).
 */
static bool kload_segment_ok(const struct elf_segment *s)
{
	if (s->paddr < KERNEL_LINK_PHYS)
		return false;
	return s->vaddr == KERNEL_VIRT_BASE + s->paddr || s->vaddr == s->paddr;
}

static bool kload_entry_high(const struct elf_image *img)
{
	unsigned int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (s->vaddr == KERNEL_VIRT_BASE + s->paddr && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

static EFI_STATUS kload_check(const void *elf, UINTN size, struct elf_image *img, UINT64 *span)
{
	enum elf_error err;
	uint64_t lo, hi;
	unsigned int i;

	err = elf_parse(elf, size, ELF_ACCEPT_X86_64, img);
	if (err != ELF_OK) {
		efilog(L"kernel: bad ELF: %a", elf_strerror(err));
		return EFI_LOAD_ERROR;
	}
	for (i = 0; i < img->nsegs; i++) {
		if (!kload_segment_ok(&img->segs[i])) {
			efilog(L"kernel: segment %d (paddr 0x%lx vaddr 0x%lx) "
			       L"not linked for KERNEL_LINK_PHYS/VIRT_BASE",
			       i, img->segs[i].paddr, img->segs[i].vaddr);
			return EFI_LOAD_ERROR;
		}
	}
	if (!kload_entry_high(img)) {
		efilog(L"kernel: entry 0x%lx not in the high-half image", img->entry);
		return EFI_LOAD_ERROR;
	}
	elf_phys_span(img, &lo, &hi);
	*span = hi - KERNEL_LINK_PHYS;
	if (*span > EFIPT_KERNEL_MAX) {
		efilog(L"kernel: image of %ld bytes too large", *span);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

EFI_STATUS kload_place(const void *elf, UINTN size, struct kload_result *res)
{
	struct elf_image img;
	EFI_PHYSICAL_ADDRESS base = KERNEL_LINK_PHYS;
	UINT64 span, map;
	UINTN pages;
	EFI_STATUS st;
	unsigned int i;

	st = kload_check(elf, size, &img, &span);
	if (EFI_ERROR(st))
		return st;

	map = (span + KLOAD_ALIGN - 1) & ~(KLOAD_ALIGN - 1);
	pages = map / EFIMEM_PAGE;
	st = efimem_alloc_at(pages, base);
	if (EFI_ERROR(st)) {
		st = efimem_alloc_aligned(pages, KLOAD_ALIGN, &base);
		if (EFI_ERROR(st)) {
			efilog(L"kernel: no room for %ld bytes below 4 GiB: %r", map, st);
			return st;
		}
	}

	/* The block is zeroed, which covers .bss and gaps between segments. */
	for (i = 0; i < img.nsegs; i++) {
		const struct elf_segment *s = &img.segs[i];

		CopyMem((void *)(UINTN)(base + s->paddr - KERNEL_LINK_PHYS),
			(const UINT8 *)elf + s->offset, s->filesz);
	}

	res->phys_base = base;
	res->phys_end = base + span;
	res->map_size = map;
	res->entry = img.entry;
	efilog(L"kernel: %d segments, %ld bytes at 0x%lx, entry 0x%lx", img.nsegs, span, base,
	       img.entry);
	return EFI_SUCCESS;
}
