/*
 * Linux guest loader: puts a bzImage kernel, its initrd and command line
 * into a VM's RAM through the Linux x86 boot protocol and says in which
 * state the VM must start: the protocol's 64-bit entry, with no firmware
 * behind it. References: Documentation/arch/x86/boot.rst ("boot.rst",
 * protocol 2.15: "The Real-Mode Kernel Header", "Details of Header
 * Fields", "64-bit Boot Protocol") and Documentation/arch/x86/
 * zero-page.rst ("zero-page.rst": the layout of struct boot_params).
 *
 * Guest RAM is seen through struct guest_mem (vmx/loader/multiboot.h).
 * Pure logic: no allocation, no hardware, no VMCS access; the VM start
 * code copies struct bz_entry into the VMCS.
 *
 * Guest-physical layout (fixed, so tests and the VM start code can rely
 * on it):
 *
 *   0x00000000 - 0x00000fff  untouched: real-mode IVT and BIOS data area
 *                            (zero: the kernel then assumes no EBDA and
 *                            low memory up to 0x9f000)
 *   0x00001000 - 0x00009fff  BZ_BOOT_AREA: zeroed, then written by the loader
 *       0x1000  GDT: null, null, __BOOT_CS (0x10) flat 64-bit code,
 *               __BOOT_DS (0x18) flat data
 *       0x2000  zero page (struct boot_params); RSI points here
 *       0x3000  command line, up to BZ_MAX_CMDLINE bytes and a NUL
 *       0x4000  PML4
 *       0x5000  PDPT
 *       0x6000  4 page directories: 2 MiB pages identity-mapping
 *               [0, 4 GiB), present, writable, supervisor
 *   0x0000a000 - 0x0009fbff  free RAM (the kernel's own: its real-mode
 *                            trampoline, the 5-level paging trampoline)
 *   0x0009fc00 - 0x000fffff  reserved in the e820 map; the ACPI tables of
 *                            guest_acpi.h at 0xe0000 (written by
 *                            guest_acpi_build(), not here)
 *   0x00100000 - RAM end     the kernel at pref_address (16 MiB for the
 *                            usual x86-64 kernel); the initrd page-aligned
 *                            at the top of RAM below initrd_addr_max
 *
 * The e820 map the guest gets is e820_build()'s (vmx/loader/e820.h): the
 * boot area and the kernel and initrd lie in RAM, as the protocol wants;
 * Linux reserves what it still needs itself. RAM may not exceed
 * E820_RAM_MAX, so the identity map covers everything the loader wrote.
 */
#ifndef STRATA_VMX_LOADER_BZIMAGE_H
#define STRATA_VMX_LOADER_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/include/strata/types.h"
#include "vmx/loader/multiboot.h"

/* Guest-physical layout above. */
/* clang-format off */
#define BZ_BOOT_AREA_START  0x1000ULL
#define BZ_BOOT_AREA_END    0xa000ULL
#define BZ_GDT_ADDR         0x1000ULL
#define BZ_ZERO_PAGE_ADDR   0x2000ULL
#define BZ_CMDLINE_ADDR     0x3000ULL
#define BZ_PML4_ADDR        0x4000ULL
#define BZ_PDPT_ADDR        0x5000ULL
#define BZ_PD_ADDR          0x6000ULL /* BZ_PD_COUNT consecutive tables */
#define BZ_PD_COUNT         4
#define BZ_IDENTITY_END     (4ULL << 30) /* identity map covers [0, this) */
#define BZ_MAX_CMDLINE      4095         /* our slot; the kernel's cmdline_size may be less */

/* boot.rst "64-bit Boot Protocol": selectors and entry offset. */
#define BZ_BOOT_CS          0x10
#define BZ_BOOT_DS          0x18
#define BZ_ENTRY_64_OFFSET  0x200 /* startup_64, from the load address */

/* boot.rst: protocol 2.12 added xloadflags, which announces the 64-bit entry. */
#define BZ_MIN_PROTOCOL     0x020c
#define BZ_TYPE_OF_LOADER   0xff  /* "undefined": no boot loader id assigned */
/* clang-format on */

enum bz_error {
	BZ_OK = 0,
	BZ_ERR_ARGS,             /* NULL pointer, initrd NULL with a size, RSDP outside RAM */
	BZ_ERR_RAM_SIZE,         /* guest RAM below 1 MiB or above E820_RAM_MAX */
	BZ_ERR_TOO_SMALL,        /* file ends inside its header or setup, or has no kernel */
	BZ_ERR_BOOT_FLAG,        /* no 0xAA55 at 0x1fe */
	BZ_ERR_MAGIC,            /* no "HdrS" at 0x202 */
	BZ_ERR_OLD_PROTOCOL,     /* boot protocol older than 2.12 */
	BZ_ERR_HEADER_LENGTH,    /* setup header shorter than protocol 2.12's */
	BZ_ERR_NOT_BZIMAGE,      /* loadflags LOADED_HIGH clear: a zImage */
	BZ_ERR_NO_64BIT_ENTRY,   /* xloadflags XLF_KERNEL_64 clear */
	BZ_ERR_INIT_SIZE,        /* init_size 0 */
	BZ_ERR_ALIGNMENT,        /* relocatable, kernel_alignment not a power of two >= 4 KiB */
	BZ_ERR_TRUNCATED,        /* syssize names more bytes than the file holds */
	BZ_ERR_KERNEL_TOO_BIG,   /* no load address where init_size fits in RAM */
	BZ_ERR_INITRD_TOO_BIG,   /* the initrd does not fit between the kernel and its limit */
	BZ_ERR_CMDLINE_TOO_LONG, /* longer than cmdline_size or BZ_MAX_CMDLINE */
	BZ_ERR_COUNT
};

/*
 * The setup header fields the loader uses (boot.rst "The Real-Mode
 * Kernel Header"), decoded, with what follows from them.
 */
struct bz_header {
	uint16_t version;      /* protocol, e.g. 0x020f for 2.15 */
	uint8_t setup_sects;   /* as stored: 0 means 4 */
	uint8_t loadflags;     /* BZ_LOADED_HIGH... */
	uint16_t xloadflags;   /* BZ_XLF_KERNEL_64... */
	uint8_t relocatable;   /* relocatable_kernel */
	uint8_t min_alignment; /* log2 of the minimum alignment */
	uint32_t syssize;      /* protected-mode code size in 16-byte units (0: unknown) */
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max; /* highest address the initrd may occupy */
	uint32_t cmdline_size;    /* longest command line, without its NUL */
	uint32_t init_size;       /* bytes the kernel needs from its run address */
	uint64_t pref_address;    /* where the kernel runs; a relocatable one moves up to it */
	size_t header_end;        /* 0x202 + the byte at 0x201: end of the setup header */
	size_t setup_size;        /* (setup_sects + 1) * 512: boot sector and setup code */
	size_t kernel_size;       /* protected-mode kernel bytes to load */
};

/* loadflags and xloadflags bits (boot.rst "Details of Header Fields"). */
#define BZ_LOADED_HIGH   0x01   /* protected-mode code at 0x100000 and up: a bzImage */
#define BZ_CAN_USE_HEAP  0x80   /* heap_end_ptr is valid (written by the loader) */
#define BZ_XLF_KERNEL_64 0x0001 /* 64-bit entry at load address + 0x200 */

struct bz_params {
	const uint8_t *image; /* the bzImage file */
	size_t image_size;
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	const char *cmdline; /* NULL: "" */
	/*
	 * boot_params.acpi_rsdp_addr (zero-page.rst, 0x070): where the RSDP
	 * is, normally GUEST_ACPI_RSDP_ADDR; 0: none given, Linux scans the
	 * BIOS area for it.
	 */
	gpa_t acpi_rsdp;
};

/*
 * The state the VM starts in (boot.rst "64-bit Boot Protocol"): 64-bit
 * mode, paging on with the identity tables above, a GDT with flat
 * __BOOT_CS and __BOOT_DS, CS = __BOOT_CS, DS = ES = SS = __BOOT_DS (FS
 * and GS too), interrupts disabled, RSI the zero page. The kernel sets its
 * own stack before using one: RSP is 0. Other general registers are 0.
 * TR and LDTR are not described by the protocol; the VM start code gives
 * them the minimal state VM entry requires, as for other loaders.
 */
struct bz_entry {
	uint64_t rip;          /* kernel load address + BZ_ENTRY_64_OFFSET */
	uint64_t rsi;          /* BZ_ZERO_PAGE_ADDR */
	uint64_t rsp;          /* 0 */
	uint64_t rflags;       /* 0x2: IF clear */
	uint64_t cr0;          /* PE, ET, PG */
	uint64_t cr3;          /* BZ_PML4_ADDR */
	uint64_t cr4;          /* PAE */
	uint64_t efer;         /* LME, LMA */
	struct guest_seg cs;   /* BZ_BOOT_CS, base 0, limit 4 GiB - 1, ar 0xa09b (L=1) */
	struct guest_seg data; /* BZ_BOOT_DS, base 0, limit 4 GiB - 1, ar 0xc093 */
	gpa_t gdt_base;        /* BZ_GDT_ADDR */
	uint16_t gdt_limit;
	/* What was loaded, for logs and tests. */
	uint16_t protocol;
	gpa_t kernel_start; /* load address */
	gpa_t kernel_end;   /* end of what the kernel may use while it unpacks */
	gpa_t initrd_start; /* 0 without an initrd */
	gpa_t initrd_end;
	uint32_t e820_entries;
};

/*
 * Decode and check the setup header of image[0..size). Returns BZ_OK and
 * fills *hdr, or the first problem (BZ_ERR_TOO_SMALL through
 * BZ_ERR_TRUNCATED). Reads only inside the image; safe on any bytes.
 */
enum bz_error bz_parse_header(const uint8_t *image, size_t size, struct bz_header *hdr);

/*
 * Load the bzImage p->image with p->initrd and p->cmdline into guest RAM
 * `mem` and fill *out with the entry state. Every check is made before
 * the first byte is written, so a refused image leaves guest RAM as it
 * was (and *out zeroed). On success only BZ_BOOT_AREA, the kernel and the
 * initrd are written; the ACPI area is left to guest_acpi_build().
 *
 * The kernel goes to pref_address when it fits there with its initrd,
 * else (if relocatable) to the lowest kernel_alignment- then
 * min_alignment-aligned address from 1 MiB that does. Returns BZ_OK or
 * the first problem; log bz_strerror(). Safe from any context; keeps no
 * state.
 */
enum bz_error bz_load(struct guest_mem *mem, const struct bz_params *p, struct bz_entry *out);

/* A short, constant, English description of an error, for "vm NAME refused: ...". */
const char *bz_strerror(enum bz_error err);

#endif
