/*
 * One management console session (docs/MANAGEMENT.md, "Console
 * protocol"): a state machine fed with the bytes a client sent, writing
 * what to send back into a textbuf. No I/O and no clock of its own: the
 * caller passes the time into every call and moves the bytes (a TCP
 * connection of net/tcp_service.h, or COM1 for someone at the machine).
 *
 *   banner, "Password: "  -> LOGIN -> (wrong: a delay of 1 s, 2 s, 4 s,
 *   then "Login incorrect"; the third closes) -> "strata# " COMMAND
 *   COMMAND -> `define`   -> DEFINE (lines up to ".") -> COMMAND
 *   COMMAND -> `console`  -> ATTACHED (bytes both ways, ^] detaches) -> COMMAND
 *   quit, exit, a third failure, no password configured -> CLOSED
 *
 * Input: telnet commands (RFC 854: IAC IAC is a data byte 0xff, IAC
 * WILL/WONT/DO/DONT x is dropped, IAC SB ... IAC SE is dropped, any other
 * IAC x too) are stripped when config.telnet is set; lines end in LF, CR
 * LF or CR NUL; backspace and DEL erase the byte before; other control
 * bytes (NUL, ^C, ESC...) are dropped; a line longer than
 * CONSOLE_LINE_MAX bytes is answered "error: line too long" once it ends.
 * Output: lines end in CR LF; with config.telnet a 0xff byte is sent as
 * IAC IAC. Guest console output passes through unchanged otherwise.
 *
 * Input the session cannot take yet (during a login delay, while the
 * guest's receiver is full, or while `out` has less than
 * CONSOLE_OUT_RESERVE bytes of room, so that no reply is ever cut short)
 * waits in the session, up to CONSOLE_IN_MAX bytes; past that it is
 * dropped and counted in `dropped`. A caller whose `out` is the room its
 * transport has left gets TCP's backpressure this way: a client that does
 * not read its replies is answered later, and what it keeps sending is
 * dropped.
 *
 * Everything lives in struct console_session (about 13 KiB, see
 * CONSOLE_SESSION_SIZE_MAX); nothing is allocated. The idle timeout is the
 * caller's (console_session_last_activity_ms() helps).
 */
#ifndef STRATA_MGMT_CONSOLE_H
#define STRATA_MGMT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mgmt/backend.h"
#include "net/mgmt/commands.h"
#include "net/mgmt/textbuf.h"

#define CONSOLE_LINE_MAX     MGMT_CMD_LINE_MAX       /* bytes of one input line */
#define CONSOLE_IN_MAX       (CONSOLE_LINE_MAX + 64) /* held input: a whole line and its end */
#define CONSOLE_TX_MAX       256  /* bytes for the guest while its receiver is full */
#define CONSOLE_PUMP_MAX     512  /* guest output read per backend call */
#define CONSOLE_LOGIN_TRIES  3    /* the third wrong password closes the session */
#define CONSOLE_DELAY_MS     1000 /* the first failure's delay; doubles with each */
#define CONSOLE_OUT_RESERVE  2048 /* room `out` needs before a byte of input is taken */
#define CONSOLE_OUT_MIN      4096 /* a good capacity for the caller's `out`: a reply or more */
#define CONSOLE_PROMPT       "strata# "
#define CONSOLE_PASSWORD_ASK "Password: "
#define CONSOLE_ESCAPE       0x1d /* ^] detaches from a guest console */

struct console_config {
	const struct mgmt_backend *backend;
	/* The [network] password; "" (or NULL) refuses every login. Kept by reference. */
	const char *password;
	bool require_login; /* false for the session on COM1, at the machine */
	bool telnet;        /* strip IAC sequences, send 0xff as IAC IAC (network sessions) */
	bool echo;          /* echo what is typed (a serial terminal; never the password) */
	const char *version;
	uint64_t *failed_logins; /* host-wide count the session increments; may be NULL */
	/* One line per failed or refused login, for COM1; may be NULL. */
	void (*log)(void *log_ctx, const char *msg);
	void *log_ctx;
};

enum console_mode {
	CONSOLE_LOGIN,       /* waiting for the password line */
	CONSOLE_LOGIN_DELAY, /* after a wrong one: input held until hold_until_ms */
	CONSOLE_COMMAND,     /* at the prompt */
	CONSOLE_DEFINE,      /* collecting a definition, up to a "." line */
	CONSOLE_ATTACHED,    /* connected to a guest's serial console */
	CONSOLE_CLOSED,      /* the caller sends what is in `out` and closes */
};

/* Owned by console.c; the caller only allocates it (statically, or one per connection). */
struct console_session {
	struct console_config cfg;
	size_t password_len;
	enum console_mode mode;
	uint8_t telnet_state;
	bool after_cr; /* the last line ended in CR: a LF or NUL right after is part of it */
	bool too_long; /* the current line passed CONSOLE_LINE_MAX: discarded up to its end */
	unsigned failures;
	uint64_t hold_until_ms;
	uint64_t now_ms;
	uint64_t last_activity_ms;
	uint64_t dropped; /* input bytes dropped because the hold queue was full */

	size_t line_len;
	char line[CONSOLE_LINE_MAX + 1];

	size_t def_len;
	const char *def_error; /* why the definition being collected will be refused */
	char def[MGMT_DEFINE_MAX + 1];

	char attached[MGMT_NAME_MAX]; /* the guest, in CONSOLE_ATTACHED */
	uint64_t cursor;              /* its console output read so far */
	size_t tx_len;
	uint8_t tx[CONSOLE_TX_MAX];
	uint8_t pump[CONSOLE_PUMP_MAX];

	size_t in_head, in_len; /* ring of held input */
	uint8_t in[CONSOLE_IN_MAX];

	struct mgmt_cmd cmd;
};

#define CONSOLE_SESSION_SIZE_MAX (14 * 1024)

/*
 * Start a session: the banner, then "Password: " (or the prompt when
 * login is not required, or the refusal and CLOSED when no password is
 * configured). cfg is copied; the strings and the counter it points to
 * must outlive the session.
 */
void console_session_init(struct console_session *s, const struct console_config *cfg,
			  uint64_t now_ms, struct textbuf *out);

/*
 * Bytes from the client, in order. Appends the replies to out (which the
 * caller sends, then empties or keeps appending to). Returns how many of
 * the n bytes were taken (processed or held); the rest were dropped:
 * the hold queue is full, or the session is closed.
 */
size_t console_session_feed(struct console_session *s, uint64_t now_ms, const uint8_t *bytes,
			    size_t n, struct textbuf *out);

/*
 * Time passing: ends a login delay, processes held input, and while
 * attached moves guest console output to out and pending input to the
 * guest. Call it at console_session_wakeup_ms(), and on every pass of the
 * caller's loop while attached.
 */
void console_session_poll(struct console_session *s, uint64_t now_ms, struct textbuf *out);

/*
 * When console_session_poll() is next needed: 0 for "only when input
 * arrives"; a time in the future during a login delay; the last now_ms
 * seen (poll on every pass) while attached or while input waits for room
 * in out.
 */
uint64_t console_session_wakeup_ms(const struct console_session *s);

/* True once the session is over: send what is in out, then close the connection. */
bool console_session_closed(const struct console_session *s);

/* The domain whose console the session is attached to, or NULL. */
const char *console_session_attached(const struct console_session *s);

/* now_ms of the last call that brought input (or of the start). */
uint64_t console_session_last_activity_ms(const struct console_session *s);

#endif
