// SPDX-License-Identifier: MIT
/*
 * rdtsc.elf: the time-stamp counter, and path lengths for `make bench`.
 *
 * Generic: RDTSC strictly increases over 100000 reads.
 * Strata-specific: VMCALL with an unknown number returns an error code in
 * EAX and leaves the other registers alone (bare: #UD, skipped).
 * BENCH lines: the minimum over BENCH_ROUNDS of RDTSC-to-RDTSC around one
 * CPUID, one OUT to the UART scratch register and one VMCALL, plus the
 * empty probe to subtract (lib/bench.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "bench.h"
#include "cpu.h"
#include "guest.h"
#include "serial.h"
#include "strata_hv.h"
#include "test.h"
#include "try.h"

#define MONOTONIC_READS 100000
#define BENCH_ROUNDS    1000
#define CPUID_1_EDX_TSC (1u << 4)

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
	uint64_t empty = ~0ull, cpuid = ~0ull, out = ~0ull, vmcall = ~0ull;
	uint32_t ret = 0;
	int i;

	for (i = 0; i < BENCH_ROUNDS; i++) {
		empty = min_u64(empty, bench_empty());
		cpuid = min_u64(cpuid, bench_cpuid());
		out = min_u64(out, bench_outb(STRATA_UART_BASE + UART_SCR, (uint8_t)i));
		if (vmcall_ok)
			vmcall = min_u64(vmcall, bench_vmcall_invalid(&ret));
	}
	test_bench("empty_ticks", empty);
	test_bench("cpuid_ticks", cpuid);
	test_bench("out_ticks", out);
	if (vmcall_ok)
		test_bench("vmcall_ticks", vmcall);
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
}
