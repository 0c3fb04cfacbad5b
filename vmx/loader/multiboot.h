/*
 * Multiboot (version 1) guest loader: puts a kernel, its modules and the
 * Multiboot information structure into a VM's RAM and says in which state
 * the VM must start. Reference: the Multiboot Specification version
 * 0.6.96 ("the spec" below), chapter 3 "The exact definitions".
 *
 * Guest RAM is seen through struct guest_mem, a host buffer standing for
 * guest-physical [0, size); the loader writes only inside it and never
 * reads it (the image and modules are host buffers too). Pure logic: no
 * allocation, no hardware, no VMCS access; the VM start code copies
 * struct mb_entry into the VMCS.
 *
 * Guest-physical layout (fixed, so tests and guests can rely on it):
 *
 *   0x00000000 - 0x00007fff  free RAM, not written by the loader (the
 *                            image may be loaded here, rarely useful)
 *   0x00008000 - 0x0000afff  MB_INFO_AREA: written by the loader, refused
 *                            to the image and the modules
 *       0x8000  struct multiboot_info (spec 3.3), EBX points here
 *       0x8080  boot_loader_name "Strata"
 *       0x80a0  GDT: null, flat 32-bit code (0x08), flat data (0x10)
 *       0x8100  memory map (spec 3.3 "mmap_*"), 24-byte entries
 *       0x8200  module list, 16 bytes per module, MB_MAX_MODULES of them
 *       0x9000  module strings, one 256-byte slot per module
 *       0xa000  command line, up to MB_MAX_CMDLINE bytes and a NUL
 *   0x0000b000 - 0x0009fbff  free RAM (the image may be loaded here)
 *   0x0009fc00 - 0x000fffff  reserved, as on a PC (EBDA, VGA, BIOS ROM);
 *                            nothing is loaded here
 *   0x00100000 - size        free RAM: kernels normally load at 1 MiB;
 *                            modules follow the kernel, page-aligned,
 *                            and always end below 4 GiB
 *
 * The memory map the guest gets says: [0, 0x9fc00) available,
 * [0x9fc00, 0x100000) reserved, [0x100000, size) available. Like GRUB,
 * the info area sits inside available RAM: the spec (3.3) leaves it to
 * the OS not to overwrite the structures before it is done with them.
 * mem_lower is 639 (KiB below 0x9fc00), consistent with that map.
 *
 * The loader writes the image, the modules and MB_INFO_AREA only: guest
 * RAM must come zeroed from the caller (it may hold another VM's data).
 */
#ifndef STRATA_VMX_LOADER_MULTIBOOT_H
#define STRATA_VMX_LOADER_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/common/elf.h"
#include "kernel/include/strata/types.h"

/*
 * A VM's RAM as the hypervisor sees it: base[0] is guest-physical 0 and
 * base[size - 1] the last byte. The guest loaders (this file and
 * vmx/loader/flat.h) write through it.
 */
struct guest_mem {
	uint8_t *base;
	uint64_t size;
};

/*
 * A segment register as a VM must enter with it: the selector and the
 * hidden part. `ar` is in the VMCS access-rights format (SDM Vol. 3C,
 * 24.4.1 "Guest Register State", table 24-2): type in bits 3:0, S 4,
 * DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15.
 */
struct guest_seg {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;
	uint32_t ar;
};

/* Spec 3.1.1/3.2: header magic, and the value EAX holds at entry. */
#define MB_HEADER_MAGIC     0x1BADB002u
#define MB_BOOTLOADER_MAGIC 0x2BADB002u
/* Spec 3.1.1: the header lies, 4-byte aligned, within this many first bytes. */
#define MB_SEARCH_BYTES 8192

/* Guest-physical layout above; tests and the fuzzer check against it. */
#define MB_INFO_AREA_START  0x8000ULL
#define MB_INFO_AREA_END    0xb000ULL
#define MB_INFO_ADDR        0x8000ULL /* struct multiboot_info; EBX */
#define MB_LOADER_NAME_ADDR 0x8080ULL
#define MB_GDT_ADDR         0x80a0ULL
#define MB_MMAP_ADDR        0x8100ULL
#define MB_MODS_ADDR        0x8200ULL
#define MB_MOD_STRINGS_ADDR 0x9000ULL
#define MB_CMDLINE_ADDR     0xa000ULL
#define MB_LOW_END          0x9fc00ULL  /* end of low RAM (mem_lower = 639 KiB) */
#define MB_HIGH_START       0x100000ULL /* start of high RAM (1 MiB) */
#define MB_MIN_RAM          MB_HIGH_START

#define MB_MAX_MODULES     16
#define MB_MAX_MODULE_NAME 255  /* bytes of a module string, without its NUL */
#define MB_MAX_CMDLINE     4095 /* bytes of the command line, without its NUL */

/* Selectors of the GDT at MB_GDT_ADDR. */
#define MB_GDT_CODE_SEL 0x08
#define MB_GDT_DATA_SEL 0x10

enum mb_error {
	MB_OK = 0,
	MB_ERR_ARGS,             /* NULL pointer, or module data NULL with a size */
	MB_ERR_RAM_TOO_SMALL,    /* guest RAM smaller than MB_MIN_RAM */
	MB_ERR_NO_HEADER,        /* no header magic in the first 8192 bytes */
	MB_ERR_CHECKSUM,         /* header magic found, checksum wrong */
	MB_ERR_HEADER_TRUNCATED, /* header runs past 8192 bytes or the file */
	MB_ERR_FLAGS,            /* a requirement flag (bits 2-15) we cannot honour */
	MB_ERR_NOT_ELF,          /* no address fields (flag 16) and not an ELF file */
	MB_ERR_ELF,              /* malformed or unsupported ELF; mb_entry.elf_error says why */
	MB_ERR_ADDRESS_FIELDS,   /* the flag-16 address fields contradict each other */
	MB_ERR_TRUNCATED,        /* the address fields name bytes past the end of the file */
	MB_ERR_OUTSIDE_RAM,      /* a part of the image lies beyond guest RAM */
	MB_ERR_OVERLAPS_INFO,    /* the image would overwrite MB_INFO_AREA */
	MB_ERR_OVERLAPS_HOLE,    /* the image would sit in the reserved 0x9fc00-0xfffff */
	MB_ERR_ENTRY,            /* entry point outside the loaded image */
	MB_ERR_TOO_MANY_MODULES, /* more than MB_MAX_MODULES */
	MB_ERR_MODULE_NAME,      /* a module string longer than MB_MAX_MODULE_NAME */
	MB_ERR_MODULE_TOO_BIG,   /* the modules do not fit in RAM below 4 GiB after the kernel */
	MB_ERR_CMDLINE_TOO_LONG, /* command line longer than MB_MAX_CMDLINE */
	MB_ERR_COUNT
};

/* A boot module (spec 3.3 "mods_*"): an initrd, a ramdisk... */
struct mb_module {
	const uint8_t *data;
	size_t size;
	const char *name; /* its string in the module list; NULL = "" */
};

/*
 * The state the VM starts in (spec 3.2 "Machine state"): 32-bit protected
 * mode, paging off, EAX = MB_BOOTLOADER_MAGIC, EBX = MB_INFO_ADDR, CS a
 * flat 32-bit read/execute segment, DS/ES/FS/GS/SS flat 32-bit read/write,
 * A20 enabled (nothing to do: a VM has no A20 gate unless a device model
 * adds one), EFLAGS.VM = 0 and IF = 0. ESP is undefined by the spec (the OS
 * sets up its own stack), so is every other register: 0 is a fine start.
 */
struct mb_entry {
	uint32_t eip;          /* the kernel's entry, a physical address */
	uint32_t eax;          /* MB_BOOTLOADER_MAGIC */
	uint32_t ebx;          /* MB_INFO_ADDR */
	uint32_t cr0;          /* PE (bit 0) and ET (bit 4); PG, CD, NW clear */
	uint32_t eflags;       /* 0x2: only the always-one bit 1 */
	struct guest_seg cs;   /* MB_GDT_CODE_SEL, base 0, limit 4 GiB - 1, ar 0xc09b */
	struct guest_seg data; /* for DS, ES, FS, GS, SS: MB_GDT_DATA_SEL, ar 0xc093 */
	/*
	 * GDTR. The spec says the OS must not trust it; we still point it at
	 * a real GDT matching CS and the data segments, so an OS that
	 * reloads a selector before its own GDT keeps working.
	 */
	gpa_t gdt_base;
	uint16_t gdt_limit;
	/* What was loaded, for logs: the image's span and the end of the modules. */
	gpa_t image_start, image_end, modules_end;
	/* With MB_ERR_ELF: the ELF parser's verdict; ELF_OK otherwise. */
	enum elf_error elf_error;
};

/*
 * Load the Multiboot kernel image[0..image_size) and `nmods` modules into
 * guest RAM `mem`, build the info structure, and fill *out with the entry
 * state. cmdline may be NULL ("").
 *
 * The image is loaded from its ELF32 (EM_386) program headers, by
 * physical address, or, when header flag 16 is set, from the header's
 * address fields (spec 3.1.3), as GRUB does when both are present. Every
 * check is made before the first byte is written, so a refused image
 * leaves guest RAM as it was. On success only the image (bss zeroed),
 * the modules and MB_INFO_AREA (zeroed, then filled) are written: the
 * caller hands over RAM that holds nothing of anyone else's.
 *
 * Returns MB_OK or the first problem found; with MB_ERR_ELF,
 * out->elf_error tells which (log mb_strerror() and elf_strerror()).
 * Safe from any context; keeps no state.
 */
enum mb_error mb_load_modules(struct guest_mem *mem, const uint8_t *image, size_t image_size,
			      const struct mb_module *mods, size_t nmods, const char *cmdline,
			      struct mb_entry *out);

/*
 * The common case: one optional module, the initrd (initrd NULL = none),
 * whose string is initrd_name (the config's path, say).
 */
enum mb_error mb_load(struct guest_mem *mem, const uint8_t *image, size_t image_size,
		      const uint8_t *initrd, size_t initrd_size, const char *initrd_name,
		      const char *cmdline, struct mb_entry *out);

/* A short, constant, English description of an error, for "vm NAME refused: ...". */
const char *mb_strerror(enum mb_error err);

#endif
