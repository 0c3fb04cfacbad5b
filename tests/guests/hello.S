/* SPDX-License-Identifier: MIT */
/*
 * hello.bin: the flat guest. Strata loads the raw bytes at guest-physical
 * 0x7c00 and enters them in 16-bit real mode at 0000:7C00 (like a BIOS
 * boot sector, without the BIOS). It checks that entry state (CS = 0,
 * IP = 0x7c00, CR0.PE = 0), prints the result on the UART and writes the
 * exit code to the exit port with a 32-bit OUT (operand-size prefix).
 *
 * Success:  "PASS flat", "RESULT passed=1 failed=0", exit code 0.
 * Failure:  "FAIL flat: ...", "RESULT passed=0 failed=1", exit code 1.
 * No stack or segment is assumed: SS:SP is set before the first CALL and
 * the messages are addressed relative to where the code really runs, so
 * the FAIL line comes out even from a wrong load address or CS.
 */
#include "strata_hv.h"

#define UART_LSR	(STRATA_UART_BASE + 5)
#define LSR_THRE	0x20

	.code16
	.text
	.globl	flat_start
flat_start:
	cli
	cld
	mov	%cs, %bx		/* entry CS, checked below */
	xor	%ax, %ax
	mov	%ax, %ss
	mov	$STRATA_FLAT_LOAD_ADDR, %sp
	mov	%bx, %ds		/* data CS-relative, however entered */
	call	1f
1:	pop	%bp
	sub	$1b, %bp		/* IP as run minus IP as linked */

	test	%bx, %bx
	jnz	bad_entry
	test	%bp, %bp
	jnz	bad_entry
	smsw	%ax
	test	$1, %al			/* CR0.PE */
	jnz	bad_entry

	lea	msg_pass(%bp), %si
	call	puts
	xor	%eax, %eax
	jmp	exit

bad_entry:
	lea	msg_fail(%bp), %si	/* still found if loaded elsewhere */
	call	puts
	mov	$1, %eax

exit:
	mov	$STRATA_EXIT_PORT, %dx
	outl	%eax, %dx		/* 66 prefix: a 32-bit write */
halt:
	cli
	hlt
	jmp	halt

/* Print the NUL-terminated string at DS:SI, polling LSR.THRE per byte. */
puts:
	lodsb
	test	%al, %al
	jz	3f
	mov	%al, %bl
	mov	$0xffff, %cx		/* bounded wait, as lib/serial.c */
	mov	$UART_LSR, %dx
2:	in	%dx, %al
	test	$LSR_THRE, %al
	loopz	2b
	mov	$STRATA_UART_BASE, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	puts
3:	ret

msg_pass:
	.asciz	"PASS flat\nRESULT passed=1 failed=0\n"
msg_fail:
	.asciz	"FAIL flat: not entered in real mode at 0000:7C00\nRESULT passed=0 failed=1\n"

	.section .note.GNU-stack, "", @progbits
