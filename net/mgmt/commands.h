/*
 * The console's commands (docs/MANAGEMENT.md): one command line in, its
 * output out, in virsh's wording and layout (libvirt 9.x,
 * tools/virsh-domain-monitor.c, virsh-domain.c, virsh-host.c,
 * vsh-table.c, vsh.c). Pure logic on top of the management backend.
 *
 * Lines are produced with "\n"; the session (console.c) turns them into
 * CR LF on the wire. As vsh.c's vshCommandRun() does, every command that
 * ran, whether it succeeded or failed, ends its output with an empty
 * line, and a line that did not parse (unknown command, missing or
 * unknown option, bad quoting) prints only its "error: " line.
 *
 * Words are separated by blanks; '...' quotes literally, "..." quotes
 * with backslash escapes, and a backslash outside quotes escapes the
 * next byte (virsh's vshCommandStringGetArg()). A line holds at most
 * MGMT_CMD_ARGS_MAX words of at most MGMT_CMD_ARG_MAX - 1 bytes each.
 */
#ifndef STRATA_MGMT_COMMANDS_H
#define STRATA_MGMT_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mgmt/backend.h"
#include "net/mgmt/textbuf.h"

#define MGMT_CMD_LINE_MAX 2048 /* bytes of one command line (docs/MANAGEMENT.md) */
#define MGMT_CMD_ARGS_MAX 8    /* words of one command line, the command's own included */
#define MGMT_CMD_ARG_MAX  256  /* bytes of one word, NUL included */
#define MGMT_UUID_LEN     36   /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* How many bytes of a domain's held console output `console NAME` replays. */
#define MGMT_CMD_CONSOLE_REPLAY 1024

/* What the caller does once mgmt_cmd_run() returns. */
enum mgmt_cmd_result {
	MGMT_CMD_DONE,    /* the output (or the error) is written: show the prompt */
	MGMT_CMD_DEFINE,  /* `define`: collect the definition, then mgmt_cmd_define() */
	MGMT_CMD_CONSOLE, /* `console NAME` (NAME in cmd->domain): mgmt_cmd_console_attach() */
	MGMT_CMD_QUIT,    /* `quit` or `exit`: end the session, nothing printed */
};

/*
 * One parsed line and the scratch space to run it: about 3.7 KiB, no
 * allocation. The caller owns it (the console session embeds one); its
 * contents are valid until the next mgmt_cmd_tokenize()/mgmt_cmd_run().
 */
struct mgmt_cmd {
	unsigned argc;
	const char *argv[MGMT_CMD_ARGS_MAX]; /* the words, unquoted, NUL-terminated */
	const char *domain; /* the <domain> argument once mgmt_cmd_run() parsed it */
	char store[MGMT_CMD_LINE_MAX + MGMT_CMD_ARGS_MAX];
	struct mgmt_domain dom[2]; /* scratch for lookups and sorting */
};

/*
 * Split line[0..len) into words (cmd->argc, cmd->argv). Returns 0, or
 * -EINVAL after writing one "error: ...\n" line to err (unbalanced quote,
 * dangling backslash, too many words, a word too long). An empty or blank
 * line gives argc 0.
 */
int mgmt_cmd_tokenize(struct mgmt_cmd *cmd, const char *line, size_t len, struct textbuf *err);

/*
 * Parse and run one command line against `be`, appending its output to
 * out. The session-level commands (define, console, quit, exit) print
 * nothing and are reported back as the result; everything else is
 * MGMT_CMD_DONE. `line` holds untrusted bytes; len may exceed
 * MGMT_CMD_LINE_MAX only to be refused.
 */
enum mgmt_cmd_result mgmt_cmd_run(struct mgmt_cmd *cmd, const char *line, size_t len,
				  const struct mgmt_backend *be, struct textbuf *out);

/*
 * Hand a collected definition (text[0..len)) to be->define and print
 * "Domain 'NAME' defined" or virsh's two error lines, then the empty line.
 */
void mgmt_cmd_define(const struct mgmt_backend *be, const char *text, size_t len,
		     struct textbuf *out);

/* A definition refused before the backend saw it: the two error lines and the empty line. */
void mgmt_cmd_define_failed(const char *why, struct textbuf *out);

/*
 * `console NAME`: if NAME runs, print virsh's "Connected to domain" and
 * "Escape character is ^]" lines, copy the domain's name to `attached`,
 * set *cursor so that the next be->console_read() replays the last
 * MGMT_CMD_CONSOLE_REPLAY bytes the hypervisor still holds (a convenience:
 * the prompt or boot messages the guest printed before the attach show
 * up, as a serial terminal's screen would), and return 0. Otherwise print
 * the error and the empty line and return -ENOENT.
 */
int mgmt_cmd_console_attach(const struct mgmt_backend *be, const char *name,
			    char attached[MGMT_NAME_MAX], uint64_t *cursor, struct textbuf *out);

/*
 * The UUID `dominfo` shows for a domain: Strata has no UUIDs yet, so it
 * is derived from the name (two FNV-1a 64 hashes, laid out as an RFC 9562
 * version 8 UUID): stable across boots and hosts for one name. Writes
 * MGMT_UUID_LEN characters and a NUL.
 */
void mgmt_cmd_uuid(const char *name, char out[MGMT_UUID_LEN + 1]);

#endif
