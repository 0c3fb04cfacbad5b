// SPDX-License-Identifier: MIT
#include "serial.h"

#include "cpu.h"

/*
 * Bounded wait: an emulated UART that never sets THRE must not hang the
 * guest silently, and a lost character shows up in the log anyway.
 */
#define SERIAL_POLL_LIMIT 1000000

void serial_putc(char c)
{
	int i;

	for (i = 0; i < SERIAL_POLL_LIMIT; i++) {
		if (inb(STRATA_UART_BASE + UART_LSR) & UART_LSR_THRE)
			break;
		pause();
	}
	outb(STRATA_UART_BASE + UART_THR, (uint8_t)c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
