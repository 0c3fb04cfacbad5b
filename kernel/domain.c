#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/net/nic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/config/vmdef.h"
#include "kernel/domain.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/vm_arch.h"
#include "kernel/vmm.h"
#include "vmx/vplatform.h"

/* Kept back from guests: page tables, VMCSs, stacks of later VMs. */
#define HYPERVISOR_RESERVE (16ULL << 20)

#define REASON_DESTROYED "destroyed by the operator"

struct domain {
	bool used;
	bool persistent; /* from strata.conf; `define`d ones are gone at reboot */
	struct hostconf_vm def;
	struct vm *vm; /* while active */
	uint32_t id;   /* virsh's Id of this run; 0 when inactive */
	enum mgmt_state last;
	char last_reason[MGMT_REASON_MAX];
};

static struct domain domains[HOSTCONF_MAX_VMS];
static const struct boot_module *modules;
static uint32_t module_count_;
static bool can_run;
static uint32_t next_id = 1;

static struct domain *find(const char *name)
{
	for (unsigned i = 0; i < HOSTCONF_MAX_VMS; i++)
		if (domains[i].used && strncmp(domains[i].def.name, name, MGMT_NAME_MAX) == 0)
			return &domains[i];
	return NULL;
}

static const struct boot_module *find_module(const char *path)
{
	for (uint32_t i = 0; i < module_count_; i++)
		if (strcmp(modules[i].name, path) == 0)
			return &modules[i];
	return NULL;
}

static int64_t module_size(void *ctx, const char *path)
{
	const struct boot_module *m = find_module(path);

	return m ? (int64_t)m->size : -1;
}

static void describe_host(struct vmdef_host *host, uint64_t free_memory)
{
	*host = (struct vmdef_host){
		.ncpus = pcpu_count,
		.free_memory = free_memory,
		.module_size = module_size,
	};
	for (uint32_t c = 0; c < pcpu_count; c++)
		if (pcpu_table[c].state == CPU_ONLINE)
			host->online.bits[c / 64] |= 1ULL << (c % 64);
}

static uint64_t free_for_guests(void)
{
	uint64_t free = kmem_free_bytes();

	return free > HYPERVISOR_RESERVE ? free - HYPERVISOR_RESERVE : 0;
}

/* vCPUs of running domains on `cpu`. */
static uint32_t cpu_load(uint32_t cpu)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < HOSTCONF_MAX_VMS; i++) {
		const struct vm *vm = domains[i].vm;

		for (uint32_t v = 0; vm && v < vm->vcpu_count; v++)
			n += vm->vcpus[v].cpu == cpu;
	}
	return n;
}

/*
 * Where a vCPU goes when the definition names no CPUs: the least loaded
 * online CPU, preferring application processors so the boot CPU keeps
 * serving the management network. `extra` counts vCPUs of the VM being
 * placed.
 */
static uint32_t place(const uint32_t extra[MAX_CPUS])
{
	uint32_t best = 0, best_load = UINT32_MAX;

	for (uint32_t c = 1; c < pcpu_count; c++) {
		uint32_t load = cpu_load(c) + extra[c];

		if (pcpu_table[c].state == CPU_ONLINE && load < best_load) {
			best = c;
			best_load = load;
		}
	}
	if (best_load == UINT32_MAX || cpu_load(0) + extra[0] < best_load)
		best = 0;
	return best;
}

static void fill_cpus(const struct hostconf_vm *hv, struct vm_config *cfg)
{
	static uint32_t extra[MAX_CPUS];

	cfg->cpu_count = 0;
	if (hv->cpus_set) {
		for (uint32_t c = 0; c < pcpu_count && cfg->cpu_count < VM_MAX_VCPUS; c++)
			if (hv->cpus.bits[c / 64] & (1ULL << (c % 64)))
				cfg->cpus[cfg->cpu_count++] = c;
		return;
	}
	memset(extra, 0, sizeof(extra));
	for (uint32_t i = 0; i < hv->vcpus && i < VM_MAX_VCPUS; i++) {
		cfg->cpus[i] = place(extra);
		extra[cfg->cpus[i]]++;
	}
	cfg->cpu_count = hv->vcpus;
}

/* Create the VM of an inactive domain whose definition passed vmdef_check(). */
static int launch(struct domain *d, char *why, size_t why_len)
{
	const struct hostconf_vm *hv = &d->def;
	const struct boot_module *kernel = find_module(hv->kernel);
	const struct boot_module *initrd = hv->initrd[0] ? find_module(hv->initrd) : NULL;
	struct vm_config cfg = {
		.name = hv->name,
		.memory = hv->memory,
		.vcpus = hv->vcpus,
		.type = hv->type == HOSTCONF_VM_FLAT    ? VM_IMAGE_FLAT
			: hv->type == HOSTCONF_VM_LINUX ? VM_IMAGE_LINUX
							: VM_IMAGE_MULTIBOOT,
		.kernel = kmem_phys_to_virt(kernel->phys),
		.kernel_size = kernel->size,
		.initrd = initrd ? kmem_phys_to_virt(initrd->phys) : NULL,
		.initrd_size = initrd ? initrd->size : 0,
		.initrd_name = hv->initrd,
		.cmdline = hv->cmdline,
	};

	fill_cpus(hv, &cfg);
	d->vm = vmm_start(&cfg, why, why_len);
	if (!d->vm)
		return -ENOMEM;
	d->id = next_id++;
	d->last_reason[0] = '\0';
	return 0;
}

/* The end of a run: what `list` shows until the next start. */
static void finished(struct domain *d)
{
	const struct vm *vm = d->vm;
	bool clean = vm->exited || strcmp(vm->stop_reason, REASON_DESTROYED) == 0 ||
		     strncmp(vm->stop_reason, "powered off", 11) == 0 ||
		     strncmp(vm->stop_reason, "reset by the guest", 18) == 0;

	d->last = clean ? MGMT_SHUT_OFF : MGMT_CRASHED;
	if (vm->exited)
		snprintf(d->last_reason, sizeof(d->last_reason), "exited with code %u",
			 vm->exit_code);
	else
		snprintf(d->last_reason, sizeof(d->last_reason), "%s", vm->stop_reason);
	d->vm = NULL;
	d->id = 0;
}

void domain_sync(void)
{
	for (unsigned i = 0; i < HOSTCONF_MAX_VMS; i++)
		if (domains[i].vm && domains[i].vm->state == VM_STOPPED)
			finished(&domains[i]);
}

static struct domain *slot_for(const char *name)
{
	struct domain *d = find(name);

	for (unsigned i = 0; !d && i < HOSTCONF_MAX_VMS; i++)
		if (!domains[i].used)
			d = &domains[i];
	return d;
}

static void log_refusal(const struct hostconf_vm *hv, const char *why)
{
	size_t n = strlen(hv->name);

	/* The verdict starts "vm NAME: "; the report line names the VM already. */
	if (strncmp(why, "vm ", 3) == 0 && strncmp(why + 3, hv->name, n) == 0 && why[3 + n] == ':')
		why += 3 + n + 2;
	log_report("strata: vm %s refused: %s", hv->name, why);
}

unsigned domain_boot(const struct hostconf *conf, const struct boot_module *mods,
		     uint32_t module_count, bool vmx_ready)
{
	static struct vmdef_verdict verdicts[HOSTCONF_MAX_VMS];
	struct vmdef_host host;
	unsigned started = 0;

	modules = mods;
	module_count_ = module_count;
	can_run = vmx_ready;
	describe_host(&host, free_for_guests());
	vmdef_check_all(conf, &host, verdicts);

	for (unsigned i = 0; i < conf->vm_count; i++) {
		const struct hostconf_vm *hv = &conf->vms[i];
		struct domain *d;
		char why[VMDEF_MAX_WHY];

		if (hv->invalid) {
			if (verdicts[i].result != VMDEF_NOT_AUTOSTART)
				log_refusal(hv, verdicts[i].why);
			continue;
		}
		d = slot_for(hv->name);
		*d = (struct domain){ .used = true, .persistent = true, .def = *hv };
		if (verdicts[i].result == VMDEF_NOT_AUTOSTART)
			continue;
		if (verdicts[i].result != VMDEF_OK) {
			log_refusal(hv, verdicts[i].why);
			continue;
		}
		if (!vmx_ready) {
			log_refusal(hv, "this CPU cannot run guests (needs VT-x with EPT and "
					"unrestricted guest)");
			continue;
		}
		if (launch(d, why, sizeof(why)))
			log_refusal(hv, why);
		else
			started++;
	}
	return started;
}

/* ------------------------------------------------------------ backend --- */

static unsigned domain_count(void *ctx)
{
	unsigned n = 0;

	for (unsigned i = 0; i < HOSTCONF_MAX_VMS; i++)
		n += domains[i].used;
	return n;
}

static void snapshot(const struct domain *d, struct mgmt_domain *out)
{
	const struct vm *vm = d->vm;
	uint64_t ticks = 0, hz = tsc_hz();

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", d->def.name);
	out->vcpus = d->def.vcpus;
	out->memory = d->def.memory;
	out->autostart = d->def.autostart;
	out->persistent = d->persistent;
	if (!vm) {
		out->state = d->last;
		snprintf(out->stop_reason, sizeof(out->stop_reason), "%s", d->last_reason);
		return;
	}
	out->id = d->id;
	out->state = vm->state == VM_RUNNING ? MGMT_RUNNING : MGMT_SHUTDOWN;
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		ticks += vm->vcpus[i].run_ticks;
	/* ticks * 1e9 / hz without overflow for any realistic run time. */
	out->cpu_time_ns = hz ? ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz : 0;
	for (unsigned r = 0; r < MGMT_EXIT_REASONS && r < VM_EXIT_COUNTERS; r++)
		out->exits[r] = vm->exits[r];
}

/* The index-th defined domain, in table order. */
static bool domain_at(void *ctx, unsigned index, struct mgmt_domain *out)
{
	domain_sync();
	for (unsigned i = 0; i < HOSTCONF_MAX_VMS; i++) {
		if (!domains[i].used || index-- > 0)
			continue;
		snapshot(&domains[i], out);
		return true;
	}
	return false;
}

static bool domain_find(void *ctx, const char *name, struct mgmt_domain *out)
{
	const struct domain *d;

	domain_sync();
	d = find(name);
	if (!d)
		return false;
	snapshot(d, out);
	return true;
}

static void node(void *ctx, struct mgmt_node *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->cpu_model, sizeof(out->cpu_model), "x86_64");
	out->cpus = pcpu_online_count();
	out->cpu_mhz = (uint32_t)(tsc_hz() / 1000000);
	out->memory_total = kmem_usable_bytes();
	out->memory_free = kmem_free_bytes();
	out->uptime_ns = tsc_now_us() * 1000;
	snprintf(out->version, sizeof(out->version), "%s", STRATA_VERSION);
	for (unsigned i = 0; i < nic_count && i < MGMT_NICS_MAX; i++) {
		const struct nic *n = nic_table[i];
		struct mgmt_nic *m = &out->nics[out->nic_count++];

		snprintf(m->name, sizeof(m->name), "%s", n->name);
		memcpy(m->mac, n->mac, sizeof(m->mac));
		m->link_up = n->ops->link_up((struct nic *)n);
		m->rx_packets = n->stats.rx_packets;
		m->tx_packets = n->stats.tx_packets;
		m->rx_bytes = n->stats.rx_bytes;
		m->tx_bytes = n->stats.tx_bytes;
		m->rx_dropped = n->stats.rx_dropped;
		m->tx_dropped = n->stats.tx_dropped;
	}
}

/* The named domain after a sync, or NULL with why "... is not defined" (-ENOENT). */
static struct domain *lookup(const char *name, char *why, size_t why_len)
{
	struct domain *d;

	domain_sync();
	d = find(name);
	if (!d)
		snprintf(why, why_len, "domain '%.*s' is not defined", MGMT_NAME_MAX, name);
	return d;
}

static int start(void *ctx, const char *name, char *why, size_t why_len)
{
	struct domain *d;
	struct vmdef_host host;

	d = lookup(name, why, why_len);
	if (!d)
		return -ENOENT;
	if (d->vm) {
		snprintf(why, why_len, "domain '%s' is already active", d->def.name);
		return -EBUSY;
	}
	if (!can_run) {
		snprintf(why, why_len,
			 "this CPU cannot run guests (needs VT-x with EPT and "
			 "unrestricted guest)");
		return -ENOTSUP;
	}
	describe_host(&host, free_for_guests());
	if (vmdef_check(&d->def, &host, why, why_len) != VMDEF_OK)
		return -EINVAL;
	return launch(d, why, why_len);
}

static int destroy(void *ctx, const char *name, char *why, size_t why_len)
{
	struct domain *d;

	d = lookup(name, why, why_len);
	if (!d)
		return -ENOENT;
	if (!d->vm || d->vm->state != VM_RUNNING) {
		snprintf(why, why_len, "domain '%s' is not running", d->def.name);
		return -EINVAL;
	}
	vmm_stop(d->vm, REASON_DESTROYED);
	return 0;
}

static int define(void *ctx, const char *text, size_t len, char *name_out, char *why,
		  size_t why_len)
{
	static struct hostconf scratch;
	static struct hostconf_vm def;
	struct vmdef_host host;
	struct domain *d;

	domain_sync();
	if (len > MGMT_DEFINE_MAX) {
		snprintf(why, why_len, "definition larger than %d bytes", MGMT_DEFINE_MAX);
		return -E2BIG;
	}
	if (vmdef_parse_definition(text, len, &scratch, &def, why, why_len))
		return -EINVAL;
	/* Images and CPUs must exist; memory is checked when it starts. */
	describe_host(&host, UINT64_MAX);
	if (vmdef_check(&def, &host, why, why_len) != VMDEF_OK)
		return -EINVAL;
	d = slot_for(def.name);
	if (!d) {
		snprintf(why, why_len, "no room for another domain (at most %d)", HOSTCONF_MAX_VMS);
		return -ENOSPC;
	}
	if (!d->used)
		*d = (struct domain){ .used = true };
	d->persistent = false;
	d->def = def;
	snprintf(name_out, MGMT_NAME_MAX, "%s", d->def.name);
	log_info("strata: domain %s defined%s", d->def.name,
		 d->vm ? " (applies at its next start)" : "");
	return 0;
}

static int undefine(void *ctx, const char *name, char *why, size_t why_len)
{
	struct domain *d;

	d = lookup(name, why, why_len);
	if (!d)
		return -ENOENT;
	if (d->vm) {
		snprintf(why, why_len, "domain '%s' is active; destroy it first", d->def.name);
		return -EBUSY;
	}
	log_info("strata: domain %s undefined", d->def.name);
	memset(d, 0, sizeof(*d));
	return 0;
}

static long console_read(void *ctx, const char *name, uint64_t *cursor, uint8_t *buf, size_t cap)
{
	struct domain *d;
	long n;

	domain_sync();
	d = find(name);
	if (!d || !d->vm)
		return -ENOENT;
	spin_lock(&d->vm->dev_lock);
	if (cap == 0)
		*cursor = ring_total(&d->vm->console);
	n = (long)ring_read(&d->vm->console, cursor, buf, cap);
	spin_unlock(&d->vm->dev_lock);
	return n;
}

static long console_write(void *ctx, const char *name, const uint8_t *bytes, size_t n)
{
	struct domain *d;

	domain_sync();
	d = find(name);
	if (!d || !d->vm || d->vm->state != VM_RUNNING)
		return -ENOENT;
	return (long)vplat_console_input(d->vm, bytes, n);
}

const struct mgmt_backend domain_backend = {
	.domain_count = domain_count,
	.domain_at = domain_at,
	.domain_find = domain_find,
	.node = node,
	.start = start,
	.destroy = destroy,
	.define = define,
	.undefine = undefine,
	.console_read = console_read,
	.console_write = console_write,
	.exit_reason_name = vm_arch_exit_name,
};
