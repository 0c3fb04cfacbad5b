/* FUZZ_SOURCES: net/mgmt/console.c net/mgmt/commands.c net/mgmt/textbuf.c net/mgmt/state_name.c tests/unit/fake_backend.c */
/*
 * libFuzzer target for the management console session: arbitrary bytes,
 * in arbitrary chunks, from an unauthenticated network client (or the
 * COM1 terminal), interleaved with time passing, guest console output and
 * guests stopping and starting, against the shared fake backend
 * (tests/unit/fake_backend.h), which accepts some operations and refuses
 * others. Besides the sanitizers' memory checks it asserts that the
 * output buffer never overflows (a canary sits past its capacity, the
 * length stays inside it, the text stays NUL-terminated),
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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/mgmt/console.h"
#include "tests/unit/fake_backend.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define FUZZ_CANARY 64

static struct fake_backend fb;
static struct console_session sess;
static char outbuf[CONSOLE_OUT_MIN + FUZZ_CANARY];
static uint64_t failed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	fake_backend_init(&fb);
	fb.next_id = 7;
	fb.names_checked = true; /* the commands look a name up before acting on it */
	fb.keep_domains = true;  /* undefine never forgets one: doms[0] and [2] stay put */
	fb.name_limit = 4096;
	fb.write_max = CONSOLE_TX_MAX;
	fb.node.cpus = 2;
	fb.node.cpu_mhz = 3000;
	fb.node.memory_total = 1ull << 30;
	fake_backend_add(&fb, "web", 3)->rx_room = 1000;
	fake_backend_add(&fb, "off", 0)->rx_room = 1000;
	fake_backend_add(&fb, "db", 5)->rx_room = 1000;
	failed = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.backend = &fb.ops;
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
		struct fake_backend_dom *web = &fb.doms[0];

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
			fake_backend_guest_says(web, chunk, len);
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
