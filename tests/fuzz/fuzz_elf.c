/* FUZZ_SOURCES: boot/common/elf.c */
/*
 * libFuzzer target for the ELF executable parser. Beyond "no crash, no
 * out-of-bounds read" (ASan, with the input in a buffer of its exact
 * size), it checks the guarantees elf.h promises on success, so a parser
 * bug that lets a bad image through aborts the run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "boot/common/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_elf_check(const struct elf_image *img, size_t size)
{
	uint64_t limit = img->kind == ELF_KIND_I386 ? 1ULL << 32 : 0;
	bool entry_ok = false;
	unsigned int i, j;

	if (img->nsegs == 0 || img->nsegs > ELF_MAX_SEGMENTS)
		abort();
	for (i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (s->memsz == 0 || s->filesz > s->memsz)
			abort();
		if (s->offset > size || s->filesz > size - s->offset)
			abort();
		if (s->vaddr + s->memsz < s->vaddr || s->paddr + s->memsz < s->paddr)
			abort();
		if (limit && (s->vaddr + s->memsz > limit || s->paddr + s->memsz > limit))
			abort();
		if ((s->flags & ELF_PF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = true;
		for (j = 0; j < i; j++) {
			const struct elf_segment *t = &img->segs[j];

			if (s->vaddr < t->vaddr + t->memsz && t->vaddr < s->vaddr + s->memsz)
				abort();
			if (s->paddr < t->paddr + t->memsz && t->paddr < s->paddr + s->memsz)
				abort();
		}
	}
	if (!entry_ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int masks[] = {
		ELF_ACCEPT_X86_64,
		ELF_ACCEPT_I386,
		ELF_ACCEPT_X86_64 | ELF_ACCEPT_I386,
	};
	struct elf_image img;
	size_t i;

	/* libFuzzer passes an exactly sized heap copy: ASan sees overreads. */
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		if (elf_parse(data, size, masks[i], &img) == ELF_OK)
			fuzz_elf_check(&img, size);
	}
	return 0;
}
