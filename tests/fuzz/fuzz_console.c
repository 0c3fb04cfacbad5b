/* FUZZ_SOURCES: net/mgmt/console.c net/mgmt/commands.c net/mgmt/textbuf.c net/mgmt/state_name.c */
/*
 * libFuzzer target for the management console session: arbitrary bytes,
 * in arbitrary chunks, from an unauthenticated network client (or the
 * COM1 terminal), interleaved with time passing, guest console output and
 * guests stopping and starting, against a fake backend that accepts some
 * operations and refuses others. Besides the sanitizers' memory checks it
 * asserts that the output buffer never overflows (a canary sits past its
 * capacity, the length stays inside it, the text stays NUL-terminated),
 * that a telnet session always sends 0xff doubled, that the session's
 * buffers stay inside their bounds, and that a closed session takes no
 * more input.
 *
 * Input layout: byte 0 picks the configuration (login, telnet, echo, no
 * password, the output capacity, whether out is emptied after each
 * call); then chunks of one header byte (bits 7:6 the action, 5:0 the
 * length) and up to 63 bytes: 0 feed them, 1 poll after some time, 2 the
 * guest "web" prints them, 3 flip a guest's state or its receiver room.
 * Seeds: tests/fuzz/corpus/console/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "net/mgmt/console.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define FUZZ_CANARY 64

struct fuzz_dom {
	struct mgmt_domain d;
	uint8_t ring[2048];
	uint64_t total;
	size_t rx_room;
};

struct fuzz_backend {
	struct fuzz_dom doms[3];
	unsigned count;
	uint32_t next_id;
};

static struct fuzz_backend fb;
static struct console_session sess;
static char outbuf[CONSOLE_OUT_MIN + FUZZ_CANARY];
static uint64_t failed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_dom *fuzz_lookup(const char *name)
{
	FUZZ_CHECK(strnlen(name, 4096) < 4096);
	for (unsigned i = 0; i < fb.count; i++) {
		if (!strcmp(fb.doms[i].d.name, name))
			return &fb.doms[i];
	}
	return NULL;
}

static unsigned fuzz_count(void *ctx)
{
	return fb.count;
}

static bool fuzz_at(void *ctx, unsigned i, struct mgmt_domain *d)
{
	if (i >= fb.count)
		return false;
	*d = fb.doms[i].d;
	return true;
}

static bool fuzz_find(void *ctx, const char *name, struct mgmt_domain *d)
{
	struct fuzz_dom *f = fuzz_lookup(name);

	if (f)
		*d = f->d;
	return f != NULL;
}

static void fuzz_node(void *ctx, struct mgmt_node *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->cpu_model, sizeof(n->cpu_model), "x86_64");
	n->cpus = 2;
	n->cpu_mhz = 3000;
	n->memory_total = 1ull << 30;
}

static int fuzz_start(void *ctx, const char *name, char *why, size_t why_len)
{
	struct fuzz_dom *f = fuzz_lookup(name);

	FUZZ_CHECK(f);
	if (f->d.id) {
		snprintf(why, why_len, "domain '%s' is already active", name);
		return -EBUSY;
	}
	f->d.id = fb.next_id++;
	f->d.state = MGMT_RUNNING;
	return 0;
}

static int fuzz_destroy(void *ctx, const char *name, char *why, size_t why_len)
{
	struct fuzz_dom *f = fuzz_lookup(name);

	FUZZ_CHECK(f);
	if (!f->d.id) {
		snprintf(why, why_len, "domain '%s' is not running", name);
		return -EINVAL;
	}
	f->d.id = 0;
	f->d.state = MGMT_SHUT_OFF;
	return 0;
}

static int fuzz_undefine(void *ctx, const char *name, char *why, size_t why_len)
{
	/* Never forgets one: the fuzzer keeps its three domains. */
	snprintf(why, why_len, "domain '%s' is active; destroy it first", name);
	return -EBUSY;
}

static int fuzz_define(void *ctx, const char *text, size_t len, char *name_out, char *why,
		       size_t why_len)
{
	FUZZ_CHECK(len <= MGMT_DEFINE_MAX);
	if (len < 4 || memcmp(text, "[vm ", 4)) {
		snprintf(why, why_len, "expected exactly one [vm NAME] section and nothing else");
		return -EINVAL;
	}
	snprintf(name_out, MGMT_NAME_MAX, "%.*s", (int)(len < 20 ? len : 20), text);
	return 0;
}

static long fuzz_read(void *ctx, const char *name, uint64_t *cursor, uint8_t *buf, size_t cap)
{
	struct fuzz_dom *f = fuzz_lookup(name);
	uint64_t oldest;
	size_t n;

	if (!f || !f->d.id)
		return -ENOENT;
	if (cap == 0)
		*cursor = f->total;
	oldest = f->total > sizeof(f->ring) ? f->total - sizeof(f->ring) : 0;
	if (*cursor < oldest)
		*cursor = oldest;
	if (*cursor > f->total)
		*cursor = f->total;
	n = (size_t)(f->total - *cursor);
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++)
		buf[i] = f->ring[(*cursor + i) % sizeof(f->ring)];
	*cursor += n;
	return (long)n;
}

static long fuzz_write(void *ctx, const char *name, const uint8_t *b, size_t n)
{
	struct fuzz_dom *f = fuzz_lookup(name);

	if (!f || !f->d.id)
		return -ENOENT;
	FUZZ_CHECK(n <= CONSOLE_TX_MAX);
	if (n > f->rx_room)
		n = f->rx_room;
	f->rx_room -= n;
	return (long)n;
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
	.console_read = fuzz_read,
	.console_write = fuzz_write,
};

static void fuzz_add(const char *name, uint32_t id)
{
	struct fuzz_dom *f = &fb.doms[fb.count++];

	memset(f, 0, sizeof(*f));
	snprintf(f->d.name, sizeof(f->d.name), "%s", name);
	f->d.id = id;
	f->d.state = id ? MGMT_RUNNING : MGMT_SHUT_OFF;
	f->d.vcpus = 1;
	f->d.memory = 8 << 20;
	f->d.persistent = true;
	f->rx_room = 1000;
}

struct fuzz_out {
	struct textbuf tb;
	size_t cap;
	bool telnet;
	bool keep; /* append across calls until nearly full, as a caller with a queue would */
};

/* The buffer's promises after every call; then empty it (or not). */
static void fuzz_check_out(struct fuzz_out *o)
{
	struct textbuf *tb = &o->tb;

	FUZZ_CHECK(tb->data == outbuf && tb->cap == o->cap);
	FUZZ_CHECK(tb->len < tb->cap);
	FUZZ_CHECK(tb->data[tb->len] == '\0');
	for (size_t i = o->cap; i < o->cap + FUZZ_CANARY; i++)
		FUZZ_CHECK((unsigned char)outbuf[i] == 0xa5);
	if (o->telnet && !tb->truncated) {
		/* Every 0xff the client sees is half of an IAC IAC pair. */
		for (size_t i = 0; i < tb->len; i++) {
			if ((unsigned char)tb->data[i] == 0xff) {
				FUZZ_CHECK(i + 1 < tb->len &&
					   (unsigned char)tb->data[i + 1] == 0xff);
				i++;
			}
		}
	}
	FUZZ_CHECK(sess.line_len <= CONSOLE_LINE_MAX);
	FUZZ_CHECK(sess.def_len <= MGMT_DEFINE_MAX);
	FUZZ_CHECK(sess.in_len <= CONSOLE_IN_MAX && sess.in_head < CONSOLE_IN_MAX);
	FUZZ_CHECK(sess.tx_len <= CONSOLE_TX_MAX);
	FUZZ_CHECK(failed <= CONSOLE_LOGIN_TRIES && sess.failures <= failed);
	if (!o->keep || tb->truncated || tb->cap - tb->len < CONSOLE_OUT_RESERVE)
		textbuf_init(tb, outbuf, o->cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Too small to take input, just enough, comfortable. */
	static const size_t caps[] = { 100, CONSOLE_OUT_RESERVE + 1, CONSOLE_OUT_RESERVE + 300,
				       CONSOLE_OUT_MIN, CONSOLE_OUT_MIN };
	struct console_config cfg;
	struct fuzz_out o;
	uint64_t now = 5000;
	size_t i = 1;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	memset(&fb, 0, sizeof(fb));
	fb.next_id = 7;
	fuzz_add("web", 3);
	fuzz_add("off", 0);
	fuzz_add("db", 5);
	failed = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.backend = &fuzz_be;
	cfg.password = flags & 0x08 ? "" : "pw";
	cfg.require_login = !(flags & 0x01);
	cfg.telnet = !(flags & 0x02);
	cfg.echo = flags & 0x04;
	cfg.version = "0.1.0";
	cfg.failed_logins = &failed;

	memset(outbuf, 0xa5, sizeof(outbuf));
	o.cap = caps[(flags >> 4) % (sizeof(caps) / sizeof(caps[0]))];
	o.telnet = cfg.telnet;
	o.keep = flags & 0x80;
	textbuf_init(&o.tb, outbuf, o.cap);

	console_session_init(&sess, &cfg, now, &o.tb);
	fuzz_check_out(&o);
	while (i < size) {
		uint8_t head = data[i++];
		size_t len = head & 0x3f;
		const uint8_t *chunk = data + i;
		struct fuzz_dom *web = &fb.doms[0];

		if (len > size - i)
			len = size - i;
		i += len;
		switch (head >> 6) {
		case 0: {
			bool closed = console_session_closed(&sess);
			size_t taken = console_session_feed(&sess, now, chunk, len, &o.tb);

			FUZZ_CHECK(taken <= len);
			FUZZ_CHECK(!closed || taken == 0);
			break;
		}
		case 1: {
			uint64_t wake = console_session_wakeup_ms(&sess);

			/* Sometimes exactly at the wakeup time, sometimes a bit before or later. */
			now += len ? (uint64_t)len * 97 : (wake > now ? wake - now : 1);
			console_session_poll(&sess, now, &o.tb);
			break;
		}
		case 2:
			for (size_t k = 0; k < len; k++)
				web->ring[web->total++ % sizeof(web->ring)] = chunk[k];
			break;
		default:
			if (len % 3 == 0)
				web->d.id = web->d.id ? 0 : fb.next_id++;
			else if (len % 3 == 1)
				fb.doms[2].d.id = fb.doms[2].d.id ? 0 : fb.next_id++;
			else
				web->rx_room = len * 10;
			break;
		}
		fuzz_check_out(&o);
	}
	return 0;
}
