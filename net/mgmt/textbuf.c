#include <stdio.h>
#include <string.h>

#include "net/mgmt/textbuf.h"

void textbuf_init(struct textbuf *tb, char *data, size_t cap)
{
	tb->data = data;
	tb->len = 0;
	tb->cap = cap;
	tb->truncated = false;
	if (cap)
		data[0] = '\0';
}

void textbuf_write(struct textbuf *tb, const void *bytes, size_t n)
{
	size_t room = tb->cap ? tb->cap - 1 - tb->len : 0;

	if (n > room) {
		n = room;
		tb->truncated = true;
	}
	memcpy(tb->data + tb->len, bytes, n);
	tb->len += n;
	if (tb->cap)
		tb->data[tb->len] = '\0';
}

void textbuf_putc(struct textbuf *tb, char c)
{
	textbuf_write(tb, &c, 1);
}

void textbuf_puts(struct textbuf *tb, const char *s)
{
	textbuf_write(tb, s, strlen(s));
}

void textbuf_printf(struct textbuf *tb, const char *fmt, ...)
{
	size_t room = tb->cap ? tb->cap - tb->len : 0;
	va_list ap;
	int n;

	if (!room) {
		tb->truncated = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(tb->data + tb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		tb->len = tb->cap - 1;
		tb->truncated = true;
	} else {
		tb->len += (size_t)n;
	}
}
