#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/lapic.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/smp.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/mm/pagetable.h"

/* Mirrors ap_tramp_params in ap_trampoline.S. */
struct ap_tramp_params {
	uint64_t cr3;
	uint64_t stack;
	uint64_t entry;
	uint64_t arg;
};

extern char ap_trampoline[], ap_trampoline_end[], ap_tramp_params[];

#define FOUR_GIB              (4ULL << 30)
#define AP_CHECKIN_TIMEOUT_US 1000000

static const struct smp_ap_setup *smp_setup;

/* A load the compiler cannot see through or reason about. */
static void load_from(uint64_t addr)
{
	__asm__ volatile("movq (%0), %%rax" : : "r"(addr) : "rax", "memory");
}

static void raise_fault(int vector)
{
	switch (vector) {
	case 0: {
		volatile int zero = 0;

		log_printf(LOG_ALWAYS, "cpu %u: raising #DE as configured", this_cpu()->index);
		(void)(1 / zero);
		break;
	}
	case 13:
		log_printf(LOG_ALWAYS, "cpu %u: raising #GP as configured", this_cpu()->index);
		load_from(0x8000000000000000ULL); /* non-canonical */
		break;
	case 14:
		log_printf(LOG_ALWAYS, "cpu %u: raising #PF as configured", this_cpu()->index);
		load_from(16); /* the low half is never mapped */
		break;
	default:
		log_printf(LOG_ALWAYS, "cpu %u: raising #UD as configured", this_cpu()->index);
		__asm__ volatile("ud2");
		break;
	}
}

/* First C code of an application processor, still on the trampoline tables. */
__attribute__((noreturn)) void ap_entry(struct pcpu *p);
__attribute__((noreturn)) void ap_entry(struct pcpu *p)
{
	cpu_write_cr3(kmem_page_table_root());
	pcpu_load(p);
	lapic_cpu_init();
	if (lapic_id() != p->apic_id)
		log_warn("cpu %u: APIC id %u, MADT said %u", p->index, lapic_id(), p->apic_id);
	if (smp_setup->fault_cpu == (int)p->index)
		raise_fault(smp_setup->fault_vector);
	if (smp_setup->cpu_init)
		smp_setup->cpu_init();
	p->state = CPU_ONLINE;
	smp_setup->run();
}

/*
 * Page tables for the trip through the trampoline: the low 2 MiB
 * identity-mapped (the trampoline runs there when paging turns on) plus
 * the hypervisor's upper half, where ap_entry lives.
 */
static hpa_t build_trampoline_tables(void)
{
	hpa_t pml4 = kmem_alloc_frames(1, PAGE_SIZE, FOUR_GIB);
	hpa_t pdpt = kmem_alloc_frames(1, PAGE_SIZE, FOUR_GIB);
	hpa_t pd = kmem_alloc_frames(1, PAGE_SIZE, FOUR_GIB);
	uint64_t *pml4_v, *kernel_v;

	if (!pml4 || !pdpt || !pd)
		return 0;
	pml4_v = kmem_phys_to_virt(pml4);
	kernel_v = kmem_phys_to_virt(kmem_page_table_root());
	pml4_v[0] = pdpt | PTE_P | PTE_RW;
	((uint64_t *)kmem_phys_to_virt(pdpt))[0] = pd | PTE_P | PTE_RW;
	((uint64_t *)kmem_phys_to_virt(pd))[0] = 0 | PTE_P | PTE_RW | PT_LARGE;
	for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pml4_v[i] = kernel_v[i];
	return pml4;
}

static bool start_one(struct pcpu *p, hpa_t low, struct ap_tramp_params *params)
{
	uint8_t *stack = kmem_alloc_pages(CPU_STACK_SIZE / PAGE_SIZE);
	uint64_t deadline;

	if (!stack) {
		log_error("cpu %u: no memory for its stack", p->index);
		return false;
	}
	p->stack_top = (uint64_t)(uintptr_t)(stack + CPU_STACK_SIZE);
	if (pcpu_setup_stacks(p)) {
		log_error("cpu %u: no memory for its exception stacks", p->index);
		return false;
	}
	params->stack = p->stack_top;
	params->arg = (uint64_t)(uintptr_t)p;
	p->state = CPU_STARTING;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* INIT, 10 ms, SIPI, 200 us, SIPI (SDM Vol. 3A 8.4.4.1). */
	lapic_send_init(p->apic_id);
	tsc_delay_us(10000);
	lapic_send_sipi(p->apic_id, (uint8_t)(low >> PAGE_SHIFT));
	tsc_delay_us(200);
	if (p->state == CPU_STARTING)
		lapic_send_sipi(p->apic_id, (uint8_t)(low >> PAGE_SHIFT));

	deadline = tsc_now_us() + AP_CHECKIN_TIMEOUT_US;
	while (p->state == CPU_STARTING && tsc_now_us() < deadline)
		cpu_relax();
	if (p->state == CPU_STARTING) {
		p->state = CPU_PARKED;
		log_error("cpu %u (APIC id %u) did not start", p->index, p->apic_id);
		return false;
	}
	return p->state == CPU_ONLINE;
}

uint32_t smp_start_aps(const struct smp_ap_setup *setup)
{
	hpa_t low = kmem_low_page();
	size_t blob = (size_t)(ap_trampoline_end - ap_trampoline);
	struct ap_tramp_params *params;
	hpa_t tables;

	smp_setup = setup;
	if (pcpu_count < 2)
		return pcpu_online_count();
	tables = build_trampoline_tables();
	if (!low || !tables) {
		log_error("smp: no low memory for AP start-up; running on the boot CPU only");
		return pcpu_online_count();
	}
	memcpy(kmem_phys_to_virt(low), ap_trampoline, blob);
	params = (struct ap_tramp_params *)((uint8_t *)kmem_phys_to_virt(low) +
					    (ap_tramp_params - ap_trampoline));
	params->cr3 = tables;
	params->entry = (uint64_t)(uintptr_t)ap_entry;

	for (uint32_t i = 1; i < pcpu_count; i++) {
		if (pcpu_table[i].state == CPU_OFFLINE)
			start_one(&pcpu_table[i], low, params);
	}
	return pcpu_online_count();
}
