/* SPDX-License-Identifier: MIT */
/*
 * Path-length probes: RDTSC, one instruction under test, RDTSC. Under
 * Bochs with `clock: sync=none` the TSC advances one tick per instruction,
 * so a delta counts the instructions run, hypervisor exit path included.
 * The first RDTSC's result is parked in memory so the instruction under
 * test may change any register; each probe also counts the few guest
 * instructions between the two RDTSCs (compare bench_empty()).
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>

#include "strata_hv.h"
#include "trap.h"

static inline uint64_t bench_delta(uint32_t lo0, uint32_t hi0, uint32_t lo1, uint32_t hi1)
{
	return (((uint64_t)hi1 << 32) | lo1) - (((uint64_t)hi0 << 32) | lo0);
}

/* Nothing between the two RDTSCs but the stores of the first result. */
static inline uint64_t bench_empty(void)
{
	uint32_t lo0, hi0, lo1, hi1;

	asm volatile("rdtsc\n\t"
		     "mov %%eax, %2\n\t"
		     "mov %%edx, %3\n\t"
		     "rdtsc"
		     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0));
	return bench_delta(lo0, hi0, lo1, hi1);
}

/* CPUID leaf 0: an unconditional VM exit. */
static inline uint64_t bench_cpuid(void)
{
	uint32_t lo0, hi0, lo1, hi1;

	asm volatile("rdtsc\n\t"
		     "mov %%eax, %2\n\t"
		     "mov %%edx, %3\n\t"
		     "xor %%eax, %%eax\n\t"
		     "cpuid\n\t"
		     "rdtsc"
		     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0)
		     :
		     : "ebx", "ecx");
	return bench_delta(lo0, hi0, lo1, hi1);
}

/* OUT of one byte to @port (DX form). */
static inline uint64_t bench_outb(uint16_t port, uint8_t val)
{
	uint32_t lo0, hi0, lo1, hi1;

	asm volatile("rdtsc\n\t"
		     "mov %%eax, %2\n\t"
		     "mov %%edx, %3\n\t"
		     "mov %4, %%dx\n\t"
		     "mov %5, %%al\n\t"
		     "out %%al, %%dx\n\t"
		     "rdtsc"
		     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0)
		     : "rm"(port), "rm"(val));
	return bench_delta(lo0, hi0, lo1, hi1);
}

/* IN of 32 bits from `port` (the ACPI PM timer: how Linux reads it). */
static inline uint64_t bench_inl(uint16_t port)
{
	uint32_t lo0, hi0, lo1, hi1;

	asm volatile("rdtsc\n\t"
		     "mov %%eax, %2\n\t"
		     "mov %%edx, %3\n\t"
		     "mov %4, %%dx\n\t"
		     "in %%dx, %%eax\n\t"
		     "rdtsc"
		     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0)
		     : "rm"(port));
	return bench_delta(lo0, hi0, lo1, hi1);
}

/*
 * VMCALL with the never-assigned number STRATA_HC_INVALID; the hypercall's
 * EAX is stored in *@ret. A #UD (no hypervisor) resumes after the VMCALL
 * and is left in trap_last. Every register but EAX is declared clobbered,
 * so a hypervisor that breaks the ABI cannot corrupt the guest here.
 */
static inline uint64_t bench_vmcall_invalid(uint32_t *ret)
{
	uint32_t lo0, hi0, lo1, hi1, eax;

	trap_arm();
	/* clang-format off */
	asm volatile("rdtsc\n\t"
		     "mov %%eax, %2\n\t"
		     "mov %%edx, %3\n\t"
		     "mov %5, %%eax\n\t"
		     TRAP_TRY("vmcall")
		     "mov %%eax, %4\n\t"
		     "rdtsc"
		     : "=&a"(lo1), "=&d"(hi1), "=m"(lo0), "=m"(hi0), "=m"(eax)
		     : "i"(STRATA_HC_INVALID)
		     : "ebx", "ecx", "esi", "edi", "memory");
	/* clang-format on */
	*ret = eax;
	return bench_delta(lo0, hi0, lo1, hi1);
}

#endif /* GUEST_BENCH_H */
