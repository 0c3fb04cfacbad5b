/* SPDX-License-Identifier: MIT */
/*
 * Exception stubs for vectors 0-31. Each pushes a dummy error code where
 * the CPU pushes none (SDM Vol. 3A 6.13 "Error Code": 8, 10-14, 17, 21,
 * 29, 30 have one), then its vector, so trap_dispatch() always sees a
 * struct trap_frame. trap_dispatch() may rewrite the saved EIP to resume
 * after a faulting instruction (lib/trap.h, TRAP_TRY).
 */

.macro TRAP_STUB vec
	.balign 8
trap_stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || \
	    (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushl	$0
	.endif
	pushl	$\vec
	jmp	trap_common
.endm

	.text
	.irp	vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP_STUB \vec
	.endr

trap_common:
	pushal
	cld
	push	%esp			/* struct trap_frame * */
	call	trap_dispatch
	add	$4, %esp
	popal
	add	$8, %esp		/* vector and error code */
	iret

	.section .rodata
	.balign 4
	.globl	trap_stubs
trap_stubs:
	.irp	vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long	trap_stub_\vec
	.endr

	.section .note.GNU-stack, "", @progbits
