#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "drivers/serial/uart.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"

#define LOG_LINE_MAX 512
/* Bochs and QEMU's debugcon answer 0xE9 when read ("port E9 hack"). */
#define DEBUG_PORT 0xe9

static struct spinlock log_lock = SPINLOCK_INIT;
static enum log_level log_level = LOG_INFO;
static bool log_debug_port;

/* clang-format off */
static const char *const level_prefix[] = {
	[LOG_ALWAYS] = "",
	[LOG_ERROR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};
/* clang-format on */

void log_init(void)
{
	uart_init(UART_COM1_PORT);
	log_debug_port = cpu_inb(DEBUG_PORT) == DEBUG_PORT;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

static void log_putc(char c)
{
	if (c == '\n')
		uart_putc(UART_COM1_PORT, '\r');
	uart_putc(UART_COM1_PORT, c);
	if (log_debug_port)
		cpu_outb(DEBUG_PORT, (uint8_t)c);
}

void log_write_raw(const char *s)
{
	while (*s)
		log_putc(*s++);
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t n;
	int len;

	if (level > log_level)
		return;
	len = snprintf(line, sizeof(line), "%s", level_prefix[level]);
	n = (size_t)len;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (n == 0 || line[n - 1] != '\n') {
		if (n == sizeof(line) - 1)
			n--; /* truncated: make room for the newline */
		line[n++] = '\n';
		line[n] = '\0';
	}
	spin_lock(&log_lock);
	log_write_raw(line);
	spin_unlock(&log_lock);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void log_flush(void)
{
	uart_flush(UART_COM1_PORT);
}
