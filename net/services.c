/*
 * The management services wired to their transports: console sessions on
 * TCP (one per connection) and on COM1, the HTTP API on TCP, and the
 * optional iperf server. The protocol logic is pure (net/mgmt/); this
 * file only moves bytes between it and lwIP or the UART.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/serial/uart.h"
#include "kernel/log.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/ip_addr.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "net/mgmt/api.h"
#include "net/mgmt/console.h"
#include "net/mgmt/http_request.h"
#include "net/mgmt/login_throttle.h"
#include "net/services.h"
#include "net/tcp_service.h"

#define CONSOLE_IDLE_MS  (10 * 60 * 1000) /* docs/MANAGEMENT.md */
#define CONSOLE_LOGIN_MS (30 * 1000)      /* to log in, from the connect */
#define HTTP_IDLE_MS     (10 * 1000)      /* a request must arrive whole within this */
#define COM1_IN_BUDGET   256              /* bytes read from COM1 per pass */

static const struct hostconf_network *config;
static struct mgmt_backend backend; /* the domains', with our counters in node() */
static const struct mgmt_backend *domains;
static uint64_t failed_logins;

static struct console_session consoles[TCP_SERVICE_MAX_CONNS];
static struct console_session com1;
static bool com1_open;
static struct http_request requests[TCP_SERVICE_MAX_CONNS];
static char scratch[MGMT_API_RESPONSE_CAP];

static struct tcp_service console_service, http_service;
static struct login_throttle throttle; /* password guessing, per client address */

/*
 * TCP control blocks holding a connection or a listener. Those in
 * TIME_WAIT (closed, kept 2 MSL per RFC 9293 3.6.1) are left out: lwIP
 * reuses them when it runs short, so they are not a leak.
 */
static uint32_t tcp_pcbs_open(void)
{
	uint32_t n =
		lwip_stats.memp[MEMP_TCP_PCB]->used + lwip_stats.memp[MEMP_TCP_PCB_LISTEN]->used;

	for (const struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		n--;
	return n;
}

static uint64_t now_ms(void)
{
	return sys_now();
}

static void node_with_services(void *ctx, struct mgmt_node *out)
{
	domains->node(domains->ctx, out);
	out->console_sessions = console_service.active;
	out->http_connections = http_service.active;
	out->tcp_pcbs_used = tcp_pcbs_open();
	out->failed_logins = failed_logins;
}

static void log_line(void *ctx, const char *msg)
{
	log_report("strata: %s", msg);
}

static uint32_t peer(const struct tcp_conn *c)
{
	return ip4_addr_get_u32(ip_2_ip4(&c->pcb->remote_ip));
}

/* ---------------------------------------------------------- console --- */

/* A console session's state before one step, to account the step's login outcome. */
struct console_step {
	enum console_mode mode;
	uint64_t failed_logins; /* the host-wide count: only this step can move it */
};

static struct console_step console_step_begin(const struct tcp_conn *c)
{
	return (struct console_step){ consoles[c->index].mode, failed_logins };
}

/* The failures the step counted, and a step into the prompt, go to the client's address. */
static void console_step_end(struct tcp_conn *c, struct console_step before)
{
	for (uint64_t n = failed_logins - before.failed_logins; n > 0; n--)
		login_throttle_failed(&throttle, peer(c), now_ms());
	if (before.mode != CONSOLE_COMMAND && consoles[c->index].mode == CONSOLE_COMMAND)
		login_throttle_succeeded(&throttle, peer(c));
}

/* Send what the session wrote; close once the session has ended. */
static void console_flush(struct tcp_conn *c, struct textbuf *tb)
{
	if (tb->len)
		tcp_conn_send(c, tb->data, tb->len);
	if (console_session_closed(&consoles[c->index]))
		tcp_conn_close(c);
}

/* Session output never exceeds what the connection can queue now. */
static size_t out_room(const struct tcp_conn *c)
{
	size_t room = tcp_conn_room(c);

	return room < sizeof(scratch) ? room : sizeof(scratch);
}

static void console_open(struct tcp_conn *c)
{
	struct console_config cfg = {
		.backend = &backend,
		.password = config->password,
		.require_login = true,
		.telnet = true,
		.version = STRATA_VERSION,
		.failed_logins = &failed_logins,
		.log = log_line,
	};
	uint64_t wait = login_throttle_wait_ms(&throttle, peer(c), now_ms());
	struct textbuf tb;

	textbuf_init(&tb, scratch, out_room(c));
	if (wait) {
		textbuf_printf(&tb,
			       "error: too many failed logins from your address; try again in "
			       "%llu s\r\n",
			       (unsigned long long)(wait + 999) / 1000);
		tcp_conn_send(c, tb.data, tb.len);
		tcp_conn_close(c);
		return;
	}
	console_session_init(&consoles[c->index], &cfg, now_ms(), &tb);
	console_flush(c, &tb);
}

static void console_recv(struct tcp_conn *c, const uint8_t *data, size_t len)
{
	struct console_step step = console_step_begin(c);
	struct textbuf tb;

	textbuf_init(&tb, scratch, out_room(c));
	console_session_feed(&consoles[c->index], now_ms(), data, len, &tb);
	console_step_end(c, step);
	console_flush(c, &tb);
}

static void console_poll(struct tcp_conn *c)
{
	static const char timeout[] = "\r\nerror: login timed out\r\n";
	struct console_session *s = &consoles[c->index];
	uint64_t now = now_ms();
	struct console_step step;
	struct textbuf tb;

	/* A client that never logs in holds one of 16 slots: not for long. */
	if ((s->mode == CONSOLE_LOGIN || s->mode == CONSOLE_LOGIN_DELAY) &&
	    (uint32_t)now - c->opened_ms > CONSOLE_LOGIN_MS) {
		tcp_conn_send(c, timeout, sizeof(timeout) - 1);
		tcp_conn_close(c);
		return;
	}
	if (console_session_wakeup_ms(s) > now)
		return;
	step = console_step_begin(c);
	textbuf_init(&tb, scratch, out_room(c));
	console_session_poll(s, now, &tb);
	console_step_end(c, step);
	console_flush(c, &tb);
}

/* ------------------------------------------------------------- HTTP --- */

static void http_open(struct tcp_conn *c)
{
	http_request_init(&requests[c->index]);
}

/* An address locked out for guessing gets 429 before its token is looked at. */
static bool http_throttled(struct tcp_conn *c, const struct http_request *req, struct textbuf *tb)
{
	uint64_t wait =
		req->has_authorization ? login_throttle_wait_ms(&throttle, peer(c), now_ms()) : 0;
	char body[128];
	int n;

	if (!wait)
		return false;
	n = snprintf(body, sizeof(body),
		     "{\"error\":\"too many failed logins from your address; try again in %llu s\"}",
		     (unsigned long long)(wait + 999) / 1000);
	textbuf_printf(tb,
		       "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
		       "Retry-After: %llu\r\nContent-Length: %d\r\nCache-Control: no-store\r\n"
		       "Connection: close\r\n\r\n%s",
		       (unsigned long long)(wait + 999) / 1000, n, body);
	return true;
}

static void http_answer(struct tcp_conn *c, const struct http_request *req, struct textbuf *tb)
{
	struct mgmt_api_result r;

	if (http_throttled(c, req, tb))
		return;
	r = mgmt_api_handle(req, &backend, config->password, tb);
	if (r.auth_failed) {
		failed_logins++;
		login_throttle_failed(&throttle, peer(c), now_ms());
		log_report("strata: http: wrong bearer token for %s %s (%llu failures)",
			   http_method_name(req->method), req->path,
			   (unsigned long long)failed_logins);
	} else if (req->has_authorization && r.status != 401 && r.status != 403) {
		login_throttle_succeeded(&throttle, peer(c));
	}
}

static void http_recv(struct tcp_conn *c, const uint8_t *data, size_t len)
{
	struct http_request *req = &requests[c->index];
	enum http_parse st = http_request_feed(req, data, len, NULL);
	struct textbuf tb;

	if (st == HTTP_PARSE_MORE) {
		if (http_request_wants_continue(req)) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

			tcp_conn_send(c, cont, sizeof(cont) - 1);
			req->expect_continue = false;
		}
		return;
	}
	textbuf_init(&tb, scratch, sizeof(scratch));
	if (st == HTTP_PARSE_ERROR)
		mgmt_api_parse_error(req, &tb);
	else
		http_answer(c, req, &tb);
	if (!tb.truncated)
		tcp_conn_send(c, tb.data, tb.len);
	tcp_conn_close(c);
}

/* ------------------------------------------------------------- COM1 --- */

static void com1_write(const struct textbuf *tb)
{
	for (size_t i = 0; i < tb->len; i++)
		uart_putc(UART_COM1_PORT, tb->data[i]);
}

static void com1_start(void)
{
	struct console_config cfg = {
		.backend = &backend,
		.password = config->password,
		.require_login = false, /* whoever holds the serial line is at the machine */
		.echo = true,
		.version = STRATA_VERSION,
		.failed_logins = &failed_logins,
	};
	struct textbuf tb;

	textbuf_init(&tb, scratch, sizeof(scratch));
	console_session_init(&com1, &cfg, now_ms(), &tb);
	com1_write(&tb);
	com1_open = true;
}

/* A key on COM1 opens the local session; `quit` ends it until the next key. */
static void com1_poll(void)
{
	uint8_t in[COM1_IN_BUDGET];
	size_t n = 0;
	struct textbuf tb;
	int ch;

	while (n < sizeof(in) && (ch = uart_getc(UART_COM1_PORT)) >= 0)
		in[n++] = (uint8_t)ch;
	if (!com1_open && n == 0)
		return;
	if (!com1_open) {
		/* The Enter that woke the console is not a command of its own. */
		size_t ends = 0;

		while (ends < n && (in[ends] == '\r' || in[ends] == '\n' || in[ends] == '\0'))
			ends++;
		if (ends == n)
			n = 0;
		com1_start();
	}
	textbuf_init(&tb, scratch, sizeof(scratch));
	if (n)
		console_session_feed(&com1, now_ms(), in, n, &tb);
	else if (console_session_wakeup_ms(&com1) <= now_ms())
		console_session_poll(&com1, now_ms(), &tb);
	com1_write(&tb);
	if (console_session_closed(&com1))
		com1_open = false;
}

/* ------------------------------------------------------------ iperf --- */

static void iperf_report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
			 u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port,
			 u32_t bytes_transferred, u32_t ms_duration, u32_t bandwidth_kbitpsec)
{
	log_info("net: iperf: %u bytes in %u ms, %u kbit/s (report type %d)",
		 (unsigned)bytes_transferred, (unsigned)ms_duration, (unsigned)bandwidth_kbitpsec,
		 (int)type);
}

/* ------------------------------------------------------------------------ */

void services_start(const struct hostconf_network *cfg, const struct mgmt_backend *be, bool network)
{
	config = cfg;
	domains = be;
	login_throttle_init(&throttle);
	backend = *be;
	backend.node = node_with_services;
	if (!network)
		return;
	if (!cfg->password[0])
		log_report("strata: console: no [network] password is configured: every network "
			   "login is refused (COM1 still works)");
	console_service = (struct tcp_service){
		.name = "console",
		.port = cfg->console_port,
		.idle_ms = CONSOLE_IDLE_MS,
		.busy_message = "error: too many console sessions (16); try again later\r\n",
		.open = console_open,
		.recv = console_recv,
		.poll = console_poll,
	};
	http_service = (struct tcp_service){
		.name = "http",
		.port = cfg->http_port,
		.idle_ms = HTTP_IDLE_MS,
		.busy_message = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
				"Connection: close\r\n\r\n",
		.open = http_open,
		.recv = http_recv,
	};
	tcp_service_start(&console_service);
	tcp_service_start(&http_service);
	if (cfg->iperf && lwiperf_start_tcp_server_default(iperf_report, NULL))
		log_info("net: iperf server on TCP port %d", LWIPERF_TCP_PORT_DEFAULT);
}

void services_poll(void)
{
	uint32_t now = sys_now();

	com1_poll();
	if (console_service.listener)
		tcp_service_poll(&console_service, now);
	if (http_service.listener)
		tcp_service_poll(&http_service, now);
}
