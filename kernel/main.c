/*
 * The boot CPU's init sequence, in order (docs/ARCHITECTURE.md):
 *
 *   serial log -> boot_info check -> host config -> physical memory and the
 *   hypervisor's page tables -> GDT/IDT/TSS -> ACPI -> LAPIC and TSC ->
 *   application processors -> VMX probe -> boot report -> "strata: ready"
 *
 * Each step either works, degrades with a message (no ACPI: one CPU; no
 * VMX: no guests), or panics when the machine cannot run a hypervisor at
 * all (no memory map, no long mode).
 */
#include <string.h>

#include "boot/multiboot2/mb2_info.h"
#include "drivers/irq/i8259.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/lapic.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/smp.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/boot_info.h"
#include "kernel/config/hostconf.h"
#include "kernel/domain.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/panic.h"
#include "kernel/platform.h"
#include "kernel/power.h"
#include "kernel/sched.h"
#include "kernel/vmm.h"
#include "net/services.h"
#include "net/stack.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_cpu.h"

/* Must match entry64.S. */
#define BOOT_KIND_MULTIBOOT2 1
#define BOOT_KIND_BOOT_INFO  2

#define TIMER_HZ            100
#define HOUSEKEEPING_NET_MS 1

extern char __kernel_link_end[];
extern char bsp_stack_bottom[];

static struct mb2_boot_storage mb2_storage;
static struct boot_info boot;
static struct boot_mem_region boot_mmap[BOOT_INFO_MAX_MMAP];
static struct boot_module boot_modules[BOOT_INFO_MAX_MODULES];
static struct hostconf host_config;
static bool vmx_ready;             /* guests can run: VT-x with what Strata needs */
static bool net_up;                /* the management network has a NIC */
static volatile uint32_t vmx_cpus; /* CPUs in VMX operation */

void boot_main(uint64_t phys, uint32_t kind, uint64_t entry_tsc);

/*
 * Turn what the boot path left into a validated private copy. Runs on the
 * boot tables, where physical memory below 4 GiB is identity-mapped.
 */
static void take_boot_info(uint64_t phys, uint32_t kind, struct pmm_range *keep, size_t *nkeep)
{
	const struct boot_info *bi;
	const char *why = NULL;

	if (kind == BOOT_KIND_MULTIBOOT2) {
		const void *info = (const void *)(uintptr_t)phys;
		struct mb2_input in = {
			.info = info,
			.readable = phys < (4ULL << 30) ? *(const uint32_t *)info : 0,
			.info_phys = phys,
			.kernel_phys_end = (uint64_t)(uintptr_t)__kernel_link_end,
			.storage_phys = (uint64_t)(uintptr_t)&mb2_storage - KERNEL_VIRT_BASE,
		};
		uint32_t offset = 0;
		enum mb2_status st = mb2_parse(&in, &mb2_storage, &offset);

		if (st != MB2_OK)
			panic("multiboot2 information rejected: %s (tag at offset %u)",
			      mb2_strerror(st), offset);
		mb2_info_range(info, phys, &keep[*nkeep].base, &keep[*nkeep].length);
		(*nkeep)++;
		bi = &mb2_storage.info;
	} else {
		bi = (const struct boot_info *)(uintptr_t)phys;
	}

	if (boot_info_validate_header(bi, &why))
		panic("boot_info rejected: %s", why);
	if (boot_info_validate(bi, (const void *)(uintptr_t)bi->mmap_phys,
			       (const void *)(uintptr_t)bi->modules_phys, &why))
		panic("boot_info rejected: %s", why);

	memcpy(&boot, bi, sizeof(boot));
	boot.size = sizeof(boot);
	memcpy(boot_mmap, (const void *)(uintptr_t)bi->mmap_phys,
	       bi->mmap_count * sizeof(boot_mmap[0]));
	memcpy(boot_modules, (const void *)(uintptr_t)bi->modules_phys,
	       bi->module_count * sizeof(boot_modules[0]));
	for (uint32_t i = 0; i < boot.module_count; i++)
		keep[(*nkeep)++] = (struct pmm_range){ boot_modules[i].phys, boot_modules[i].size };
	if (boot.config_phys)
		keep[(*nkeep)++] = (struct pmm_range){ boot.config_phys, boot.config_size };
}

static void config_report(void *ctx, unsigned line, const char *msg)
{
	log_error("config: %s", msg);
}

static void load_config(void)
{
	static const enum log_level levels[] = {
		[HOSTCONF_LOG_ERROR] = LOG_ERROR,
		[HOSTCONF_LOG_WARN] = LOG_WARN,
		[HOSTCONF_LOG_INFO] = LOG_INFO,
		[HOSTCONF_LOG_DEBUG] = LOG_DEBUG,
	};
	int errors;

	if (!boot.config_phys) {
		hostconf_defaults(&host_config);
		log_warn("config: no strata.conf on the boot media, using defaults");
		return;
	}
	errors = hostconf_parse((const char *)(uintptr_t)boot.config_phys, boot.config_size,
				&host_config, config_report, NULL);
	if (errors)
		log_error("config: %d error(s); those settings keep their defaults", errors);
	log_set_level(levels[host_config.host.log_level]);
}

static void timer_tick(struct trap_frame *frame)
{
	this_cpu()->ticks++;
	lapic_eoi();
}

/* Calibrate and start the boot CPU's periodic timer, and see it tick. */
static void start_timer(void)
{
	uint64_t hz = lapic_timer_calibrate(tsc_hz());
	uint64_t deadline;

	if (!hz) {
		log_error("lapic: timer did not count; no periodic tick");
		return;
	}
	idt_set_handler(VECTOR_LAPIC_TIMER, timer_tick);
	lapic_timer_start_periodic(VECTOR_LAPIC_TIMER, TIMER_HZ);
	deadline = tsc_now_us() + 1000000;
	cpu_irq_enable();
	while (this_cpu()->ticks < 3 && tsc_now_us() < deadline)
		cpu_relax();
	cpu_irq_disable();
	if (this_cpu()->ticks < 3)
		log_error("lapic: timer programmed but no interrupts arrived");
	else
		log_info("lapic: %s, timer %llu kHz, %u Hz tick",
			 lapic_is_x2apic() ? "x2apic" : "xapic", (unsigned long long)(hz / 1000),
			 TIMER_HZ);
}

/* VMX on the calling CPU (every CPU, at start-up). */
static void cpu_enable_vmx(void)
{
	int err;

	if (!vmx_ready)
		return;
	err = vmx_cpu_enable();
	if (err)
		log_error("cpu %u: VMXON failed (error %d): no guests on this CPU",
			  this_cpu()->index, err);
	else
		__atomic_fetch_add(&vmx_cpus, 1, __ATOMIC_RELAXED);
}

/* VMX capabilities and the controls Strata will use, on the boot CPU. */
static void probe_vmx(struct vmx_caps *vmx)
{
	const char *why = NULL;

	vmx_caps_probe(vmx);
	if (!vmx_caps_usable(vmx))
		return;
	if (vmx_controls_init(&why)) {
		log_warn("vmx: %s; guests cannot run", why);
		return;
	}
	if (vmcs_global_init()) {
		log_error("vmx: no memory for the VMCS bitmaps; guests cannot run");
		return;
	}
	vmx_ready = true;
}

static __attribute__((noreturn)) void ap_run(void)
{
	sched_run(NULL, 0);
}

/* Between slices on the boot CPU: finish stopped VMs, power off when idle. */
static void bsp_housekeeping(void)
{
	uint32_t alive = vmm_reap();

	domain_sync();
	if (net_up)
		net_poll();
	services_poll();

	if (alive == 0 && host_config.host.exit_when_idle) {
		log_info("no VM is running and exit_when_idle = yes: powering off");
		power_off();
	}
}

static void boot_report(const struct vmx_caps *vmx)
{
	static const char *const yn[] = { "no", "yes" };

	log_report("strata: cpus=%u/%u", pcpu_online_count(), pcpu_count);
	log_report("strata: memory=%llu MiB usable",
		   (unsigned long long)(kmem_usable_bytes() >> 20));
	log_report("strata: vmx=%s ept=%s unrestricted=%s vpid=%s", yn[vmx->vmx], yn[vmx->ept],
		   yn[vmx->unrestricted], yn[vmx->vpid]);
	if (!vmx_caps_usable(vmx))
		log_warn("vmx: this CPU cannot run Strata guests (needs VMX with EPT and "
			 "unrestricted guest); VMs will be refused");
}

void boot_main(uint64_t phys, uint32_t kind, uint64_t entry_tsc)
{
	struct pmm_range keep[KMEM_MAX_RESERVED];
	size_t nkeep = 0;
	static struct smp_ap_setup ap_setup;
	struct vmx_caps vmx;

	log_init();
	take_boot_info(phys, kind, keep, &nkeep);
	log_report("strata: version %s+%s", STRATA_VERSION, STRATA_GITREV);
	log_report("strata: boot=%s", boot.boot_method == BOOT_METHOD_UEFI ? "uefi" : "multiboot2");
	load_config();

	kmem_init(&boot, boot_mmap, keep, nkeep);
	i8259_disable();
	idt_init();
	pcpu_table[0].index = 0;
	pcpu_table[0].stack_top = (uint64_t)(uintptr_t)(bsp_stack_bottom + CPU_STACK_SIZE);
	if (pcpu_setup_stacks(&pcpu_table[0]))
		panic("no memory for the boot CPU's exception stacks");
	pcpu_load(&pcpu_table[0]);

	platform_init(boot.rsdp_phys, boot_mmap, boot.mmap_count);
	tsc_calibrate(platform.pm_timer_port, platform.pm_timer_32bit);
	log_info("tsc: %llu kHz (%s)", (unsigned long long)(tsc_hz() / 1000),
		 tsc_source_name(tsc_source()));
	if (lapic_global_init(platform.lapic_phys))
		panic("cannot map the local APIC at %#llx",
		      (unsigned long long)platform.lapic_phys);
	lapic_cpu_init();
	platform_register_cpus(lapic_id());
	pcpu_table[0].state = CPU_ONLINE;
	start_timer();

	probe_vmx(&vmx);
	cpu_enable_vmx();
	sched_init();
	ap_setup = (struct smp_ap_setup){
		.fault_cpu = host_config.debug.fault_cpu,
		.fault_vector = (int)host_config.debug.fault_kind,
		.cpu_init = cpu_enable_vmx,
		.run = ap_run,
	};
	smp_start_aps(&ap_setup);

	boot_report(&vmx);
	if (vmx_ready)
		log_info("vmx: on %u of %u CPUs", vmx_cpus, pcpu_online_count());
	net_up = net_init(&host_config.network);
	services_start(&host_config.network, &domain_backend, net_up);
	domain_boot(&host_config, boot_modules, boot.module_count, vmx_ready);
	log_info("strata: boot took %llu tsc ticks from kernel entry",
		 (unsigned long long)(cpu_rdtsc() - entry_tsc));
	log_report("strata: ready");

	if (host_config.debug.reboot_after_ready)
		power_reboot();
	/*
	 * A polled NIC is looked at when the boot CPU wakes: every millisecond
	 * while it idles keeps the console snappy; without a network the
	 * slice length is enough.
	 */
	sched_run(bsp_housekeeping, net_up ? HOUSEKEEPING_NET_MS : SCHED_SLICE_MS);
}
