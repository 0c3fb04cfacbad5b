/*
 * Multiboot2 boot information parser (Multiboot2 spec 2.0, section 3.6).
 *
 * Layout reminder (3.6.2): a fixed part { u32 total_size; u32 reserved; }
 * then tags { u32 type; u32 size; payload }, each starting 8-byte aligned,
 * `size` counting the 8-byte header but not the padding, ended by a tag of
 * type 0 and size 8. All fields are little-endian.
 *
 * Nothing in the block is trusted: every read is bounds-checked against
 * total_size, which is itself checked against what the caller can read.
 * Fields are read a byte at a time so no alignment is assumed.
 */
#include <stddef.h>
#include <string.h>

#include "boot/multiboot2/mb2_info.h"

#define MB2_FIXED_SIZE    8
#define MB2_TAG_HDR       8
#define MB2_TAG_ALIGN     8
#define MB2_MMAP_HDR      16 /* type, size, entry_size, entry_version */
#define MB2_MMAP_ENTRY    24 /* base_addr, length, type, reserved */
#define MB2_MODULE_HDR    16 /* type, size, mod_start, mod_end */
#define MB2_MEMINFO_SIZE  16 /* type, size, mem_lower, mem_upper */
#define ACPI_RSDP_V1_SIZE 20 /* ACPI 6.5, 5.2.5.3: RSDP up to RsdtAddress */
#define ACPI_RSDP_V2_SIZE 36 /* ...and the 2.0 fields up to the reserved bytes */

#define SIZE_4G (1ULL << 32)
#define SIZE_1M (1ULL << 20)

static const char *const mb2_messages[MB2_STATUS_COUNT] = {
	[MB2_OK] = "ok",
	[MB2_ERR_ALIGN] = "information block is not 8-byte aligned",
	[MB2_ERR_ABOVE_4G] = "information block does not lie below 4 GiB",
	[MB2_ERR_TOTAL_SIZE_SMALL] = "total_size too small for the fixed part and an end tag",
	[MB2_ERR_TOTAL_SIZE_READABLE] = "total_size larger than the readable block",
	[MB2_ERR_TAG_SIZE] = "tag size smaller than the 8-byte tag header",
	[MB2_ERR_TAG_OVERRUN] = "tag runs past total_size",
	[MB2_ERR_NO_END_TAG] = "no end tag before total_size",
	[MB2_ERR_DUPLICATE_TAG] = "a tag that may appear once appears twice",
	[MB2_ERR_CMDLINE_UNTERMINATED] = "command line not NUL-terminated inside its tag",
	[MB2_ERR_MEMINFO_SIZE] = "basic memory information tag too short",
	[MB2_ERR_MMAP_SIZE] = "memory map tag shorter than its header",
	[MB2_ERR_MMAP_ENTRY_SIZE] = "memory map entry_size below 24 or not a multiple of 8",
	[MB2_ERR_MMAP_TOO_MANY] = "memory map has more regions than BOOT_INFO_MAX_MMAP",
	[MB2_ERR_MMAP_NO_ROOM] = "no room in the memory map to mark boot data",
	[MB2_ERR_NO_MEMORY_MAP] = "neither a memory map nor basic memory information",
	[MB2_ERR_MODULE_SIZE] = "module tag too short",
	[MB2_ERR_MODULE_RANGE] = "module ends before it starts (mod_end < mod_start)",
	[MB2_ERR_MODULE_AT_ZERO] = "module loaded at physical address 0",
	[MB2_ERR_MODULE_UNTERMINATED] = "module string not NUL-terminated inside its tag",
	[MB2_ERR_MODULE_NAME_EMPTY] = "module without a name (grub.cfg: module2 FILE NAME)",
	[MB2_ERR_MODULE_NAME_LONG] = "module name longer than BOOT_MODULE_NAME_LEN - 1",
	[MB2_ERR_MODULE_TOO_MANY] = "more modules than BOOT_INFO_MAX_MODULES",
	[MB2_ERR_CONFIG_DUPLICATE] = "more than one strata.conf module",
	[MB2_ERR_RSDP_SIZE] = "ACPI RSDP tag too short for its RSDP",
	[MB2_ERR_KERNEL_END] = "kernel_phys_end not above the load address and below 4 GiB",
};

const char *mb2_strerror(enum mb2_status st)
{
	if ((unsigned int)st >= MB2_STATUS_COUNT || !mb2_messages[st])
		return "unknown multiboot2 status";
	return mb2_messages[st];
}

/* Parsing state: the block, the output and what was seen once already. */
struct mb2_ctx {
	const uint8_t *blk;
	uint32_t total;
	hpa_t blk_phys;
	struct mb2_boot_storage *out;
	bool seen_cmdline, seen_meminfo, seen_mmap, seen_acpi_old, seen_acpi_new;
	bool seen_config;
	hpa_t rsdp_old, rsdp_new;
	uint32_t mem_lower_kib, mem_upper_kib;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Length of the string at p, or `max` if no NUL in the first max bytes. */
static size_t str_len(const uint8_t *p, size_t max)
{
	size_t n = 0;

	while (n < max && p[n])
		n++;
	return n;
}

/*
 * Append a region, merging it into the previous one when it continues it
 * with the same type: loaders converting a UEFI map emit many adjacent
 * entries, and merging keeps real maps well inside BOOT_INFO_MAX_MMAP.
 */
static enum mb2_status add_region(struct mb2_boot_storage *st, uint64_t base, uint64_t length,
				  uint32_t type)
{
	struct boot_info *bi = &st->info;
	struct boot_mem_region *prev;

	/* boot_info_validate() rejects both; drop or clip firmware noise. */
	if (length == 0)
		return MB2_OK;
	if (length > UINT64_MAX - base)
		length = UINT64_MAX - base;
	if (length == 0)
		return MB2_OK;

	prev = bi->mmap_count ? &st->mmap[bi->mmap_count - 1] : NULL;
	if (prev && prev->type == type && prev->base + prev->length == base) {
		prev->length += MIN(length, UINT64_MAX - (prev->base + prev->length));
		return MB2_OK;
	}
	if (bi->mmap_count >= BOOT_INFO_MAX_MMAP)
		return MB2_ERR_MMAP_TOO_MANY;
	st->mmap[bi->mmap_count].base = base;
	st->mmap[bi->mmap_count].length = length;
	st->mmap[bi->mmap_count].type = type;
	bi->mmap_count++;
	return MB2_OK;
}

static uint32_t mmap_type(uint32_t mb2_type)
{
	switch (mb2_type) {
	case MB2_MMAP_AVAILABLE:
		return BOOT_MEM_USABLE;
	case MB2_MMAP_ACPI_RECLAIM:
		return BOOT_MEM_ACPI_RECLAIM;
	case MB2_MMAP_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case MB2_MMAP_BAD:
		return BOOT_MEM_BAD;
	default:
		/* 2 is "reserved"; unknown future types must not be used either. */
		return BOOT_MEM_RESERVED;
	}
}

/* 3.6.8: entry_size is "guaranteed to be a multiple of 8"; entries may grow. */
static enum mb2_status parse_mmap(struct mb2_ctx *c, const uint8_t *tag, uint32_t size)
{
	uint32_t esize, off;

	if (c->seen_mmap)
		return MB2_ERR_DUPLICATE_TAG;
	c->seen_mmap = true;
	if (size < MB2_MMAP_HDR)
		return MB2_ERR_MMAP_SIZE;
	esize = rd32(tag + 8);
	if (esize < MB2_MMAP_ENTRY || esize % 8)
		return MB2_ERR_MMAP_ENTRY_SIZE;
	/* entry_version (tag + 12) is ignored: later versions stay compatible. */
	for (off = MB2_MMAP_HDR; size - off >= esize; off += esize) {
		const uint8_t *e = tag + off;
		enum mb2_status st =
			add_region(c->out, rd64(e), rd64(e + 8), mmap_type(rd32(e + 16)));

		if (st)
			return st;
	}
	return MB2_OK;
}

/* 3.6.6: mod_start, mod_end (exclusive, as GRUB fills it), then a string. */
static enum mb2_status parse_module(struct mb2_ctx *c, const uint8_t *tag, uint32_t size)
{
	struct mb2_boot_storage *out = c->out;
	struct boot_info *bi = &out->info;
	uint32_t start, end;
	const uint8_t *name;
	size_t len;

	if (size < MB2_MODULE_HDR + 1)
		return MB2_ERR_MODULE_SIZE;
	start = rd32(tag + 8);
	end = rd32(tag + 12);
	if (end < start)
		return MB2_ERR_MODULE_RANGE;
	/*
	 * Physical 0 means "none" in struct boot_info, and page 0 holds the
	 * real-mode IVT; no sane loader puts a module there.
	 */
	if (start == 0)
		return MB2_ERR_MODULE_AT_ZERO;
	name = tag + MB2_MODULE_HDR;
	len = str_len(name, size - MB2_MODULE_HDR);
	if (len == size - MB2_MODULE_HDR)
		return MB2_ERR_MODULE_UNTERMINATED;
	if (len == 0)
		return MB2_ERR_MODULE_NAME_EMPTY;

	if (len == sizeof(MB2_CONFIG_MODULE_NAME) - 1 &&
	    !memcmp(name, MB2_CONFIG_MODULE_NAME, len)) {
		if (c->seen_config)
			return MB2_ERR_CONFIG_DUPLICATE;
		c->seen_config = true;
		bi->config_phys = start;
		bi->config_size = end - start;
		return MB2_OK;
	}
	if (len >= BOOT_MODULE_NAME_LEN)
		return MB2_ERR_MODULE_NAME_LONG;
	if (bi->module_count >= BOOT_INFO_MAX_MODULES)
		return MB2_ERR_MODULE_TOO_MANY;
	out->modules[bi->module_count].phys = start;
	out->modules[bi->module_count].size = end - start;
	memcpy(out->modules[bi->module_count].name, name, len);
	out->modules[bi->module_count].name[len] = '\0';
	bi->module_count++;
	return MB2_OK;
}

static enum mb2_status parse_cmdline(struct mb2_ctx *c, uint32_t off, uint32_t size)
{
	size_t len;

	if (c->seen_cmdline)
		return MB2_ERR_DUPLICATE_TAG;
	c->seen_cmdline = true;
	len = str_len(c->blk + off + MB2_TAG_HDR, size - MB2_TAG_HDR);
	if (len == size - MB2_TAG_HDR)
		return MB2_ERR_CMDLINE_UNTERMINATED;
	c->out->info.cmdline_phys = c->blk_phys + off + MB2_TAG_HDR;
	c->out->info.cmdline_size = len + 1;
	return MB2_OK;
}

/* 3.6.16/3.6.17: the tag holds a copy of the RSDP; point at that copy. */
static enum mb2_status parse_acpi(struct mb2_ctx *c, uint32_t type, uint32_t off, uint32_t size)
{
	bool *seen = type == MB2_TAG_ACPI_NEW ? &c->seen_acpi_new : &c->seen_acpi_old;
	uint32_t need = type == MB2_TAG_ACPI_NEW ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE;
	hpa_t pa = c->blk_phys + off + MB2_TAG_HDR;

	if (*seen)
		return MB2_ERR_DUPLICATE_TAG;
	*seen = true;
	if (size - MB2_TAG_HDR < need)
		return MB2_ERR_RSDP_SIZE;
	if (type == MB2_TAG_ACPI_NEW)
		c->rsdp_new = pa;
	else
		c->rsdp_old = pa;
	return MB2_OK;
}

static enum mb2_status parse_meminfo(struct mb2_ctx *c, const uint8_t *tag, uint32_t size)
{
	if (c->seen_meminfo)
		return MB2_ERR_DUPLICATE_TAG;
	c->seen_meminfo = true;
	if (size < MB2_MEMINFO_SIZE)
		return MB2_ERR_MEMINFO_SIZE;
	c->mem_lower_kib = rd32(tag + 8);
	c->mem_upper_kib = rd32(tag + 12);
	return MB2_OK;
}

static enum mb2_status parse_tag(struct mb2_ctx *c, uint32_t off, uint32_t type, uint32_t size)
{
	const uint8_t *tag = c->blk + off;

	switch (type) {
	case MB2_TAG_CMDLINE:
		return parse_cmdline(c, off, size);
	case MB2_TAG_MODULE:
		return parse_module(c, tag, size);
	case MB2_TAG_BASIC_MEMINFO:
		return parse_meminfo(c, tag, size);
	case MB2_TAG_MMAP:
		return parse_mmap(c, tag, size);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_acpi(c, type, off, size);
	default:
		return MB2_OK; /* the OS "can use or ignore any parts" (3.6.1) */
	}
}

/* Walk the tags (3.6.2) up to the end tag. */
static enum mb2_status walk_tags(struct mb2_ctx *c, uint32_t *err_offset)
{
	uint64_t off = MB2_FIXED_SIZE;

	for (;;) {
		uint32_t type, size;
		enum mb2_status st;

		/* Padding may step past total_size; report where the tags ran out. */
		*err_offset = (uint32_t)MIN(off, (uint64_t)c->total);
		if (off + MB2_TAG_HDR > c->total)
			return MB2_ERR_NO_END_TAG;
		type = rd32(c->blk + off);
		size = rd32(c->blk + off + 4);
		if (size < MB2_TAG_HDR)
			return MB2_ERR_TAG_SIZE;
		if (size > c->total - off)
			return MB2_ERR_TAG_OVERRUN;
		if (type == MB2_TAG_END)
			return MB2_OK;
		st = parse_tag(c, (uint32_t)off, type, size);
		if (st)
			return st;
		off = ALIGN_UP(off + size, (uint64_t)MB2_TAG_ALIGN);
	}
}

/*
 * 3.6.3: lower memory starts at 0, upper memory at 1 MiB, both in KiB.
 * Only a fallback: the spec does not promise upper memory is contiguous
 * to its end, but it is the best a loader without a map offers.
 */
static enum mb2_status meminfo_map(struct mb2_ctx *c)
{
	enum mb2_status st;

	if (!c->seen_meminfo)
		return MB2_ERR_NO_MEMORY_MAP;
	st = add_region(c->out, 0, (uint64_t)c->mem_lower_kib * 1024, BOOT_MEM_USABLE);
	if (st)
		return st;
	st = add_region(c->out, SIZE_1M, (uint64_t)c->mem_upper_kib * 1024, BOOT_MEM_USABLE);
	if (st)
		return st;
	return c->out->info.mmap_count ? MB2_OK : MB2_ERR_NO_MEMORY_MAP;
}

/*
 * Turn the part of every usable region that overlaps [base, end) into
 * BOOT_DATA, rounded out to pages so the usable leftovers stay whole
 * frames. Pieces left over on either side are appended.
 */
static enum mb2_status carve(struct mb2_boot_storage *st, uint64_t base, uint64_t end)
{
	struct boot_info *bi = &st->info;
	uint32_t i;

	base = ALIGN_DOWN(base, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE); /* callers pass end <= 4 GiB */
	if (base >= end)
		return MB2_OK;
	for (i = 0; i < bi->mmap_count; i++) {
		struct boot_mem_region *r = &st->mmap[i];
		uint64_t rs = r->base, re = r->base + r->length; /* clipped: no wrap */
		bool head, tail;

		if (r->type != BOOT_MEM_USABLE || re <= base || rs >= end)
			continue;
		head = rs < base; /* usable bytes left below the carve */
		tail = re > end;  /* ...and above it */
		if (bi->mmap_count + head + tail > BOOT_INFO_MAX_MMAP)
			return MB2_ERR_MMAP_NO_ROOM;
		r->base = head ? base : rs;
		r->length = (tail ? end : re) - r->base;
		r->type = BOOT_MEM_BOOT_DATA;
		if (head)
			st->mmap[bi->mmap_count++] =
				(struct boot_mem_region){ .base = rs,
							  .length = base - rs,
							  .type = BOOT_MEM_USABLE };
		if (tail)
			st->mmap[bi->mmap_count++] =
				(struct boot_mem_region){ .base = end,
							  .length = re - end,
							  .type = BOOT_MEM_USABLE };
	}
	return MB2_OK;
}

static enum mb2_status carve_boot_data(struct mb2_ctx *c, hpa_t kernel_end)
{
	struct mb2_boot_storage *out = c->out;
	enum mb2_status st;
	uint32_t i;

	/* The kernel image holds *out itself (.bss), so that is covered too. */
	st = carve(out, KERNEL_LINK_PHYS, kernel_end);
	if (!st)
		st = carve(out, c->blk_phys, c->blk_phys + c->total);
	if (!st && out->info.config_size)
		st = carve(out, out->info.config_phys,
			   out->info.config_phys + out->info.config_size);
	for (i = 0; !st && i < out->info.module_count; i++)
		st = carve(out, out->modules[i].phys, out->modules[i].phys + out->modules[i].size);
	return st;
}

static enum mb2_status check_input(const struct mb2_input *in, uint32_t *total)
{
	const uint8_t *blk = in->info;

	if (((uintptr_t)blk | in->info_phys) & (MB2_TAG_ALIGN - 1))
		return MB2_ERR_ALIGN;
	if (in->kernel_phys_end <= KERNEL_LINK_PHYS || in->kernel_phys_end > SIZE_4G)
		return MB2_ERR_KERNEL_END;
	if (in->readable < MB2_FIXED_SIZE + MB2_TAG_HDR)
		return MB2_ERR_TOTAL_SIZE_SMALL;
	*total = rd32(blk);
	if (*total < MB2_FIXED_SIZE + MB2_TAG_HDR)
		return MB2_ERR_TOTAL_SIZE_SMALL;
	if (*total > in->readable)
		return MB2_ERR_TOTAL_SIZE_READABLE;
	if (in->info_phys >= SIZE_4G || *total > SIZE_4G - in->info_phys)
		return MB2_ERR_ABOVE_4G;
	return MB2_OK;
}

enum mb2_status mb2_parse(const struct mb2_input *in, struct mb2_boot_storage *out,
			  uint32_t *err_offset)
{
	struct boot_info *bi = &out->info;
	struct mb2_ctx c;
	uint32_t where = 0;
	enum mb2_status st;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	st = check_input(in, &c.total);
	if (st)
		goto done;
	c.blk = in->info;
	c.blk_phys = in->info_phys;
	c.out = out;

	st = walk_tags(&c, &where);
	if (st)
		goto done;
	where = 0;
	/* The memory map is authoritative; basic meminfo only stands in for it. */
	if (!bi->mmap_count)
		st = meminfo_map(&c);
	if (!st)
		st = carve_boot_data(&c, in->kernel_phys_end);
	if (st)
		goto done;

	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->boot_method = BOOT_METHOD_MULTIBOOT2;
	bi->kernel_phys_base = KERNEL_LINK_PHYS;
	bi->kernel_phys_end = in->kernel_phys_end;
	/* Prefer the ACPI 2.0+ RSDP: it carries the 64-bit XSDT address. */
	bi->rsdp_phys = c.rsdp_new ? c.rsdp_new : c.rsdp_old;
	bi->mmap_phys = in->storage_phys + offsetof(struct mb2_boot_storage, mmap);
	bi->mmap_entry_size = sizeof(struct boot_mem_region);
	bi->modules_phys = in->storage_phys + offsetof(struct mb2_boot_storage, modules);
	bi->module_entry_size = sizeof(struct boot_module);
done:
	if (err_offset)
		*err_offset = where;
	return st;
}

void mb2_info_range(const void *info, hpa_t info_phys, hpa_t *base, uint64_t *length)
{
	*base = info_phys;
	*length = rd32(info);
}
