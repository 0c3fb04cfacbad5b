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
	bool dhcp;            /* default true; false: address/prefix_len below */
	uint8_t address[4];   /* static address, when !dhcp */
	uint8_t prefix_len;   /* 1-32, when !dhcp */
	bool has_gateway;     /* only ever true with a static address */
	uint8_t gateway[4];   /* inside the static address's subnet */
	uint16_t console_port; /* default 23; never equal to http_port */
	uint16_t http_port;    /* default 80 */
	/* Console and API password; "" (the default) refuses network logins. */
	char password[HOSTCONF_MAX_PASSWORD + 1];
};

struct hostconf {
	struct hostconf_host host;
	struct hostconf_network network;
	struct hostconf_debug debug;
	/*
	 * [vm NAME] definitions will go here as a fixed array (see
	 * hc_vm_begin() in hostconf.c); today such a section is
	 * reported as not supported.
	 */
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
int hostconf_parse(const char *text, size_t len, struct hostconf *out,
		   hostconf_report_fn report, void *ctx);

/* "error", "warn", "info" or "debug" (the config spelling); "?" if out of range. */
const char *hostconf_log_level_name(enum hostconf_log_level level);

/* "de", "ud", "gp" or "pf" (the config spelling); "?" if out of range. */
const char *hostconf_fault_kind_name(enum hostconf_fault_kind kind);

#endif
