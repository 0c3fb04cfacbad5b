/*
 * A bounded text buffer that formatters append to. It never overflows:
 * output past the capacity is dropped and `truncated` is set, so a
 * formatter needs no error path and the caller decides what a truncated
 * reply means. Pure logic.
 */
#ifndef STRATA_MGMT_TEXTBUF_H
#define STRATA_MGMT_TEXTBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct textbuf {
	char *data; /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap; /* bytes of data, NUL included */
	bool truncated;
};

/* Start an empty buffer over data[0..cap). */
void textbuf_init(struct textbuf *tb, char *data, size_t cap);

void textbuf_putc(struct textbuf *tb, char c);
void textbuf_write(struct textbuf *tb, const void *bytes, size_t n);
void textbuf_puts(struct textbuf *tb, const char *s);
__attribute__((format(printf, 2, 3))) void textbuf_printf(struct textbuf *tb, const char *fmt, ...);

#endif
