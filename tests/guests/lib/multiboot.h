/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (specification 0.6.96): the OS image header and the
 * information structure a loader passes in EBX (section 3.3).
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#define MB_HEADER_MAGIC 0x1badb002
/* Bit 0: page-align modules; bit 1: mem_* and mmap_* wanted (3.1.2). */
#define MB_HEADER_FLAGS 0x00000003
#define MB_BOOT_MAGIC   0x2badb002 /* in EAX at entry (3.2) */

#ifndef __ASSEMBLY__
#include <stdint.h>

#define MB_INFO_MEMORY  (1u << 0) /* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP    (1u << 6) /* mmap_length, mmap_addr valid */

#define MB_MMAP_AVAILABLE 1 /* type 1: RAM for the OS */

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
} __attribute__((packed));

/* One memory-map entry; @size counts the bytes after itself (>= 20). */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct mb_info) == 52, "multiboot info layout");
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot mmap layout");
#endif /* __ASSEMBLY__ */

#endif /* GUEST_MULTIBOOT_H */
