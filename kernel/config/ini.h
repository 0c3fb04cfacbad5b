/*
 * Tokenizer for Strata's INI-like configuration format (docs/CONFIG.md).
 *
 *   # comment            ; comment
 *   [host]               a section
 *   [vm web]             a section with a NAME
 *   log_level = info     key = value (whitespace around both is trimmed)
 *   cmdline = "console=ttyS0 quiet"   double quotes keep spaces; \" and \\
 *
 * Pure logic: no allocation, no hardware, no globals. It walks a (text,
 * length) buffer that need not be NUL-terminated and hands out one event per
 * meaningful line through an iterator:
 *
 *	struct ini_parser p;
 *	struct ini_event ev;
 *
 *	ini_init(&p, text, len);
 *	while (ini_next(&p, &ev))
 *		switch (ev.type) { ... }
 *
 * A malformed line yields an INI_ERROR event with its line number and a
 * reason, and the walk goes on at the next line, so one typo never hides
 * the rest of the file. The tokenizer knows no section or key names: the
 * schema lives in its users (kernel/config/hostconf.c,
 * scripts/conffiles.c).
 */
#ifndef STRATA_CONFIG_INI_H
#define STRATA_CONFIG_INI_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Documented limits (docs/CONFIG.md). Longer input is an error, never
 * truncated silently. INI_MAX_VALUE leaves room for a Linux command line
 * (COMMAND_LINE_SIZE is 2048 on x86, but real ones are far shorter and the
 * event lives on the stack); INI_MAX_LINE bounds a whole line excluding
 * its line ending, which is enough for a value at INI_MAX_VALUE with a few
 * escapes.
 */
#define INI_MAX_LINE    2048 /* bytes per line */
#define INI_MAX_SECTION 32   /* bytes of a section word, e.g. "network" */
#define INI_MAX_NAME    32   /* bytes of a section NAME, e.g. "web" */
#define INI_MAX_KEY     32   /* bytes of a key */
#define INI_MAX_VALUE   1024 /* bytes of a value after unquoting */

enum ini_event_type {
	INI_SECTION, /* a [section] or [section NAME] header */
	INI_KEY,     /* a key = value line */
	INI_ERROR,   /* a malformed line; see ini_event.reason */
};

struct ini_event {
	enum ini_event_type type;
	unsigned line; /* 1-based line number of the line that made the event */
	/*
	 * The section the line belongs to: for INI_SECTION the new one, for
	 * INI_KEY and INI_ERROR the current one ("" before any header and
	 * after a malformed header). `name` is "" when the header had none.
	 */
	char section[INI_MAX_SECTION + 1];
	char name[INI_MAX_NAME + 1];
	/*
	 * INI_KEY: the key and the value (unquoted, unescaped, never holding
	 * a NUL or control byte). INI_ERROR: the key when the line got far
	 * enough to have one, else ""; value is always "".
	 */
	char key[INI_MAX_KEY + 1];
	char value[INI_MAX_VALUE + 1];
	/* INI_ERROR: a static, human-readable reason; NULL otherwise. */
	const char *reason;
};

/* Iterator state. Treat as opaque; it holds no pointer into an event. */
struct ini_parser {
	const char *text;
	size_t len;
	size_t pos;    /* offset of the next unread line */
	unsigned line; /* number of the last line read */
	char section[INI_MAX_SECTION + 1];
	char name[INI_MAX_NAME + 1];
	/*
	 * Set after a malformed header: well-formed keys below it are dropped
	 * until the next good header, since nobody can tell which section
	 * they were meant for and one error for the header says it all.
	 * Malformed lines there are still reported.
	 */
	bool skip_body;
};

/*
 * Start walking text[0..len). The buffer must stay valid and unchanged
 * while the parser is used; it is never written. A leading UTF-8 byte
 * order mark (as some Windows editors write) is skipped.
 */
void ini_init(struct ini_parser *p, const char *text, size_t len);

/*
 * Fill `ev` with the next event and return true, or return false at the
 * end of the text (ev is then unspecified). Blank and comment lines make
 * no event. Line endings are "\n" or "\r\n"; the last line needs none.
 */
bool ini_next(struct ini_parser *p, struct ini_event *ev);

/*
 * Write where an event happened, "line 3: [vm web] kernel", into buf
 * (parts that are empty are left out: "line 1: [host]", "line 1: key",
 * "line 1"). Always NUL-terminates when size > 0; returns what snprintf
 * returns. Used to start every message about the line so they all read
 * alike.
 */
int ini_where(char *buf, size_t size, const struct ini_event *ev);

#endif
