/*
 * An incremental HTTP/1.1 request parser (RFC 9112, with RFC 9110 for
 * semantics) for the management HTTP service. Bytes are fed as TCP hands
 * them over, in pieces of any size; all state lives in the caller's
 * struct http_request with fixed buffers, so a hostile client can make it
 * do nothing but fail with a status code. Pure logic.
 *
 * What it keeps of a request: the method, the target (raw, and its path
 * percent-decoded), the version, the fields the service uses
 * (Content-Length, Authorization, Connection, Content-Type, Host, plus
 * Transfer-Encoding and Expect to refuse or honour them) and a body framed
 * by Content-Length. Every other field is checked for syntax and dropped.
 *
 * Failures and their status codes:
 *   400  bad syntax anywhere (request line, field line, target, a bare CR,
 *        obs-fold, a Content-Length that is not digits or appears twice,
 *        a missing or repeated Host in HTTP/1.1, Transfer-Encoding in
 *        HTTP/1.0 or together with Content-Length)
 *   411  Transfer-Encoding: chunked (the service needs a Content-Length)
 *   413  Content-Length over HTTP_BODY_MAX
 *   414  request line over HTTP_LINE_MAX bytes
 *   417  an Expect other than 100-continue
 *   431  header section over HTTP_HEADER_MAX bytes, or one kept field
 *        over its buffer
 *   501  a method the service does not know, a transfer coding other than
 *        chunked
 *   505  an HTTP version other than 1.x
 * The service answers every request with Connection: close, so bytes
 * after a complete request (pipelining) are left unread.
 */
#ifndef STRATA_MGMT_HTTP_REQUEST_H
#define STRATA_MGMT_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX   1024       /* request line, line ending excluded (414 beyond) */
#define HTTP_HEADER_MAX (8 * 1024) /* field lines and the empty line, endings included (431) */
#define HTTP_BODY_MAX   (8 * 1024) /* Content-Length (413 beyond) */
#define HTTP_AUTH_MAX   255        /* Authorization value ("Bearer " and a 64-byte password fit) */
#define HTTP_CTYPE_MAX  127        /* Content-Type value */
#define HTTP_HOST_MAX   255        /* Host value (a DNS name is at most 253) */
#define HTTP_NAME_MAX   31         /* field names kept while a line is parsed */

/* The methods the parser knows; any other is refused with 501. */
enum http_method {
	HTTP_GET = 0,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_PATCH,
};

enum http_parse {
	HTTP_PARSE_MORE = 0, /* feed more bytes */
	HTTP_PARSE_DONE,     /* a complete request is in the struct */
	HTTP_PARSE_ERROR,    /* answer req->status (req->error says why) and close */
};

/* Internal states, in the order a request goes through them. */
enum http_state {
	HTTP_S_LINE = 0,
	HTTP_S_FIELD_START,
	HTTP_S_FIELD_NAME,
	HTTP_S_FIELD_VALUE,
	HTTP_S_FIELD_CR,
	HTTP_S_END_CR,
	HTTP_S_BODY,
	HTTP_S_DONE,
	HTTP_S_ERROR,
};

/* Kept fields (HTTP_F_*) */
enum http_field {
	HTTP_F_OTHER = 0,
	HTTP_F_CONTENT_LENGTH,
	HTTP_F_AUTHORIZATION,
	HTTP_F_CONNECTION,
	HTTP_F_CONTENT_TYPE,
	HTTP_F_HOST,
	HTTP_F_TRANSFER_ENCODING,
	HTTP_F_EXPECT,
};

struct http_request {
	/* The request, valid once http_request_feed() returned HTTP_PARSE_DONE. */
	enum http_method method;
	unsigned version_minor;         /* 0 or 1 (HTTP/1.2 and later read as 1.1) */
	char target[HTTP_LINE_MAX + 1]; /* as sent: "/api/v1/domains?x=1" */
	char path[HTTP_LINE_MAX + 1];   /* target's path, percent-decoded: "/api/v1/domains" */
	bool has_authorization;
	char authorization[HTTP_AUTH_MAX + 1];
	bool has_content_type;
	char content_type[HTTP_CTYPE_MAX + 1];
	bool has_host;
	char host[HTTP_HOST_MAX + 1];
	bool connection_close;   /* Connection: close, or HTTP/1.0 */
	bool expect_continue;    /* Expect: 100-continue */
	bool has_content_length; /* body_len below is the announced length */
	size_t content_length;
	uint8_t body[HTTP_BODY_MAX + 1]; /* body_len bytes, then a NUL for convenience */
	size_t body_len;

	/* Set with HTTP_PARSE_ERROR: the status to answer and a short reason. */
	int status;
	const char *error;

	/* Parser state (http_request.c). */
	enum http_state state;
	bool cr;              /* the last byte of the line was CR */
	bool has_te;          /* Transfer-Encoding seen */
	bool te_chunked;      /* ... and its last coding is chunked */
	unsigned blank_lines; /* empty lines before the request line */
	size_t line_len;
	char line[HTTP_LINE_MAX + 1];
	size_t header_bytes;
	enum http_field field;
	size_t name_len;
	char name[HTTP_NAME_MAX + 1];
	size_t value_len; /* bytes of value[] used, trailing blanks included */
	char value[HTTP_AUTH_MAX + 1];
};

/* Reset *req to wait for a new request. */
void http_request_init(struct http_request *req);

/*
 * Feed the next n bytes of the connection. Returns HTTP_PARSE_MORE when
 * all were taken and the request is not complete yet, HTTP_PARSE_DONE
 * when it is (bytes after it are not taken), HTTP_PARSE_ERROR with
 * req->status and req->error set. After DONE or ERROR it takes nothing
 * and returns the same. *used (may be NULL) gets the bytes taken.
 */
enum http_parse http_request_feed(struct http_request *req, const void *bytes, size_t n,
				  size_t *used);

/*
 * True once the header section is in, a body is still due and the client
 * asked for "Expect: 100-continue": the service should send
 * "HTTP/1.1 100 Continue\r\n\r\n" (RFC 9110 section 10.1.1) once.
 */
bool http_request_wants_continue(const struct http_request *req);

/* "GET", "POST"...; "?" for a value outside the enum. */
const char *http_method_name(enum http_method method);

/* The reason phrase of a status code ("Not Found"); "Unknown" if not listed. */
const char *http_status_reason(int status);

#endif
