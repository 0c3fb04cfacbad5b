/*
 * What a guest sees of the processor it runs on: CPUID (the host's values
 * with what Strata does not virtualise hidden, and the hypervisor leaves)
 * and the bits of IA32_MISC_ENABLE that are the CPU's, not the guest's.
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

/* Hypervisor leaves: the range Intel reserves (SDM Vol. 2A CPUID, "Input EAX = 40000000H"). */
#define CPU_POLICY_HV_LEAF_BASE 0x40000000U
#define CPU_POLICY_HV_LEAF_LAST 0x4fffffffU

struct cpu_policy_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* What the vCPU's VMCS and VM offer, as CPUID must describe it. */
struct cpu_policy {
	uint32_t vcpu_id;    /* initial APIC id */
	uint32_t vcpu_count; /* logical processors of the VM */
	uint64_t tsc_hz;     /* the TSC's real rate */
	bool invpcid;        /* "enable INVPCID" is set (else INVPCID is #UD) */
	bool rdtscp;         /* "enable RDTSCP" is set (else RDTSCP is #UD) */
};

/* True for leaves answered without the host's values (no host CPUID needed). */
static inline bool cpu_policy_hv_leaf(uint32_t leaf)
{
	return leaf >= CPU_POLICY_HV_LEAF_BASE && leaf <= CPU_POLICY_HV_LEAF_LAST;
}

/*
 * CPUID leaf/subleaf as the guest sees it, from `host`, the host CPU's
 * answer to the same leaf and subleaf (ignored for hypervisor leaves).
 * Each feature the guest is shown works in the guest and keeps its state
 * apart from other VMs on the same CPU; each hidden one says why in
 * cpu_policy.c.
 */
struct cpu_policy_regs cpu_policy_cpuid(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf,
					struct cpu_policy_regs host);

#endif
