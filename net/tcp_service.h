/*
 * A TCP line or request service on lwIP's raw API: listening, a bounded
 * number of connections, output queued until TCP takes it, idle
 * timeouts, and closing that always frees the connection. The console and
 * the HTTP server are two such services; they see bytes in and put bytes
 * out, never lwIP's control blocks.
 *
 * Boot CPU only, from the management loop (net/stack.c).
 */
#ifndef STRATA_NET_TCP_SERVICE_H
#define STRATA_NET_TCP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_SERVICE_MAX_CONNS 16
#define TCP_CONN_OUT_SIZE     (32 * 1024) /* output queued beyond TCP's send buffer */

struct tcp_pcb;
struct tcp_service;

struct tcp_conn {
	struct tcp_pcb *pcb; /* NULL: slot free */
	struct tcp_service *svc;
	unsigned index; /* slot number, for the service's per-connection state */
	uint32_t opened_ms;
	uint32_t last_active_ms;
	bool closing; /* close once the output is sent */
	size_t out_len;
	uint8_t out[TCP_CONN_OUT_SIZE];
};

struct tcp_service {
	const char *name; /* "console", "http": for logs */
	uint16_t port;
	uint32_t idle_ms; /* close a connection quiet for this long */
	/* Sent to a client that finds every slot taken, before it is closed. */
	const char *busy_message;
	/* A connection opened: greet it. */
	void (*open)(struct tcp_conn *c);
	/* Bytes arrived, in order. */
	void (*recv)(struct tcp_conn *c, const uint8_t *data, size_t len);
	/* Every management-loop pass, for output that is not a reply (a guest console). */
	void (*poll)(struct tcp_conn *c);
	/* The connection is gone (closed by either side, reset, timed out). */
	void (*closed)(struct tcp_conn *c);

	/* Owned by tcp_service.c. */
	struct tcp_pcb *listener;
	unsigned active;
	uint64_t accepted, refused_busy, timed_out;
	struct tcp_conn conns[TCP_SERVICE_MAX_CONNS];
};

/* Listen on svc->port (any address). Returns 0 or -errno, logged. */
int tcp_service_start(struct tcp_service *svc);

/* Timeouts, output flushing and svc->poll for every connection. */
void tcp_service_poll(struct tcp_service *svc, uint32_t now_ms);

/*
 * Queue bytes for the client; returns how many fit (all, unless the
 * client stopped reading and TCP_CONN_OUT_SIZE is full).
 */
size_t tcp_conn_send(struct tcp_conn *c, const void *data, size_t len);

/* Bytes tcp_conn_send() would take now. */
size_t tcp_conn_room(const struct tcp_conn *c);

/* Close after the queued output has gone out. */
void tcp_conn_close(struct tcp_conn *c);

#endif
