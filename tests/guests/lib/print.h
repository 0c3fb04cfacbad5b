/* SPDX-License-Identifier: MIT */
/*
 * printf subset on the serial port: %c %s %d %i %u %x %X %p %%, flags
 * '0' '-' '#', a field width, and the length modifiers l (32-bit here)
 * and ll (64-bit). No floating point.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include <stdarg.h>

void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_vprintf(const char *fmt, va_list ap);

#endif /* GUEST_PRINT_H */
