/*
 * 64-bit kernel entries. Both boot paths arrive here in long mode with the
 * mappings described in kernel/include/strata/boot_info.h:
 *   kernel_entry64   - ELF entry, used by the UEFI loader: %rdi = boot_info
 *   kernel_entry_mb2 - from boot/multiboot2/entry32.S: %edi = multiboot2 info
 * Each clears .bss, switches to the boot CPU's stack and calls
 * boot_main(phys, kind) (kernel/main.c), which never returns.
 */
#define BOOT_KIND_BOOT_INFO  2
#define BOOT_KIND_MULTIBOOT2 1

	.section .text.entry, "ax"
	.code64
	.globl kernel_entry64
kernel_entry64:
	cli
	cld
	movq %rdi, %r12
	movl $BOOT_KIND_BOOT_INFO, %r13d
	jmp  common_entry

	.globl kernel_entry_mb2
kernel_entry_mb2:
	cli
	cld
	movl %edi, %r12d		/* zero-extends */
	movl $BOOT_KIND_MULTIBOOT2, %r13d

common_entry:
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb

	leaq bsp_stack_top(%rip), %rsp
	xorl %ebp, %ebp			/* terminates backtraces */
	movq %r12, %rdi
	movl %r13d, %esi
	call boot_main
1:	cli
	hlt
	jmp  1b

	.section .bss
	.balign 4096
	.globl bsp_stack_bottom
bsp_stack_bottom:
	.skip 16384
bsp_stack_top:
