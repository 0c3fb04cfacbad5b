/*
 * Linux bzImage loader: see bzimage.h for the contract and the guest
 * memory layout. "boot.rst" is the kernel's Documentation/arch/x86/
 * boot.rst (boot protocol 2.15), "zero-page.rst" its zero-page.rst.
 *
 * The image is untrusted: every header field is read through
 * bounds-checked little-endian loads, sizes are checked against the file
 * before anything is used, and address sums are made in 64 bits on values
 * bounded by guest RAM (at most E820_RAM_MAX) and 32-bit header fields,
 * so none can wrap. Everything is planned first and written only once the
 * whole plan holds.
 */
#include <string.h>

#include "vmx/loader/bzimage.h"
#include "vmx/loader/e820.h"

/*
 * Setup header fields, as byte offsets in the image file. The header is
 * copied to the same offsets of the zero page (zero-page.rst: hdr at
 * 0x1f1), where the loader also writes its fields.
 */
enum bz_hdr_off {
	HDR_START = 0x1f1, /* setup_sects: the header's first byte */
	HDR_SYSSIZE = 0x1f4,
	HDR_BOOT_FLAG = 0x1fe,
	HDR_JUMP = 0x200, /* 0xeb, then the offset that gives the header's end */
	HDR_HEADER = 0x202,
	HDR_VERSION = 0x206,
	HDR_TYPE_OF_LOADER = 0x210,
	HDR_LOADFLAGS = 0x211,
	HDR_CODE32_START = 0x214,
	HDR_RAMDISK_IMAGE = 0x218,
	HDR_RAMDISK_SIZE = 0x21c,
	HDR_HEAP_END_PTR = 0x224,
	HDR_EXT_LOADER_VER = 0x226,
	HDR_EXT_LOADER_TYPE = 0x227,
	HDR_CMD_LINE_PTR = 0x228,
	HDR_INITRD_ADDR_MAX = 0x22c,
	HDR_KERNEL_ALIGNMENT = 0x230,
	HDR_RELOCATABLE = 0x234,
	HDR_MIN_ALIGNMENT = 0x235,
	HDR_XLOADFLAGS = 0x236,
	HDR_CMDLINE_SIZE = 0x238,
	HDR_HARDWARE_SUBARCH = 0x23c,
	HDR_HARDWARE_SUBARCH_DATA = 0x240,
	HDR_SETUP_DATA = 0x250,
	HDR_PREF_ADDRESS = 0x258,
	HDR_INIT_SIZE = 0x260,
	HDR_END_2_12 = 0x268, /* through handover_offset: all a 2.12 header holds */
};

/* struct boot_params fields outside the setup header (zero-page.rst). */
enum bz_bp_off {
	BP_ACPI_RSDP_ADDR = 0x070,
	BP_E820_ENTRIES = 0x1e8,
	BP_EDD_MBR_SIG_BUF = 0x290, /* first field after the header's room */
	BP_E820_TABLE = 0x2d0,
	BP_SIZE = 0x1000,
};

#define BP_E820_MAX        128 /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_E820_ENTRY_SIZE 20  /* addr (8), size (8), type (4), packed */

#define BZ_BOOT_FLAG     0xaa55
#define BZ_HDRS_MAGIC    0x53726448 /* "HdrS" */
#define BZ_SECTOR        512
#define BZ_DEFAULT_SECTS 4           /* boot.rst: setup_sects 0 means 4 */
#define BZ_HIGH_START    0x100000ULL /* the protected-mode kernel never goes below 1 MiB */
#define BZ_PAGE          4096ULL
#define BZ_RSDP_LEN      36 /* ACPI 6.5 5.2.5.3: a revision 2 RSDP */
/* boot.rst "Sample Boot Configuration": heap_end = 0xe000, minus 0x200. */
#define BZ_HEAP_END_PTR 0xde00

/* Page-table entry bits (SDM Vol. 3A, 4.5 "4-Level Paging"). */
#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7) /* in a PDE: maps a 2 MiB page */

/*
 * GDT descriptors (SDM Vol. 3A, 3.4.5): base 0, limit 0xfffff pages, P=1,
 * DPL 0, S=1. Code: type 0xb (execute/read, accessed), L=1, D=0 (64-bit).
 * Data: type 0x3 (read/write, accessed), D/B=1, G=1.
 */
#define BZ_GDT_CODE64  0x00af9b000000ffffULL
#define BZ_GDT_DATA    0x00cf93000000ffffULL
#define BZ_GDT_ENTRIES 4
#define BZ_AR_CODE64   0xa09bu /* the same, VMCS access-rights format */
#define BZ_AR_DATA     0xc093u

#define BZ_CR0_PE       (1ULL << 0)
#define BZ_CR0_ET       (1ULL << 4)
#define BZ_CR0_PG       (1ULL << 31)
#define BZ_CR4_PAE      (1ULL << 5)
#define BZ_EFER_LME     (1ULL << 8)
#define BZ_EFER_LMA     (1ULL << 10)
#define BZ_RFLAGS_FIXED (1ULL << 1)

_Static_assert(BZ_GDT_ADDR + BZ_GDT_ENTRIES * 8 <= BZ_ZERO_PAGE_ADDR, "GDT fits");
_Static_assert(BZ_ZERO_PAGE_ADDR + BP_SIZE <= BZ_CMDLINE_ADDR, "zero page fits");
_Static_assert(BP_E820_TABLE + BP_E820_MAX * BP_E820_ENTRY_SIZE <= BP_SIZE, "e820 table fits");
_Static_assert(E820_MAX_ENTRIES <= BP_E820_MAX, "our map fits the zero page's");
_Static_assert(BZ_CMDLINE_ADDR + BZ_MAX_CMDLINE + 1 <= BZ_PML4_ADDR, "cmdline fits");
_Static_assert(BZ_PML4_ADDR + BZ_PAGE <= BZ_PDPT_ADDR, "PML4 fits");
_Static_assert(BZ_PDPT_ADDR + BZ_PAGE <= BZ_PD_ADDR, "PDPT fits");
_Static_assert(BZ_PD_ADDR + BZ_PD_COUNT * BZ_PAGE <= BZ_BOOT_AREA_END, "PDs fit");
_Static_assert(BZ_PD_COUNT * 512 * PAGE_SIZE_2M == BZ_IDENTITY_END, "PDs map 4 GiB");
_Static_assert(E820_RAM_MAX <= BZ_IDENTITY_END, "all RAM identity-mapped");
_Static_assert(BZ_BOOT_AREA_END <= E820_LOW_RAM_END, "boot area in low RAM");

/* The whole load, decided before anything is written. */
struct bz_plan {
	struct bz_header hdr;
	gpa_t load;
	uint32_t alignment; /* kernel_alignment as handed to the kernel */
	gpa_t kernel_end;
	gpa_t initrd_start;
	size_t cmdline_len;
	struct e820_entry e820[E820_MAX_ENTRIES];
	uint32_t e820_n;
};

static const char *const bz_messages[BZ_ERR_COUNT] = {
	[BZ_OK] = "ok",
	[BZ_ERR_ARGS] = "invalid arguments",
	[BZ_ERR_RAM_SIZE] = "guest RAM below 1 MiB or above 0xfec00000 (the APIC windows)",
	[BZ_ERR_TOO_SMALL] = "file too small for a bzImage (header, setup sectors or kernel cut)",
	[BZ_ERR_BOOT_FLAG] = "no boot flag 0xAA55 at offset 0x1fe: not a Linux kernel image",
	[BZ_ERR_MAGIC] = "no \"HdrS\" at offset 0x202: not a Linux kernel image",
	[BZ_ERR_OLD_PROTOCOL] = "Linux boot protocol older than 2.12 (no 64-bit entry)",
	[BZ_ERR_HEADER_LENGTH] = "setup header shorter than its boot protocol version requires",
	[BZ_ERR_NOT_BZIMAGE] = "zImage (loadflags LOADED_HIGH clear): only bzImage is supported",
	[BZ_ERR_NO_64BIT_ENTRY] = "kernel has no 64-bit entry point (xloadflags XLF_KERNEL_64)",
	[BZ_ERR_INIT_SIZE] = "setup header init_size is 0",
	[BZ_ERR_ALIGNMENT] = "kernel_alignment is not a power of two of at least 4 KiB",
	[BZ_ERR_TRUNCATED] = "file shorter than its setup header's syssize: truncated kernel",
	[BZ_ERR_KERNEL_TOO_BIG] = "kernel does not fit in guest RAM (pref_address + init_size)",
	[BZ_ERR_INITRD_TOO_BIG] = "initrd does not fit in guest RAM above the kernel",
	[BZ_ERR_CMDLINE_TOO_LONG] = "command line longer than the kernel's cmdline_size",
};

const char *bz_strerror(enum bz_error err)
{
	if ((unsigned)err >= BZ_ERR_COUNT || !bz_messages[err])
		return "unknown bzImage error";
	return bz_messages[err];
}

static uint16_t bz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t bz_get32(const uint8_t *p)
{
	return (uint32_t)bz_get16(p) | (uint32_t)bz_get16(p + 2) << 16;
}

static uint64_t bz_get64(const uint8_t *p)
{
	return (uint64_t)bz_get32(p) | (uint64_t)bz_get32(p + 4) << 32;
}

static void bz_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void bz_put32(uint8_t *p, uint32_t v)
{
	bz_put16(p, (uint16_t)v);
	bz_put16(p + 2, (uint16_t)(v >> 16));
}

static void bz_put64(uint8_t *p, uint64_t v)
{
	bz_put32(p, (uint32_t)v);
	bz_put32(p + 4, (uint32_t)(v >> 32));
}

static bool bz_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The magic numbers and the version: is this a bzImage of protocol 2.12+? */
static enum bz_error bz_check_magic(const uint8_t *image, size_t size)
{
	if (size < HDR_VERSION + 2)
		return BZ_ERR_TOO_SMALL;
	if (bz_get16(image + HDR_BOOT_FLAG) != BZ_BOOT_FLAG)
		return BZ_ERR_BOOT_FLAG;
	if (bz_get32(image + HDR_HEADER) != BZ_HDRS_MAGIC)
		return BZ_ERR_MAGIC;
	if (bz_get16(image + HDR_VERSION) < BZ_MIN_PROTOCOL)
		return BZ_ERR_OLD_PROTOCOL;
	return BZ_OK;
}

enum bz_error bz_parse_header(const uint8_t *image, size_t size, struct bz_header *hdr)
{
	enum bz_error err;
	unsigned sects;

	if (!image || !hdr)
		return BZ_ERR_ARGS;
	memset(hdr, 0, sizeof(*hdr));
	err = bz_check_magic(image, size);
	if (err != BZ_OK)
		return err;
	/* boot.rst: the header ends at 0x202 + the byte at 0x201 (the jump's offset). */
	hdr->header_end = HDR_HEADER + image[HDR_JUMP + 1];
	if (hdr->header_end < HDR_END_2_12)
		return BZ_ERR_HEADER_LENGTH;
	sects = image[HDR_START] ? image[HDR_START] : BZ_DEFAULT_SECTS;
	hdr->setup_size = (size_t)(sects + 1) * BZ_SECTOR;
	/* The 64-bit entry is 0x200 into the kernel: it must be there. */
	if (size < hdr->header_end || size <= hdr->setup_size + BZ_ENTRY_64_OFFSET)
		return BZ_ERR_TOO_SMALL;

	hdr->version = bz_get16(image + HDR_VERSION);
	hdr->setup_sects = image[HDR_START];
	hdr->syssize = bz_get32(image + HDR_SYSSIZE);
	hdr->loadflags = image[HDR_LOADFLAGS];
	hdr->initrd_addr_max = bz_get32(image + HDR_INITRD_ADDR_MAX);
	hdr->kernel_alignment = bz_get32(image + HDR_KERNEL_ALIGNMENT);
	hdr->relocatable = image[HDR_RELOCATABLE];
	hdr->min_alignment = image[HDR_MIN_ALIGNMENT];
	hdr->xloadflags = bz_get16(image + HDR_XLOADFLAGS);
	hdr->cmdline_size = bz_get32(image + HDR_CMDLINE_SIZE);
	hdr->pref_address = bz_get64(image + HDR_PREF_ADDRESS);
	hdr->init_size = bz_get32(image + HDR_INIT_SIZE);
	hdr->kernel_size = size - hdr->setup_size;

	if (!(hdr->loadflags & BZ_LOADED_HIGH))
		return BZ_ERR_NOT_BZIMAGE;
	if (!(hdr->xloadflags & BZ_XLF_KERNEL_64))
		return BZ_ERR_NO_64BIT_ENTRY;
	if (hdr->init_size == 0)
		return BZ_ERR_INIT_SIZE;
	if (hdr->relocatable &&
	    (!bz_is_pow2(hdr->kernel_alignment) || hdr->kernel_alignment < BZ_PAGE))
		return BZ_ERR_ALIGNMENT;
	/*
	 * syssize counts the protected-mode code; the file may hold more
	 * (a signature appended to a signed kernel), which is not loaded.
	 */
	if (hdr->syssize) {
		if ((uint64_t)hdr->syssize * 16 > hdr->kernel_size)
			return BZ_ERR_TRUNCATED;
		if ((uint64_t)hdr->syssize * 16 <= BZ_ENTRY_64_OFFSET)
			return BZ_ERR_TOO_SMALL;
		hdr->kernel_size = (size_t)hdr->syssize * 16;
	}
	return BZ_OK;
}

/*
 * The end of the memory the kernel uses if loaded at `load`, or
 * UINT64_MAX if that passes `top`. boot.rst (pref_address): a
 * non-relocatable kernel moves itself to pref_address (bz_place() loads
 * it there), a relocatable one moves there if it was loaded below it,
 * after rounding its address up to kernel_alignment (the zero page's).
 * From where it runs it needs init_size bytes.
 */
static uint64_t bz_kernel_end(const struct bz_header *hdr, gpa_t load, uint32_t align, uint64_t top)
{
	uint64_t run = load, end;

	if (load >= top || hdr->kernel_size > top - load)
		return UINT64_MAX;
	if (hdr->relocatable)
		run = MAX(ALIGN_UP(load, (uint64_t)align), hdr->pref_address);
	if (run >= top)
		return UINT64_MAX;
	end = MAX(load + hdr->kernel_size, run + hdr->init_size);
	return end <= top ? end : UINT64_MAX;
}

/*
 * The initrd at the top of RAM, page-aligned, below initrd_addr_max (the
 * highest address it may occupy, boot.rst) and clear of the kernel.
 * ramdisk_image is a 32-bit field; RAM ends below 4 GiB anyway.
 */
static bool bz_place_initrd(const struct bz_header *hdr, uint64_t top, uint64_t kernel_end,
			    size_t size, gpa_t *start)
{
	uint64_t limit = MIN(top, (uint64_t)hdr->initrd_addr_max + 1);

	*start = 0;
	if (!size)
		return true;
	if (size > limit)
		return false;
	*start = ALIGN_DOWN(limit - size, BZ_PAGE);
	return *start >= kernel_end;
}

/*
 * Where the kernel goes: pref_address if it fits there together with the
 * initrd, else (relocatable kernels only) the lowest address from 1 MiB
 * aligned to kernel_alignment, then to 2^min_alignment (boot.rst: a
 * loader that uses min_alignment hands it over as kernel_alignment).
 */
static enum bz_error bz_place(const struct guest_mem *mem, const struct bz_params *p,
			      struct bz_plan *plan)
{
	const struct bz_header *hdr = &plan->hdr;
	gpa_t cand[3];
	uint32_t align[3];
	unsigned n = 0;
	bool kernel_fits = false;

	if (!hdr->relocatable) {
		cand[n] = hdr->pref_address >= BZ_HIGH_START ? hdr->pref_address : BZ_HIGH_START;
		align[n++] = hdr->kernel_alignment;
	} else {
		if (hdr->pref_address >= BZ_HIGH_START &&
		    hdr->pref_address % hdr->kernel_alignment == 0) {
			cand[n] = hdr->pref_address;
			align[n++] = hdr->kernel_alignment;
		}
		cand[n] = ALIGN_UP(BZ_HIGH_START, (uint64_t)hdr->kernel_alignment);
		align[n++] = hdr->kernel_alignment;
		if (hdr->min_alignment >= 12 && hdr->min_alignment < 32 &&
		    (1u << hdr->min_alignment) < hdr->kernel_alignment) {
			align[n] = 1u << hdr->min_alignment;
			cand[n] = ALIGN_UP(BZ_HIGH_START, (uint64_t)align[n]);
			n++;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = bz_kernel_end(hdr, cand[i], align[i], mem->size);

		if (end == UINT64_MAX)
			continue;
		kernel_fits = true;
		if (!bz_place_initrd(hdr, mem->size, end, p->initrd_size, &plan->initrd_start))
			continue;
		plan->load = cand[i];
		plan->alignment = align[i];
		plan->kernel_end = end;
		return BZ_OK;
	}
	return kernel_fits ? BZ_ERR_INITRD_TOO_BIG : BZ_ERR_KERNEL_TOO_BIG;
}

static enum bz_error bz_plan(const struct guest_mem *mem, const struct bz_params *p,
			     struct bz_plan *plan)
{
	enum bz_error err;
	int n;

	if (!mem || !mem->base || !p || !p->image || (p->initrd_size && !p->initrd))
		return BZ_ERR_ARGS;
	if (mem->size < E820_MIN_RAM || mem->size > E820_RAM_MAX)
		return BZ_ERR_RAM_SIZE;
	if (p->acpi_rsdp && (p->acpi_rsdp >= mem->size || mem->size - p->acpi_rsdp < BZ_RSDP_LEN))
		return BZ_ERR_ARGS;
	err = bz_parse_header(p->image, p->image_size, &plan->hdr);
	if (err != BZ_OK)
		return err;
	plan->cmdline_len = p->cmdline ? strnlen(p->cmdline, BZ_MAX_CMDLINE + 1) : 0;
	if (plan->cmdline_len > MIN(plan->hdr.cmdline_size, (uint32_t)BZ_MAX_CMDLINE))
		return BZ_ERR_CMDLINE_TOO_LONG;
	err = bz_place(mem, p, plan);
	if (err != BZ_OK)
		return err;
	n = e820_build(plan->e820, E820_MAX_ENTRIES, mem->size);
	if (n < 0)
		return BZ_ERR_RAM_SIZE; /* not reached: the size was checked above */
	plan->e820_n = (uint32_t)n;
	return BZ_OK;
}

/* GDT and the identity map of [0, 4 GiB) with 2 MiB pages. */
static void bz_write_tables(struct guest_mem *mem)
{
	uint8_t *gdt = mem->base + BZ_GDT_ADDR;
	uint8_t *pml4 = mem->base + BZ_PML4_ADDR;
	uint8_t *pdpt = mem->base + BZ_PDPT_ADDR;
	uint8_t *pd = mem->base + BZ_PD_ADDR;

	bz_put64(gdt + BZ_BOOT_CS, BZ_GDT_CODE64);
	bz_put64(gdt + BZ_BOOT_DS, BZ_GDT_DATA);

	bz_put64(pml4, BZ_PDPT_ADDR | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < BZ_PD_COUNT; i++)
		bz_put64(pdpt + 8 * i, (BZ_PD_ADDR + i * BZ_PAGE) | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < BZ_PD_COUNT * 512; i++)
		bz_put64(pd + 8 * i, (i * PAGE_SIZE_2M) | PTE_P | PTE_RW | PTE_PS);
}

/*
 * The zero page (zero-page.rst): the image's setup header copied to 0x1f1
 * (boot.rst "64-bit Boot Protocol": the loader fills struct boot_params
 * and copies the header into it; the bytes before it, sentinel included,
 * stay zero), then the fields a loader writes (boot.rst "Details of
 * Header Fields", marked "write" or "modify").
 */
static void bz_write_zero_page(struct guest_mem *mem, const struct bz_params *p,
			       const struct bz_plan *plan)
{
	uint8_t *bp = mem->base + BZ_ZERO_PAGE_ADDR;
	size_t hdr_end = MIN(plan->hdr.header_end, (size_t)BP_EDD_MBR_SIG_BUF);

	memcpy(bp + HDR_START, p->image + HDR_START, hdr_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = BZ_TYPE_OF_LOADER;
	bp[HDR_LOADFLAGS] |= BZ_LOADED_HIGH | BZ_CAN_USE_HEAP;
	bz_put32(bp + HDR_CODE32_START, (uint32_t)plan->load);
	bz_put32(bp + HDR_RAMDISK_IMAGE, (uint32_t)plan->initrd_start);
	bz_put32(bp + HDR_RAMDISK_SIZE, plan->initrd_start ? (uint32_t)p->initrd_size : 0);
	bz_put16(bp + HDR_HEAP_END_PTR, BZ_HEAP_END_PTR);
	bp[HDR_EXT_LOADER_VER] = 0;
	bp[HDR_EXT_LOADER_TYPE] = 0;
	bz_put32(bp + HDR_CMD_LINE_PTR, (uint32_t)BZ_CMDLINE_ADDR);
	if (plan->hdr.relocatable)
		bz_put32(bp + HDR_KERNEL_ALIGNMENT, plan->alignment);
	bz_put32(bp + HDR_HARDWARE_SUBARCH, 0); /* X86_SUBARCH_PC */
	bz_put64(bp + HDR_HARDWARE_SUBARCH_DATA, 0);
	bz_put64(bp + HDR_SETUP_DATA, 0); /* no setup_data list */

	bz_put64(bp + BP_ACPI_RSDP_ADDR, p->acpi_rsdp);
	bp[BP_E820_ENTRIES] = (uint8_t)plan->e820_n;
	for (uint32_t i = 0; i < plan->e820_n; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		bz_put64(e, plan->e820[i].addr);
		bz_put64(e + 8, plan->e820[i].size);
		bz_put32(e + 16, plan->e820[i].type);
	}
}

static void bz_fill_entry(const struct bz_plan *plan, const struct bz_params *p,
			  struct bz_entry *out)
{
	out->rip = plan->load + BZ_ENTRY_64_OFFSET;
	out->rsi = BZ_ZERO_PAGE_ADDR;
	out->rsp = 0;
	out->rflags = BZ_RFLAGS_FIXED;
	out->cr0 = BZ_CR0_PE | BZ_CR0_ET | BZ_CR0_PG;
	out->cr3 = BZ_PML4_ADDR;
	out->cr4 = BZ_CR4_PAE;
	out->efer = BZ_EFER_LME | BZ_EFER_LMA;
	out->cs = (struct guest_seg){ BZ_BOOT_CS, 0, 0xffffffffu, BZ_AR_CODE64 };
	out->data = (struct guest_seg){ BZ_BOOT_DS, 0, 0xffffffffu, BZ_AR_DATA };
	out->gdt_base = BZ_GDT_ADDR;
	out->gdt_limit = BZ_GDT_ENTRIES * 8 - 1;
	out->protocol = plan->hdr.version;
	out->kernel_start = plan->load;
	out->kernel_end = plan->kernel_end;
	out->initrd_start = plan->initrd_start;
	out->initrd_end = plan->initrd_start ? plan->initrd_start + p->initrd_size : 0;
	out->e820_entries = plan->e820_n;
}

enum bz_error bz_load(struct guest_mem *mem, const struct bz_params *p, struct bz_entry *out)
{
	struct bz_plan plan;
	enum bz_error err;

	if (!out)
		return BZ_ERR_ARGS;
	memset(out, 0, sizeof(*out));
	memset(&plan, 0, sizeof(plan));
	err = bz_plan(mem, p, &plan);
	if (err != BZ_OK)
		return err;

	memset(mem->base + BZ_BOOT_AREA_START, 0, BZ_BOOT_AREA_END - BZ_BOOT_AREA_START);
	bz_write_tables(mem);
	if (plan.cmdline_len)
		memcpy(mem->base + BZ_CMDLINE_ADDR, p->cmdline, plan.cmdline_len);
	bz_write_zero_page(mem, p, &plan);
	memcpy(mem->base + plan.load, p->image + plan.hdr.setup_size, plan.hdr.kernel_size);
	if (plan.initrd_start)
		memcpy(mem->base + plan.initrd_start, p->initrd, p->initrd_size);
	bz_fill_entry(&plan, p, out);
	return BZ_OK;
}
