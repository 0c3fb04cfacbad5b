/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 header and 32-bit entry of every test guest.
 *
 * Entry state (Multiboot 0.6.96 section 3.2): protected mode, paging off,
 * flat CS/DS/ES/FS/GS/SS, EAX = 0x2BADB002, EBX = physical address of the
 * info structure, IF clear; ESP and GDTR are undefined. The stub loads its
 * own GDT and stack, clears .bss and calls
 * guest_start(magic, info, entry_eflags), which never returns.
 */
#include "multiboot.h"
#include "segments.h"

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_HEADER_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

	.text
	.globl	guest_entry
	.type	guest_entry, @function
guest_entry:
	mov	%eax, %esi		/* magic; EBX keeps the info pointer */
	mov	$guest_stack_top, %esp
	pushfl				/* EFLAGS as the loader left them */
	popl	%edx
	lgdt	guest_gdt_ptr
	ljmp	$GUEST_CS, $1f
1:	mov	$GUEST_DS, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss

	/* Zero .bss (the stack too: nothing lives on it yet). */
	cld
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb

	xor	%ebp, %ebp		/* ends frame-pointer chains */
	push	%edx
	push	%ebx
	push	%esi
	call	guest_start
2:	cli
	hlt
	jmp	2b
	.size	guest_entry, . - guest_entry

	.data
	.balign 8
guest_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* GUEST_CS: code, DPL 0, 32-bit, 4 GiB */
	.quad	0x00cf92000000ffff	/* GUEST_DS: data, DPL 0, 4 GiB */
guest_gdt_end:

	.balign 4
	.word	0			/* align the base */
guest_gdt_ptr:
	.word	guest_gdt_end - guest_gdt - 1
	.long	guest_gdt

	.bss
	.balign 16
guest_stack:
	.skip	GUEST_STACK_SIZE
	.globl	guest_stack_top
guest_stack_top:

	.section .note.GNU-stack, "", @progbits
