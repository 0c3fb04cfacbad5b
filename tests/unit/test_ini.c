/* UNIT_SOURCES: kernel/config/ini.c */
/*
 * Tokenizer tests. Each case renders every event of an input as one text
 * line and compares the whole transcript, so a test shows at a glance
 * which events, line numbers and reasons a file produces. Inputs are
 * copied into a heap buffer of exactly their length with no NUL after
 * it, so ASan flags any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/config/ini.h"

#define TRANSCRIPT_MAX 16384

/*
 *   3 [vm web]                     a section
 *   4 [vm web] kernel=bzImage      a key
 *   5 ! [host] key: reason         an error (section and key may be empty)
 */
static void render(char *out, size_t size, const char *text, size_t len)
{
	struct ini_parser p;
	struct ini_event ev;
	char *copy = malloc(len ? len : 1);
	size_t n = 0;

	assert_non_null(copy);
	memcpy(copy, text, len);
	out[0] = '\0';
	ini_init(&p, copy, len);
	while (ini_next(&p, &ev)) {
		const char *sp = ev.name[0] ? " " : "";

		switch (ev.type) {
		case INI_SECTION:
			n += snprintf(out + n, size - n, "%u [%s%s%s]\n", ev.line, ev.section, sp,
				      ev.name);
			break;
		case INI_KEY:
			n += snprintf(out + n, size - n, "%u [%s%s%s] %s=%s\n", ev.line, ev.section,
				      sp, ev.name, ev.key, ev.value);
			break;
		case INI_ERROR:
			assert_non_null(ev.reason);
			assert_string_equal(ev.value, "");
			n += snprintf(out + n, size - n, "%u ! [%s%s%s] %s: %s\n", ev.line,
				      ev.section, sp, ev.name, ev.key, ev.reason);
			break;
		default:
			fail_msg("bad event type %d", ev.type);
		}
		assert_true(n < size);
	}
	/* The end is sticky. */
	assert_false(ini_next(&p, &ev));
	free(copy);
}

static void check_len(const char *text, size_t len, const char *expect)
{
	static char out[TRANSCRIPT_MAX];

	render(out, sizeof(out), text, len);
	if (strcmp(out, expect) != 0)
		fail_msg("transcript differs\n--- got:\n%s--- expected:\n%s", out, expect);
}

static void check(const char *text, const char *expect)
{
	check_len(text, strlen(text), expect);
}

/* A line "key = " followed by `fill` copies of c, then `tail`. */
static char *line_of(const char *head, size_t fill, char c, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + fill + t + 1);

	assert_non_null(s);
	memcpy(s, head, h);
	memset(s + h, c, fill);
	memcpy(s + h + fill, tail, t + 1);
	return s;
}

/* ------------------------------------------------------------ valid --- */

static void test_basic_file(void **state)
{
	check("# Strata host config\n"
	      "; another comment\n"
	      "\n"
	      "[host]\n"
	      "log_level = info\n"
	      "  exit_when_idle=yes  \n"
	      "\t# indented comment\n"
	      "[vm web]\n"
	      "kernel   =   images/bzImage\n"
	      "[ network ]\n"
	      "address=dhcp\n",
	      "4 [host]\n"
	      "5 [host] log_level=info\n"
	      "6 [host] exit_when_idle=yes\n"
	      "8 [vm web]\n"
	      "9 [vm web] kernel=images/bzImage\n"
	      "10 [network]\n"
	      "11 [network] address=dhcp\n");
}

static void test_empty_inputs(void **state)
{
	struct ini_parser p;
	struct ini_event ev;

	check("", "");
	check("\n\n\n", "");
	check("# only\n; comments\n", "");
	check("   \t  \n", "");
	ini_init(&p, NULL, 0);
	assert_false(ini_next(&p, &ev));
}

static void test_key_before_section(void **state)
{
	check("a = 1\n[s]\nb = 2\n", "1 [] a=1\n2 [s]\n3 [s] b=2\n");
}

static void test_values(void **state)
{
	check("[s]\n"
	      "empty =\n"
	      "empty2 =   \n"
	      "eq = a=b=c\n"
	      "hash = pass#word ; not a comment\n"
	      "inner = say \"hi\" there\n"
	      "tab =\tx\ty\t\n"
	      "utf8 = caf\xc3\xa9\n"
	      "key.with-chars_0 = v\n"
	      "_k = v\n",
	      "1 [s]\n"
	      "2 [s] empty=\n"
	      "3 [s] empty2=\n"
	      "4 [s] eq=a=b=c\n"
	      "5 [s] hash=pass#word ; not a comment\n"
	      "6 [s] inner=say \"hi\" there\n"
	      "7 [s] tab=x\ty\n"
	      "8 [s] utf8=caf\xc3\xa9\n"
	      "9 [s] key.with-chars_0=v\n"
	      "10 [s] _k=v\n");
}

static void test_quoted_values(void **state)
{
	check("[vm a]\n"
	      "cmdline = \"console=ttyS0 quiet\"\n"
	      "q = \"say \\\"hi\\\"\"\n"
	      "b = \"C:\\\\dir\\\\\"\n"
	      "e = \"\"\n"
	      "s = \"  padded  \"   \n"
	      "h = \"# not a comment\"\n"
	      "x = \"=\"\n",
	      "1 [vm a]\n"
	      "2 [vm a] cmdline=console=ttyS0 quiet\n"
	      "3 [vm a] q=say \"hi\"\n"
	      "4 [vm a] b=C:\\dir\\\n"
	      "5 [vm a] e=\n"
	      "6 [vm a] s=  padded  \n"
	      "7 [vm a] h=# not a comment\n"
	      "8 [vm a] x==\n");
}

static void test_crlf_and_no_trailing_newline(void **state)
{
	check("[host]\r\nlog_level = debug\r\n\r\n# c\r\nexit_when_idle = no\r\n",
	      "1 [host]\n2 [host] log_level=debug\n5 [host] exit_when_idle=no\n");
	check("[host]\nlog_level = warn", "1 [host]\n2 [host] log_level=warn\n");
	check("[host]\r\nlog_level = warn\r", "1 [host]\n2 [host] log_level=warn\n");
	check("[host]", "1 [host]\n");
	check("[s]\nq = \"a b\"\r\n", "1 [s]\n2 [s] q=a b\n");
}

static void test_bom_skipped(void **state)
{
	check("\xef\xbb\xbf[host]\nk = v\n", "1 [host]\n2 [host] k=v\n");
	/* Only at the very start: elsewhere it is just bytes of a value. */
	check("[s]\nk = \xef\xbb\xbfv\n", "1 [s]\n2 [s] k=\xef\xbb\xbfv\n");
}

static void test_header_forms(void **state)
{
	check("[vm   web-1.test]\n[ vm 1st ]\n[a_b-c.d]\n[_x Y_]\n",
	      "1 [vm web-1.test]\n2 [vm 1st]\n3 [a_b-c.d]\n4 [_x Y_]\n");
}

/* ----------------------------------------------------------- errors --- */

static void test_error_no_equals(void **state)
{
	check("[host]\nlog_level info\nexit_when_idle = yes\n",
	      "1 [host]\n"
	      "2 ! [host] : expected 'key = value', a [section] header or a comment\n"
	      "3 [host] exit_when_idle=yes\n");
}

static void test_error_keys(void **state)
{
	check("[s]\n= v\nlog level = x\n1abc = x\nk!ey = x\nok = 1\n",
	      "1 [s]\n"
	      "2 ! [s] : missing key before '='\n"
	      "3 ! [s] : bad key; expected a letter or '_' then letters, digits, '_', '-' or '.'\n"
	      "4 ! [s] : bad key; expected a letter or '_' then letters, digits, '_', '-' or '.'\n"
	      "5 ! [s] : bad key; expected a letter or '_' then letters, digits, '_', '-' or '.'\n"
	      "6 [s] ok=1\n");
}

static void test_error_key_length(void **state)
{
	char *ok = line_of("[s]\n", INI_MAX_KEY, 'k', " = v\n");
	char *bad = line_of("[s]\n", INI_MAX_KEY + 1, 'k', " = v\nnext = 1\n");
	char expect[256];

	snprintf(expect, sizeof(expect), "1 [s]\n2 [s] %.*s=v\n", INI_MAX_KEY,
		 ok + strlen("[s]\n"));
	check(ok, expect);
	check(bad, "1 [s]\n2 ! [s] : key too long (max 32 bytes)\n3 [s] next=1\n");
	free(ok);
	free(bad);
}

static void test_error_value_length(void **state)
{
	char *ok = line_of("[s]\nk = ", INI_MAX_VALUE, 'v', "\n");
	char *bad = line_of("[s]\nk = ", INI_MAX_VALUE + 1, 'v', "\nnext = 1\n");
	char *qok = line_of("[s]\nk = \"", INI_MAX_VALUE, 'v', "\"\n");
	char *qbad = line_of("[s]\nk = \"", INI_MAX_VALUE + 1, 'v', "\"\n");
	struct ini_parser p;
	struct ini_event ev;

	ini_init(&p, ok, strlen(ok));
	assert_true(ini_next(&p, &ev));
	assert_true(ini_next(&p, &ev));
	assert_int_equal(ev.type, INI_KEY);
	assert_int_equal(strlen(ev.value), INI_MAX_VALUE);
	ini_init(&p, qok, strlen(qok));
	assert_true(ini_next(&p, &ev));
	assert_true(ini_next(&p, &ev));
	assert_int_equal(ev.type, INI_KEY);
	assert_int_equal(strlen(ev.value), INI_MAX_VALUE);

	check(bad, "1 [s]\n2 ! [s] k: value too long (max 1024 bytes)\n3 [s] next=1\n");
	check(qbad, "1 [s]\n2 ! [s] k: value too long (max 1024 bytes)\n");
	free(ok);
	free(bad);
	free(qok);
	free(qbad);
}

static void test_error_line_length(void **state)
{
	/* Exactly INI_MAX_LINE bytes, then one more; CR does not count. */
	char *ok = line_of("[s]\nk = \"", INI_MAX_LINE - 6, '\\', "\"\r\n");
	char *bad = line_of("[s]\n# ", INI_MAX_LINE - 1, 'c', "\nnext = 1\n");
	char *huge = line_of("[s]\n", 1 << 20, 'x', "\r\nnext = 1");
	struct ini_parser p;
	struct ini_event ev;

	assert_int_equal(strlen(ok), 4 + INI_MAX_LINE + 2);
	ini_init(&p, ok, strlen(ok));
	assert_true(ini_next(&p, &ev));
	assert_true(ini_next(&p, &ev));
	assert_int_equal(ev.type, INI_KEY);
	assert_int_equal(strlen(ev.value), (INI_MAX_LINE - 6) / 2);

	check(bad, "1 [s]\n2 ! [s] : line too long (max 2048 bytes)\n3 [s] next=1\n");
	check(huge, "1 [s]\n2 ! [s] : line too long (max 2048 bytes)\n3 [s] next=1\n");
	free(ok);
	free(bad);
	free(huge);
}

static void test_error_quotes(void **state)
{
	check("[s]\n"
	      "a = \"open\n"
	      "b = \"esc \\\"\n"
	      "c = \"bad \\n escape\"\n"
	      "d = \"trail\\\n"
	      "e = \"x\" y\n"
	      "f = \"x\" # no inline comments\n"
	      "g = \"\n"
	      "h = ok\n",
	      "1 [s]\n"
	      "2 ! [s] a: unterminated quoted value\n"
	      "3 ! [s] b: unterminated quoted value\n"
	      "4 ! [s] c: bad escape in quoted value; only \\\" and \\\\ are allowed\n"
	      "5 ! [s] d: bad escape in quoted value; only \\\" and \\\\ are allowed\n"
	      "6 ! [s] e: unexpected text after the closing quote\n"
	      "7 ! [s] f: unexpected text after the closing quote\n"
	      "8 ! [s] g: unterminated quoted value\n"
	      "9 [s] h=ok\n");
}

static void test_error_headers(void **state)
{
	char *longsec = line_of("[", INI_MAX_SECTION + 1, 's', "]\n");
	char *longname = line_of("[vm ", INI_MAX_NAME + 1, 'n', "]\n");
	char *oksec = line_of("[", INI_MAX_SECTION, 's', "]\n");

	check("[host\n"
	      "[host] # comment\n"
	      "[host]x\n"
	      "[]\n"
	      "[   ]\n"
	      "[vm a b]\n"
	      "[1vm]\n"
	      "[v!m]\n"
	      "[vm -a]\n"
	      "[vm .a]\n"
	      "[vm a/b]\n"
	      "[[host]]\n",
	      "1 ! [] : section header without closing ']'\n"
	      "2 ! [] : unexpected text after ']'\n"
	      "3 ! [] : unexpected text after ']'\n"
	      "4 ! [] : empty section header\n"
	      "5 ! [] : empty section header\n"
	      "6 ! [] : too many words in section header; expected [section] or [section NAME]\n"
	      "7 ! [] : bad section name; expected a letter or '_' then letters, digits, '_', '-' or '.'\n"
	      "8 ! [] : bad section name; expected a letter or '_' then letters, digits, '_', '-' or '.'\n"
	      "9 ! [] : bad section NAME; expected a letter or digit then letters, digits, '_', '-' or '.'\n"
	      "10 ! [] : bad section NAME; expected a letter or digit then letters, digits, '_', '-' or '.'\n"
	      "11 ! [] : bad section NAME; expected a letter or digit then letters, digits, '_', '-' or '.'\n"
	      "12 ! [] : unexpected text after ']'\n");
	check(longsec, "1 ! [] : section name too long (max 32 bytes)\n");
	check(longname, "1 ! [] : section NAME too long (max 32 bytes)\n");
	check(oksec, "1 [ssssssssssssssssssssssssssssssss]\n");
	free(longsec);
	free(longname);
	free(oksec);
}

/*
 * After a bad header its body cannot be attributed: good keys are dropped
 * (one error already covers them) but bad lines are still reported, and
 * the next good header restores normal service.
 */
static void test_bad_header_skips_body(void **state)
{
	check("[host]\n"
	      "a = 1\n"
	      "[vm web\n"
	      "kernel = bzImage\n"
	      "broken line\n"
	      "[network]\n"
	      "b = 2\n",
	      "1 [host]\n"
	      "2 [host] a=1\n"
	      "3 ! [] : section header without closing ']'\n"
	      "5 ! [] : expected 'key = value', a [section] header or a comment\n"
	      "6 [network]\n"
	      "7 [network] b=2\n");
}

static void test_error_nul_and_control_bytes(void **state)
{
	static const char nul_value[] = "[s]\nk = a\0b\nnext = 1\n";
	static const char nul_comment[] = "[s]\n# a\0b\nnext = 1\n";
	static const char nul_header[] = "[s\0]\nk = 1\n";
	static const char only_nul[] = "\0";

	check_len(nul_value, sizeof(nul_value) - 1,
		  "1 [s]\n2 ! [s] : NUL byte in line\n3 [s] next=1\n");
	check_len(nul_comment, sizeof(nul_comment) - 1,
		  "1 [s]\n2 ! [s] : NUL byte in line\n3 [s] next=1\n");
	/* A header with a bad byte is a bad header: its body is skipped. */
	check_len(nul_header, sizeof(nul_header) - 1, "1 ! [] : NUL byte in line\n");
	check_len(only_nul, 1, "1 ! [] : NUL byte in line\n");
	check("[s]\nk = \x1b[2J\nj = a\rb\nd = \x7f\nt = a\tb\n",
	      "1 [s]\n"
	      "2 ! [s] : control character in line\n"
	      "3 ! [s] : control character in line\n"
	      "4 ! [s] : control character in line\n"
	      "5 [s] t=a\tb\n");
}

static void test_line_numbers_many_lines(void **state)
{
	enum { LINES = 5000 };
	char *text = malloc(LINES * 16 + 32);
	size_t n = 0;
	struct ini_parser p;
	struct ini_event ev;
	unsigned keys = 0;

	assert_non_null(text);
	n += (size_t)sprintf(text + n, "[s]\n");
	for (unsigned i = 2; i <= LINES; i++)
		n += (size_t)sprintf(text + n, i % 3 ? "k = %u\n" : "#%u\n", i);
	n += (size_t)sprintf(text + n, "bad");
	ini_init(&p, text, n);
	while (ini_next(&p, &ev)) {
		if (ev.type == INI_KEY) {
			assert_int_equal(strtoul(ev.value, NULL, 10), ev.line);
			keys++;
		}
	}
	assert_int_equal(ev.type, INI_ERROR);
	assert_int_equal(ev.line, LINES + 1);
	assert_true(keys > LINES / 2);
	free(text);
}

static void test_where(void **state)
{
	struct ini_event ev = { .line = 7 };
	char buf[64];

	assert_int_equal(ini_where(buf, sizeof(buf), &ev), 6);
	assert_string_equal(buf, "line 7");
	strcpy(ev.key, "kernel");
	ini_where(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "line 7: kernel");
	strcpy(ev.section, "vm");
	ini_where(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "line 7: [vm] kernel");
	strcpy(ev.name, "web");
	ini_where(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "line 7: [vm web] kernel");
	ev.key[0] = '\0';
	ini_where(buf, sizeof(buf), &ev);
	assert_string_equal(buf, "line 7: [vm web]");
	/* Truncates but always terminates. */
	ini_where(buf, 5, &ev);
	assert_string_equal(buf, "line");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_file),
		cmocka_unit_test(test_empty_inputs),
		cmocka_unit_test(test_key_before_section),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_crlf_and_no_trailing_newline),
		cmocka_unit_test(test_bom_skipped),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_error_no_equals),
		cmocka_unit_test(test_error_keys),
		cmocka_unit_test(test_error_key_length),
		cmocka_unit_test(test_error_value_length),
		cmocka_unit_test(test_error_line_length),
		cmocka_unit_test(test_error_quotes),
		cmocka_unit_test(test_error_headers),
		cmocka_unit_test(test_bad_header_skips_body),
		cmocka_unit_test(test_error_nul_and_control_bytes),
		cmocka_unit_test(test_line_numbers_many_lines),
		cmocka_unit_test(test_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
