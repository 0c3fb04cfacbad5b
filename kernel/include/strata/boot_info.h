/*
 * struct boot_info: the one contract between a boot path and the kernel.
 *
 * Both the GNU-EFI loader (boot/efi) and the multiboot2 entry
 * (boot/multiboot2) fill this structure; the kernel validates it before
 * anything else (kernel/boot_info.c). The layout is a versioned ABI: fixed
 * width fields, physical addresses only, no pointers, no EFI types. A new
 * field goes at the end and bumps BOOT_INFO_VERSION; `size` lets a newer
 * kernel accept an older, smaller struct.
 *
 * Kernel entry contract (both boot paths):
 *   - 64-bit long mode, interrupts disabled, CR0.WP set;
 *   - paging on with the low 4 GiB identity-mapped (2 MiB pages) and the
 *     kernel image mapped at its link address KERNEL_VIRT_BASE +
 *     (phys - kernel_phys_base) + KERNEL_LINK_PHYS;
 *   - %rdi = physical address of struct boot_info, below 4 GiB;
 *   - every array and blob named below lies below 4 GiB and outside any
 *     BOOT_MEM_USABLE region.
 */
#ifndef STRATA_BOOT_INFO_H
#define STRATA_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC   0x4942415441525453ULL /* "STRATABI" little-endian */
#define BOOT_INFO_VERSION 1

/* Where the kernel image is linked (linker.ld keeps these in step). */
#define KERNEL_VIRT_BASE 0xffffffff80000000ULL
#define KERNEL_LINK_PHYS 0x200000ULL

#define BOOT_INFO_MAX_MMAP    256
#define BOOT_INFO_MAX_MODULES 64
#define BOOT_MODULE_NAME_LEN  96

enum boot_method {
	BOOT_METHOD_MULTIBOOT2 = 1,
	BOOT_METHOD_UEFI = 2,
};

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,       /* free RAM */
	BOOT_MEM_RESERVED = 2,     /* firmware, MMIO, holes */
	BOOT_MEM_ACPI_RECLAIM = 3, /* ACPI tables */
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
	BOOT_MEM_BOOT_DATA = 6, /* kernel, boot_info, modules, loader tables */
};

struct boot_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved;
};
_Static_assert(sizeof(struct boot_mem_region) == 24, "boot_mem_region ABI");

/* A file handed over by the boot path: a guest image, an initrd... */
struct boot_module {
	uint64_t phys;
	uint64_t size;
	char name[BOOT_MODULE_NAME_LEN]; /* path relative to the config, NUL-terminated */
};
_Static_assert(sizeof(struct boot_module) == 112, "boot_module ABI");

struct boot_info {
	uint64_t magic;       /* BOOT_INFO_MAGIC */
	uint32_t version;     /* BOOT_INFO_VERSION */
	uint32_t size;        /* sizeof(struct boot_info) as the writer knew it */
	uint32_t boot_method; /* enum boot_method */
	uint32_t reserved0;
	uint64_t kernel_phys_base; /* physical address of KERNEL_LINK_PHYS */
	uint64_t kernel_phys_end;  /* end of the loaded image including .bss */
	uint64_t rsdp_phys;        /* ACPI RSDP, 0 if the firmware gave none */
	uint64_t mmap_phys;        /* struct boot_mem_region[mmap_count] */
	uint32_t mmap_count;
	uint32_t mmap_entry_size; /* sizeof(struct boot_mem_region) */
	uint64_t modules_phys;    /* struct boot_module[module_count] */
	uint32_t module_count;
	uint32_t module_entry_size; /* sizeof(struct boot_module) */
	uint64_t config_phys;       /* host config text, not NUL-terminated; 0 if none */
	uint64_t config_size;
	uint64_t cmdline_phys; /* NUL-terminated command line, 0 if none */
	uint64_t cmdline_size; /* bytes including the NUL */
};
_Static_assert(sizeof(struct boot_info) == 112, "boot_info ABI");

#endif
