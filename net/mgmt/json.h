/*
 * JSON (RFC 8259) for the management API: a writer that appends to a
 * textbuf, and a bounded reader for the one shape the API accepts, a flat
 * object of string, integer and boolean members. Pure logic, no
 * allocation, no floating point.
 */
#ifndef STRATA_MGMT_JSON_H
#define STRATA_MGMT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mgmt/textbuf.h"

/* ------------------------------------------------------------- writer -- */

#define JSON_DEPTH_MAX 8

/*
 * Commas and colons are the writer's business: call json_key() before
 * each member's value, nothing between array elements. Misuse (a key
 * outside an object, nesting deeper than JSON_DEPTH_MAX, closing what is
 * not open) marks the textbuf truncated, so the caller's one check for a
 * short reply catches it too.
 */
struct json_writer {
	struct textbuf *tb;
	unsigned depth;
	bool after_key;                      /* a value is due after "key": */
	bool in_object[JSON_DEPTH_MAX + 1];  /* per depth: object (true) or array */
	bool has_member[JSON_DEPTH_MAX + 1]; /* per depth: a comma goes before the next */
};

void json_init(struct json_writer *w, struct textbuf *tb);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
/*
 * A string value. Escapes '"', '\\' and every control byte (RFC 8259
 * section 7: \b \f \n \r \t, others as \u00XX); bytes that are not
 * well-formed UTF-8 (RFC 3629) become U+FFFD, so the output is always
 * valid JSON text (section 8.1) whatever a name or message held.
 */
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t n);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Shorthands for a member: json_key() then the value. */
void json_member_string(struct json_writer *w, const char *key, const char *s);
void json_member_uint(struct json_writer *w, const char *key, uint64_t v);
void json_member_bool(struct json_writer *w, const char *key, bool v);

/* Append s[0..n) to tb as the inside of a JSON string (no quotes). */
void json_escape(struct textbuf *tb, const char *s, size_t n);

/* ------------------------------------------------------------- reader -- */

#define JSON_KEY_MAX     32 /* bytes of a decoded key */
#define JSON_MEMBERS_MAX 16 /* members of the object */
#define JSON_ERROR_MAX   96 /* a reader error, NUL included */

enum json_type {
	JSON_STRING = 0,
	JSON_INTEGER,
	JSON_BOOLEAN,
};

struct json_member {
	char key[JSON_KEY_MAX + 1]; /* decoded; never holds a NUL byte */
	enum json_type type;
	size_t offset;      /* of the value's first byte in the text (its '"' for a string) */
	size_t raw_len;     /* JSON_STRING: bytes between the quotes, escapes undone by */
	size_t decoded_len; /* json_string_decode(), which yields decoded_len bytes */
	bool negative;      /* JSON_INTEGER: the value is -magnitude */
	uint64_t magnitude; /* JSON_INTEGER: at most 2^63 when negative */
	bool boolean;       /* JSON_BOOLEAN */
};

struct json_object {
	const char *text; /* the parsed text; strings are decoded from it on demand */
	unsigned count;
	struct json_member members[JSON_MEMBERS_MAX];
};

/*
 * Parse text[0..len) as one JSON object whose member values are strings,
 * integers (no fraction or exponent; -2^63..2^64-1) or true/false. Keys
 * must be unique (compared decoded). A byte order mark is skipped;
 * whitespace around tokens is RFC 8259's four bytes. Strings may hold any
 * byte >= 0x20 as is (invalid UTF-8 passes through), control bytes only
 * escaped; \uXXXX is decoded to UTF-8, surrogate pairs joined, a lone
 * surrogate refused.
 *
 * Returns 0 and fills *obj (which keeps pointing into text), or -1 with
 * err holding "json: what at byte N" (N counted from 0).
 */
int json_parse_object(const char *text, size_t len, struct json_object *obj, char *err,
		      size_t err_len);

/* The member named key, or NULL. */
const struct json_member *json_object_get(const struct json_object *obj, const char *key);

/*
 * Decode a JSON_STRING member into out (cap bytes, NUL-terminated when
 * cap > 0). Returns m->decoded_len; if that is >= cap the value was cut.
 * The value may hold NUL bytes (from \u0000): use the length.
 */
size_t json_string_decode(const struct json_object *obj, const struct json_member *m, char *out,
			  size_t cap);

#endif
