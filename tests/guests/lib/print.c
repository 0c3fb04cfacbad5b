// SPDX-License-Identifier: MIT
#include "print.h"

#include <stdbool.h>
#include <stdint.h>

#include "serial.h"

struct print_spec {
	bool left; /* '-' */
	bool zero; /* '0' */
	bool alt;  /* '#': 0x prefix for %x */
	int width;
	int longs; /* number of 'l' */
};

/*
 * Divide @n by @base in place and return the remainder, 16 bits at a time
 * so that no 64-bit division (libgcc's __udivdi3) is needed in 32-bit code.
 */
static unsigned int print_divmod(uint64_t *n, unsigned int base)
{
	uint64_t q = 0;
	uint32_t rem = 0;
	int shift;

	for (shift = 48; shift >= 0; shift -= 16) {
		uint32_t cur = (rem << 16) | (uint32_t)((*n >> shift) & 0xffff);

		q |= (uint64_t)(cur / base) << shift;
		rem = cur % base;
	}
	*n = q;
	return rem;
}

static void print_pad(int count, char c)
{
	while (count-- > 0)
		serial_putc(c);
}

static void print_str(const struct print_spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len])
		len++;
	if (!sp->left)
		print_pad(sp->width - len, ' ');
	serial_puts(s);
	if (sp->left)
		print_pad(sp->width - len, ' ');
}

static void print_num(const struct print_spec *sp, uint64_t val, unsigned int base, bool neg,
		      bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, prefix, pad;

	do {
		buf[len++] = digits[print_divmod(&val, base)];
	} while (val);

	prefix = (neg ? 1 : 0) + (sp->alt && base == 16 ? 2 : 0);
	pad = sp->width - len - prefix;
	if (!sp->left && !sp->zero)
		print_pad(pad, ' ');
	if (neg)
		serial_putc('-');
	if (sp->alt && base == 16)
		serial_puts(upper ? "0X" : "0x");
	if (!sp->left && sp->zero)
		print_pad(pad, '0');
	while (len)
		serial_putc(buf[--len]);
	if (sp->left)
		print_pad(pad, ' ');
}

static uint64_t print_uarg(const struct print_spec *sp, va_list *ap)
{
	if (sp->longs >= 2)
		return va_arg(*ap, unsigned long long);
	return va_arg(*ap, unsigned int); /* long is 32 bits here */
}

static int64_t print_sarg(const struct print_spec *sp, va_list *ap)
{
	if (sp->longs >= 2)
		return va_arg(*ap, long long);
	return va_arg(*ap, int);
}

static const char *print_parse(const char *fmt, struct print_spec *sp)
{
	*sp = (struct print_spec){ 0 };
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = true;
		else if (*fmt == '0')
			sp->zero = true;
		else if (*fmt == '#')
			sp->alt = true;
		else
			break;
	}
	while (*fmt >= '0' && *fmt <= '9')
		sp->width = sp->width * 10 + (*fmt++ - '0');
	while (*fmt == 'l') {
		sp->longs++;
		fmt++;
	}
	return fmt;
}

void guest_vprintf(const char *fmt, va_list ap)
{
	struct print_spec sp;
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		fmt = print_parse(fmt + 1, &sp);
		switch (*fmt) {
		case 'c':
			serial_putc((char)va_arg(args, int));
			break;
		case 's':
			print_str(&sp, va_arg(args, const char *));
			break;
		case 'd':
		case 'i': {
			int64_t v = print_sarg(&sp, &args);

			print_num(&sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, false);
			break;
		}
		case 'u':
			print_num(&sp, print_uarg(&sp, &args), 10, false, false);
			break;
		case 'x':
		case 'X':
			print_num(&sp, print_uarg(&sp, &args), 16, false, *fmt == 'X');
			break;
		case 'p':
			sp.alt = true;
			print_num(&sp, (uintptr_t)va_arg(args, void *), 16, false, false);
			break;
		case '%':
			serial_putc('%');
			break;
		case '\0':
			fmt--; /* stray '%' at the end */
			break;
		default:
			serial_putc('%');
			serial_putc(*fmt);
			break;
		}
	}
	va_end(args);
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	guest_vprintf(fmt, ap);
	va_end(ap);
}
