/*
 * The console's commands; see commands.h. Every text an operator reads is
 * virsh's (libvirt 9.x), so that scripts written against virsh and
 * people used to it find the same words in the same places:
 *   - tables as vsh-table.c lays them out: each cell preceded by one
 *     space, every column but the last padded to its widest cell plus two
 *     spaces, the dividing line (widest + 3) dashes per column;
 *   - `key: value` blocks as cmdDominfo/cmdNodeinfo print them
 *     ("%-15s %s" and "%-20s %s");
 *   - the errors of vsh.c's parser and of each command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/mgmt/commands.h"

enum cmd_id {
	CMD_LIST,
	CMD_DOMINFO,
	CMD_NODEINFO,
	CMD_START,
	CMD_DESTROY,
	CMD_UNDEFINE,
	CMD_DEFINE,
	CMD_CONSOLE,
	CMD_HELP,
	CMD_QUIT,
	CMD_EXIT,
};

/* Options a command knows, besides its <domain> argument. */
#define OPT_ALL      (1u << 0)
#define OPT_INACTIVE (1u << 1)

enum cmd_group { GROUP_DOMAIN, GROUP_MONITOR, GROUP_HOST, GROUP_VIRSH, GROUP_COUNT };

struct cmd_def {
	const char *name;
	enum cmd_id id;
	enum cmd_group group;
	bool domain;   /* takes a <domain> argument (required) */
	bool optional; /* help: one optional word */
	unsigned opts;
	const char *synopsis;
	const char *help;
};

/* Alphabetical, as virsh's help lists them. */
static const struct cmd_def cmd_defs[] = {
	{ "console", CMD_CONSOLE, GROUP_DOMAIN, true, false, 0, "console <domain>",
	  "connect to the guest console (^] detaches)" },
	{ "define", CMD_DEFINE, GROUP_DOMAIN, false, false, 0, "define",
	  "define a domain from the lines that follow, up to a '.' line" },
	{ "destroy", CMD_DESTROY, GROUP_DOMAIN, true, false, 0, "destroy <domain>",
	  "destroy (stop) a domain" },
	{ "dominfo", CMD_DOMINFO, GROUP_MONITOR, true, false, 0, "dominfo <domain>",
	  "domain information" },
	{ "exit", CMD_EXIT, GROUP_VIRSH, false, false, 0, "exit",
	  "quit this interactive terminal" },
	{ "help", CMD_HELP, GROUP_VIRSH, false, true, 0, "help [<command>]", "print help" },
	{ "list", CMD_LIST, GROUP_MONITOR, false, false, OPT_ALL | OPT_INACTIVE,
	  "list [--inactive] [--all]", "list domains" },
	{ "nodeinfo", CMD_NODEINFO, GROUP_HOST, false, false, 0, "nodeinfo", "node information" },
	{ "quit", CMD_QUIT, GROUP_VIRSH, false, false, 0, "quit",
	  "quit this interactive terminal" },
	{ "start", CMD_START, GROUP_DOMAIN, true, false, 0, "start <domain>",
	  "start a (previously defined) inactive domain" },
	{ "undefine", CMD_UNDEFINE, GROUP_DOMAIN, true, false, 0, "undefine <domain>",
	  "undefine a domain" },
};

#define CMD_DEF_COUNT (sizeof(cmd_defs) / sizeof(cmd_defs[0]))

static const char *const group_titles[GROUP_COUNT] = {
	[GROUP_DOMAIN] = "Domain Management (help keyword 'domain')",
	[GROUP_MONITOR] = "Domain Monitoring (help keyword 'monitor')",
	[GROUP_HOST] = "Host and Hypervisor (help keyword 'host')",
	[GROUP_VIRSH] = "Virsh itself (help keyword 'virsh')",
};

/* ------------------------------------------------------------ tokenizer -- */

struct tokenizer {
	struct mgmt_cmd *cmd;
	const char *p, *end;
	char *w;     /* the word being built */
	size_t wlen; /* its length so far */
	size_t used; /* bytes of cmd->store used */
	struct textbuf *err;
};

static bool tok_blank(char c)
{
	unsigned char u = (unsigned char)c;

	/* Control bytes never reach here from the console; treat any as a blank. */
	return u == ' ' || u < 0x20 || u == 0x7f;
}

static int tok_error(struct tokenizer *t, const char *msg)
{
	textbuf_printf(t->err, "error: %s\n", msg);
	return -EINVAL;
}

static int tok_put(struct tokenizer *t, char c)
{
	if (t->wlen >= MGMT_CMD_ARG_MAX - 1) {
		textbuf_printf(t->err, "error: argument longer than %d bytes\n",
			       MGMT_CMD_ARG_MAX - 1);
		return -EINVAL;
	}
	/* store has a byte per input byte and a NUL per word: never full here. */
	t->w[t->wlen++] = c;
	return 0;
}

/* One word from t->p on (no leading blanks); appended to cmd->argv. */
static int tok_word(struct tokenizer *t)
{
	struct mgmt_cmd *cmd = t->cmd;
	int err;

	if (cmd->argc >= MGMT_CMD_ARGS_MAX) {
		textbuf_printf(t->err, "error: too many arguments (at most %d words)\n",
			       MGMT_CMD_ARGS_MAX);
		return -EINVAL;
	}
	t->w = cmd->store + t->used;
	t->wlen = 0;
	while (t->p < t->end && !tok_blank(*t->p)) {
		char c = *t->p++;

		if (c == '\'') {
			while (t->p < t->end && *t->p != '\'') {
				if ((err = tok_put(t, *t->p++)))
					return err;
			}
			if (t->p == t->end)
				return tok_error(t, "missing '");
			t->p++;
		} else if (c == '"') {
			while (t->p < t->end && *t->p != '"') {
				if (*t->p == '\\' && t->p + 1 < t->end)
					t->p++;
				if ((err = tok_put(t, *t->p++)))
					return err;
			}
			if (t->p == t->end)
				return tok_error(t, "missing \"");
			t->p++;
		} else if (c == '\\') {
			if (t->p == t->end)
				return tok_error(t, "dangling \\");
			if ((err = tok_put(t, *t->p++)))
				return err;
		} else if ((err = tok_put(t, c))) {
			return err;
		}
	}
	t->w[t->wlen] = '\0';
	cmd->argv[cmd->argc++] = t->w;
	t->used += t->wlen + 1;
	return 0;
}

int mgmt_cmd_tokenize(struct mgmt_cmd *cmd, const char *line, size_t len, struct textbuf *err)
{
	struct tokenizer t = { .cmd = cmd, .p = line, .end = line + len, .err = err };
	int rc;

	cmd->argc = 0;
	cmd->domain = NULL;
	if (len > MGMT_CMD_LINE_MAX)
		return tok_error(&t, "line too long");
	for (;;) {
		while (t.p < t.end && tok_blank(*t.p))
			t.p++;
		if (t.p == t.end)
			return 0;
		if ((rc = tok_word(&t))) {
			cmd->argc = 0;
			return rc;
		}
	}
}

/* --------------------------------------------------------------- parsing -- */

static const struct cmd_def *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < CMD_DEF_COUNT; i++) {
		if (!strcmp(cmd_defs[i].name, name))
			return &cmd_defs[i];
	}
	return NULL;
}

static unsigned opt_bit(const char *opt)
{
	if (!strcmp(opt, "all"))
		return OPT_ALL;
	if (!strcmp(opt, "inactive"))
		return OPT_INACTIVE;
	return 0;
}

/* Set cmd->domain from "--domain X", "--domain=X" or the first bare word. */
static int parse_domain_opt(struct mgmt_cmd *cmd, unsigned *i, const char *value,
			    struct textbuf *out)
{
	if (cmd->domain) {
		textbuf_puts(out, "error: option --domain already seen\n");
		return -EINVAL;
	}
	if (!value) {
		if (*i + 1 >= cmd->argc) {
			textbuf_puts(out, "error: expected syntax: --domain <string>\n");
			return -EINVAL;
		}
		value = cmd->argv[++*i];
	}
	cmd->domain = value;
	return 0;
}

/*
 * vsh.c's option rules, for the few options Strata's commands have:
 * "--opt" flags, "--domain NAME" or a bare word for <domain>, "--" ends
 * the options. Returns 0 with *opts set, or -EINVAL after the error line.
 */
static int parse_args(struct mgmt_cmd *cmd, const struct cmd_def *def, unsigned *opts,
		      struct textbuf *out)
{
	bool options = true;

	*opts = 0;
	for (unsigned i = 1; i < cmd->argc; i++) {
		const char *a = cmd->argv[i];

		if (options && a[0] == '-' && a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			unsigned bit = eq ? 0 : opt_bit(name) & def->opts;

			if (!*name) {
				options = false;
				continue;
			}
			if (def->domain && nlen == 6 && !strncmp(name, "domain", 6)) {
				if (parse_domain_opt(cmd, &i, eq ? eq + 1 : NULL, out))
					return -EINVAL;
				continue;
			}
			if (!bit) {
				textbuf_printf(out,
					       "error: command '%s' doesn't support option --%.*s\n",
					       def->name, (int)nlen, name);
				return -EINVAL;
			}
			*opts |= bit;
		} else if ((def->domain || def->optional) && !cmd->domain) {
			cmd->domain = a;
		} else {
			textbuf_printf(out, "error: unexpected data '%s'\n", a);
			return -EINVAL;
		}
	}
	if (def->domain && !cmd->domain) {
		textbuf_printf(out, "error: command '%s' requires <domain> option\n", def->name);
		return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------- helpers -- */

static size_t name_len(const char *name)
{
	return strnlen(name, MGMT_NAME_MAX - 1);
}

static int ascii_casecmp(const char *a, const char *b, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca + ('a' - 'A'));
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb + ('a' - 'A'));
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			return 0;
	}
	return 0;
}

/* Domains the backend hands back are NUL-terminated here, whatever it did. */
static bool dom_at(const struct mgmt_backend *be, unsigned i, struct mgmt_domain *d)
{
	if (!be->domain_at(be->ctx, i, d))
		return false;
	d->name[MGMT_NAME_MAX - 1] = '\0';
	return true;
}

static bool dom_find(const struct mgmt_backend *be, const char *name, struct mgmt_domain *d)
{
	if (!be->domain_find(be->ctx, name, d))
		return false;
	d->name[MGMT_NAME_MAX - 1] = '\0';
	return true;
}

static void why_line(const char *why, struct textbuf *out)
{
	if (!why[0])
		why = "unknown error";
	textbuf_printf(out, "error: %.*s\n", (int)strnlen(why, MGMT_WHY_MAX - 1), why);
}

/* ----------------------------------------------------------------- list -- */

/*
 * virsh sorts running domains by Id, then the inactive ones by name,
 * ignoring case (virsh-domain-monitor.c, virshDomainSorter). Domains come
 * from the backend by index and nothing is allocated, so each next row is
 * found by a scan for the smallest key above the last one printed: O(n^2)
 * lookups for at most HOSTCONF_MAX_VMS domains. The index breaks ties, so
 * every domain is printed once even if two keys are equal.
 */
struct list_key {
	uint32_t id;
	enum mgmt_state state;
	unsigned index;
	char name[MGMT_NAME_MAX];
};

static void list_key_of(struct list_key *k, const struct mgmt_domain *d, unsigned index)
{
	k->id = d->id;
	k->state = d->state;
	k->index = index;
	memcpy(k->name, d->name, MGMT_NAME_MAX);
}

static int list_cmp(const struct list_key *a, const struct list_key *b)
{
	int c;

	if (a->id != b->id) {
		if (!a->id || !b->id)
			return a->id ? -1 : 1;
		return a->id < b->id ? -1 : 1;
	}
	if (!a->id) {
		c = ascii_casecmp(a->name, b->name, MGMT_NAME_MAX);
		if (!c)
			c = strncmp(a->name, b->name, MGMT_NAME_MAX);
		if (c)
			return c;
	}
	return a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
}

static bool list_wanted(const struct mgmt_domain *d, unsigned opts)
{
	if (opts & OPT_ALL)
		return true;
	if (opts & OPT_INACTIVE)
		return d->id == 0;
	return d->id != 0;
}

#define LIST_ID_MAX 12 /* "4294967295" and its NUL */

static void list_id(uint32_t id, char buf[LIST_ID_MAX])
{
	if (id)
		snprintf(buf, LIST_ID_MAX, "%u", (unsigned)id);
	else
		snprintf(buf, LIST_ID_MAX, "-");
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void list_cell(struct textbuf *out, const char *s, size_t len, size_t width)
{
	/* Two spaces after the widest cell; a domain renamed between passes gets two. */
	size_t pad = width > len ? width - len + 2 : 2;

	textbuf_printf(out, " %.*s", (int)len, s);
	while (pad--)
		textbuf_putc(out, ' ');
}

static void list_row(struct textbuf *out, const size_t w[3], const char *id, const char *name,
		     const char *state)
{
	list_cell(out, id, strlen(id), w[0]);
	list_cell(out, name, name_len(name), w[1]);
	textbuf_printf(out, " %s\n", state);
}

static void cmd_list(struct mgmt_cmd *cmd, const struct mgmt_backend *be, unsigned opts,
		     struct textbuf *out)
{
	struct mgmt_domain *d = &cmd->dom[0];
	size_t w[3] = { strlen("Id"), strlen("Name"), strlen("State") };
	unsigned count = be->domain_count(be->ctx);
	struct list_key last, best, k;
	bool have_last = false;
	char id[LIST_ID_MAX];

	for (unsigned i = 0; i < count; i++) {
		if (!dom_at(be, i, d) || !list_wanted(d, opts))
			continue;
		list_id(d->id, id);
		w[0] = max_size(w[0], strlen(id));
		w[1] = max_size(w[1], name_len(d->name));
		w[2] = max_size(w[2], strlen(mgmt_state_name(d->state)));
	}
	list_row(out, w, "Id", "Name", "State");
	for (size_t n = w[0] + w[1] + w[2] + 9; n; n--)
		textbuf_putc(out, '-');
	textbuf_putc(out, '\n');

	for (;;) {
		bool found = false;

		for (unsigned i = 0; i < count; i++) {
			if (!dom_at(be, i, d) || !list_wanted(d, opts))
				continue;
			list_key_of(&k, d, i);
			if (have_last && list_cmp(&k, &last) <= 0)
				continue;
			if (found && list_cmp(&k, &best) >= 0)
				continue;
			best = k;
			found = true;
		}
		if (!found)
			break;
		list_id(best.id, id);
		list_row(out, w, id, best.name, mgmt_state_name(best.state));
		last = best;
		have_last = true;
	}
}

/* -------------------------------------------------------------- dominfo -- */

static uint64_t fnv1a64(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void mgmt_cmd_uuid(const char *name, char out[MGMT_UUID_LEN + 1])
{
	size_t n = name_len(name);
	uint64_t hi = fnv1a64(0xcbf29ce484222325ull, name, n);
	uint64_t lo = fnv1a64(fnv1a64(0x84222325cbf29ce4ull, "strata", 6), name, n);

	/* RFC 9562 section 5.8: version 8 (vendor-specific) in bits 48-51, variant 10. */
	hi = (hi & ~0xf000ull) | 0x8000ull;
	lo = (lo & ~(3ull << 62)) | (2ull << 62);
	snprintf(out, MGMT_UUID_LEN + 1, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
		 (unsigned)(hi >> 16) & 0xffff, (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
		 (unsigned long long)(lo & 0xffffffffffffull));
}

#define KV(out, key, fmt, ...) textbuf_printf(out, "%-15s " fmt "\n", key, __VA_ARGS__)

static void cmd_dominfo(const struct mgmt_domain *d, struct textbuf *out)
{
	char uuid[MGMT_UUID_LEN + 1];
	unsigned long long kib = (unsigned long long)(d->memory / 1024);

	if (d->id)
		KV(out, "Id:", "%u", (unsigned)d->id);
	else
		KV(out, "Id:", "%s", "-");
	KV(out, "Name:", "%.*s", (int)name_len(d->name), d->name);
	mgmt_cmd_uuid(d->name, uuid);
	KV(out, "UUID:", "%s", uuid);
	KV(out, "OS Type:", "%s", "hvm");
	KV(out, "State:", "%s", mgmt_state_name(d->state));
	KV(out, "CPU(s):", "%u", (unsigned)d->vcpus);
	/*
	 * virsh prints "%.1lfs" of the seconds as a double, and only when the
	 * time is not 0; here in integers, halves rounded up (a double rounds
	 * an exact half to even, a case nanosecond counts practically never hit).
	 */
	if (d->cpu_time_ns) {
		unsigned long long tenths = d->cpu_time_ns / 100000000ull +
					    (d->cpu_time_ns % 100000000ull >= 50000000ull);

		KV(out, "CPU time:", "%llu.%llus", tenths / 10, tenths % 10);
	}
	KV(out, "Max memory:", "%llu KiB", kib);
	KV(out, "Used memory:", "%llu KiB", kib);
	KV(out, "Persistent:", "%s", d->persistent ? "yes" : "no");
	KV(out, "Autostart:", "%s", d->autostart ? "enable" : "disable");
	KV(out, "Managed save:", "%s", "no");
	KV(out, "Security model:", "%s", "none");
	KV(out, "Security DOI:", "%s", "0");
}

static void cmd_nodeinfo(const struct mgmt_backend *be, struct textbuf *out)
{
	struct mgmt_node node;

	memset(&node, 0, sizeof(node));
	be->node(be->ctx, &node);
	textbuf_printf(out, "%-20s %.*s\n",
		       "CPU model:", (int)strnlen(node.cpu_model, sizeof(node.cpu_model) - 1),
		       node.cpu_model);
	textbuf_printf(out, "%-20s %u\n", "CPU(s):", (unsigned)node.cpus);
	if (node.cpu_mhz)
		textbuf_printf(out, "%-20s %u MHz\n", "CPU frequency:", (unsigned)node.cpu_mhz);
	textbuf_printf(out, "%-20s %u\n", "CPU socket(s):", 1u);
	textbuf_printf(out, "%-20s %u\n", "Core(s) per socket:", (unsigned)node.cpus);
	textbuf_printf(out, "%-20s %u\n", "Thread(s) per core:", 1u);
	textbuf_printf(out, "%-20s %u\n", "NUMA cell(s):", 1u);
	textbuf_printf(out, "%-20s %llu KiB\n",
		       "Memory size:", (unsigned long long)(node.memory_total / 1024));
}

/* ------------------------------------------------------------ lifecycle -- */

static void no_domain(const char *name, struct textbuf *out)
{
	textbuf_printf(out, "error: failed to get domain '%s'\n", name);
}

typedef int (*lifecycle_op)(void *ctx, const char *name, char *why, size_t why_len);

/* start, destroy, undefine: look the domain up as virsh does, then act. */
static void cmd_lifecycle(struct mgmt_cmd *cmd, const struct mgmt_backend *be, enum cmd_id id,
			  struct textbuf *out)
{
	static const struct {
		const char *verb, *done;
	} words[] = {
		[CMD_START] = { "start", "started" },
		[CMD_DESTROY] = { "destroy", "destroyed" },
		[CMD_UNDEFINE] = { "undefine", "has been undefined" },
	};
	struct mgmt_domain *d = &cmd->dom[0];
	char why[MGMT_WHY_MAX];
	lifecycle_op op = id == CMD_START     ? be->start
			  : id == CMD_DESTROY ? be->destroy
					      : be->undefine;
	int rc;

	if (!dom_find(be, cmd->domain, d)) {
		no_domain(cmd->domain, out);
		return;
	}
	why[0] = '\0';
	rc = op(be->ctx, d->name, why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	if (rc) {
		textbuf_printf(out, "error: Failed to %s domain '%s'\n", words[id].verb, d->name);
		why_line(why, out);
		return;
	}
	textbuf_printf(out, "Domain '%s' %s\n", d->name, words[id].done);
}

/* ----------------------------------------------------------------- help -- */

static void cmd_help(const char *topic, struct textbuf *out)
{
	const struct cmd_def *def;

	if (topic) {
		def = cmd_lookup(topic);
		if (!def) {
			textbuf_printf(out, "error: command or command group '%s' doesn't exist\n",
				       topic);
			return;
		}
		textbuf_printf(out, "  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s\n", def->name,
			       def->help, def->synopsis);
		return;
	}
	textbuf_puts(out, " Grouped commands:\n");
	for (unsigned g = 0; g < GROUP_COUNT; g++) {
		textbuf_printf(out, "\n %s:\n", group_titles[g]);
		for (size_t i = 0; i < CMD_DEF_COUNT; i++) {
			if (cmd_defs[i].group == g)
				textbuf_printf(out, "    %-30s %s\n", cmd_defs[i].name,
					       cmd_defs[i].help);
		}
	}
}

/* ------------------------------------------------------------------ run -- */

enum mgmt_cmd_result mgmt_cmd_run(struct mgmt_cmd *cmd, const char *line, size_t len,
				  const struct mgmt_backend *be, struct textbuf *out)
{
	const struct cmd_def *def;
	unsigned opts;

	if (mgmt_cmd_tokenize(cmd, line, len, out))
		return MGMT_CMD_DONE;
	if (cmd->argc == 0)
		return MGMT_CMD_DONE;
	def = cmd_lookup(cmd->argv[0]);
	if (!def) {
		textbuf_printf(out, "error: unknown command: '%s'\n", cmd->argv[0]);
		return MGMT_CMD_DONE;
	}
	if (parse_args(cmd, def, &opts, out))
		return MGMT_CMD_DONE;

	switch (def->id) {
	case CMD_DEFINE:
		return MGMT_CMD_DEFINE;
	case CMD_CONSOLE:
		return MGMT_CMD_CONSOLE;
	case CMD_QUIT:
	case CMD_EXIT:
		return MGMT_CMD_QUIT;
	case CMD_LIST:
		cmd_list(cmd, be, opts, out);
		break;
	case CMD_DOMINFO:
		if (dom_find(be, cmd->domain, &cmd->dom[0]))
			cmd_dominfo(&cmd->dom[0], out);
		else
			no_domain(cmd->domain, out);
		break;
	case CMD_NODEINFO:
		cmd_nodeinfo(be, out);
		break;
	case CMD_START:
	case CMD_DESTROY:
	case CMD_UNDEFINE:
		cmd_lifecycle(cmd, be, def->id, out);
		break;
	case CMD_HELP:
		cmd_help(cmd->domain, out);
		break;
	}
	/* vshCommandRun(): the empty line after every command that ran. */
	textbuf_putc(out, '\n');
	return MGMT_CMD_DONE;
}

/* ------------------------------------------------- define and console -- */

void mgmt_cmd_define_failed(const char *why, struct textbuf *out)
{
	textbuf_puts(out, "error: Failed to define domain\n");
	why_line(why, out);
	textbuf_putc(out, '\n');
}

void mgmt_cmd_define(const struct mgmt_backend *be, const char *text, size_t len,
		     struct textbuf *out)
{
	char name[MGMT_NAME_MAX];
	char why[MGMT_WHY_MAX];

	name[0] = '\0';
	why[0] = '\0';
	if (be->define(be->ctx, text, len, name, why, sizeof(why))) {
		why[sizeof(why) - 1] = '\0';
		mgmt_cmd_define_failed(why, out);
		return;
	}
	textbuf_printf(out, "Domain '%.*s' defined\n\n", (int)strnlen(name, MGMT_NAME_MAX - 1),
		       name);
}

int mgmt_cmd_console_attach(const struct mgmt_backend *be, const char *name,
			    char attached[MGMT_NAME_MAX], uint64_t *cursor, struct textbuf *out)
{
	struct mgmt_domain d;
	uint8_t none;
	uint64_t end = 0;

	if (!dom_find(be, name, &d)) {
		no_domain(name, out);
		textbuf_putc(out, '\n');
		return -ENOENT;
	}
	/* A cap of 0 leaves the cursor at the end of what the guest wrote. */
	if (be->console_read(be->ctx, d.name, &end, &none, 0) < 0) {
		textbuf_puts(out, "error: The domain is not running\n\n");
		return -ENOENT;
	}
	memcpy(attached, d.name, MGMT_NAME_MAX);
	*cursor = end > MGMT_CMD_CONSOLE_REPLAY ? end - MGMT_CMD_CONSOLE_REPLAY : 0;
	textbuf_printf(out, "Connected to domain '%s'\nEscape character is ^]\n", d.name);
	return 0;
}
