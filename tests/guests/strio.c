// SPDX-License-Identifier: MIT
/*
 * strio.elf: string I/O (INS/OUTS with REP, SDM Vol. 2A "INS", Vol. 2B
 * "OUTS") reaches the same device models as IN/OUT: an unclaimed port
 * fills the buffer with all-ones, and a REP OUTSB to the UART scratch
 * register leaves its last byte there. Linux's early serial console and
 * many real-mode loaders use these. All checks are generic.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "serial.h"
#include "strata_hv.h"
#include "test.h"

#define PORT_UNCLAIMED 0x1234

const char guest_name[] = "strio";

static void strio_insb_unclaimed(void)
{
	uint8_t buf[8] = { 0 };
	bool all_ones = true;
	unsigned int i;

	insb(PORT_UNCLAIMED, buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0xff)
			all_ones = false;
	test_check(all_ones, "strio_insb_unclaimed", "buf[0..3]=%#x %#x %#x %#x", buf[0], buf[1],
		   buf[2], buf[3]);
}

static void strio_outsb_scratch(void)
{
	static const uint8_t bytes[] = { 0x11, 0x22, 0x33 };
	uint8_t scr;

	outsb(STRATA_UART_BASE + UART_SCR, bytes, sizeof(bytes));
	scr = inb(STRATA_UART_BASE + UART_SCR);
	test_check(scr == 0x33, "strio_outsb_scratch", "scratch %#x after rep outsb, want 0x33",
		   scr);
}

/* Byte by byte with THRE polled in between, as a 16550 driver must. */
static void strio_outsb_thr(void)
{
	static const char line[] = "INFO strio: sent with outsb\n";
	unsigned int i;

	for (i = 0; i < sizeof(line) - 1; i++) {
		while (!(inb(STRATA_UART_BASE + UART_LSR) & UART_LSR_THRE))
			pause();
		outsb(STRATA_UART_BASE + UART_THR, &line[i], 1);
	}
}

void guest_main(void)
{
	strio_insb_unclaimed();
	strio_outsb_scratch();
	strio_outsb_thr();
}
