/*
 * Application processor start-up code. smp.c copies this blob to a page
 * below 1 MiB and sends INIT-SIPI-SIPI with that page as the vector; the AP
 * starts here in real mode at CS:IP = page:0 (SDM Vol. 3A 8.4.4.1, 9.1.4).
 * It goes through protected mode to long mode (SDM Vol. 3A 9.8.5) on the
 * page tables given in the parameter block, then jumps to ap_entry(pcpu)
 * in the kernel image on its own stack.
 *
 * The blob is position-independent: 16-bit and 32-bit code address it
 * relative to its base (in %ebx), 64-bit code RIP-relative. smp.c fills
 * the parameter block at ap_tramp_params before each SIPI.
 */
#define TRAMP_CS32 0x08
#define TRAMP_DS   0x10
#define TRAMP_CS64 0x18

#define OFF(sym) ((sym) - ap_trampoline)

	.section .ap_trampoline, "a"
	.code16
	.globl ap_trampoline
ap_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx			/* %ebx = linear base of the blob */

	/* Patch the GDT base and the far pointers with the blob's address. */
	leal OFF(tramp_gdt)(%ebx), %eax
	movl %eax, OFF(tramp_gdt_desc) + 2
	leal OFF(tramp_pm32)(%ebx), %eax
	movl %eax, OFF(tramp_far32)
	leal OFF(tramp_lm64)(%ebx), %eax
	movl %eax, OFF(tramp_far64)

	lgdtl OFF(tramp_gdt_desc)
	movl %cr0, %eax
	orl  $1, %eax			/* CR0.PE */
	movl %eax, %cr0
	ljmpl *OFF(tramp_far32)

	.code32
tramp_pm32:
	movw $TRAMP_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss

	movl %cr4, %eax
	orl  $((1 << 5) | (1 << 7)), %eax /* PAE, PGE */
	movl %eax, %cr4
	movl OFF(ap_tramp_params)(%ebx), %eax /* params.cr3 */
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* IA32_EFER: LME | NXE */
	rdmsr
	orl  $((1 << 8) | (1 << 11)), %eax
	wrmsr
	movl %cr0, %eax
	orl  $((1 << 31) | (1 << 16) | (1 << 5) | 1), %eax /* PG, WP, NE, PE */
	movl %eax, %cr0
	ljmpl *OFF(tramp_far64)(%ebx)

	.code64
tramp_lm64:
	movw $TRAMP_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq ap_tramp_params + 8(%rip), %rsp	/* params.stack */
	movq ap_tramp_params + 24(%rip), %rdi	/* params.arg */
	movq ap_tramp_params + 16(%rip), %rax	/* params.entry */
	xorl %ebp, %ebp
	jmp  *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_end:
	.balign 4
tramp_gdt_desc:
	.short tramp_gdt_end - tramp_gdt - 1
	.long 0				/* patched: linear address of tramp_gdt */
	.balign 4
tramp_far32:
	.long 0				/* patched */
	.short TRAMP_CS32
	.balign 4
tramp_far64:
	.long 0				/* patched */
	.short TRAMP_CS64

	/* struct ap_tramp_params in smp.c: keep the two in step. */
	.balign 8
	.globl ap_tramp_params
ap_tramp_params:
	.quad 0		/* cr3: trampoline page tables, below 4 GiB */
	.quad 0		/* stack: top of the AP's stack */
	.quad 0		/* entry: ap_entry */
	.quad 0		/* arg: struct pcpu * */
	.globl ap_trampoline_end
ap_trampoline_end:
