/*
 * The management HTTP service's router: a parsed request in, a complete
 * HTTP/1.1 response out (status line, fields, body), every one with
 * Connection: close. Pure logic on top of the backend; the TCP side
 * (net/tcp_service.h) only feeds the parser and sends what comes out.
 *
 * Routes (docs/MANAGEMENT.md):
 *   GET  /                                  the web page (no authentication)
 *   GET  /metrics                           Prometheus text format 0.0.4
 *   GET  /api/v1/node                       node info
 *   GET  /api/v1/domains                    every domain
 *   POST /api/v1/domains                    define (JSON object or text/plain definition)
 *   GET  /api/v1/domains/NAME               one domain
 *   DELETE /api/v1/domains/NAME             undefine
 *   POST /api/v1/domains/NAME/start         start
 *   POST /api/v1/domains/NAME/destroy       destroy
 * HEAD is answered wherever GET is (RFC 9110 section 9.3.2).
 *
 * Authentication: /api/ and /metrics need "Authorization: Bearer
 * PASSWORD" with the [network] password, compared in constant time. An
 * empty configured password refuses them all with 403; a missing or
 * wrong token is a 401 with WWW-Authenticate: Bearer realm="strata".
 * /metrics is protected too: it names every domain and its state, the
 * NICs and the failed-login count, which is reconnaissance for someone
 * on the management network, and a Prometheus scrape job takes a bearer
 * token with one line of configuration.
 *
 * Errors are JSON {"error":"..."}. A backend's -errno maps to:
 *   -ENOENT                         404 Not Found
 *   -EEXIST -EBUSY -EALREADY -ENOMEM 409 Conflict (the domain's or the host's
 *                                   state forbids it now: already running,
 *                                   name taken, not enough free memory)
 *   -ENOSPC                         507 Insufficient Storage (no room for
 *                                   another definition)
 *   -EINVAL -ERANGE -E2BIG -ENAMETOOLONG 400 Bad Request (a bad definition),
 *                                   except -EINVAL from start and destroy: their
 *                                   request is a bare name, so the refusal is
 *                                   about the present state ("is not running",
 *                                   "needs 512 MiB, 200 MiB free"): 409
 *   -EPERM -EACCES                  403 Forbidden
 *   -ENOSYS -ENOTSUP                501 Not Implemented
 *   -EAGAIN                         503 Service Unavailable
 *   anything else                   500 Internal Server Error
 */
#ifndef STRATA_MGMT_API_H
#define STRATA_MGMT_API_H

#include "net/mgmt/backend.h"
#include "net/mgmt/http_request.h"
#include "net/mgmt/textbuf.h"

/*
 * Bytes of response buffer mgmt_api_handle() needs. The largest replies
 * are /metrics, about 2 KiB plus, per domain, 0.6 KiB and 90 bytes per
 * exit reason it hit (16 domains with 16-byte names and 12 reasons each,
 * counters at 10^12: 27.7 KiB, tests/unit/test_mgmt_api.c), and the page
 * (4 KiB). It matches TCP_CONN_OUT_SIZE, so one tcp_conn_send() takes a
 * whole reply. A reply that does not fit (16 domains with 31-byte names
 * and 16 reasons each) is replaced by a 500 saying so, never sent cut
 * short; raise this and TCP_CONN_OUT_SIZE together if that happens.
 */
#define MGMT_API_RESPONSE_CAP (32 * 1024)

/* What the caller may want to log or count. */
struct mgmt_api_result {
	int status;       /* the status code sent */
	bool auth_failed; /* credentials were sent and wrong: count a failed login (none sent: not) */
};

/*
 * Answer one complete request (http_request_feed() returned
 * HTTP_PARSE_DONE) into out, which is reset first. password is the
 * configured [network] password ("" for none). If out is smaller than
 * even the 500 reply, out->truncated stays set: close without sending.
 */
struct mgmt_api_result mgmt_api_handle(const struct http_request *req,
				       const struct mgmt_backend *be, const char *password,
				       struct textbuf *out);

/* The reply to a request the parser refused (HTTP_PARSE_ERROR): req->status, JSON req->error. */
void mgmt_api_parse_error(const struct http_request *req, struct textbuf *out);

/*
 * A Strata definition ("[vm NAME]\nkey = value\n...") from the JSON
 * object of POST /api/v1/domains, into def. Returns 0, or -1 with a
 * one-line reason in why. Exposed for tests.
 */
int mgmt_api_definition_from_json(const char *body, size_t len, struct textbuf *def, char *why,
				  size_t why_len);

#endif
