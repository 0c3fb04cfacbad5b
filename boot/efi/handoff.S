/*
 * Jump from the UEFI loader into the kernel (see handoff.h).
 *
 * Runs after ExitBootServices() from a copy below 4 GiB: only
 * RIP-relative references inside handoff_start..handoff_end.
 */
#include "boot/efi/handoff.h"

#define CR0_WP (1 << 16)	/* SDM Vol. 3A 2.5 "Control Registers" */

	.text
	.globl handoff_start, handoff_end, handoff_read_cr4

	.balign 16
handoff_start:
	cli
	movq %cr0, %rax
	orq  $CR0_WP, %rax
	movq %rax, %cr0
	/* The tables identity-map this page, so execution continues. */
	movq %rsi, %cr3
	lgdt (%r8)
	movq %rdx, %rsp
	/* Far return reloads CS from the new GDT (SDM Vol. 3A 3.4.3). */
	pushq $HANDOFF_CS
	leaq 1f(%rip), %rax
	pushq %rax
	lretq
1:	movl $HANDOFF_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	xorl %ebp, %ebp
	/* A zero return address: the kernel sees the stack as after a call. */
	pushq $0
	jmp  *%rcx
handoff_end:

handoff_read_cr4:
	movq %cr4, %rax
	ret

	.section .note.GNU-stack, "", @progbits
