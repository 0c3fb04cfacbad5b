/* FUZZ_SOURCES: kernel/config/hostconf.c kernel/config/ini.c */
/*
 * libFuzzer target for the host config: arbitrary bytes through the
 * tokenizer and through hostconf_parse(). Besides the sanitizers' memory
 * checks it asserts the contracts the kernel relies on: every event and
 * message is bounded and terminated, no control byte reaches a message
 * (they are printed on the serial console), line numbers stay inside the
 * input, and the parsed struct only ever holds values the schema allows.
 * Seeds: tests/fuzz/corpus/config/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config/hostconf.h"
#include "kernel/config/ini.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

struct fuzz_ctx {
	unsigned max_line; /* lines in the input */
	int calls;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fuzz_printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap + 1);

	if (n > cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static void fuzz_report(void *opaque, unsigned line, const char *msg)
{
	struct fuzz_ctx *ctx = opaque;

	ctx->calls++;
	FUZZ_CHECK(line <= ctx->max_line);
	FUZZ_CHECK(fuzz_printable(msg, HOSTCONF_MAX_MSG - 1));
	if (line > 0)
		FUZZ_CHECK(strncmp(msg, "line ", 5) == 0);
}

static void fuzz_tokenizer(const char *text, size_t size, unsigned max_line)
{
	struct ini_parser p;
	struct ini_event ev;
	unsigned last = 0;

	ini_init(&p, text, size);
	while (ini_next(&p, &ev)) {
		FUZZ_CHECK(ev.line > last && ev.line <= max_line);
		last = ev.line;
		FUZZ_CHECK(fuzz_printable(ev.section, INI_MAX_SECTION));
		FUZZ_CHECK(fuzz_printable(ev.name, INI_MAX_NAME));
		FUZZ_CHECK(fuzz_printable(ev.key, INI_MAX_KEY));
		FUZZ_CHECK(fuzz_printable(ev.value, INI_MAX_VALUE));
		FUZZ_CHECK((ev.type == INI_ERROR) == (ev.reason != NULL));
		if (ev.type == INI_KEY)
			FUZZ_CHECK(ev.key[0] != '\0');
		if (ev.type == INI_SECTION)
			FUZZ_CHECK(ev.section[0] != '\0');
	}
	FUZZ_CHECK(!ini_next(&p, &ev));
}

static void fuzz_check_conf(const struct hostconf *c)
{
	const struct hostconf_network *n = &c->network;

	FUZZ_CHECK(c->host.log_level >= HOSTCONF_LOG_ERROR &&
		   c->host.log_level <= HOSTCONF_LOG_DEBUG);
	FUZZ_CHECK(c->debug.fault_cpu == HOSTCONF_FAULT_CPU_NONE ||
		   (c->debug.fault_cpu >= 1 && c->debug.fault_cpu < HOSTCONF_MAX_CPUS));
	FUZZ_CHECK(strcmp(hostconf_fault_kind_name(c->debug.fault_kind), "?") != 0);
	FUZZ_CHECK(n->console_port != 0 && n->http_port != 0 && n->console_port != n->http_port);
	FUZZ_CHECK(strnlen(n->password, sizeof(n->password)) <= HOSTCONF_MAX_PASSWORD);
	FUZZ_CHECK(!(n->has_gateway && n->dhcp));
	if (!n->dhcp)
		FUZZ_CHECK(n->prefix_len >= 1 && n->prefix_len <= 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct fuzz_ctx ctx = { .max_line = 1 };
	struct hostconf conf;
	int errors;

	for (size_t i = 0; i < size; i++)
		ctx.max_line += data[i] == '\n';

	fuzz_tokenizer(text, size, ctx.max_line);
	errors = hostconf_parse(text, size, &conf, fuzz_report, &ctx);
	FUZZ_CHECK(errors == ctx.calls);
	fuzz_check_conf(&conf);
	/* Same answer without a callback: reporting has no side effects. */
	FUZZ_CHECK(hostconf_parse(text, size, &conf, NULL, NULL) == errors);
	return 0;
}
