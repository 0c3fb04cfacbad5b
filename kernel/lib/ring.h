/*
 * Byte history ring and line assembler, for a guest's console output.
 *
 * struct ring keeps the last `size` bytes written to it (size a power of
 * two, storage from the caller). Writing never fails: when the ring is
 * full the oldest bytes are overwritten and counted as dropped. Bytes are
 * numbered from 0 in the order written, which lets a reader follow the
 * output with its own cursor (ring_read()) and notice what it missed, and
 * lets a late reader replay the tail (ring_tail()).
 *
 * struct ring_line turns a byte stream into complete lines for the
 * hypervisor log ("[NAME] text"): one byte in at a time, a line out when
 * it is complete. The text is sanitised for a terminal; over-long lines
 * are cut and marked. The raw bytes belong in a ring: the line assembler
 * only prepares log lines.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises the writer and the readers of one ring.
 */
#ifndef STRATA_LIB_RING_H
#define STRATA_LIB_RING_H

#include "kernel/include/strata/types.h"

struct ring {
	uint8_t *buf;
	size_t size;    /* a power of two */
	uint64_t total; /* bytes ever written; the next byte's number */
};

/*
 * Use `buf` (`size` bytes, a power of two) as an empty ring. Returns 0,
 * or -EINVAL when size is not a power of two or buf is NULL.
 */
int ring_init(struct ring *r, uint8_t *buf, size_t size);

/* Forget every byte and the counters. */
void ring_clear(struct ring *r);

/* Append one byte, overwriting the oldest when full. */
void ring_put(struct ring *r, uint8_t byte);

/* Append `len` bytes, overwriting the oldest as needed. */
void ring_write(struct ring *r, const void *data, size_t len);

/* Bytes held: min(total, size). */
size_t ring_len(const struct ring *r);

/* Bytes ever written. */
uint64_t ring_total(const struct ring *r);

/* Bytes overwritten before anyone could replay them: total - len. */
uint64_t ring_dropped(const struct ring *r);

/*
 * Copy the last min(n, ring_len()) bytes, oldest first, to dst. Returns
 * the count copied.
 */
size_t ring_tail(const struct ring *r, uint8_t *dst, size_t n);

/*
 * Follow the output: copy up to `n` bytes from byte number *pos on and
 * advance *pos past them. A cursor pointing at bytes already overwritten
 * first jumps to the oldest byte held (the caller sees the gap as the
 * jump of *pos); one past the newest is clamped to it. Start a new reader
 * at ring_total() for new output only, or at 0 for all that is left.
 * Returns the count copied (0 when nothing new).
 */
size_t ring_read(const struct ring *r, uint64_t *pos, uint8_t *dst, size_t n);

/* ------------------------------------------------------------------ */

/* Ends the text of a line that was cut and starts its continuation. */
#define RING_LINE_CUT_MARK     "..."
#define RING_LINE_CUT_MARK_LEN 3
/* Smallest storage ring_line_init() accepts (leaves room for text). */
#define RING_LINE_MIN_SIZE 16

struct ring_line {
	char *buf;
	size_t size;    /* storage; text of up to size - 4 bytes per line */
	size_t len;     /* text bytes in buf */
	bool ready;     /* buf holds a finished line for ring_line_text() */
	bool cont;      /* the next line continues a cut one */
	uint8_t carry;  /* the byte that did not fit on the cut line */
	uint64_t lines; /* lines finished, cut pieces included */
	uint64_t cuts;  /* lines cut for length */
};

/*
 * Use `buf` (`size` >= RING_LINE_MIN_SIZE bytes) for lines of up to
 * size - 1 - RING_LINE_CUT_MARK_LEN text bytes. Returns 0 or -EINVAL.
 */
int ring_line_init(struct ring_line *l, char *buf, size_t size);

/*
 * Feed one byte. Returns true when a line is finished: ring_line_text()
 * holds it until the next call. A line ends at '\n' (not part of the
 * text); '\r' is dropped, so "\r\n" ends a line once. Bytes outside
 * printable ASCII (other than tab) become '.', so a guest cannot send
 * terminal escapes or NULs into the log. A byte that would make the text
 * longer than its limit ends the line with RING_LINE_CUT_MARK appended,
 * and the next line starts with the mark and that byte.
 */
bool ring_line_put(struct ring_line *l, uint8_t byte);

/*
 * Finish a partial line (the guest stopped without a newline). Returns
 * true when there was one: ring_line_text() holds it until the next
 * call. Returns false when nothing is pending.
 */
bool ring_line_flush(struct ring_line *l);

/* The finished line, NUL-terminated; "" when none is ready. */
const char *ring_line_text(const struct ring_line *l);

#endif
