/* UNIT_SOURCES: net/mgmt/console.c net/mgmt/commands.c net/mgmt/textbuf.c net/mgmt/state_name.c tests/unit/fake_backend.c */
/*
 * Host tests of the console session (docs/MANAGEMENT.md, "Console
 * protocol") against the shared fake backend (fake_backend.h): the
 * banner and login (success, failures with their growing delay and held
 * input, the third closing, the refusal without a password, COM1 without
 * login), telnet IAC stripping (RFC 854), line ends (LF, CR LF, CR NUL,
 * split across reads), editing, the line limit, binary garbage, `define`
 * (accepted, too big, refused), `console` attach and detach with ^],
 * guest output pumping and replay, and input held while `out` is short of
 * room. Every reply is compared whole, in its wire form (CR LF).
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

#include "net/mgmt/console.h"
#include "tests/unit/fake_backend.h"

#define BANNER "Strata 9.9 management console\r\n"
#define PROMPT "strata# "

static struct fake_backend fake;
static struct console_session sess;
static char outbuf[CONSOLE_OUT_MIN * 4];
static struct textbuf out;
static uint64_t now;
static uint64_t failed;
static char logged[1024];

static void test_log(void *ctx, const char *msg)
{
	assert_ptr_equal(ctx, &fake);
	snprintf(logged + strlen(logged), sizeof(logged) - strlen(logged), "%s\n", msg);
}

static struct console_config config(const char *password, bool login)
{
	return (struct console_config){
		.backend = &fake.ops,
		.password = password,
		.require_login = login,
		.telnet = login,
		.version = "9.9",
		.failed_logins = &failed,
		.log = test_log,
		.log_ctx = &fake,
	};
}

static void reset_out(void)
{
	textbuf_init(&out, outbuf, sizeof(outbuf));
}

/* Start a session; returns what it sent. */
static const char *start(const struct console_config *cfg)
{
	reset_out();
	console_session_init(&sess, cfg, now, &out);
	return outbuf;
}

static const char *feedn(const void *bytes, size_t n)
{
	reset_out();
	assert_int_equal(console_session_feed(&sess, now, bytes, n, &out), n);
	assert_false(out.truncated);
	return outbuf;
}

static const char *feed(const char *s)
{
	return feedn(s, strlen(s));
}

static const char *poll_at(uint64_t t)
{
	now = t;
	reset_out();
	console_session_poll(&sess, now, &out);
	return outbuf;
}

static int setup(void **state)
{
	fake_backend_init(&fake);
	/* define answers "echo2" to any text; refused, it says -EINVAL. */
	fake.define_name = "echo2";
	fake.refuse_err = -EINVAL;
	now = 1000000;
	failed = 0;
	logged[0] = '\0';
	return 0;
}

/* A network session, logged in. */
static void login(void)
{
	struct console_config cfg = config("s3cret", true);

	assert_string_equal(start(&cfg), BANNER "Password: ");
	assert_string_equal(feed("s3cret\r\n"), PROMPT);
}

/* ----------------------------------------------------------------- login -- */

static void test_login_ok(void **state)
{
	login();
	assert_false(console_session_closed(&sess));
	assert_int_equal(console_session_wakeup_ms(&sess), 0);
	assert_int_equal(failed, 0);
	assert_string_equal(feed("nodeinfo\r\n"), "CPU model:           x86_64\r\n"
						  "CPU(s):              1\r\n"
						  "CPU socket(s):       1\r\n"
						  "Core(s) per socket:  1\r\n"
						  "Thread(s) per core:  1\r\n"
						  "NUMA cell(s):        1\r\n"
						  "Memory size:         65536 KiB\r\n"
						  "\r\n" PROMPT);
}

static void test_login_failures(void **state)
{
	struct console_config cfg = config("s3cret", true);
	static const uint64_t delays[] = { 1000, 2000, 4000 };

	start(&cfg);
	for (unsigned i = 0; i < 3; i++) {
		/* Nothing at once: the answer waits for the delay. */
		assert_string_equal(feed(i == 1 ? "s3cre\r\n" : "wrong\r\n"), "");
		assert_int_equal(failed, i + 1);
		assert_int_equal(console_session_wakeup_ms(&sess), now + delays[i]);
		assert_string_equal(poll_at(now + delays[i] - 1), "");
		if (i < 2) {
			assert_string_equal(poll_at(now + 1), "Login incorrect\r\nPassword: ");
			assert_false(console_session_closed(&sess));
		} else {
			assert_string_equal(poll_at(now + 1), "Login incorrect\r\n");
			assert_true(console_session_closed(&sess));
		}
	}
	assert_string_equal(logged, "console: login incorrect (1 of 3)\n"
				    "console: login incorrect (2 of 3)\n"
				    "console: login incorrect (3 of 3)\n"
				    "console: too many failed logins, closing the session\n");
	/* Closed: input is refused, nothing more is said. */
	reset_out();
	assert_int_equal(console_session_feed(&sess, now, (const uint8_t *)"s3cret\r\n", 8, &out),
			 0);
	assert_string_equal(outbuf, "");
	assert_int_equal(console_session_wakeup_ms(&sess), 0);
}

static void test_login_input_held_during_delay(void **state)
{
	struct console_config cfg = config("s3cret", true);

	start(&cfg);
	feed("nope\r\n");
	/* The right password, typed ahead during the delay: held, not processed. */
	assert_string_equal(feed("s3cret\r\nlist\r\n"), "");
	assert_string_equal(feed(""), "");
	assert_string_equal(poll_at(now + 999), "");
	assert_string_equal(poll_at(now + 1),
			    "Login incorrect\r\nPassword: " PROMPT " Id   Name   State\r\n"
			    "--------------------\r\n"
			    "\r\n" PROMPT);
	assert_int_equal(failed, 1);
	/* A later feed also ends a due delay. */
	feed("quit\r\n");
	assert_true(console_session_closed(&sess));
}

static void test_login_delay_ends_on_feed(void **state)
{
	struct console_config cfg = config("s3cret", true);

	start(&cfg);
	feed("nope\r\n");
	now += 1000;
	assert_string_equal(feed("s3cret\n"), "Login incorrect\r\nPassword: " PROMPT);
}

static void test_login_hold_queue_bounded(void **state)
{
	struct console_config cfg = config("s3cret", true);
	static uint8_t junk[3 * CONSOLE_IN_MAX];

	start(&cfg);
	feed("nope\r\n");
	memset(junk, 'j', sizeof(junk));
	reset_out();
	/* The LF of "nope\r\n" is held already. */
	assert_int_equal(console_session_feed(&sess, now, junk, sizeof(junk), &out),
			 CONSOLE_IN_MAX - 1);
	assert_int_equal(sess.dropped, sizeof(junk) - (CONSOLE_IN_MAX - 1));
	/* Released: the held bytes form an over-long line, still unfinished. */
	assert_string_equal(poll_at(now + 1000), "Login incorrect\r\nPassword: ");
	assert_string_equal(feed("\r\n"), "error: line too long\r\n");
	assert_int_equal(failed, 2);
}

static void test_login_constant_length_compare(void **state)
{
	struct console_config cfg = config("s3cret", true);

	/* Prefixes, extensions and an empty line are all wrong. */
	static const char *const wrong[] = { "", "s3cre", "s3cret!", "S3CRET" };

	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		char line[32];

		start(&cfg);
		snprintf(line, sizeof(line), "%s\r\n", wrong[i]);
		assert_string_equal(feed(line), "");
		assert_int_equal(console_session_wakeup_ms(&sess), now + 1000);
	}
	/* NULs are dropped from lines: one typed inside the password does not matter. */
	start(&cfg);
	assert_string_equal(feedn("s3c\0ret\r\n", 9), PROMPT);
}

static void test_no_password_refused(void **state)
{
	struct console_config cfg = config("", true);

	assert_string_equal(start(&cfg), BANNER
			    "Login refused: no password is configured ([network] password)\r\n");
	assert_true(console_session_closed(&sess));
	assert_string_equal(logged, "console: login refused: no password is configured\n");
	cfg.password = NULL;
	start(&cfg);
	assert_true(console_session_closed(&sess));
	assert_int_equal(failed, 0);
}

static void test_com1_without_login(void **state)
{
	struct console_config cfg = config("", false);

	/* No password needed at the machine, even when none is configured. */
	assert_string_equal(start(&cfg), BANNER PROMPT);
	assert_string_equal(feed("list\r"), " Id   Name   State\r\n"
					    "--------------------\r\n"
					    "\r\n" PROMPT);
	/* Without telnet, 0xff is an ordinary byte. */
	assert_string_equal(feed("\xff\r"), "error: unknown command: '\xff'\r\n" PROMPT);
}

static void test_com1_echo(void **state)
{
	struct console_config cfg = config("", false);

	cfg.echo = true;
	start(&cfg);
	assert_string_equal(feed("lisx"), "lisx");
	assert_string_equal(feed("\x7f"), "\b \b");
	assert_string_equal(feed("t\r"), "t\r\n Id   Name   State\r\n"
					 "--------------------\r\n"
					 "\r\n" PROMPT);
	/* Backspace at the start of a line erases nothing. */
	assert_string_equal(feed("\b"), "");
	/* Control bytes are not echoed. */
	assert_string_equal(feed("\x03\x1b"), "");
}

/* ------------------------------------------------------------ line input -- */

static void test_line_ends(void **state)
{
	const char *list = " Id   Name   State\r\n"
			   "--------------------\r\n"
			   "\r\n" PROMPT;

	login();
	assert_string_equal(feed("list\n"), list);
	assert_string_equal(feed("list\r\n"), list);
	assert_string_equal(feedn("list\r\0", 6), list);
	assert_string_equal(feed("list\r"), list);
	/* The LF of a CR LF split across reads is not a second (empty) line. */
	assert_string_equal(feed("list\r"), list);
	assert_string_equal(feed("\n"), "");
	assert_string_equal(feedn("\0", 1), "");
	/* Two lines in one read, and an empty line: just the prompt. */
	assert_string_equal(feed("\r\n"), PROMPT);
	assert_string_equal(feed("\n\n"), PROMPT PROMPT);
	assert_string_equal(feed("quit\r\nlist\r\n"), "");
	assert_true(console_session_closed(&sess));
}

static void test_line_editing(void **state)
{
	login();
	assert_string_equal(feed("lost\b\b\bist\r\n"), " Id   Name   State\r\n"
						       "--------------------\r\n"
						       "\r\n" PROMPT);
	assert_string_equal(feed("x\x7f\x7f\x7f"
				 "exit\r\n"),
			    "");
	assert_true(console_session_closed(&sess));
}

static void test_line_too_long(void **state)
{
	static char line[3000 + 3];

	login();
	memset(line, 'x', 3000);
	memcpy(line + 3000, "\r\n", 3);
	assert_string_equal(feed(line), "error: line too long\r\n" PROMPT);
	/* Exactly CONSOLE_LINE_MAX bytes is a line (an unknown, long command word). */
	memset(line, ' ', CONSOLE_LINE_MAX);
	memcpy(line + CONSOLE_LINE_MAX - 4, "list\r\n", 7);
	assert_string_equal(feed(line), " Id   Name   State\r\n"
					"--------------------\r\n"
					"\r\n" PROMPT);
	/* One more byte is not, even split across reads, and backspace does not save it. */
	memset(line, ' ', CONSOLE_LINE_MAX + 1);
	line[CONSOLE_LINE_MAX + 1] = '\0';
	assert_string_equal(feed(line), "");
	assert_string_equal(feed("\b\b\r\n"), "error: line too long\r\n" PROMPT);
	assert_string_equal(feed("exit\r\n"), "");
	assert_true(console_session_closed(&sess));
}

static void test_binary_garbage(void **state)
{
	uint8_t junk[64];
	size_t n = 0;

	login();
	for (uint8_t b = 1; b < 32; b++) {
		if (b != '\r' && b != '\n')
			junk[n++] = b;
	}
	memcpy(junk + n, "\xff\xfe\x00garbage\r\n", 12);
	n += 12;
	assert_string_equal(feedn(junk, n), "error: unknown command: 'garbage'\r\n" PROMPT);
	assert_string_equal(feed("\x1b[A\x1b[B\r\n"), "error: unknown command: '[A[B'\r\n" PROMPT);
}

/* ---------------------------------------------------------------- telnet -- */

static void test_telnet_iac(void **state)
{
	login();
	/* WILL/DO negotiation, a subnegotiation with IAC IAC inside, NOP, in the middle of a word. */
	assert_string_equal(feed("\xff\xfb\x01\xff\xfd\x03li\xff\xfa\x18\x01\xff\xff\x02\xff\xf0"
				 "s\xff\xf1t\r\n"),
			    " Id   Name   State\r\n"
			    "--------------------\r\n"
			    "\r\n" PROMPT);
	/* IAC IAC is the data byte 0xff, and 0xff goes back out doubled. */
	assert_string_equal(feed("a\xff\xff\r\n"),
			    "error: unknown command: 'a\xff\xff'\r\n" PROMPT);
	/* A sequence split across reads. */
	assert_string_equal(feed("ex\xff"), "");
	assert_string_equal(feed("\xfd"), "");
	assert_string_equal(feed("\x01it\r\n"), "");
	assert_true(console_session_closed(&sess));
}

static void test_telnet_iac_in_password(void **state)
{
	struct console_config cfg = config("pa\xffss", true);

	start(&cfg);
	assert_string_equal(feed("\xff\xfd\x18pa\xff\xffss\r\n"), PROMPT);
}

/* ---------------------------------------------------------------- define -- */

static void test_define_ok(void **state)
{
	login();
	assert_string_equal(feed("define\r\n"), "");
	assert_string_equal(feed("[vm echo2]\r\nmemory = 4M\r\n"), "");
	assert_string_equal(feed("kernel = guests/echo.elf\r\n.\r\n"),
			    "Domain 'echo2' defined\r\n\r\n" PROMPT);
	assert_string_equal(fake.defined, "[vm echo2]\nmemory = 4M\nkernel = guests/echo.elf\n");
	/* A line that is not just "." does not end it; nor do commands run inside. */
	feed("define\r\n. \r\nquit\r\n");
	assert_false(console_session_closed(&sess));
	assert_string_equal(feed(".\n"), "Domain 'echo2' defined\r\n\r\n" PROMPT);
	assert_string_equal(fake.defined, ". \nquit\n");
}

static void test_define_refused(void **state)
{
	login();
	fake.refuse = "vm bad: memory: 'lots' is not a size";
	assert_string_equal(feed("define\r\n[vm bad]\r\nmemory = lots\r\n.\r\n"),
			    "error: Failed to define domain\r\n"
			    "error: vm bad: memory: 'lots' is not a size\r\n"
			    "\r\n" PROMPT);
}

static void test_define_too_big(void **state)
{
	static char line[130];

	login();
	feed("define\r\n");
	memset(line, 'k', 126);
	memcpy(line + 126, "\r\n", 3);
	/* 32 lines of 127 bytes (LF counted) is 4064 bytes: fits. One more does not. */
	for (int i = 0; i < 32; i++)
		assert_string_equal(feed(line), "");
	assert_string_equal(feed(".\r\n"), "Domain 'echo2' defined\r\n\r\n" PROMPT);
	assert_int_equal(fake.defined_len, 32 * 127);

	feed("define\r\n");
	for (int i = 0; i < 40; i++)
		assert_string_equal(feed(line), "");
	assert_string_equal(feed(".\r\n"), "error: Failed to define domain\r\n"
					   "error: definition longer than 4096 bytes\r\n"
					   "\r\n" PROMPT);
	assert_int_equal(fake.calls, 1);
}

static void test_define_line_too_long(void **state)
{
	static char line[CONSOLE_LINE_MAX + 8];

	login();
	feed("define\r\n[vm x]\r\n");
	memset(line, 'v', CONSOLE_LINE_MAX + 1);
	memcpy(line + CONSOLE_LINE_MAX + 1, "\r\n", 3);
	assert_string_equal(feed(line), "error: line too long\r\n");
	assert_string_equal(feed("memory = 4M\r\n.\r\n"),
			    "error: Failed to define domain\r\n"
			    "error: a line of the definition is longer than 2048 bytes\r\n"
			    "\r\n" PROMPT);
	assert_int_equal(fake.calls, 0);
}

/* --------------------------------------------------------------- console -- */

static void test_console_attach_detach(void **state)
{
	struct fake_backend_dom *web;

	fake_backend_add(&fake, "off", 0);
	web = fake_backend_add(&fake, "web", 1);
	fake_backend_guest_says(web, "echo: ready\r\n", 13);
	login();
	assert_string_equal(feed("console ghost\r\n"),
			    "error: failed to get domain 'ghost'\r\n\r\n" PROMPT);
	assert_string_equal(feed("console off\r\n"),
			    "error: The domain is not running\r\n\r\n" PROMPT);

	assert_string_equal(feed("console web\r\n"),
			    "Connected to domain 'web'\r\nEscape character is ^]\r\n");
	assert_string_equal(console_session_attached(&sess), "web");
	assert_int_equal(console_session_wakeup_ms(&sess), now);
	/* What the guest printed before is replayed. */
	assert_string_equal(poll_at(now + 10), "echo: ready\r\n");
	assert_string_equal(poll_at(now + 10), "");

	/* Client to guest: raw, but CR LF and CR NUL become the CR a terminal sends. */
	assert_string_equal(feed("hello strata\r\n"), "");
	assert_string_equal(feedn("x\r\0y\tz\x01", 7), "");
	assert_int_equal(web->rx_len, 19);
	assert_memory_equal(web->rx, "hello strata\rx\ry\tz\x01", 19);
	/* Guest to client: raw, LF not rewritten, 0xff doubled for telnet. */
	fake_backend_guest_says(web, "echo: hello strata\n\xff", 20);
	assert_string_equal(poll_at(now + 10), "echo: hello strata\n\xff\xff");

	/* ^] detaches; the rest of the read is a command. */
	assert_string_equal(feed("ab\x1dlist\r\n"), "\r\n" PROMPT " Id   Name   State\r\n"
						    "----------------------\r\n"
						    " 1    web    running\r\n"
						    "\r\n" PROMPT);
	assert_int_equal(web->rx_len, 21);
	assert_null(console_session_attached(&sess));
	assert_int_equal(console_session_wakeup_ms(&sess), 0);
}

static void test_console_replay_is_bounded(void **state)
{
	struct fake_backend_dom *web = fake_backend_add(&fake, "web", 1);
	char history[3000];
	const char *got;

	for (size_t i = 0; i < sizeof(history); i++)
		history[i] = (char)('a' + i % 26);
	fake_backend_guest_says(web, history, sizeof(history));
	login();
	feed("console web\r\n");
	got = poll_at(now + 1);
	assert_int_equal(strlen(got), MGMT_CMD_CONSOLE_REPLAY);
	assert_memory_equal(got, history + sizeof(history) - MGMT_CMD_CONSOLE_REPLAY,
			    MGMT_CMD_CONSOLE_REPLAY);
}

static void test_console_guest_stops(void **state)
{
	struct fake_backend_dom *web = fake_backend_add(&fake, "web", 1);

	login();
	feed("console web\r\n");
	fake_backend_guest_says(web, "bye\r\n", 5);
	web->d.id = 0;
	/* The guest is gone: back at the prompt, as virsh console returns. */
	assert_string_equal(poll_at(now + 1), "\r\n" PROMPT);
	assert_null(console_session_attached(&sess));
	/* A ^] sent after that is an ignored control byte. */
	assert_string_equal(feed("\x1d"), "");

	/* Input for a guest that stopped also detaches. */
	web->d.id = 1;
	feed("console web\r\n");
	web->d.id = 0;
	assert_string_equal(feed("x"), "\r\n" PROMPT);
}

static void test_console_guest_receiver_full(void **state)
{
	struct fake_backend_dom *web = fake_backend_add(&fake, "web", 1);
	static uint8_t typed[CONSOLE_TX_MAX + 100];

	login();
	feed("console web\r\n");
	web->rx_room = 0;
	memset(typed, 't', sizeof(typed));
	/* The session keeps CONSOLE_TX_MAX bytes and holds the rest as input. */
	assert_string_equal(feedn(typed, sizeof(typed)), "");
	assert_int_equal(web->rx_len, 0);
	assert_int_equal(console_session_wakeup_ms(&sess), now);
	web->rx_room = 64;
	poll_at(now + 1);
	assert_int_equal(web->rx_len, 64);
	web->rx_room = SIZE_MAX;
	poll_at(now + 1);
	assert_int_equal(web->rx_len, sizeof(typed));
	assert_int_equal(sess.dropped, 0);
}

static void test_quit_and_exit(void **state)
{
	login();
	assert_string_equal(feed("exit\r\n"), "");
	assert_true(console_session_closed(&sess));
	login();
	assert_string_equal(feed("  quit  \r\n"), "");
	assert_true(console_session_closed(&sess));
}

/* ------------------------------------------------------- output budget -- */

static void test_output_room(void **state)
{
	static char small[CONSOLE_OUT_RESERVE + 600];
	struct textbuf tb;
	unsigned prompts = 0;
	char *p;

	login();
	/* Ten commands in one read; out has room for about one reply at a time. */
	textbuf_init(&tb, small, sizeof(small));
	assert_int_equal(console_session_feed(&sess, now,
					      (const uint8_t *)"help\r\nhelp\r\nhelp\r\nhelp\r\n"
							       "help\r\nhelp\r\nhelp\r\nhelp\r\n"
							       "help\r\nhelp\r\n",
					      60, &tb),
			 60);
	assert_false(tb.truncated);
	for (int pass = 0; pass < 20 && console_session_wakeup_ms(&sess); pass++) {
		for (p = small; (p = strstr(p, PROMPT)); p++)
			prompts++;
		textbuf_init(&tb, small, sizeof(small));
		console_session_poll(&sess, now, &tb);
		assert_false(tb.truncated);
	}
	for (p = small; (p = strstr(p, PROMPT)); p++)
		prompts++;
	assert_int_equal(prompts, 10);
}

static void test_input_waits_for_room(void **state)
{
	static char tiny[100];
	struct textbuf tb;

	login();
	/* Too little room for a reply: the line waits instead of being answered cut short. */
	textbuf_init(&tb, tiny, sizeof(tiny));
	assert_int_equal(console_session_feed(&sess, now, (const uint8_t *)"list\r\n", 6, &tb), 6);
	assert_int_equal(tb.len, 0);
	assert_false(tb.truncated);
	assert_int_equal(console_session_wakeup_ms(&sess), now);
	assert_string_equal(poll_at(now + 1), " Id   Name   State\r\n"
					      "--------------------\r\n"
					      "\r\n" PROMPT);
	assert_int_equal(console_session_wakeup_ms(&sess), 0);
}

static void test_last_activity(void **state)
{
	login();
	assert_int_equal(console_session_last_activity_ms(&sess), now);
	poll_at(now + 5000);
	assert_int_equal(console_session_last_activity_ms(&sess), now - 5000);
	feed("\r\n");
	assert_int_equal(console_session_last_activity_ms(&sess), now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_login_ok, setup),
		cmocka_unit_test_setup(test_login_failures, setup),
		cmocka_unit_test_setup(test_login_input_held_during_delay, setup),
		cmocka_unit_test_setup(test_login_delay_ends_on_feed, setup),
		cmocka_unit_test_setup(test_login_hold_queue_bounded, setup),
		cmocka_unit_test_setup(test_login_constant_length_compare, setup),
		cmocka_unit_test_setup(test_no_password_refused, setup),
		cmocka_unit_test_setup(test_com1_without_login, setup),
		cmocka_unit_test_setup(test_com1_echo, setup),
		cmocka_unit_test_setup(test_line_ends, setup),
		cmocka_unit_test_setup(test_line_editing, setup),
		cmocka_unit_test_setup(test_line_too_long, setup),
		cmocka_unit_test_setup(test_binary_garbage, setup),
		cmocka_unit_test_setup(test_telnet_iac, setup),
		cmocka_unit_test_setup(test_telnet_iac_in_password, setup),
		cmocka_unit_test_setup(test_define_ok, setup),
		cmocka_unit_test_setup(test_define_refused, setup),
		cmocka_unit_test_setup(test_define_too_big, setup),
		cmocka_unit_test_setup(test_define_line_too_long, setup),
		cmocka_unit_test_setup(test_console_attach_detach, setup),
		cmocka_unit_test_setup(test_console_replay_is_bounded, setup),
		cmocka_unit_test_setup(test_console_guest_stops, setup),
		cmocka_unit_test_setup(test_console_guest_receiver_full, setup),
		cmocka_unit_test_setup(test_quit_and_exit, setup),
		cmocka_unit_test_setup(test_output_room, setup),
		cmocka_unit_test_setup(test_input_waits_for_room, setup),
		cmocka_unit_test_setup(test_last_activity, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
