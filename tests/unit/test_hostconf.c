/* UNIT_SOURCES: kernel/config/hostconf.c kernel/config/ini.c */
/*
 * Host config schema tests: values, defaults, and the exact message and
 * line of every kind of error. Like test_ini.c, inputs live in heap
 * buffers of exactly their length, with no NUL after them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/config/hostconf.h"

/* Every report of one parse, joined as "LINE|MSG\n". */
struct reports {
	char text[8192];
	size_t len;
	int calls;
};

static void collect(void *ctx, unsigned line, const char *msg)
{
	struct reports *r = ctx;
	int n;

	assert_non_null(msg);
	assert_true(strlen(msg) < HOSTCONF_MAX_MSG);
	n = snprintf(r->text + r->len, sizeof(r->text) - r->len, "%u|%s\n", line, msg);
	assert_true(n > 0 && (size_t)n < sizeof(r->text) - r->len);
	r->len += (size_t)n;
	r->calls++;
}

static int parse_len(const char *text, size_t len, struct hostconf *conf, struct reports *r)
{
	char *copy = malloc(len ? len : 1);
	int errors;

	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(r, 0, sizeof(*r));
	errors = hostconf_parse(copy, len, conf, collect, r);
	free(copy);
	assert_int_equal(errors, r->calls);
	return errors;
}

/* Parse `text` and check the reports, "" for none. */
static void expect(const char *text, struct hostconf *conf, const char *reports)
{
	struct reports r;

	parse_len(text, strlen(text), conf, &r);
	if (strcmp(r.text, reports) != 0)
		fail_msg("reports differ\n--- got:\n%s--- expected:\n%s", r.text, reports);
}

static void assert_defaults(const struct hostconf *c)
{
	struct hostconf d;

	hostconf_defaults(&d);
	assert_memory_equal(c, &d, sizeof(d));
}

/* ----------------------------------------------------------- values --- */

static void test_defaults(void **state)
{
	struct hostconf c;

	memset(&c, 0xa5, sizeof(c));
	hostconf_defaults(&c);
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_false(c.host.exit_when_idle);
	assert_int_equal(c.debug.fault_cpu, HOSTCONF_FAULT_CPU_NONE);
	assert_int_equal(c.debug.fault_kind, HOSTCONF_FAULT_UD);
	assert_false(c.debug.reboot_after_ready);
	assert_true(c.network.dhcp);
	assert_false(c.network.has_gateway);
	assert_int_equal(c.network.console_port, 23);
	assert_int_equal(c.network.http_port, 80);
	assert_string_equal(c.network.password, "");
	assert_false(c.network.iperf);

	memset(&c, 0xa5, sizeof(c));
	expect("", &c, "");
	assert_defaults(&c);
	memset(&c, 0xa5, sizeof(c));
	assert_int_equal(hostconf_parse(NULL, 0, &c, NULL, NULL), 0);
	assert_defaults(&c);
	expect("# nothing\n\n[host]\n[network]\n[debug]\n", &c, "");
	assert_defaults(&c);
}

static void test_full_file(void **state)
{
	struct hostconf c;

	expect("# Strata\n"
	       "[host]\n"
	       "log_level = debug\n"
	       "exit_when_idle = yes\n"
	       "\n"
	       "[network]\n"
	       "address = 10.0.2.15/24\n"
	       "gateway = 10.0.2.2\n"
	       "console_port = 2323\n"
	       "http_port = 8080\n"
	       "password = \"correct horse \\\"battery\\\"\"\n"
	       "iperf = yes\n"
	       "\n"
	       "[debug]\n"
	       "fault_cpu = 1\n"
	       "fault_kind = gp\n"
	       "reboot_after_ready = yes\n",
	       &c, "");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_DEBUG);
	assert_true(c.host.exit_when_idle);
	assert_false(c.network.dhcp);
	assert_memory_equal(c.network.address, ((uint8_t[]){ 10, 0, 2, 15 }), 4);
	assert_int_equal(c.network.prefix_len, 24);
	assert_true(c.network.has_gateway);
	assert_memory_equal(c.network.gateway, ((uint8_t[]){ 10, 0, 2, 2 }), 4);
	assert_int_equal(c.network.console_port, 2323);
	assert_int_equal(c.network.http_port, 8080);
	assert_string_equal(c.network.password, "correct horse \"battery\"");
	assert_true(c.network.iperf);
	assert_int_equal(c.debug.fault_cpu, 1);
	assert_int_equal(c.debug.fault_kind, HOSTCONF_FAULT_GP);
	assert_int_equal(c.debug.fault_kind, 13);
	assert_true(c.debug.reboot_after_ready);
}

static void test_booleans(void **state)
{
	static const struct {
		const char *word;
		bool value;
	} cases[] = {
		{ "yes", true }, { "no", false },  { "true", true }, { "false", false },
		{ "on", true },  { "off", false }, { "1", true },    { "0", false },
		{ "YES", true }, { "Off", false }, { "True", true },
	};
	struct hostconf c;
	char text[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[host]\nexit_when_idle = %s\n", cases[i].word);
		expect(text, &c, "");
		assert_int_equal(c.host.exit_when_idle, cases[i].value);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Quoting changes nothing. */
		snprintf(text, sizeof(text), "[host]\nexit_when_idle = \"%s\"\n", cases[i].word);
		expect(text, &c, "");
		assert_int_equal(c.host.exit_when_idle, cases[i].value);
	}
}

static void test_keywords(void **state)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	static const struct {
		const char *word;
		enum hostconf_fault_kind kind;
	} kinds[] = {
		{ "ud", HOSTCONF_FAULT_UD },
		{ "de", HOSTCONF_FAULT_DE },
		{ "gp", HOSTCONF_FAULT_GP },
		{ "PF", HOSTCONF_FAULT_PF },
	};
	struct hostconf c;
	char text[64];

	for (int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "[host]\nlog_level=%s\n", levels[i]);
		expect(text, &c, "");
		assert_int_equal(c.host.log_level, i);
		assert_string_equal(hostconf_log_level_name(c.host.log_level), levels[i]);
	}
	expect("[host]\nlog_level = WARN\n", &c, "");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
	for (int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "[debug]\nfault_kind = %s\n", kinds[i].word);
		expect(text, &c, "");
		assert_int_equal(c.debug.fault_kind, kinds[i].kind);
	}
	assert_string_equal(hostconf_fault_kind_name(HOSTCONF_FAULT_DE), "de");
	assert_string_equal(hostconf_fault_kind_name(HOSTCONF_FAULT_UD), "ud");
	assert_string_equal(hostconf_fault_kind_name(HOSTCONF_FAULT_GP), "gp");
	assert_string_equal(hostconf_fault_kind_name(HOSTCONF_FAULT_PF), "pf");
	assert_string_equal(hostconf_fault_kind_name((enum hostconf_fault_kind)1), "?");
	assert_string_equal(hostconf_fault_kind_name((enum hostconf_fault_kind)99), "?");
	assert_string_equal(hostconf_log_level_name((enum hostconf_log_level)4), "?");
}

static void test_fault_cpu(void **state)
{
	struct hostconf c;

	expect("[debug]\nfault_cpu = 3\n", &c, "");
	assert_int_equal(c.debug.fault_cpu, 3);
	expect("[debug]\nfault_cpu = 255\n", &c, "");
	assert_int_equal(c.debug.fault_cpu, 255);
	expect("[debug]\nfault_cpu = none\n", &c, "");
	assert_int_equal(c.debug.fault_cpu, HOSTCONF_FAULT_CPU_NONE);
	expect("[debug]\nfault_cpu = 0\n", &c,
	       "2|line 2: [debug] fault_cpu: expected none or an application processor index 1-255, got \"0\"\n");
	assert_int_equal(c.debug.fault_cpu, HOSTCONF_FAULT_CPU_NONE);
	expect("[debug]\nfault_cpu = 256\n", &c,
	       "2|line 2: [debug] fault_cpu: expected none or an application processor index 1-255, got \"256\"\n");
	expect("[debug]\nfault_cpu = -1\n", &c,
	       "2|line 2: [debug] fault_cpu: expected none or an application processor index 1-255, got \"-1\"\n");
	assert_defaults(&c);
}

static void test_network_addresses(void **state)
{
	static const char *const good[] = {
		"10.0.2.15/24", "192.168.1.1/16", "1.2.3.4/32",
		"10.0.0.0/31",  "10.0.0.1/31",    "172.16.0.255/16",
	};
	static const char *const bad[] = {
		"10.0.2.15",     "10.0.2.15/",
		"10.0.2.15/0",   "10.0.2.15/33",
		"10.0.2.15/24x", "10.0.2.15 /24",
		"256.0.0.1/8",   "1.2.3/24",
		"1.2.3.4.5/24",  "010.0.0.1/8",
		"10.0.02.1/8",   "1..2.3/8",
		"10.0.2.0/24",   "10.0.2.255/24",
		"127.0.0.1/8",   "0.1.2.3/8",
		"224.0.0.1/4",   "255.255.255.255/32",
		"dhcp4",         "",
		"10.0.2.15/-1",  "1.2.3.4/99999999999999999999999",
	};
	struct hostconf c;
	char text[128], msg[256];

	expect("[network]\naddress = dhcp\n", &c, "");
	assert_true(c.network.dhcp);
	expect("[network]\naddress = DHCP\n", &c, "");
	assert_true(c.network.dhcp);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[network]\naddress = %s\n", good[i]);
		expect(text, &c, "");
		assert_false(c.network.dhcp);
	}
	assert_int_equal(c.network.prefix_len, 16);
	assert_memory_equal(c.network.address, ((uint8_t[]){ 172, 16, 0, 255 }), 4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "\n[network]\naddress = %s\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "3|line 3: [network] address: expected dhcp or a unicast host address A.B.C.D/N with N 1-32, got \"%s\"\n",
			 bad[i]);
		expect(text, &c, msg);
		assert_defaults(&c);
	}
}

static void test_network_gateway(void **state)
{
	struct hostconf c;

	expect("[network]\ngateway = 10.0.2.2\naddress = 10.0.2.15/24\n", &c, "");
	assert_true(c.network.has_gateway);
	expect("[network]\naddress = 10.0.0.0/31\ngateway = 10.0.0.1\n", &c, "");
	assert_true(c.network.has_gateway);

	expect("[network]\ngateway = 10.0.2.2\n", &c,
	       "2|line 2: [network] gateway: expected no gateway with address = dhcp (DHCP supplies it); ignored\n");
	assert_defaults(&c);
	expect("[network]\naddress = 10.0.2.15/24\ngateway = 10.0.3.1\n", &c,
	       "3|line 3: [network] gateway: expected an address inside 10.0.2.15/24 other than the host's own, got 10.0.3.1; ignored\n");
	assert_false(c.network.has_gateway);
	assert_false(c.network.dhcp);
	expect("[network]\naddress = 10.0.2.15/24\ngateway = 10.0.2.15\n", &c,
	       "3|line 3: [network] gateway: expected an address inside 10.0.2.15/24 other than the host's own, got 10.0.2.15; ignored\n");
	assert_false(c.network.has_gateway);
	expect("[network]\naddress = 10.0.2.15/24\ngateway = 10.0.2.2/24\n", &c,
	       "3|line 3: [network] gateway: expected a unicast address A.B.C.D, got \"10.0.2.2/24\"\n");
	assert_false(c.network.has_gateway);
	expect("[network]\naddress = 10.0.2.15/24\ngateway = 224.0.0.1\n", &c,
	       "3|line 3: [network] gateway: expected a unicast address A.B.C.D, got \"224.0.0.1\"\n");
	/* A bad address leaves dhcp on, so the gateway goes too. */
	expect("[network]\naddress = 10.0.2.15\ngateway = 10.0.2.2\n", &c,
	       "2|line 2: [network] address: expected dhcp or a unicast host address A.B.C.D/N with N 1-32, got \"10.0.2.15\"\n"
	       "3|line 3: [network] gateway: expected no gateway with address = dhcp (DHCP supplies it); ignored\n");
	assert_defaults(&c);
}

static void test_network_ports(void **state)
{
	static const char *const bad[] = {
		"0", "65536", "-1", "+80", "80x", "8 0", "0x50", "", "99999999999999999999999",
	};
	struct hostconf c;
	char text[128], msg[256];

	expect("[network]\nconsole_port = 1\nhttp_port = 65535\n", &c, "");
	assert_int_equal(c.network.console_port, 1);
	assert_int_equal(c.network.http_port, 65535);
	expect("[network]\nhttp_port = 0080\n", &c, "");
	assert_int_equal(c.network.http_port, 80);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[network]\nhttp_port = %s\nconsole_port = 2323\n",
			 bad[i]);
		snprintf(msg, sizeof(msg),
			 "2|line 2: [network] http_port: expected a port number 1-65535, got \"%s\"\n",
			 bad[i]);
		expect(text, &c, msg);
		assert_int_equal(c.network.http_port, 80);
		assert_int_equal(c.network.console_port, 2323);
	}
}

static void test_network_port_clash(void **state)
{
	struct hostconf c;

	expect("[network]\nhttp_port = 23\n", &c,
	       "2|line 2: [network] http_port: expected a port other than console_port's, got 23; both ports keep their defaults (23, 80)\n");
	assert_defaults(&c);
	expect("[network]\nconsole_port = 80\n", &c,
	       "2|line 2: [network] console_port: expected a port other than http_port's, got 80; both ports keep their defaults (23, 80)\n");
	assert_defaults(&c);
	expect("[network]\nhttp_port = 8080\nconsole_port = 8080\n", &c,
	       "3|line 3: [network] console_port: expected a port other than http_port's, got 8080; both ports keep their defaults (23, 80)\n");
	assert_defaults(&c);
	expect("[network]\nhttp_port = 23\nconsole_port = 80\n", &c, "");
	assert_int_equal(c.network.http_port, 23);
	assert_int_equal(c.network.console_port, 80);
}

static void test_password(void **state)
{
	struct hostconf c;
	char text[256];

	expect("[network]\npassword = s3cret\n", &c, "");
	assert_string_equal(c.network.password, "s3cret");
	expect("[network]\npassword =\n", &c, "");
	assert_string_equal(c.network.password, "");

	snprintf(text, sizeof(text), "[network]\npassword = %064d\n", 7);
	expect(text, &c, "");
	assert_int_equal(strlen(c.network.password), 64);
	/* Too long: said so, but the value never reaches the console. */
	snprintf(text, sizeof(text), "[network]\npassword = %065d\n", 7);
	expect(text, &c, "2|line 2: [network] password: expected a password of at most 64 bytes\n");
	assert_string_equal(c.network.password, "");
}

/* ----------------------------------------------------------- errors --- */

static void test_issue_example(void **state)
{
	struct hostconf c;

	expect("[host]\nexit_when_idle = yes\nlog_level = loud\n", &c,
	       "3|line 3: [host] log_level: expected error|warn|info|debug, got \"loud\"\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_true(c.host.exit_when_idle);
}

/* Each bad field keeps its default; every other line still applies. */
static void test_bad_fields_keep_defaults(void **state)
{
	struct hostconf c;

	expect("[host]\n"
	       "log_level = verbose\n"
	       "exit_when_idle = maybe\n"
	       "[debug]\n"
	       "fault_cpu = two\n"
	       "fault_kind = nmi\n"
	       "[network]\n"
	       "console_port = 2323\n",
	       &c,
	       "2|line 2: [host] log_level: expected error|warn|info|debug, got \"verbose\"\n"
	       "3|line 3: [host] exit_when_idle: expected yes|no, got \"maybe\"\n"
	       "5|line 5: [debug] fault_cpu: expected none or an application processor index 1-255, got \"two\"\n"
	       "6|line 6: [debug] fault_kind: expected ud|de|gp|pf, got \"nmi\"\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_false(c.host.exit_when_idle);
	assert_int_equal(c.debug.fault_cpu, HOSTCONF_FAULT_CPU_NONE);
	assert_int_equal(c.debug.fault_kind, HOSTCONF_FAULT_UD);
	assert_int_equal(c.network.console_port, 2323);
}

static void test_unknown_names(void **state)
{
	struct hostconf c;

	expect("[host]\n"
	       "log_lvl = debug\n"
	       "[hots]\n"
	       "log_level = debug\n"
	       "[network]\n"
	       "adress = dhcp\n"
	       "[debug]\n"
	       "fault = 1\n"
	       "[Host]\n",
	       &c,
	       "2|line 2: [host] log_lvl: unknown key; expected log_level or exit_when_idle\n"
	       "3|line 3: [hots]: unknown section; expected [host], [network], [debug] or [vm NAME]; section ignored\n"
	       "6|line 6: [network] adress: unknown key; expected address, gateway, console_port, http_port, password or iperf\n"
	       "8|line 8: [debug] fault: unknown key; expected fault_cpu, fault_kind or reboot_after_ready\n"
	       "9|line 9: [Host]: unknown section; expected [host], [network], [debug] or [vm NAME]; section ignored\n");
	assert_defaults(&c);
}

static void test_section_names(void **state)
{
	struct hostconf c;

	expect("[host main]\nlog_level = debug\n[vm]\nmemory = 64M\n[host]\nlog_level = warn\n", &c,
	       "1|line 1: [host main]: expected [host] with no NAME; section ignored\n"
	       "3|line 3: [vm]: missing NAME; expected [vm NAME]; section ignored\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
}

static void test_key_outside_section(void **state)
{
	struct hostconf c;

	expect("log_level = debug\n[host]\nexit_when_idle = on\n", &c,
	       "1|line 1: log_level: key outside any section; expected a [section] header above it\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_true(c.host.exit_when_idle);
}

static void test_duplicates(void **state)
{
	struct hostconf c;

	expect("[host]\nlog_level = warn\nlog_level = debug\n", &c,
	       "3|line 3: [host] log_level: already set on line 2; this one ignored\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
	/* A repeated plain section is the same section. */
	expect("[host]\nlog_level = warn\n[network]\n[host]\nexit_when_idle = yes\nlog_level = error\n",
	       &c, "6|line 6: [host] log_level: already set on line 2; this one ignored\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
	assert_true(c.host.exit_when_idle);
	/* A bad first value does not count as set. */
	expect("[host]\nlog_level = loud\nlog_level = error\n", &c,
	       "2|line 2: [host] log_level: expected error|warn|info|debug, got \"loud\"\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_ERROR);
}

static void test_syntax_errors(void **state)
{
	struct hostconf c;

	expect("[host]\n"
	       "log_level\n"
	       "log_level = \"info\n"
	       "[host\n"
	       "exit_when_idle = yes\n"
	       "[network]\n"
	       "password = \"bad \\escape\"\n",
	       &c,
	       "2|line 2: [host]: expected 'key = value', a [section] header or a comment\n"
	       "3|line 3: [host] log_level: unterminated quoted value\n"
	       "4|line 4: section header without closing ']'\n"
	       "7|line 7: [network] password: bad escape in quoted value; only \\\" and \\\\ are allowed\n");
	assert_defaults(&c);
}

static void test_crlf_no_newline_nul(void **state)
{
	static const char nul[] = "[host]\r\nlog_level = in\0fo\r\nexit_when_idle = yes";
	struct hostconf c;
	struct reports r;

	expect("[host]\r\nlog_level = debug\r\n[network]\r\nhttp_port = 8080", &c, "");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_DEBUG);
	assert_int_equal(c.network.http_port, 8080);

	assert_int_equal(parse_len(nul, sizeof(nul) - 1, &c, &r), 1);
	assert_string_equal(r.text, "2|line 2: [host]: NUL byte in line\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_true(c.host.exit_when_idle);
}

static void test_long_values(void **state)
{
	struct hostconf c;
	char text[4096];

	/* A bad value is quoted back shortened, so a message stays one line. */
	snprintf(text, sizeof(text), "[host]\nlog_level = %0100d\n", 0);
	expect(text, &c,
	       "2|line 2: [host] log_level: expected error|warn|info|debug, got \"0000000000000000000000000000000000000000...\"\n");
	snprintf(text, sizeof(text), "[host]\nlog_level = %01025d\n", 0);
	expect(text, &c, "2|line 2: [host] log_level: value too long (max 1024 bytes)\n");
	memset(text, 'x', 3000);
	memcpy(text, "[host]\n#", 8);
	strcpy(text + 3000, "\nlog_level = debug\n");
	expect(text, &c, "2|line 2: [host]: line too long (max 2048 bytes)\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_DEBUG);
}

static void test_file_too_large(void **state)
{
	size_t len = HOSTCONF_MAX_FILE_SIZE + 1;
	char *text = malloc(len);
	struct hostconf c;
	struct reports r;

	assert_non_null(text);
	memset(text, '\n', len);
	memcpy(text, "[host]\nlog_level = debug\n", 25);
	assert_int_equal(parse_len(text, len, &c, &r), 1);
	assert_string_equal(
		r.text,
		"0|config is 65537 bytes, over the limit of 65536; ignored, using the defaults\n");
	assert_defaults(&c);
	assert_int_equal(parse_len(text, len - 1, &c, &r), 0);
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_DEBUG);
	free(text);
}

static void test_no_report_callback(void **state)
{
	static const char text[] = "[host]\nlog_level = loud\n[nope]\nx\n";
	struct hostconf c;

	assert_int_equal(hostconf_parse(text, sizeof(text) - 1, &c, NULL, NULL), 3);
	assert_defaults(&c);
}

/* -------------------------------------------------------------- [vm] --- */

/* "[vm t]\nmemory = 64M\nkernel = k.elf\n" plus `extra` lines: one valid VM to vary. */
static void expect_vm(const char *extra, struct hostconf *conf, const char *reports)
{
	char text[4096];

	snprintf(text, sizeof(text), "[vm t]\nmemory = 64M\nkernel = k.elf\n%s", extra);
	expect(text, conf, reports);
	assert_int_equal(conf->vm_count, 1);
	assert_string_equal(conf->vms[0].name, "t");
	assert_int_equal(conf->vms[0].invalid, reports[0] != '\0');
}

static void test_vm_full(void **state)
{
	struct hostconf c;
	const struct hostconf_vm *web, *dos;

	expect("[host]\n"
	       "log_level = warn\n"
	       "\n"
	       "[vm web]\n"
	       "memory = 64M\n"
	       "vcpus = 2\n"
	       "cpus = 1-3\n"
	       "kernel = web/kernel.elf\n"
	       "initrd = web/initrd.img\n"
	       "cmdline = \"console=ttyS0 quiet\"\n"
	       "autostart = no\n"
	       "type = multiboot\n"
	       "[vm dos]\n"
	       "type = FLAT\n"
	       "memory = 1M\n"
	       "kernel = dos/boot.bin\n"
	       "[host]\n"
	       "exit_when_idle = yes\n",
	       &c, "");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
	assert_true(c.host.exit_when_idle);
	assert_int_equal(c.vm_count, 2);

	web = &c.vms[0];
	assert_string_equal(web->name, "web");
	assert_int_equal(web->line, 4);
	assert_false(web->invalid);
	assert_string_equal(web->reason, "");
	assert_int_equal(web->type, HOSTCONF_VM_MULTIBOOT);
	assert_int_equal(web->memory, 64ULL << 20);
	assert_int_equal(web->vcpus, 2);
	assert_true(web->cpus_set);
	assert_int_equal(web->cpus.bits[0], 0xe);
	assert_int_equal(web->cpus.bits[1] | web->cpus.bits[2] | web->cpus.bits[3], 0);
	assert_string_equal(web->kernel, "web/kernel.elf");
	assert_string_equal(web->initrd, "web/initrd.img");
	assert_string_equal(web->cmdline, "console=ttyS0 quiet");
	assert_false(web->autostart);

	dos = &c.vms[1];
	assert_string_equal(dos->name, "dos");
	assert_int_equal(dos->line, 13);
	assert_false(dos->invalid);
	assert_int_equal(dos->type, HOSTCONF_VM_FLAT);
	assert_int_equal(dos->memory, 1ULL << 20);
	assert_string_equal(dos->kernel, "dos/boot.bin");

	assert_ptr_equal(hostconf_find_vm(&c, "web"), web);
	assert_ptr_equal(hostconf_find_vm(&c, "dos"), dos);
	assert_null(hostconf_find_vm(&c, "Web"));
	assert_null(hostconf_find_vm(&c, ""));
	assert_string_equal(hostconf_vm_type_name(HOSTCONF_VM_MULTIBOOT), "multiboot");
	assert_string_equal(hostconf_vm_type_name(HOSTCONF_VM_FLAT), "flat");
	assert_string_equal(hostconf_vm_type_name(HOSTCONF_VM_LINUX), "linux");
	assert_string_equal(hostconf_vm_type_name((enum hostconf_vm_type)3), "?");
}

static void test_vm_defaults(void **state)
{
	struct hostconf c;
	const struct hostconf_vm *vm = &c.vms[0];

	memset(&c, 0xa5, sizeof(c));
	expect_vm("", &c, "");
	assert_false(vm->invalid);
	assert_string_equal(vm->reason, "");
	assert_int_equal(vm->type, HOSTCONF_VM_MULTIBOOT);
	assert_int_equal(vm->vcpus, 1);
	assert_false(vm->cpus_set);
	for (size_t i = 0; i < HOSTCONF_MAX_CPUS / 64; i++)
		assert_int_equal(vm->cpus.bits[i], 0);
	assert_string_equal(vm->initrd, "");
	assert_string_equal(vm->cmdline, "");
	assert_true(vm->autostart);
	/* Nothing else changes with a VM defined. */
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_INFO);
	assert_true(c.network.dhcp);
	/* Empty and VM-less configs have none. */
	expect("", &c, "");
	assert_int_equal(c.vm_count, 0);
}

static void test_vm_memory(void **state)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "1M", 1ULL << 20 },
		{ "64M", 64ULL << 20 },
		{ "64m", 64ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "3g", 3ULL << 30 },
		{ "1T", 1ULL << 40 },
		{ "1t", 1ULL << 40 },
		{ "1024G", 1ULL << 40 },
		{ "1048576", 1ULL << 20 },
		{ "4100K", 4100ULL << 10 },
		{ "1024k", 1ULL << 20 },
		{ "0064M", 64ULL << 20 },
		{ "1099511627776", 1ULL << 40 },
	};
	static const char *const bad_syntax[] = {
		"lots", "",  "64MB",  "64 M", "-1",  "+64M", "0x100000",
		"1.5G", "M", "64MiB", "64P",  "64B", " ",    "64M64",
	};
	static const char *const bad_range[] = {
		"0",
		"0M",
		"1023K",
		"512K",
		"1048575",
		"2T",
		"1025G",
		"1099511627777",
		"99999999999999999999999",
		"99999999999999999999999M",
		"17592186044416T",
	};
	static const char *const bad_align[] = { "1048577", "1025K", "4194303", "10000000" };
	struct hostconf c;
	char extra[128], msg[256];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(extra, sizeof(extra), "[vm t]\nkernel = k\nmemory = %s\n", good[i].text);
		expect(extra, &c, "");
		assert_int_equal(c.vms[0].memory, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad_syntax) / sizeof(bad_syntax[0]); i++) {
		snprintf(extra, sizeof(extra), "[vm t]\nkernel = k\nmemory = \"%s\"\n",
			 bad_syntax[i]);
		snprintf(msg, sizeof(msg),
			 "3|line 3: [vm t] memory: expected a size like 64M, got \"%s\"\n",
			 bad_syntax[i]);
		expect(extra, &c, msg);
		assert_true(c.vms[0].invalid);
		snprintf(msg, sizeof(msg), "line 3: memory: expected a size like 64M, got \"%s\"",
			 bad_syntax[i]);
		assert_string_equal(c.vms[0].reason, msg);
	}
	for (size_t i = 0; i < sizeof(bad_range) / sizeof(bad_range[0]); i++) {
		snprintf(extra, sizeof(extra), "[vm t]\nkernel = k\nmemory = %s\n", bad_range[i]);
		snprintf(msg, sizeof(msg),
			 "3|line 3: [vm t] memory: expected a size from 1M to 1T, got \"%s\"\n",
			 bad_range[i]);
		expect(extra, &c, msg);
		assert_true(c.vms[0].invalid);
		assert_int_equal(c.vms[0].memory, 0);
	}
	for (size_t i = 0; i < sizeof(bad_align) / sizeof(bad_align[0]); i++) {
		snprintf(extra, sizeof(extra), "[vm t]\nkernel = k\nmemory = %s\n", bad_align[i]);
		snprintf(msg, sizeof(msg),
			 "3|line 3: [vm t] memory: expected a multiple of 4K, got \"%s\"\n",
			 bad_align[i]);
		expect(extra, &c, msg);
		assert_true(c.vms[0].invalid);
	}
}

static void test_vm_reason(void **state)
{
	struct hostconf c;

	/* The issue's example: line, VM and field in the report; line and field in the reason. */
	expect("[vm web]\nkernel = web.elf\n\n\n\n\n\n\n\n\n\nmemory = lots\n", &c,
	       "12|line 12: [vm web] memory: expected a size like 64M, got \"lots\"\n");
	assert_true(c.vms[0].invalid);
	assert_string_equal(c.vms[0].reason,
			    "line 12: memory: expected a size like 64M, got \"lots\"");
	/* Only the first error is the reason; every one is reported. */
	expect("[vm web]\nvcpus = 0\nmemory = lots\nkernel = /abs\n", &c,
	       "2|line 2: [vm web] vcpus: expected a vCPU count 1-16, got \"0\"\n"
	       "3|line 3: [vm web] memory: expected a size like 64M, got \"lots\"\n"
	       "4|line 4: [vm web] kernel: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"/abs\"\n");
	assert_string_equal(c.vms[0].reason,
			    "line 2: vcpus: expected a vCPU count 1-16, got \"0\"");
	assert_int_equal(c.vms[0].vcpus, 1);
}

static void test_vm_vcpus(void **state)
{
	static const char *const bad[] = { "0", "17", "-1", "x", "", "1.0", "99999999999999999999" };
	struct hostconf c;
	char extra[64], msg[256];

	expect_vm("vcpus = 1\n", &c, "");
	assert_int_equal(c.vms[0].vcpus, 1);
	expect_vm("vcpus = 16\n", &c, "");
	assert_int_equal(c.vms[0].vcpus, HOSTCONF_MAX_VCPUS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "vcpus = %s\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "4|line 4: [vm t] vcpus: expected a vCPU count 1-16, got \"%s\"\n",
			 bad[i]);
		expect_vm(extra, &c, msg);
		assert_int_equal(c.vms[0].vcpus, 1);
	}
}

static void test_vm_cpus(void **state)
{
	static const struct {
		const char *text;
		const char *canonical; /* hostconf_cpus_format() of the result */
	} good[] = {
		{ "1", "1" },
		{ "0", "0" },
		{ "1-3", "1-3" },
		{ "0,2-3", "0,2-3" },
		{ " 0 , 2 - 3 ", "0,2-3" },
		{ "3,1,2", "1-3" },
		{ "1,1,1-1", "1" },
		{ "255", "255" },
		{ "0-255", "0-255" },
		{ "63-64", "63-64" },
		{ "0,2,4,6", "0,2,4,6" },
		{ "007", "7" },
		{ "\t5\t", "5" },
	};
	static const char *const bad[] = {
		"",
		"a",
		"3-1",
		"256",
		"0-256",
		"1,",
		",1",
		"1-",
		"-1",
		"1--2",
		"1 2",
		"1,,2",
		"1-2-3",
		"1;2",
		"one",
		"1.5",
		"99999999999999999999",
		"none",
	};
	struct hostconf c;
	char extra[128], msg[256], out[1024];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(extra, sizeof(extra), "cpus = \"%s\"\n", good[i].text);
		expect_vm(extra, &c, "");
		assert_true(c.vms[0].cpus_set);
		assert_int_equal(hostconf_cpus_format(out, sizeof(out), &c.vms[0].cpus),
				 strlen(good[i].canonical));
		assert_string_equal(out, good[i].canonical);
	}
	expect_vm("cpus = 0,2-3\n", &c, "");
	assert_int_equal(c.vms[0].cpus.bits[0], 0xd);
	assert_true(hostconf_cpu_isset(&c.vms[0].cpus, 3));
	assert_false(hostconf_cpu_isset(&c.vms[0].cpus, 1));
	assert_false(hostconf_cpu_isset(&c.vms[0].cpus, 4096));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "cpus = \"%s\"\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "4|line 4: [vm t] cpus: expected CPU indexes 0-255 like 1, 1-3 or 0,2-3, got \"%s\"\n",
			 bad[i]);
		expect_vm(extra, &c, msg);
		assert_false(c.vms[0].cpus_set);
		assert_int_equal(c.vms[0].cpus.bits[0], 0);
	}
}

static void test_cpus_format(void **state)
{
	struct hostconf_cpuset set;
	char buf[32];

	memset(&set, 0, sizeof(set));
	assert_int_equal(hostconf_cpus_format(buf, sizeof(buf), &set), 0);
	assert_string_equal(buf, "");
	hostconf_cpu_set(&set, 0);
	hostconf_cpu_set(&set, 2);
	hostconf_cpu_set(&set, 3);
	hostconf_cpu_set(&set, 100);
	hostconf_cpu_set(&set, 101);
	hostconf_cpu_set(&set, 102);
	hostconf_cpu_set(&set, 255);
	hostconf_cpu_set(&set, 256); /* out of range: ignored */
	assert_int_equal(hostconf_cpus_format(buf, 18, &set), 17);
	assert_string_equal(buf, "0,2-3,100-102,255");
	/* Too small: whole items only, and the full length is returned. */
	assert_int_equal(hostconf_cpus_format(buf, 17, &set), 17);
	assert_string_equal(buf, "0,2-3,100-102");
	assert_int_equal(hostconf_cpus_format(buf, 10, &set), 17);
	assert_string_equal(buf, "0,2-3");
	assert_int_equal(hostconf_cpus_format(buf, 1, &set), 17);
	assert_string_equal(buf, "");
	assert_int_equal(hostconf_cpus_format(NULL, 0, &set), 17);
	memset(&set, 0xff, sizeof(set));
	assert_int_equal(hostconf_cpus_format(buf, sizeof(buf), &set), 5);
	assert_string_equal(buf, "0-255");
}

static void test_vm_paths(void **state)
{
	static const char *const good[] = {
		"k",      "web/bzImage", "a.b/c-d_e+f",  ".hidden",           "a/.b",
		"a/b./c", "x..y",        "strata.elf.1", "guests/strata.elf", "A/B/C/D/E/F",
	};
	static const char *const bad[] = {
		"",      "/abs", "../x", "a/../b", "a/..",       "..",          "..x",
		"a/..b", ".",    "./x",  "a/./b",  "a/.",        "a//b",        "a/",
		"/",     "a b",  "a:b",  "a*",     "strata.elf", "strata.conf", "\xc3\xa9",
	};
	struct hostconf c;
	char extra[256], msg[512], longest[HOSTCONF_MAX_PATH + 2];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(extra, sizeof(extra), "initrd = %s\n", good[i]);
		expect_vm(extra, &c, "");
		assert_string_equal(c.vms[0].initrd, good[i]);
		assert_true(hostconf_path_ok(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(extra, sizeof(extra), "initrd = \"%s\"\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "4|line 4: [vm t] initrd: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"%s\"\n",
			 bad[i]);
		expect_vm(extra, &c, msg);
		assert_string_equal(c.vms[0].initrd, "");
		assert_false(hostconf_path_ok(bad[i]));
	}
	/* A backslash cannot even be quoted; unquoted it is a bad path. */
	expect_vm("initrd = a\\b\n", &c,
		  "4|line 4: [vm t] initrd: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"a\\b\"\n");
	assert_false(hostconf_path_ok("a\\b"));
	memset(longest, 'a', HOSTCONF_MAX_PATH);
	longest[HOSTCONF_MAX_PATH] = '\0';
	snprintf(extra, sizeof(extra), "initrd = %s\n", longest);
	expect_vm(extra, &c, "");
	assert_string_equal(c.vms[0].initrd, longest);
	strcat(longest, "a");
	snprintf(extra, sizeof(extra), "initrd = %s\n", longest);
	snprintf(msg, sizeof(msg),
		 "4|line 4: [vm t] initrd: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"%.40s...\"\n",
		 longest);
	expect_vm(extra, &c, msg);
	/* kernel follows the same rule. */
	expect("[vm t]\nmemory = 1M\nkernel = ../k\n", &c,
	       "3|line 3: [vm t] kernel: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"../k\"\n");
	assert_string_equal(c.vms[0].kernel, "");
	assert_true(c.vms[0].invalid);
}

static void test_vm_other_keys(void **state)
{
	struct hostconf c;
	char extra[1100];

	expect_vm("cmdline = console=ttyS0 root=/dev/ram0 # not a comment\n", &c, "");
	assert_string_equal(c.vms[0].cmdline, "console=ttyS0 root=/dev/ram0 # not a comment");
	expect_vm("cmdline = \"  spaced  \"\n", &c, "");
	assert_string_equal(c.vms[0].cmdline, "  spaced  ");
	expect_vm("cmdline =\n", &c, "");
	assert_string_equal(c.vms[0].cmdline, "");
	memset(extra, 0, sizeof(extra));
	memcpy(extra, "cmdline = ", 10);
	memset(extra + 10, 'x', HOSTCONF_MAX_CMDLINE);
	extra[10 + HOSTCONF_MAX_CMDLINE] = '\n';
	expect_vm(extra, &c, "");
	assert_int_equal(strlen(c.vms[0].cmdline), HOSTCONF_MAX_CMDLINE);

	expect_vm("autostart = no\n", &c, "");
	assert_false(c.vms[0].autostart);
	expect_vm("autostart = YES\n", &c, "");
	assert_true(c.vms[0].autostart);
	expect_vm("autostart = off\n", &c, "");
	assert_false(c.vms[0].autostart);
	expect_vm("autostart = later\n", &c,
		  "4|line 4: [vm t] autostart: expected yes|no, got \"later\"\n");
	assert_true(c.vms[0].autostart);

	expect_vm("type = flat\n", &c, "");
	assert_int_equal(c.vms[0].type, HOSTCONF_VM_FLAT);
	expect_vm("type = Multiboot\n", &c, "");
	assert_int_equal(c.vms[0].type, HOSTCONF_VM_MULTIBOOT);
	expect_vm("type = elf\n", &c,
		  "4|line 4: [vm t] type: expected multiboot|flat|linux, got \"elf\"\n");
	assert_int_equal(c.vms[0].type, HOSTCONF_VM_MULTIBOOT);
	expect_vm("type = multiboot2\n", &c,
		  "4|line 4: [vm t] type: expected multiboot|flat|linux, got \"multiboot2\"\n");
}

static void test_vm_required(void **state)
{
	struct hostconf c;

	expect("[vm a]\n[vm b]\nmemory = 64M\n[vm c]\nkernel = c.elf\n", &c,
	       "1|line 1: [vm a] memory: required key missing (e.g. memory = 64M)\n"
	       "1|line 1: [vm a] kernel: required key missing (e.g. kernel = guests/a.elf)\n"
	       "2|line 2: [vm b] kernel: required key missing (e.g. kernel = guests/b.elf)\n"
	       "4|line 4: [vm c] memory: required key missing (e.g. memory = 64M)\n");
	assert_int_equal(c.vm_count, 3);
	assert_string_equal(c.vms[0].reason,
			    "line 1: memory: required key missing (e.g. memory = 64M)");
	assert_string_equal(c.vms[1].reason,
			    "line 2: kernel: required key missing (e.g. kernel = guests/b.elf)");
	assert_int_equal(c.vms[1].memory, 64ULL << 20);
	assert_true(c.vms[2].invalid);
	assert_string_equal(c.vms[2].kernel, "c.elf");
	/* A key that was given but bad is not "missing" as well. */
	expect("[vm a]\nmemory = 0\nkernel = /k\n", &c,
	       "2|line 2: [vm a] memory: expected a size from 1M to 1T, got \"0\"\n"
	       "3|line 3: [vm a] kernel: expected a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..', got \"/k\"\n");
	/* The end of the file ends the last VM too; a repeat of [host] does not matter. */
	expect("[host]\n[vm a]\nmemory = 2M\n", &c,
	       "2|line 2: [vm a] kernel: required key missing (e.g. kernel = guests/a.elf)\n");
}

static void test_vm_flat_extras(void **state)
{
	struct hostconf c;

	expect_vm("type = flat\ninitrd = x.img\ncmdline = quiet\n", &c,
		  "5|line 5: [vm t] initrd: expected none with type = flat (a flat binary gets no modules)\n"
		  "6|line 6: [vm t] cmdline: expected none with type = flat (a flat binary gets no command line)\n");
	assert_string_equal(
		c.vms[0].reason,
		"line 5: initrd: expected none with type = flat (a flat binary gets no modules)");
	/* Order does not matter: the check runs when the section ends. */
	expect_vm("cmdline = quiet\ntype = flat\n", &c,
		  "4|line 4: [vm t] cmdline: expected none with type = flat (a flat binary gets no command line)\n");
}

static void test_vm_names(void **state)
{
	struct hostconf c;

	expect("[vm a.b-c_D9]\nmemory = 1M\nkernel = k\n"
	       "[vm 9lives]\nmemory = 1M\nkernel = k\n"
	       "[vm abcdefghijabcdefghijabcdefghij1]\nmemory = 1M\nkernel = k\n",
	       &c, "");
	assert_int_equal(c.vm_count, 3);
	assert_string_equal(c.vms[0].name, "a.b-c_D9");
	assert_string_equal(c.vms[1].name, "9lives");
	assert_string_equal(c.vms[2].name, "abcdefghijabcdefghijabcdefghij1");
	/* 32 bytes passes the tokenizer but not the VM rule; the section goes whole. */
	expect("[vm abcdefghijabcdefghijabcdefghij12]\nmemory = 1M\nkernel = k\nbogus = 1\n", &c,
	       "1|line 1: [vm abcdefghijabcdefghijabcdefghij12]: expected a NAME of 1-31 letters, digits, '_', '.' or '-'; section ignored\n");
	assert_int_equal(c.vm_count, 0);
	/* Names the tokenizer refuses never get here. */
	expect("[vm we/b]\nmemory = 1M\n[vm a b]\n", &c,
	       "1|line 1: bad section NAME; expected a letter or digit then letters, digits, '_', '-' or '.'\n"
	       "3|line 3: too many words in section header; expected [section] or [section NAME]\n");
	assert_int_equal(c.vm_count, 0);
}

static void test_vm_duplicates(void **state)
{
	struct hostconf c;

	expect("[vm web]\nmemory = 64M\nkernel = a.elf\n"
	       "[vm db]\nmemory = 32M\nkernel = db.elf\n"
	       "[vm web]\nmemory = 128M\nkernel = b.elf\n",
	       &c, "7|line 7: [vm web]: already defined on line 1; section ignored\n");
	assert_int_equal(c.vm_count, 2);
	assert_false(c.vms[0].invalid);
	assert_int_equal(c.vms[0].memory, 64ULL << 20);
	assert_string_equal(c.vms[0].kernel, "a.elf");
	assert_false(c.vms[1].invalid);
	/* Names are case-sensitive, as all names in the file. */
	expect("[vm web]\nmemory = 64M\nkernel = a\n[vm WEB]\nmemory = 64M\nkernel = a\n", &c, "");
	assert_int_equal(c.vm_count, 2);
	/* A repeated key is an error of that VM; the first value stays. */
	expect_vm("memory = 128M\n", &c,
		  "4|line 4: [vm t] memory: already set on line 2; this one ignored\n");
	assert_int_equal(c.vms[0].memory, 64ULL << 20);
	assert_string_equal(c.vms[0].reason,
			    "line 4: memory: already set on line 2; this one ignored");
	/* Keys are counted per VM: each VM may set each key once. */
	expect("[vm a]\nmemory = 1M\nkernel = k\n[vm b]\nmemory = 1M\nkernel = k\n", &c, "");
}

static void test_vm_limit(void **state)
{
	struct hostconf c;
	char text[4096];
	size_t n = 0;

	for (int i = 0; i <= HOSTCONF_MAX_VMS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "[vm v%d]\nmemory = 1M\nkernel = k%d\n", i, i);
	expect(text, &c, "49|line 49: [vm v16]: more than 16 VMs; section ignored\n");
	assert_int_equal(c.vm_count, HOSTCONF_MAX_VMS);
	for (int i = 0; i < HOSTCONF_MAX_VMS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "v%d", i);
		assert_string_equal(c.vms[i].name, name);
		assert_false(c.vms[i].invalid);
	}
	assert_null(hostconf_find_vm(&c, "v16"));
}

static void test_vm_errors_stay_inside(void **state)
{
	struct hostconf c;

	/* Unknown key: lists the VM keys, marks only that VM. */
	expect("[vm a]\nmemory = 1M\nkernel = k\nmemroy = 2M\n[vm b]\nmemory = 1M\nkernel = k\n",
	       &c,
	       "4|line 4: [vm a] memroy: unknown key; expected memory, vcpus, cpus, kernel, initrd, cmdline, autostart or type\n");
	assert_true(c.vms[0].invalid);
	assert_false(c.vms[1].invalid);
	assert_string_equal(
		c.vms[0].reason,
		"line 4: memroy: unknown key; expected memory, vcpus, cpus, kernel, initrd, cmdline, autostart or type");
	/* A syntax error inside a VM is that VM's error. */
	expect("[vm a]\nmemory = 1M\nkernel = k\ncmdline = \"open\n[vm b]\nmemory = 1M\nkernel = k\n",
	       &c, "4|line 4: [vm a] cmdline: unterminated quoted value\n");
	assert_true(c.vms[0].invalid);
	assert_string_equal(c.vms[0].reason, "line 4: cmdline: unterminated quoted value");
	assert_false(c.vms[1].invalid);
	expect_vm("no equals sign\n", &c,
		  "4|line 4: [vm t]: expected 'key = value', a [section] header or a comment\n");
	assert_string_equal(c.vms[0].reason,
			    "line 4: expected 'key = value', a [section] header or a comment");
	/* Errors in other sections do not touch the VMs. */
	expect("[vm a]\nmemory = 1M\nkernel = k\n[host]\nlog_level = loud\n", &c,
	       "5|line 5: [host] log_level: expected error|warn|info|debug, got \"loud\"\n");
	assert_false(c.vms[0].invalid);
	/*
	 * A malformed header ends the VM (its final checks run first); the
	 * keys below it belong to no section and are dropped.
	 */
	expect("[vm a]\nmemory = 1M\n[vm b\nkernel = k\n", &c,
	       "1|line 1: [vm a] kernel: required key missing (e.g. kernel = guests/a.elf)\n"
	       "3|line 3: section header without closing ']'\n");
	assert_int_equal(c.vm_count, 1);
	assert_string_equal(c.vms[0].kernel, "");
	/* Keys of an ignored VM section are neither applied nor reported. */
	expect("[vm a]\nmemory = 1M\nkernel = k\n[vm a]\nmemory = lots\nbogus = 1\n", &c,
	       "4|line 4: [vm a]: already defined on line 1; section ignored\n");
	assert_false(c.vms[0].invalid);
	/* ... but its syntax errors are, without marking the first [vm a]. */
	expect("[vm a]\nmemory = 1M\nkernel = k\n[vm a]\ncmdline = \"x\n", &c,
	       "4|line 4: [vm a]: already defined on line 1; section ignored\n"
	       "5|line 5: [vm a] cmdline: unterminated quoted value\n");
	assert_false(c.vms[0].invalid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_fault_cpu),
		cmocka_unit_test(test_network_addresses),
		cmocka_unit_test(test_network_gateway),
		cmocka_unit_test(test_network_ports),
		cmocka_unit_test(test_network_port_clash),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_bad_fields_keep_defaults),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_crlf_no_newline_nul),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_no_report_callback),
		cmocka_unit_test(test_vm_full),
		cmocka_unit_test(test_vm_defaults),
		cmocka_unit_test(test_vm_memory),
		cmocka_unit_test(test_vm_reason),
		cmocka_unit_test(test_vm_vcpus),
		cmocka_unit_test(test_vm_cpus),
		cmocka_unit_test(test_cpus_format),
		cmocka_unit_test(test_vm_paths),
		cmocka_unit_test(test_vm_other_keys),
		cmocka_unit_test(test_vm_required),
		cmocka_unit_test(test_vm_flat_extras),
		cmocka_unit_test(test_vm_names),
		cmocka_unit_test(test_vm_duplicates),
		cmocka_unit_test(test_vm_limit),
		cmocka_unit_test(test_vm_errors_stay_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
