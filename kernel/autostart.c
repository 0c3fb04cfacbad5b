#include <string.h>

#include "kernel/arch/x86/percpu.h"
#include "kernel/autostart.h"
#include "kernel/config/vmdef.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/vmm.h"

/* Kept back from guests: page tables, VMCSs, stacks of later VMs. */
#define HYPERVISOR_RESERVE (16ULL << 20)

struct module_table {
	const struct boot_module *mods;
	uint32_t count;
};

static const struct boot_module *find_module(const struct module_table *t, const char *path)
{
	for (uint32_t i = 0; i < t->count; i++)
		if (strcmp(t->mods[i].name, path) == 0)
			return &t->mods[i];
	return NULL;
}

static int64_t module_size(void *ctx, const char *path)
{
	const struct boot_module *m = find_module(ctx, path);

	return m ? (int64_t)m->size : -1;
}

/* vCPUs already placed on each CPU, to spread new ones. */
static uint32_t cpu_load[MAX_CPUS];

/*
 * Where vCPUs go when the config names no CPUs: the least loaded online
 * CPU, preferring application processors so the boot CPU keeps serving.
 */
static uint32_t place(void)
{
	uint32_t best = 0;

	for (uint32_t c = 1; c < pcpu_count; c++) {
		if (pcpu_table[c].state != CPU_ONLINE)
			continue;
		if (best == 0 || cpu_load[c] < cpu_load[best])
			best = c;
	}
	if (best != 0 && cpu_load[0] < cpu_load[best])
		best = 0;
	return best;
}

static void fill_cpus(const struct hostconf_vm *hv, struct vm_config *cfg)
{
	cfg->cpu_count = 0;
	if (hv->cpus_set) {
		for (uint32_t c = 0; c < pcpu_count && cfg->cpu_count < VM_MAX_VCPUS; c++)
			if (hv->cpus.bits[c / 64] & (1ULL << (c % 64)))
				cfg->cpus[cfg->cpu_count++] = c;
	} else {
		for (uint32_t i = 0; i < hv->vcpus && i < VM_MAX_VCPUS; i++) {
			cfg->cpus[i] = place();
			cpu_load[cfg->cpus[i]]++;
		}
		cfg->cpu_count = hv->vcpus;
	}
}

static bool start_one(const struct hostconf_vm *hv, const struct module_table *t)
{
	const struct boot_module *kernel = find_module(t, hv->kernel);
	const struct boot_module *initrd = hv->initrd[0] ? find_module(t, hv->initrd) : NULL;
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
	char why[VMDEF_MAX_WHY];

	fill_cpus(hv, &cfg);
	if (!vmm_start(&cfg, why, sizeof(why))) {
		log_report("strata: vm %s refused: %s", hv->name, why);
		return false;
	}
	return true;
}

unsigned autostart_vms(const struct hostconf *conf, const struct boot_module *mods,
		       uint32_t module_count, bool vmx_ready)
{
	static struct vmdef_verdict verdicts[HOSTCONF_MAX_VMS];
	struct module_table table = { mods, module_count };
	struct vmdef_host host = {
		.ncpus = pcpu_count,
		.module_size = module_size,
		.ctx = &table,
	};
	uint64_t free = kmem_free_bytes();
	unsigned started = 0;

	host.free_memory = free > HYPERVISOR_RESERVE ? free - HYPERVISOR_RESERVE : 0;
	for (uint32_t c = 0; c < pcpu_count; c++)
		if (pcpu_table[c].state == CPU_ONLINE)
			host.online.bits[c / 64] |= 1ULL << (c % 64);
	vmdef_check_all(conf, &host, verdicts);

	for (unsigned i = 0; i < conf->vm_count; i++) {
		const struct hostconf_vm *hv = &conf->vms[i];

		if (verdicts[i].result == VMDEF_NOT_AUTOSTART)
			continue;
		if (verdicts[i].result != VMDEF_OK) {
			const char *why = verdicts[i].why;
			size_t n = strlen(hv->name);

			/* The verdict starts "vm NAME: "; the report line names the VM already. */
			if (strncmp(why, "vm ", 3) == 0 && strncmp(why + 3, hv->name, n) == 0 &&
			    why[3 + n] == ':')
				why += 3 + n + 2;
			log_report("strata: vm %s refused: %s", hv->name, why);
			continue;
		}
		if (!vmx_ready) {
			log_report("strata: vm %s refused: this CPU cannot run guests "
				   "(needs VT-x with EPT and unrestricted guest)",
				   hv->name);
			continue;
		}
		started += start_one(hv, &table);
	}
	return started;
}
