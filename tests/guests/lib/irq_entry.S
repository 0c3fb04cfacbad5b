/* SPDX-License-Identifier: MIT */
/*
 * Stubs for vectors 32-255 (lib/irq.h). Each pushes a zero error code and
 * its vector, so irq_dispatch() sees the same struct trap_frame as the
 * exception handlers (lib/trap.h). irq_stubs[] lists their addresses.
 */

	.section .rodata.irq_stubs, "a"
	.balign 4
	.globl	irq_stubs
irq_stubs:

	.text
	.set	vec, 32
	.rept	224
	.balign 8
1:	pushl	$0
	pushl	$vec
	jmp	irq_common
	.pushsection .rodata.irq_stubs, "a"
	.long	1b
	.popsection
	.set	vec, vec + 1
	.endr

/* NMI (vector 2) when irq_route_nmi() points its gate here. */
	.globl	irq_nmi_stub
	.balign 8
irq_nmi_stub:
	pushl	$0
	pushl	$2
	jmp	irq_common

irq_common:
	pushal
	cld
	push	%esp			/* struct trap_frame * */
	call	irq_dispatch
	add	$4, %esp
	popal
	add	$8, %esp		/* vector and error code */
	iret

	.section .note.GNU-stack, "", @progbits
