// SPDX-License-Identifier: MIT
/*
 * nmi.elf: NMIs between two vCPUs (issue 4, "NMI-window exiting"). Needs
 * a VM with vcpus = 2.
 *
 * The boot CPU (BSP) starts the other one (AP) with INIT-SIPI-SIPI
 * (lib/smp.h) and then, with the AP spinning with IF=0:
 *   - sends it an NMI through the xAPIC ICR (delivery mode NMI, physical
 *     destination = the AP's APIC ID): the AP's vector-2 handler counts it;
 *   - NMI blocking (SDM Vol. 3A 6.7.1 "Handling Multiple NMIs"): while the
 *     AP sits in its NMI handler the BSP sends a second NMI; the handler
 *     must not be re-entered, and the second NMI must arrive once the
 *     handler's IRET ends the blocking. Under Strata this is the NMI
 *     window (SDM Vol. 3C 25.3 "Changes to Instruction Behavior in VMX
 *     Non-Root Operation", IRET and virtual-NMI blocking; 26.7.6
 *     "NMI-Window Exiting");
 *   - a self-NMI: the BSP's own APIC ID with delivery mode NMI (the "self"
 *     shorthand is valid with fixed delivery only, SDM Vol. 3A 11.6.1);
 *   - in x2APIC mode (both CPUs switched), the same through MSR 0x830;
 *   - an NMI ends the AP's HLT taken with IF=0 (SDM Vol. 2A "HLT").
 * Only the BSP prints; the AP reports through shared variables.
 *
 * tests/configs/vm/nmi.conf gives each vCPU a CPU of its own. Not two
 * vCPUs on one CPU: Bochs 2.7's VM entry sets its virtual-NMI blocking
 * from the guest interruptibility state but never clears it, so the
 * blocking of one vCPU's NMI handler leaks into the next VMCS entered on
 * that CPU, and the other vCPU then never gets its NMIs (later Bochs
 * versions clear it first, as SDM Vol. 3C 26.3.2.5 "Loading Guest
 * Non-Register State" says the field sets the blocking either way).
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "irq.h"
#include "msr.h"
#include "pic.h"
#include "smp.h"
#include "test.h"
#include "timer.h"

#define AP_STACK_SIZE 8192
#define HOLD_US       2000 /* the AP stays in its NMI handler this long after the 2nd NMI */
#define WAIT_MS       200  /* budget of every wait for the other CPU */
#define VEC_SPURIOUS  0xff

const char guest_name[] = "nmi";

enum { CPU_BSP, CPU_AP, CPUS };

enum ap_command {
	AP_SPIN,   /* PAUSE loop, IF=0 */
	AP_X2APIC, /* switch to x2APIC mode, then spin */
	AP_HLT,    /* HLT loop, IF=0: only an NMI ends each HLT */
};

static uint8_t ap_stack[AP_STACK_SIZE] __attribute__((aligned(16)));

static volatile uint32_t nmi_count[CPUS];
static volatile uint32_t nmi_depth[CPUS];
static volatile uint32_t nmi_nested[CPUS];    /* entries while already in the handler */
static volatile uint64_t nmi_entry_tsc[CPUS]; /* the last entry */

/* The blocking check: the next AP NMI holds in the handler until told. */
static volatile bool hold_armed, holding, hold_done, second_sent;
static volatile uint32_t count_at_iret;       /* AP NMIs counted just before that IRET */
static volatile uint64_t iret_tsc, after_tsc; /* that IRET; the next NMI's entry */

static volatile uint32_t ap_ready;
static volatile uint32_t ap_apic_id, ap_x2apic_id;
static volatile uint32_t ap_command = AP_SPIN;
static volatile uint32_t ap_acked = AP_SPIN; /* the last command the AP carried out */

static uint64_t ms_to_tsc(uint32_t ms)
{
	return timer_us_to_tsc(ms * 1000);
}

/* Which CPU runs this: the AP runs on ap_stack, the BSP on the runtime's. */
static unsigned int this_cpu(void)
{
	uint32_t esp;

	asm volatile("mov %%esp, %0" : "=r"(esp));
	return esp - (uint32_t)ap_stack < AP_STACK_SIZE ? CPU_AP : CPU_BSP;
}

static bool wait_for(volatile uint32_t *what, uint32_t value, uint32_t ms)
{
	uint64_t t0 = rdtsc(), budget = ms_to_tsc(ms);

	while (*what < value && rdtsc() - t0 < budget)
		pause();
	return *what >= value;
}

static void nmi_hold(void)
{
	uint64_t t0 = rdtsc();

	hold_armed = false;
	holding = true;
	while (!second_sent && rdtsc() - t0 < ms_to_tsc(WAIT_MS))
		pause();
	/* The second NMI is pending from here on: it must not come in. */
	t0 = rdtsc();
	while (rdtsc() - t0 < timer_us_to_tsc(HOLD_US))
		pause();
	count_at_iret = nmi_count[CPU_AP];
	holding = false;
	hold_done = true;
	iret_tsc = rdtsc();
}

/* Vector 2 on both CPUs (irq_route_nmi()); runs with NMIs blocked until its IRET. */
static void nmi_handler(unsigned int vector)
{
	unsigned int cpu = this_cpu();

	(void)vector;
	if (++nmi_depth[cpu] > 1)
		nmi_nested[cpu]++;
	nmi_entry_tsc[cpu] = rdtsc();
	nmi_count[cpu]++;
	if (cpu == CPU_AP) {
		if (hold_done && !after_tsc)
			after_tsc = rdtsc();
		if (hold_armed)
			nmi_hold();
	}
	nmi_depth[cpu]--;
}

/* The AP's life after lib/smp.S: IF=0 throughout, NMIs only. */
static void ap_main(void)
{
	apic_sw_enable(VEC_SPURIOUS);
	ap_apic_id = apic_id();
	ap_ready = 1;
	for (;;) {
		uint32_t cmd = ap_command;

		if (cmd == AP_X2APIC && ap_acked != AP_X2APIC) {
			wrmsr(MSR_IA32_APIC_BASE, rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_EXTD);
			ap_x2apic_id = (uint32_t)rdmsr(APIC_X2APIC_MSR(APIC_ID));
			ap_acked = AP_X2APIC;
		} else if (cmd == AP_HLT) {
			ap_acked = AP_HLT;
			hlt();
		} else {
			pause();
		}
	}
}

static bool nmi_send(uint32_t dest, unsigned int cpu, const char *check, const char *how)
{
	uint32_t before = nmi_count[cpu];
	uint64_t t0 = rdtsc();
	bool ok;

	apic_send_ipi(dest, APIC_ICR_NMI | APIC_ICR_ASSERT);
	ok = test_check(wait_for(&nmi_count[cpu], before + 1, WAIT_MS) &&
				nmi_count[cpu] == before + 1,
			check, "%s to APIC ID %u: %u NMIs on the %s (want %u)", how, dest,
			nmi_count[cpu], cpu == CPU_AP ? "AP" : "BSP", before + 1);
	if (ok)
		test_info("nmi: %s: taken %llu TSC ticks after the ICR write", check,
			  (unsigned long long)(nmi_entry_tsc[cpu] - t0));
	return ok;
}

static void nmi_blocking(void)
{
	uint32_t base = nmi_count[CPU_AP];
	uint64_t t0;
	bool got;

	hold_armed = true;
	apic_send_ipi(ap_apic_id, APIC_ICR_NMI | APIC_ICR_ASSERT);
	t0 = rdtsc();
	while (!holding && rdtsc() - t0 < ms_to_tsc(WAIT_MS))
		pause();
	if (!test_check(holding, "nmi_hold_entered", "the AP's handler never held (%u NMIs)",
			nmi_count[CPU_AP] - base)) {
		hold_armed = false;
		return;
	}
	apic_send_ipi(ap_apic_id, APIC_ICR_NMI | APIC_ICR_ASSERT);
	second_sent = true;
	got = wait_for(&nmi_count[CPU_AP], base + 2, WAIT_MS + HOLD_US / 1000);
	test_check(hold_done && count_at_iret == base + 1 && nmi_nested[CPU_AP] == 0,
		   "nmi_blocked_until_iret",
		   "%u NMIs counted in the handler before its IRET (want %u), %u nested entries",
		   count_at_iret - base, 1, nmi_nested[CPU_AP]);
	test_check(got && nmi_count[CPU_AP] == base + 2 && after_tsc >= iret_tsc,
		   "nmi_delivered_after_iret",
		   "%u NMIs after the IRET (want 2 in all), entered at TSC %llu, IRET at %llu",
		   nmi_count[CPU_AP] - base, (unsigned long long)after_tsc,
		   (unsigned long long)iret_tsc);
	if (got)
		test_info("nmi: second NMI taken %llu TSC ticks after the first handler's IRET",
			  (unsigned long long)(after_tsc - iret_tsc));
}

static bool ap_do(uint32_t cmd)
{
	ap_command = cmd;
	return wait_for(&ap_acked, cmd, WAIT_MS) && ap_acked == cmd;
}

static void nmi_x2apic(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (!(r.ecx & CPUID_1_ECX_X2APIC)) {
		test_skip("nmi_x2apic", "CPUID.1:ECX[21] clear: no x2APIC");
		return;
	}
	if (!test_check(ap_do(AP_X2APIC), "nmi_x2apic_ap_switch",
			"the AP did not switch to x2APIC mode"))
		return;
	wrmsr(MSR_IA32_APIC_BASE, rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_EXTD);
	apic_set_x2apic(true);
	nmi_send(ap_x2apic_id, CPU_AP, "nmi_x2apic_ipi", "x2APIC ICR (MSR 0x830) NMI");
	nmi_send(apic_id(), CPU_BSP, "nmi_x2apic_self", "x2APIC ICR NMI");
}

static void nmi_hlt(void)
{
	if (!test_check(ap_do(AP_HLT), "nmi_ap_hlt", "the AP did not reach its HLT loop"))
		return;
	timer_delay_us(1000); /* it is in HLT by now */
	nmi_send(apic_x2apic ? ap_x2apic_id : ap_apic_id, CPU_AP, "nmi_wakes_hlt",
		 "NMI to the AP halted with IF=0");
}

void guest_main(void)
{
	uint32_t bsp_id;

	irq_init();
	irq_route_nmi();
	irq_set_handler(IRQ_VECTOR_NMI, nmi_handler);
	pic_init(0x20, 0x28); /* off the exception vectors, all masked */
	if (!timer_calibrate("nmi_tsc_calibrate"))
		return;
	apic_sw_enable(VEC_SPURIOUS);
	bsp_id = apic_id();

	if (!test_check(smp_start_ap(ap_main, ap_stack + AP_STACK_SIZE, ms_to_tsc(WAIT_MS)) &&
				wait_for(&ap_ready, 1, WAIT_MS),
			"nmi_ap_started", "the second CPU did not start (INIT-SIPI-SIPI)"))
		return;
	test_info("nmi: BSP APIC ID %u, AP APIC ID %u", bsp_id, ap_apic_id);

	nmi_send(ap_apic_id, CPU_AP, "nmi_ipi_xapic", "xAPIC ICR NMI");
	nmi_blocking();
	nmi_send(bsp_id, CPU_BSP, "nmi_self_xapic", "xAPIC ICR NMI");
	nmi_x2apic();
	nmi_hlt();
	test_check(nmi_nested[CPU_BSP] == 0 && nmi_nested[CPU_AP] == 0 &&
			   irq_count[IRQ_VECTOR_NMI] == nmi_count[CPU_BSP] + nmi_count[CPU_AP],
		   "nmi_no_strays", "nested entries BSP %u AP %u; %u NMIs in all, %u + %u counted",
		   nmi_nested[CPU_BSP], nmi_nested[CPU_AP], irq_count[IRQ_VECTOR_NMI],
		   nmi_count[CPU_BSP], nmi_count[CPU_AP]);
}
