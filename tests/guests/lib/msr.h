/* SPDX-License-Identifier: MIT */
/*
 * RDMSR and WRMSR for MSRs that must exist (SDM Vol. 2B). An MSR that may
 * raise #GP is read with try_rdmsr() / try_wrmsr() (try.h) instead.
 */
#ifndef GUEST_MSR_H
#define GUEST_MSR_H

#include <stdint.h>

#define MSR_IA32_APIC_BASE    0x01b
#define MSR_IA32_TSC_DEADLINE 0x6e0

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
}

#endif /* GUEST_MSR_H */
