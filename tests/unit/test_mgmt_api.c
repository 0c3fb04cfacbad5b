/* UNIT_SOURCES: net/mgmt/api.c net/mgmt/json.c net/mgmt/metrics.c net/mgmt/webpage.c net/mgmt/http_request.c net/mgmt/textbuf.c net/mgmt/state_name.c tests/unit/fake_backend.c */
/*
 * The management HTTP router over the shared fake backend
 * (fake_backend.h): each route's status and exact JSON, authentication
 * (no password, none sent, wrong, right, the constant-time compare's
 * edge cases), 404/405/415 and the errno mapping,
 * a JSON definition down to the text the backend receives, raw text
 * definitions, HEAD, the 500 for a reply that does not fit, parser errors,
 * the web page's hooks, and /metrics checked line by line against the
 * Prometheus text format 0.0.4 grammar. Every reply is also checked as
 * HTTP: status line, Content-Length equal to the body, Connection: close.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/mgmt/api.h"
#include "net/mgmt/http_request.h"
#include "net/mgmt/metrics.h"
#include "net/mgmt/webpage.h"
#include "tests/unit/fake_backend.h"

#define PASSWORD "s3cret with spaces"

/* ------------------------------------------------------- fake backend -- */

static struct fake_backend fake;

/* For the size test: every reason named, as long as "io_instruction". */
static const char *all_reasons_named(unsigned r)
{
	static char names[MGMT_EXIT_REASONS][16];

	if (r < MGMT_EXIT_REASONS) {
		snprintf(names[r], sizeof(names[r]), "exit_reason_%02u", r);
		return names[r];
	}
	return fake_backend_exit_reason_name(r);
}

static void setup_node(struct mgmt_node *out)
{
	out->cpus = 4;
	out->cpu_mhz = 2400;
	out->memory_total = 1ULL << 30;
	out->memory_free = 512ULL << 20;
	out->uptime_ns = 61000000123ULL;
	strcpy(out->version, "0.1.0");
	out->nic_count = 1;
	strcpy(out->nics[0].name, "e1000");
	memcpy(out->nics[0].mac, "\x52\x54\x00\x12\x34\x56", 6);
	out->nics[0].link_up = true;
	out->nics[0].rx_packets = 10;
	out->nics[0].tx_packets = 11;
	out->nics[0].rx_bytes = 1000;
	out->nics[0].tx_bytes = 1100;
	out->nics[0].rx_dropped = 1;
	out->nics[0].tx_dropped = 0;
	out->console_sessions = 1;
	out->http_connections = 2;
	out->tcp_pcbs_used = 5;
	out->failed_logins = 3;
}

static int setup(void **state)
{
	struct mgmt_domain *a, *b;

	fake_backend_init(&fake);
	setup_node(&fake.node);
	fake.next_id = 2;
	a = &fake_backend_add(&fake, "demo-a", 1)->d;
	a->cpu_time_ns = 1500000000;
	a->autostart = true;
	a->exits[10] = 12;
	a->exits[30] = 3;
	b = &fake_backend_add(&fake, "demo-b", 0)->d;
	b->vcpus = 2;
	b->memory = 16 << 20;
	b->cpu_time_ns = 2000000001;
	strcpy(b->stop_reason, "destroyed");
	b->exits[77] = 2;
	return 0;
}

/* --------------------------------------------------------- exchanges -- */

static char outbuf[MGMT_API_RESPONSE_CAP];
static struct textbuf out;
static struct http_request req;
static struct mgmt_api_result res;

/* The reply, split. */
static struct reply {
	int status;
	char head[2048];
	const char *body;
	size_t body_len;
} rep;

/* Check the reply is well-formed HTTP and split it into rep. */
static void split_reply(bool head_request)
{
	const char *end = strstr(out.data, "\r\n\r\n"), *cl;
	size_t hlen;

	assert_false(out.truncated);
	assert_non_null(end);
	hlen = (size_t)(end - out.data) + 4;
	assert_true(hlen < sizeof(rep.head));
	memcpy(rep.head, out.data, hlen);
	rep.head[hlen] = '\0';
	assert_true(strncmp(rep.head, "HTTP/1.1 ", 9) == 0);
	rep.status = atoi(rep.head + 9);
	assert_int_equal(res.status, rep.status);
	rep.body = out.data + hlen;
	rep.body_len = out.len - hlen;
	assert_non_null(strstr(rep.head, "\r\nConnection: close\r\n"));
	assert_non_null(strstr(rep.head, "\r\nCache-Control: no-store\r\n"));
	cl = strstr(rep.head, "\r\nContent-Length: ");
	assert_non_null(cl);
	if (head_request)
		assert_int_equal(rep.body_len, 0);
	else
		assert_int_equal(strtoul(cl + 18, NULL, 10), rep.body_len);
}

static void exchange_with(const char *raw, const char *password)
{
	assert_int_equal(http_request_feed(&req, raw, strlen(raw), NULL), HTTP_PARSE_DONE);
	textbuf_init(&out, outbuf, sizeof(outbuf));
	res = mgmt_api_handle(&req, &fake.ops, password, &out);
	split_reply(req.method == HTTP_HEAD);
}

/* METHOD PATH, authenticated, optional body with its Content-Type. */
static void call(const char *method, const char *path, const char *ctype, const char *body)
{
	static char raw[16384];
	int n;

	http_request_init(&req);
	n = snprintf(raw, sizeof(raw),
		     "%s %s HTTP/1.1\r\nHost: strata\r\nAuthorization: Bearer %s\r\n", method, path,
		     PASSWORD);
	if (ctype)
		n += snprintf(raw + n, sizeof(raw) - (size_t)n, "Content-Type: %s\r\n", ctype);
	if (body)
		n += snprintf(raw + n, sizeof(raw) - (size_t)n, "Content-Length: %zu\r\n",
			      strlen(body));
	snprintf(raw + n, sizeof(raw) - (size_t)n, "\r\n%s", body ? body : "");
	exchange_with(raw, PASSWORD);
}

static void get(const char *path)
{
	call("GET", path, NULL, NULL);
}

static bool has_field(const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strstr(rep.head, want) != NULL;
}

static void expect(int status, const char *body)
{
	if (rep.status != status || strlen(body) != rep.body_len ||
	    memcmp(body, rep.body, rep.body_len) != 0)
		fail_msg("got %d %.*s\nwant %d %s", rep.status, (int)rep.body_len, rep.body, status,
			 body);
	if (status != 200 || strncmp(rep.body, "{", 1) == 0 || strncmp(rep.body, "[", 1) == 0)
		assert_true(has_field("Content-Type: application/json"));
}

/* ------------------------------------------------------------- routes -- */

#define DEMO_A                                                                                    \
	"{\"id\":1,\"name\":\"demo-a\",\"state\":\"running\",\"vcpus\":1,\"memory\":8388608,"     \
	"\"cpu_time_ns\":1500000000,\"autostart\":true,\"persistent\":true,\"stop_reason\":\"\"," \
	"\"exits\":{\"cpuid\":12,\"io_instruction\":3},\"exits_total\":15}"
#define DEMO_B                                                                                  \
	"{\"id\":0,\"name\":\"demo-b\",\"state\":\"shut off\",\"vcpus\":2,\"memory\":16777216," \
	"\"cpu_time_ns\":2000000001,\"autostart\":false,\"persistent\":true,"                   \
	"\"stop_reason\":\"destroyed\",\"exits\":{\"77\":2},\"exits_total\":2}"

static void test_domains(void **state)
{
	get("/api/v1/domains");
	expect(200, "[" DEMO_A "," DEMO_B "]");
	get("/api/v1/domains/demo-a");
	expect(200, DEMO_A);
	get("/api/v1/domains/demo%2db?x=1");
	expect(200, DEMO_B);
	get("/api/v1/domains/nope");
	expect(404, "{\"error\":\"domain 'nope' not found\"}");
	get("/api/v1/domains/");
	expect(404, "{\"error\":\"domain '' not found\"}");
	get("/api/v1/domains/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); /* 32: longer than any name */
	expect(404, "{\"error\":\"domain 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' not found\"}");
	get("/api/v1/domains/%C3%A9%22");
	expect(404, "{\"error\":\"domain '\xc3\xa9\\\"' not found\"}");
	get("/api/v1/domains/%FF");
	expect(404, "{\"error\":\"domain '\\ufffd' not found\"}");
	get("/api/v1/domains/demo-a/other");
	expect(404, "{\"error\":\"no such resource\"}");
	get("/api/v1/domains/demo-a/start/x");
	expect(404, "{\"error\":\"no such resource\"}");

	fake.count = 0;
	get("/api/v1/domains");
	expect(200, "[]");
}

static void test_node(void **state)
{
	get("/api/v1/node");
	expect(200, "{\"version\":\"0.1.0\",\"cpu_model\":\"x86_64\",\"cpus\":4,\"cpu_mhz\":2400,"
		    "\"memory_total\":1073741824,\"memory_free\":536870912,"
		    "\"uptime_ns\":61000000123,\"domains\":2,\"nics\":[{\"name\":\"e1000\","
		    "\"mac\":\"52:54:00:12:34:56\",\"link_up\":true,\"rx_packets\":10,"
		    "\"rx_bytes\":1000,\"rx_dropped\":1,\"tx_packets\":11,\"tx_bytes\":1100,"
		    "\"tx_dropped\":0}],\"console_sessions\":1,\"http_connections\":2,"
		    "\"tcp_pcbs_used\":5,\"failed_logins\":3}");
}

static void test_lifecycle(void **state)
{
	call("POST", "/api/v1/domains/demo-b/start", NULL, NULL);
	expect(200,
	       "{\"id\":2,\"name\":\"demo-b\",\"state\":\"running\",\"vcpus\":2,"
	       "\"memory\":16777216,\"cpu_time_ns\":2000000001,\"autostart\":false,"
	       "\"persistent\":true,\"stop_reason\":\"\",\"exits\":{\"77\":2},\"exits_total\":2}");
	call("POST", "/api/v1/domains/demo-b/start", NULL, NULL);
	expect(409, "{\"error\":\"domain 'demo-b' is already active\"}");
	call("POST", "/api/v1/domains/demo-b/destroy", NULL, NULL);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body, "\"state\":\"shut off\""));
	/* -EINVAL from destroy is about the state, not the request. */
	call("POST", "/api/v1/domains/demo-b/destroy", NULL, NULL);
	expect(409, "{\"error\":\"domain 'demo-b' is not running\"}");
	call("POST", "/api/v1/domains/ghost/start", NULL, NULL);
	expect(404, "{\"error\":\"domain 'ghost' is not defined\"}");
	call("POST", "/api/v1/domains/ghost/destroy", NULL, NULL);
	expect(404, "{\"error\":\"domain 'ghost' is not defined\"}");
	/* A body on a lifecycle POST is ignored. */
	call("POST", "/api/v1/domains/demo-b/start", "application/json", "{}");
	assert_int_equal(rep.status, 200);

	call("DELETE", "/api/v1/domains/demo-b", NULL, NULL);
	expect(409, "{\"error\":\"domain 'demo-b' is active; destroy it first\"}");
	call("POST", "/api/v1/domains/demo-b/destroy", NULL, NULL);
	call("DELETE", "/api/v1/domains/demo-b", NULL, NULL);
	expect(200, "{\"name\":\"demo-b\",\"undefined\":true}");
	assert_int_equal(fake.count, 1);
	call("DELETE", "/api/v1/domains/demo-b", NULL, NULL);
	expect(404, "{\"error\":\"domain 'demo-b' is not defined\"}");
}

static void test_methods(void **state)
{
	static const struct {
		const char *method, *path, *allow;
	} cases[] = {
		{ "PUT", "/api/v1/domains", "Allow: GET, HEAD, POST" },
		{ "DELETE", "/api/v1/domains", "Allow: GET, HEAD, POST" },
		{ "GET", "/api/v1/domains/demo-a/start", "Allow: POST" },
		{ "DELETE", "/api/v1/domains/demo-a/destroy", "Allow: POST" },
		{ "POST", "/api/v1/domains/demo-a", "Allow: GET, HEAD, DELETE" },
		{ "PATCH", "/api/v1/domains/demo-a", "Allow: GET, HEAD, DELETE" },
		{ "POST", "/api/v1/node", "Allow: GET, HEAD" },
		{ "OPTIONS", "/metrics", "Allow: GET, HEAD" },
		{ "POST", "/", "Allow: GET, HEAD" },
	};
	char body[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call(cases[i].method, cases[i].path, NULL, NULL);
		snprintf(body, sizeof(body), "{\"error\":\"method %s not allowed here\"}",
			 cases[i].method);
		expect(405, body);
		assert_true(has_field(cases[i].allow));
	}
	assert_int_equal(fake.calls, 0);
}

static void test_not_found(void **state)
{
	static const char *const paths[] = { "/api", "/api/", "/api/v2/node", "/api/v1/domainsx",
					     "/api/v1/node/" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(paths[i]);
		expect(404, "{\"error\":\"no such resource\"}");
	}
	/* Outside /api/ and /metrics: no authentication to find nothing. */
	http_request_init(&req);
	exchange_with("GET /favicon.ico HTTP/1.1\r\nHost: s\r\n\r\n", PASSWORD);
	expect(404, "{\"error\":\"no such resource\"}");
	http_request_init(&req);
	exchange_with("GET /metrics/ HTTP/1.0\r\n\r\n", "");
	expect(404, "{\"error\":\"no such resource\"}");
}

static void test_head(void **state)
{
	size_t get_len;

	get("/api/v1/domains");
	get_len = rep.body_len;
	call("HEAD", "/api/v1/domains", NULL, NULL);
	assert_int_equal(rep.status, 200);
	assert_int_equal(rep.body_len, 0);
	assert_int_equal(strtoul(strstr(rep.head, "Content-Length: ") + 16, NULL, 10), get_len);
}

/* --------------------------------------------------------------- auth -- */

static void raw_get(const char *path, const char *auth_line, const char *password)
{
	char raw[1024];

	http_request_init(&req);
	snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: s\r\n%s%s\r\n", path, auth_line,
		 auth_line[0] ? "\r\n" : "");
	exchange_with(raw, password);
}

#define UNAUTHORIZED \
	"{\"error\":\"missing or wrong bearer token (Authorization: Bearer PASSWORD)\"}"

static void test_auth(void **state)
{
	static const char *const protected_paths[] = { "/api/v1/domains", "/api/v1/node",
						       "/metrics", "/api/v1/domains/demo-a",
						       "/api/nothing" };
	static const struct {
		const char *line;
		bool counted; /* a credential was sent */
	} wrong[] = {
		{ "", false },
		{ "Authorization: Bearer", true },
		{ "Authorization: Bearer ", true },
		{ "Authorization: Basic czNjcmV0", true },
		{ "Authorization: Bearer s3cret", true },              /* a prefix */
		{ "Authorization: Bearer s3cret with spaces!", true }, /* longer */
		{ "Authorization: Bearer S3cret with spaces", true },
		{ "Authorization: Bearers3cret with spaces", true },
		{ "Authorization: s3cret with spaces", true },
	};

	for (size_t p = 0; p < sizeof(protected_paths) / sizeof(protected_paths[0]); p++) {
		for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
			raw_get(protected_paths[p], wrong[i].line, PASSWORD);
			expect(401, UNAUTHORIZED);
			assert_true(has_field("WWW-Authenticate: Bearer realm=\"strata\""));
			assert_int_equal(res.auth_failed, wrong[i].counted);
		}
		/* No password configured: nothing gets in, whatever is sent. */
		raw_get(protected_paths[p], "Authorization: Bearer ", "");
		expect(403, "{\"error\":\"no password is configured ([network] password); the API "
			    "is disabled\"}");
		assert_false(res.auth_failed);
		raw_get(protected_paths[p], "", NULL);
		assert_int_equal(rep.status, 403);
	}
	/* Scheme in any case, blanks after it. */
	raw_get("/api/v1/node", "Authorization: bEARER \t s3cret with spaces", PASSWORD);
	assert_int_equal(rep.status, 200);
	assert_false(res.auth_failed);
	/* A one-byte password. */
	raw_get("/api/v1/node", "Authorization: Bearer x", "x");
	assert_int_equal(rep.status, 200);
	raw_get("/api/v1/node", "Authorization: Bearer xx", "x");
	assert_int_equal(rep.status, 401);
	/* The page needs none, even with no password configured. */
	raw_get("/", "", "");
	assert_int_equal(rep.status, 200);
	assert_int_equal(fake.calls, 0);
}

/* ------------------------------------------------------------- define -- */

static void test_define_json(void **state)
{
	call("POST", "/api/v1/domains", "Application/JSON ; charset=utf-8",
	     "{\"name\":\"web\",\"memory\":\"64M\",\"vcpus\":2,\"cpus\":\"1-2\","
	     "\"kernel\":\"web/kernel.elf\",\"initrd\":\"web/initrd.img\","
	     "\"cmdline\":\"console=ttyS0 quiet a\\\\b #x\",\"type\":\"multiboot\",\"autostart\":false}");
	assert_string_equal(fake.defined, "[vm web]\n"
					  "type = multiboot\n"
					  "memory = 64M\n"
					  "vcpus = 2\n"
					  "cpus = 1-2\n"
					  "kernel = web/kernel.elf\n"
					  "initrd = web/initrd.img\n"
					  "cmdline = \"console=ttyS0 quiet a\\\\b #x\"\n"
					  "autostart = no\n");
	expect(201,
	       "{\"id\":0,\"name\":\"web\",\"state\":\"shut off\",\"vcpus\":1,\"memory\":67108864,"
	       "\"cpu_time_ns\":0,\"autostart\":false,\"persistent\":true,\"stop_reason\":\"\","
	       "\"exits\":{},\"exits_total\":0}");
	assert_true(has_field("Location: /api/v1/domains/web"));

	/* Integers for sizes and CPU lists, strings for what the config calls booleans. */
	call("POST", "/api/v1/domains", "application/json",
	     "{\"autostart\":\"yes\",\"cpus\":3,\"memory\":67108864,\"name\":\"_9\",\"kernel\":\"k\","
	     "\"vcpus\":\"4\",\"cmdline\":\"\"}");
	assert_int_equal(rep.status, 201);
	assert_string_equal(fake.defined, "[vm _9]\nmemory = 67108864\nvcpus = 4\ncpus = 3\n"
					  "kernel = k\ncmdline = \"\"\nautostart = yes\n");
	call("POST", "/api/v1/domains", "application/json", "{\"name\":\"a\",\"autostart\":true}");
	assert_string_equal(fake.defined, "[vm a]\nautostart = yes\n");
	call("POST", "/api/v1/domains", "application/json", "{\"name\":\"x\"}");
	assert_string_equal(fake.defined, "[vm x]\n");
}

#define BAD_NAME                                                                                    \
	"{\"error\":\"name: expected 1-31 letters, digits, '_', '-' or '.', not starting with '-' " \
	"or '.'\"}"
#define NO_CONTROLS(key) \
	"{\"error\":\"" key ": newlines, quotes and control characters are not allowed\"}"

static void test_define_refused(void **state)
{
	static const struct {
		const char *body;
		const char *reply;
	} cases[] = {
		{ "", "{\"error\":\"empty definition\"}" },
		{ "{}", "{\"error\":\"name: missing; the domain needs a name\"}" },
		{ "{\"memory\":\"1M\"}", "{\"error\":\"name: missing; the domain needs a name\"}" },
		{ "{\"name\":1}", BAD_NAME },
		{ "{\"name\":\"a b\"}", BAD_NAME },
		{ "{\"name\":\"-x\"}", BAD_NAME },
		{ "{\"name\":\".x\"}", BAD_NAME },
		{ "{\"name\":\"a]\\n[vm b\"}", BAD_NAME },
		{ "{\"name\":\"\"}", BAD_NAME },
		{ "{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", BAD_NAME },
		{ "{\"name\":\"a\",\"colour\":\"red\"}",
		  "{\"error\":\"unknown key \\\"colour\\\"; expected name, type, memory, vcpus, cpus, "
		  "kernel, initrd, cmdline or autostart\"}" },
		{ "{\"name\":\"a\",\"kernel\":\"k\\nmemory = 1T\"}", NO_CONTROLS("kernel") },
		{ "{\"name\":\"a\",\"kernel\":\"k\\r\"}", NO_CONTROLS("kernel") },
		{ "{\"name\":\"a\",\"cmdline\":\"a\\\"b\"}", NO_CONTROLS("cmdline") },
		{ "{\"name\":\"a\",\"cmdline\":\"a\\tb\"}", NO_CONTROLS("cmdline") },
		{ "{\"name\":\"a\",\"cmdline\":\"\\u0000\"}", NO_CONTROLS("cmdline") },
		{ "{\"name\":\"a\",\"type\":\"\\u007f\"}", NO_CONTROLS("type") },
		{ "{\"name\":\"a\",\"vcpus\":true}",
		  "{\"error\":\"vcpus: expected a string or an integer\"}" },
		{ "{\"name\":\"a\",\"vcpus\":-1}",
		  "{\"error\":\"vcpus: expected a non-negative integer\"}" },
		{ "{\"name\":\"a\",\"kernel\":5}", "{\"error\":\"kernel: expected a string\"}" },
		{ "{\"name\":\"a\",\"autostart\":1}",
		  "{\"error\":\"autostart: expected true or false\"}" },
		{ "{\"name\":\"a\",\"memory\":1.5}",
		  "{\"error\":\"json: fractions and exponents are not supported at byte 22\"}" },
		{ "{\"name\":\"a\" \"memory\":1}",
		  "{\"error\":\"json: expected ',' or '}' at byte 12\"}" },
		{ "[]", "{\"error\":\"json: expected '{' at byte 0\"}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call("POST", "/api/v1/domains", "application/json", cases[i].body);
		expect(400, cases[i].reply);
	}
	assert_int_equal(fake.calls, 0);
}

static void test_define_long_values(void **state)
{
	static char body[8192], value[1100];

	memset(value, 'c', 1024);
	value[1024] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"cmdline\":\"%s\"}", value);
	call("POST", "/api/v1/domains", "application/json", body);
	assert_int_equal(rep.status, 201);
	value[1024] = 'c';
	value[1025] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"cmdline\":\"%s\"}", value);
	call("POST", "/api/v1/domains", "application/json", body);
	expect(400, "{\"error\":\"cmdline: value too long (max 1024 bytes)\"}");
	/* Four values at 1024 bytes each, and their keys: past 4096 in all. */
	value[1024] = '\0';
	snprintf(body, sizeof(body),
		 "{\"name\":\"a\",\"kernel\":\"%s\",\"initrd\":\"%s\",\"type\":\"%s\",\"cpus\":\"%s\"}",
		 value, value, value, value);
	call("POST", "/api/v1/domains", "application/json", body);
	expect(400, "{\"error\":\"definition too long (max 4096 bytes)\"}");
	/* Backslashes double inside the quoted cmdline. */
	memset(value, '\\', 1000);
	value[1000] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"cmdline\":\"");
	for (size_t i = 0; i < 1000; i++)
		strcat(body, "\\\\");
	strcat(body, "\"}");
	call("POST", "/api/v1/domains", "application/json", body);
	assert_int_equal(rep.status, 201);
	assert_int_equal(fake.defined_len, strlen("[vm a]\ncmdline = \"\"\n") + 2000);
	assert_int_equal(fake.calls, 2);
}

static void test_define_text(void **state)
{
	const char *text = "[vm raw]\nmemory = 1M\nkernel = dos/boot.bin\ntype = flat\n";
	static char big[MGMT_DEFINE_MAX + 2];

	call("POST", "/api/v1/domains", "text/plain", text);
	assert_int_equal(rep.status, 201);
	assert_string_equal(fake.defined, text);
	assert_true(has_field("Location: /api/v1/domains/raw"));

	memset(big, '#', sizeof(big) - 1);
	memcpy(big, "[vm big]\n", 9);
	call("POST", "/api/v1/domains", "text/plain; charset=utf-8", big);
	expect(413, "{\"error\":\"definition too long (max 4096 bytes)\"}");
	big[MGMT_DEFINE_MAX] = '\0';
	call("POST", "/api/v1/domains", "text/plain", big);
	assert_int_equal(rep.status, 201);

	/* Neither JSON nor text: say what is accepted. */
	call("POST", "/api/v1/domains", "application/x-www-form-urlencoded", "{\"name\":\"a\"}");
	expect(415, "{\"error\":\"expected Content-Type application/json or text/plain\"}");
	call("POST", "/api/v1/domains", "application/jsonx", "{\"name\":\"a\"}");
	assert_int_equal(rep.status, 415);
	call("POST", "/api/v1/domains", NULL, "{\"name\":\"a\"}");
	assert_int_equal(rep.status, 415);
}

static void test_define_backend_errors(void **state)
{
	static const struct {
		int err;
		int status;
	} cases[] = {
		{ -EINVAL, 400 },  { -E2BIG, 400 },  { -EEXIST, 409 }, { -EBUSY, 409 },
		{ -ENOMEM, 409 },  { -ENOSPC, 507 }, { -ENOENT, 404 }, { -EPERM, 403 },
		{ -ENOTSUP, 501 }, { -EAGAIN, 503 }, { -EIO, 500 },
	};

	fake.refuse = "line 2: [vm a] memory: expected a size like 64M, got \"lots\"";
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake.refuse_err = cases[i].err;
		call("POST", "/api/v1/domains", "application/json",
		     "{\"name\":\"a\",\"memory\":\"lots\"}");
		expect(cases[i].status,
		       "{\"error\":\"line 2: [vm a] memory: expected a size like 64M, "
		       "got \\\"lots\\\"\"}");
		assert_false(has_field("Location: /api/v1/domains/a"));
	}
	fake.refuse = "";
	call("POST", "/api/v1/domains", "text/plain", "[vm a]\n");
	expect(500, "{\"error\":\"define failed (errno 5)\"}");
}

/* ------------------------------------------------------ page, framing -- */

static void test_page(void **state)
{
	static const char *const hooks[] = {
		"id=\"password\"",
		"id=\"login\"",
		"id=\"error\"",
		"id=\"domains\"",
		"dataset.domain",
		"\"start\", \"destroy\"",
		"\"state\"",
		"sessionStorage",
		"\"Authorization\": \"Bearer \"",
		"/api/v1/domains",
		"setInterval(refresh, 2000)",
	};
	static const char *const external[] = { "http:", "https:",  "src=",     "<link",
						"url(",  "@import", "innerHTML" };

	http_request_init(&req);
	exchange_with("GET / HTTP/1.1\r\nHost: s\r\n\r\n", PASSWORD);
	assert_int_equal(rep.status, 200);
	assert_true(has_field("Content-Type: text/html; charset=utf-8"));
	assert_non_null(strstr(rep.head, "Content-Security-Policy: default-src 'none';"));
	assert_int_equal(rep.body_len, mgmt_webpage_len);
	assert_memory_equal(rep.body, mgmt_webpage, mgmt_webpage_len);
	assert_int_equal(strlen(mgmt_webpage), mgmt_webpage_len);
	assert_true(mgmt_webpage_len < 8192);
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!strstr(mgmt_webpage, hooks[i]))
			fail_msg("page lacks %s", hooks[i]);
	for (size_t i = 0; i < sizeof(external) / sizeof(external[0]); i++)
		if (strstr(mgmt_webpage, external[i]))
			fail_msg("page has %s", external[i]);

	http_request_init(&req);
	exchange_with("HEAD / HTTP/1.0\r\n\r\n", "");
	assert_int_equal(rep.status, 200);
	assert_int_equal(rep.body_len, 0);
	assert_int_equal(strtoul(strstr(rep.head, "Content-Length: ") + 16, NULL, 10),
			 mgmt_webpage_len);
}

static void test_too_large(void **state)
{
	static char small[2048];

	/* The page does not fit in 2 KiB: a whole 500, not half a page. */
	http_request_init(&req);
	assert_int_equal(http_request_feed(&req, "GET / HTTP/1.0\r\n\r\n", 18, NULL),
			 HTTP_PARSE_DONE);
	textbuf_init(&out, small, sizeof(small));
	res = mgmt_api_handle(&req, &fake.ops, PASSWORD, &out);
	assert_int_equal(res.status, 500);
	split_reply(false);
	expect(500, "{\"error\":\"response too large for the 2048-byte buffer\"}");

	/* Not even the 500 fits: truncated says "close without a reply". */
	textbuf_init(&out, small, 64);
	res = mgmt_api_handle(&req, &fake.ops, PASSWORD, &out);
	assert_true(out.truncated);

	/* A reply that fits exactly. */
	get("/api/v1/node");
	{
		size_t need = out.len + 1;
		static char exact[4096];

		assert_true(need <= sizeof(exact));
		textbuf_init(&out, exact, need);
		res = mgmt_api_handle(&req, &fake.ops, PASSWORD, &out);
		assert_int_equal(res.status, 200);
		textbuf_init(&out, exact, need - 1);
		res = mgmt_api_handle(&req, &fake.ops, PASSWORD, &out);
		assert_int_equal(res.status, 500);
	}
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *raw;
		int status;
		const char *body;
	} cases[] = {
		{ "GET / HTTP/2.0\r\n\r\n", 505,
		  "{\"error\":\"only HTTP/1.0 and HTTP/1.1 are supported\"}" },
		{ "BREW / HTTP/1.1\r\n\r\n", 501, "{\"error\":\"method not implemented\"}" },
		{ "GET  / HTTP/1.1\r\n\r\n", 400, "{\"error\":\"malformed request line\"}" },
		{ "POST / HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n", 411,
		  "{\"error\":\"chunked bodies are not supported; send Content-Length\"}" },
		{ "POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 9999\r\n\r\n", 413,
		  "{\"error\":\"request body too large\"}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_request_init(&req);
		assert_int_equal(http_request_feed(&req, cases[i].raw, strlen(cases[i].raw), NULL),
				 HTTP_PARSE_ERROR);
		textbuf_init(&out, outbuf, sizeof(outbuf));
		mgmt_api_parse_error(&req, &out);
		res.status = cases[i].status;
		split_reply(false);
		expect(cases[i].status, cases[i].body);
	}
}

/* ------------------------------------------------------------ metrics -- */

static bool metric_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	       (!first && c >= '0' && c <= '9');
}

/* Length of a metric name at s (0 if none). */
static size_t metric_name(const char *s)
{
	size_t n = 0;

	while (metric_name_char(s[n], n == 0))
		n++;
	return n;
}

/*
 * One sample line: name ["{" label="value" {"," label="value"} [","] "}"] SP value,
 * value escapes \\ \" \n only (exposition format 0.0.4). Returns the name length.
 */
static size_t check_sample(const char *line)
{
	size_t n = metric_name(line);
	const char *p;
	char *end;

	if (n == 0)
		fail_msg("bad metric name: %s", line);
	p = line + n;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t ln = 0;

			/* label name: [a-zA-Z_][a-zA-Z0-9_]* */
			while (p[ln] != ':' && metric_name_char(p[ln], ln == 0))
				ln++;
			if (ln == 0 || p[ln] != '=' || p[ln + 1] != '"')
				fail_msg("bad label in: %s", line);
			p += ln + 2;
			while (*p != '"') {
				if (*p == '\0' || *p == '\n')
					fail_msg("unterminated label value: %s", line);
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						fail_msg("bad escape in: %s", line);
				}
				p++;
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				fail_msg("expected ',' or '}' in: %s", line);
		}
		p++;
	}
	if (*p != ' ')
		fail_msg("expected a blank before the value: %s", line);
	p++;
	/* Our values: a decimal integer, or integer.fraction. */
	strtod(p, &end);
	if (end == p || *end != '\0' || strspn(p, "0123456789.") != strlen(p))
		fail_msg("bad value: %s", line);
	return n;
}

struct family {
	char name[64];
	char type[16];
	bool help, samples_done;
};

/* The whole text: grammar of each line, HELP/TYPE once each and before the samples, groups. */
static void check_exposition(const char *text, size_t len)
{
	static struct family fam[64];
	unsigned nfam = 0, cur = UINT32_MAX;
	char line[1024];
	const char *p = text, *end = text + len;

	memset(fam, 0, sizeof(fam));
	assert_true(len > 0 && text[len - 1] == '\n');
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p), nlen;
		unsigned f;

		assert_non_null(nl);
		assert_true(n > 0 && n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0) {
			bool help = line[2] == 'H';

			nlen = metric_name(line + 7);
			assert_true(nlen > 0 && line[7 + nlen] == ' ');
			for (f = 0; f < nfam; f++)
				if (strlen(fam[f].name) == nlen &&
				    !strncmp(fam[f].name, line + 7, nlen))
					break;
			if (f == nfam) {
				assert_true(nfam < 64);
				snprintf(fam[nfam].name, sizeof(fam[nfam].name), "%.*s", (int)nlen,
					 line + 7);
				nfam++;
			}
			if (cur != UINT32_MAX && cur != f)
				fam[cur].samples_done = true;
			if (fam[f].samples_done)
				fail_msg("family announced twice or after its samples: %s", line);
			cur = f;
			if (help) {
				assert_false(fam[f].help);
				fam[f].help = true;
			} else {
				assert_int_equal(fam[f].type[0], '\0');
				snprintf(fam[f].type, sizeof(fam[f].type), "%s", line + 8 + nlen);
				assert_true(!strcmp(fam[f].type, "counter") ||
					    !strcmp(fam[f].type, "gauge"));
			}
			continue;
		}
		assert_true(line[0] != '#');
		nlen = check_sample(line);
		/* Samples belong to the family just announced, with its TYPE already given. */
		assert_true(cur != UINT32_MAX);
		if (strlen(fam[cur].name) != nlen || strncmp(fam[cur].name, line, nlen) != 0)
			fail_msg("sample outside its family group: %s", line);
		assert_true(fam[cur].type[0] && fam[cur].help);
		if (!strcmp(fam[cur].type, "counter"))
			assert_true(nlen > 6 && !strncmp(line + nlen - 6, "_total", 6));
	}
	for (unsigned f = 0; f < nfam; f++)
		assert_true(fam[f].type[0] && fam[f].help);
}

static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));

		if ((size_t)(nl - p) == n && memcmp(p, line, n) == 0)
			return true;
		p = nl + 1;
	}
	return false;
}

static void test_metrics(void **state)
{
	static const char *const lines[] = {
		"strata_node_info{version=\"0.1.0\"} 1",
		"strata_node_cpus 4",
		"strata_node_memory_total_bytes 1073741824",
		"strata_node_memory_free_bytes 536870912",
		"strata_node_uptime_seconds 61.000000123",
		"strata_nic_link_up{nic=\"e1000\"} 1",
		"strata_nic_rx_packets_total{nic=\"e1000\"} 10",
		"strata_nic_tx_packets_total{nic=\"e1000\"} 11",
		"strata_nic_rx_bytes_total{nic=\"e1000\"} 1000",
		"strata_nic_tx_bytes_total{nic=\"e1000\"} 1100",
		"strata_nic_rx_dropped_total{nic=\"e1000\"} 1",
		"strata_nic_tx_dropped_total{nic=\"e1000\"} 0",
		"strata_mgmt_failed_logins_total 3",
		"strata_mgmt_http_connections 2",
		"strata_domains 2",
		"strata_domain_state{domain=\"demo-a\",state=\"running\"} 1",
		"strata_domain_state{domain=\"demo-a\",state=\"shut off\"} 0",
		"strata_domain_state{domain=\"demo-a\",state=\"in shutdown\"} 0",
		"strata_domain_state{domain=\"demo-a\",state=\"crashed\"} 0",
		"strata_domain_state{domain=\"demo-b\",state=\"shut off\"} 1",
		"strata_domain_vcpus{domain=\"demo-b\"} 2",
		"strata_domain_memory_bytes{domain=\"demo-a\"} 8388608",
		"strata_domain_cpu_seconds_total{domain=\"demo-a\"} 1.500000000",
		"strata_domain_cpu_seconds_total{domain=\"demo-b\"} 2.000000001",
		"strata_domain_exits_total{domain=\"demo-a\",reason=\"cpuid\"} 12",
		"strata_domain_exits_total{domain=\"demo-a\",reason=\"io_instruction\"} 3",
		"strata_domain_exits_total{domain=\"demo-b\",reason=\"77\"} 2",
		"# TYPE strata_domain_exits_total counter",
		"# TYPE strata_domain_state gauge",
	};

	get("/metrics");
	assert_int_equal(rep.status, 200);
	assert_true(has_field("Content-Type: text/plain; version=0.0.4; charset=utf-8"));
	check_exposition(rep.body, rep.body_len);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!has_line(rep.body, rep.body_len, lines[i]))
			fail_msg("missing line: %s\n%.*s", lines[i], (int)rep.body_len, rep.body);
	/* Reasons a domain never hit are left out. */
	assert_false(
		has_line(rep.body, rep.body_len,
			 "strata_domain_exits_total{domain=\"demo-a\",reason=\"ept_violation\"} 0"));
}

static void test_metrics_escaping(void **state)
{
	char text[256];
	struct textbuf t;

	textbuf_init(&t, text, sizeof(text));
	mgmt_metrics_label_value(&t, "a\\b\"c\nd\te");
	assert_string_equal(text, "a\\\\b\\\"c\\nd\te");

	/* A domain whose name needs escaping, and no domains at all: still the grammar. */
	strcpy(fake.doms[1].d.name, "we\"ird\n\\");
	get("/metrics");
	check_exposition(rep.body, rep.body_len);
	assert_true(has_line(rep.body, rep.body_len,
			     "strata_domain_vcpus{domain=\"we\\\"ird\\n\\\\\"} 2"));
	fake.count = 0;
	get("/metrics");
	check_exposition(rep.body, rep.body_len);
}

/* 16 domains, each with `reasons` exit reasons at 10^12 exits, 1 TiB and 10^7 s of CPU. */
static void many_domains(const char *name_fmt, unsigned reasons)
{
	fake.ops.exit_reason_name = all_reasons_named;
	for (unsigned i = 0; i < 16; i++) {
		struct mgmt_domain *d = &fake.doms[i].d;

		memset(d, 0, sizeof(*d));
		snprintf(d->name, sizeof(d->name), name_fmt, i);
		d->state = MGMT_RUNNING;
		d->cpu_time_ns = 10000000ULL * 1000000000ULL;
		d->memory = 1ULL << 40;
		d->vcpus = 16;
		for (unsigned r = 0; r < reasons; r++)
			d->exits[r * 5] = 1000000000000ULL;
	}
	fake.count = 16;
}

/* The sizing of MGMT_API_RESPONSE_CAP (api.h), and what happens beyond it. */
static void test_metrics_size(void **state)
{
	many_domains("domain-name-%04u", 12); /* 16-byte names */
	get("/metrics");
	assert_int_equal(rep.status, 200);
	check_exposition(rep.body, rep.body_len);
	print_message("metrics, 16 domains x 12 reasons: %zu bytes\n", rep.body_len);
	get("/api/v1/domains");
	assert_int_equal(rep.status, 200);
	print_message("domains, 16 domains x 12 reasons: %zu bytes\n", rep.body_len);

	/* 31-byte names and 16 reasons each: too much, and a clean 500 says so. */
	many_domains("domain-with-a-long-long-name-%02u", 16);
	get("/metrics");
	expect(500, "{\"error\":\"response too large for the 32768-byte buffer\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_domains, setup),
		cmocka_unit_test_setup(test_node, setup),
		cmocka_unit_test_setup(test_lifecycle, setup),
		cmocka_unit_test_setup(test_methods, setup),
		cmocka_unit_test_setup(test_not_found, setup),
		cmocka_unit_test_setup(test_head, setup),
		cmocka_unit_test_setup(test_auth, setup),
		cmocka_unit_test_setup(test_define_json, setup),
		cmocka_unit_test_setup(test_define_refused, setup),
		cmocka_unit_test_setup(test_define_long_values, setup),
		cmocka_unit_test_setup(test_define_text, setup),
		cmocka_unit_test_setup(test_define_backend_errors, setup),
		cmocka_unit_test_setup(test_page, setup),
		cmocka_unit_test_setup(test_too_large, setup),
		cmocka_unit_test_setup(test_parse_errors, setup),
		cmocka_unit_test_setup(test_metrics, setup),
		cmocka_unit_test_setup(test_metrics_escaping, setup),
		cmocka_unit_test_setup(test_metrics_size, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
