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
#include "kernel/include/strata/boot_info.h"
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
enum hc_network_key {
	HC_NET_ADDRESS,
	HC_NET_GATEWAY,
	HC_NET_CONSOLE_PORT,
	HC_NET_HTTP_PORT,
	HC_NET_PASSWORD,
	HC_NET_IPERF,
	HC_NET_NKEYS
};
enum hc_vm_key {
	HC_VM_MEMORY,
	HC_VM_VCPUS,
	HC_VM_CPUS,
	HC_VM_KERNEL,
	HC_VM_INITRD,
	HC_VM_CMDLINE,
	HC_VM_AUTOSTART,
	HC_VM_TYPE,
	HC_VM_NKEYS
};

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
	/* Keys of the current section that appeared at all, valid or not (bit per key). */
	uint32_t tried;
	/*
	 * The [vm NAME] being read, NULL outside one: its errors mark it
	 * invalid, and hc_vm_finish() checks it as a whole when it ends.
	 */
	struct hostconf_vm *vm;
	char msg[HOSTCONF_MAX_MSG];
};

/* ------------------------------------------------------------ messages --- */

static void hc_emit(struct hc_state *st, unsigned line)
{
	st->errors++;
	if (st->report)
		st->report(st->ctx, line, st->msg);
}

/*
 * An error inside the current VM's section makes it invalid; the first one
 * becomes its reason, "line N: KEY: text", which the kernel quotes when it
 * refuses the VM (the VM's name is said by the kernel's own message).
 */
static void hc_vm_invalidate(struct hc_state *st, unsigned line, const char *key, const char *text)
{
	struct hostconf_vm *vm = st->vm;

	if (!vm || vm->invalid)
		return;
	vm->invalid = true;
	snprintf(vm->reason, sizeof(vm->reason), "line %u: %s%s%s", line, key, key[0] ? ": " : "",
		 text);
}

/* Report "<where ev is>: <fmt...>". */
__attribute__((format(printf, 3, 4))) static void
hc_error(struct hc_state *st, const struct ini_event *ev, const char *fmt, ...)
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
	/* Only events of the VM being read concern it (see hc_walk_error()). */
	if (st->vm && strcmp(ev->section, "vm") == 0 && strcmp(ev->name, st->vm->name) == 0)
		hc_vm_invalidate(st, ev->line, ev->key, st->msg + MIN(n, strlen(st->msg)));
	hc_emit(st, ev->line);
}

/* Report "line N: [vm NAME] KEY: <fmt...>" about the current VM, for its final checks. */
__attribute__((format(printf, 4, 5))) static void hc_vm_error(struct hc_state *st, unsigned line,
							      const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(st->msg, sizeof(st->msg), "line %u: [vm %s] %s: ", line, st->vm->name, key);
	if (n < 0 || (size_t)n >= sizeof(st->msg))
		n = (int)strlen(st->msg);
	va_start(ap, fmt);
	vsnprintf(st->msg + n, sizeof(st->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	hc_vm_invalidate(st, line, key, st->msg + n);
	hc_emit(st, line);
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
 * Read decimal digits at *s into *out and move *s past them; false if
 * there are none or the number exceeds max (max < UINT64_MAX / 10 rules
 * out overflow).
 */
static bool hc_scan_uint(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
	}
	*out = v;
	*s = p;
	return true;
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

/*
 * A byte count: decimal digits and an optional K, M, G or T (either case)
 * for KiB, MiB, GiB or TiB; "64M" is 64 MiB. No fractions and no "MiB"
 * spelling, so each size has few spellings and none is ambiguous.
 */
static const char *hc_parse_memory(const char *v, void *field)
{
	static const char suffixes[] = "kmgt";
	const uint64_t max = HOSTCONF_VM_MEMORY_MAX;
	uint64_t n = 0, unit = 1;
	bool big = false;
	const char *s = v;

	if (*s < '0' || *s > '9')
		return "a size like 64M";
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n <= max)
			n = n * 10 + (uint64_t)(*s - '0');
		big |= n > max;
	}
	if (*s != '\0') {
		char c = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		const char *at = strchr(suffixes, c);

		if (!at || s[1] != '\0')
			return "a size like 64M";
		unit = 1ULL << (10 * (at - suffixes + 1));
	}
	if (big || n > max / unit || n * unit < HOSTCONF_VM_MEMORY_MIN)
		return "a size from 1M to 1T";
	if ((n * unit) % HOSTCONF_VM_MEMORY_ALIGN)
		return "a multiple of 4K";
	*(uint64_t *)field = n * unit;
	return NULL;
}
_Static_assert(HOSTCONF_VM_MEMORY_MIN == 1ULL << 20 && HOSTCONF_VM_MEMORY_MAX == 1ULL << 40 &&
		       HOSTCONF_VM_MEMORY_ALIGN == 4096,
	       "the memory messages name the limits");

static const char *hc_parse_vcpus(const char *v, void *field)
{
	uint64_t n;

	if (!hc_parse_uint(v, HOSTCONF_MAX_VCPUS, &n) || n == 0)
		return "a vCPU count 1-16";
	*(unsigned *)field = (unsigned)n;
	return NULL;
}
_Static_assert(HOSTCONF_MAX_VCPUS == 16, "the vcpus message names the range");

static const char *hc_skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * A CPU list: items separated by commas, each an index or an inclusive
 * range "A-B" with A <= B, as Linux writes cpulists ("0,2-3"); blanks
 * around items are allowed. It sets cpus_set and cpus: the whole VM.
 */
static const char *hc_parse_cpus(const char *v, void *field)
{
	const char *expect = "CPU indexes 0-255 like 1, 1-3 or 0,2-3";
	struct hostconf_vm *vm = field;
	struct hostconf_cpuset set;
	const char *s = v;

	memset(&set, 0, sizeof(set));
	for (;;) {
		uint64_t first, last;

		s = hc_skip_blanks(s);
		if (!hc_scan_uint(&s, HOSTCONF_MAX_CPUS - 1, &first))
			return expect;
		last = first;
		s = hc_skip_blanks(s);
		if (*s == '-') {
			s = hc_skip_blanks(s + 1);
			if (!hc_scan_uint(&s, HOSTCONF_MAX_CPUS - 1, &last) || last < first)
				return expect;
			s = hc_skip_blanks(s);
		}
		for (uint64_t cpu = first; cpu <= last; cpu++)
			hostconf_cpu_set(&set, (unsigned)cpu);
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return expect;
	}
	vm->cpus = set;
	vm->cpus_set = true;
	return NULL;
}
_Static_assert(HOSTCONF_MAX_CPUS == 256, "the cpus message names the range");

static const char *hc_parse_path(const char *v, void *field)
{
	if (!hostconf_path_ok(v))
		return "a relative path of at most 95 bytes of A-Z a-z 0-9 . _ + - / without '..'";
	memcpy(field, v, strlen(v) + 1);
	return NULL;
}
_Static_assert(HOSTCONF_MAX_PATH == 95, "the path message names the limit");
_Static_assert(HOSTCONF_MAX_PATH + 1 == BOOT_MODULE_NAME_LEN,
	       "a path must fit a boot module name (boot_info.h)");

static const char *hc_parse_cmdline(const char *v, void *field)
{
	size_t len = strlen(v);

	/* The tokenizer's value limit is the same, so this is belt and braces. */
	if (len > HOSTCONF_MAX_CMDLINE)
		return "a command line of at most 1024 bytes";
	memcpy(field, v, len + 1);
	return NULL;
}
_Static_assert(HOSTCONF_MAX_CMDLINE == INI_MAX_VALUE, "any value fits cmdline");

static const char *const hc_vm_type_names[] = {
	[HOSTCONF_VM_MULTIBOOT] = "multiboot",
	[HOSTCONF_VM_FLAT] = "flat",
	[HOSTCONF_VM_LINUX] = "linux",
};

static const char *hc_parse_vm_type(const char *v, void *field)
{
	int i = hc_keyword(v, hc_vm_type_names, ARRAY_SIZE(hc_vm_type_names));

	if (i < 0)
		return "multiboot|flat|linux";
	*(enum hostconf_vm_type *)field = (enum hostconf_vm_type)i;
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
	[HC_NET_IPERF] = { "iperf", hc_parse_bool, offsetof(struct hostconf_network, iperf),
			   false },
};

static const struct hc_key hc_debug_keys[] = {
	{ "fault_cpu", hc_parse_fault_cpu, offsetof(struct hostconf_debug, fault_cpu), false },
	{ "fault_kind", hc_parse_fault_kind, offsetof(struct hostconf_debug, fault_kind), false },
	{ "reboot_after_ready", hc_parse_bool, offsetof(struct hostconf_debug, reboot_after_ready),
	  false },
};

_Static_assert(ARRAY_SIZE(hc_host_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");
_Static_assert(ARRAY_SIZE(hc_network_keys) == HC_NET_NKEYS, "one row per hc_network_key");
_Static_assert(ARRAY_SIZE(hc_network_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");
static const struct hc_key hc_vm_keys[] = {
	[HC_VM_MEMORY] = { "memory", hc_parse_memory, offsetof(struct hostconf_vm, memory), false },
	[HC_VM_VCPUS] = { "vcpus", hc_parse_vcpus, offsetof(struct hostconf_vm, vcpus), false },
	[HC_VM_CPUS] = { "cpus", hc_parse_cpus, 0, false },
	[HC_VM_KERNEL] = { "kernel", hc_parse_path, offsetof(struct hostconf_vm, kernel), false },
	[HC_VM_INITRD] = { "initrd", hc_parse_path, offsetof(struct hostconf_vm, initrd), false },
	[HC_VM_CMDLINE] = { "cmdline", hc_parse_cmdline, offsetof(struct hostconf_vm, cmdline),
			    false },
	[HC_VM_AUTOSTART] = { "autostart", hc_parse_bool, offsetof(struct hostconf_vm, autostart),
			      false },
	[HC_VM_TYPE] = { "type", hc_parse_vm_type, offsetof(struct hostconf_vm, type), false },
};

_Static_assert(ARRAY_SIZE(hc_debug_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");
_Static_assert(ARRAY_SIZE(hc_vm_keys) == HC_VM_NKEYS, "one row per hc_vm_key");
_Static_assert(ARRAY_SIZE(hc_vm_keys) <= HC_MAX_KEYS, "raise HC_MAX_KEYS");

/* NAME: 1-HOSTCONF_MAX_VM_NAME bytes of [A-Za-z0-9_.-], safe in logs and URLs. */
static bool hc_vm_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > HOSTCONF_MAX_VM_NAME)
		return false;
	for (; *name; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}
_Static_assert(HOSTCONF_MAX_VM_NAME == 31, "the NAME message names the limit");

/*
 * Claim a slot for [vm NAME]. A section that cannot have one (bad NAME,
 * NAME already defined, HOSTCONF_MAX_VMS reached) is skipped whole with
 * one message: there is no name the kernel could refuse it under. For a
 * repeated NAME the first definition stands, as the first value does for
 * a repeated key.
 */
static void *hc_vm_begin(struct hc_state *st, const struct ini_event *ev)
{
	struct hostconf *conf = st->conf;
	const struct hostconf_vm *dup = hostconf_find_vm(conf, ev->name);
	struct hostconf_vm *vm;

	if (!hc_vm_name_ok(ev->name)) {
		hc_error(st, ev,
			 "expected a NAME of 1-31 letters, digits, '_', '.' or '-'; section ignored");
		return NULL;
	}
	if (dup) {
		hc_error(st, ev, "already defined on line %u; section ignored", dup->line);
		return NULL;
	}
	if (conf->vm_count == HOSTCONF_MAX_VMS) {
		hc_error(st, ev, "more than %d VMs; section ignored", HOSTCONF_MAX_VMS);
		return NULL;
	}
	vm = &conf->vms[conf->vm_count++];
	memset(vm, 0, sizeof(*vm));
	memcpy(vm->name, ev->name, strlen(ev->name) + 1);
	vm->line = ev->line;
	vm->type = HOSTCONF_VM_MULTIBOOT;
	vm->vcpus = 1;
	vm->autostart = true;
	st->vm = vm;
	return vm;
}

/*
 * Checks across the keys of the VM being read, when its section ends (at
 * the next header, a malformed one included, or at the end of the file).
 */
static void hc_vm_finish(struct hc_state *st)
{
	const unsigned *seen = st->seen[HC_SEC_VM];
	struct hostconf_vm *vm = st->vm;

	if (!vm)
		return;
	/* A key that was there but bad has been reported already. */
	if (!(st->tried & (1u << HC_VM_MEMORY)))
		hc_vm_error(st, vm->line, "memory", "required key missing (e.g. memory = 64M)");
	if (!(st->tried & (1u << HC_VM_KERNEL)))
		hc_vm_error(st, vm->line, "kernel",
			    "required key missing (e.g. kernel = guests/%s.elf)", vm->name);
	if (vm->type == HOSTCONF_VM_FLAT && seen[HC_VM_INITRD])
		hc_vm_error(st, seen[HC_VM_INITRD], "initrd",
			    "expected none with type = flat (a flat binary gets no modules)");
	if (vm->type == HOSTCONF_VM_FLAT && seen[HC_VM_CMDLINE])
		hc_vm_error(st, seen[HC_VM_CMDLINE], "cmdline",
			    "expected none with type = flat (a flat binary gets no command line)");
	st->vm = NULL;
}

static const struct hc_section hc_sections[HC_NSECTIONS] = {
	[HC_SEC_HOST] = { "host", "[host]", false, hc_host_keys, ARRAY_SIZE(hc_host_keys),
			  offsetof(struct hostconf, host), NULL },
	[HC_SEC_NETWORK] = { "network", "[network]", false, hc_network_keys,
			     ARRAY_SIZE(hc_network_keys), offsetof(struct hostconf, network),
			     NULL },
	[HC_SEC_DEBUG] = { "debug", "[debug]", false, hc_debug_keys, ARRAY_SIZE(hc_debug_keys),
			   offsetof(struct hostconf, debug), NULL },
	[HC_SEC_VM] = { "vm", "[vm NAME]", true, hc_vm_keys, ARRAY_SIZE(hc_vm_keys), 0,
			hc_vm_begin },
};

/* -------------------------------------------------------------- walk --- */

static void hc_section(struct hc_state *st, const struct ini_event *ev)
{
	const struct hc_section *sec = NULL;
	const char *labels[HC_NSECTIONS];
	size_t i;

	hc_vm_finish(st);
	st->sec = NULL;
	st->base = NULL;
	st->skipping = true;
	st->tried = 0;
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
	st->tried |= 1u << i;
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

/*
 * A malformed line. One outside the VM being read (a malformed header is
 * in no section) means that VM's section is over.
 */
static void hc_walk_error(struct hc_state *st, const struct ini_event *ev)
{
	if (st->vm && (strcmp(ev->section, "vm") != 0 || strcmp(ev->name, st->vm->name) != 0))
		hc_vm_finish(st);
	hc_error(st, ev, "%s", ev->reason);
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
		hc_error(st, scratch,
			 "expected no gateway with address = dhcp (DHCP supplies it); ignored");
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

int hostconf_parse(const char *text, size_t len, struct hostconf *out, hostconf_report_fn report,
		   void *ctx)
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
			 "config is %zu bytes, over the limit of %d; ignored, using the defaults",
			 len, HOSTCONF_MAX_FILE_SIZE);
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
			hc_walk_error(&st, &ev);
			break;
		}
	}
	hc_vm_finish(&st);
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

const char *hostconf_vm_type_name(enum hostconf_vm_type type)
{
	if ((unsigned)type >= ARRAY_SIZE(hc_vm_type_names))
		return "?";
	return hc_vm_type_names[type];
}

const struct hostconf_vm *hostconf_find_vm(const struct hostconf *conf, const char *name)
{
	unsigned i;

	for (i = 0; i < conf->vm_count && i < HOSTCONF_MAX_VMS; i++)
		if (strcmp(conf->vms[i].name, name) == 0)
			return &conf->vms[i];
	return NULL;
}

int hostconf_cpus_format(char *buf, size_t size, const struct hostconf_cpuset *set)
{
	size_t len = 0;
	unsigned cpu = 0;

	if (size)
		buf[0] = '\0';
	while (cpu < HOSTCONF_MAX_CPUS) {
		unsigned last = cpu;
		char item[16];
		size_t n;

		if (!hostconf_cpu_isset(set, cpu)) {
			cpu++;
			continue;
		}
		while (last + 1 < HOSTCONF_MAX_CPUS && hostconf_cpu_isset(set, last + 1))
			last++;
		if (last == cpu)
			snprintf(item, sizeof(item), "%s%u", len ? "," : "", cpu);
		else
			snprintf(item, sizeof(item), "%s%u-%u", len ? "," : "", cpu, last);
		n = strlen(item);
		/* Whole items only: a cut list must not read as a different list. */
		if (len + n < size)
			memcpy(buf + len, item, n + 1);
		len += n;
		cpu = last + 1;
	}
	return (int)len;
}
