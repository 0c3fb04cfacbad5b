// SPDX-License-Identifier: MIT
/*
 * portio.elf: I/O instruction exits.
 *
 * The 16550A at 0x3f8 (PC16550D datasheet): scratch, line control,
 * divisor latch and interrupt-enable round trips, line status after a
 * transmit. An unclaimed port (0x1234, and 0xee through the immediate
 * form) reads all-ones at every width and ignores writes. String I/O is
 * in strio.elf.
 *
 * All checks are generic: bare QEMU behaves the same way.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "serial.h"
#include "strata_hv.h"
#include "test.h"

#define PORT_UNCLAIMED     0x1234
#define PORT_UNCLAIMED_IMM 0xee /* reachable with "inb $imm8" */
#define LSR_POLL_LIMIT     100000

const char guest_name[] = "portio";

static uint8_t uart_in(unsigned int reg)
{
	return inb(STRATA_UART_BASE + reg);
}

static void uart_out(unsigned int reg, uint8_t val)
{
	outb(STRATA_UART_BASE + reg, val);
}

static void portio_scratch(void)
{
	static const uint8_t values[] = { 0x00, 0x5a, 0xa5, 0xff, 0x01 };
	unsigned int i;

	for (i = 0; i < sizeof(values); i++) {
		uint8_t got;

		uart_out(UART_SCR, values[i]);
		got = uart_in(UART_SCR);
		if (got != values[i]) {
			test_fail("portio_uart_scratch", "wrote %#x read %#x", values[i], got);
			return;
		}
	}
	test_pass("portio_uart_scratch");
}

/*
 * LCR, DLL/DLM (DLAB=1) and IER are read/write registers. The line is
 * put back to 8N1 with DLAB clear before any result is printed, or the
 * THR writes of the report would land in the divisor latch.
 */
static void portio_uart_registers(void)
{
	uint8_t lcr_saved = uart_in(UART_LCR);
	uint8_t lcr, dll, dlm, ier;

	uart_out(UART_LCR, UART_LCR_8N1);
	lcr = uart_in(UART_LCR);
	uart_out(UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
	uart_out(UART_DLL, 0x01); /* 115200 baud */
	uart_out(UART_DLM, 0x00);
	dll = uart_in(UART_DLL);
	dlm = uart_in(UART_DLM);
	uart_out(UART_LCR, lcr_saved & ~UART_LCR_DLAB);
	uart_out(UART_IER, 0x00);
	ier = uart_in(UART_IER);

	test_check(lcr == UART_LCR_8N1, "portio_uart_lcr", "wrote %#x read %#x", UART_LCR_8N1, lcr);
	test_check(dll == 0x01 && dlm == 0x00, "portio_uart_divisor",
		   "DLL=%#x DLM=%#x, want 0x1 0x0", dll, dlm);
	test_check(ier == 0x00, "portio_uart_ier", "wrote 0 read %#x", ier);
}

/*
 * After a THR write the transmitter must drain: THRE and TEMT set. The
 * byte written is the newline ending an INFO line.
 */
static void portio_lsr(void)
{
	uint8_t lsr = 0;
	int i;

	serial_puts("INFO portio: transmit probe");
	uart_out(UART_THR, '\n');
	for (i = 0; i < LSR_POLL_LIMIT; i++) {
		lsr = uart_in(UART_LSR);
		if ((lsr & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT))
			break;
	}
	test_check(lsr != 0xff && !(lsr & UART_LSR_FIFOE) && (lsr & UART_LSR_THRE) &&
			   (lsr & UART_LSR_TEMT),
		   "portio_uart_lsr", "LSR=%#x after %d polls", lsr, i);
}

static void portio_unclaimed_reads(void)
{
	uint8_t b = inb(PORT_UNCLAIMED);
	uint16_t w = inw(PORT_UNCLAIMED);
	uint32_t l = inl(PORT_UNCLAIMED);
	uint8_t imm;

	asm volatile("inb %1, %0" : "=a"(imm) : "i"(PORT_UNCLAIMED_IMM));

	test_check(b == 0xff, "portio_unclaimed_inb", "read %#x", b);
	test_check(w == 0xffff, "portio_unclaimed_inw", "read %#x", w);
	test_check(l == 0xffffffff, "portio_unclaimed_inl", "read %#x", l);
	test_check(imm == 0xff, "portio_unclaimed_inb_imm8", "port %#x read %#x",
		   PORT_UNCLAIMED_IMM, imm);
}

static void portio_unclaimed_writes(void)
{
	uint8_t b;
	uint16_t w;
	uint32_t l;

	outb(PORT_UNCLAIMED, 0x12);
	outw(PORT_UNCLAIMED, 0x3456);
	outl(PORT_UNCLAIMED, 0x789abcde);
	outb(PORT_UNCLAIMED_IMM, 0x00);
	b = inb(PORT_UNCLAIMED);
	w = inw(PORT_UNCLAIMED);
	l = inl(PORT_UNCLAIMED);
	test_check(b == 0xff && w == 0xffff && l == 0xffffffff, "portio_unclaimed_write_ignored",
		   "after writes read %#x %#x %#x", b, w, l);
}

void guest_main(void)
{
	portio_scratch();
	portio_uart_registers();
	portio_lsr();
	portio_unclaimed_reads();
	portio_unclaimed_writes();
}
