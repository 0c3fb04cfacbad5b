// SPDX-License-Identifier: MIT
/*
 * echo.elf: the guest end of the management console test. It prints
 * "echo: ready" on COM1, then reads COM1 by polling the line status
 * register, collects a line and prints it back as "echo: LINE"; the line
 * "quit" ends it with exit code 0. Input reaches it only through a
 * management `console NAME` session, so seeing the echo proves both
 * directions of the console.
 */
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "print.h"
#include "serial.h"

#define ECHO_LINE_MAX 80

const char guest_name[] = "echo";

static char read_char(void)
{
	while (!(inb(STRATA_UART_BASE + UART_LSR) & UART_LSR_DR))
		pause();
	return (char)inb(STRATA_UART_BASE + UART_RBR);
}

static int equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void guest_main(void)
{
	char line[ECHO_LINE_MAX + 1];
	unsigned int n = 0;

	serial_puts("echo: ready\n");
	for (;;) {
		char c = read_char();

		if (c != '\r' && c != '\n') {
			if (n < ECHO_LINE_MAX && c >= ' ' && c < 127)
				line[n++] = c;
			continue;
		}
		if (n == 0)
			continue;
		line[n] = '\0';
		serial_puts("echo: ");
		serial_puts(line);
		serial_puts("\n");
		if (equal(line, "quit"))
			guest_exit(0);
		n = 0;
	}
}
