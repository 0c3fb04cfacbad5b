/*
 * The management HTTP router; see api.h for routes, authentication and
 * the errno-to-status mapping.
 *
 * A reply is built body first, straight into the caller's buffer; the
 * status line and fields are then formatted into a small local buffer
 * and slid in front, once the Content-Length is known. A body that did
 * not fit becomes a 500 rather than half a reply.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/mgmt/api.h"
#include "net/mgmt/json.h"
#include "net/mgmt/metrics.h"
#include "net/mgmt/webpage.h"

#define API_VALUE_MAX  1024 /* a definition value, as INI_MAX_VALUE (kernel/config/ini.h) */
#define API_HEADER_MAX 768  /* status line and fields */
#define API_MSG_MAX    (MGMT_WHY_MAX + 96)

#define API_JSON "application/json"

/* The page runs only its own inline script and talks only to its origin. */
#define API_PAGE_FIELDS                                                             \
	"Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; " \
	"style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; "       \
	"frame-ancestors 'none'; base-uri 'none'\r\n"                               \
	"Referrer-Policy: no-referrer\r\n"

struct api_reply {
	struct textbuf *out;
	struct json_writer w;
	int status;
	const char *type;  /* Content-Type */
	const char *extra; /* more field lines, each ending in CRLF */
	char location[MGMT_NAME_MAX + 48];
	bool head;
	bool auth_failed;
};

static void api_reset(struct api_reply *r)
{
	r->out->len = 0;
	r->out->truncated = false;
	if (r->out->cap)
		r->out->data[0] = '\0';
	json_init(&r->w, r->out);
}

/* Start a JSON body with this status (the body so far is dropped). */
static void api_json(struct api_reply *r, int status)
{
	api_reset(r);
	r->status = status;
	r->type = API_JSON;
}

static __attribute__((format(printf, 3, 4))) void api_error(struct api_reply *r, int status,
							    const char *fmt, ...)
{
	char msg[API_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_json(r, status);
	json_object_begin(&r->w);
	json_member_string(&r->w, "error", msg);
	json_object_end(&r->w);
}

/* Status line and fields in front of the body; false if it all does not fit. */
static bool api_frame(struct api_reply *r)
{
	struct textbuf *out = r->out;
	char hdr[API_HEADER_MAX];
	struct textbuf h;
	size_t body = out->len;

	if (out->truncated)
		return false;
	textbuf_init(&h, hdr, sizeof(hdr));
	textbuf_printf(&h, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
		       r->status, http_status_reason(r->status), r->type, body);
	textbuf_puts(&h, "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
	if (r->extra)
		textbuf_puts(&h, r->extra);
	if (r->location[0])
		textbuf_printf(&h, "Location: %s\r\n", r->location);
	textbuf_puts(&h, "Connection: close\r\n\r\n");
	if (h.truncated || h.len + body + 1 > out->cap)
		return false;
	memmove(out->data + h.len, out->data, body);
	memcpy(out->data, hdr, h.len);
	out->len = h.len + (r->head ? 0 : body);
	out->data[out->len] = '\0';
	return true;
}

static void api_finish(struct api_reply *r)
{
	if (api_frame(r))
		return;
	r->extra = NULL;
	r->location[0] = '\0';
	api_error(r, 500, "response too large for the %zu-byte buffer", r->out->cap);
	if (!api_frame(r))
		r->out->truncated = true;
}

/* ------------------------------------------------------------ helpers -- */

static char api_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool api_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (api_lower(*s) != *prefix)
			return false;
	return true;
}

/* The media type of a Content-Type (before any ';'), case-insensitive. */
static bool api_media_type_is(const char *ctype, const char *type)
{
	size_t n = strlen(type);

	if (!api_prefix_nocase(ctype, type))
		return false;
	ctype += n;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

/*
 * Constant time in the password: every byte of the token is compared, the
 * loop's length is the client's own, and nothing exits early.
 */
static bool api_token_ok(const char *token, const char *password)
{
	size_t tlen = strlen(token), plen = strlen(password);
	unsigned char diff = tlen != plen;

	for (size_t i = 0; i < tlen; i++)
		diff |= (unsigned char)(token[i] ^ password[i % plen]);
	return diff == 0;
}

/*
 * RFC 6750 section 2.1 and RFC 9110 section 11.4: "Bearer" (any case),
 * blanks, the token. The parser has trimmed the value, so a password
 * with blanks at either end cannot be sent; one inside is fine.
 */
static bool api_authorized(struct api_reply *r, const struct http_request *req,
			   const char *password)
{
	const char *v = req->authorization;

	if (!password[0]) {
		api_error(r, 403,
			  "no password is configured ([network] password); the API is disabled");
		return false;
	}
	if (req->has_authorization && api_prefix_nocase(v, "bearer") &&
	    (v[6] == ' ' || v[6] == '\t')) {
		v += 6;
		while (*v == ' ' || *v == '\t')
			v++;
		if (api_token_ok(v, password))
			return true;
	}
	r->auth_failed = req->has_authorization;
	api_error(r, 401, "missing or wrong bearer token (Authorization: Bearer PASSWORD)");
	r->extra = "WWW-Authenticate: Bearer realm=\"strata\"\r\n";
	return false;
}

/* A route that exists but not for this method: 405 and the methods it has. */
static bool api_method_ok(struct api_reply *r, const struct http_request *req, bool get, bool post,
			  bool del)
{
	bool ok = (get && (req->method == HTTP_GET || req->method == HTTP_HEAD)) ||
		  (post && req->method == HTTP_POST) || (del && req->method == HTTP_DELETE);

	if (ok)
		return true;
	api_error(r, 405, "method %s not allowed here", http_method_name(req->method));
	if (get && post)
		r->extra = "Allow: GET, HEAD, POST\r\n";
	else if (get && del)
		r->extra = "Allow: GET, HEAD, DELETE\r\n";
	else if (get)
		r->extra = "Allow: GET, HEAD\r\n";
	else
		r->extra = "Allow: POST\r\n";
	return false;
}

static int api_errno_status(int err)
{
	switch (-err) {
	case ENOENT:
		return 404;
	case EEXIST:
	case EBUSY:
	case EALREADY:
	case ENOMEM:
		return 409;
	case ENOSPC:
		return 507;
	case EINVAL:
	case ERANGE:
	case E2BIG:
	case ENAMETOOLONG:
		return 400;
	case EPERM:
	case EACCES:
		return 403;
	case ENOSYS:
	case ENOTSUP:
		return 501;
	case EAGAIN:
		return 503;
	default:
		return 500;
	}
}

static void api_backend_error(struct api_reply *r, int err, const char *why, const char *what)
{
	if (why[0])
		api_error(r, api_errno_status(err), "%s", why);
	else
		api_error(r, api_errno_status(err), "%s failed (errno %d)", what, -err);
}

/* A fixed-size string of a snapshot, terminated even if the backend forgot. */
static void api_copy(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n - 1] = '\0';
}

/* ---------------------------------------------------------- documents -- */

static void api_domain_json(struct json_writer *w, const struct mgmt_backend *be,
			    const struct mgmt_domain *d)
{
	char name[MGMT_NAME_MAX], reason[MGMT_REASON_MAX], num[12];
	uint64_t total = 0;

	api_copy(name, d->name, sizeof(name));
	api_copy(reason, d->stop_reason, sizeof(reason));
	json_object_begin(w);
	json_member_uint(w, "id", d->id);
	json_member_string(w, "name", name);
	json_member_string(w, "state", mgmt_state_name(d->state));
	json_member_uint(w, "vcpus", d->vcpus);
	json_member_uint(w, "memory", d->memory);
	json_member_uint(w, "cpu_time_ns", d->cpu_time_ns);
	json_member_bool(w, "autostart", d->autostart);
	json_member_bool(w, "persistent", d->persistent);
	json_member_string(w, "stop_reason", reason);
	json_key(w, "exits");
	json_object_begin(w);
	for (unsigned i = 0; i < MGMT_EXIT_REASONS; i++) {
		const char *what = be->exit_reason_name ? be->exit_reason_name(i) : NULL;

		if (!d->exits[i])
			continue;
		total += d->exits[i];
		if (!what) {
			snprintf(num, sizeof(num), "%u", i);
			what = num;
		}
		json_member_uint(w, what, d->exits[i]);
	}
	json_object_end(w);
	json_member_uint(w, "exits_total", total);
	json_object_end(w);
}

static void api_nic_json(struct json_writer *w, const struct mgmt_nic *nic)
{
	char name[sizeof(nic->name)], mac[18];

	api_copy(name, nic->name, sizeof(name));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nic->mac[0], nic->mac[1],
		 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
	json_object_begin(w);
	json_member_string(w, "name", name);
	json_member_string(w, "mac", mac);
	json_member_bool(w, "link_up", nic->link_up);
	json_member_uint(w, "rx_packets", nic->rx_packets);
	json_member_uint(w, "rx_bytes", nic->rx_bytes);
	json_member_uint(w, "rx_dropped", nic->rx_dropped);
	json_member_uint(w, "tx_packets", nic->tx_packets);
	json_member_uint(w, "tx_bytes", nic->tx_bytes);
	json_member_uint(w, "tx_dropped", nic->tx_dropped);
	json_object_end(w);
}

static void api_node(struct api_reply *r, const struct mgmt_backend *be)
{
	struct json_writer *w = &r->w;
	struct mgmt_node node;

	memset(&node, 0, sizeof(node));
	be->node(be->ctx, &node);
	node.cpu_model[sizeof(node.cpu_model) - 1] = '\0';
	node.version[sizeof(node.version) - 1] = '\0';
	if (node.nic_count > MGMT_NICS_MAX)
		node.nic_count = MGMT_NICS_MAX;
	api_json(r, 200);
	json_object_begin(w);
	json_member_string(w, "version", node.version);
	json_member_string(w, "cpu_model", node.cpu_model);
	json_member_uint(w, "cpus", node.cpus);
	json_member_uint(w, "cpu_mhz", node.cpu_mhz);
	json_member_uint(w, "memory_total", node.memory_total);
	json_member_uint(w, "memory_free", node.memory_free);
	json_member_uint(w, "uptime_ns", node.uptime_ns);
	json_member_uint(w, "domains", be->domain_count(be->ctx));
	json_key(w, "nics");
	json_array_begin(w);
	for (unsigned i = 0; i < node.nic_count; i++)
		api_nic_json(w, &node.nics[i]);
	json_array_end(w);
	json_member_uint(w, "console_sessions", node.console_sessions);
	json_member_uint(w, "http_connections", node.http_connections);
	json_member_uint(w, "tcp_pcbs_used", node.tcp_pcbs_used);
	json_member_uint(w, "failed_logins", node.failed_logins);
	json_object_end(w);
}

static void api_domains(struct api_reply *r, const struct mgmt_backend *be)
{
	unsigned count = be->domain_count(be->ctx);
	struct mgmt_domain d;

	api_json(r, 200);
	json_array_begin(&r->w);
	for (unsigned i = 0; i < count; i++) {
		if (!be->domain_at(be->ctx, i, &d))
			break;
		api_domain_json(&r->w, be, &d);
	}
	json_array_end(&r->w);
}

/* 200 (or `status`) with the domain's document, 404 if there is none. */
static void api_domain(struct api_reply *r, const struct mgmt_backend *be, const char *name,
		       int status)
{
	struct mgmt_domain d;

	if (!be->domain_find(be->ctx, name, &d)) {
		api_error(r, 404, "domain '%s' not found", name);
		return;
	}
	api_json(r, status);
	api_domain_json(&r->w, be, &d);
}

static void api_metrics(struct api_reply *r, const struct mgmt_backend *be)
{
	api_reset(r);
	r->status = 200;
	r->type = MGMT_METRICS_CONTENT_TYPE;
	mgmt_metrics_format(be, r->out);
}

/* ------------------------------------------------------------- define -- */

enum api_value_kind {
	API_STR = 1 << JSON_STRING,
	API_INT = 1 << JSON_INTEGER,
	API_BOOL = 1 << JSON_BOOLEAN,
};

/* The [vm NAME] keys of docs/CONFIG.md, in the order they are written out. */
static const struct {
	const char *key;
	unsigned kinds;
	bool quoted; /* written as "value": keeps blanks, may hold '#' */
} api_vm_keys[] = {
	{ "type", API_STR, false },
	{ "memory", API_STR | API_INT, false },
	{ "vcpus", API_STR | API_INT, false },
	{ "cpus", API_STR | API_INT, false },
	{ "kernel", API_STR, false },
	{ "initrd", API_STR, false },
	{ "cmdline", API_STR, true },
	{ "autostart", API_BOOL | API_STR, false },
};

static bool api_known_key(const char *key)
{
	if (strcmp(key, "name") == 0)
		return true;
	for (size_t i = 0; i < sizeof(api_vm_keys) / sizeof(api_vm_keys[0]); i++)
		if (strcmp(api_vm_keys[i].key, key) == 0)
			return true;
	return false;
}

/* A VM NAME as the config takes it (kernel/config/ini.c): [A-Za-z0-9_][A-Za-z0-9_.-]*, <= 31. */
static bool api_name_ok(const char *s, size_t len)
{
	if (len == 0 || len >= MGMT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && c != '_' && (i == 0 || (c != '-' && c != '.')))
			return false;
	}
	return true;
}

/*
 * Bytes a value may not hold: a newline would start a new line of the
 * definition (another key, another section), a quote would end or open
 * a quoted value, control bytes are refused by the config anyway.
 */
static bool api_value_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"')
			return false;
	}
	return true;
}

static __attribute__((format(printf, 3, 4))) int api_fail(char *why, size_t why_len,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* One `key = value` line for member m. */
static int api_definition_line(const struct json_object *obj, const struct json_member *m,
			       unsigned k, struct textbuf *def, char *why, size_t why_len)
{
	const char *key = api_vm_keys[k].key;
	char value[API_VALUE_MAX + 1];
	size_t len;

	if (!(api_vm_keys[k].kinds & (1u << m->type)))
		return api_fail(why, why_len,
				api_vm_keys[k].kinds & API_BOOL ? "%s: expected true or false"
				: api_vm_keys[k].kinds & API_INT
					? "%s: expected a string or an integer"
					: "%s: expected a string",
				key);
	if (m->type == JSON_BOOLEAN) {
		textbuf_printf(def, "%s = %s\n", key, m->boolean ? "yes" : "no");
		return 0;
	}
	if (m->type == JSON_INTEGER) {
		if (m->negative)
			return api_fail(why, why_len, "%s: expected a non-negative integer", key);
		textbuf_printf(def, "%s = %llu\n", key, (unsigned long long)m->magnitude);
		return 0;
	}
	len = json_string_decode(obj, m, value, sizeof(value));
	if (len > API_VALUE_MAX)
		return api_fail(why, why_len, "%s: value too long (max 1024 bytes)", key);
	if (!api_value_ok(value, len))
		return api_fail(why, why_len,
				"%s: newlines, quotes and control characters are not allowed", key);
	if (!api_vm_keys[k].quoted) {
		textbuf_printf(def, "%s = %s\n", key, value);
		return 0;
	}
	/* Inside quotes the config knows two escapes, \" and \\ (docs/CONFIG.md). */
	textbuf_printf(def, "%s = \"", key);
	for (size_t i = 0; i < len; i++) {
		if (value[i] == '\\')
			textbuf_putc(def, '\\');
		textbuf_putc(def, value[i]);
	}
	textbuf_puts(def, "\"\n");
	return 0;
}

int mgmt_api_definition_from_json(const char *body, size_t len, struct textbuf *def, char *why,
				  size_t why_len)
{
	struct json_object obj;
	const struct json_member *name;
	char value[MGMT_NAME_MAX];
	size_t n;

	if (json_parse_object(body, len, &obj, why, why_len) < 0)
		return -1;
	for (unsigned i = 0; i < obj.count; i++)
		if (!api_known_key(obj.members[i].key))
			return api_fail(why, why_len,
					"unknown key \"%s\"; expected name, type, memory, vcpus, "
					"cpus, kernel, initrd, cmdline or autostart",
					obj.members[i].key);
	name = json_object_get(&obj, "name");
	if (!name)
		return api_fail(why, why_len, "%s: missing; the domain needs a name", "name");
	n = json_string_decode(&obj, name, value, sizeof(value));
	if (name->type != JSON_STRING || !api_name_ok(value, n))
		return api_fail(why, why_len,
				"%s: expected 1-31 letters, digits, '_', '-' or '.', not starting "
				"with '-' or '.'",
				"name");
	textbuf_printf(def, "[vm %s]\n", value);
	for (unsigned k = 0; k < sizeof(api_vm_keys) / sizeof(api_vm_keys[0]); k++) {
		const struct json_member *m = json_object_get(&obj, api_vm_keys[k].key);

		if (m && api_definition_line(&obj, m, k, def, why, why_len) < 0)
			return -1;
	}
	if (def->truncated || def->len > MGMT_DEFINE_MAX)
		return api_fail(why, why_len, "definition too long (max %d bytes)",
				MGMT_DEFINE_MAX);
	return 0;
}

/*
 * POST /api/v1/domains. The JSON body's definition text is built at the
 * start of the reply buffer (it is consumed by the backend before the
 * reply is written there), which keeps 4 KiB off the stack.
 */
static void api_define(struct api_reply *r, const struct http_request *req,
		       const struct mgmt_backend *be)
{
	char why[MGMT_WHY_MAX], name[MGMT_NAME_MAX];
	const char *text = (const char *)req->body;
	size_t len = req->body_len;
	struct textbuf def;
	int err;

	why[0] = '\0';
	if (len == 0) {
		api_error(r, 400, "empty definition");
		return;
	}
	if (req->has_content_type && api_media_type_is(req->content_type, "application/json")) {
		textbuf_init(&def, r->out->data,
			     r->out->cap < MGMT_DEFINE_MAX + 2 ? r->out->cap : MGMT_DEFINE_MAX + 2);
		if (mgmt_api_definition_from_json(text, len, &def, why, sizeof(why)) < 0) {
			api_error(r, 400, "%s", why);
			return;
		}
		text = def.data;
		len = def.len;
	} else if (!req->has_content_type || !api_media_type_is(req->content_type, "text/plain")) {
		api_error(r, 415, "expected Content-Type application/json or text/plain");
		return;
	} else if (len > MGMT_DEFINE_MAX) {
		api_error(r, 413, "definition too long (max %d bytes)", MGMT_DEFINE_MAX);
		return;
	}
	name[0] = '\0';
	err = be->define(be->ctx, text, len, name, why, sizeof(why));
	if (err < 0) {
		why[sizeof(why) - 1] = '\0';
		api_backend_error(r, err, why, "define");
		return;
	}
	name[sizeof(name) - 1] = '\0';
	/* Only a well-formed name goes into a header line. */
	if (api_name_ok(name, strlen(name)))
		snprintf(r->location, sizeof(r->location), "/api/v1/domains/%s", name);
	api_domain(r, be, name, 201);
	if (r->status != 201)
		r->location[0] = '\0';
}

/* ------------------------------------------------------------- routes -- */

enum api_action { API_ACT_NONE, API_ACT_START, API_ACT_DESTROY };

static void api_lifecycle(struct api_reply *r, const struct mgmt_backend *be, const char *name,
			  enum api_action act)
{
	char why[MGMT_WHY_MAX];
	int err;

	why[0] = '\0';
	if (act == API_ACT_START)
		err = be->start(be->ctx, name, why, sizeof(why));
	else
		err = be->destroy(be->ctx, name, why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	/* The request is only a name: -EINVAL can only mean "not now" (not running, no room). */
	if (err == -EINVAL)
		err = -EBUSY;
	if (err < 0) {
		api_backend_error(r, err, why, act == API_ACT_START ? "start" : "destroy");
		return;
	}
	api_domain(r, be, name, 200);
}

static void api_undefine(struct api_reply *r, const struct mgmt_backend *be, const char *name)
{
	char why[MGMT_WHY_MAX];
	int err;

	why[0] = '\0';
	err = be->undefine(be->ctx, name, why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	if (err < 0) {
		api_backend_error(r, err, why, "undefine");
		return;
	}
	api_json(r, 200);
	json_object_begin(&r->w);
	json_member_string(&r->w, "name", name);
	json_member_bool(&r->w, "undefined", true);
	json_object_end(&r->w);
}

/* /api/v1/domains/NAME[/start|/destroy]; `rest` is what follows the last '/'. */
static void api_domain_route(struct api_reply *r, const struct http_request *req,
			     const struct mgmt_backend *be, const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	enum api_action act = API_ACT_NONE;
	char name[MGMT_NAME_MAX];

	if (slash && strcmp(slash, "/start") == 0)
		act = API_ACT_START;
	else if (slash && strcmp(slash, "/destroy") == 0)
		act = API_ACT_DESTROY;
	else if (slash) {
		api_error(r, 404, "no such resource");
		return;
	}
	if (len == 0 || len >= sizeof(name)) {
		api_error(r, 404, "domain '%.*s' not found", (int)(len > 64 ? 64 : len), rest);
		return;
	}
	memcpy(name, rest, len);
	name[len] = '\0';
	if (act != API_ACT_NONE) {
		if (api_method_ok(r, req, false, true, false))
			api_lifecycle(r, be, name, act);
		return;
	}
	if (!api_method_ok(r, req, true, false, true))
		return;
	if (req->method == HTTP_DELETE)
		api_undefine(r, be, name);
	else
		api_domain(r, be, name, 200);
}

static void api_route(struct api_reply *r, const struct http_request *req,
		      const struct mgmt_backend *be, const char *password)
{
	const char *path = req->path;
	static const char domains[] = "/api/v1/domains";

	if (strcmp(path, "/") == 0) {
		if (!api_method_ok(r, req, true, false, false))
			return;
		api_reset(r);
		r->status = 200;
		r->type = "text/html; charset=utf-8";
		r->extra = API_PAGE_FIELDS;
		textbuf_write(r->out, mgmt_webpage, mgmt_webpage_len);
		return;
	}
	if (strcmp(path, "/metrics") != 0 && strncmp(path, "/api/", 5) != 0 &&
	    strcmp(path, "/api") != 0) {
		api_error(r, 404, "no such resource");
		return;
	}
	if (!api_authorized(r, req, password))
		return;
	if (strcmp(path, "/metrics") == 0) {
		if (api_method_ok(r, req, true, false, false))
			api_metrics(r, be);
	} else if (strcmp(path, "/api/v1/node") == 0) {
		if (api_method_ok(r, req, true, false, false))
			api_node(r, be);
	} else if (strcmp(path, domains) == 0) {
		if (!api_method_ok(r, req, true, true, false))
			return;
		if (req->method == HTTP_POST)
			api_define(r, req, be);
		else
			api_domains(r, be);
	} else if (strncmp(path, domains, sizeof(domains) - 1) == 0 &&
		   path[sizeof(domains) - 1] == '/') {
		api_domain_route(r, req, be, path + sizeof(domains));
	} else {
		api_error(r, 404, "no such resource");
	}
}

struct mgmt_api_result mgmt_api_handle(const struct http_request *req,
				       const struct mgmt_backend *be, const char *password,
				       struct textbuf *out)
{
	struct api_reply r;
	struct mgmt_api_result res;

	memset(&r, 0, sizeof(r));
	r.out = out;
	api_reset(&r);
	api_route(&r, req, be, password ? password : "");
	r.head = req->method == HTTP_HEAD;
	api_finish(&r);
	res.status = r.status;
	res.auth_failed = r.auth_failed;
	return res;
}

void mgmt_api_parse_error(const struct http_request *req, struct textbuf *out)
{
	struct api_reply r;

	memset(&r, 0, sizeof(r));
	r.out = out;
	api_error(&r, req->status >= 400 && req->status <= 599 ? req->status : 400, "%s",
		  req->error ? req->error : "bad request");
	api_finish(&r);
}
