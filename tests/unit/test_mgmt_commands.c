/* UNIT_SOURCES: net/mgmt/commands.c net/mgmt/textbuf.c net/mgmt/state_name.c tests/unit/fake_backend.c */
/*
 * Host tests of the console's commands against the shared fake backend
 * (fake_backend.h): each command's whole output compared with what virsh
 * (libvirt 9.x) prints for the same state (vsh-table.c's table layout,
 * cmdDominfo's and cmdNodeinfo's "%-15s"/"%-20s" labels, vshCommandRun()'s
 * empty line after a command that ran, the parser's error wording), list
 * sorting and column widths, the tokenizer's quoting and bounds, and the
 * session-level commands reported back to the caller.
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

#include "net/mgmt/commands.h"
#include "tests/unit/fake_backend.h"

static struct fake_backend fake;
static struct mgmt_cmd cmd;
static char outbuf[16384];
static struct textbuf out;

static void add(const char *name, uint32_t id, enum mgmt_state state, uint32_t vcpus, uint64_t mib)
{
	struct mgmt_domain *d = &fake_backend_add(&fake, name, id)->d;

	d->state = state;
	d->vcpus = vcpus;
	d->memory = mib << 20;
}

static int setup(void **state)
{
	fake_backend_init(&fake);
	fake.names_checked = true; /* commands look a domain up before acting on it */
	fake.node.cpus = 4;
	fake.node.cpu_mhz = 2400;
	fake.node.memory_total = 2048ull << 20;
	textbuf_init(&out, outbuf, sizeof(outbuf));
	return 0;
}

/* Run one line; the result must be `want`; the output is returned. */
static const char *run_as(const char *line, enum mgmt_cmd_result want)
{
	out.len = 0;
	outbuf[0] = '\0';
	assert_int_equal(mgmt_cmd_run(&cmd, line, strlen(line), &fake.ops, &out), want);
	assert_false(out.truncated);
	return outbuf;
}

static const char *run(const char *line)
{
	return run_as(line, MGMT_CMD_DONE);
}

/* ------------------------------------------------------------------ list -- */

static void test_list_layout(void **state)
{
	add("demo-a", 1, MGMT_RUNNING, 1, 8);
	add("demo-b", 0, MGMT_SHUT_OFF, 1, 8);
	assert_string_equal(run("list"), " Id   Name     State\n"
					 "------------------------\n"
					 " 1    demo-a   running\n"
					 "\n");
	assert_string_equal(run("list --all"), " Id   Name     State\n"
					       "-------------------------\n"
					       " 1    demo-a   running\n"
					       " -    demo-b   shut off\n"
					       "\n");
	assert_string_equal(run("list --inactive"), " Id   Name     State\n"
						    "-------------------------\n"
						    " -    demo-b   shut off\n"
						    "\n");
	/* --all wins over --inactive, as in virsh. */
	assert_string_equal(run("list --inactive --all"), run("list --all"));
}

static void test_list_empty(void **state)
{
	/* virsh's empty table: the header cells set the widths. */
	assert_string_equal(run("list"), " Id   Name   State\n"
					 "--------------------\n"
					 "\n");
	add("off", 0, MGMT_SHUT_OFF, 1, 8);
	assert_string_equal(run("list"), " Id   Name   State\n"
					 "--------------------\n"
					 "\n");
}

static void test_list_sorting(void **state)
{
	/* Definition order is not the listing order. */
	add("zeta", 0, MGMT_SHUT_OFF, 1, 8);
	add("web", 12, MGMT_RUNNING, 1, 8);
	add("Alpha", 0, MGMT_SHUT_OFF, 1, 8);
	add("db", 3, MGMT_CRASHED, 1, 8);
	add("beta", 0, MGMT_SHUT_OFF, 1, 8);
	add("cache", 7, MGMT_SHUTDOWN, 1, 8);
	assert_string_equal(run("list --all"), " Id   Name    State\n"
					       "---------------------------\n"
					       " 3    db      crashed\n"
					       " 7    cache   in shutdown\n"
					       " 12   web     running\n"
					       " -    Alpha   shut off\n"
					       " -    beta    shut off\n"
					       " -    zeta    shut off\n"
					       "\n");
}

static void test_list_long_names(void **state)
{
	add("a-very-long-domain-name-of-31-c", 0, MGMT_SHUT_OFF, 1, 8);
	add("x", 4294967295u, MGMT_RUNNING, 1, 8);
	assert_int_equal(strlen(fake.doms[0].d.name), 31);
	assert_string_equal(run("list --all"),
			    " Id           Name                              State\n"
			    "----------------------------------------------------------\n"
			    " 4294967295   x                                 running\n"
			    " -            a-very-long-domain-name-of-31-c   shut off\n"
			    "\n");
}

static void test_list_many(void **state)
{
	char name[16];

	/* Ids and names both out of order; every domain printed once. */
	for (unsigned i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "vm%02u", (i * 7) % 16);
		add(name, i % 2 ? (i * 5) % 17 + 1 : 0, i % 2 ? MGMT_RUNNING : MGMT_SHUT_OFF, 1, 8);
	}
	run("list --all");
	{
		const char *p = outbuf;
		unsigned rows = 0;
		long last_id = 0;
		char last_name[16] = "";
		bool inactive = false;

		p = strchr(p, '\n') + 1; /* header */
		p = strchr(p, '\n') + 1; /* dashes */
		while (*p != '\n') {
			char id[12], nm[16], st[16];

			assert_int_equal(sscanf(p, " %11s %15s %15s", id, nm, st), 3);
			if (id[0] == '-') {
				if (inactive)
					assert_true(strcmp(last_name, nm) < 0);
				inactive = true;
				snprintf(last_name, sizeof(last_name), "%s", nm);
			} else {
				assert_false(inactive);
				assert_true(atol(id) > last_id);
				last_id = atol(id);
			}
			rows++;
			p = strchr(p, '\n') + 1;
		}
		assert_int_equal(rows, 16);
	}
}

/* --------------------------------------------------------------- dominfo -- */

static void test_dominfo_running(void **state)
{
	char want[1024], uuid[MGMT_UUID_LEN + 1];

	add("demo-a", 1, MGMT_RUNNING, 2, 8);
	fake.doms[0].d.cpu_time_ns = 1460000000ull;
	fake.doms[0].d.autostart = true;
	mgmt_cmd_uuid("demo-a", uuid);
	snprintf(want, sizeof(want),
		 "Id:             1\n"
		 "Name:           demo-a\n"
		 "UUID:           %s\n"
		 "OS Type:        hvm\n"
		 "State:          running\n"
		 "CPU(s):         2\n"
		 "CPU time:       1.5s\n"
		 "Max memory:     8192 KiB\n"
		 "Used memory:    8192 KiB\n"
		 "Persistent:     yes\n"
		 "Autostart:      enable\n"
		 "Managed save:   no\n"
		 "Security model: none\n"
		 "Security DOI:   0\n"
		 "\n",
		 uuid);
	assert_string_equal(run("dominfo demo-a"), want);
}

static void test_dominfo_inactive(void **state)
{
	char want[1024], uuid[MGMT_UUID_LEN + 1];

	add("echo", 0, MGMT_SHUT_OFF, 1, 8);
	fake.doms[0].d.persistent = false;
	mgmt_cmd_uuid("echo", uuid);
	/* virsh leaves "CPU time:" out when it is 0. */
	snprintf(want, sizeof(want),
		 "Id:             -\n"
		 "Name:           echo\n"
		 "UUID:           %s\n"
		 "OS Type:        hvm\n"
		 "State:          shut off\n"
		 "CPU(s):         1\n"
		 "Max memory:     8192 KiB\n"
		 "Used memory:    8192 KiB\n"
		 "Persistent:     no\n"
		 "Autostart:      disable\n"
		 "Managed save:   no\n"
		 "Security model: none\n"
		 "Security DOI:   0\n"
		 "\n",
		 uuid);
	assert_string_equal(run("dominfo echo"), want);
	assert_string_equal(run("dominfo --domain echo"), want);
	assert_string_equal(run("dominfo --domain=echo"), want);
}

static void test_dominfo_cpu_time_rounding(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} cases[] = {
		{ 1, "0.0s" },
		{ 49999999, "0.0s" },
		{ 50000000, "0.1s" },
		{ 500000000, "0.5s" },
		{ 949999999, "0.9s" },
		{ 950000000, "1.0s" },
		{ 61234567890, "61.2s" },
		{ 18446744073709551615ull, "18446744073.7s" },
	};
	char line[64];

	add("t", 1, MGMT_RUNNING, 1, 8);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake.doms[0].d.cpu_time_ns = cases[i].ns;
		snprintf(line, sizeof(line), "CPU time:       %s\n", cases[i].want);
		if (!strstr(run("dominfo t"), line))
			fail_msg("%llu ns: want %s in\n%s", (unsigned long long)cases[i].ns,
				 cases[i].want, outbuf);
	}
}

static void test_uuid(void **state)
{
	char a[MGMT_UUID_LEN + 1], b[MGMT_UUID_LEN + 1], c[MGMT_UUID_LEN + 1];

	mgmt_cmd_uuid("web", a);
	mgmt_cmd_uuid("web", b);
	mgmt_cmd_uuid("web2", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), MGMT_UUID_LEN);
	for (int i = 0; i < MGMT_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '8');           /* version 8 */
	assert_non_null(strchr("89ab", a[19])); /* variant 10 */
}

static void test_dominfo_unknown(void **state)
{
	assert_string_equal(run("dominfo nope"), "error: failed to get domain 'nope'\n\n");
	assert_string_equal(run("dominfo"), "error: command 'dominfo' requires <domain> option\n");
}

/* -------------------------------------------------------------- nodeinfo -- */

static void test_nodeinfo(void **state)
{
	assert_string_equal(run("nodeinfo"), "CPU model:           x86_64\n"
					     "CPU(s):              4\n"
					     "CPU frequency:       2400 MHz\n"
					     "CPU socket(s):       1\n"
					     "Core(s) per socket:  4\n"
					     "Thread(s) per core:  1\n"
					     "NUMA cell(s):        1\n"
					     "Memory size:         2097152 KiB\n"
					     "\n");
	/* No frequency known: virsh leaves the line out. */
	fake.node.cpu_mhz = 0;
	assert_null(strstr(run("nodeinfo"), "CPU frequency"));
}

/* ------------------------------------------------------------- lifecycle -- */

static void test_start_destroy_undefine(void **state)
{
	add("web", 0, MGMT_SHUT_OFF, 1, 8);
	assert_string_equal(run("start web"), "Domain 'web' started\n\n");
	assert_int_equal(fake.doms[0].d.id, 1);
	assert_string_equal(run("destroy web"), "Domain 'web' destroyed\n\n");
	assert_int_equal(fake.doms[0].d.id, 0);
	assert_string_equal(run("undefine web"), "Domain 'web' has been undefined\n\n");
	assert_int_equal(fake.count, 0);
}

static void test_lifecycle_errors(void **state)
{
	assert_string_equal(run("start ghost"), "error: failed to get domain 'ghost'\n\n");
	assert_string_equal(run("destroy ghost"), "error: failed to get domain 'ghost'\n\n");
	assert_string_equal(run("undefine ghost"), "error: failed to get domain 'ghost'\n\n");
	assert_int_equal(fake.calls, 0);

	add("web", 1, MGMT_RUNNING, 1, 8);
	fake.refuse = "domain 'web' is already active";
	assert_string_equal(run("start web"), "error: Failed to start domain 'web'\n"
					      "error: domain 'web' is already active\n"
					      "\n");
	fake.refuse = "domain 'web' is not running";
	assert_string_equal(run("destroy web"), "error: Failed to destroy domain 'web'\n"
						"error: domain 'web' is not running\n"
						"\n");
	fake.refuse = "domain 'web' is active; destroy it first";
	assert_string_equal(run("undefine web"), "error: Failed to undefine domain 'web'\n"
						 "error: domain 'web' is active; destroy it first\n"
						 "\n");
	fake.refuse = "";
	assert_string_equal(run("start web"), "error: Failed to start domain 'web'\n"
					      "error: unknown error\n"
					      "\n");
	assert_string_equal(run("start"), "error: command 'start' requires <domain> option\n");
	assert_string_equal(run("destroy"), "error: command 'destroy' requires <domain> option\n");
	assert_string_equal(run("undefine"),
			    "error: command 'undefine' requires <domain> option\n");
	assert_string_equal(run("console"), "error: command 'console' requires <domain> option\n");
}

/* ---------------------------------------------------------------- parser -- */

static void test_parse_errors(void **state)
{
	add("web", 0, MGMT_SHUT_OFF, 1, 8);
	assert_string_equal(run("frobnicate"), "error: unknown command: 'frobnicate'\n");
	assert_string_equal(run("LIST"), "error: unknown command: 'LIST'\n");
	assert_string_equal(run("list --bogus"),
			    "error: command 'list' doesn't support option --bogus\n");
	assert_string_equal(run("list --all=yes"),
			    "error: command 'list' doesn't support option --all\n");
	assert_string_equal(run("list extra"), "error: unexpected data 'extra'\n");
	assert_string_equal(run("nodeinfo --all"),
			    "error: command 'nodeinfo' doesn't support option --all\n");
	assert_string_equal(run("start web web"), "error: unexpected data 'web'\n");
	assert_string_equal(run("start --domain web --domain web"),
			    "error: option --domain already seen\n");
	assert_string_equal(run("start --domain"), "error: expected syntax: --domain <string>\n");
	assert_string_equal(run("list --domain web"),
			    "error: command 'list' doesn't support option --domain\n");
	assert_string_equal(run("quit now"), "error: unexpected data 'now'\n");
	assert_string_equal(run("define x.conf"), "error: unexpected data 'x.conf'\n");
	assert_int_equal(fake.calls, 0);
	/* "--" ends the options: a domain may be called "--all". */
	assert_string_equal(run("dominfo -- --all"), "error: failed to get domain '--all'\n\n");
}

static void test_blank_lines(void **state)
{
	assert_string_equal(run(""), "");
	assert_string_equal(run("   \t  "), "");
}

static void test_help(void **state)
{
	assert_string_equal(
		run("help"),
		" Grouped commands:\n"
		"\n"
		" Domain Management (help keyword 'domain'):\n"
		"    console                        connect to the guest console (^] detaches)\n"
		"    define                         define a domain from the lines that follow, up to a '.' line\n"
		"    destroy                        destroy (stop) a domain\n"
		"    start                          start a (previously defined) inactive domain\n"
		"    undefine                       undefine a domain\n"
		"\n"
		" Domain Monitoring (help keyword 'monitor'):\n"
		"    dominfo                        domain information\n"
		"    list                           list domains\n"
		"\n"
		" Host and Hypervisor (help keyword 'host'):\n"
		"    nodeinfo                       node information\n"
		"\n"
		" Virsh itself (help keyword 'virsh'):\n"
		"    exit                           quit this interactive terminal\n"
		"    help                           print help\n"
		"    quit                           quit this interactive terminal\n"
		"\n");
	assert_string_equal(run("help list"), "  NAME\n"
					      "    list - list domains\n"
					      "\n"
					      "  SYNOPSIS\n"
					      "    list [--inactive] [--all]\n"
					      "\n");
	assert_string_equal(run("help nope"),
			    "error: command or command group 'nope' doesn't exist\n\n");
}

static void test_session_commands(void **state)
{
	assert_string_equal(run_as("quit", MGMT_CMD_QUIT), "");
	assert_string_equal(run_as("exit", MGMT_CMD_QUIT), "");
	assert_string_equal(run_as("define", MGMT_CMD_DEFINE), "");
	assert_string_equal(run_as("console web", MGMT_CMD_CONSOLE), "");
	assert_string_equal(cmd.domain, "web");
	assert_string_equal(run_as("console --domain 'my vm'", MGMT_CMD_CONSOLE), "");
	assert_string_equal(cmd.domain, "my vm");
}

/* ------------------------------------------------------------- tokenizer -- */

static void tokens(const char *line, unsigned argc, ...)
{
	va_list ap;

	out.len = 0;
	outbuf[0] = '\0';
	if (mgmt_cmd_tokenize(&cmd, line, strlen(line), &out))
		fail_msg("%s: %s", line, outbuf);
	assert_int_equal(cmd.argc, argc);
	va_start(ap, argc);
	for (unsigned i = 0; i < argc; i++)
		assert_string_equal(cmd.argv[i], va_arg(ap, const char *));
	va_end(ap);
}

static void bad_tokens(const char *line, size_t len, const char *error)
{
	out.len = 0;
	outbuf[0] = '\0';
	assert_int_equal(mgmt_cmd_tokenize(&cmd, line, len, &out), -EINVAL);
	assert_int_equal(cmd.argc, 0);
	assert_string_equal(outbuf, error);
}

static void test_tokenizer(void **state)
{
	tokens("", 0);
	tokens("  list  ", 1, "list");
	tokens("\tdominfo\t web ", 2, "dominfo", "web");
	tokens("a 'b c' \"d e\"", 3, "a", "b c", "d e");
	tokens("'it''s'", 1, "its");
	tokens("x\"y z\"w", 1, "xy zw");
	tokens("\"a \\\"quoted\\\" \\\\ word\"", 1, "a \"quoted\" \\ word");
	tokens("'no \\escapes \"here\"'", 1, "no \\escapes \"here\"");
	tokens("a\\ b c\\'d", 2, "a b", "c'd");
	tokens("'' \"\" x", 3, "", "", "x");
	tokens("1 2 3 4 5 6 7 8", 8, "1", "2", "3", "4", "5", "6", "7", "8");
	tokens("caf\xc3\xa9", 1, "caf\xc3\xa9");

	bad_tokens("'open", 5, "error: missing '\n");
	bad_tokens("a \"open", 7, "error: missing \"\n");
	bad_tokens("a \"esc\\\"", 8, "error: missing \"\n");
	bad_tokens("trailing\\", 9, "error: dangling \\\n");
	bad_tokens("1 2 3 4 5 6 7 8 9", 17, "error: too many arguments (at most 8 words)\n");
}

static void test_tokenizer_bounds(void **state)
{
	static char line[MGMT_CMD_LINE_MAX + 2];

	memset(line, 'w', sizeof(line));
	/* A word of MGMT_CMD_ARG_MAX - 1 bytes fits, one more does not. */
	tokens("", 0);
	out.len = 0;
	assert_int_equal(mgmt_cmd_tokenize(&cmd, line, MGMT_CMD_ARG_MAX - 1, &out), 0);
	assert_int_equal(strlen(cmd.argv[0]), MGMT_CMD_ARG_MAX - 1);
	bad_tokens(line, MGMT_CMD_ARG_MAX, "error: argument longer than 255 bytes\n");
	/* Quoted too. */
	line[0] = '\'';
	line[MGMT_CMD_ARG_MAX + 1] = '\'';
	bad_tokens(line, MGMT_CMD_ARG_MAX + 2, "error: argument longer than 255 bytes\n");
	/* A whole line of short words: at most 8 of them. */
	for (size_t i = 0; i < sizeof(line); i++)
		line[i] = i % 2 ? ' ' : 'x';
	bad_tokens(line, MGMT_CMD_LINE_MAX, "error: too many arguments (at most 8 words)\n");
	bad_tokens(line, MGMT_CMD_LINE_MAX + 1, "error: line too long\n");
	/* Blanks only, the longest line. */
	memset(line, ' ', sizeof(line));
	tokens("", 0);
	assert_int_equal(mgmt_cmd_tokenize(&cmd, line, MGMT_CMD_LINE_MAX, &out), 0);
	assert_int_equal(cmd.argc, 0);
	/* An embedded NUL or control byte separates words. */
	assert_int_equal(mgmt_cmd_tokenize(&cmd,
					   "a\0b\x01"
					   "c",
					   5, &out),
			 0);
	assert_int_equal(cmd.argc, 3);
}

static void test_quoted_names(void **state)
{
	add("my vm", 0, MGMT_SHUT_OFF, 1, 8);
	assert_string_equal(run("start 'my vm'"), "Domain 'my vm' started\n\n");
	assert_string_equal(run("destroy \"my vm\""), "Domain 'my vm' destroyed\n\n");
	assert_string_equal(run("dominfo my vm"), "error: unexpected data 'vm'\n");
	assert_string_equal(run("start 'unterminated"), "error: missing '\n");
}

/* -------------------------------------------------------- define, console -- */

static void test_define(void **state)
{
	const char *text = "[vm newvm]\nmemory = 4M\nkernel = guests/echo.elf\n";

	out.len = 0;
	mgmt_cmd_define(&fake.ops, text, strlen(text), &out);
	assert_string_equal(outbuf, "Domain 'newvm' defined\n\n");
	assert_string_equal(fake.defined, text);

	fake.refuse = "vm bad: memory: 'lots' is not a size";
	out.len = 0;
	mgmt_cmd_define(&fake.ops, "[vm bad]\nmemory = lots\n", 23, &out);
	assert_string_equal(outbuf, "error: Failed to define domain\n"
				    "error: vm bad: memory: 'lots' is not a size\n"
				    "\n");

	out.len = 0;
	mgmt_cmd_define_failed("definition longer than 4096 bytes", &out);
	assert_string_equal(outbuf, "error: Failed to define domain\n"
				    "error: definition longer than 4096 bytes\n"
				    "\n");
}

static void test_console_attach(void **state)
{
	char name[MGMT_NAME_MAX];
	uint64_t cursor = 77;

	add("off", 0, MGMT_SHUT_OFF, 1, 8);
	add("web", 1, MGMT_RUNNING, 1, 8);

	out.len = 0;
	assert_int_equal(mgmt_cmd_console_attach(&fake.ops, "ghost", name, &cursor, &out), -ENOENT);
	assert_string_equal(outbuf, "error: failed to get domain 'ghost'\n\n");
	out.len = 0;
	assert_int_equal(mgmt_cmd_console_attach(&fake.ops, "off", name, &cursor, &out), -ENOENT);
	assert_string_equal(outbuf, "error: The domain is not running\n\n");
	assert_int_equal(cursor, 77);

	/* Replay: the last MGMT_CMD_CONSOLE_REPLAY bytes, or all of a short history. */
	fake.doms[1].total = 5000;
	out.len = 0;
	assert_int_equal(mgmt_cmd_console_attach(&fake.ops, "web", name, &cursor, &out), 0);
	assert_string_equal(outbuf, "Connected to domain 'web'\nEscape character is ^]\n");
	assert_string_equal(name, "web");
	assert_int_equal(cursor, 5000 - MGMT_CMD_CONSOLE_REPLAY);
	fake.doms[1].total = 10;
	assert_int_equal(mgmt_cmd_console_attach(&fake.ops, "web", name, &cursor, &out), 0);
	assert_int_equal(cursor, 0);
}

/* A backend that hands back unterminated names and a too-small buffer for output. */
static bool raw_at(void *ctx, unsigned i, struct mgmt_domain *d)
{
	if (i >= 2)
		return false;
	memset(d, 'N', sizeof(*d));
	d->id = i;
	d->state = (enum mgmt_state)77;
	return true;
}

static void test_hostile_backend_and_small_buffer(void **state)
{
	struct mgmt_backend raw = fake.ops;
	char small[64];
	struct textbuf tb;

	raw.domain_at = raw_at;
	fake.count = 2;
	out.len = 0;
	assert_int_equal(mgmt_cmd_run(&cmd, "list --all", 10, &raw, &out), MGMT_CMD_DONE);
	assert_non_null(strstr(outbuf, " NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN   no state\n"));

	add("web", 1, MGMT_RUNNING, 1, 8);
	textbuf_init(&tb, small, sizeof(small));
	assert_int_equal(mgmt_cmd_run(&cmd, "help", 4, &fake.ops, &tb), MGMT_CMD_DONE);
	assert_true(tb.truncated);
	assert_int_equal(tb.len, sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_list_layout, setup),
		cmocka_unit_test_setup(test_list_empty, setup),
		cmocka_unit_test_setup(test_list_sorting, setup),
		cmocka_unit_test_setup(test_list_long_names, setup),
		cmocka_unit_test_setup(test_list_many, setup),
		cmocka_unit_test_setup(test_dominfo_running, setup),
		cmocka_unit_test_setup(test_dominfo_inactive, setup),
		cmocka_unit_test_setup(test_dominfo_cpu_time_rounding, setup),
		cmocka_unit_test_setup(test_uuid, setup),
		cmocka_unit_test_setup(test_dominfo_unknown, setup),
		cmocka_unit_test_setup(test_nodeinfo, setup),
		cmocka_unit_test_setup(test_start_destroy_undefine, setup),
		cmocka_unit_test_setup(test_lifecycle_errors, setup),
		cmocka_unit_test_setup(test_parse_errors, setup),
		cmocka_unit_test_setup(test_blank_lines, setup),
		cmocka_unit_test_setup(test_help, setup),
		cmocka_unit_test_setup(test_session_commands, setup),
		cmocka_unit_test_setup(test_tokenizer, setup),
		cmocka_unit_test_setup(test_tokenizer_bounds, setup),
		cmocka_unit_test_setup(test_quoted_names, setup),
		cmocka_unit_test_setup(test_define, setup),
		cmocka_unit_test_setup(test_console_attach, setup),
		cmocka_unit_test_setup(test_hostile_backend_and_small_buffer, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
