/*
 * ELF executable parser: see elf.h for the contract.
 *
 * Field offsets below are those of the System V ABI "Object Files"
 * chapter (Elf32_Ehdr/Elf32_Phdr) and the ELF-64 Object File Format 1.5
 * (Elf64_Ehdr/Elf64_Phdr). The file may come from anywhere, so the
 * parser reads fields through bounds-checked little-endian loads rather
 * than casting the buffer to structs (which would also need alignment).
 */
#include "boot/common/elf.h"

/* e_ident indices and values (System V ABI, "ELF Identification"). */
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1

#define ET_EXEC   2
#define EM_386    3
#define EM_X86_64 62

#define PT_LOAD   1
#define PT_INTERP 3
#define PN_XNUM   0xffff /* e_phnum escape: real count in section 0 */

#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define PHDR32_SIZE 32
#define PHDR64_SIZE 56

/*
 * Where each header field lives for one ELF class. Both classes carry the
 * same information at different offsets and widths, so one walk of the
 * program headers serves both.
 */
struct elf_layout {
	unsigned int addr_size; /* 4 or 8: width of addresses and offsets */
	uint64_t addr_limit;    /* first address past the space (2^32 or 0) */
	size_t ehdr_size;
	size_t phdr_size;
	/* Elf_Ehdr */
	size_t e_entry, e_phoff, e_ehsize, e_phentsize, e_phnum;
	/* Elf_Phdr */
	size_t p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* clang-format off */
static const struct elf_layout elf_layout32 = {
	.addr_size = 4, .addr_limit = 1ULL << 32,
	.ehdr_size = EHDR32_SIZE, .phdr_size = PHDR32_SIZE,
	.e_entry = 24, .e_phoff = 28, .e_ehsize = 40, .e_phentsize = 42,
	.e_phnum = 44,
	.p_type = 0, .p_offset = 4, .p_vaddr = 8, .p_paddr = 12,
	.p_filesz = 16, .p_memsz = 20, .p_flags = 24, .p_align = 28,
};

static const struct elf_layout elf_layout64 = {
	.addr_size = 8, .addr_limit = 0, /* 0: the full 64-bit space */
	.ehdr_size = EHDR64_SIZE, .phdr_size = PHDR64_SIZE,
	.e_entry = 24, .e_phoff = 32, .e_ehsize = 52, .e_phentsize = 54,
	.e_phnum = 56,
	.p_type = 0, .p_flags = 4, .p_offset = 8, .p_vaddr = 16,
	.p_paddr = 24, .p_filesz = 32, .p_memsz = 40, .p_align = 48,
};
/* clang-format on */

static const char *const elf_messages[ELF_ERR_COUNT] = {
	[ELF_OK] = "ok",
	[ELF_ERR_ARGS] = "invalid arguments",
	[ELF_ERR_TRUNCATED] = "file shorter than an ELF header",
	[ELF_ERR_MAGIC] = "bad magic (not an ELF file)",
	[ELF_ERR_CLASS] = "unsupported ELF class (32/64-bit)",
	[ELF_ERR_DATA] = "not little-endian",
	[ELF_ERR_VERSION] = "unknown ELF version",
	[ELF_ERR_TYPE] = "not an executable (e_type != ET_EXEC)",
	[ELF_ERR_MACHINE] = "wrong machine (need x86-64 or i386)",
	[ELF_ERR_EHSIZE] = "ELF header size too small",
	[ELF_ERR_PHENTSIZE] = "program header entry size too small",
	[ELF_ERR_PHDR_RANGE] = "program header table outside the file",
	[ELF_ERR_NO_SEGMENTS] = "no loadable segment",
	[ELF_ERR_TOO_MANY_SEGMENTS] = "too many loadable segments",
	[ELF_ERR_SEG_FILE_RANGE] = "segment data outside the file",
	[ELF_ERR_SEG_MEMSZ] = "segment memsz smaller than filesz",
	[ELF_ERR_SEG_ADDR_OVERFLOW] = "segment address range overflows",
	[ELF_ERR_SEG_ALIGN] = "segment alignment invalid",
	[ELF_ERR_SEG_OVERLAP] = "segments overlap",
	[ELF_ERR_INTERP] = "dynamically linked (PT_INTERP)",
	[ELF_ERR_ENTRY] = "entry point outside executable segments",
};

const char *elf_strerror(enum elf_error err)
{
	if ((unsigned int)err >= ELF_ERR_COUNT || !elf_messages[err])
		return "unknown ELF error";
	return elf_messages[err];
}

/* Little-endian load of `width` (1..8) bytes; the caller checked bounds. */
static uint64_t elf_load(const uint8_t *p, unsigned int width)
{
	uint64_t v = 0;

	while (width--)
		v = (v << 8) | p[width];
	return v;
}

/* a + b into *sum; false if it exceeds `limit` (0 = 2^64) or wraps. */
static bool elf_add(uint64_t a, uint64_t b, uint64_t limit, uint64_t *sum)
{
	uint64_t s = a + b;

	if (s < a)
		return false;
	if (limit && s > limit)
		return false;
	*sum = s;
	return true;
}

static bool elf_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	/* Both ranges are non-empty and known not to wrap. */
	return a < b + blen && b < a + alen;
}

static enum elf_error elf_check_ident(const uint8_t *d, size_t size, unsigned int accept,
				      const struct elf_layout **lay, enum elf_kind *kind)
{
	uint16_t machine;

	if (size < EI_NIDENT)
		return ELF_ERR_TRUNCATED;
	if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
		return ELF_ERR_MAGIC;
	if (d[EI_CLASS] == ELFCLASS64 && (accept & ELF_ACCEPT_X86_64)) {
		*lay = &elf_layout64;
		*kind = ELF_KIND_X86_64;
	} else if (d[EI_CLASS] == ELFCLASS32 && (accept & ELF_ACCEPT_I386)) {
		*lay = &elf_layout32;
		*kind = ELF_KIND_I386;
	} else {
		return ELF_ERR_CLASS;
	}
	if (size < (*lay)->ehdr_size)
		return ELF_ERR_TRUNCATED;
	if (d[EI_DATA] != ELFDATA2LSB)
		return ELF_ERR_DATA;
	if (d[EI_VERSION] != EV_CURRENT || elf_load(d + 20, 4) != EV_CURRENT)
		return ELF_ERR_VERSION;
	if (elf_load(d + 16, 2) != ET_EXEC)
		return ELF_ERR_TYPE;
	machine = (uint16_t)elf_load(d + 18, 2);
	if (machine != (*kind == ELF_KIND_X86_64 ? EM_X86_64 : EM_386))
		return ELF_ERR_MACHINE;
	if (elf_load(d + (*lay)->e_ehsize, 2) < (*lay)->ehdr_size)
		return ELF_ERR_EHSIZE;
	return ELF_OK;
}

/* Decode and check one PT_LOAD entry on its own. */
static enum elf_error elf_read_segment(const uint8_t *ph, size_t size, const struct elf_layout *lay,
				       struct elf_segment *s)
{
	unsigned int w = lay->addr_size;
	uint64_t align, end;

	s->flags = (uint32_t)elf_load(ph + lay->p_flags, 4);
	s->offset = elf_load(ph + lay->p_offset, w);
	s->vaddr = elf_load(ph + lay->p_vaddr, w);
	s->paddr = elf_load(ph + lay->p_paddr, w);
	s->filesz = elf_load(ph + lay->p_filesz, w);
	s->memsz = elf_load(ph + lay->p_memsz, w);
	align = elf_load(ph + lay->p_align, w);

	if (s->memsz < s->filesz)
		return ELF_ERR_SEG_MEMSZ;
	if (!elf_add(s->offset, s->filesz, 0, &end) || end > size)
		return ELF_ERR_SEG_FILE_RANGE;
	if (!elf_add(s->vaddr, s->memsz, lay->addr_limit, &end) ||
	    !elf_add(s->paddr, s->memsz, lay->addr_limit, &end))
		return ELF_ERR_SEG_ADDR_OVERFLOW;
	/*
	 * "p_vaddr should equal p_offset, modulo p_align" (System V ABI,
	 * "Program Header"); 0 and 1 mean no alignment requirement.
	 */
	if (align > 1) {
		if (align & (align - 1))
			return ELF_ERR_SEG_ALIGN;
		if ((s->vaddr & (align - 1)) != (s->offset & (align - 1)))
			return ELF_ERR_SEG_ALIGN;
	}
	return ELF_OK;
}

/* Every pair of segments must be disjoint in both address spaces. */
static enum elf_error elf_check_overlaps(const struct elf_image *img)
{
	unsigned int i, j;

	for (i = 0; i < img->nsegs; i++) {
		const struct elf_segment *a = &img->segs[i];

		for (j = i + 1; j < img->nsegs; j++) {
			const struct elf_segment *b = &img->segs[j];

			if (elf_ranges_overlap(a->vaddr, a->memsz, b->vaddr, b->memsz) ||
			    elf_ranges_overlap(a->paddr, a->memsz, b->paddr, b->memsz))
				return ELF_ERR_SEG_OVERLAP;
		}
	}
	return ELF_OK;
}

static bool elf_entry_ok(const struct elf_image *img)
{
	unsigned int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if ((s->flags & ELF_PF_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

static enum elf_error elf_read_phdrs(const uint8_t *d, size_t size, const struct elf_layout *lay,
				     struct elf_image *out)
{
	uint64_t phoff, phentsize, phnum, table, end, i;
	enum elf_error err;

	phoff = elf_load(d + lay->e_phoff, lay->addr_size);
	phentsize = elf_load(d + lay->e_phentsize, 2);
	phnum = elf_load(d + lay->e_phnum, 2);

	if (phnum == 0)
		return ELF_ERR_NO_SEGMENTS;
	if (phnum == PN_XNUM)
		return ELF_ERR_TOO_MANY_SEGMENTS;
	if (phentsize < lay->phdr_size)
		return ELF_ERR_PHENTSIZE;
	/* phnum < 2^16 and phentsize < 2^16: the product cannot wrap. */
	table = phnum * phentsize;
	if (!elf_add(phoff, table, 0, &end) || end > size)
		return ELF_ERR_PHDR_RANGE;

	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + i * phentsize;
		uint32_t type = (uint32_t)elf_load(ph + lay->p_type, 4);
		struct elf_segment seg;

		if (type == PT_INTERP)
			return ELF_ERR_INTERP;
		if (type != PT_LOAD)
			continue;
		err = elf_read_segment(ph, size, lay, &seg);
		if (err != ELF_OK)
			return err;
		if (seg.memsz == 0)
			continue;
		if (out->nsegs == ELF_MAX_SEGMENTS)
			return ELF_ERR_TOO_MANY_SEGMENTS;
		out->segs[out->nsegs++] = seg;
	}
	return out->nsegs ? ELF_OK : ELF_ERR_NO_SEGMENTS;
}

enum elf_error elf_parse(const void *data, size_t size, unsigned int accept, struct elf_image *out)
{
	const uint8_t *d = data;
	const struct elf_layout *lay = NULL;
	enum elf_kind kind = ELF_KIND_X86_64;
	enum elf_error err;

	if (!data || !out || !(accept & (ELF_ACCEPT_X86_64 | ELF_ACCEPT_I386)))
		return ELF_ERR_ARGS;

	err = elf_check_ident(d, size, accept, &lay, &kind);
	if (err != ELF_OK)
		return err;

	out->kind = kind;
	out->entry = elf_load(d + lay->e_entry, lay->addr_size);
	out->nsegs = 0;

	err = elf_read_phdrs(d, size, lay, out);
	if (err != ELF_OK)
		return err;
	err = elf_check_overlaps(out);
	if (err != ELF_OK)
		return err;
	if (!elf_entry_ok(out))
		return ELF_ERR_ENTRY;
	return ELF_OK;
}

void elf_phys_span(const struct elf_image *img, uint64_t *start, uint64_t *end)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (s->paddr < lo)
			lo = s->paddr;
		if (s->paddr + s->memsz > hi)
			hi = s->paddr + s->memsz;
	}
	if (!img->nsegs)
		lo = 0;
	*start = lo;
	*end = hi;
}
