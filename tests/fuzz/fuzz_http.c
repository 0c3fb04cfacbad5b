/* FUZZ_SOURCES: net/mgmt/http_request.c net/mgmt/api.c net/mgmt/json.c net/mgmt/metrics.c net/mgmt/webpage.c net/mgmt/textbuf.c net/mgmt/state_name.c */
/*
 * libFuzzer target for the management HTTP service: arbitrary bytes from
 * a client through the request parser, fed whole and in two pieces (the
 * answers must agree), then through the router over a fake backend with
 * two domains. Besides the sanitizers' checks it asserts what a client
 * relies on: every reply is one complete HTTP/1.1 response whose
 * Content-Length is its body's length, with Connection: close; a refused
 * request's status is one the parser documents; a parsed request holds
 * only what the grammar allows; a definition reaching the backend is
 * bounded and, when built from JSON, one section with no control bytes.
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

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define FUZZ_PASSWORD "pw"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---------------------------------------------------------------- fake -- */

struct fuzz_backend {
	struct mgmt_domain doms[2];
	bool json_define; /* the request's body was JSON: check the text built from it */
};

static struct fuzz_backend fb;

static unsigned fuzz_count(void *ctx)
{
	return 2;
}

static bool fuzz_at(void *ctx, unsigned i, struct mgmt_domain *out)
{
	if (i >= 2)
		return false;
	*out = fb.doms[i];
	return true;
}

static struct mgmt_domain *fuzz_lookup(const char *name)
{
	FUZZ_CHECK(strlen(name) < MGMT_NAME_MAX);
	for (unsigned i = 0; i < 2; i++)
		if (strcmp(fb.doms[i].name, name) == 0)
			return &fb.doms[i];
	return NULL;
}

static bool fuzz_find(void *ctx, const char *name, struct mgmt_domain *out)
{
	struct mgmt_domain *d = fuzz_lookup(name);

	if (d)
		*out = *d;
	return d != NULL;
}

static void fuzz_node(void *ctx, struct mgmt_node *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->cpu_model, "x86_64");
	strcpy(out->version, "0.1.0");
	out->cpus = 2;
	out->nic_count = 9; /* more than there are: must be clamped */
	strcpy(out->nics[0].name, "e1000");
	strcpy(out->nics[1].name, "e1000");
}

static int fuzz_op(const char *name, char *why, size_t why_len, int err)
{
	if (!fuzz_lookup(name)) {
		snprintf(why, why_len, "domain '%s' is not defined", name);
		return -ENOENT;
	}
	if (err)
		snprintf(why, why_len, "domain '%s' refused", name);
	return err;
}

static int fuzz_start(void *ctx, const char *name, char *why, size_t why_len)
{
	return fuzz_op(name, why, why_len, -EBUSY);
}

static int fuzz_destroy(void *ctx, const char *name, char *why, size_t why_len)
{
	return fuzz_op(name, why, why_len, 0);
}

static int fuzz_undefine(void *ctx, const char *name, char *why, size_t why_len)
{
	return fuzz_op(name, why, why_len, -EINVAL);
}

static int fuzz_define(void *ctx, const char *text, size_t len, char *name_out, char *why,
		       size_t why_len)
{
	FUZZ_CHECK(len > 0 && len <= MGMT_DEFINE_MAX);
	if (fb.json_define) {
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

static const char *fuzz_reason(unsigned r)
{
	return r == 10 ? "cpuid" : NULL;
}

static const struct mgmt_backend fuzz_be = {
	.domain_count = fuzz_count,
	.domain_at = fuzz_at,
	.domain_find = fuzz_find,
	.node = fuzz_node,
	.start = fuzz_start,
	.destroy = fuzz_destroy,
	.define = fuzz_define,
	.undefine = fuzz_undefine,
	.exit_reason_name = fuzz_reason,
};

static void fuzz_reset(void)
{
	memset(&fb, 0, sizeof(fb));
	strcpy(fb.doms[0].name, "demo-a");
	fb.doms[0].state = MGMT_RUNNING;
	fb.doms[0].id = 1;
	fb.doms[0].exits[10] = 5;
	fb.doms[0].exits[79] = 1;
	strcpy(fb.doms[1].name, "q\"\\\n");
	fb.doms[1].state = (enum mgmt_state)7; /* out of range: "no state" */
	memset(fb.doms[1].stop_reason, 'r', sizeof(fb.doms[1].stop_reason)); /* unterminated */
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
	fb.json_define = a.has_content_type && strncmp(a.content_type, "application/json", 16) == 0;
	res = mgmt_api_handle(&a, &fuzz_be, FUZZ_PASSWORD, &out);
	fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	FUZZ_CHECK(!res.auth_failed || res.status == 401);
	/* No password configured: nothing but the page and 404s. */
	res = mgmt_api_handle(&a, &fuzz_be, "", &out);
	fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	FUZZ_CHECK(res.status == 200 ? strcmp(a.path, "/") == 0 : true);
	/* A small buffer: a 500 or nothing, never half a reply. */
	textbuf_init(&out, buf, 1024);
	res = mgmt_api_handle(&a, &fuzz_be, FUZZ_PASSWORD, &out);
	if (!out.truncated)
		fuzz_check_reply(&out, a.method == HTTP_HEAD, res.status);
	return 0;
}
