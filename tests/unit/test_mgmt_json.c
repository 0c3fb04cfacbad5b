/* UNIT_SOURCES: net/mgmt/json.c net/mgmt/textbuf.c */
/*
 * JSON writer and reader against RFC 8259: the writer's separators,
 * escaping of every control byte (section 7), replacement of bytes that
 * are not UTF-8 (RFC 3629 section 4), misuse and truncation; the reader's
 * values, \u decoding with surrogate pairs, and the exact message and
 * byte offset of each kind of malformed input. Inputs to the reader live
 * in heap buffers of exactly their length, so ASan sees any overread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/mgmt/json.h"

static char buf[4096];
static struct textbuf tb;
static struct json_writer w;

static int setup(void **state)
{
	textbuf_init(&tb, buf, sizeof(buf));
	json_init(&w, &tb);
	return 0;
}

/* ------------------------------------------------------------- writer -- */

static void test_write_document(void **state)
{
	json_object_begin(&w);
	json_member_uint(&w, "a", 1);
	json_key(&w, "b");
	json_array_begin(&w);
	json_uint(&w, 1);
	json_int(&w, -2);
	json_object_begin(&w);
	json_member_bool(&w, "c", true);
	json_object_end(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_end(&w);
	json_member_string(&w, "d", "x");
	json_key(&w, "e");
	json_null(&w);
	json_member_bool(&w, "f", false);
	json_object_end(&w);
	assert_false(tb.truncated);
	assert_string_equal(
		buf,
		"{\"a\":1,\"b\":[1,-2,{\"c\":true},[],{}],\"d\":\"x\",\"e\":null,\"f\":false}");
}

static void test_write_integers(void **state)
{
	json_array_begin(&w);
	json_uint(&w, UINT64_MAX);
	json_int(&w, INT64_MIN);
	json_int(&w, INT64_MAX);
	json_uint(&w, 0);
	json_array_end(&w);
	assert_string_equal(buf,
			    "[18446744073709551615,-9223372036854775808,9223372036854775807,0]");
}

static void test_escape_controls(void **state)
{
	char in[32], want[256] = "\"";

	for (int i = 0; i < 31; i++)
		in[i] = (char)(i + 1);
	json_string_n(&w, "\0", 1);
	assert_string_equal(buf, "\"\\u0000\"");

	setup(NULL);
	for (int i = 1; i < 32; i++) {
		static const char *const shorts[] = {
			['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n",
			['\r'] = "\\r", ['\t'] = "\\t",
		};
		char one[8];

		if (i < (int)(sizeof(shorts) / sizeof(shorts[0])) && shorts[i])
			strcat(want, shorts[i]);
		else {
			snprintf(one, sizeof(one), "\\u%04x", i);
			strcat(want, one);
		}
	}
	strcat(want, "\"");
	json_string_n(&w, in, 31);
	assert_string_equal(buf, want);

	/* Quote and backslash escaped; '/' and DEL may stay as they are (section 7). */
	setup(NULL);
	json_string(&w, "a\"b\\c/d\x7f");
	assert_string_equal(buf, "\"a\\\"b\\\\c/d\x7f\"");
	/* Keys too. */
	setup(NULL);
	json_object_begin(&w);
	json_member_uint(&w, "k\"\n", 1);
	json_object_end(&w);
	assert_string_equal(buf, "{\"k\\\"\\n\":1}");
}

static void test_escape_utf8(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		/* Well-formed: as is. */
		{ "\xc3\xa9", "\xc3\xa9" },
		{ "\xe2\x82\xac", "\xe2\x82\xac" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xef\xbf\xbf", "\xef\xbf\xbf" },
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" }, /* U+10FFFF */
		/* Not UTF-8: one U+FFFD per byte that starts no sequence. */
		{ "\xff", "\\ufffd" },
		{ "\x80", "\\ufffd" },
		{ "\xc0\x80", "\\ufffd\\ufffd" },                       /* overlong NUL */
		{ "\xc1\xbf", "\\ufffd\\ufffd" },                       /* overlong */
		{ "\xe0\x80\x80", "\\ufffd\\ufffd\\ufffd" },            /* overlong */
		{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd" },            /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* beyond U+10FFFF */
		{ "\xf5\x80", "\\ufffd\\ufffd" },
		{ "a\xe2\x82", "a\\ufffd\\ufffd" }, /* cut short */
		{ "\xe2\x82z", "\\ufffd\\ufffdz" },
		{ "\xc3\xa9\xff\xc3\xa9", "\xc3\xa9\\ufffd\xc3\xa9" },
	};
	char want[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		json_string(&w, cases[i].in);
		snprintf(want, sizeof(want), "\"%s\"", cases[i].out);
		assert_string_equal(buf, want);
	}
}

static void test_writer_misuse(void **state)
{
	json_key(&w, "top"); /* a key outside an object */
	assert_true(tb.truncated);

	setup(NULL);
	json_object_begin(&w);
	json_uint(&w, 1); /* a member value without its key */
	assert_true(tb.truncated);

	setup(NULL);
	json_object_begin(&w);
	json_array_end(&w); /* closing what is not open */
	assert_true(tb.truncated);

	setup(NULL);
	json_object_begin(&w);
	json_key(&w, "a");
	json_object_end(&w); /* a key without its value */
	assert_true(tb.truncated);

	setup(NULL);
	json_array_end(&w);
	assert_true(tb.truncated);

	setup(NULL);
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		json_array_begin(&w);
	assert_false(tb.truncated);
	json_array_begin(&w);
	assert_true(tb.truncated);
}

static void test_writer_truncation(void **state)
{
	char small[8];

	textbuf_init(&tb, small, sizeof(small));
	json_init(&w, &tb);
	json_string(&w, "0123456789");
	assert_true(tb.truncated);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* ------------------------------------------------------------- reader -- */

static struct json_object obj;
static char err[JSON_ERROR_MAX];

/* Parse s from a heap copy of exactly its length. */
static int parse(const char *s, size_t n)
{
	char *copy = malloc(n ? n : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, s, n);
	r = json_parse_object(copy, n, &obj, err, sizeof(err));
	free(copy);
	obj.text = NULL; /* the copy is gone */
	return r;
}

static int parse_str(const char *s)
{
	return parse(s, strlen(s));
}

static const struct json_member *get(const char *key)
{
	const struct json_member *m = json_object_get(&obj, key);

	assert_non_null(m);
	return m;
}

static void test_read_values(void **state)
{
	const char *s =
		"\xef\xbb\xbf \r\n\t{ \"name\" : \"web\", \"vcpus\":2,\"neg\":-9223372036854775808,"
		"\"big\":18446744073709551615,\"zero\":-0,\"on\":true,\"off\":false,"
		"\"empty\":\"\"}\n ";

	assert_int_equal(json_parse_object(s, strlen(s), &obj, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(obj.count, 8);
	assert_int_equal(get("name")->type, JSON_STRING);
	assert_int_equal(get("name")->decoded_len, 3);
	assert_int_equal(get("vcpus")->type, JSON_INTEGER);
	assert_false(get("vcpus")->negative);
	assert_int_equal(get("vcpus")->magnitude, 2);
	assert_true(get("neg")->negative);
	assert_true(get("neg")->magnitude == (uint64_t)1 << 63);
	assert_true(get("big")->magnitude == UINT64_MAX);
	assert_true(get("zero")->negative);
	assert_int_equal(get("zero")->magnitude, 0);
	assert_int_equal(get("on")->type, JSON_BOOLEAN);
	assert_true(get("on")->boolean);
	assert_false(get("off")->boolean);
	assert_int_equal(get("empty")->decoded_len, 0);
	assert_null(json_object_get(&obj, "nope"));

	assert_int_equal(parse_str("{}"), 0);
	assert_int_equal(obj.count, 0);
	assert_int_equal(parse_str(" { } "), 0);
}

static void test_read_strings(void **state)
{
	static const struct {
		const char *json;
		const char *decoded;
		size_t len;
	} cases[] = {
		{ "{\"s\":\"plain\"}", "plain", 5 },
		{ "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "\"\\/\b\f\n\r\t", 8 },
		{ "{\"s\":\"\\u0041\\u00e9\\u20AC\"}", "A\xc3\xa9\xe2\x82\xac", 6 },
		{ "{\"s\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80", 4 }, /* a surrogate pair */
		{ "{\"s\":\"\\uDBFF\\uDFFF\"}", "\xf4\x8f\xbf\xbf", 4 }, /* U+10FFFF */
		{ "{\"s\":\"a\\u0000b\"}", "a\0b", 3 },
		{ "{\"s\":\"\xff\xfe raw\"}", "\xff\xfe raw", 6 }, /* not UTF-8: kept */
		{ "{\"s\":\"\x7f\"}", "\x7f", 1 },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].json;
		const struct json_member *m;

		assert_int_equal(json_parse_object(s, strlen(s), &obj, err, sizeof(err)), 0);
		m = get("s");
		assert_int_equal(m->type, JSON_STRING);
		assert_int_equal(m->decoded_len, cases[i].len);
		assert_int_equal(json_string_decode(&obj, m, out, sizeof(out)), cases[i].len);
		assert_memory_equal(out, cases[i].decoded, cases[i].len);
		assert_int_equal(out[cases[i].len], '\0');
	}
}

static void test_decode_cut(void **state)
{
	const char *s = "{\"k\\u0065y\":\"\\u00e9abcdef\",\"n\":1}";
	char out[4];

	assert_int_equal(json_parse_object(s, strlen(s), &obj, err, sizeof(err)), 0);
	assert_int_equal(json_string_decode(&obj, get("key"), out, sizeof(out)), 8);
	assert_string_equal(out, "\xc3\xa9"
				 "a");
	assert_int_equal(json_string_decode(&obj, get("key"), out, 0), 8);
	/* Not a string: empty. */
	assert_int_equal(json_string_decode(&obj, get("n"), out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

struct bad {
	const char *json;
	const char *err;
};

/* clang-format off */
static const struct bad bad_inputs[] = {
	{ "", "json: expected '{' at byte 0" },
	{ "   ", "json: expected '{' at byte 3" },
	{ "[]", "json: expected '{' at byte 0" },
	{ "\"a\"", "json: expected '{' at byte 0" },
	{ "{", "json: expected a key at byte 1" },
	{ "{\"a\"", "json: expected ':' at byte 4" },
	{ "{\"a\" 1}", "json: expected ':' at byte 5" },
	{ "{\"name\":\"x\",\"memory\"=1}", "json: expected ':' at byte 20" },
	{ "{\"a\":", "json: expected a value at byte 5" },
	{ "{\"a\":1", "json: expected ',' or '}' at byte 6" },
	{ "{\"a\":1 \"b\":2}", "json: expected ',' or '}' at byte 7" },
	{ "{\"a\":1,}", "json: expected a key at byte 7" },
	{ "{a:1}", "json: expected a key at byte 1" },
	{ "{'a':1}", "json: expected a key at byte 1" },
	{ "{\"a\":{}}", "json: nested objects and arrays are not supported at byte 5" },
	{ "{\"a\":[1]}", "json: nested objects and arrays are not supported at byte 5" },
	{ "{\"a\":null}", "json: null is not supported at byte 5" },
	{ "{\"a\":tru}", "json: expected a value at byte 5" },
	{ "{\"a\":True}", "json: expected a value at byte 5" },
	{ "{\"a\":1.5}", "json: fractions and exponents are not supported at byte 6" },
	{ "{\"a\":1e3}", "json: fractions and exponents are not supported at byte 6" },
	{ "{\"a\":01}", "json: leading zero in a number at byte 5" },
	{ "{\"a\":-}", "json: expected a digit at byte 6" },
	{ "{\"a\":+1}", "json: expected a value at byte 5" },
	{ "{\"a\":18446744073709551616}", "json: integer out of range at byte 5" },
	{ "{\"a\":-9223372036854775809}", "json: integer out of range at byte 5" },
	{ "{\"a\":\"x\ny\"}", "json: unescaped control byte in a string at byte 7" },
	{ "{\"a\":\"\t\"}", "json: unescaped control byte in a string at byte 6" },
	{ "{\"a\":\"\\x\"}", "json: bad escape at byte 6" },
	{ "{\"a\":\"\\U0041\"}", "json: bad escape at byte 6" },
	{ "{\"a\":\"\\u12\"}", "json: bad \\u escape at byte 6" },
	{ "{\"a\":\"\\u12g4\"}", "json: bad \\u escape at byte 6" },
	{ "{\"a\":\"\\ud800\"}", "json: lone high surrogate at byte 6" },
	{ "{\"a\":\"\\ud800\\u0041\"}", "json: lone high surrogate at byte 6" },
	{ "{\"a\":\"\\ud800\\n\"}", "json: lone high surrogate at byte 6" },
	{ "{\"a\":\"\\udc00\"}", "json: lone low surrogate at byte 6" },
	{ "{\"a\":\"abc", "json: unterminated string at byte 9" },
	{ "{\"a\":\"abc\\", "json: unterminated string at byte 10" },
	{ "{\"a\":1,\"a\":2}", "json: duplicate key \"a\" at byte 7" },
	{ "{\"a\":1,\"\\u0061\":true}", "json: duplicate key \"a\" at byte 7" },
	{ "{\"\\n\":1,\"\\n\":1}", "json: duplicate key \"?\" at byte 8" },
	{ "{\"a\":1} x", "json: unexpected data after the object at byte 8" },
	{ "{\"a\":1}{}", "json: unexpected data after the object at byte 7" },
	{ "{\"\\u0000\":1}", "json: NUL in a key at byte 1" },
	{ "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}", "json: key too long (max 32 bytes) at byte 1" },
	{ "{\"a\":1\x0b}", "json: expected ',' or '}' at byte 6" }, /* VT is not whitespace */
};
/* clang-format on */

static void test_read_errors(void **state)
{
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		obj.count = 99;
		if (parse_str(bad_inputs[i].json) != -1 || strcmp(err, bad_inputs[i].err) != 0)
			fail_msg("input %zu %s: got \"%s\", want \"%s\"", i, bad_inputs[i].json,
				 err, bad_inputs[i].err);
		assert_int_equal(obj.count, 0);
	}
}

static void test_read_limits(void **state)
{
	char s[512];
	size_t n = 0;

	/* 32-byte keys fit. */
	assert_int_equal(parse_str("{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}"), 0);
	/* Sixteen members fit, the seventeenth does not. */
	n += (size_t)snprintf(s + n, sizeof(s) - n, "{");
	for (int i = 0; i < JSON_MEMBERS_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s\"k%d\":%d", i ? "," : "", i, i);
	assert_int_equal(parse(s, n) == 0 ? 0 : -1, -1); /* not closed yet */
	snprintf(s + n, sizeof(s) - n, "}");
	assert_int_equal(parse_str(s), 0);
	assert_int_equal(obj.count, JSON_MEMBERS_MAX);
	snprintf(s + n, sizeof(s) - n, ",\"x\":1}");
	assert_int_equal(parse_str(s), -1);
	assert_true(strncmp(err, "json: too many members (max 16) at byte ", 40) == 0);
	/* No error buffer: still refused. */
	assert_int_equal(json_parse_object("{", 1, &obj, NULL, 0), -1);
	/* A tiny one is cut, not overrun. */
	assert_int_equal(json_parse_object("{", 1, &obj, err, 6), -1);
	assert_string_equal(err, "json:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write_document, setup),
		cmocka_unit_test_setup(test_write_integers, setup),
		cmocka_unit_test_setup(test_escape_controls, setup),
		cmocka_unit_test_setup(test_escape_utf8, setup),
		cmocka_unit_test_setup(test_writer_misuse, setup),
		cmocka_unit_test_setup(test_writer_truncation, setup),
		cmocka_unit_test(test_read_values),
		cmocka_unit_test(test_read_strings),
		cmocka_unit_test(test_decode_cut),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
