/* FUZZ_SOURCES: net/mgmt/http_request.c net/mgmt/api.c net/mgmt/json.c net/mgmt/metrics.c net/mgmt/webpage.c net/mgmt/textbuf.c net/mgmt/state_name.c tests/unit/fake_backend.c */
/*
 * libFuzzer target for the management HTTP service: arbitrary bytes from
 * a client through the request parser, fed whole and in two pieces (the
 * answers must agree), then through the router over the shared fake
 * backend (tests/unit/fake_backend.h) with two domains. Besides the
 * sanitizers' checks it asserts what a client relies on: every reply is
 * one complete HTTP/1.1 response whose Content-Length is its body's
 * length, with Connection: close; a refused request's status is one the
 * parser documents; a parsed request holds only what the grammar allows;
 * a definition reaching the backend is bounded and, when built from JSON,
 * one section with no control bytes.
 * Seeds: tests/fuzz/corpus/http/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/mgmt/api.h"
#include "net/mgmt/http_request.h"
#include "tests/unit/fake_backend.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define FUZZ_PASSWORD "pw"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---------------------------------------------------------------- fake -- */

static struct fake_backend fb;
static bool json_define; /* the request's body was JSON: check the text built from it */

/*
 * Instead of the fake's define: checks the text the router built from
 * JSON, refuses with -ENOSPC when byte 4 is 'x', else names "demo-a".
 */
static int fuzz_define(void *ctx, const char *text, size_t len, char *name_out, char *why,
		       size_t why_len)
{
	FUZZ_CHECK(len > 0 && len <= MGMT_DEFINE_MAX);
	if (json_define) {
		/* "[vm NAME]\n" then "key = value\n" lines, no control bytes but the newlines. */
		FUZZ_CHECK(len >= 7 && memcmp(text, "[vm ", 4) == 0 && text[len - 1] == '\n');
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(((unsigned char)text[i] >= 0x20 && text[i] != 0x7f) ||
				   text[i] == '\n');
	}
	if (len > 6 && text[4] == 'x') {
		snprintf(why, why_len, "no");
		return -ENOSPC;
	}
	snprintf(name_out, MGMT_NAME_MAX, "demo-a");
	return 0;
}

static void fuzz_reset(void)
{
	struct mgmt_domain *q;

	fake_backend_init(&fb);
	fb.ops.define = fuzz_define;
	fb.name_limit = MGMT_NAME_MAX;
	fb.next_id = 2;
	strcpy(fb.node.version, "0.1.0");
	fb.node.cpus = 2;
	fb.node.nic_count = 9; /* more than there are: must be clamped */
	strcpy(fb.node.nics[0].name, "e1000");
	strcpy(fb.node.nics[1].name, "e1000");
	fake_backend_add(&fb, "demo-a", 1)->d.exits[10] = 5;
	fb.doms[0].d.exits[79] = 1;
	q = &fake_backend_add(&fb, "q\"\\\n", 0)->d;
	q->state = (enum mgmt_state)7;                       /* out of range: "no state" */
	memset(q->stop_reason, 'r', sizeof(q->stop_reason)); /* unterminated */
}

/* --------------------------------------------------------------- checks -- */

static bool fuzz_status_documented(int status)
{
	static const int parser[] = { 400, 411, 413, 414, 417, 431, 501, 505 };

	for (size_t i = 0; i < sizeof(parser) / sizeof(parser[0]); i++)
		if (parser[i] == status)
			return true;
	return false;
}

/* A complete response: status line, fields, blank line, Content-Length bytes of body. */
static void fuzz_check_reply(const struct textbuf *out, bool head, int status)
{
	const char *end, *cl;
	size_t hlen;

	FUZZ_CHECK(!out->truncated);
	FUZZ_CHECK(out->len < out->cap && out->data[out->len] == '\0');
	FUZZ_CHECK(out->len > 12 && memcmp(out->data, "HTTP/1.1 ", 9) == 0);
	FUZZ_CHECK(atoi(out->data + 9) == status && status >= 200 && status <= 599);
	end = strstr(out->data, "\r\n\r\n");
	FUZZ_CHECK(end);
	hlen = (size_t)(end - out->data) + 4;
	for (size_t i = 0; i < hlen; i++) /* fields: printable ASCII and CRLF only */
		FUZZ_CHECK((out->data[i] >= 0x20 && out->data[i] < 0x7f) || out->data[i] == '\r' ||
			   out->data[i] == '\n');
	cl = strstr(out->data, "\r\nContent-Length: ");
	FUZZ_CHECK(cl && cl < end);
	FUZZ_CHECK(strstr(out->data, "\r\nConnection: close\r\n") < end);
	if (head)
		FUZZ_CHECK(out->len == hlen);
	else
		FUZZ_CHECK(strtoul(cl + 18, NULL, 10) == out->len - hlen);
}

static void fuzz_check_request(const struct http_request *r)
{
	FUZZ_CHECK(strlen(r->path) <= HTTP_LINE_MAX && strlen(r->target) <= HTTP_LINE_MAX);
	FUZZ_CHECK(r->path[0] == '/' || strcmp(r->path, "*") == 0);
	for (const char *p = r->path; *p; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	FUZZ_CHECK(r->body_len == r->content_length && r->body_len <= HTTP_BODY_MAX);
	FUZZ_CHECK(r->version_minor <= 1);
	FUZZ_CHECK(r->version_minor == 0 || r->has_host);
	FUZZ_CHECK(strlen(r->authorization) <= HTTP_AUTH_MAX);
	FUZZ_CHECK(strcmp(http_method_name(r->method), "?") != 0);
}

static enum http_parse fuzz_parse(struct http_request *r, const uint8_t *data, size_t size,
				  size_t cut, size_t *used)
{
	enum http_parse res;
	size_t u1 = 0, u2 = 0;

	http_request_init(r);
	res = http_request_feed(r, data, cut, &u1);
	if (res == HTTP_PARSE_MORE)
		res = http_request_feed(r, data + cut, size - cut, &u2);
	*used = u1 + u2;
	return res;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request a, b;
	static char buf[MGMT_API_RESPONSE_CAP];
	struct mgmt_api_result res;
	struct textbuf out;
	enum http_parse ra, rb;
	size_t ua, ub;

	ra = fuzz_parse(&a, data, size, size, &ua);
	rb = fuzz_parse(&b, data, size, size ? data[0] % size : 0, &ub);
	FUZZ_CHECK(ra == rb && ua == ub && ua <= size);
	FUZZ_CHECK(ra == HTTP_PARSE_MORE ? ua == size : true);
	textbuf_init(&out, buf, sizeof(buf));
	if (ra == HTTP_PARSE_ERROR) {
		FUZZ_CHECK(a.status == b.status && a.error && strcmp(a.error, b.error) == 0);
		FUZZ_CHECK(fuzz_status_documented(a.status));
		mgmt_api_parse_error(&a, &out);
		fuzz_check_reply(&out, false, a.status);
		return 0;
	}
	if (ra != HTTP_PARSE_DONE)
		return 0;
	FUZZ_CHECK(strcmp(a.path, b.path) == 0 && a.body_len == b.body_len &&
		   memcmp(a.body, b.body, a.body_len) == 0);
	fuzz_check_request(&a);

	fuzz_reset();
	json_define = a.has_content_type && strncmp(a.content_type, "application/json", 16) == 0;
	res = mgmt_api_handle(&a, &fb.ops, FUZZ_PASSWORD, &out);
	fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	FUZZ_CHECK(!res.auth_failed || res.status == 401);
	/* No password configured: nothing but the page and 404s. */
	res = mgmt_api_handle(&a, &fb.ops, "", &out);
	fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	FUZZ_CHECK(res.status == 200 ? strcmp(a.path, "/") == 0 : true);
	/* A small buffer: a 500 or nothing, never half a reply. */
	textbuf_init(&out, buf, 1024);
	res = mgmt_api_handle(&a, &fb.ops, FUZZ_PASSWORD, &out);
	if (!out.truncated)
		fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	return 0;
}
