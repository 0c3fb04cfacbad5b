/*
 * Flat binary guest loader: a raw image (a boot sector, a small real-mode
 * test program) copied to guest-physical FLAT_LOAD_ADDR (0x7c00) and
 * entered in 16-bit real mode at 0000:7C00, the state a PC BIOS leaves
 * when it jumps to a boot sector (BIOS Boot Specification 1.01: the
 * boot record is read to 0000:7C00 and entered there with DL = the boot
 * drive, 0x80 for the first hard disk).
 *
 * Guest-physical layout:
 *   0x00000 - 0x07bff  untouched (IVT, BDA, room for the guest's stack:
 *                      SS:SP starts at 0000:7C00 and grows down)
 *   0x07c00 - ...      the image, at most FLAT_MAX_SIZE bytes
 *   ...     - 0x9fbff  free
 *   0x9fc00 -          not loaded into: the EBDA/VGA/BIOS area of a PC
 *
 * No BIOS services exist behind the image: it talks to devices through
 * I/O ports. Pure logic, like vmx/loader/multiboot.h, whose struct
 * guest_mem and struct guest_seg it shares.
 */
#ifndef STRATA_VMX_LOADER_FLAT_H
#define STRATA_VMX_LOADER_FLAT_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/include/strata/types.h"
#include "vmx/loader/multiboot.h"

#define FLAT_LOAD_ADDR  0x7c00ULL
#define FLAT_LOAD_END   0x9fc00ULL                       /* first byte the image may not reach */
#define FLAT_MAX_SIZE   (FLAT_LOAD_END - FLAT_LOAD_ADDR) /* 622592 bytes */
#define FLAT_MIN_RAM    0x100000ULL                      /* the PC's first MiB, as for multiboot */
#define FLAT_BOOT_DRIVE 0x80

enum flat_error {
	FLAT_OK = 0,
	FLAT_ERR_ARGS,          /* NULL pointer */
	FLAT_ERR_EMPTY,         /* image of 0 bytes */
	FLAT_ERR_TOO_BIG,       /* image would pass 0x9fc00 */
	FLAT_ERR_RAM_TOO_SMALL, /* guest RAM smaller than FLAT_MIN_RAM */
	FLAT_ERR_COUNT
};

/*
 * The state the VM starts in: real mode (CR0.PE = 0, paging off),
 * CS = DS = ES = FS = GS = SS = 0 with base 0 and limit 0xffff, IP = SP =
 * 0x7c00, DL = 0x80, EFLAGS = 0x2 (IF = 0), every other register 0.
 * With VT-x this needs "unrestricted guest" (SDM Vol. 3C, 26.3.1.1).
 */
struct flat_entry {
	uint16_t ip;     /* FLAT_LOAD_ADDR */
	uint16_t sp;     /* FLAT_LOAD_ADDR: the stack grows down below the image */
	uint8_t dl;      /* FLAT_BOOT_DRIVE */
	uint32_t cr0;    /* ET (bit 4) only: protection, paging and caches as a BIOS leaves them */
	uint32_t eflags; /* 0x2 */
	/*
	 * Real-mode segments in the VMCS access-rights format (SDM Vol. 3C
	 * 24.4.1, table 24-2): CS 0x9b (code, read, accessed), data 0x93.
	 */
	struct guest_seg cs;
	struct guest_seg data; /* for DS, ES, FS, GS, SS */
	gpa_t image_start, image_end;
};

/*
 * Copy image[0..size) to guest-physical FLAT_LOAD_ADDR in `mem` and fill
 * *out. Checks everything before writing; writes nothing else. Returns
 * FLAT_OK or the problem. Safe from any context; keeps no state.
 */
enum flat_error flat_load(struct guest_mem *mem, const uint8_t *image, size_t size,
			  struct flat_entry *out);

/* A short, constant, English description of an error. */
const char *flat_strerror(enum flat_error err);

#endif
