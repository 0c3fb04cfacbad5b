/* FUZZ_SOURCES: net/mgmt/json.c net/mgmt/textbuf.c net/mgmt/api.c net/mgmt/http_request.c net/mgmt/metrics.c net/mgmt/webpage.c net/mgmt/state_name.c */
/*
 * libFuzzer target for the JSON reader: arbitrary bytes through
 * json_parse_object(). Besides the sanitizers' checks (the input is a
 * buffer of exactly its size, so any overread is caught) it asserts: a
 * refusal says "json: ... at byte N" with N inside the input and no
 * control byte; an accepted object has at most JSON_MEMBERS_MAX unique
 * keys, each string decodes to the length the parser announced, and
 * writing the members back with the JSON writer gives text the reader
 * accepts with the same members (for ASCII inputs, where the writer's
 * U+FFFD replacement cannot merge keys). The same bytes then go through
 * the API's JSON-to-definition conversion, whose output must be one
 * bounded section with no control bytes but its newlines.
 * Seeds: tests/fuzz/corpus/json/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/mgmt/api.h"
#include "net/mgmt/json.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_error(const char *err, size_t size)
{
	const char *at = strstr(err, " at byte ");

	FUZZ_CHECK(strncmp(err, "json: ", 6) == 0);
	FUZZ_CHECK(strlen(err) < JSON_ERROR_MAX);
	FUZZ_CHECK(at && strtoul(at + 9, NULL, 10) <= size);
	for (const char *p = err; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

/* Write obj back as JSON into tb. */
static void fuzz_write_back(const struct json_object *obj, struct textbuf *tb)
{
	static char value[8192];
	struct json_writer w;

	json_init(&w, tb);
	json_object_begin(&w);
	for (unsigned i = 0; i < obj->count; i++) {
		const struct json_member *m = &obj->members[i];

		json_key(&w, m->key);
		if (m->type == JSON_STRING) {
			size_t n = json_string_decode(obj, m, value, sizeof(value));

			FUZZ_CHECK(n == m->decoded_len && n < sizeof(value));
			json_string_n(&w, value, n);
		} else if (m->type == JSON_BOOLEAN) {
			json_bool(&w, m->boolean);
		} else if (m->negative) {
			json_int(&w, m->magnitude == (uint64_t)1 << 63 ? INT64_MIN
								       : -(int64_t)m->magnitude);
		} else {
			json_uint(&w, m->magnitude);
		}
	}
	json_object_end(&w);
}

static bool fuzz_ascii(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (data[i] >= 0x80)
			return false;
	return true;
}

static void fuzz_check_same(const struct json_object *a, const struct json_object *b)
{
	static char va[8192], vb[8192];

	FUZZ_CHECK(a->count == b->count);
	for (unsigned i = 0; i < a->count; i++) {
		const struct json_member *ma = &a->members[i], *mb = &b->members[i];

		FUZZ_CHECK(strcmp(ma->key, mb->key) == 0 && ma->type == mb->type);
		if (ma->type == JSON_STRING) {
			size_t na = json_string_decode(a, ma, va, sizeof(va));
			size_t nb = json_string_decode(b, mb, vb, sizeof(vb));

			FUZZ_CHECK(na == nb && memcmp(va, vb, na) == 0);
		} else if (ma->type == JSON_BOOLEAN) {
			FUZZ_CHECK(ma->boolean == mb->boolean);
		} else {
			FUZZ_CHECK(ma->magnitude == mb->magnitude);
			FUZZ_CHECK(ma->negative == mb->negative || ma->magnitude == 0);
		}
	}
}

static void fuzz_definition(const char *text, size_t size)
{
	static char defbuf[MGMT_DEFINE_MAX + 2];
	char why[MGMT_WHY_MAX];
	struct textbuf def;

	textbuf_init(&def, defbuf, sizeof(defbuf));
	if (mgmt_api_definition_from_json(text, size, &def, why, sizeof(why)) < 0) {
		FUZZ_CHECK(strlen(why) > 0 && strlen(why) < sizeof(why));
		return;
	}
	FUZZ_CHECK(def.len <= MGMT_DEFINE_MAX && !def.truncated);
	FUZZ_CHECK(strncmp(defbuf, "[vm ", 4) == 0 && defbuf[def.len - 1] == '\n');
	for (size_t i = 0; i < def.len; i++)
		FUZZ_CHECK(((unsigned char)defbuf[i] >= 0x20 && defbuf[i] != 0x7f) ||
			   defbuf[i] == '\n');
	/* One section: no other line starts with '['. */
	for (const char *p = strchr(defbuf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
		FUZZ_CHECK(p[1] != '[');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_object obj, again;
	static char out[65536];
	char err[JSON_ERROR_MAX];
	const char *text = (const char *)data;
	struct textbuf tb;

	fuzz_definition(text, size);
	if (json_parse_object(text, size, &obj, err, sizeof(err)) < 0) {
		fuzz_check_error(err, size);
		FUZZ_CHECK(obj.count == 0);
		return 0;
	}
	FUZZ_CHECK(err[0] == '\0' && obj.count <= JSON_MEMBERS_MAX);
	for (unsigned i = 0; i < obj.count; i++) {
		const struct json_member *m = &obj.members[i];

		FUZZ_CHECK(strlen(m->key) <= JSON_KEY_MAX);
		FUZZ_CHECK(json_object_get(&obj, m->key) == m); /* unique */
		if (m->type == JSON_STRING)
			FUZZ_CHECK(m->offset + m->raw_len + 2 <= size &&
				   m->decoded_len <= m->raw_len);
	}
	textbuf_init(&tb, out, sizeof(out));
	fuzz_write_back(&obj, &tb);
	FUZZ_CHECK(!tb.truncated);
	if (fuzz_ascii(data, size)) {
		FUZZ_CHECK(json_parse_object(out, tb.len, &again, err, sizeof(err)) == 0);
		fuzz_check_same(&obj, &again);
	}
	return 0;
}
