/*
 * The guest's view of the processor (cpu_policy.h). Pure.
 *
 * Feature bits: SDM Vol. 2A CPUID, Tables 3-10 and 3-11 (leaf 1) and
 * Table 3-8 (leaf 7). A bit stays visible only when the feature works in
 * VMX non-root operation as Strata sets it up and keeps no state that
 * another VM on the same CPU could see; each hidden group says why.
 */
#include "vmx/cpu_policy.h"

/* "StrataHV    " in EBX, ECX, EDX: tests/guests/include/strata_hv.h matches. */
#define HV_LEAF_MAX 0x40000001
#define HV_SIG_EBX  0x61727453 /* "Stra" */
#define HV_SIG_ECX  0x56486174 /* "taHV" */
#define HV_SIG_EDX  0x20202020 /* "    " */

#define BIT(n) (1U << (n))

/* Leaf 1 ECX. */
#define ECX_DTES64       BIT(2)
#define ECX_MONITOR      BIT(3)
#define ECX_DS_CPL       BIT(4)
#define ECX_VMX          BIT(5)
#define ECX_SMX          BIT(6)
#define ECX_EST          BIT(7)
#define ECX_TM2          BIT(8)
#define ECX_FMA          BIT(12)
#define ECX_PDCM         BIT(15)
#define ECX_X2APIC       BIT(21)
#define ECX_TSC_DEADLINE BIT(24)
#define ECX_XSAVE        BIT(26)
#define ECX_OSXSAVE      BIT(27)
#define ECX_AVX          BIT(28)
#define ECX_F16C         BIT(29)
#define ECX_HYPERVISOR   BIT(31)
/*
 * Hidden from leaf 1 ECX:
 *  - MONITOR/MWAIT: they exit and raise #UD; MWAIT would idle a CPU that
 *    other vCPUs share. VMX, SMX: no nested VMX, no GETSEC.
 *  - EST, TM2, PDCM and the debug store (DTES64, DS-CPL): their MSRs
 *    (power, thermal, PERF_CAPABILITIES, DS_AREA) are not on the allowlist.
 *  - XSAVE, OSXSAVE and what needs XSAVE-enabled state (AVX and the VEX
 *    encoded FMA and F16C, #UD unless CR4.OSXSAVE and XCR0 allow them):
 *    Strata switches guests' x87/SSE state with FXSAVE/FXRSTOR only, so
 *    XCR0 and the AVX registers would pass between VMs; XSETBV raises #UD
 *    and CR4.OSXSAVE is the hypervisor's (vmx_cr.c).
 */
#define L1_ECX_HIDDEN                                                                              \
	(ECX_DTES64 | ECX_MONITOR | ECX_DS_CPL | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 | ECX_FMA | \
	 ECX_PDCM | ECX_XSAVE | ECX_OSXSAVE | ECX_AVX | ECX_F16C)
/* Offered whatever the host has: the virtual local APIC (vmx/dev/vlapic.c) has both. */
#define L1_ECX_ADDED (ECX_HYPERVISOR | ECX_X2APIC | ECX_TSC_DEADLINE)

/*
 * Hidden from leaf 1 EDX: MCE/MCA (machine checks stay the host's), the
 * debug store (DS), thermal monitoring and ACPI thermal control (ACPI, TM):
 * none is virtualised.
 */
#define L1_EDX_HIDDEN (BIT(7) | BIT(14) | BIT(21) | BIT(22) | BIT(29))

/* Leaf 7 subleaf 0 EBX. */
#define L7_EBX_INVPCID BIT(10)
/*
 * IA32_TSC_ADJUST (1) stays: vmx_msr.c emulates it per vCPU.
 * Hidden from leaf 7 EBX:
 *  - SGX (2), RDT monitoring and allocation (12, 15), Intel PT (25): not
 *    virtualised;
 *  - AVX2 (5), MPX (14) and AVX-512 (16, 17, 21, 26, 27, 28, 30, 31):
 *    their state needs XSAVE (leaf 1 above);
 *  - INVPCID (10) unless the VMCS enables it (else it is #UD, SDM Vol. 3C
 *    25.6.2 Table 25-7).
 * PCID itself (leaf 1 ECX[17]) stays: CR4.PCIDE is the guest's, and the
 * CPU tags its PCID-tagged translations with the vCPU's VPID (SDM Vol. 3C
 * 29.1), so they are never used for another vCPU.
 */
#define L7_EBX_HIDDEN                                                                            \
	(BIT(2) | BIT(5) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(21) | BIT(25) | \
	 BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
/*
 * Leaf 7 EDX: only FSRM (4), "fast short REP MOVSB", a performance hint
 * that needs nothing of the hypervisor. ECX and the rest of EDX name
 * instructions, MSRs and state (PKU, CET, SPEC_CTRL, ARCH_CAPABILITIES,
 * AMX...) that Strata does not virtualise.
 */
#define L7_EDX_OFFERED BIT(4)

/* Leaf 0x80000001 EDX: RDTSCP (27) is #UD unless the VMCS enables it. */
#define EXT1_EDX_RDTSCP BIT(27)

static struct cpu_policy_regs hv_leaf(uint32_t leaf)
{
	if (leaf == CPU_POLICY_HV_LEAF_BASE)
		return (struct cpu_policy_regs){ HV_LEAF_MAX, HV_SIG_EBX, HV_SIG_ECX, HV_SIG_EDX };
	return (struct cpu_policy_regs){ 0 };
}

static struct cpu_policy_regs leaf7(const struct cpu_policy *p, uint32_t subleaf,
				    struct cpu_policy_regs c)
{
	uint32_t hidden = L7_EBX_HIDDEN | (p->invpcid ? 0 : L7_EBX_INVPCID);

	if (subleaf != 0)
		return (struct cpu_policy_regs){ 0 };
	/* EAX: the last subleaf; the others are not offered. */
	return (struct cpu_policy_regs){ 0, c.ebx & ~hidden, 0, c.edx & L7_EDX_OFFERED };
}

struct cpu_policy_regs cpu_policy_cpuid(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf,
					struct cpu_policy_regs c)
{
	if (cpu_policy_hv_leaf(leaf))
		return hv_leaf(leaf);
	switch (leaf) {
	case 1:
		c.ecx = (c.ecx & ~L1_ECX_HIDDEN) | L1_ECX_ADDED;
		c.edx &= ~L1_EDX_HIDDEN;
		/* Initial APIC id = vCPU index; logical processor count = vCPUs. */
		c.ebx = (c.ebx & 0x0000ffff) | (p->vcpu_id << 24) | ((p->vcpu_count & 0xff) << 16);
		return c;
	case 5:   /* MONITOR/MWAIT */
	case 6:   /* thermal and power */
	case 0xa: /* architectural PMU: not virtualised */
	case 0xd: /* XSAVE state: not offered */
		return (struct cpu_policy_regs){ 0 };
	case 7:
		return leaf7(p, subleaf, c);
	case 0x15:
		/*
		 * The TSC as guests must time it: TSC = crystal * EBX / EAX
		 * (SDM Vol. 3B 18.7.3). Stating it lets a guest skip
		 * calibration, and it is the TSC's real rate, which model
		 * numbers (leaf 0x16) need not be under emulation.
		 */
		return (struct cpu_policy_regs){ 1, 1, (uint32_t)p->tsc_hz, 0 };
	case 0x16: {
		/* Base and maximum MHz, rounded: 49,996 kHz is a 50 MHz part. */
		uint32_t mhz = (uint32_t)((p->tsc_hz + 500000) / 1000000);

		return (struct cpu_policy_regs){ mhz, mhz, 100, 0 };
	}
	case 0x80000001:
		if (!p->rdtscp)
			c.edx &= ~EXT1_EDX_RDTSCP;
		return c;
	default:
		return c;
	}
}

uint64_t cpu_policy_misc_enable(uint64_t cpu, uint64_t written)
{
	return (written & ~MISC_ENABLE_CPU_OWNED) | (cpu & MISC_ENABLE_FAST_STRING) |
	       MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
}
