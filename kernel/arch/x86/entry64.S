/*
 * 64-bit kernel entries. Both boot paths arrive here in long mode with the
 * mappings described in kernel/include/strata/boot_info.h:
 *   kernel_entry64   - ELF entry, used by the UEFI loader: %rdi = boot_info
 *   kernel_entry_mb2 - from boot/multiboot2/entry32.S: %edi = multiboot2 info
 * Each clears .bss, switches to the boot CPU's stack and calls
 * boot_main(phys, kind, entry_tsc) (kernel/main.c), which never returns.
 * entry_tsc is the time stamp counter at the first kernel instruction, for
 * the boot-time figure (under Bochs it counts instructions).
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
	rdtsc
	shlq $32, %rdx
	orq  %rax, %rdx
	movq %rdx, %r14
	movl $BOOT_KIND_BOOT_INFO, %r13d
	jmp  common_entry

	.globl kernel_entry_mb2
kernel_entry_mb2:
	cli
	cld
	movl %edi, %r12d		/* zero-extends */
	rdtsc
	shlq $32, %rdx
	orq  %rax, %rdx
	movq %rdx, %r14
	movl $BOOT_KIND_MULTIBOOT2, %r13d

common_entry:
	leaq __bss_start(%rip), %rdi
	leaq __bss_end(%rip), %rcx
	subq %rdi, %rcx
	shrq $3, %rcx			/* linker.ld page-aligns both ends */
	xorl %eax, %eax
	rep stosq

	leaq bsp_stack_top(%rip), %rsp
	xorl %ebp, %ebp			/* terminates backtraces */
	movq %r12, %rdi
	movl %r13d, %esi
	movq %r14, %rdx
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
