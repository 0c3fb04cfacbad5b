#include <errno.h>
#include <string.h>

#include "kernel/log.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "net/tcp_service.h"

/*
 * The pcb lwIP is calling back about was aborted during the callback:
 * the callback must then return ERR_ABRT and never touch it again.
 */
static struct tcp_pcb *aborted;

static void conn_free(struct tcp_conn *c, bool abort)
{
	struct tcp_service *svc = c->svc;
	struct tcp_pcb *pcb = c->pcb;

	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	c->pcb = NULL;
	svc->active--;
	if (svc->closed)
		svc->closed(c);
	if (abort || tcp_close(pcb) != ERR_OK) {
		/* Timed out, or no memory for the FIN: drop it hard, never leak. */
		aborted = pcb;
		tcp_abort(pcb);
	}
}

/* Hand queued output to TCP as far as its send buffer allows. */
static void flush(struct tcp_conn *c)
{
	size_t n;

	if (!c->pcb || !c->out_len)
		goto maybe_close;
	n = c->out_len;
	if (n > tcp_sndbuf(c->pcb))
		n = tcp_sndbuf(c->pcb);
	if (n > 0xffff)
		n = 0xffff;
	if (n && tcp_write(c->pcb, c->out, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK) {
		memmove(c->out, c->out + n, c->out_len - n);
		c->out_len -= n;
		tcp_output(c->pcb);
	}
maybe_close:
	if (c->pcb && c->closing && c->out_len == 0)
		conn_free(c, false);
}

size_t tcp_conn_room(const struct tcp_conn *c)
{
	return c->pcb && !c->closing ? sizeof(c->out) - c->out_len : 0;
}

size_t tcp_conn_send(struct tcp_conn *c, const void *data, size_t len)
{
	size_t room = tcp_conn_room(c);

	if (len > room)
		len = room;
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	flush(c);
	return len;
}

void tcp_conn_close(struct tcp_conn *c)
{
	c->closing = true;
	flush(c);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct tcp_conn *c = arg;

	aborted = NULL;
	if (!c || !c->pcb) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) { /* the client closed its side */
		conn_free(c, false);
		return aborted == pcb ? ERR_ABRT : ERR_OK;
	}
	c->last_active_ms = sys_now();
	/*
	 * Open the window before the service sees the bytes: a service that
	 * closes while handling them must leave no unread data behind, or
	 * tcp_close() answers with a reset and drops the queued reply.
	 */
	tcp_recved(pcb, p->tot_len);
	for (struct pbuf *q = p; q && c->pcb; q = q->next)
		if (!c->closing)
			c->svc->recv(c, q->payload, q->len);
	pbuf_free(p);
	return aborted == pcb ? ERR_ABRT : ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct tcp_conn *c = arg;

	aborted = NULL;
	if (c)
		flush(c);
	return aborted == pcb ? ERR_ABRT : ERR_OK;
}

/* lwIP already freed the pcb (reset, or out of retries). */
static void on_err(void *arg, err_t err)
{
	struct tcp_conn *c = arg;

	if (!c || !c->pcb)
		return;
	c->pcb = NULL;
	c->svc->active--;
	if (c->svc->closed)
		c->svc->closed(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tcp_service *svc = arg;
	struct tcp_conn *c = NULL;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (unsigned i = 0; i < TCP_SERVICE_MAX_CONNS && !c; i++)
		if (!svc->conns[i].pcb)
			c = &svc->conns[i];
	if (!c) {
		svc->refused_busy++;
		if (svc->busy_message)
			tcp_write(pcb, svc->busy_message, (u16_t)strlen(svc->busy_message),
				  TCP_WRITE_FLAG_COPY);
		if (tcp_close(pcb) != ERR_OK) {
			tcp_abort(pcb);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	c->pcb = pcb;
	c->svc = svc;
	c->index = (unsigned)(c - svc->conns);
	c->closing = false;
	c->out_len = 0;
	c->opened_ms = sys_now();
	c->last_active_ms = c->opened_ms;
	svc->active++;
	svc->accepted++;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_nagle_disable(pcb);
	svc->open(c);
	return ERR_OK;
}

int tcp_service_start(struct tcp_service *svc)
{
	struct tcp_pcb *pcb = tcp_new();
	struct tcp_pcb *listener;

	if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, svc->port) != ERR_OK) {
		log_error("net: %s: cannot bind TCP port %u", svc->name, svc->port);
		if (pcb)
			tcp_close(pcb);
		return -EBUSY;
	}
	listener = tcp_listen(pcb);
	if (!listener) {
		log_error("net: %s: cannot listen on TCP port %u", svc->name, svc->port);
		tcp_close(pcb);
		return -ENOMEM;
	}
	svc->listener = listener;
	tcp_arg(listener, svc);
	tcp_accept(listener, on_accept);
	log_info("net: %s on TCP port %u", svc->name, svc->port);
	return 0;
}

void tcp_service_poll(struct tcp_service *svc, uint32_t now_ms)
{
	for (unsigned i = 0; i < TCP_SERVICE_MAX_CONNS; i++) {
		struct tcp_conn *c = &svc->conns[i];

		if (!c->pcb)
			continue;
		if (now_ms - c->last_active_ms > svc->idle_ms) {
			svc->timed_out++;
			conn_free(c, true);
			continue;
		}
		if (svc->poll && !c->closing)
			svc->poll(c);
		flush(c);
	}
}
