/*
 * What a guest sees of the processor it runs on: the values of
 * IA32_MISC_ENABLE that are the CPU's and not the guest's to choose.
 *
 * Pure logic: the callers read the host's registers and keep the guest's
 * values; nothing here touches hardware, so it builds on the host for
 * tests/unit/test_cpu_policy.c.
 */
#ifndef STRATA_VMX_CPU_POLICY_H
#define STRATA_VMX_CPU_POLICY_H

#include "kernel/include/strata/types.h"

/* IA32_MISC_ENABLE (SDM Vol. 4, Table 2-2). */
#define MSR_IA32_MISC_ENABLE     0x000001a0
#define MISC_ENABLE_FAST_STRING  (1ULL << 0)
#define MISC_ENABLE_BTS_UNAVAIL  (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ULL << 12)
/* The bits a guest reads but cannot change. */
#define MISC_ENABLE_CPU_OWNED \
	(MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/*
 * The guest's IA32_MISC_ENABLE after it writes `written`: its own bits as
 * written, the CPU-owned bits taken from `cpu`:
 *  - fast strings (bit 0) as the host CPU has them. The MSR is not switched
 *    on VM entry, so a guest's REP MOVS/STOS run with the host's setting
 *    (SDM Vol. 1 7.3.9.3 "Fast-String Operation"); a guest told otherwise
 *    picks string routines for a speed the CPU does not have (Linux's
 *    early_init_intel() drops ERMS and REP_GOOD when the bit is clear).
 *  - BTS and PEBS unavailable (bits 11, 12) always set: the debug store
 *    is not virtualised.
 * `cpu` is the host's MSR when the vCPU is set up, later the guest's
 * current value (whose CPU-owned bits came from the host).
 */
uint64_t cpu_policy_misc_enable(uint64_t cpu, uint64_t written);

#endif
