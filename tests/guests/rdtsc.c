// SPDX-License-Identifier: MIT
/*
 * rdtsc.elf: the time-stamp counter, and path lengths for `make bench`.
 *
 * Generic: RDTSC strictly increases over 100000 reads.
 * Strata-specific: VMCALL with an unknown number returns an error code in
 * EAX and leaves the other registers alone (bare: #UD, skipped).
 * BENCH lines: the minimum over BENCH_ROUNDS of RDTSC-to-RDTSC around one
 * CPUID, one OUT to the UART scratch register and one VMCALL, plus the
 * empty probe to subtract (lib/bench.h). Then the local APIC's paths:
 * an xAPIC MMIO write (TPR at 0xfee00080, emulated after an EPT
 * violation), an x2APIC WRMSR of EOI (0x80b, after IA32_APIC_BASE.EXTD is
 * set), and a timer interrupt: from the RDTSC before the WRMSR that
 * starts a one-shot of one APIC tick (0x838) to the RDTSC that is the
 * first instruction of the interrupt's handler (an IDT stub of its own).
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "bench.h"
#include "cpu.h"
#include "guest.h"
#include "irq.h"
#include "msr.h"
#include "serial.h"
#include "strata_hv.h"
#include "test.h"
#include "try.h"

#define MONOTONIC_READS 100000
#define BENCH_ROUNDS    1000
#define CPUID_1_EDX_TSC (1u << 4)
#define VEC_BENCH_TIMER 0x40
#define TIMER_SPIN_MAX  1000000

const char guest_name[] = "rdtsc";

static void rdtsc_monotonic(void)
{
	uint64_t prev = rdtsc(), min = ~0ull, max = 0;
	unsigned int bad = 0, i;

	for (i = 0; i < MONOTONIC_READS; i++) {
		uint64_t now = rdtsc();

		if (now <= prev)
			bad++;
		else if (now - prev < min)
			min = now - prev;
		if (now > prev && now - prev > max)
			max = now - prev;
		prev = now;
	}
	test_info("rdtsc %u reads: min_delta=%llu max_delta=%llu", MONOTONIC_READS,
		  (unsigned long long)min, (unsigned long long)max);
	test_check(bad == 0, "rdtsc_monotonic", "%u of %u reads not above the previous one", bad,
		   MONOTONIC_READS);
}

/* Unknown hypercall: an error code back in EAX, nothing else changed. */
static bool rdtsc_vmcall_check(void)
{
	struct vmcall_regs r = {
		.eax = STRATA_HC_INVALID,
		.ebx = 0x11111111,
		.ecx = 0x22222222,
		.edx = 0x33333333,
		.esi = 0x44444444,
		.edi = 0x55555555,
	};
	int vec = try_vmcall(&r);

	if (!test_check_strata(vec == TRAP_NONE, "vmcall_no_fault", "VMCALL raised %s",
			       trap_name(vec)))
		return false;
	test_info("vmcall %#x returned eax=%#x (%d)", STRATA_HC_INVALID, r.eax, (int)r.eax);
	test_check_strata(r.eax != STRATA_HC_INVALID, "vmcall_unknown_error", "EAX unchanged (%#x)",
			  r.eax);
	test_check_strata(r.ebx == 0x11111111 && r.ecx == 0x22222222 && r.edx == 0x33333333 &&
				  r.esi == 0x44444444 && r.edi == 0x55555555,
			  "vmcall_regs_preserved", "ebx=%#x ecx=%#x edx=%#x esi=%#x edi=%#x", r.ebx,
			  r.ecx, r.edx, r.esi, r.edi);
	return true;
}

/* The assigned hypercalls (docs/HYPERCALLS.md). */
static void rdtsc_hypercalls_check(void)
{
	struct vmcall_regs r = { .eax = STRATA_HC_VERSION };

	if (try_vmcall(&r) == TRAP_NONE)
		test_info("vmcall version returned %#x", r.eax);
	/* Version 0.1.0 or later, a 24-bit major.minor.patch word. */
	test_check_strata(r.eax >= 0x000100 && r.eax < 0x1000000, "vmcall_version", "eax=%#x",
			  r.eax);
	r = (struct vmcall_regs){ .eax = STRATA_HC_VCPU_ID };
	try_vmcall(&r);
	test_check_strata(r.eax == 0, "vmcall_vcpu_id", "eax=%#x on the boot vCPU", r.eax);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void rdtsc_bench(bool vmcall_ok)
{
	uint64_t empty = ~0ull, cpuid = ~0ull, out = ~0ull, pmtimer = ~0ull, vmcall = ~0ull;
	uint32_t ret = 0;
	int i;

	for (i = 0; i < BENCH_ROUNDS; i++) {
		empty = min_u64(empty, bench_empty());
		cpuid = min_u64(cpuid, bench_cpuid());
		out = min_u64(out, bench_outb(STRATA_UART_BASE + UART_SCR, (uint8_t)i));
		if (vmcall_ok) /* under Strata: its PM timer is at 0x608 (bare: whatever the firmware says) */
			pmtimer = min_u64(pmtimer, bench_inl(STRATA_PM_TIMER_PORT));
		if (vmcall_ok)
			vmcall = min_u64(vmcall, bench_vmcall_invalid(&ret));
	}
	test_bench("empty_ticks", empty);
	test_bench("cpuid_ticks", cpuid);
	test_bench("out_ticks", out);
	if (vmcall_ok) {
		test_bench("pmtimer_in_ticks", pmtimer);
		test_bench("vmcall_ticks", vmcall);
	}
}

/*
 * The timer probe's handler: RDTSC first, the TSC and a flag to memory,
 * IRET. EAX and EDX are the interrupted probe's (declared clobbered
 * there); EOI comes later, from C.
 */
volatile uint32_t bench_irq_lo, bench_irq_hi, bench_irq_seen;
void bench_timer_stub(void);
__asm__(".text\n.globl bench_timer_stub\nbench_timer_stub:\n\trdtsc\n"
	"\tmov %eax, bench_irq_lo\n\tmov %edx, bench_irq_hi\n"
	"\tmovl $1, bench_irq_seen\n\tiret\n");

/* WRMSR 0x838 (initial count 1) with IF=1, then spin until the stub ran. */
static uint64_t bench_timer_oneshot(void)
{
	uint32_t lo0, hi0, spins = TIMER_SPIN_MAX;

	bench_irq_seen = 0;
	asm volatile("sti\n\t"
		     "rdtsc\n\t"
		     "mov %%eax, %0\n\t"
		     "mov %%edx, %1\n\t"
		     "mov $0x838, %%ecx\n\t"
		     "mov $1, %%eax\n\t"
		     "xor %%edx, %%edx\n\t"
		     "wrmsr\n\t"
		     "1: cmpl $0, bench_irq_seen\n\t"
		     "jne 2f\n\t"
		     "dec %2\n\t"
		     "jnz 1b\n\t"
		     "2: cli"
		     : "=m"(lo0), "=m"(hi0), "+r"(spins)
		     :
		     : "eax", "ecx", "edx", "memory", "cc");
	if (!bench_irq_seen)
		return 0;
	apic_eoi();
	return bench_delta(lo0, hi0, bench_irq_lo, bench_irq_hi);
}

/* The local APIC's exit paths: xAPIC MMIO, x2APIC MSR, timer injection. */
static void rdtsc_bench_apic(void)
{
	uint64_t mmio = ~0ull, msr = ~0ull, timer = ~0ull, t;
	uint32_t lo0, hi0, lo1, hi1;
	int i;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC) ||
	    (rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR) != APIC_DEFAULT_PHYS)
		return;
	for (i = 0; i < BENCH_ROUNDS; i++) {
		asm volatile("rdtsc\n\t"
			     "mov %%eax, %2\n\t"
			     "mov %%edx, %3\n\t"
			     "movl $0, %4\n\t"
			     "rdtsc"
			     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0),
			       "=m"(*(volatile uint32_t *)(APIC_DEFAULT_PHYS + APIC_TPR)));
		mmio = min_u64(mmio, bench_delta(lo0, hi0, lo1, hi1));
	}
	test_bench("xapic_mmio_write_ticks", mmio);

	wrmsr(MSR_IA32_APIC_BASE, rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_EXTD);
	apic_set_x2apic(true);
	for (i = 0; i < BENCH_ROUNDS; i++) {
		asm volatile("rdtsc\n\t"
			     "mov %%eax, %2\n\t"
			     "mov %%edx, %3\n\t"
			     "mov $0x80b, %%ecx\n\t"
			     "xor %%eax, %%eax\n\t"
			     "xor %%edx, %%edx\n\t"
			     "wrmsr\n\t"
			     "rdtsc"
			     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0)
			     :
			     : "ecx");
		msr = min_u64(msr, bench_delta(lo0, hi0, lo1, hi1));
	}
	test_bench("x2apic_eoi_wrmsr_ticks", msr);

	irq_init();
	irq_set_stub(VEC_BENCH_TIMER, bench_timer_stub);
	apic_sw_enable(0xff);
	apic_write(APIC_TIMER_DCR, APIC_DCR_DIV1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | VEC_BENCH_TIMER);
	for (i = 0; i < BENCH_ROUNDS; i++) {
		t = bench_timer_oneshot();
		if (!t) {
			test_fail("bench_timer_interrupt", "no timer interrupt in round %d", i);
			return;
		}
		timer = min_u64(timer, t);
	}
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_BENCH_TIMER);
	test_bench("timer_inject_ticks", timer);
}

void guest_main(void)
{
	bool vmcall_ok;

	if (!test_check(cpuid(1, 0).edx & CPUID_1_EDX_TSC, "rdtsc_cpuid_tsc",
			"CPUID.1:EDX.TSC clear"))
		return;
	rdtsc_monotonic();
	vmcall_ok = rdtsc_vmcall_check();
	if (vmcall_ok)
		rdtsc_hypercalls_check();
	rdtsc_bench(vmcall_ok);
	rdtsc_bench_apic();
}
