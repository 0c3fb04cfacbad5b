/*
 * Interrupt and exception entry stubs. Each vector pushes a zero error
 * code when the CPU does not (SDM Vol. 3A 6.13: vectors 8, 10-14, 17, 21,
 * 29, 30 push one), then its number, then joins trap_common, which saves
 * the general registers as a struct trap_frame (idt.h) and calls
 * trap_dispatch().
 */

	.section .text
	.code64

.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

	.altmacro
.macro TRAP_STUBS from, to
	TRAP_STUB %from
	.if \to-\from
	TRAP_STUBS %(from+1), \to
	.endif
.endm

	.globl trap_stubs_start
trap_stubs_start:
	TRAP_STUBS 0, 63
	TRAP_STUBS 64, 127
	TRAP_STUBS 128, 191
	TRAP_STUBS 192, 255

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Align the stack for C: the frame is 22 quadwords plus the CPU's alignment. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq
