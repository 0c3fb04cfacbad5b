/* Formatted output for the freestanding kernel (kernel/lib/format.c). */
#ifndef STRATA_LIBC_STDIO_H
#define STRATA_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/*
 * C99 semantics: always NUL-terminates when size > 0 and returns the length
 * the full output would have had. Supports %d %i %u %x %X %o %c %s %p %%
 * with flags '-', '0', ' ', '+', '#', width and precision ('*' too) and the
 * length modifiers hh h l ll z t j.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
