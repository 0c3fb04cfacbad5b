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
		{ "yes", true }, { "no", false }, { "true", true }, { "false", false },
		{ "on", true },  { "off", false }, { "1", true },   { "0", false },
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
		{ "ud", HOSTCONF_FAULT_UD }, { "de", HOSTCONF_FAULT_DE },
		{ "gp", HOSTCONF_FAULT_GP }, { "PF", HOSTCONF_FAULT_PF },
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
		"10.0.2.15/24", "192.168.1.1/16", "1.2.3.4/32", "10.0.0.0/31", "10.0.0.1/31",
		"172.16.0.255/16",
	};
	static const char *const bad[] = {
		"10.0.2.15",       "10.0.2.15/",     "10.0.2.15/0",   "10.0.2.15/33",
		"10.0.2.15/24x",   "10.0.2.15 /24",  "256.0.0.1/8",   "1.2.3/24",
		"1.2.3.4.5/24",    "010.0.0.1/8",    "10.0.02.1/8",   "1..2.3/8",
		"10.0.2.0/24",     "10.0.2.255/24",  "127.0.0.1/8",   "0.1.2.3/8",
		"224.0.0.1/4",     "255.255.255.255/32", "dhcp4",     "",
		"10.0.2.15/-1",    "1.2.3.4/99999999999999999999999",
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
		snprintf(text, sizeof(text), "[network]\nhttp_port = %s\nconsole_port = 2323\n", bad[i]);
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
	expect(text, &c,
	       "2|line 2: [network] password: expected a password of at most 64 bytes\n");
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
	       "6|line 6: [network] adress: unknown key; expected address, gateway, console_port, http_port or password\n"
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

static void test_vm_not_supported(void **state)
{
	struct hostconf c;

	/* One error for the section; its keys are not reported one by one. */
	expect("[host]\n"
	       "log_level = warn\n"
	       "\n"
	       "[vm web]\n"
	       "memory = 64M\n"
	       "kernel = web/bzImage\n"
	       "cmdline = \"console=ttyS0\"\n"
	       "[host]\n"
	       "exit_when_idle = yes\n",
	       &c, "4|line 4: [vm web]: VM definitions are not supported by this version; section ignored\n");
	assert_int_equal(c.host.log_level, HOSTCONF_LOG_WARN);
	assert_true(c.host.exit_when_idle);
	/* Syntax errors inside it are still syntax errors. */
	expect("[vm a]\ncmdline = \"open\n", &c,
	       "1|line 1: [vm a]: VM definitions are not supported by this version; section ignored\n"
	       "2|line 2: [vm a] cmdline: unterminated quoted value\n");
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
	assert_string_equal(r.text,
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
		cmocka_unit_test(test_vm_not_supported),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_crlf_no_newline_nul),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_no_report_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
