/*
 * VM definition checks against the machine: the second validation of a
 * [vm NAME] section, which the kernel runs before it allocates anything
 * for the VM.
 *
 * hostconf.c checks what the config text alone can tell (syntax, ranges,
 * required keys). Whether a definition can be honoured depends on the
 * host found at boot: how many CPUs came online, how much RAM is free,
 * which files the boot media carry. That is decided here, so that a VM
 * that cannot run is refused with a message naming the VM and the field
 * (issue 3, item 2) and the other VMs still start.
 *
 * Pure logic: the host is described by plain data and one lookup
 * callback, so the same code runs in the kernel and in host tests. No
 * allocation, no global state.
 */
#ifndef STRATA_CONFIG_VMDEF_H
#define STRATA_CONFIG_VMDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/config/hostconf.h"

/* Longest refusal message, NUL included; fits "vm NAME: " + a config error. */
#define VMDEF_MAX_WHY (HOSTCONF_MAX_MSG + 64)

/* What the kernel knows about the machine when it places VMs. */
struct vmdef_host {
	/* CPUs present: indexes 0 to ncpus - 1 (the boot CPU is 0). */
	unsigned ncpus;
	/* Of those, the ones that came online (a parked AP is present, not online). */
	struct hostconf_cpuset online;
	/*
	 * Bytes of RAM the kernel can give to guests. vmdef_check() compares
	 * one VM against it; vmdef_check_all() subtracts each accepted VM.
	 */
	uint64_t free_memory;
	/*
	 * Size in bytes of the boot module (file on the boot media) named
	 * `path`, or -1 when there is none. Called with paths from the config
	 * only, never NULL.
	 */
	int64_t (*module_size)(void *ctx, const char *path);
	void *ctx;
};

/* One VM's verdict; more than two outcomes, hence named. */
enum vmdef_result {
	VMDEF_OK = 0,        /* can be started */
	VMDEF_INVALID,       /* the config section had errors (hostconf_vm.invalid) */
	VMDEF_BAD_CPU,       /* `cpus` names a CPU that does not exist or is offline */
	VMDEF_NO_IMAGE,      /* `kernel` or `initrd` missing from the media, empty or too big */
	VMDEF_NO_MEMORY,     /* `memory` exceeds what is free */
	VMDEF_NOT_AUTOSTART, /* vmdef_check_all() only: autostart = no, not checked */
};

struct vmdef_verdict {
	enum vmdef_result result;
	/* "" when VMDEF_OK; else e.g. "vm web: memory: needs 512 MiB, 200 MiB free". */
	char why[VMDEF_MAX_WHY];
};

/*
 * Check one VM against the host, in this order: config errors, CPUs,
 * images, memory; the first problem is the verdict. On a refusal writes
 * one line of text to why[0..whylen) (NUL-terminated when whylen > 0),
 * "vm NAME: FIELD: what", e.g.
 *	vm web: cpus: cpu 5 does not exist (cpus 0-1)
 *	vm web: kernel: guests/x.elf is not on the boot media
 *	vm web: memory: needs 512 MiB, 200 MiB free
 *	vm web: line 12: memory: expected a size like 64M, got "lots"
 * and "" on VMDEF_OK. More vCPUs than listed CPUs is fine (they share
 * them), and so is CPU 0. Neither the VM nor the host is changed.
 */
enum vmdef_result vmdef_check(const struct hostconf_vm *vm, const struct vmdef_host *host,
			      char *why, size_t whylen);

/*
 * Check every VM of `conf` that has autostart = yes, in file order, as
 * the kernel starts them at boot: each accepted VM's memory is taken from
 * a running total that starts at host->free_memory, so a later VM is
 * refused when earlier ones used the RAM up. out[i] is the verdict for
 * conf->vms[i]; VMs with autostart = no get VMDEF_NOT_AUTOSTART and
 * reserve nothing. Returns the number of VMs accepted.
 */
unsigned vmdef_check_all(const struct hostconf *conf, const struct vmdef_host *host,
			 struct vmdef_verdict out[HOSTCONF_MAX_VMS]);

/*
 * A definition sent by an operator (`define` on the console, POST
 * /api/v1/domains): exactly one [vm NAME] section in the strata.conf
 * syntax and nothing else (no [host], [network] or [debug], which only the
 * boot media may set), comments and blank lines allowed around it.
 * Parsed with hostconf_parse() into `scratch` (about 25 KiB: keep it
 * static) and, when valid, copied to *out. Returns 0, or -EINVAL with the
 * first problem in why[0..whylen), e.g. "line 3: [vm web] memory: expected
 * a size like 64M, got \"lots\"" or "expected exactly one [vm NAME]
 * section and nothing else". Not checked against the machine: that is
 * vmdef_check()'s job.
 */
int vmdef_parse_definition(const char *text, size_t len, struct hostconf *scratch,
			   struct hostconf_vm *out, char *why, size_t whylen);

/* "ok", "invalid config", "bad cpu"... for logs and tests; "?" if out of range. */
const char *vmdef_result_name(enum vmdef_result result);

#endif
