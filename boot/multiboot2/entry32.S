/*
 * Multiboot2 entry: header, 32-bit start-up and the switch to long mode.
 *
 * GRUB (BIOS or EFI) enters mb2_entry32 in 32-bit protected mode, paging
 * off, %eax = 0x36d76289 and %ebx = physical address of the boot
 * information (Multiboot2 spec 3.3). We build temporary page tables that
 * satisfy the kernel entry contract of boot_info.h (low 4 GiB identity,
 * kernel at KERNEL_VIRT_BASE + phys) and enable long mode (SDM Vol. 3A
 * 9.8.5 "Initializing IA-32e Mode"), then jump to kernel_entry_mb2.
 */
#define MB2_MAGIC        0xe85250d6
#define MB2_ARCH_I386    0
#define MB2_BOOT_MAGIC   0x36d76289
#define MB2_TAG_END      0
#define MB2_TAG_ENTRY    3
#define MB2_TAG_MOD_ALIGN 6

#define KERNEL_VIRT_BASE 0xffffffff80000000

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Entry address tag: GRUB starts us here, not at the ELF entry. */
	.balign 8
	.short MB2_TAG_ENTRY
	.short 0
	.long 12
	.long mb2_entry32
	/* Page-align modules so they can be handed out without copying. */
	.balign 8
	.short MB2_TAG_MOD_ALIGN
	.short 0
	.long 8
	.balign 8
	.short MB2_TAG_END
	.short 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl mb2_entry32
mb2_entry32:
	cli
	cld
	movl %eax, %esi			/* boot magic */
	movl %ebx, %edi			/* boot information */
	movl $boot32_stack_top, %esp

	cmpl $MB2_BOOT_MAGIC, %esi
	jne  boot32_fail_magic

	/* Long mode available? CPUID 0x80000001 EDX bit 29 (SDM Vol. 2A CPUID). */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb   boot32_fail_lm
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz   boot32_fail_lm

	/* Zero the boot page tables. */
	pushl %edi
	movl $boot_pml4, %edi
	xorl %eax, %eax
	movl $(boot_tables_end - boot_pml4) / 4, %ecx
	rep stosl
	popl %edi

	/* Four page directories map 0-4 GiB with 2 MiB pages (P|RW|PS). */
	movl $boot_pd, %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl  $0x83, %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* high half of (ecx << 21) */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne  1b

	/* Identity PDPT: entries 0-3 -> the four directories. */
	movl $boot_pdpt_low, %ebx
	movl $boot_pd + 0x003, %eax
	movl %eax, 0(%ebx)
	addl $4096, %eax
	movl %eax, 8(%ebx)
	addl $4096, %eax
	movl %eax, 16(%ebx)
	addl $4096, %eax
	movl %eax, 24(%ebx)
	/* KERNEL_VIRT_BASE is PML4[511], PDPT[510]: map it to physical 0-1 GiB. */
	movl $boot_pdpt_high, %ebx
	movl $boot_pd + 0x003, %eax
	movl %eax, 510 * 8(%ebx)

	movl $boot_pml4, %ebx
	movl $boot_pdpt_low + 0x003, %eax
	movl %eax, 0(%ebx)
	movl $boot_pdpt_high + 0x003, %eax
	movl %eax, 511 * 8(%ebx)

	/* CR4.PAE, CR3, EFER.LME|NXE, then CR0.PG|WP activates IA-32e mode. */
	movl %cr4, %eax
	orl  $(1 << 5), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl  $((1 << 8) | (1 << 11)), %eax
	wrmsr
	movl %cr0, %eax
	orl  $((1 << 31) | (1 << 16) | 1), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $boot_entry64_low

boot32_fail_magic:
	movl $boot32_msg_magic, %ebx
	jmp  boot32_fail
boot32_fail_lm:
	movl $boot32_msg_lm, %ebx
boot32_fail:
	/* COM1 is already set up by GRUB or the firmware; print and stop. */
	movb (%ebx), %al
	testb %al, %al
	jz   2f
	movw $0x3f8, %dx
	outb %al, %dx
	incl %ebx
	jmp  boot32_fail
2:	cli
	hlt
	jmp  2b

	.code64
boot_entry64_low:
	xorl %eax, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	/* %edi still holds the multiboot2 information address. */
	movq $kernel_entry_mb2, %rax
	jmp  *%rax

	.section .boot.data, "a"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt
boot32_msg_magic:
	.asciz "strata: not started by a multiboot2 loader\r\n"
boot32_msg_lm:
	.asciz "strata: this CPU has no 64-bit long mode\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_tables_end:
	.skip 4096
boot32_stack_top:
