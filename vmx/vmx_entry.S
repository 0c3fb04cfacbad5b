/*
 * VM entry and exit (SDM Vol. 3C 26 "VM Entries", 27 "VM Exits").
 *
 * int vmx_enter(struct guest_regs *regs, int launched)
 *   saves the callee-saved host registers and regs on the stack, points
 *   HOST_RSP at that frame, loads the guest registers and executes
 *   VMLAUNCH or VMRESUME. A VM exit lands at vmx_exit_point (HOST_RIP) on
 *   that same stack: the guest registers are stored back into regs and 0
 *   is returned. If the instruction itself fails (VMfail), it returns 1
 *   and the caller reads VM_INSTRUCTION_ERROR.
 */
#define HOST_RSP 0x6c14

#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RBP 40
#define R_RSI 48
#define R_RDI 56
#define R_R8  64
#define R_R9  72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120

	.text
	.code64
	.globl vmx_enter
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* regs, found again at the exit */

	movq $HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe  1f				/* CF or ZF: VMfail */

	testl %esi, %esi		/* flags survive the movs below */
	movq R_RAX(%rdi), %rax
	movq R_RCX(%rdi), %rcx
	movq R_RDX(%rdi), %rdx
	movq R_RBX(%rdi), %rbx
	movq R_RBP(%rdi), %rbp
	movq R_RSI(%rdi), %rsi
	movq R_R8(%rdi), %r8
	movq R_R9(%rdi), %r9
	movq R_R10(%rdi), %r10
	movq R_R11(%rdi), %r11
	movq R_R12(%rdi), %r12
	movq R_R13(%rdi), %r13
	movq R_R14(%rdi), %r14
	movq R_R15(%rdi), %r15
	movq R_RDI(%rdi), %rdi
	jnz  2f
	vmlaunch
	jmp  1f
2:	vmresume
1:	/* VMfail: nothing of the guest ran. */
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	movl $1, %eax
	ret

	.globl vmx_exit_point
vmx_exit_point:
	pushq %rdi			/* guest rdi */
	movq 8(%rsp), %rdi		/* regs */
	movq %rax, R_RAX(%rdi)
	movq %rcx, R_RCX(%rdi)
	movq %rdx, R_RDX(%rdi)
	movq %rbx, R_RBX(%rdi)
	movq %rbp, R_RBP(%rdi)
	movq %rsi, R_RSI(%rdi)
	movq %r8, R_R8(%rdi)
	movq %r9, R_R9(%rdi)
	movq %r10, R_R10(%rdi)
	movq %r11, R_R11(%rdi)
	movq %r12, R_R12(%rdi)
	movq %r13, R_R13(%rdi)
	movq %r14, R_R14(%rdi)
	movq %r15, R_R15(%rdi)
	popq R_RDI(%rdi)
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	xorl %eax, %eax
	ret
