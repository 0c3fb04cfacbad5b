/*
 * The host configuration: the schema of strata.conf on top of the INI
 * tokenizer (kernel/config/ini.h). docs/CONFIG.md is the user's reference
 * and must change with this file.
 *
 * Pure logic, built unchanged into the kernel and into host tests and the
 * fuzzer. hostconf_parse() never fails as a whole: each bad line or field
 * is reported with its line number, the field keeps its default and the
 * rest of the file still applies, so a typo costs one setting and never
 * the boot.
 */
#ifndef STRATA_CONFIG_HOSTCONF_H
#define STRATA_CONFIG_HOSTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Largest config hostconf_parse() accepts; a bigger one is refused whole.
 * Boot loaders may use it to size their read buffer, and
 * scripts/conffiles.c applies it when media are built.
 */
#define HOSTCONF_MAX_FILE_SIZE 65536 /* 64 KiB */

/* Longest message handed to the report callback, NUL included. */
#define HOSTCONF_MAX_MSG 256

/* Longest [network] password, in bytes. */
#define HOSTCONF_MAX_PASSWORD 64

/* CPU indexes in the config run from 0 (the boot CPU) to HOSTCONF_MAX_CPUS - 1. */
#define HOSTCONF_MAX_CPUS 256

/* [vm NAME] limits; docs/CONFIG.md repeats them. */
#define HOSTCONF_MAX_VMS     16
#define HOSTCONF_MAX_VCPUS   16
#define HOSTCONF_MAX_VM_NAME 31 /* bytes of NAME, from [A-Za-z0-9_.-] */
/*
 * A kernel or initrd path becomes a boot module name, which the boot paths
 * store in BOOT_MODULE_NAME_LEN (96) bytes with the NUL
 * (kernel/include/strata/boot_info.h): a longer path could never be found.
 */
#define HOSTCONF_MAX_PATH    95
#define HOSTCONF_MAX_CMDLINE 1024 /* bytes, the tokenizer's INI_MAX_VALUE */
/*
 * Guest RAM: whole 4 KiB pages (the EPT's smallest mapping), at least the
 * 1 MiB a PC guest expects below its kernel, at most 1 TiB (far above any
 * machine Strata targets, and small enough that no sum of 16 overflows).
 */
#define HOSTCONF_VM_MEMORY_ALIGN 4096ULL
#define HOSTCONF_VM_MEMORY_MIN   (1ULL << 20)
#define HOSTCONF_VM_MEMORY_MAX   (1ULL << 40)

/* [debug] fault_cpu when no CPU should fault (the default). */
#define HOSTCONF_FAULT_CPU_NONE (-1)

/* Defaults of [network]; docs/CONFIG.md repeats them. */
#define HOSTCONF_DEFAULT_CONSOLE_PORT 23
#define HOSTCONF_DEFAULT_HTTP_PORT    80

enum hostconf_log_level {
	HOSTCONF_LOG_ERROR,
	HOSTCONF_LOG_WARN,
	HOSTCONF_LOG_INFO,
	HOSTCONF_LOG_DEBUG,
};

/*
 * The exception [debug] fault_kind raises. Values are the exception
 * vectors (SDM Vol. 3A, 6.2 "Exception and Interrupt Vectors", table 6-1),
 * so the fault test can match the dump's vector against the config.
 */
enum hostconf_fault_kind {
	HOSTCONF_FAULT_DE = 0,  /* divide error */
	HOSTCONF_FAULT_UD = 6,  /* invalid opcode (ud2), the default */
	HOSTCONF_FAULT_GP = 13, /* general protection */
	HOSTCONF_FAULT_PF = 14, /* page fault */
};

/* [host] */
struct hostconf_host {
	enum hostconf_log_level log_level; /* default HOSTCONF_LOG_INFO */
	bool exit_when_idle;               /* power off once no VM runs; default false */
};

/* [debug]: switches for tests, off by default. */
struct hostconf_debug {
	/*
	 * Index of the application processor that raises `fault_kind` while
	 * it boots, or HOSTCONF_FAULT_CPU_NONE. Never 0: the boot CPU must
	 * survive to report. An index with no CPU behind it does nothing.
	 */
	int fault_cpu;
	enum hostconf_fault_kind fault_kind;
	/* Reset the machine right after "strata: ready" (tests the reset path). */
	bool reboot_after_ready;
};

/*
 * [network]. Addresses are kept as four octets in written order
 * (10.0.2.15 is {10, 0, 2, 15}) so no byte-order question arises.
 */
struct hostconf_network {
	bool dhcp;             /* default true; false: address/prefix_len below */
	uint8_t address[4];    /* static address, when !dhcp */
	uint8_t prefix_len;    /* 1-32, when !dhcp */
	bool has_gateway;      /* only ever true with a static address */
	uint8_t gateway[4];    /* inside the static address's subnet */
	uint16_t console_port; /* default 23; never equal to http_port */
	uint16_t http_port;    /* default 80 */
	/* Console and API password; "" (the default) refuses network logins. */
	char password[HOSTCONF_MAX_PASSWORD + 1];
	bool iperf; /* an iperf 2 TCP server on port 5001 (benchmarks); default false */
};

/* A set of physical CPUs, one bit per CPU index (bit i of bits[i / 64]). */
struct hostconf_cpuset {
	uint64_t bits[HOSTCONF_MAX_CPUS / 64];
};

/* How a VM's `kernel` is loaded and entered. */
enum hostconf_vm_type {
	/* Multiboot (v1) kernel: 32-bit protected mode, EBX -> info (the default). */
	HOSTCONF_VM_MULTIBOOT,
	/* Raw binary at 0x7c00 entered in 16-bit real mode, like a boot sector. */
	HOSTCONF_VM_FLAT,
	/* Linux bzImage through the x86 boot protocol, 64-bit entry, ACPI tables (vmx/loader/bzimage.h). */
	HOSTCONF_VM_LINUX,
};

/*
 * One [vm NAME] section. Sections with a bad, duplicate or surplus NAME
 * are not stored at all; every other one is, and any error in it (a bad
 * value, an unknown or repeated key, a missing required key, a syntax
 * error inside it) marks it `invalid` with the first error as `reason`:
 * the kernel must refuse to start it and say why, e.g.
 *	vm web refused: line 12: memory: expected a size like 64M, got "lots"
 * The fields of an invalid VM hold whatever was valid, and defaults
 * elsewhere; only a valid VM's fields are all meaningful.
 */
struct hostconf_vm {
	char name[HOSTCONF_MAX_VM_NAME + 1];
	unsigned line; /* line of the [vm NAME] header */
	bool invalid;
	/* "line N: KEY: what was wrong" for the first error; "" if valid. */
	char reason[HOSTCONF_MAX_MSG];
	enum hostconf_vm_type type; /* default HOSTCONF_VM_MULTIBOOT */
	uint64_t memory;            /* guest RAM in bytes; required */
	unsigned vcpus;             /* 1-HOSTCONF_MAX_VCPUS, default 1 */
	/*
	 * cpus_set false (the default): no `cpus` line, the kernel places the
	 * vCPUs. Otherwise the CPUs the vCPUs may run on; never empty. Not
	 * checked against the machine here: see kernel/config/vmdef.h.
	 */
	bool cpus_set;
	struct hostconf_cpuset cpus;
	/* Boot module names (paths relative to the config); initrd "" = none. */
	char kernel[HOSTCONF_MAX_PATH + 1]; /* required */
	char initrd[HOSTCONF_MAX_PATH + 1];
	char cmdline[HOSTCONF_MAX_CMDLINE + 1]; /* default "" */
	bool autostart;                         /* default true */
};

/* About 25 KiB with its VM table: keep it static, never on a kernel stack. */
struct hostconf {
	struct hostconf_host host;
	struct hostconf_network network;
	struct hostconf_debug debug;
	/* [vm NAME] sections in file order; names are unique. */
	struct hostconf_vm vms[HOSTCONF_MAX_VMS];
	unsigned vm_count;
};

/*
 * Called once per error: first line by line, then for the checks across
 * keys made at the end. `line` is the 1-based line the error is about, or
 * 0 for the file as a whole. `msg` is one line of text (no newline, no
 * control bytes but tabs) that already starts with "line N: " when line
 * is not 0, e.g.
 *	line 3: [host] log_level: expected error|warn|info|debug, got "loud"
 * and is only valid during the call. Passwords are never quoted in it.
 */
typedef void (*hostconf_report_fn)(void *ctx, unsigned line, const char *msg);

/* Fill `out` with every default. */
void hostconf_defaults(struct hostconf *out);

/*
 * Parse text[0..len) (need not be NUL-terminated) into `out`, which is
 * first set to the defaults. Each error goes to report(ctx, ...) when
 * report is not NULL. Returns the number of errors; 0 means the file was
 * taken exactly as written. Uses about 2 KiB of stack; no allocation, no
 * global state, so it is safe to call from any one CPU at a time per
 * `out`.
 */
int hostconf_parse(const char *text, size_t len, struct hostconf *out, hostconf_report_fn report,
		   void *ctx);

/* "error", "warn", "info" or "debug" (the config spelling); "?" if out of range. */
const char *hostconf_log_level_name(enum hostconf_log_level level);

/* "de", "ud", "gp" or "pf" (the config spelling); "?" if out of range. */
const char *hostconf_fault_kind_name(enum hostconf_fault_kind kind);

/* "multiboot" or "flat" (the config spelling); "?" if out of range. */
const char *hostconf_vm_type_name(enum hostconf_vm_type type);

/* The VM named `name` (a valid or an invalid one), or NULL. */
const struct hostconf_vm *hostconf_find_vm(const struct hostconf *conf, const char *name);

/*
 * Write `set` in the config's own syntax, "0,2-3" ("" for an empty set),
 * into buf; always NUL-terminates when size > 0. Returns the length the
 * whole text needs (as snprintf does), so a cut can be detected; a cut
 * text holds whole items only, never "0,2-" for "0,2-30".
 */
int hostconf_cpus_format(char *buf, size_t size, const struct hostconf_cpuset *set);

static inline bool hostconf_cpu_isset(const struct hostconf_cpuset *set, unsigned cpu)
{
	return cpu < HOSTCONF_MAX_CPUS && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void hostconf_cpu_set(struct hostconf_cpuset *set, unsigned cpu)
{
	if (cpu < HOSTCONF_MAX_CPUS)
		set->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

/*
 * Whether `path` may name a file beside the config: the rule shared by the
 * kernel (hostconf.c) and the media build (scripts/conffiles.c, which
 * links only the tokenizer, hence inline here), and the same one
 * scripts/stage.sh applies. 1-HOSTCONF_MAX_PATH bytes from
 * [A-Za-z0-9._+-/]; relative (no leading '/'); no empty component (no
 * "a//b", no trailing '/'); no "." component and no component starting
 * with ".." (nothing may climb out of the config's folder); and not
 * strata.elf or strata.conf, the names the hypervisor and the config
 * itself take on the media.
 */
static inline bool hostconf_path_ok(const char *path)
{
	size_t len = 0, comp = 0;
	const char *c;

	for (c = path; *c; c++, len++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '+' ||
			  *c == '-' || *c == '/';

		if (!ok || len == HOSTCONF_MAX_PATH)
			return false;
		if (*c != '/') {
			comp++;
			continue;
		}
		if (comp == 0)
			return false; /* leading '/' or "//" */
		comp = 0;
	}
	if (len == 0 || comp == 0)
		return false; /* empty, or a trailing '/' */
	for (c = path; *c; c++) {
		bool start = c == path || c[-1] == '/';

		if (start && c[0] == '.' && (c[1] == '.' || c[1] == '/' || c[1] == '\0'))
			return false;
	}
	return strcmp(path, "strata.elf") != 0 && strcmp(path, "strata.conf") != 0;
}

#endif
