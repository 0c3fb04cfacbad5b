/* FUZZ_SOURCES: kernel/config/hostconf.c kernel/config/ini.c kernel/config/vmdef.c */
/*
 * libFuzzer target for the host config: arbitrary bytes through the
 * tokenizer and through hostconf_parse(). Besides the sanitizers' memory
 * checks it asserts the contracts the kernel relies on: every event and
 * message is bounded and terminated, no control byte reaches a message
 * (they are printed on the serial console), line numbers stay inside the
 * input, and the parsed struct only ever holds values the schema allows:
 * a VM marked valid has every field in range and a usable path, an
 * invalid one says why. Each parsed config then goes through
 * vmdef_check_all() on a small fixed host, whose verdicts must agree
 * with the VMs and never accept more memory than there is.
 * Seeds: tests/fuzz/corpus/config/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config/hostconf.h"
#include "kernel/config/ini.h"
#include "kernel/config/vmdef.h"

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

static bool fuzz_vm_name_ok(const char *n)
{
	size_t len = strnlen(n, HOSTCONF_MAX_VM_NAME + 1);

	if (len == 0 || len > HOSTCONF_MAX_VM_NAME)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '_' || *n == '.' || *n == '-'))
			return false;
	return true;
}

static bool fuzz_cpuset_empty(const struct hostconf_cpuset *set)
{
	for (size_t i = 0; i < HOSTCONF_MAX_CPUS / 64; i++)
		if (set->bits[i])
			return false;
	return true;
}

static void fuzz_check_vm(const struct hostconf *c, unsigned i, unsigned max_line)
{
	const struct hostconf_vm *vm = &c->vms[i];

	FUZZ_CHECK(fuzz_vm_name_ok(vm->name));
	for (unsigned j = 0; j < i; j++)
		FUZZ_CHECK(strcmp(c->vms[j].name, vm->name) != 0 && c->vms[j].line < vm->line);
	FUZZ_CHECK(vm->line >= 1 && vm->line <= max_line);
	FUZZ_CHECK(fuzz_printable(vm->reason, HOSTCONF_MAX_MSG - 1));
	FUZZ_CHECK(vm->invalid == (vm->reason[0] != '\0'));
	if (vm->invalid)
		FUZZ_CHECK(strncmp(vm->reason, "line ", 5) == 0);
	/* Defaults or valid values, even in an invalid VM. */
	FUZZ_CHECK(vm->vcpus >= 1 && vm->vcpus <= HOSTCONF_MAX_VCPUS);
	FUZZ_CHECK(strcmp(hostconf_vm_type_name(vm->type), "?") != 0);
	FUZZ_CHECK(vm->cpus_set != fuzz_cpuset_empty(&vm->cpus));
	FUZZ_CHECK(vm->kernel[0] == '\0' || hostconf_path_ok(vm->kernel));
	FUZZ_CHECK(vm->initrd[0] == '\0' || hostconf_path_ok(vm->initrd));
	FUZZ_CHECK(fuzz_printable(vm->cmdline, HOSTCONF_MAX_CMDLINE));
	FUZZ_CHECK(vm->memory == 0 ||
		   (vm->memory >= HOSTCONF_VM_MEMORY_MIN && vm->memory <= HOSTCONF_VM_MEMORY_MAX &&
		    vm->memory % HOSTCONF_VM_MEMORY_ALIGN == 0));
	if (vm->invalid)
		return;
	/* A valid VM has what it needs and nothing its type cannot use. */
	FUZZ_CHECK(vm->memory != 0 && vm->kernel[0] != '\0');
	if (vm->type == HOSTCONF_VM_FLAT)
		FUZZ_CHECK(vm->initrd[0] == '\0' && vm->cmdline[0] == '\0');
}

/* Every path exists and is 1 MiB: refusals then come from CPUs and memory. */
static int64_t fuzz_module_size(void *ctx, const char *path)
{
	FUZZ_CHECK(hostconf_path_ok(path));
	return path[0] == 'm' ? -1 : 1 << 20; /* names starting with 'm' are "missing" */
}

static void fuzz_check_vmdef(const struct hostconf *c)
{
	static struct vmdef_verdict v[HOSTCONF_MAX_VMS];
	struct vmdef_host host = {
		.ncpus = 4,
		.free_memory = 96ULL << 20,
		.module_size = fuzz_module_size,
	};
	uint64_t used = 0;
	unsigned ok = 0, accepted;

	hostconf_cpu_set(&host.online, 0);
	hostconf_cpu_set(&host.online, 1);
	hostconf_cpu_set(&host.online, 3);
	memset(v, 0xa5, sizeof(v));
	accepted = vmdef_check_all(c, &host, v);
	for (unsigned i = 0; i < c->vm_count; i++) {
		const struct hostconf_vm *vm = &c->vms[i];

		FUZZ_CHECK(fuzz_printable(v[i].why, VMDEF_MAX_WHY - 1));
		FUZZ_CHECK((v[i].result == VMDEF_OK) == (v[i].why[0] == '\0'));
		FUZZ_CHECK(strcmp(vmdef_result_name(v[i].result), "?") != 0);
		if (v[i].result != VMDEF_OK)
			FUZZ_CHECK(strncmp(v[i].why, "vm ", 3) == 0);
		FUZZ_CHECK(!vm->invalid || v[i].result == VMDEF_INVALID || !vm->autostart);
		FUZZ_CHECK(vm->autostart || v[i].result == VMDEF_NOT_AUTOSTART);
		if (v[i].result == VMDEF_OK) {
			used += vm->memory;
			ok++;
		}
	}
	FUZZ_CHECK(used <= host.free_memory);
	FUZZ_CHECK(accepted == ok);
}

static void fuzz_check_conf(const struct hostconf *c, unsigned max_line)
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
	FUZZ_CHECK(c->vm_count <= HOSTCONF_MAX_VMS);
	for (unsigned i = 0; i < c->vm_count; i++)
		fuzz_check_vm(c, i, max_line);
	fuzz_check_vmdef(c);
}

/* The same bytes as an operator's `define`: one valid VM or one clear reason. */
static void fuzz_definition(const char *text, size_t size)
{
	static struct hostconf scratch;
	struct hostconf_vm vm;
	char why[VMDEF_MAX_WHY];

	if (vmdef_parse_definition(text, size, &scratch, &vm, why, sizeof(why)) == 0) {
		FUZZ_CHECK(why[0] == '\0' && !vm.invalid && vm.name[0] && vm.memory &&
			   vm.kernel[0]);
	} else {
		FUZZ_CHECK(why[0] != '\0' && fuzz_printable(why, sizeof(why) - 1));
	}
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
	fuzz_check_conf(&conf, ctx.max_line);
	/* Same answer without a callback: reporting has no side effects. */
	FUZZ_CHECK(hostconf_parse(text, size, &conf, NULL, NULL) == errors);
	fuzz_definition(text, size);
	return 0;
}
