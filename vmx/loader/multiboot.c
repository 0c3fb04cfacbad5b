/*
 * Multiboot (v1) guest loader: see multiboot.h for the contract and the
 * guest memory layout. Section numbers below are those of the Multiboot
 * Specification version 0.6.96.
 *
 * Everything is planned first (header, image pieces, module places, each
 * checked against guest RAM and the reserved ranges) and written only
 * once the whole plan holds, so a refused image writes nothing. The image
 * is untrusted (it comes from the boot media by way of the config): every
 * field is read through bounds-checked little-endian loads, and every sum
 * is made in 64 bits on values below 2^32, so none can wrap.
 */
#include <string.h>

#include "vmx/loader/multiboot.h"

/* Spec 3.1.2 "The magic fields of Multiboot header": flags. */
#define MB_FLAG_PAGE_ALIGN  (1u << 0)   /* modules page-aligned: we always do */
#define MB_FLAG_MEMORY_INFO (1u << 1)   /* mem_* (and mmap): we always give them */
#define MB_FLAG_REQUIRED    0x0000ffffu /* bits 0-15 must be honoured or refused */
#define MB_FLAG_ADDRESS     (1u << 16)  /* the address fields of 3.1.3 are valid */

#define MB_HEADER_SIZE      12 /* magic, flags, checksum */
#define MB_HEADER_ADDR_SIZE 32 /* ... and header_addr .. entry_addr */

/* Spec 3.3 "Boot information format": flags of struct multiboot_info. */
#define MB_INFO_MEMORY      (1u << 0)
#define MB_INFO_CMDLINE     (1u << 2)
#define MB_INFO_MODS        (1u << 3)
#define MB_INFO_MEM_MAP     (1u << 6)
#define MB_INFO_LOADER_NAME (1u << 9)

/* Offsets in struct multiboot_info (spec 3.3); 116 bytes up to color_info. */
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_SIZE        116

#define MB_MMAP_ENTRY_SIZE 24 /* the size field (4) + base, length, type (20) */
#define MB_MMAP_AVAILABLE  1
#define MB_MMAP_RESERVED   2
#define MB_MOD_ENTRY_SIZE  16 /* mod_start, mod_end, string, reserved */
#define MB_MOD_STRING_SLOT (MB_MAX_MODULE_NAME + 1)

#define MB_4G   (1ULL << 32)
#define MB_PAGE 4096ULL

/* Flat 4 GiB segments: base 0, limit 0xfffff pages, G=1, D/B=1, P=1, DPL 0. */
#define MB_GDT_CODE     0x00cf9b000000ffffULL /* type 0xb: execute/read, accessed */
#define MB_GDT_DATA     0x00cf93000000ffffULL /* type 0x3: read/write, accessed */
#define MB_AR_CODE      0xc09bu               /* the same, in the VMCS access-rights format */
#define MB_AR_DATA      0xc093u
#define MB_CR0_PE       (1u << 0)
#define MB_CR0_ET       (1u << 4)
#define MB_EFLAGS_FIXED (1u << 1)

_Static_assert(MB_LOADER_NAME_ADDR >= MB_INFO_ADDR + MBI_SIZE, "loader name after the info");
_Static_assert(MB_MMAP_ADDR >= MB_GDT_ADDR + 24, "mmap after the GDT");
_Static_assert(MB_MMAP_ADDR + 3 * MB_MMAP_ENTRY_SIZE <= MB_MODS_ADDR, "mmap fits");
_Static_assert(MB_MODS_ADDR + MB_MAX_MODULES * MB_MOD_ENTRY_SIZE <= MB_MOD_STRINGS_ADDR,
	       "module list fits");
_Static_assert(MB_MOD_STRINGS_ADDR + MB_MAX_MODULES * MB_MOD_STRING_SLOT <= MB_CMDLINE_ADDR,
	       "module strings fit");
_Static_assert(MB_CMDLINE_ADDR + MB_MAX_CMDLINE + 1 <= MB_INFO_AREA_END, "cmdline fits");
_Static_assert(MB_INFO_AREA_END <= MB_LOW_END, "the info area is in low RAM");

/* One run of guest RAM to fill: file bytes, then zeros up to memsz. */
struct mb_piece {
	uint64_t offset; /* in the image */
	uint64_t filesz;
	uint64_t paddr;
	uint64_t memsz;
};

/* The whole load, decided before anything is written. */
struct mb_plan {
	struct mb_piece pieces[ELF_MAX_SEGMENTS];
	unsigned npieces;
	uint64_t entry;
	uint64_t start, end; /* the image's span */
	uint64_t mod_start[MB_MAX_MODULES];
	uint64_t mods_end;
};

static const char *const mb_messages[MB_ERR_COUNT] = {
	[MB_OK] = "ok",
	[MB_ERR_ARGS] = "invalid arguments",
	[MB_ERR_RAM_TOO_SMALL] = "guest RAM smaller than 1 MiB",
	[MB_ERR_NO_HEADER] = "no multiboot header in the first 8192 bytes",
	[MB_ERR_CHECKSUM] = "multiboot header checksum is wrong",
	[MB_ERR_HEADER_TRUNCATED] = "multiboot header runs past 8192 bytes or the end of the file",
	[MB_ERR_FLAGS] =
		"multiboot header requires a feature Strata does not provide (flags bits 2-15)",
	[MB_ERR_NOT_ELF] =
		"neither an ELF file nor a multiboot header with address fields (flag 16)",
	[MB_ERR_ELF] = "bad ELF32 image",
	[MB_ERR_ADDRESS_FIELDS] = "multiboot header address fields are inconsistent",
	[MB_ERR_TRUNCATED] = "file shorter than its multiboot address fields say",
	[MB_ERR_OUTSIDE_RAM] = "image does not fit in guest RAM",
	[MB_ERR_OVERLAPS_INFO] = "image overlaps the multiboot info area (0x8000-0xafff)",
	[MB_ERR_OVERLAPS_HOLE] = "image overlaps the reserved area 0x9fc00-0xfffff",
	[MB_ERR_ENTRY] = "entry point outside the loaded image",
	[MB_ERR_TOO_MANY_MODULES] = "more than 16 modules",
	[MB_ERR_MODULE_NAME] = "module name longer than 255 bytes",
	[MB_ERR_MODULE_TOO_BIG] = "modules do not fit in guest RAM below 4 GiB after the kernel",
	[MB_ERR_CMDLINE_TOO_LONG] = "command line longer than 4095 bytes",
};
_Static_assert(MB_MAX_MODULES == 16 && MB_MAX_MODULE_NAME == 255 && MB_MAX_CMDLINE == 4095,
	       "the messages name the limits");

const char *mb_strerror(enum mb_error err)
{
	if ((unsigned)err >= MB_ERR_COUNT || !mb_messages[err])
		return "unknown multiboot error";
	return mb_messages[err];
}

static uint32_t mb_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void mb_put32(struct guest_mem *mem, uint64_t gpa, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		mem->base[gpa + i] = (uint8_t)(v >> (8 * i));
}

static void mb_put64(struct guest_mem *mem, uint64_t gpa, uint64_t v)
{
	mb_put32(mem, gpa, (uint32_t)v);
	mb_put32(mem, gpa + 4, (uint32_t)(v >> 32));
}

static bool mb_overlaps(uint64_t a, uint64_t aend, uint64_t b, uint64_t bend)
{
	return a < bend && b < aend;
}

/*
 * Spec 3.1.1: the header is 32-bit aligned and lies completely within the
 * first 8192 bytes. The first magic with a good checksum wins; a magic
 * with a bad one is remembered, so "no header" and "bad header" differ.
 */
static enum mb_error mb_find_header(const uint8_t *image, size_t size, size_t *at)
{
	size_t limit = size < MB_SEARCH_BYTES ? size : MB_SEARCH_BYTES;
	enum mb_error err = MB_ERR_NO_HEADER;
	size_t off;

	for (off = 0; off + 4 <= limit; off += 4) {
		if (mb_get32(image + off) != MB_HEADER_MAGIC)
			continue;
		if (off + MB_HEADER_SIZE > limit) {
			if (err == MB_ERR_NO_HEADER)
				err = MB_ERR_HEADER_TRUNCATED;
			continue;
		}
		/* magic + flags + checksum must be 0 mod 2^32 (spec 3.1.2). */
		if ((uint32_t)(MB_HEADER_MAGIC + mb_get32(image + off + 4) +
			       mb_get32(image + off + 8)) != 0) {
			err = MB_ERR_CHECKSUM;
			continue;
		}
		*at = off;
		return MB_OK;
	}
	return err;
}

/*
 * Spec 3.1.3 "The address fields of Multiboot header": header_addr is
 * where the header's first byte goes, which ties file offsets to
 * addresses; [load_addr, load_end_addr) comes from the file (0: to its
 * end), then zeros to bss_end_addr (0: none).
 */
static enum mb_error mb_plan_aout(const uint8_t *image, size_t size, size_t hdr,
				  struct mb_plan *plan)
{
	const uint8_t *h = image + hdr;
	uint64_t header_addr, load_addr, load_end_addr, bss_end_addr, offset, len, bss_end;

	if (hdr + MB_HEADER_ADDR_SIZE > MB_SEARCH_BYTES || hdr + MB_HEADER_ADDR_SIZE > size)
		return MB_ERR_HEADER_TRUNCATED;
	header_addr = mb_get32(h + 12);
	load_addr = mb_get32(h + 16);
	load_end_addr = mb_get32(h + 20);
	bss_end_addr = mb_get32(h + 24);
	if (header_addr < load_addr || header_addr - load_addr > hdr)
		return MB_ERR_ADDRESS_FIELDS; /* the text would start before the file */
	offset = hdr - (header_addr - load_addr);
	if (load_end_addr == 0) {
		len = size - offset;
	} else {
		if (load_end_addr <= load_addr)
			return MB_ERR_ADDRESS_FIELDS;
		len = load_end_addr - load_addr;
		if (len > size - offset)
			return MB_ERR_TRUNCATED;
	}
	if (load_addr + len > MB_4G)
		return MB_ERR_ADDRESS_FIELDS;
	bss_end = bss_end_addr ? bss_end_addr : load_addr + len;
	if (bss_end < load_addr + len)
		return MB_ERR_ADDRESS_FIELDS;
	plan->entry = mb_get32(h + 28);
	if (plan->entry < load_addr || plan->entry >= load_addr + len)
		return MB_ERR_ENTRY;
	plan->pieces[0] = (struct mb_piece){ offset, len, load_addr, bss_end - load_addr };
	plan->npieces = 1;
	return MB_OK;
}

/*
 * An ELF32 i386 executable: PT_LOAD segments go to their physical
 * addresses (p_paddr), as GRUB 2 loads them. e_entry is a virtual
 * address; like GRUB 2 (grub-core/loader/multiboot_elfxx.c) we turn it
 * into a physical one through the segment holding it, so a higher-half
 * kernel linked with p_vaddr != p_paddr starts at the right byte with
 * paging off.
 */
static enum mb_error mb_plan_elf(const uint8_t *image, size_t size, struct mb_plan *plan,
				 enum elf_error *elf_err)
{
	struct elf_image elf;
	unsigned i;

	/* Not ELF at all is its own error; a broken ELF file gets the parser's reason. */
	if (size < 4 || memcmp(image,
			       "\x7f"
			       "ELF",
			       4) != 0)
		return MB_ERR_NOT_ELF;
	*elf_err = elf_parse(image, size, ELF_ACCEPT_I386, &elf);
	if (*elf_err != ELF_OK)
		return MB_ERR_ELF;
	plan->npieces = elf.nsegs;
	plan->entry = elf.entry;
	for (i = 0; i < elf.nsegs; i++) {
		const struct elf_segment *s = &elf.segs[i];

		plan->pieces[i] = (struct mb_piece){ s->offset, s->filesz, s->paddr, s->memsz };
		/* elf_parse() guarantees the entry lies in an executable segment. */
		if (elf.entry >= s->vaddr && elf.entry - s->vaddr < s->memsz)
			plan->entry = s->paddr + (elf.entry - s->vaddr);
	}
	return MB_OK;
}

/* Every piece inside RAM and clear of the info area and the PC hole. */
static enum mb_error mb_check_pieces(const struct guest_mem *mem, struct mb_plan *plan)
{
	unsigned i;

	plan->start = UINT64_MAX;
	plan->end = 0;
	for (i = 0; i < plan->npieces; i++) {
		uint64_t a = plan->pieces[i].paddr, end = a + plan->pieces[i].memsz;

		if (end > mem->size)
			return MB_ERR_OUTSIDE_RAM;
		if (mb_overlaps(a, end, MB_INFO_AREA_START, MB_INFO_AREA_END))
			return MB_ERR_OVERLAPS_INFO;
		if (mb_overlaps(a, end, MB_LOW_END, MB_HIGH_START))
			return MB_ERR_OVERLAPS_HOLE;
		plan->start = MIN(plan->start, a);
		plan->end = MAX(plan->end, end);
	}
	return MB_OK;
}

/*
 * Modules go page-aligned (flag 0 asks for it; we always do it) after the
 * kernel's highest byte, and at 1 MiB at the lowest so a kernel loaded in
 * low RAM does not push them into the hole. Module addresses are 32-bit
 * fields (spec 3.3), so everything ends below 4 GiB.
 */
static enum mb_error mb_plan_modules(const struct guest_mem *mem, const struct mb_module *mods,
				     size_t nmods, struct mb_plan *plan)
{
	uint64_t limit = MIN(mem->size, MB_4G);
	uint64_t place = ALIGN_UP(MAX(plan->end, MB_HIGH_START), MB_PAGE);
	size_t i;

	plan->mods_end = place;
	for (i = 0; i < nmods; i++) {
		if (place > limit || mods[i].size > limit - place)
			return MB_ERR_MODULE_TOO_BIG;
		plan->mod_start[i] = place;
		plan->mods_end = place + mods[i].size;
		place = ALIGN_UP(plan->mods_end, MB_PAGE);
	}
	return MB_OK;
}

/* Arguments, limits and sizes that need no look at the image. */
static enum mb_error mb_check_args(const struct guest_mem *mem, const uint8_t *image,
				   const struct mb_module *mods, size_t nmods, const char *cmdline)
{
	size_t i;

	if (!mem || !mem->base || !image || (nmods && !mods))
		return MB_ERR_ARGS;
	if (mem->size < MB_MIN_RAM)
		return MB_ERR_RAM_TOO_SMALL;
	if (cmdline && strnlen(cmdline, MB_MAX_CMDLINE + 1) > MB_MAX_CMDLINE)
		return MB_ERR_CMDLINE_TOO_LONG;
	if (nmods > MB_MAX_MODULES)
		return MB_ERR_TOO_MANY_MODULES;
	for (i = 0; i < nmods; i++) {
		if (!mods[i].data && mods[i].size)
			return MB_ERR_ARGS;
		if (mods[i].name &&
		    strnlen(mods[i].name, MB_MAX_MODULE_NAME + 1) > MB_MAX_MODULE_NAME)
			return MB_ERR_MODULE_NAME;
	}
	return MB_OK;
}

static enum mb_error mb_plan(const struct guest_mem *mem, const uint8_t *image, size_t size,
			     const struct mb_module *mods, size_t nmods, struct mb_plan *plan,
			     enum elf_error *elf_err)
{
	enum mb_error err;
	uint32_t flags;
	size_t hdr = 0;

	err = mb_find_header(image, size, &hdr);
	if (err != MB_OK)
		return err;
	flags = mb_get32(image + hdr + 4);
	/*
	 * Spec 3.1.2: a loader that cannot honour a set bit among 0-15 must
	 * refuse the image. Bit 2 asks for video mode information, which a
	 * VM without a display does not have.
	 */
	if (flags & MB_FLAG_REQUIRED & ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO))
		return MB_ERR_FLAGS;
	if (flags & MB_FLAG_ADDRESS)
		err = mb_plan_aout(image, size, hdr, plan);
	else
		err = mb_plan_elf(image, size, plan, elf_err);
	if (err == MB_OK)
		err = mb_check_pieces(mem, plan);
	if (err == MB_OK)
		err = mb_plan_modules(mem, mods, nmods, plan);
	return err;
}

static void mb_write_string(struct guest_mem *mem, uint64_t gpa, const char *s)
{
	if (s)
		memcpy(mem->base + gpa, s, strlen(s) + 1);
	else
		mem->base[gpa] = 0;
}

static void mb_write_mmap_entry(struct guest_mem *mem, unsigned i, uint64_t base, uint64_t length,
				uint32_t type)
{
	uint64_t at = MB_MMAP_ADDR + (uint64_t)i * MB_MMAP_ENTRY_SIZE;

	/* `size` counts the bytes after itself; mmap_addr points at it (3.3). */
	mb_put32(mem, at, MB_MMAP_ENTRY_SIZE - 4);
	mb_put64(mem, at + 4, base);
	mb_put64(mem, at + 12, length);
	mb_put32(mem, at + 20, type);
}

/* Spec 3.3: struct multiboot_info and what it points to, in MB_INFO_AREA. */
static void mb_write_info(struct guest_mem *mem, const struct mb_module *mods, size_t nmods,
			  const char *cmdline, const struct mb_plan *plan)
{
	unsigned n = 0;
	size_t i;

	memset(mem->base + MB_INFO_AREA_START, 0, MB_INFO_AREA_END - MB_INFO_AREA_START);
	mb_put32(mem, MB_INFO_ADDR + MBI_FLAGS,
		 MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MEM_MAP |
			 MB_INFO_LOADER_NAME);
	/* KiB from 0 and from 1 MiB, up to the first hole (3.3 "mem_lower"). */
	mb_put32(mem, MB_INFO_ADDR + MBI_MEM_LOWER, (uint32_t)(MB_LOW_END / 1024));
	mb_put32(mem, MB_INFO_ADDR + MBI_MEM_UPPER, (uint32_t)((mem->size - MB_HIGH_START) / 1024));
	mb_put32(mem, MB_INFO_ADDR + MBI_CMDLINE, MB_CMDLINE_ADDR);
	mb_write_string(mem, MB_CMDLINE_ADDR, cmdline);
	mb_put32(mem, MB_INFO_ADDR + MBI_LOADER_NAME, MB_LOADER_NAME_ADDR);
	mb_write_string(mem, MB_LOADER_NAME_ADDR, "Strata");

	mb_write_mmap_entry(mem, n++, 0, MB_LOW_END, MB_MMAP_AVAILABLE);
	mb_write_mmap_entry(mem, n++, MB_LOW_END, MB_HIGH_START - MB_LOW_END, MB_MMAP_RESERVED);
	if (mem->size > MB_HIGH_START)
		mb_write_mmap_entry(mem, n++, MB_HIGH_START, mem->size - MB_HIGH_START,
				    MB_MMAP_AVAILABLE);
	mb_put32(mem, MB_INFO_ADDR + MBI_MMAP_LENGTH, n * MB_MMAP_ENTRY_SIZE);
	mb_put32(mem, MB_INFO_ADDR + MBI_MMAP_ADDR, MB_MMAP_ADDR);

	mb_put32(mem, MB_INFO_ADDR + MBI_MODS_COUNT, (uint32_t)nmods);
	mb_put32(mem, MB_INFO_ADDR + MBI_MODS_ADDR, MB_MODS_ADDR);
	for (i = 0; i < nmods; i++) {
		uint64_t at = MB_MODS_ADDR + i * MB_MOD_ENTRY_SIZE;
		uint64_t str = MB_MOD_STRINGS_ADDR + i * MB_MOD_STRING_SLOT;

		/* mod_end is exclusive, as GRUB writes it. */
		mb_put32(mem, at, (uint32_t)plan->mod_start[i]);
		mb_put32(mem, at + 4, (uint32_t)(plan->mod_start[i] + mods[i].size));
		mb_put32(mem, at + 8, (uint32_t)str);
		mb_write_string(mem, str, mods[i].name);
	}
	mb_put64(mem, MB_GDT_ADDR + 8, MB_GDT_CODE);
	mb_put64(mem, MB_GDT_ADDR + 16, MB_GDT_DATA);
}

/* Spec 3.2 "Machine state". */
static void mb_fill_entry(const struct mb_plan *plan, struct mb_entry *out)
{
	out->eip = (uint32_t)plan->entry;
	out->eax = MB_BOOTLOADER_MAGIC;
	out->ebx = (uint32_t)MB_INFO_ADDR;
	out->cr0 = MB_CR0_PE | MB_CR0_ET;
	out->eflags = MB_EFLAGS_FIXED;
	out->cs = (struct guest_seg){ MB_GDT_CODE_SEL, 0, 0xffffffffu, MB_AR_CODE };
	out->data = (struct guest_seg){ MB_GDT_DATA_SEL, 0, 0xffffffffu, MB_AR_DATA };
	out->gdt_base = MB_GDT_ADDR;
	out->gdt_limit = 3 * 8 - 1;
	out->image_start = plan->start;
	out->image_end = plan->end;
	out->modules_end = plan->mods_end;
}

enum mb_error mb_load_modules(struct guest_mem *mem, const uint8_t *image, size_t image_size,
			      const struct mb_module *mods, size_t nmods, const char *cmdline,
			      struct mb_entry *out)
{
	struct mb_plan plan;
	enum mb_error err;
	unsigned i;

	if (!out)
		return MB_ERR_ARGS;
	memset(out, 0, sizeof(*out));
	out->elf_error = ELF_OK;
	err = mb_check_args(mem, image, mods, nmods, cmdline);
	if (err == MB_OK)
		err = mb_plan(mem, image, image_size, mods, nmods, &plan, &out->elf_error);
	if (err != MB_OK)
		return err;

	for (i = 0; i < plan.npieces; i++) {
		const struct mb_piece *p = &plan.pieces[i];

		memcpy(mem->base + p->paddr, image + p->offset, p->filesz);
		memset(mem->base + p->paddr + p->filesz, 0, p->memsz - p->filesz);
	}
	for (i = 0; i < nmods; i++)
		if (mods[i].size)
			memcpy(mem->base + plan.mod_start[i], mods[i].data, mods[i].size);
	mb_write_info(mem, mods, nmods, cmdline, &plan);
	mb_fill_entry(&plan, out);
	return MB_OK;
}

enum mb_error mb_load(struct guest_mem *mem, const uint8_t *image, size_t image_size,
		      const uint8_t *initrd, size_t initrd_size, const char *initrd_name,
		      const char *cmdline, struct mb_entry *out)
{
	struct mb_module mod = { initrd, initrd_size, initrd_name };

	return mb_load_modules(mem, image, image_size, &mod, initrd ? 1 : 0, cmdline, out);
}
