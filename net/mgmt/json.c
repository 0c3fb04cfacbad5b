/*
 * JSON writer and flat-object reader; see json.h. Section numbers are
 * RFC 8259's; UTF-8 well-formedness is RFC 3629 section 4.
 *
 * The reader checks every byte once when it parses and remembers where
 * each string value lies; json_string_decode() runs the same scanner
 * again to copy one out, so there is one decoder and no string pool.
 */
#include <stdio.h>
#include <string.h>

#include "net/mgmt/json.h"

/* ------------------------------------------------------------- writer -- */

void json_init(struct json_writer *w, struct textbuf *tb)
{
	memset(w, 0, sizeof(*w));
	w->tb = tb;
}

static void json_misuse(struct json_writer *w)
{
	w->tb->truncated = true;
}

/* Before any value: the comma, or nothing right after a key. */
static void json_before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->in_object[w->depth]) {
		json_misuse(w); /* a member value without its key */
		return;
	}
	if (w->has_member[w->depth])
		textbuf_putc(w->tb, ',');
	w->has_member[w->depth] = true;
}

static void json_open(struct json_writer *w, bool object)
{
	json_before_value(w);
	if (w->depth == JSON_DEPTH_MAX) {
		json_misuse(w);
		return;
	}
	textbuf_putc(w->tb, object ? '{' : '[');
	w->depth++;
	w->in_object[w->depth] = object;
	w->has_member[w->depth] = false;
}

static void json_close(struct json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->after_key) {
		json_misuse(w);
		return;
	}
	textbuf_putc(w->tb, object ? '}' : ']');
	w->depth--;
}

void json_object_begin(struct json_writer *w)
{
	json_open(w, true);
}

void json_object_end(struct json_writer *w)
{
	json_close(w, true);
}

void json_array_begin(struct json_writer *w)
{
	json_open(w, false);
}

void json_array_end(struct json_writer *w)
{
	json_close(w, false);
}

/* Bytes of the well-formed UTF-8 sequence at s[0..n), 0 if it is not one. */
static size_t json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0; /* continuation byte, overlong lead (C0, C1) or beyond U+10FFFF */
	/* RFC 3629 section 4: the second byte's range excludes overlongs and surrogates. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void json_escape(struct textbuf *tb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len = json_utf8_len(p + i, n - i);
		char esc[8];

		if (len > 0 && c >= 0x20 && c != '"' && c != '\\') {
			i += len;
			run += len;
			continue;
		}
		textbuf_write(tb, p + i - run, run);
		run = 0;
		i++;
		if (len == 0) {
			textbuf_puts(tb, "\\ufffd");
			continue;
		}
		switch (c) {
		case '"':
			textbuf_puts(tb, "\\\"");
			break;
		case '\\':
			textbuf_puts(tb, "\\\\");
			break;
		case '\b':
			textbuf_puts(tb, "\\b");
			break;
		case '\f':
			textbuf_puts(tb, "\\f");
			break;
		case '\n':
			textbuf_puts(tb, "\\n");
			break;
		case '\r':
			textbuf_puts(tb, "\\r");
			break;
		case '\t':
			textbuf_puts(tb, "\\t");
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			textbuf_puts(tb, esc);
		}
	}
	textbuf_write(tb, p + i - run, run);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth] || w->after_key) {
		json_misuse(w);
		return;
	}
	if (w->has_member[w->depth])
		textbuf_putc(w->tb, ',');
	w->has_member[w->depth] = true;
	textbuf_putc(w->tb, '"');
	json_escape(w->tb, key, strlen(key));
	textbuf_puts(w->tb, "\":");
	w->after_key = true;
}

void json_string_n(struct json_writer *w, const char *s, size_t n)
{
	json_before_value(w);
	textbuf_putc(w->tb, '"');
	json_escape(w->tb, s, n);
	textbuf_putc(w->tb, '"');
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_n(w, s, strlen(s));
}

void json_uint(struct json_writer *w, uint64_t v)
{
	json_before_value(w);
	textbuf_printf(w->tb, "%llu", (unsigned long long)v);
}

void json_int(struct json_writer *w, int64_t v)
{
	json_before_value(w);
	textbuf_printf(w->tb, "%lld", (long long)v);
}

void json_bool(struct json_writer *w, bool v)
{
	json_before_value(w);
	textbuf_puts(w->tb, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	json_before_value(w);
	textbuf_puts(w->tb, "null");
}

void json_member_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_member_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_member_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

/* ------------------------------------------------------------- reader -- */

struct json_cursor {
	const char *s;
	size_t len;
	size_t pos;
	char *err;
	size_t err_len;
};

static int json_error(struct json_cursor *c, size_t at, const char *what)
{
	if (c->err && c->err_len)
		snprintf(c->err, c->err_len, "json: %s at byte %zu", what, at);
	return -1;
}

/* Section 2: ws = SP, HTAB, LF, CR. */
static void json_skip_ws(struct json_cursor *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
				   c->s[c->pos] == '\n' || c->s[c->pos] == '\r'))
		c->pos++;
}

static int json_hex4(const struct json_cursor *c, size_t at)
{
	int v = 0;

	if (at + 4 > c->len)
		return -1;
	for (size_t i = at; i < at + 4; i++) {
		char h = c->s[i];
		int d;

		if (h >= '0' && h <= '9')
			d = h - '0';
		else if (h >= 'a' && h <= 'f')
			d = h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			d = h - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Decoded output of the string scanner: up to cap - 1 bytes, all counted. */
struct json_out {
	char *buf;
	size_t cap;
	size_t len;
};

static void json_out_byte(struct json_out *o, unsigned char b)
{
	if (o->buf && o->len + 1 < o->cap)
		o->buf[o->len] = (char)b;
	o->len++;
}

static void json_out_utf8(struct json_out *o, uint32_t cp)
{
	if (cp < 0x80) {
		json_out_byte(o, (unsigned char)cp);
	} else if (cp < 0x800) {
		json_out_byte(o, (unsigned char)(0xc0 | cp >> 6));
		json_out_byte(o, (unsigned char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		json_out_byte(o, (unsigned char)(0xe0 | cp >> 12));
		json_out_byte(o, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		json_out_byte(o, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		json_out_byte(o, (unsigned char)(0xf0 | cp >> 18));
		json_out_byte(o, (unsigned char)(0x80 | ((cp >> 12) & 0x3f)));
		json_out_byte(o, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		json_out_byte(o, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

/* "\uXXXX" at c->pos (the backslash), with its low surrogate if it needs one. */
static int json_unicode_escape(struct json_cursor *c, struct json_out *o)
{
	size_t at = c->pos;
	int hi = json_hex4(c, at + 2), lo;

	if (hi < 0)
		return json_error(c, at, "bad \\u escape");
	c->pos = at + 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return json_error(c, at, "lone low surrogate");
	if (hi < 0xd800 || hi > 0xdbff) {
		json_out_utf8(o, (uint32_t)hi);
		return 0;
	}
	/* Section 7: a character beyond the BMP is a pair of escapes. */
	if (c->pos + 1 >= c->len || c->s[c->pos] != '\\' || c->s[c->pos + 1] != 'u')
		return json_error(c, at, "lone high surrogate");
	lo = json_hex4(c, c->pos + 2);
	if (lo < 0xdc00 || lo > 0xdfff)
		return json_error(c, at, "lone high surrogate");
	c->pos += 6;
	json_out_utf8(o, 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
	return 0;
}

/*
 * The string at c->pos (its opening quote), section 7. Leaves c->pos past
 * the closing quote; decodes into *o.
 */
static int json_scan_string(struct json_cursor *c, struct json_out *o)
{
	static const char simple[] = "\"\\/bfnrt";
	static const char decoded[] = "\"\\/\b\f\n\r\t";

	c->pos++;
	for (;;) {
		unsigned char ch;
		const char *e;

		if (c->pos >= c->len)
			return json_error(c, c->len, "unterminated string");
		ch = (unsigned char)c->s[c->pos];
		if (ch == '"') {
			c->pos++;
			return 0;
		}
		if (ch < 0x20)
			return json_error(c, c->pos, "unescaped control byte in a string");
		if (ch != '\\') {
			json_out_byte(o, ch);
			c->pos++;
			continue;
		}
		if (c->pos + 1 >= c->len)
			return json_error(c, c->len, "unterminated string");
		if (c->s[c->pos + 1] == 'u') {
			if (json_unicode_escape(c, o) < 0)
				return -1;
			continue;
		}
		e = c->s[c->pos + 1] ? strchr(simple, c->s[c->pos + 1]) : NULL;
		if (!e)
			return json_error(c, c->pos, "bad escape");
		json_out_byte(o, (unsigned char)decoded[e - simple]);
		c->pos += 2;
	}
}

/* An integer: section 6 without frac and exp, leading zeros refused as there. */
static int json_scan_integer(struct json_cursor *c, struct json_member *m)
{
	size_t start = c->pos;
	uint64_t v = 0, limit;

	m->negative = c->s[c->pos] == '-';
	if (m->negative)
		c->pos++;
	limit = m->negative ? (uint64_t)1 << 63 : UINT64_MAX;
	if (c->pos >= c->len || c->s[c->pos] < '0' || c->s[c->pos] > '9')
		return json_error(c, c->pos, "expected a digit");
	if (c->s[c->pos] == '0' && c->pos + 1 < c->len && c->s[c->pos + 1] >= '0' &&
	    c->s[c->pos + 1] <= '9')
		return json_error(c, c->pos, "leading zero in a number");
	while (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
		uint64_t d = (uint64_t)(c->s[c->pos] - '0');

		if (v > (limit - d) / 10)
			return json_error(c, start, "integer out of range");
		v = v * 10 + d;
		c->pos++;
	}
	if (c->pos < c->len && (c->s[c->pos] == '.' || c->s[c->pos] == 'e' || c->s[c->pos] == 'E'))
		return json_error(c, c->pos, "fractions and exponents are not supported");
	m->magnitude = v;
	m->type = JSON_INTEGER;
	return 0;
}

static bool json_literal(struct json_cursor *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
		return false;
	c->pos += n;
	return true;
}

static int json_scan_value(struct json_cursor *c, struct json_member *m)
{
	char ch;

	if (c->pos >= c->len)
		return json_error(c, c->pos, "expected a value");
	ch = c->s[c->pos];
	m->offset = c->pos;
	if (ch == '"') {
		struct json_out o = { NULL, 0, 0 };

		if (json_scan_string(c, &o) < 0)
			return -1;
		m->type = JSON_STRING;
		m->raw_len = c->pos - m->offset - 2;
		m->decoded_len = o.len;
		return 0;
	}
	if (ch == '-' || (ch >= '0' && ch <= '9'))
		return json_scan_integer(c, m);
	if (json_literal(c, "true") || json_literal(c, "false")) {
		m->type = JSON_BOOLEAN;
		m->boolean = ch == 't';
		return 0;
	}
	if (json_literal(c, "null"))
		return json_error(c, m->offset, "null is not supported");
	if (ch == '{' || ch == '[')
		return json_error(c, c->pos, "nested objects and arrays are not supported");
	return json_error(c, c->pos, "expected a value");
}

/* A member's key into m->key, checked for length, NUL and repeats. */
static int json_scan_key(struct json_cursor *c, struct json_object *obj, struct json_member *m)
{
	struct json_out o = { m->key, sizeof(m->key), 0 };
	size_t at = c->pos;
	char msg[JSON_KEY_MAX + 32];

	if (at >= c->len || c->s[at] != '"')
		return json_error(c, at, "expected a key");
	if (json_scan_string(c, &o) < 0)
		return -1;
	if (o.len > JSON_KEY_MAX)
		return json_error(c, at, "key too long (max 32 bytes)");
	m->key[o.len] = '\0';
	if (strlen(m->key) != o.len)
		return json_error(c, at, "NUL in a key");
	for (unsigned i = 0; i < obj->count; i++) {
		if (strcmp(obj->members[i].key, m->key) != 0)
			continue;
		/* Quote the key back, its control bytes made harmless. */
		snprintf(msg, sizeof(msg), "duplicate key \"%s\"", m->key);
		for (char *p = msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		return json_error(c, at, msg);
	}
	return 0;
}

static int json_scan_members(struct json_cursor *c, struct json_object *obj)
{
	for (;;) {
		struct json_member *m;

		json_skip_ws(c);
		if (obj->count == JSON_MEMBERS_MAX)
			return json_error(c, c->pos, "too many members (max 16)");
		m = &obj->members[obj->count];
		if (json_scan_key(c, obj, m) < 0)
			return -1;
		json_skip_ws(c);
		if (c->pos >= c->len || c->s[c->pos] != ':')
			return json_error(c, c->pos, "expected ':'");
		c->pos++;
		json_skip_ws(c);
		if (json_scan_value(c, m) < 0)
			return -1;
		obj->count++;
		json_skip_ws(c);
		if (c->pos < c->len && c->s[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->pos < c->len && c->s[c->pos] == '}') {
			c->pos++;
			return 0;
		}
		return json_error(c, c->pos, "expected ',' or '}'");
	}
}

int json_parse_object(const char *text, size_t len, struct json_object *obj, char *err,
		      size_t err_len)
{
	struct json_cursor c = { text, len, 0, err, err_len };

	memset(obj, 0, sizeof(*obj));
	obj->text = text;
	if (err && err_len)
		err[0] = '\0';
	/* Section 8.1: a parser MAY ignore a byte order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c.pos = 3;
	json_skip_ws(&c);
	if (c.pos >= len || text[c.pos] != '{')
		return json_error(&c, c.pos, "expected '{'");
	c.pos++;
	json_skip_ws(&c);
	if (c.pos < len && text[c.pos] == '}')
		c.pos++;
	else if (json_scan_members(&c, obj) < 0)
		goto fail;
	json_skip_ws(&c);
	if (c.pos != len) {
		json_error(&c, c.pos, "unexpected data after the object");
		goto fail;
	}
	return 0;
fail:
	obj->count = 0;
	return -1;
}

const struct json_member *json_object_get(const struct json_object *obj, const char *key)
{
	for (unsigned i = 0; i < obj->count; i++)
		if (strcmp(obj->members[i].key, key) == 0)
			return &obj->members[i];
	return NULL;
}

size_t json_string_decode(const struct json_object *obj, const struct json_member *m, char *out,
			  size_t cap)
{
	struct json_cursor c = { obj->text, m->offset + m->raw_len + 2, m->offset, NULL, 0 };
	struct json_out o = { out, cap, 0 };

	if (m->type != JSON_STRING) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	json_scan_string(&c, &o); /* checked by json_parse_object() */
	if (cap)
		out[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
