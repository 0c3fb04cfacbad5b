/*
 * The console session state machine; see console.h for the protocol and
 * the contract. The commands and their texts are commands.c's; this file
 * owns the bytes: telnet stripping, line assembly, login, the define and
 * attach modes, and the wire form of the output (CR LF, IAC IAC).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/mgmt/console.h"

_Static_assert(sizeof(struct console_session) <= CONSOLE_SESSION_SIZE_MAX,
	       "console.h documents the session's size");
_Static_assert(CONSOLE_IN_MAX >= CONSOLE_LINE_MAX + 2, "a whole line, CR LF included, can wait");

/* RFC 854, "TELNET COMMAND STRUCTURE". */
#define TELNET_SE   240
#define TELNET_SB   250
#define TELNET_WILL 251
#define TELNET_DONT 254
#define TELNET_IAC  255

enum telnet_state {
	TN_DATA,   /* plain data */
	TN_IAC,    /* after IAC */
	TN_OPTION, /* after IAC WILL/WONT/DO/DONT: the option byte follows */
	TN_SB,     /* inside IAC SB ... IAC SE */
	TN_SB_IAC, /* IAC inside a subnegotiation */
};

/* Room `out` needs for a reply that is not a command's: "Login incorrect", a detach. */
#define SHORT_REPLY 64

#define BS  0x08
#define DEL 0x7f

#define STR_(x) #x
#define STR(x)  STR_(x)

/* Why a definition is refused before the backend sees it. */
#define DEF_TOO_BIG       "definition longer than " STR(MGMT_DEFINE_MAX) " bytes"
#define DEF_LINE_TOO_LONG "a line of the definition is longer than " STR(CONSOLE_LINE_MAX) " bytes"

/* ------------------------------------------------------------- output -- */

/*
 * Rewrite out->data[start..len) into its wire form in place: "\n" becomes
 * CR LF and, on a telnet session, 0xff becomes IAC IAC. What no longer
 * fits is cut at a whole byte's expansion and marks out as truncated.
 */
static void wire_form(const struct console_session *s, struct textbuf *out, size_t start)
{
	size_t max = out->cap ? out->cap - 1 : 0;
	size_t end = start, len = start, d;

	while (end < out->len) {
		unsigned char c = (unsigned char)out->data[end];
		size_t w = (c == '\n' || (s->cfg.telnet && c == TELNET_IAC)) ? 2 : 1;

		if (len + w > max) {
			out->truncated = true;
			break;
		}
		len += w;
		end++;
	}
	/* Back to front: the write position never passes the read position. */
	d = len;
	for (size_t i = end; i > start; i--) {
		unsigned char c = (unsigned char)out->data[i - 1];

		out->data[--d] = (char)c;
		if (c == '\n')
			out->data[--d] = '\r';
		else if (s->cfg.telnet && c == TELNET_IAC)
			out->data[--d] = (char)c;
	}
	out->len = len;
	if (out->cap)
		out->data[len] = '\0';
}

static void put(const struct console_session *s, struct textbuf *out, const char *text)
{
	size_t start = out->len;

	textbuf_puts(out, text);
	wire_form(s, out, start);
}

/* Guest console bytes: unchanged, but for IAC doubling on a telnet session. */
static void put_guest(const struct console_session *s, struct textbuf *out, const uint8_t *b,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		textbuf_putc(out, (char)b[i]);
		if (s->cfg.telnet && b[i] == TELNET_IAC)
			textbuf_putc(out, (char)b[i]);
	}
}

static size_t out_room(const struct textbuf *out)
{
	return out->cap > out->len + 1 ? out->cap - 1 - out->len : 0;
}

static void log_line(const struct console_session *s, const char *msg)
{
	if (s->cfg.log)
		s->cfg.log(s->cfg.log_ctx, msg);
}

static void prompt(struct console_session *s, struct textbuf *out)
{
	s->mode = CONSOLE_COMMAND;
	put(s, out, CONSOLE_PROMPT);
}

/* -------------------------------------------------------------- login -- */

/*
 * Constant time over the configured password's length: every byte of it
 * is compared whatever the input holds, and the input's own length (which
 * the client knows anyway) only selects zeros past its end.
 */
static bool password_ok(const struct console_session *s)
{
	const char *want = s->cfg.password;
	unsigned diff = s->line_len != s->password_len;

	for (size_t i = 0; i < s->password_len; i++) {
		unsigned char got = i < s->line_len ? (unsigned char)s->line[i] : 0;

		diff |= (unsigned char)want[i] ^ got;
	}
	return diff == 0;
}

static void login_failed(struct console_session *s)
{
	char msg[64];

	s->failures++;
	if (s->cfg.failed_logins)
		(*s->cfg.failed_logins)++;
	snprintf(msg, sizeof(msg), "console: login incorrect (%u of %d)", s->failures,
		 CONSOLE_LOGIN_TRIES);
	log_line(s, msg);
	s->hold_until_ms = s->now_ms + ((uint64_t)CONSOLE_DELAY_MS << (s->failures - 1));
	s->mode = CONSOLE_LOGIN_DELAY;
}

static void login_line(struct console_session *s, struct textbuf *out)
{
	if (!password_ok(s)) {
		login_failed(s);
		return;
	}
	s->failures = 0;
	prompt(s, out);
}

/* The delay after a wrong password is over: say so, then ask again or close. */
static void login_release(struct console_session *s, struct textbuf *out)
{
	put(s, out, "Login incorrect\n");
	if (s->failures >= CONSOLE_LOGIN_TRIES) {
		log_line(s, "console: too many failed logins, closing the session");
		s->mode = CONSOLE_CLOSED;
		return;
	}
	put(s, out, CONSOLE_PASSWORD_ASK);
	s->mode = CONSOLE_LOGIN;
}

/* ------------------------------------------------------------- attach -- */

static void detach(struct console_session *s, struct textbuf *out)
{
	s->tx_len = 0;
	s->line_len = 0;
	s->attached[0] = '\0';
	/* vshCommandRun()'s empty line once `console` returns. */
	put(s, out, "\n");
	prompt(s, out);
}

/* Hand pending input to the guest. False when the guest is gone (then detached). */
static bool tx_flush(struct console_session *s, struct textbuf *out)
{
	const struct mgmt_backend *be = s->cfg.backend;
	long n;

	if (!s->tx_len)
		return true;
	n = be->console_write(be->ctx, s->attached, s->tx, s->tx_len);
	if (n < 0) {
		detach(s, out);
		return false;
	}
	if ((size_t)n > s->tx_len)
		n = (long)s->tx_len;
	memmove(s->tx, s->tx + n, s->tx_len - (size_t)n);
	s->tx_len -= (size_t)n;
	return true;
}

static void attached_byte(struct console_session *s, uint8_t b, struct textbuf *out)
{
	if (b == CONSOLE_ESCAPE) {
		tx_flush(s, out);
		if (s->mode == CONSOLE_ATTACHED)
			detach(s, out);
		return;
	}
	/* A serial terminal sends CR for Enter: CR LF and CR NUL (telnet's) become CR. */
	if (b == '\r')
		s->after_cr = true;
	if (s->tx_len < sizeof(s->tx))
		s->tx[s->tx_len++] = b;
}

/* ------------------------------------------------------------ commands -- */

static void run_command(struct console_session *s, struct textbuf *out)
{
	const struct mgmt_backend *be = s->cfg.backend;
	size_t start = out->len;
	enum mgmt_cmd_result r;

	r = mgmt_cmd_run(&s->cmd, s->line, s->line_len, be, out);
	wire_form(s, out, start);
	switch (r) {
	case MGMT_CMD_DONE:
		prompt(s, out);
		break;
	case MGMT_CMD_DEFINE:
		s->def_len = 0;
		s->def_error = NULL;
		s->mode = CONSOLE_DEFINE;
		break;
	case MGMT_CMD_CONSOLE:
		start = out->len;
		if (mgmt_cmd_console_attach(be, s->cmd.domain, s->attached, &s->cursor, out)) {
			wire_form(s, out, start);
			prompt(s, out);
			break;
		}
		wire_form(s, out, start);
		s->tx_len = 0;
		s->mode = CONSOLE_ATTACHED;
		break;
	case MGMT_CMD_QUIT:
		s->mode = CONSOLE_CLOSED;
		break;
	}
}

static void define_line(struct console_session *s, struct textbuf *out)
{
	size_t start = out->len;

	if (s->line_len == 1 && s->line[0] == '.') {
		if (s->def_error) {
			mgmt_cmd_define_failed(s->def_error, out);
		} else {
			s->def[s->def_len] = '\0';
			mgmt_cmd_define(s->cfg.backend, s->def, s->def_len, out);
		}
		wire_form(s, out, start);
		prompt(s, out);
		return;
	}
	if (s->def_error)
		return;
	if (s->def_len + s->line_len + 1 > MGMT_DEFINE_MAX) {
		s->def_error = DEF_TOO_BIG;
		return;
	}
	memcpy(s->def + s->def_len, s->line, s->line_len);
	s->def_len += s->line_len;
	s->def[s->def_len++] = '\n';
}

/* ---------------------------------------------------------------- lines -- */

static void end_line(struct console_session *s, struct textbuf *out)
{
	if (s->cfg.echo)
		put(s, out, "\n");
	if (s->too_long) {
		s->too_long = false;
		put(s, out, "error: line too long\n");
		if (s->mode == CONSOLE_LOGIN)
			login_failed(s);
		else if (s->mode == CONSOLE_DEFINE)
			s->def_error = DEF_LINE_TOO_LONG;
		else
			prompt(s, out);
	} else if (s->mode == CONSOLE_LOGIN) {
		login_line(s, out);
	} else if (s->mode == CONSOLE_DEFINE) {
		define_line(s, out);
	} else {
		run_command(s, out);
	}
	s->line_len = 0;
}

static void line_byte(struct console_session *s, uint8_t b, struct textbuf *out)
{
	bool secret = s->mode == CONSOLE_LOGIN;

	if (b == '\r' || b == '\n') {
		s->after_cr = b == '\r';
		end_line(s, out);
	} else if (b == BS || b == DEL) {
		if (s->line_len && !s->too_long) {
			s->line_len--;
			if (s->cfg.echo && !secret)
				put(s, out, "\b \b");
		}
	} else if (b < 0x20 && b != '\t') {
		/* NUL, ^C, ESC, ^] at the prompt...: dropped. */
	} else if (s->line_len >= CONSOLE_LINE_MAX || s->too_long) {
		s->too_long = true;
	} else {
		s->line[s->line_len++] = (char)b;
		if (s->cfg.echo && !secret) {
			char echo[2] = { (char)b, '\0' };

			put(s, out, echo);
		}
	}
}

/* RFC 854 command stripping. Returns true with *b a data byte. */
static bool telnet_byte(struct console_session *s, uint8_t *b)
{
	switch ((enum telnet_state)s->telnet_state) {
	case TN_DATA:
		if (*b != TELNET_IAC)
			return true;
		s->telnet_state = TN_IAC;
		return false;
	case TN_IAC:
		s->telnet_state = TN_DATA;
		if (*b == TELNET_IAC)
			return true; /* IAC IAC: the data byte 255 */
		if (*b >= TELNET_WILL && *b <= TELNET_DONT)
			s->telnet_state = TN_OPTION;
		else if (*b == TELNET_SB)
			s->telnet_state = TN_SB;
		return false;
	case TN_OPTION:
		s->telnet_state = TN_DATA;
		return false;
	case TN_SB:
		if (*b == TELNET_IAC)
			s->telnet_state = TN_SB_IAC;
		return false;
	case TN_SB_IAC:
		s->telnet_state = *b == TELNET_SE ? TN_DATA : TN_SB;
		return false;
	}
	s->telnet_state = TN_DATA;
	return false;
}

static void input_byte(struct console_session *s, uint8_t b, struct textbuf *out)
{
	if (s->cfg.telnet && !telnet_byte(s, &b))
		return;
	if (s->after_cr) {
		s->after_cr = false;
		if (b == '\n' || b == '\0')
			return;
	}
	if (s->mode == CONSOLE_ATTACHED)
		attached_byte(s, b, out);
	else
		line_byte(s, b, out);
}

/* ----------------------------------------------------------------- run -- */

static bool can_take_input(struct console_session *s, struct textbuf *out)
{
	if (s->mode == CONSOLE_CLOSED || s->mode == CONSOLE_LOGIN_DELAY)
		return false;
	/*
	 * Room for the largest reply one byte can cause, or the byte waits:
	 * a reply cut short would be lost, while waiting input is TCP's
	 * backpressure (the client that does not read stops being read).
	 */
	if (out_room(out) < CONSOLE_OUT_RESERVE)
		return false;
	if (s->mode == CONSOLE_ATTACHED && s->tx_len == sizeof(s->tx)) {
		tx_flush(s, out); /* may detach: the guest is gone */
		return s->mode != CONSOLE_ATTACHED || s->tx_len < sizeof(s->tx);
	}
	return true;
}

static void run(struct console_session *s, struct textbuf *out)
{
	if (s->mode == CONSOLE_LOGIN_DELAY && s->now_ms >= s->hold_until_ms &&
	    out_room(out) >= SHORT_REPLY)
		login_release(s, out);
	while (s->in_len && can_take_input(s, out)) {
		uint8_t b = s->in[s->in_head];

		s->in_head = (s->in_head + 1) % sizeof(s->in);
		s->in_len--;
		input_byte(s, b, out);
	}
	if (s->mode == CONSOLE_ATTACHED)
		tx_flush(s, out);
	if (s->mode == CONSOLE_CLOSED)
		s->in_len = 0;
}

/* Guest output to the client, as much as out has room for. */
static void pump(struct console_session *s, struct textbuf *out)
{
	const struct mgmt_backend *be = s->cfg.backend;

	while (s->mode == CONSOLE_ATTACHED) {
		size_t room = out_room(out);
		size_t cap;
		long n;

		/* Keep room for the prompt should the guest be gone; each byte may double. */
		if (room <= SHORT_REPLY)
			return;
		cap = s->cfg.telnet ? (room - SHORT_REPLY) / 2 : room - SHORT_REPLY;
		if (cap > sizeof(s->pump))
			cap = sizeof(s->pump);
		if (!cap)
			return;
		n = be->console_read(be->ctx, s->attached, &s->cursor, s->pump, cap);
		if (n < 0) {
			/* The guest stopped: back to the prompt, as virsh console returns. */
			detach(s, out);
			return;
		}
		if ((size_t)n > cap)
			n = (long)cap;
		put_guest(s, out, s->pump, (size_t)n);
		if ((size_t)n < cap)
			return;
	}
}

/* --------------------------------------------------------------- public -- */

void console_session_init(struct console_session *s, const struct console_config *cfg,
			  uint64_t now_ms, struct textbuf *out)
{
	size_t start;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (!s->cfg.password)
		s->cfg.password = "";
	s->password_len = strnlen(s->cfg.password, CONSOLE_LINE_MAX + 1);
	s->now_ms = now_ms;
	s->last_activity_ms = now_ms;

	start = out->len;
	textbuf_printf(out, "Strata %s management console\n",
		       s->cfg.version ? s->cfg.version : "unknown");
	wire_form(s, out, start);
	if (!s->cfg.require_login) {
		prompt(s, out);
	} else if (!s->password_len) {
		put(s, out, "Login refused: no password is configured ([network] password)\n");
		log_line(s, "console: login refused: no password is configured");
		s->mode = CONSOLE_CLOSED;
	} else {
		put(s, out, CONSOLE_PASSWORD_ASK);
		s->mode = CONSOLE_LOGIN;
	}
}

size_t console_session_feed(struct console_session *s, uint64_t now_ms, const uint8_t *bytes,
			    size_t n, struct textbuf *out)
{
	size_t taken = 0;

	s->now_ms = now_ms;
	if (s->mode == CONSOLE_CLOSED)
		return 0;
	if (n)
		s->last_activity_ms = now_ms;
	while (taken < n && s->in_len < sizeof(s->in)) {
		s->in[(s->in_head + s->in_len) % sizeof(s->in)] = bytes[taken++];
		s->in_len++;
		/* Keep the queue short: process as we go when nothing holds input back. */
		if (s->in_len == sizeof(s->in))
			run(s, out);
	}
	s->dropped += n - taken;
	run(s, out);
	return taken;
}

void console_session_poll(struct console_session *s, uint64_t now_ms, struct textbuf *out)
{
	s->now_ms = now_ms;
	run(s, out);
	if (s->mode == CONSOLE_ATTACHED)
		pump(s, out);
}

uint64_t console_session_wakeup_ms(const struct console_session *s)
{
	if (s->mode == CONSOLE_LOGIN_DELAY)
		return s->hold_until_ms;
	if (s->mode == CONSOLE_ATTACHED || (s->mode != CONSOLE_CLOSED && s->in_len))
		return s->now_ms ? s->now_ms : 1;
	return 0;
}

bool console_session_closed(const struct console_session *s)
{
	return s->mode == CONSOLE_CLOSED;
}

const char *console_session_attached(const struct console_session *s)
{
	return s->mode == CONSOLE_ATTACHED ? s->attached : NULL;
}

uint64_t console_session_last_activity_ms(const struct console_session *s)
{
	return s->last_activity_ms;
}
