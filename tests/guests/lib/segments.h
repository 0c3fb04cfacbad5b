/* SPDX-License-Identifier: MIT */
/*
 * The guest runtime's own GDT (lib/entry.S): Multiboot 0.6.96 section 3.2
 * leaves GDTR undefined at entry, so the runtime loads flat 4 GiB ring-0
 * segments before it touches memory through a segment register again.
 * Shared by assembly and C.
 */
#ifndef GUEST_SEGMENTS_H
#define GUEST_SEGMENTS_H

#define GUEST_CS 0x08 /* 32-bit code, base 0, limit 4 GiB */
#define GUEST_DS 0x10 /* data, base 0, limit 4 GiB */

#define GUEST_STACK_SIZE 16384

#endif /* GUEST_SEGMENTS_H */
