/*
 * Incremental HTTP/1.1 request parser; see http_request.h for the API and
 * the status code of each failure. Section numbers are RFC 9112 (message
 * syntax) unless marked RFC 9110 (semantics) or RFC 3986 (URI).
 *
 * The request line is collected into a fixed buffer and parsed whole at
 * its end; field lines are parsed byte by byte, so a long field the
 * service does not keep costs no buffer. Every byte is untrusted and
 * every path out of here ends in DONE or in ERROR with a status.
 */
#include <string.h>

#include "net/mgmt/http_request.h"

/* Every kept field's value fits the one value buffer. */
_Static_assert(HTTP_HOST_MAX <= HTTP_AUTH_MAX && HTTP_CTYPE_MAX <= HTTP_AUTH_MAX,
	       "struct http_request.value holds the largest kept field");

/* Empty lines accepted before the request line (section 2.2 asks for "at least one"). */
#define HTTP_BLANK_LINES_MAX 4

static const char *const http_methods[] = {
	[HTTP_GET] = "GET",     [HTTP_HEAD] = "HEAD",     [HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",     [HTTP_DELETE] = "DELETE", [HTTP_OPTIONS] = "OPTIONS",
	[HTTP_PATCH] = "PATCH",
};

const char *http_method_name(enum http_method method)
{
	if ((unsigned)method >= sizeof(http_methods) / sizeof(http_methods[0]))
		return "?";
	return http_methods[method];
}

const char *http_status_reason(int status)
{
	static const struct {
		int status;
		const char *reason;
	} reasons[] = {
		{ 100, "Continue" },
		{ 200, "OK" },
		{ 201, "Created" },
		{ 204, "No Content" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 409, "Conflict" },
		{ 411, "Length Required" },
		{ 413, "Content Too Large" },
		{ 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" },
		{ 417, "Expectation Failed" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
		{ 507, "Insufficient Storage" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

void http_request_init(struct http_request *req)
{
	memset(req, 0, sizeof(*req));
	req->state = HTTP_S_LINE;
}

static enum http_parse http_fail(struct http_request *req, int status, const char *why)
{
	req->state = HTTP_S_ERROR;
	req->status = status;
	req->error = why;
	return HTTP_PARSE_ERROR;
}

static bool http_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool http_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int http_hex(char c)
{
	if (http_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* tchar (RFC 9110 section 5.6.2): the bytes of methods and field names. */
static bool http_is_tchar(char c)
{
	return http_is_alpha(c) || http_is_digit(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static char http_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive equality of s[0..n) with the lower-case word. */
static bool http_word_is(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!word[i] || http_lower(s[i]) != word[i])
			return false;
	return word[i] == '\0';
}

/* ------------------------------------------------------- request line -- */

/*
 * RFC 3986 section 3.3 pchar and the "/" and "?" of path and query: the
 * only bytes a request target may hold. '#' (a fragment) never reaches a
 * server; '[' and ']' only appear in an authority.
 */
static bool http_is_target_char(char c)
{
	return http_is_alpha(c) || http_is_digit(c) || (c && strchr("-._~!$&'()*+,;=:@/?%", c));
}

/*
 * Copy the path of an origin-form target into req->path, percent-decoded.
 * Decoded control bytes and '/' are refused: a "%2F" would let one path
 * segment (a domain name) pose as two.
 */
static const char *http_decode_path(struct http_request *req, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && s[i] != '?'; i++) {
		char c = s[i];

		if (c == '%') {
			int hi = i + 2 < len ? http_hex(s[i + 1]) : -1;
			int lo = i + 2 < len ? http_hex(s[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return "bad percent-encoding in the request target";
			c = (char)(hi << 4 | lo);
			i += 2;
			if ((unsigned char)c < 0x20 || c == 0x7f || c == '/')
				return "percent-encoded control byte or '/' in the request target";
		}
		req->path[n++] = c;
	}
	req->path[n] = '\0';
	return NULL;
}

/* Section 3.2: origin-form, absolute-form (http only) or "*" for OPTIONS. */
static const char *http_parse_target(struct http_request *req, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!http_is_target_char(s[i]) && s[i] != '[' && s[i] != ']')
			return "bad byte in the request target";
	memcpy(req->target, s, len);
	req->target[len] = '\0';

	if (len == 1 && s[0] == '*') {
		if (req->method != HTTP_OPTIONS)
			return "request target '*' is only for OPTIONS";
		memcpy(req->path, "*", 2);
		return NULL;
	}
	if (len >= 7 && http_word_is(s, 7, "http://")) {
		/* Section 3.2.2: the server takes the path and ignores Host. */
		i = 7;
		while (i < len && s[i] != '/' && s[i] != '?')
			i++;
		if (i == 7)
			return "absolute-form target without a host";
		if (i == len || s[i] == '?') {
			memcpy(req->path, "/", 2);
			return NULL;
		}
		s += i;
		len -= i;
	}
	if (s[0] != '/')
		return "request target must start with '/'";
	for (i = 0; i < len && s[i] != '?'; i++)
		if (s[i] == '[' || s[i] == ']')
			return "bad byte in the request target";
	return http_decode_path(req, s, len);
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (section 2.3); -1 if malformed. */
static int http_parse_version(struct http_request *req, const char *s, size_t len)
{
	if (len != 8 || memcmp(s, "HTTP/", 5) != 0 || !http_is_digit(s[5]) || s[6] != '.' ||
	    !http_is_digit(s[7]))
		return -1;
	if (s[5] != '1')
		return 505;
	/* RFC 9110 section 2.5: a higher minor version is read as ours. */
	req->version_minor = s[7] == '0' ? 0 : 1;
	return 0;
}

static bool http_parse_method(struct http_request *req, const char *s, size_t len)
{
	for (size_t m = 0; m < sizeof(http_methods) / sizeof(http_methods[0]); m++) {
		/* Methods are case-sensitive (RFC 9110 section 9.1). */
		if (strlen(http_methods[m]) == len && memcmp(http_methods[m], s, len) == 0) {
			req->method = (enum http_method)m;
			return true;
		}
	}
	return false;
}

/*
 * request-line = method SP request-target SP HTTP-version (section 3),
 * one SP each: section 3 warns that guessing at other whitespace can
 * smuggle a request past a filter, so anything else is a 400.
 */
static enum http_parse http_request_line(struct http_request *req)
{
	const char *s = req->line, *target, *version;
	size_t len = req->line_len, mlen, tlen, vlen, i;
	const char *why;
	int v;

	for (mlen = 0; mlen < len && http_is_tchar(s[mlen]); mlen++)
		;
	if (mlen == 0 || mlen == len || s[mlen] != ' ')
		return http_fail(req, 400, "malformed request line");
	target = s + mlen + 1;
	for (i = mlen + 1; i < len && s[i] != ' '; i++)
		;
	tlen = (size_t)(s + i - target);
	if (tlen == 0 || i == len)
		return http_fail(req, 400, "malformed request line");
	version = s + i + 1;
	vlen = len - i - 1;
	v = http_parse_version(req, version, vlen);
	if (v < 0)
		return http_fail(req, 400, "malformed HTTP version");
	if (v == 505)
		return http_fail(req, 505, "only HTTP/1.0 and HTTP/1.1 are supported");
	if (!http_parse_method(req, s, mlen))
		return http_fail(req, 501, "method not implemented");
	why = http_parse_target(req, target, tlen);
	if (why)
		return http_fail(req, 400, why);
	req->connection_close = req->version_minor == 0;
	req->state = HTTP_S_FIELD_START;
	return HTTP_PARSE_MORE;
}

static enum http_parse http_line_byte(struct http_request *req, char c)
{
	if (c == '\n') {
		/* Section 2.2: a lone LF ends a line too; a CR before it is dropped. */
		req->cr = false;
		if (req->line_len == 0) {
			if (++req->blank_lines > HTTP_BLANK_LINES_MAX)
				return http_fail(req, 400, "empty lines instead of a request line");
			return HTTP_PARSE_MORE;
		}
		return http_request_line(req);
	}
	if (req->cr)
		return http_fail(req, 400, "bare CR in the request line");
	if (c == '\r') {
		req->cr = true;
		return HTTP_PARSE_MORE;
	}
	if (req->line_len == HTTP_LINE_MAX)
		return http_fail(req, 414, "request line too long");
	if ((unsigned char)c <= 0x20 && c != ' ')
		return http_fail(req, 400, "control byte in the request line");
	req->line[req->line_len++] = c;
	return HTTP_PARSE_MORE;
}

/* -------------------------------------------------------------- fields -- */

static enum http_field http_classify(const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum http_field field;
	} kept[] = {
		{ "content-length", HTTP_F_CONTENT_LENGTH },
		{ "authorization", HTTP_F_AUTHORIZATION },
		{ "connection", HTTP_F_CONNECTION },
		{ "content-type", HTTP_F_CONTENT_TYPE },
		{ "host", HTTP_F_HOST },
		{ "transfer-encoding", HTTP_F_TRANSFER_ENCODING },
		{ "expect", HTTP_F_EXPECT },
	};

	if (len > HTTP_NAME_MAX)
		return HTTP_F_OTHER;
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (http_word_is(name, len, kept[i].name)) /* names are case-insensitive */
			return kept[i].field;
	return HTTP_F_OTHER;
}

/* Bytes of value a kept field may have (0: not kept). */
static size_t http_field_cap(enum http_field f)
{
	static const size_t caps[] = {
		[HTTP_F_OTHER] = 0,
		[HTTP_F_CONTENT_LENGTH] = HTTP_CTYPE_MAX,
		[HTTP_F_AUTHORIZATION] = HTTP_AUTH_MAX,
		[HTTP_F_CONNECTION] = HTTP_CTYPE_MAX,
		[HTTP_F_CONTENT_TYPE] = HTTP_CTYPE_MAX,
		[HTTP_F_HOST] = HTTP_HOST_MAX,
		[HTTP_F_TRANSFER_ENCODING] = HTTP_CTYPE_MAX,
		[HTTP_F_EXPECT] = HTTP_CTYPE_MAX,
	};

	return (unsigned)f < sizeof(caps) / sizeof(caps[0]) ? caps[f] : 0;
}

/*
 * Walk a comma-separated list (RFC 9110 section 5.6.1) and call back with
 * each element, blanks trimmed. Returns false as soon as `fn` does.
 */
static bool http_list_each(const char *s, size_t len, bool (*fn)(void *ctx, const char *, size_t),
			   void *ctx)
{
	size_t i = 0;

	while (i <= len) {
		size_t start = i, end;

		while (i < len && s[i] != ',')
			i++;
		end = i;
		while (start < end && (s[start] == ' ' || s[start] == '\t'))
			start++;
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end > start && !fn(ctx, s + start, end - start))
			return false;
		i++;
	}
	return true;
}

static bool http_connection_option(void *ctx, const char *s, size_t n)
{
	struct http_request *req = ctx;

	/* HTTP/1.0's keep-alive is not honoured: every answer closes anyway. */
	if (http_word_is(s, n, "close"))
		req->connection_close = true;
	return true;
}

static bool http_transfer_coding(void *ctx, const char *s, size_t n)
{
	struct http_request *req = ctx;

	/* Only the last coding frames the body (section 6.3). */
	req->te_chunked = http_word_is(s, n, "chunked");
	return true;
}

/* Content-Length = 1*DIGIT (section 6.2); a list or a repeat is a 400 here. */
static enum http_parse http_content_length(struct http_request *req, const char *v, size_t n)
{
	size_t len = 0;

	if (req->has_content_length)
		return http_fail(req, 400, "repeated Content-Length");
	if (n == 0)
		return http_fail(req, 400, "bad Content-Length");
	for (size_t i = 0; i < n; i++) {
		if (!http_is_digit(v[i]))
			return http_fail(req, 400, "bad Content-Length");
		if (len <= HTTP_BODY_MAX)
			len = len * 10 + (size_t)(v[i] - '0');
	}
	if (len > HTTP_BODY_MAX)
		return http_fail(req, 413, "request body too large");
	req->has_content_length = true;
	req->content_length = len;
	return HTTP_PARSE_MORE;
}

/* Host = uri-host [ ":" port ] (RFC 9110 section 7.2); may be empty. */
static bool http_host_ok(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!http_is_target_char(v[i]) && v[i] != '[' && v[i] != ']')
			return false;
	return true;
}

static enum http_parse http_copy_once(struct http_request *req, bool *has, char *dst,
				      const char *what)
{
	if (*has)
		return http_fail(req, 400, what);
	*has = true;
	memcpy(dst, req->value, req->value_len + 1);
	return HTTP_PARSE_MORE;
}

/* One complete field line: req->name, req->value (trimmed, NUL-terminated). */
static enum http_parse http_field_line(struct http_request *req)
{
	const char *v = req->value;
	size_t n = req->value_len;

	switch (req->field) {
	case HTTP_F_CONTENT_LENGTH:
		return http_content_length(req, v, n);
	case HTTP_F_AUTHORIZATION:
		return http_copy_once(req, &req->has_authorization, req->authorization,
				      "repeated Authorization");
	case HTTP_F_CONTENT_TYPE:
		return http_copy_once(req, &req->has_content_type, req->content_type,
				      "repeated Content-Type");
	case HTTP_F_HOST:
		/* Section 3.2: a repeated or invalid Host is a 400. */
		if (!http_host_ok(v, n))
			return http_fail(req, 400, "bad Host");
		return http_copy_once(req, &req->has_host, req->host, "repeated Host");
	case HTTP_F_CONNECTION:
		http_list_each(v, n, http_connection_option, req);
		return HTTP_PARSE_MORE;
	case HTTP_F_TRANSFER_ENCODING:
		req->has_te = true;
		http_list_each(v, n, http_transfer_coding, req);
		return HTTP_PARSE_MORE;
	case HTTP_F_EXPECT:
		/* RFC 9110 section 10.1.1: 417 for an expectation we cannot meet. */
		if (!http_word_is(v, n, "100-continue"))
			return http_fail(req, 417, "only Expect: 100-continue is supported");
		req->expect_continue = true;
		return HTTP_PARSE_MORE;
	case HTTP_F_OTHER:
		break;
	}
	return HTTP_PARSE_MORE;
}

/* The empty line after the fields: decide how the body is framed (section 6.3). */
static enum http_parse http_end_of_fields(struct http_request *req)
{
	if (req->version_minor == 1 && !req->has_host)
		return http_fail(req, 400, "missing Host");
	if (req->has_te) {
		/* Section 6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; with
		 * Content-Length it is the classic request-smuggling pair. */
		if (req->version_minor == 0)
			return http_fail(req, 400, "Transfer-Encoding in an HTTP/1.0 request");
		if (req->has_content_length)
			return http_fail(req, 400, "both Transfer-Encoding and Content-Length");
		if (req->te_chunked)
			return http_fail(req, 411,
					 "chunked bodies are not supported; send Content-Length");
		return http_fail(req, 501, "transfer coding not implemented");
	}
	if (req->content_length == 0) {
		req->state = HTTP_S_DONE;
		return HTTP_PARSE_DONE;
	}
	req->state = HTTP_S_BODY;
	return HTTP_PARSE_MORE;
}

static enum http_parse http_end_of_line(struct http_request *req)
{
	while (req->value_len > 0 &&
	       (req->value[req->value_len - 1] == ' ' || req->value[req->value_len - 1] == '\t'))
		req->value_len--;
	req->value[req->value_len] = '\0';
	req->state = HTTP_S_FIELD_START;
	return http_field_line(req);
}

static enum http_parse http_field_start(struct http_request *req, char c)
{
	if (c == '\r') {
		req->state = HTTP_S_END_CR;
		return HTTP_PARSE_MORE;
	}
	if (c == '\n')
		return http_end_of_fields(req);
	if (c == ' ' || c == '\t')
		/* Section 5.2: obs-fold, and section 2.2: blanks before the first field. */
		return http_fail(req, 400, "folded or indented field line");
	if (!http_is_tchar(c))
		return http_fail(req, 400, "bad field name");
	req->name[0] = c;
	req->name_len = 1;
	req->state = HTTP_S_FIELD_NAME;
	return HTTP_PARSE_MORE;
}

static enum http_parse http_field_name(struct http_request *req, char c)
{
	if (http_is_tchar(c)) {
		if (req->name_len < HTTP_NAME_MAX)
			req->name[req->name_len] = c;
		req->name_len++;
		return HTTP_PARSE_MORE;
	}
	if (c != ':')
		/* Section 5.1: no whitespace between a field name and its colon. */
		return http_fail(req, 400, "bad field name");
	req->field = http_classify(req->name, req->name_len);
	req->value_len = 0;
	req->state = HTTP_S_FIELD_VALUE;
	return HTTP_PARSE_MORE;
}

static enum http_parse http_field_value(struct http_request *req, char c)
{
	size_t cap = http_field_cap(req->field);

	if (c == '\r') {
		req->state = HTTP_S_FIELD_CR;
		return HTTP_PARSE_MORE;
	}
	if (c == '\n')
		return http_end_of_line(req);
	if ((c == ' ' || c == '\t') && req->value_len == 0)
		return HTTP_PARSE_MORE; /* OWS before the value */
	/* RFC 9110 section 5.5: field-vchar, SP, HTAB, obs-text; never NUL or CTL. */
	if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
		return http_fail(req, 400, "control byte in a field value");
	if (!cap)
		return HTTP_PARSE_MORE;
	if (req->value_len == cap)
		return http_fail(req, 431, "header field too large");
	req->value[req->value_len++] = c;
	return HTTP_PARSE_MORE;
}

static enum http_parse http_field_byte(struct http_request *req, char c)
{
	if (++req->header_bytes > HTTP_HEADER_MAX)
		return http_fail(req, 431, "header section too large");
	switch (req->state) {
	case HTTP_S_FIELD_START:
		return http_field_start(req, c);
	case HTTP_S_FIELD_NAME:
		return http_field_name(req, c);
	case HTTP_S_FIELD_VALUE:
		return http_field_value(req, c);
	case HTTP_S_FIELD_CR:
		if (c != '\n')
			return http_fail(req, 400, "bare CR in a field line");
		return http_end_of_line(req);
	case HTTP_S_END_CR:
		if (c != '\n')
			return http_fail(req, 400, "bare CR after the fields");
		return http_end_of_fields(req);
	default:
		return http_fail(req, 500, "parser state");
	}
}

/* ---------------------------------------------------------------- feed -- */

enum http_parse http_request_feed(struct http_request *req, const void *bytes, size_t n,
				  size_t *used)
{
	const char *p = bytes;
	enum http_parse r = HTTP_PARSE_MORE;
	size_t i = 0;

	while (i < n && r == HTTP_PARSE_MORE) {
		if (req->state == HTTP_S_DONE || req->state == HTTP_S_ERROR)
			break;
		if (req->state == HTTP_S_BODY) {
			size_t take = req->content_length - req->body_len;

			if (take > n - i)
				take = n - i;
			memcpy(req->body + req->body_len, p + i, take);
			req->body_len += take;
			i += take;
			if (req->body_len == req->content_length) {
				req->body[req->body_len] = '\0';
				req->state = HTTP_S_DONE;
			}
			continue;
		}
		if (req->state == HTTP_S_LINE)
			r = http_line_byte(req, p[i]);
		else
			r = http_field_byte(req, p[i]);
		i++;
	}
	if (used)
		*used = i;
	if (req->state == HTTP_S_DONE)
		return HTTP_PARSE_DONE;
	if (req->state == HTTP_S_ERROR)
		return HTTP_PARSE_ERROR;
	return HTTP_PARSE_MORE;
}

bool http_request_wants_continue(const struct http_request *req)
{
	return req->expect_continue && req->state == HTTP_S_BODY && req->body_len == 0;
}
