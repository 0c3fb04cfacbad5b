/*
 * Byte history ring and line assembler; see ring.h for the contracts.
 *
 * The ring stores no head or count: byte number n lives at
 * buf[n & (size - 1)], and the bytes held are numbers total - len ..
 * total - 1. A 64-bit total cannot wrap in the life of a machine.
 */
#include <errno.h>
#include <string.h>

#include "kernel/lib/ring.h"

int ring_init(struct ring *r, uint8_t *buf, size_t size)
{
	if (!buf || size == 0 || (size & (size - 1)) != 0)
		return -EINVAL;
	r->buf = buf;
	r->size = size;
	r->total = 0;
	return 0;
}

void ring_clear(struct ring *r)
{
	r->total = 0;
}

void ring_put(struct ring *r, uint8_t byte)
{
	r->buf[r->total & (r->size - 1)] = byte;
	r->total++;
}

void ring_write(struct ring *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t off, first;

	if (len == 0)
		return;
	/* Only the last `size` bytes survive; skip the rest. */
	if (len > r->size) {
		p += len - r->size;
		r->total += len - r->size;
		len = r->size;
	}
	off = r->total & (r->size - 1);
	first = MIN(len, r->size - off);
	memcpy(r->buf + off, p, first);
	memcpy(r->buf, p + first, len - first);
	r->total += len;
}

size_t ring_len(const struct ring *r)
{
	return r->total < r->size ? (size_t)r->total : r->size;
}

uint64_t ring_total(const struct ring *r)
{
	return r->total;
}

uint64_t ring_dropped(const struct ring *r)
{
	return r->total - ring_len(r);
}

/* Copy bytes number from .. from + n - 1, all of them held. */
static void ring_copy(const struct ring *r, uint64_t from, uint8_t *dst, size_t n)
{
	size_t off = from & (r->size - 1);
	size_t first = MIN(n, r->size - off);

	if (n == 0)
		return;
	memcpy(dst, r->buf + off, first);
	memcpy(dst + first, r->buf, n - first);
}

size_t ring_tail(const struct ring *r, uint8_t *dst, size_t n)
{
	n = MIN(n, ring_len(r));
	ring_copy(r, r->total - n, dst, n);
	return n;
}

size_t ring_read(const struct ring *r, uint64_t *pos, uint8_t *dst, size_t n)
{
	uint64_t oldest = r->total - ring_len(r);

	if (*pos < oldest)
		*pos = oldest;
	if (*pos > r->total)
		*pos = r->total;
	n = (size_t)MIN((uint64_t)n, r->total - *pos);
	ring_copy(r, *pos, dst, n);
	*pos += n;
	return n;
}

/* ------------------------------------------------------------------ */

static size_t ring_line_max(const struct ring_line *l)
{
	return l->size - 1 - RING_LINE_CUT_MARK_LEN;
}

int ring_line_init(struct ring_line *l, char *buf, size_t size)
{
	if (!buf || size < RING_LINE_MIN_SIZE)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->buf = buf;
	l->size = size;
	buf[0] = '\0';
	return 0;
}

/* After a finished line was handed out, start the next one. */
static void ring_line_begin(struct ring_line *l)
{
	if (!l->ready)
		return;
	l->ready = false;
	l->len = 0;
	if (l->cont) {
		memcpy(l->buf, RING_LINE_CUT_MARK, RING_LINE_CUT_MARK_LEN);
		l->buf[RING_LINE_CUT_MARK_LEN] = (char)l->carry;
		l->len = RING_LINE_CUT_MARK_LEN + 1;
		l->cont = false;
	}
}

static void ring_line_finish(struct ring_line *l)
{
	l->buf[l->len] = '\0';
	l->ready = true;
	l->lines++;
}

bool ring_line_put(struct ring_line *l, uint8_t byte)
{
	char c;

	ring_line_begin(l);
	if (byte == '\r')
		return false;
	if (byte == '\n') {
		ring_line_finish(l);
		return true;
	}
	c = (byte == '\t' || (byte >= 0x20 && byte < 0x7f)) ? (char)byte : '.';
	if (l->len < ring_line_max(l)) {
		l->buf[l->len++] = c;
		return false;
	}
	/* Too long: the mark fits in the room kept for it past the text. */
	memcpy(l->buf + l->len, RING_LINE_CUT_MARK, RING_LINE_CUT_MARK_LEN);
	l->len += RING_LINE_CUT_MARK_LEN;
	l->cont = true;
	l->carry = (uint8_t)c;
	l->cuts++;
	ring_line_finish(l);
	return true;
}

bool ring_line_flush(struct ring_line *l)
{
	ring_line_begin(l);
	if (l->len == 0)
		return false;
	ring_line_finish(l);
	return true;
}

const char *ring_line_text(const struct ring_line *l)
{
	return l->ready ? l->buf : "";
}
