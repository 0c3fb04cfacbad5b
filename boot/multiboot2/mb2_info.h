/*
 * Multiboot2 boot information -> struct boot_info.
 *
 * GRUB (or any Multiboot2 loader) leaves a tagged information block in
 * memory and its physical address in EBX (Multiboot2 spec 3.3, 3.6). This
 * pure parser turns that block into the loader-neutral struct boot_info the
 * kernel validates next (kernel/boot_info.c). It reads only the block
 * itself, writes only the caller's storage, and never trusts a length
 * without checking it against total_size, so it also runs on the host
 * under libFuzzer (tests/fuzz/fuzz_mb2.c).
 */
#ifndef STRATA_MB2_INFO_H
#define STRATA_MB2_INFO_H

#include "kernel/include/strata/boot_info.h"
#include "kernel/include/strata/types.h"

/* EAX at OS entry from a Multiboot2 loader (spec 3.3 "I386 machine state"). */
#define MB2_BOOTLOADER_MAGIC 0x36d76289U

/* Tag types used here (spec 3.6.2 onwards); others are skipped. */
#define MB2_TAG_END           0
#define MB2_TAG_CMDLINE       1  /* 3.6.5 */
#define MB2_TAG_MODULE        3  /* 3.6.6 */
#define MB2_TAG_BASIC_MEMINFO 4  /* 3.6.3 */
#define MB2_TAG_MMAP          6  /* 3.6.8 */
#define MB2_TAG_ACPI_OLD      14 /* 3.6.16, RSDP of ACPI 1.0 */
#define MB2_TAG_ACPI_NEW      15 /* 3.6.17, RSDP of ACPI 2.0+ */

/* Memory map entry types (3.6.8). */
#define MB2_MMAP_AVAILABLE    1
#define MB2_MMAP_ACPI_RECLAIM 3
#define MB2_MMAP_ACPI_NVS     4
#define MB2_MMAP_BAD          5

/* The module whose string is exactly this is the host configuration. */
#define MB2_CONFIG_MODULE_NAME "strata.conf"

/*
 * Everything struct boot_info points at, in one object the kernel keeps in
 * .bss: its physical address is known, it lies inside the kernel image
 * (so below 4 GiB and carved out of usable memory), and it needs no
 * allocator this early.
 */
struct mb2_boot_storage {
	struct boot_info info;
	struct boot_mem_region mmap[BOOT_INFO_MAX_MMAP];
	struct boot_module modules[BOOT_INFO_MAX_MODULES];
};

struct mb2_input {
	const void *info;      /* the information block, readable, 8-byte aligned */
	size_t readable;       /* bytes readable at `info`; total_size must fit */
	hpa_t info_phys;       /* physical address of the block (EBX at entry) */
	hpa_t kernel_phys_end; /* end of the loaded image, .bss included */
	hpa_t storage_phys;    /* physical address of the caller's storage */
};

/* One value per way the block can be wrong; mb2_strerror() explains each. */
enum mb2_status {
	MB2_OK = 0,
	MB2_ERR_ALIGN,               /* block not 8-byte aligned (3.6.2) */
	MB2_ERR_ABOVE_4G,            /* block not wholly below 4 GiB */
	MB2_ERR_TOTAL_SIZE_SMALL,    /* total_size < fixed part + end tag */
	MB2_ERR_TOTAL_SIZE_READABLE, /* total_size > bytes the caller can read */
	MB2_ERR_TAG_SIZE,            /* a tag's size < 8 */
	MB2_ERR_TAG_OVERRUN,         /* a tag runs past total_size */
	MB2_ERR_NO_END_TAG,          /* tags ran out before an end tag */
	MB2_ERR_DUPLICATE_TAG,       /* a tag that may appear once appeared twice */
	MB2_ERR_CMDLINE_UNTERMINATED,
	MB2_ERR_MEMINFO_SIZE,
	MB2_ERR_MMAP_SIZE,       /* memory map tag shorter than its header */
	MB2_ERR_MMAP_ENTRY_SIZE, /* entry_size < 24 or not a multiple of 8 */
	MB2_ERR_MMAP_TOO_MANY,   /* more than BOOT_INFO_MAX_MMAP regions */
	MB2_ERR_MMAP_NO_ROOM,    /* no room left to carve out boot data */
	MB2_ERR_NO_MEMORY_MAP,   /* neither a memory map nor basic meminfo */
	MB2_ERR_MODULE_SIZE,     /* module tag shorter than its fields */
	MB2_ERR_MODULE_RANGE,    /* mod_end < mod_start */
	MB2_ERR_MODULE_AT_ZERO,  /* mod_start == 0, reads as "none" */
	MB2_ERR_MODULE_UNTERMINATED,
	MB2_ERR_MODULE_NAME_EMPTY,
	MB2_ERR_MODULE_NAME_LONG, /* name does not fit BOOT_MODULE_NAME_LEN */
	MB2_ERR_MODULE_TOO_MANY,  /* more than BOOT_INFO_MAX_MODULES */
	MB2_ERR_CONFIG_DUPLICATE, /* two modules named strata.conf */
	MB2_ERR_RSDP_SIZE,        /* ACPI tag too short for its RSDP */
	MB2_ERR_KERNEL_END,       /* kernel_phys_end not in (base, 4 GiB] */
	MB2_STATUS_COUNT
};

/* A one-line description of `st`, never NULL. */
const char *mb2_strerror(enum mb2_status st);

/*
 * Parse the information block `in->info` into `*out` (which is zeroed
 * first, then filled; on error its contents are unspecified).
 *
 * The result: boot_method MULTIBOOT2, kernel_phys_base KERNEL_LINK_PHYS
 * (GRUB loads an ELF at its link address), the memory map (or one built
 * from basic meminfo), the modules, the "strata.conf" module as
 * config_phys/config_size, the command line and RSDP inside the block.
 * Every *_phys field is a physical address: inside the block (computed
 * from in->info_phys) or inside *out (from in->storage_phys).
 *
 * To keep the boot_info contract ("every blob lies outside any
 * BOOT_MEM_USABLE region"), usable regions overlapping the kernel image,
 * the block itself or a module are split and the overlap, rounded out to
 * whole pages, becomes BOOT_MEM_BOOT_DATA. Zero-length map entries are
 * dropped, entries running past 2^64 are clipped, and an entry that
 * directly continues the previous one with the same type is merged.
 *
 * Returns MB2_OK or the first problem found; *err_offset (if not NULL)
 * gets the byte offset of the offending tag, 0 for the fixed part.
 */
enum mb2_status mb2_parse(const struct mb2_input *in, struct mb2_boot_storage *out,
			  uint32_t *err_offset);

/*
 * Physical range of the information block itself, for the caller to keep
 * it out of the allocator while cmdline_phys/rsdp_phys point into it.
 * Call only after mb2_parse() returned MB2_OK for the same block.
 */
void mb2_info_range(const void *info, hpa_t info_phys, hpa_t *base, uint64_t *length);

#endif
