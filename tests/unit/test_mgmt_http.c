/* UNIT_SOURCES: net/mgmt/http_request.c */
/*
 * The management HTTP request parser against RFC 9112: a table of
 * requests with the result and status each must give, every one fed
 * whole, byte by byte and in two halves (the answers must agree); then
 * each limit exactly at and one past its edge, the kept fields, target
 * decoding, body framing, pipelining and the state after the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/mgmt/http_request.h"

static struct http_request req, req2;

static enum http_parse feed_all(struct http_request *r, const char *s, size_t n, size_t *used)
{
	http_request_init(r);
	return http_request_feed(r, s, n, used);
}

static enum http_parse feed_bytes(struct http_request *r, const char *s, size_t n, size_t *used)
{
	enum http_parse res = HTTP_PARSE_MORE;
	size_t i, u;

	http_request_init(r);
	for (i = 0; i < n; i++) {
		res = http_request_feed(r, s + i, 1, &u);
		if (res != HTTP_PARSE_MORE) {
			if (u == 1)
				i++;
			break;
		}
		assert_int_equal(u, 1);
	}
	if (used)
		*used = i;
	return res;
}

/* Whole, byte by byte, and split at every third of the input: same answer. */
static enum http_parse parse(const char *s, size_t n)
{
	enum http_parse a, b;
	size_t ua, ub;

	a = feed_all(&req, s, n, &ua);
	b = feed_bytes(&req2, s, n, &ub);
	assert_int_equal(a, b);
	assert_int_equal(ua, ub);
	if (a == HTTP_PARSE_ERROR) {
		assert_int_equal(req.status, req2.status);
		assert_string_equal(req.error, req2.error);
	}
	if (a == HTTP_PARSE_DONE) {
		assert_string_equal(req.path, req2.path);
		assert_int_equal(req.body_len, req2.body_len);
		assert_memory_equal(req.body, req2.body, req.body_len);
	}
	for (size_t cut = n / 3; cut && cut < n; cut += n / 3) {
		enum http_parse c;
		size_t uc = 0, uc2 = 0;

		http_request_init(&req2);
		c = http_request_feed(&req2, s, cut, &uc);
		if (c == HTTP_PARSE_MORE) {
			c = http_request_feed(&req2, s + cut, n - cut, &uc2);
			uc += uc2;
		}
		assert_int_equal(a, c);
		assert_int_equal(ua, uc);
	}
	return a;
}

static enum http_parse parse_str(const char *s)
{
	return parse(s, strlen(s));
}

/* ------------------------------------------------------------- table -- */

struct vector {
	const char *text;
	enum http_parse result;
	int status; /* for ERROR */
};

#define H11 " HTTP/1.1\r\nHost: s\r\n"

/* clang-format off */
static const struct vector vectors[] = {
	/* Complete requests. */
	{ "GET /" H11 "\r\n", HTTP_PARSE_DONE, 0 },
	{ "GET / HTTP/1.1\nHost: s\n\n", HTTP_PARSE_DONE, 0 },            /* section 2.2: bare LF */
	{ "\r\n\r\nGET /" H11 "\r\n", HTTP_PARSE_DONE, 0 },               /* empty lines first */
	{ "GET / HTTP/1.0\r\n\r\n", HTTP_PARSE_DONE, 0 },                 /* 1.0 needs no Host */
	{ "GET / HTTP/1.2\r\nHost: s\r\n\r\n", HTTP_PARSE_DONE, 0 },      /* read as 1.1 */
	{ "POST /" H11 "Content-Length: 5\r\n\r\nhello", HTTP_PARSE_DONE, 0 },
	{ "POST /" H11 "Content-Length: 0\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "POST /" H11 "Content-Length: 007\r\n\r\n1234567", HTTP_PARSE_DONE, 0 },
	{ "GET /" H11 "X-Long: \xff\xfe obs-text ok\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "GET /" H11 "X:\r\n\r\n", HTTP_PARSE_DONE, 0 },                 /* empty value */
	{ "OPTIONS * HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "DELETE /a HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "PUT /a HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "PATCH /a HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "HEAD /a HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", HTTP_PARSE_DONE, 0 },
	{ "GET /" H11 "Host2: x\r\n\r\n", HTTP_PARSE_DONE, 0 },
	/* Incomplete. */
	{ "GET / HTTP/1.1", HTTP_PARSE_MORE, 0 },
	{ "GET /" H11, HTTP_PARSE_MORE, 0 },
	{ "GET /" H11 "\r", HTTP_PARSE_MORE, 0 },
	{ "POST /" H11 "Content-Length: 5\r\n\r\nhell", HTTP_PARSE_MORE, 0 },
	/* 400: request line syntax (section 3). */
	{ "GET  / HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1.1 \r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ " GET / HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET\t/ HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /a b HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / http/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1.10\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1.1\rX", HTTP_PARSE_ERROR, 400 },                   /* bare CR */
	{ "GET /\x01 HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /\x7f HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /\x80 HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /a#frag HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /a\"b HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET a HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET * HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },              /* '*' is for OPTIONS */
	{ "GET /a[1] HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET http:// HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET ftp://h/ HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /%zz HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /%4 HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /a%2fb HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },          /* would split a segment */
	{ "GET /a%00 HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /a%0a HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n", HTTP_PARSE_ERROR, 400 },
	/* 400: field syntax (section 5). */
	{ "GET /" H11 "Bad : x\r\n\r\n", HTTP_PARSE_ERROR, 400 },          /* blank before ':' */
	{ "GET /" H11 "X: a\r\n b\r\n\r\n", HTTP_PARSE_ERROR, 400 },       /* obs-fold */
	{ "GET / HTTP/1.1\r\n Host: s\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 ": x\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "X(y): x\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "NoColon\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "X: a\x01z\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "X: a\x7fz\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "X: a\rb\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "\rX", HTTP_PARSE_ERROR, 400 },
	/* 400: Host (section 3.2). */
	{ "GET / HTTP/1.1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "Host: t\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET / HTTP/1.1\r\nHost: a\"b\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	/* 400: Content-Length (section 6.2, RFC 9110 section 8.6). */
	{ "POST /" H11 "Content-Length: 1a\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length:\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: -1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: +1\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: 1 2\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: 5, 5\r\n\r\nhello", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: 5\r\ncontent-length: 5\r\n\r\nhello", HTTP_PARSE_ERROR, 400 },
	{ "POST /" H11 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", HTTP_PARSE_ERROR, 400 },
	/* Other repeated singletons. */
	{ "GET /" H11 "Authorization: a\r\nAuthorization: a\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "GET /" H11 "Content-Type: a\r\nContent-Type: a\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	/* Transfer-Encoding (section 6.1). */
	{ "POST /" H11 "Transfer-Encoding: chunked\r\n\r\n", HTTP_PARSE_ERROR, 411 },
	{ "POST /" H11 "Transfer-Encoding: gzip, Chunked\r\n\r\n", HTTP_PARSE_ERROR, 411 },
	{ "POST /" H11 "Transfer-Encoding: gzip\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	{ "POST /" H11 "Transfer-Encoding: chunked, gzip\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	{ "POST /" H11 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HTTP_PARSE_ERROR, 400 },
	/* 413 */
	{ "POST /" H11 "Content-Length: 8193\r\n\r\n", HTTP_PARSE_ERROR, 413 },
	{ "POST /" H11 "Content-Length: 99999999999999999999999999\r\n\r\n", HTTP_PARSE_ERROR, 413 },
	/* 417 (RFC 9110 section 10.1.1) */
	{ "POST /" H11 "Expect: 200-ok\r\n\r\n", HTTP_PARSE_ERROR, 417 },
	/* 501: methods (RFC 9110 section 9.1: case-sensitive). */
	{ "FOO / HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	{ "get / HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	{ "TRACE / HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	{ "CONNECT h:443 HTTP/1.1\r\nHost: s\r\n\r\n", HTTP_PARSE_ERROR, 501 },
	/* 505 */
	{ "GET / HTTP/2.0\r\n\r\n", HTTP_PARSE_ERROR, 505 },
	{ "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", HTTP_PARSE_ERROR, 505 },    /* the HTTP/2 preface */
	{ "GET / HTTP/0.9\r\n\r\n", HTTP_PARSE_ERROR, 505 },
	{ "GET / HTTP/3.0\r\n\r\n", HTTP_PARSE_ERROR, 505 },
};
/* clang-format on */

static void test_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		enum http_parse r = parse_str(vectors[i].text);

		if (r != vectors[i].result ||
		    (r == HTTP_PARSE_ERROR && req.status != vectors[i].status))
			fail_msg("vector %zu \"%s\": result %d status %d (%s), want %d %d", i,
				 vectors[i].text, r, req.status, req.error ? req.error : "-",
				 vectors[i].result, vectors[i].status);
		if (r == HTTP_PARSE_ERROR) {
			assert_non_null(req.error);
			assert_true(strlen(req.error) > 0);
		}
	}
}

static void test_simple_get(void **state)
{
	const char *s = "GET /api/v1/domains?x=1 HTTP/1.1\r\nHost: strata:80\r\n"
			"AUTHORIZATION:   Bearer s3cret with spaces  \r\nUser-Agent: t\r\n\r\n";

	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	assert_int_equal(req.method, HTTP_GET);
	assert_int_equal(req.version_minor, 1);
	assert_string_equal(req.target, "/api/v1/domains?x=1");
	assert_string_equal(req.path, "/api/v1/domains");
	assert_true(req.has_host);
	assert_string_equal(req.host, "strata:80");
	assert_true(req.has_authorization);
	assert_string_equal(req.authorization, "Bearer s3cret with spaces");
	assert_false(req.has_content_type);
	assert_false(req.has_content_length);
	assert_int_equal(req.body_len, 0);
	assert_false(req.connection_close);
	assert_string_equal(http_method_name(req.method), "GET");
}

static void test_post_body(void **state)
{
	const char *s = "POST /api/v1/domains HTTP/1.1\r\nHost: s\r\n"
			"content-type: application/json; charset=utf-8\r\nContent-Length: 11\r\n"
			"Connection: keep-alive, Close\r\n\r\n{\"a\":\"b\"}\r\n";

	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	assert_int_equal(req.method, HTTP_POST);
	assert_string_equal(req.content_type, "application/json; charset=utf-8");
	assert_true(req.has_content_length);
	assert_int_equal(req.content_length, 11);
	assert_int_equal(req.body_len, 11);
	assert_memory_equal(req.body, "{\"a\":\"b\"}\r\n", 11);
	assert_int_equal(req.body[11], 0);
	assert_true(req.connection_close);
}

static void test_http10(void **state)
{
	assert_int_equal(parse_str("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_int_equal(req.version_minor, 0);
	assert_true(req.connection_close);
	assert_false(req.has_host);
}

static void test_target_forms(void **state)
{
	assert_int_equal(parse_str("GET /a%41%62/x%20y?q=%2f HTTP/1.1\r\nHost: s\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/aAb/x y");
	assert_string_equal(req.target, "/a%41%62/x%20y?q=%2f");

	/* Section 3.2.2: absolute-form; the path is taken, Host is not needed to route. */
	assert_int_equal(parse_str(
				 "GET HTTP://strata:8080/api/v1/node?x HTTP/1.1\r\nHost: s\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/api/v1/node");
	assert_int_equal(parse_str("GET http://strata HTTP/1.1\r\nHost: s\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/");
	assert_int_equal(parse_str("GET http://[::1]?q HTTP/1.1\r\nHost: s\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/");

	assert_int_equal(parse_str("OPTIONS * HTTP/1.1\r\nHost: s\r\n\r\n"), HTTP_PARSE_DONE);
	assert_string_equal(req.path, "*");
	assert_int_equal(req.method, HTTP_OPTIONS);

	/* Non-ASCII decoded bytes pass; the router looks names up, it does not trust them. */
	assert_int_equal(parse_str("GET /%C3%A9 HTTP/1.1\r\nHost: s\r\n\r\n"), HTTP_PARSE_DONE);
	assert_string_equal(req.path, "/\xc3\xa9");
}

/* A request line of exactly `len` bytes: "GET /aaaa... HTTP/1.1". */
static char *request_line(size_t len, const char *rest)
{
	size_t fixed = strlen("GET / HTTP/1.1"), n = len + strlen(rest) + 3;
	char *s = malloc(n);

	assert_non_null(s);
	assert_true(len >= fixed);
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', len - fixed);
	memcpy(s + 5 + len - fixed, " HTTP/1.1\r\n", 11);
	strcpy(s + len + 2, rest);
	return s;
}

static void test_request_line_limit(void **state)
{
	char *s = request_line(HTTP_LINE_MAX, "Host: s\r\n\r\n");

	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	assert_int_equal(strlen(req.target), HTTP_LINE_MAX - 13);
	free(s);

	s = request_line(HTTP_LINE_MAX + 1, "Host: s\r\n\r\n");
	assert_int_equal(parse_str(s), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 414);
	free(s);

	/* Known at the 1025th byte, without waiting for the line's end. */
	s = request_line(HTTP_LINE_MAX + 1, "");
	assert_int_equal(feed_all(&req, s, HTTP_LINE_MAX + 1, NULL), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 414);
	free(s);
}

/* A request whose header section (fields and the empty line) is `bytes` long. */
static char *header_section(size_t bytes)
{
	const char *start = "GET / HTTP/1.1\r\nHost: s\r\n";
	size_t head = strlen(start), pos = head, left = bytes - (head - 16) - 2;
	char *s = malloc(head + bytes + 1);

	assert_non_null(s);
	memcpy(s, start, head);
	while (left > 0) {
		size_t line = left > 1000 ? 1000 : left; /* "X:" value CRLF, at least 4 bytes */

		if (left - line > 0 && left - line < 4)
			line = left - 4;
		assert_true(line >= 4);
		memcpy(s + pos, "X:", 2);
		memset(s + pos + 2, 'v', line - 4);
		memcpy(s + pos + line - 2, "\r\n", 2);
		pos += line;
		left -= line;
	}
	memcpy(s + pos, "\r\n", 3);
	assert_int_equal(strlen(s) - 16, bytes);
	return s;
}

static void test_header_limit(void **state)
{
	char *s = header_section(HTTP_HEADER_MAX);

	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	free(s);
	s = header_section(HTTP_HEADER_MAX + 1);
	assert_int_equal(parse_str(s), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 431);
	free(s);
}

static void test_kept_field_limits(void **state)
{
	char s[1024], v[512];

	memset(v, 'a', sizeof(v));
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: s\r\nAuthorization: %.*s\r\n\r\n",
		 HTTP_AUTH_MAX, v);
	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	assert_int_equal(strlen(req.authorization), HTTP_AUTH_MAX);
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: s\r\nAuthorization: %.*s\r\n\r\n",
		 HTTP_AUTH_MAX + 1, v);
	assert_int_equal(parse_str(s), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 431);
	/* Trailing blanks do not count: they are trimmed. */
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: s\r\nContent-Type: %.*s\r\n\r\n",
		 HTTP_CTYPE_MAX, v);
	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: s\r\nContent-Type: %.*s\r\n\r\n",
		 HTTP_CTYPE_MAX + 1, v);
	assert_int_equal(parse_str(s), HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 431);
	/* A field the parser does not keep may be long. */
	snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: s\r\nCookie: %.*s\r\n\r\n", 500, v);
	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	/* So may its name, which is then not one of the kept ones. */
	snprintf(s, sizeof(s),
		 "GET / HTTP/1.1\r\nHost: s\r\nContent-Lengthxxxxxxxxxxxxxxxxxxxxxxxxxxx: x\r\n\r\n");
	assert_int_equal(parse_str(s), HTTP_PARSE_DONE);
	assert_false(req.has_content_length);
}

static void test_body_limit(void **state)
{
	static char s[HTTP_BODY_MAX + 256];
	int n = snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: s\r\nContent-Length: %d\r\n\r\n",
			 HTTP_BODY_MAX);

	memset(s + n, 'b', HTTP_BODY_MAX);
	assert_int_equal(parse(s, (size_t)n + HTTP_BODY_MAX), HTTP_PARSE_DONE);
	assert_int_equal(req.body_len, HTTP_BODY_MAX);
	assert_int_equal(req.body[HTTP_BODY_MAX], 0);
	/* Decided at the field, before any body byte is read. */
	assert_int_equal(parse_str("POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 8193\r\n"),
			 HTTP_PARSE_ERROR);
	assert_int_equal(req.status, 413);
}

static void test_pipelining(void **state)
{
	const char *s =
		"POST /a HTTP/1.1\r\nHost: s\r\nContent-Length: 2\r\n\r\nokGET /b HTTP/1.1\r\n";
	size_t used;

	assert_int_equal(feed_all(&req, s, strlen(s), &used), HTTP_PARSE_DONE);
	assert_int_equal(used, strlen(s) - strlen("GET /b HTTP/1.1\r\n"));
	assert_string_equal(req.path, "/a");
	/* Done stays done and takes nothing more. */
	assert_int_equal(http_request_feed(&req, "x", 1, &used), HTTP_PARSE_DONE);
	assert_int_equal(used, 0);
	assert_string_equal(req.path, "/a");
	assert_int_equal(parse(s, strlen(s)), HTTP_PARSE_DONE);
}

static void test_error_is_final(void **state)
{
	size_t used;

	assert_int_equal(feed_all(&req, "GET  /", 6, &used), HTTP_PARSE_MORE);
	assert_int_equal(http_request_feed(&req, "\r\n", 2, &used), HTTP_PARSE_ERROR);
	assert_int_equal(used, 2);
	assert_int_equal(req.status, 400);
	assert_int_equal(http_request_feed(&req, "GET / HTTP/1.1\r\n\r\n", 18, &used),
			 HTTP_PARSE_ERROR);
	assert_int_equal(used, 0);
	assert_int_equal(req.status, 400);
	/* NULL `used` and an empty feed are fine. */
	http_request_init(&req);
	assert_int_equal(http_request_feed(&req, "", 0, NULL), HTTP_PARSE_MORE);
}

static void test_expect_continue(void **state)
{
	const char *head = "POST / HTTP/1.1\r\nHost: s\r\nExpect: 100-Continue\r\n"
			   "Content-Length: 3\r\n\r\n";

	http_request_init(&req);
	assert_false(http_request_wants_continue(&req));
	assert_int_equal(http_request_feed(&req, head, strlen(head), NULL), HTTP_PARSE_MORE);
	assert_true(http_request_wants_continue(&req));
	assert_int_equal(http_request_feed(&req, "a", 1, NULL), HTTP_PARSE_MORE);
	assert_false(http_request_wants_continue(&req));
	assert_int_equal(http_request_feed(&req, "bc", 2, NULL), HTTP_PARSE_DONE);
	assert_false(http_request_wants_continue(&req));
	/* Without a body there is nothing to wait for. */
	assert_int_equal(parse_str("GET / HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\n\r\n"),
			 HTTP_PARSE_DONE);
	assert_false(http_request_wants_continue(&req));
}

static void test_names(void **state)
{
	assert_string_equal(http_method_name(HTTP_DELETE), "DELETE");
	assert_string_equal(http_method_name((enum http_method)99), "?");
	assert_string_equal(http_status_reason(404), "Not Found");
	assert_string_equal(http_status_reason(431), "Request Header Fields Too Large");
	assert_string_equal(http_status_reason(299), "Unknown");
	/* Every status the parser can give has a reason phrase. */
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		if (vectors[i].status)
			assert_string_not_equal(http_status_reason(vectors[i].status), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),        cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_post_body),      cmocka_unit_test(test_http10),
		cmocka_unit_test(test_target_forms),   cmocka_unit_test(test_request_line_limit),
		cmocka_unit_test(test_header_limit),   cmocka_unit_test(test_kept_field_limits),
		cmocka_unit_test(test_body_limit),     cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_error_is_final), cmocka_unit_test(test_expect_continue),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
