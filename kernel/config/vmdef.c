/*
 * VM definition checks against the machine: see vmdef.h for the contract
 * and docs/CONFIG.md ("When a VM is refused") for the user's view.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/config/vmdef.h"
#include "kernel/include/strata/types.h"

#define VMDEF_KIB (1ULL << 10)
#define VMDEF_MIB (1ULL << 20)
#define VMDEF_GIB (1ULL << 30)

/* A size for a message: in GiB or MiB when exact, else in KiB (rounded down). */
static void vmdef_size(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= VMDEF_GIB && bytes % VMDEF_GIB == 0)
		snprintf(buf, size, "%llu GiB", (unsigned long long)(bytes / VMDEF_GIB));
	else if (bytes >= VMDEF_MIB && bytes % VMDEF_MIB == 0)
		snprintf(buf, size, "%llu MiB", (unsigned long long)(bytes / VMDEF_MIB));
	else
		snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes / VMDEF_KIB));
}

/* Write "vm NAME: <fmt...>" into why. */
__attribute__((format(printf, 4, 5))) static void
vmdef_why(char *why, size_t whylen, const struct hostconf_vm *vm, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!why || whylen == 0)
		return;
	n = snprintf(why, whylen, "vm %s: ", vm->name);
	if (n < 0 || (size_t)n >= whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Every listed CPU must exist and be online; the first that is not is named. */
static enum vmdef_result vmdef_check_cpus(const struct hostconf_vm *vm,
					  const struct vmdef_host *host, char *why, size_t whylen)
{
	unsigned ncpus = MIN(host->ncpus, (unsigned)HOSTCONF_MAX_CPUS);
	char list[128];
	unsigned cpu;

	if (!vm->cpus_set)
		return VMDEF_OK; /* the kernel places the vCPUs itself */
	for (cpu = 0; cpu < HOSTCONF_MAX_CPUS; cpu++) {
		if (!hostconf_cpu_isset(&vm->cpus, cpu))
			continue;
		if (cpu >= ncpus) {
			if (ncpus <= 1)
				vmdef_why(why, whylen, vm,
					  "cpus: cpu %u does not exist (cpu 0 only)", cpu);
			else
				vmdef_why(why, whylen, vm,
					  "cpus: cpu %u does not exist (cpus 0-%u)", cpu,
					  ncpus - 1);
			return VMDEF_BAD_CPU;
		}
		if (!hostconf_cpu_isset(&host->online, cpu)) {
			hostconf_cpus_format(list, sizeof(list), &host->online);
			vmdef_why(why, whylen, vm, "cpus: cpu %u is offline (online: %s)", cpu,
				  list[0] ? list : "none");
			return VMDEF_BAD_CPU;
		}
	}
	return VMDEF_OK;
}

/* One image named by `key`: on the media, not empty, not larger than the VM's RAM. */
static enum vmdef_result vmdef_check_image(const struct hostconf_vm *vm,
					   const struct vmdef_host *host, const char *key,
					   const char *path, char *why, size_t whylen)
{
	int64_t size = host->module_size ? host->module_size(host->ctx, path) : -1;
	char have[32], room[32];

	if (size < 0) {
		vmdef_why(why, whylen, vm, "%s: %s is not on the boot media", key, path);
		return VMDEF_NO_IMAGE;
	}
	if (size == 0) {
		vmdef_why(why, whylen, vm, "%s: %s is empty", key, path);
		return VMDEF_NO_IMAGE;
	}
	/* Cheap and certain; the loaders check the exact layout at start. */
	if ((uint64_t)size > vm->memory) {
		vmdef_size(have, sizeof(have), (uint64_t)size);
		vmdef_size(room, sizeof(room), vm->memory);
		vmdef_why(why, whylen, vm, "%s: %s (%s) is larger than the VM's memory (%s)", key,
			  path, have, room);
		return VMDEF_NO_IMAGE;
	}
	return VMDEF_OK;
}

static enum vmdef_result vmdef_check_memory(const struct hostconf_vm *vm, uint64_t free_memory,
					    char *why, size_t whylen)
{
	char need[32], have[32];

	if (vm->memory <= free_memory)
		return VMDEF_OK;
	vmdef_size(need, sizeof(need), vm->memory);
	/*
	 * Free RAM is rarely a round figure: show it in whole MiB, rounded
	 * down, unless the need lies in the same MiB ("needs 65544 KiB,
	 * 64 MiB free" would hide by how little it misses), then in KiB.
	 */
	if (free_memory >= VMDEF_MIB && free_memory / VMDEF_MIB < vm->memory / VMDEF_MIB)
		snprintf(have, sizeof(have), "%llu MiB",
			 (unsigned long long)(free_memory / VMDEF_MIB));
	else
		snprintf(have, sizeof(have), "%llu KiB",
			 (unsigned long long)(free_memory / VMDEF_KIB));
	vmdef_why(why, whylen, vm, "memory: needs %s, %s free", need, have);
	return VMDEF_NO_MEMORY;
}

/* vmdef_check() with the free memory given apart, for the running total. */
static enum vmdef_result vmdef_check_one(const struct hostconf_vm *vm,
					 const struct vmdef_host *host, uint64_t free_memory,
					 char *why, size_t whylen)
{
	enum vmdef_result r;

	if (why && whylen)
		why[0] = '\0';
	if (vm->invalid) {
		vmdef_why(why, whylen, vm, "%s", vm->reason[0] ? vm->reason : "invalid definition");
		return VMDEF_INVALID;
	}
	r = vmdef_check_cpus(vm, host, why, whylen);
	if (r == VMDEF_OK)
		r = vmdef_check_image(vm, host, "kernel", vm->kernel, why, whylen);
	if (r == VMDEF_OK && vm->initrd[0])
		r = vmdef_check_image(vm, host, "initrd", vm->initrd, why, whylen);
	if (r == VMDEF_OK)
		r = vmdef_check_memory(vm, free_memory, why, whylen);
	return r;
}

enum vmdef_result vmdef_check(const struct hostconf_vm *vm, const struct vmdef_host *host,
			      char *why, size_t whylen)
{
	return vmdef_check_one(vm, host, host->free_memory, why, whylen);
}

unsigned vmdef_check_all(const struct hostconf *conf, const struct vmdef_host *host,
			 struct vmdef_verdict out[HOSTCONF_MAX_VMS])
{
	uint64_t free_memory = host->free_memory;
	unsigned i, accepted = 0;

	for (i = 0; i < conf->vm_count && i < HOSTCONF_MAX_VMS; i++) {
		const struct hostconf_vm *vm = &conf->vms[i];
		struct vmdef_verdict *v = &out[i];

		if (!vm->autostart) {
			v->result = VMDEF_NOT_AUTOSTART;
			vmdef_why(v->why, sizeof(v->why), vm, "autostart: no; not started at boot");
			continue;
		}
		v->result = vmdef_check_one(vm, host, free_memory, v->why, sizeof(v->why));
		if (v->result != VMDEF_OK)
			continue;
		free_memory -= vm->memory; /* vmdef_check_memory() made sure it fits */
		accepted++;
	}
	return accepted;
}

struct vmdef_parse_errors {
	char *why;
	size_t len;
	unsigned count;
};

static void vmdef_parse_error(void *ctx, unsigned line, const char *msg)
{
	struct vmdef_parse_errors *e = ctx;

	if (e->count++ == 0)
		snprintf(e->why, e->len, "%s", msg);
}

/* Section headers: exactly one, and it is a [vm ...] one. */
static bool vmdef_one_vm_section(const char *text, size_t len)
{
	unsigned sections = 0;
	bool line_start = true, vm_first = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '\n') {
			line_start = true;
			continue;
		}
		if (line_start && (c == ' ' || c == '\t' || c == '\r'))
			continue;
		if (line_start && c == '[' && sections++ == 0)
			vm_first = len - i > 4 && strncmp(text + i, "[vm ", 4) == 0;
		line_start = false;
	}
	return sections == 1 && vm_first;
}

int vmdef_parse_definition(const char *text, size_t len, struct hostconf *scratch,
			   struct hostconf_vm *out, char *why, size_t whylen)
{
	struct vmdef_parse_errors errors = { why, whylen, 0 };

	if (whylen)
		why[0] = '\0';
	if (!vmdef_one_vm_section(text, len)) {
		snprintf(why, whylen, "expected exactly one [vm NAME] section and nothing else");
		return -EINVAL;
	}
	if (hostconf_parse(text, len, scratch, vmdef_parse_error, &errors) ||
	    scratch->vm_count != 1 || scratch->vms[0].invalid) {
		if (errors.count == 0)
			snprintf(why, whylen, "%s",
				 scratch->vm_count ? scratch->vms[0].reason : "?");
		return -EINVAL;
	}
	*out = scratch->vms[0];
	return 0;
}

const char *vmdef_result_name(enum vmdef_result result)
{
	static const char *const names[] = {
		[VMDEF_OK] = "ok",
		[VMDEF_INVALID] = "invalid config",
		[VMDEF_BAD_CPU] = "bad cpu",
		[VMDEF_NO_IMAGE] = "no image",
		[VMDEF_NO_MEMORY] = "no memory",
		[VMDEF_NOT_AUTOSTART] = "not autostart",
	};

	if ((unsigned)result >= ARRAY_SIZE(names) || !names[result])
		return "?";
	return names[result];
}
