/* UNIT_SOURCES: kernel/lib/ring.c */
/*
 * Host tests of the console history ring (wrap, overwrite and the dropped
 * count, tail replay, following readers) against a byte-by-byte model,
 * and of the line assembler (endings, sanitising, cut and continued long
 * lines, flush).
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lib/ring.h"

static void test_init(void **state)
{
	/* clang-format off */
	static const struct {
		size_t size;
		int want;
	} cases[] = {
		{ 0, -EINVAL }, { 1, 0 }, { 2, 0 }, { 3, -EINVAL },
		{ 12, -EINVAL }, { 16, 0 }, { 4096, 0 }, { 4097, -EINVAL },
	};
	/* clang-format on */
	static uint8_t buf[8192];
	struct ring r;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(ring_init(&r, buf, cases[i].size), cases[i].want);
	assert_int_equal(ring_init(&r, NULL, 16), -EINVAL);
}

static void test_wrap_and_drop(void **state)
{
	uint8_t buf[8], out[16];
	struct ring r;

	assert_int_equal(ring_init(&r, buf, sizeof(buf)), 0);
	assert_int_equal(ring_len(&r), 0);
	assert_int_equal(ring_tail(&r, out, sizeof(out)), 0);

	ring_write(&r, "abcde", 5);
	assert_int_equal(ring_len(&r), 5);
	assert_int_equal(ring_dropped(&r), 0);
	assert_int_equal(ring_tail(&r, out, sizeof(out)), 5);
	assert_memory_equal(out, "abcde", 5);

	ring_write(&r, "fghij", 5); /* wraps, drops "ab" */
	assert_int_equal(ring_len(&r), 8);
	assert_int_equal(ring_total(&r), 10);
	assert_int_equal(ring_dropped(&r), 2);
	assert_int_equal(ring_tail(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "cdefghij", 8);
	assert_int_equal(ring_tail(&r, out, 3), 3);
	assert_memory_equal(out, "hij", 3);

	ring_put(&r, 'k');
	assert_int_equal(ring_tail(&r, out, 8), 8);
	assert_memory_equal(out, "defghijk", 8);

	/* Longer than the ring: only its last 8 bytes survive. */
	ring_write(&r, "0123456789ABCDEFGHIJ", 20);
	assert_int_equal(ring_total(&r), 31);
	assert_int_equal(ring_dropped(&r), 23);
	assert_int_equal(ring_tail(&r, out, 8), 8);
	assert_memory_equal(out, "CDEFGHIJ", 8);

	ring_write(&r, NULL, 0);
	assert_int_equal(ring_total(&r), 31);
	ring_clear(&r);
	assert_int_equal(ring_len(&r) + ring_total(&r) + ring_dropped(&r), 0);
}

/* Random writes against a flat model of everything ever written. */
static void test_against_model(void **state)
{
	static uint8_t model[1 << 16];
	uint8_t buf[64], out[128], chunk[200];
	uint64_t reader = 0;
	size_t total = 0;
	unsigned seed = 99;
	struct ring r;

	assert_int_equal(ring_init(&r, buf, sizeof(buf)), 0);
	while (total + sizeof(chunk) < sizeof(model)) {
		size_t len, n, want;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof(chunk);
		for (size_t i = 0; i < len; i++)
			chunk[i] = (uint8_t)(seed >> (i % 24));
		if (len == 1)
			ring_put(&r, chunk[0]);
		else
			ring_write(&r, chunk, len);
		memcpy(model + total, chunk, len);
		total += len;

		want = MIN(total, sizeof(buf));
		assert_int_equal(ring_len(&r), want);
		assert_int_equal(ring_dropped(&r), total - want);
		n = ring_tail(&r, out, sizeof(out));
		assert_int_equal(n, want);
		assert_memory_equal(out, model + total - n, n);

		/* A slow reader: a few bytes every other round, skipping what it lost. */
		if (seed & 0x100) {
			uint64_t before = reader;

			n = ring_read(&r, &reader, out, (seed >> 4) % 40);
			assert_true(reader - n >= before);
			assert_true(reader - n >= total - want);
			assert_memory_equal(out, model + reader - n, n);
		}
	}
}

static void test_read_cursor(void **state)
{
	uint8_t buf[4], out[8];
	uint64_t pos = 0;
	struct ring r;

	assert_int_equal(ring_init(&r, buf, sizeof(buf)), 0);
	assert_int_equal(ring_read(&r, &pos, out, sizeof(out)), 0);
	ring_write(&r, "ab", 2);
	assert_int_equal(ring_read(&r, &pos, out, 1), 1);
	assert_int_equal(out[0], 'a');
	assert_int_equal(pos, 1);
	ring_write(&r, "cdefg", 5); /* "b".."c" overwritten: holds "defg" */
	assert_int_equal(ring_read(&r, &pos, out, sizeof(out)), 4);
	assert_int_equal(pos, 7);
	assert_memory_equal(out, "defg", 4);
	assert_int_equal(ring_read(&r, &pos, out, sizeof(out)), 0);
	/* A cursor from the future is clamped to the newest. */
	pos = 100;
	assert_int_equal(ring_read(&r, &pos, out, sizeof(out)), 0);
	assert_int_equal(pos, 7);
	/* A new reader for new output only. */
	pos = ring_total(&r);
	ring_put(&r, 'h');
	assert_int_equal(ring_read(&r, &pos, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'h');
}

/* Feed `in`, collect every finished line into `out` joined by '|'. */
static unsigned feed(struct ring_line *l, const char *in, size_t len, char *out, size_t cap)
{
	unsigned lines = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (!ring_line_put(l, (uint8_t)in[i])) {
			assert_string_equal(ring_line_text(l), "");
			continue;
		}
		lines++;
		assert_true(strlen(out) + strlen(ring_line_text(l)) + 2 < cap);
		strcat(out, ring_line_text(l));
		strcat(out, "|");
	}
	return lines;
}

static void test_lines(void **state)
{
	/* clang-format off */
	static const struct {
		const char *in;
		size_t len;
		const char *out;
		unsigned lines;
	} cases[] = {
		{ "hello\n", 6, "hello|", 1 },
		{ "a\nb\n", 4, "a|b|", 2 },
		{ "crlf\r\n", 6, "crlf|", 1 },
		{ "\n\n", 2, "||", 2 },
		{ "no newline", 10, "", 0 },
		{ "tab\there\n", 9, "tab\there|", 1 },
		{ "\x1b[2Jesc\n", 8, ".[2Jesc|", 1 },
		{ "nul\0bel\a\n", 9, "nul.bel.|", 1 },
		{ "\x7f\x80\xff\n", 4, "...|", 1 },
	};
	/* clang-format on */
	char buf[64], out[256];
	struct ring_line l;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(ring_line_init(&l, buf, sizeof(buf)), 0);
		assert_int_equal(feed(&l, cases[i].in, cases[i].len, out, sizeof(out)),
				 cases[i].lines);
		assert_string_equal(out, cases[i].out);
	}
}

static void test_long_lines(void **state)
{
	char buf[16], out[256];
	struct ring_line l;
	const char *in = "0123456789ABCDEFGHIJ\n";

	/* 16 bytes of storage: 12 of text, 3 for the mark, 1 for the NUL. */
	assert_int_equal(ring_line_init(&l, buf, sizeof(buf)), 0);
	assert_int_equal(feed(&l, in, strlen(in), out, sizeof(out)), 2);
	assert_string_equal(out, "0123456789AB...|...CDEFGHIJ|");
	assert_int_equal(l.cuts, 1);
	assert_int_equal(l.lines, 2);

	/* Exactly at the limit: not cut. */
	assert_int_equal(ring_line_init(&l, buf, sizeof(buf)), 0);
	assert_int_equal(feed(&l, "0123456789AB\n", 13, out, sizeof(out)), 1);
	assert_string_equal(out, "0123456789AB|");
	assert_int_equal(l.cuts, 0);

	/* Cut twice, the second piece ending right at a newline. */
	in = "0123456789ABCDEFGHIJKLMNOPQRST\n";
	assert_int_equal(ring_line_init(&l, buf, sizeof(buf)), 0);
	assert_int_equal(feed(&l, in, strlen(in), out, sizeof(out)), 3);
	assert_string_equal(out, "0123456789AB...|...CDEFGHIJK...|...LMNOPQRST|");
	assert_int_equal(l.cuts, 2);
	for (const char *p = out; *p; p++)
		assert_true(*p != '\0');

	assert_int_equal(ring_line_init(&l, buf, RING_LINE_MIN_SIZE - 1), -EINVAL);
	assert_int_equal(ring_line_init(&l, NULL, 64), -EINVAL);
}

static void test_flush(void **state)
{
	char buf[16], out[64];
	struct ring_line l;

	assert_int_equal(ring_line_init(&l, buf, sizeof(buf)), 0);
	assert_false(ring_line_flush(&l));
	feed(&l, "partial", 7, out, sizeof(out));
	assert_true(ring_line_flush(&l));
	assert_string_equal(ring_line_text(&l), "partial");
	assert_false(ring_line_flush(&l));
	assert_string_equal(ring_line_text(&l), "");

	/* After a full line there is nothing to flush... */
	feed(&l, "done\n", 5, out, sizeof(out));
	assert_false(ring_line_flush(&l));
	/* ...but after a cut, the continuation is pending. */
	assert_int_equal(feed(&l, "0123456789ABC", 13, out, sizeof(out)), 1);
	assert_true(ring_line_flush(&l));
	assert_string_equal(ring_line_text(&l), "...C");
	/* And the stream goes on normally. */
	assert_int_equal(feed(&l, "next\n", 5, out, sizeof(out)), 1);
	assert_string_equal(out, "next|");
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_wrap_and_drop),
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_read_cursor),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_flush),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
