/*
 * The last step of the UEFI path: switch to the loader's page tables and
 * GDT and jump to the kernel (boot_info.h entry contract).
 *
 * handoff_start..handoff_end is position-independent code that the loader
 * copies to a page below 4 GiB before calling it, so it keeps running
 * when the new CR3 (which maps only the low 4 GiB and the kernel) takes
 * effect, wherever the firmware placed the loader image.
 */
#ifndef STRATA_BOOT_EFI_HANDOFF_H
#define STRATA_BOOT_EFI_HANDOFF_H

/* Selectors of the GDT the handoff loads (struct handoff_gdt). */
#define HANDOFF_CS 0x08
#define HANDOFF_DS 0x10

#ifndef __ASSEMBLY__
#include <stdint.h>

struct handoff_gdt {
	uint64_t desc[3]; /* null, 64-bit code, data */
	uint16_t pad[3];
	uint16_t limit; /* the GDTR image starts here */
	uint64_t base;
} __attribute__((aligned(16)));

/*
 * Signature of the copied code:
 *   %rdi boot_info physical address (passed on to the kernel)
 *   %rsi CR3 value, %rdx stack top (16-byte aligned), %rcx kernel entry
 *   %r8  physical address of handoff_gdt.limit (the GDTR image)
 * Disables interrupts, sets CR0.WP, loads CR3 and the GDT, reloads the
 * segment registers and enters the kernel as if called. Never returns.
 */
typedef void (*handoff_fn)(uint64_t boot_info, uint64_t cr3, uint64_t stack_top, uint64_t entry,
			   uint64_t gdtr) __attribute__((noreturn));

extern const uint8_t handoff_start[];
extern const uint8_t handoff_end[];

/* CR4, to refuse 5-level paging (CR4.LA57) which these tables do not do. */
uint64_t handoff_read_cr4(void);

#endif /* __ASSEMBLY__ */

#endif
