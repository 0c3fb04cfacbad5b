/*
 * The host configuration schema: which sections and keys exist, what each
 * value may be, and the checks across keys. See hostconf.h for the API and
 * docs/CONFIG.md for the user's view.
 *
 * Table-driven: a section is a row of hc_sections naming its keys, and a
 * key is a row naming the parser for its value and where the value goes.
 * A parser either stores a valid value or leaves the field alone and
 * returns what it expected, which becomes the error message; so a bad
 * value can never leave a half-written field behind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/config/hostconf.h"
#include "kernel/config/ini.h"
#include "kernel/include/strata/types.h"

#define HC_MAX_KEYS 8  /* keys per section; each table is checked against it */
#define HC_ECHO_MAX 40 /* bytes of a bad value quoted back in a message */
#define HC_LIST_MAX 128

struct hc_state;

/* Store a valid `value` in `field` and return NULL, or return what was expected. */
typedef const char *(*hc_parse_fn)(const char *value, void *field);

struct hc_key {
	const char *name;
	hc_parse_fn parse;
	size_t offset; /* of the field in the section's struct */
	bool secret;   /* never quote the value back (it would land on the console) */
};

struct hc_section {
	const char *name;
	const char *label; /* how messages list it: "[host]", "[vm NAME]" */
	bool named;        /* written [name NAME] */
	const struct hc_key *keys;
	size_t nkeys;
	size_t offset; /* of the section's struct in struct hostconf, if !begin */
	/*
	 * For sections that need more than a fixed place: return the struct
	 * the keys fill, or report why not and return NULL to skip the body.
	 */
	void *(*begin)(struct hc_state *st, const struct ini_event *ev);
};

enum hc_section_id { HC_SEC_HOST, HC_SEC_NETWORK, HC_SEC_DEBUG, HC_SEC_VM, HC_NSECTIONS };
enum hc_network_key { HC_NET_ADDRESS, HC_NET_GATEWAY, HC_NET_CONSOLE_PORT, HC_NET_HTTP_PORT,
		      HC_NET_PASSWORD, HC_NET_NKEYS };

struct hc_state {
	struct hostconf *conf;
	hostconf_report_fn report;
	void *ctx;
	int errors;
	const struct hc_section *sec; /* current section; NULL before any or if refused */
	void *base;                   /* the struct the current section fills */
	bool skipping;                /* in a refused section: its keys are dropped */
	/*
	 * Line on which each key of each section was set, 0 if not yet: finds
	 * duplicates and lets the final checks point at the right line. Kept
	 * across repeats of a plain section ([host] twice is one [host]);
	 * cleared at each header of a named one, whose instances differ.
	 */
	unsigned seen[HC_NSECTIONS][HC_MAX_KEYS];
	char msg[HOSTCONF_MAX_MSG];
};

/* ------------------------------------------------------------ messages --- */

static void hc_emit(struct hc_state *st, unsigned line)
{
	st->errors++;
	if (st->report)
		st->report(st->ctx, line, st->msg);
}

/* Report "<where ev is>: <fmt...>". */
__attribute__((format(printf, 3, 4)))
static void hc_error(struct hc_state *st, const struct ini_event *ev, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	ini_where(st->msg, sizeof(st->msg), ev);
	n = strlen(st->msg);
	va_start(ap, fmt);
	if (n + 2 < sizeof(st->msg)) {
		memcpy(st->msg + n, ": ", 3);
		n += 2;
		vsnprintf(st->msg + n, sizeof(st->msg) - n, fmt, ap);
	}
	va_end(ap);
	hc_emit(st, ev->line);
}

/* Point the scratch event `ev` at a key for checks made after the walk. */
static void hc_at(struct ini_event *ev, unsigned line, const char *section, const char *key)
{
	memset(ev->name, 0, sizeof(ev->name));
	ev->line = line;
	snprintf(ev->section, sizeof(ev->section), "%s", section);
	snprintf(ev->key, sizeof(ev->key), "%s", key);
}

/* "a", "a or b", "a, b or c" */
static void hc_join(char *buf, size_t size, const char *const *items, size_t count)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < count && n < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == count ? " or " : ", ";
		int w = snprintf(buf + n, size - n, "%s%s", sep, items[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* ------------------------------------------------------------- values --- */

/* Keywords match without regard to case: "Yes" and "INFO" are fine. */
static bool hc_word_eq(const char *v, const char *word)
{
	for (; *v && *word; v++, word++) {
		char c = *v;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *word)
			return false;
	}
	return *v == *word;
}

/* Index of v in words[0..count), or -1. */
static int hc_keyword(const char *v, const char *const *words, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (words[i] && hc_word_eq(v, words[i]))
			return (int)i;
	return -1;
}

/*
 * Plain decimal, digits only: no sign, no spaces, no suffix, so "80x",
 * "-1" and "+5" are errors rather than something strtoul would make of
 * them. max must be below UINT64_MAX / 10, which rules out overflow.
 */
static bool hc_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/*
 * Dotted quad, each part 0-255 in decimal. Leading zeros are refused
 * because inet_aton() reads "010" as octal 8: the same text must not mean
 * two things to two tools. Stops at the first byte after the fourth part.
 */
static bool hc_parse_ipv4(const char *s, const char **end, uint8_t out[4])
{
	uint8_t a[4];
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		if (i > 0 && *s++ != '.')
			return false;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (digits == 3 || (digits == 1 && v == 0))
				return false;
			v = v * 10 + (unsigned)(*s - '0');
		}
		if (digits == 0 || v > 255)
			return false;
		a[i] = (uint8_t)v;
	}
	memcpy(out, a, 4);
	*end = s;
	return true;
}

/* Not 0.0.0.0/8 ("this network"), 127/8 (loopback) or 224/3 (multicast, reserved). */
static bool hc_ipv4_unicast(const uint8_t a[4])
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

static uint32_t hc_ipv4_u32(const uint8_t a[4])
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static uint32_t hc_ipv4_mask(unsigned prefix_len)
{
	return prefix_len == 0 ? 0 : ~(uint32_t)0 << (32 - prefix_len);
}

static const char *hc_parse_bool(const char *v, void *field)
{
	/* Even indexes mean yes, odd ones no. */
	static const char *const words[] = { "yes", "no", "true", "false", "on", "off", "1", "0" };
	int i = hc_keyword(v, words, ARRAY_SIZE(words));

	if (i < 0)
		return "yes|no";
	*(bool *)field = (i % 2) == 0;
	return NULL;
}

static const char *const hc_log_names[] = {
	[HOSTCONF_LOG_ERROR] = "error",
	[HOSTCONF_LOG_WARN] = "warn",
	[HOSTCONF_LOG_INFO] = "info",
	[HOSTCONF_LOG_DEBUG] = "debug",
};

static const char *hc_parse_log_level(const char *v, void *field)
{
	int i = hc_keyword(v, hc_log_names, ARRAY_SIZE(hc_log_names));

	if (i < 0)
		return "error|warn|info|debug";
	*(enum hostconf_log_level *)field = (enum hostconf_log_level)i;
	return NULL;
}

static const char *const hc_fault_names[] = {
	[HOSTCONF_FAULT_DE] = "de",
	[HOSTCONF_FAULT_UD] = "ud",
	[HOSTCONF_FAULT_GP] = "gp",
	[HOSTCONF_FAULT_PF] = "pf",
};

static const char *hc_parse_fault_kind(const char *v, void *field)
{
	int i = hc_keyword(v, hc_fault_names, ARRAY_SIZE(hc_fault_names));

	if (i < 0)
		return "ud|de|gp|pf";
	*(enum hostconf_fault_kind *)field = (enum hostconf_fault_kind)i;
	return NULL;
}

static const char *hc_parse_fault_cpu(const char *v, void *field)
{
	uint64_t cpu;

	if (hc_word_eq(v, "none")) {
		*(int *)field = HOSTCONF_FAULT_CPU_NONE;
		return NULL;
	}
	/* CPU 0 is the boot CPU: it must live to print the report. */
	if (!hc_parse_uint(v, HOSTCONF_MAX_CPUS - 1, &cpu) || cpu == 0)
		return "none or an application processor index 1-255";
	*(int *)field = (int)cpu;
	return NULL;
}
_Static_assert(HOSTCONF_MAX_CPUS == 256, "fault_cpu's message names the range");

static const char *hc_parse_port(const char *v, void *field)
{
	uint64_t port;

	if (!hc_parse_uint(v, 65535, &port) || port == 0)
		return "a port number 1-65535";
	*(uint16_t *)field = (uint16_t)port;
	return NULL;
}

static const char *hc_parse_password(const char *v, void *field)
{
	size_t len = strlen(v);

	if (len > HOSTCONF_MAX_PASSWORD)
		return "a password of at most 64 bytes";
	memcpy(field, v, len + 1);
	return NULL;
}
_Static_assert(HOSTCONF_MAX_PASSWORD == 64, "the password message names the limit");

/* address sets dhcp, address and prefix_len together: it gets the whole struct. */
static const char *hc_parse_address(const char *v, void *field)
{
	struct hostconf_network *net = field;
	const char *expect = "dhcp or a unicast host address A.B.C.D/N with N 1-32";
	uint8_t a[4];
	uint64_t prefix;
	uint32_t host, mask;
	const char *end;

	if (hc_word_eq(v, "dhcp")) {
		net->dhcp = true;
		return NULL;
	}
	if (!hc_parse_ipv4(v, &end, a) || *end != '/' || !hc_parse_uint(end + 1, 32, &prefix) ||
	    prefix == 0 || !hc_ipv4_unicast(a))
		return expect;
	/*
	 * Up to /30 the all-zeros and all-ones host parts name the subnet and
	 * its broadcast; /31 and /32 have no such addresses (RFC 3021).
	 */
	mask = hc_ipv4_mask((unsigned)prefix);
	host = hc_ipv4_u32(a) & ~mask;
	if (prefix <= 30 && (host == 0 || host == ~mask))
		return expect;
	net->dhcp = false;
	memcpy(net->address, a, 4);
	net->prefix_len = (uint8_t)prefix;
	return NULL;
}

/* gateway sets has_gateway and gateway: it gets the whole struct too. */
static const char *hc_parse_gateway(const char *v, void *field)
{
	struct hostconf_network *net = field;
	uint8_t a[4];
	const char *end;

	if (!hc_parse_ipv4(v, &end, a) || *end != '\0' || !hc_ipv4_unicast(a))
		return "a unicast address A.B.C.D";
	net->has_gateway = true;
	memcpy(net->gateway, a, 4);
	return NULL;
}

/* ------------------------------------------------------------- schema --- */

static const struct hc_key hc_host_keys[] = {
	{ "log_level", hc_parse_log_level, offsetof(struct hostconf_host, log_level), false },
	{ "exit_when_idle", hc_parse_bool, offsetof(struct hostconf_host, exit_when_idle), false },
};

static const struct hc_key hc_network_keys[] = {
	[HC_NET_ADDRESS] = { "address", hc_parse_address, 0, false },
	[HC_NET_GATEWAY] = { "gateway", hc_parse_gateway, 0, false },
	[HC_NET_CONSOLE_PORT] = { "console_port", hc_parse_port,
				  offsetof(struct hostconf_network, console_port), false },
	[HC_NET_HTTP_PORT] = { "http_port", hc_parse_port,
			       offsetof(struct hostconf_network, http_port), false },
	[HC_NET_PASSWORD] = { "password", hc_parse_password,
			      offsetof(struct hostconf_network, password), true },
};

static const struct hc_key hc_debug_keys[] = {
	{ "fault_cpu", hc_parse_fault_cpu, offsetof(struct hostconf_debug, fault_cpu), false },
	{ "fault_kind", hc_parse_fault_kind, offsetof(struct hostconf_debug, fault_kind), false },
	{ "reboot_after_ready", hc_parse_bool,
	  offsetof(struct hostconf_debug, reboot_after_ready), false },
};

_Static_assert(ARRAY_SIZE(hc_host_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");
_Static_assert(ARRAY_SIZE(hc_network_keys) == HC_NET_NKEYS, "one row per hc_network_key");
_Static_assert(ARRAY_SIZE(hc_network_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");
_Static_assert(ARRAY_SIZE(hc_debug_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");

/*
 * [vm NAME] is the extension point for VM definitions. The plan: struct
 * hostconf gains a fixed array of VM definitions; this hook refuses a
 * NAME already defined, claims a free slot (or reports that the fixed
 * limit is reached) and returns it; the section row gets a key table
 * (memory, vcpus, cpus, kernel, initrd, cmdline, autostart...) whose
 * offsets point into the slot; and a final check validates each VM as a
 * whole (overlapping CPUs, memory against the host). Until that lands the
 * section is refused aloud, so a config written for a later version is
 * never half-applied in silence.
 */
static void *hc_vm_begin(struct hc_state *st, const struct ini_event *ev)
{
	hc_error(st, ev, "VM definitions are not supported by this version; section ignored");
	return NULL;
}

static const struct hc_section hc_sections[HC_NSECTIONS] = {
	[HC_SEC_HOST] = { "host", "[host]", false, hc_host_keys, ARRAY_SIZE(hc_host_keys),
			  offsetof(struct hostconf, host), NULL },
	[HC_SEC_NETWORK] = { "network", "[network]", false, hc_network_keys,
			     ARRAY_SIZE(hc_network_keys), offsetof(struct hostconf, network), NULL },
	[HC_SEC_DEBUG] = { "debug", "[debug]", false, hc_debug_keys, ARRAY_SIZE(hc_debug_keys),
			   offsetof(struct hostconf, debug), NULL },
	[HC_SEC_VM] = { "vm", "[vm NAME]", true, NULL, 0, 0, hc_vm_begin },
};

/* -------------------------------------------------------------- walk --- */

static void hc_section(struct hc_state *st, const struct ini_event *ev)
{
	const struct hc_section *sec = NULL;
	const char *labels[HC_NSECTIONS];
	size_t i;

	st->sec = NULL;
	st->base = NULL;
	st->skipping = true;
	for (i = 0; i < HC_NSECTIONS; i++) {
		labels[i] = hc_sections[i].label;
		if (strcmp(ev->section, hc_sections[i].name) == 0)
			sec = &hc_sections[i];
	}
	if (!sec) {
		char list[HC_LIST_MAX];

		hc_join(list, sizeof(list), labels, HC_NSECTIONS);
		hc_error(st, ev, "unknown section; expected %s; section ignored", list);
		return;
	}
	if (sec->named && ev->name[0] == '\0') {
		hc_error(st, ev, "missing NAME; expected %s; section ignored", sec->label);
		return;
	}
	if (!sec->named && ev->name[0] != '\0') {
		hc_error(st, ev, "expected %s with no NAME; section ignored", sec->label);
		return;
	}
	if (sec->named)
		memset(st->seen[sec - hc_sections], 0, sizeof(st->seen[0]));
	st->base = sec->begin ? sec->begin(st, ev) : (char *)st->conf + sec->offset;
	if (!st->base)
		return;
	st->sec = sec;
	st->skipping = false;
}

static void hc_key(struct hc_state *st, const struct ini_event *ev)
{
	const struct hc_section *sec = st->sec;
	const char *expect;
	unsigned *seen;
	size_t i;

	if (st->skipping)
		return;
	if (!sec) {
		hc_error(st, ev, "key outside any section; expected a [section] header above it");
		return;
	}
	for (i = 0; i < sec->nkeys; i++)
		if (strcmp(ev->key, sec->keys[i].name) == 0)
			break;
	if (i == sec->nkeys) {
		const char *names[HC_MAX_KEYS];
		char list[HC_LIST_MAX];

		for (i = 0; i < sec->nkeys; i++)
			names[i] = sec->keys[i].name;
		hc_join(list, sizeof(list), names, sec->nkeys);
		hc_error(st, ev, "unknown key; expected %s", list);
		return;
	}
	seen = &st->seen[sec - hc_sections][i];
	if (*seen) {
		hc_error(st, ev, "already set on line %u; this one ignored", *seen);
		return;
	}
	expect = sec->keys[i].parse(ev->value, (char *)st->base + sec->keys[i].offset);
	if (expect && sec->keys[i].secret)
		hc_error(st, ev, "expected %s", expect);
	else if (expect)
		hc_error(st, ev, "expected %s, got \"%.*s%s\"", expect, HC_ECHO_MAX, ev->value,
			 strlen(ev->value) > HC_ECHO_MAX ? "..." : "");
	else
		*seen = ev->line;
}

/* Checks across [network] keys, once every key is known. */
static void hc_finish_network(struct hc_state *st, struct ini_event *scratch)
{
	struct hostconf_network *net = &st->conf->network;
	const unsigned *seen = st->seen[HC_SEC_NETWORK];
	const uint8_t *a = net->address, *g = net->gateway;
	uint32_t mask = hc_ipv4_mask(net->prefix_len);

	hc_at(scratch, seen[HC_NET_GATEWAY], "network", "gateway");
	if (net->has_gateway && net->dhcp) {
		hc_error(st, scratch, "expected no gateway with address = dhcp (DHCP supplies it); ignored");
		net->has_gateway = false;
		memset(net->gateway, 0, 4);
	} else if (net->has_gateway &&
		   (((hc_ipv4_u32(a) ^ hc_ipv4_u32(g)) & mask) != 0 || memcmp(a, g, 4) == 0)) {
		hc_error(st, scratch,
			 "expected an address inside %u.%u.%u.%u/%u other than the host's own, got %u.%u.%u.%u; ignored",
			 a[0], a[1], a[2], a[3], net->prefix_len, g[0], g[1], g[2], g[3]);
		net->has_gateway = false;
		memset(net->gateway, 0, 4);
	}

	if (net->console_port == net->http_port) {
		unsigned c = seen[HC_NET_CONSOLE_PORT], h = seen[HC_NET_HTTP_PORT];

		hc_at(scratch, MAX(c, h), "network", h > c ? "http_port" : "console_port");
		hc_error(st, scratch,
			 "expected a port other than %s's, got %u; both ports keep their defaults (%u, %u)",
			 h > c ? "console_port" : "http_port", net->http_port,
			 HOSTCONF_DEFAULT_CONSOLE_PORT, HOSTCONF_DEFAULT_HTTP_PORT);
		net->console_port = HOSTCONF_DEFAULT_CONSOLE_PORT;
		net->http_port = HOSTCONF_DEFAULT_HTTP_PORT;
	}
}

void hostconf_defaults(struct hostconf *out)
{
	memset(out, 0, sizeof(*out));
	out->host.log_level = HOSTCONF_LOG_INFO;
	out->host.exit_when_idle = false;
	out->network.dhcp = true;
	out->network.console_port = HOSTCONF_DEFAULT_CONSOLE_PORT;
	out->network.http_port = HOSTCONF_DEFAULT_HTTP_PORT;
	out->debug.fault_cpu = HOSTCONF_FAULT_CPU_NONE;
	out->debug.fault_kind = HOSTCONF_FAULT_UD;
	out->debug.reboot_after_ready = false;
}

int hostconf_parse(const char *text, size_t len, struct hostconf *out,
		   hostconf_report_fn report, void *ctx)
{
	struct hc_state st;
	struct ini_parser p;
	struct ini_event ev;

	hostconf_defaults(out);
	memset(&st, 0, sizeof(st));
	st.conf = out;
	st.report = report;
	st.ctx = ctx;
	st.skipping = false;

	if (len > HOSTCONF_MAX_FILE_SIZE) {
		snprintf(st.msg, sizeof(st.msg),
			 "config is %zu bytes, over the limit of %d; ignored, using the defaults", len,
			 HOSTCONF_MAX_FILE_SIZE);
		hc_emit(&st, 0);
		return st.errors;
	}

	ini_init(&p, text, len);
	while (ini_next(&p, &ev)) {
		switch (ev.type) {
		case INI_SECTION:
			hc_section(&st, &ev);
			break;
		case INI_KEY:
			hc_key(&st, &ev);
			break;
		case INI_ERROR:
			hc_error(&st, &ev, "%s", ev.reason);
			break;
		}
	}
	hc_finish_network(&st, &ev);
	return st.errors;
}

const char *hostconf_log_level_name(enum hostconf_log_level level)
{
	if ((unsigned)level >= ARRAY_SIZE(hc_log_names))
		return "?";
	return hc_log_names[level];
}

const char *hostconf_fault_kind_name(enum hostconf_fault_kind kind)
{
	if ((unsigned)kind >= ARRAY_SIZE(hc_fault_names) || !hc_fault_names[kind])
		return "?";
	return hc_fault_names[kind];
}
