/* SPDX-License-Identifier: MIT */
/*
 * The AP trampoline of lib/smp.h. smp_trampoline .. smp_trampoline_end is
 * copied to SMP_TRAMPOLINE_ADDR and entered in real mode with CS = that
 * address >> 4, IP = 0 (SDM Vol. 3A 9.4.4.1); smp.c fills in the GDT
 * pointer first. The far jump leaves real mode for smp_ap_entry32, which
 * stays in the image.
 */
#include "segments.h"

	.text
	.code16
	.globl	smp_trampoline, smp_trampoline_end, smp_tramp_gdtr
smp_trampoline:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	/* 0x66: a 32-bit base (SDM Vol. 2A "LGDT"): the GDT is above 1 MiB. */
	lgdtl	%ds:(smp_tramp_gdtr - smp_trampoline)
	mov	%cr0, %eax
	or	$1, %eax		/* CR0.PE */
	mov	%eax, %cr0
	ljmpl	$GUEST_CS, $smp_ap_entry32
	.balign	4
	.word	0			/* align the base */
smp_tramp_gdtr:
	.word	0
	.long	0
smp_trampoline_end:

	.code32
smp_ap_entry32:
	mov	$GUEST_DS, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	mov	smp_ap_esp, %esp
	xor	%ebp, %ebp
	call	smp_ap_start
1:	cli
	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
