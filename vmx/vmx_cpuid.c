/*
 * CPUID as guests see it: the host's values with what Strata does not
 * virtualise hidden, and the hypervisor leaves at 0x40000000 (the range
 * Intel reserves for this, SDM Vol. 2A CPUID "Input EAX = 40000000H").
 */
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"

#define HV_LEAF_BASE 0x40000000
#define HV_LEAF_MAX  0x40000001
/* "StrataHV    " in EBX, ECX, EDX: tests/guests/include/strata_hv.h matches. */
#define HV_SIG_EBX 0x61727453 /* "Stra" */
#define HV_SIG_ECX 0x56486174 /* "taHV" */
#define HV_SIG_EDX 0x20202020 /* "    " */

/* Leaf 1 (SDM Vol. 2A Table 3-10): hidden ECX features. */
#define ECX_MONITOR      (1U << 3)
#define ECX_VMX          (1U << 5)
#define ECX_SMX          (1U << 6)
#define ECX_EST          (1U << 7)
#define ECX_TM2          (1U << 8)
#define ECX_PDCM         (1U << 15)
#define ECX_X2APIC       (1U << 21)
#define ECX_TSC_DEADLINE (1U << 24)
#define ECX_XSAVE        (1U << 26)
#define ECX_OSXSAVE      (1U << 27)
#define ECX_AVX          (1U << 28)
#define ECX_HYPERVISOR   (1U << 31)
/* Leaf 1 EDX: thermal monitor and ACPI thermal control, not virtualised. */
#define EDX_ACPI (1U << 22)
#define EDX_MCE  (1U << 7) /* machine checks stay the host's: MCE/MCA hidden */
#define EDX_MCA  (1U << 14)
#define EDX_TM   (1U << 29)
/* Leaf 7 EBX: features that need XSAVE state or controls Strata leaves off. */
#define L7_EBX_HIDDEN                                                                              \
	((1U << 5) | (1U << 10) | (1U << 16) | (1U << 17) | (1U << 28) | (1U << 30) | (1U << 31) | \
	 (1U << 21) | (1U << 26) | (1U << 27))

enum vmexit_action vmx_handle_cpuid(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	uint32_t leaf = (uint32_t)r->rax, subleaf = (uint32_t)r->rcx;
	struct cpuid_regs c;

	if (leaf >= HV_LEAF_BASE && leaf <= 0x4fffffff) {
		c = (struct cpuid_regs){ 0 };
		if (leaf == HV_LEAF_BASE)
			c = (struct cpuid_regs){ HV_LEAF_MAX, HV_SIG_EBX, HV_SIG_ECX, HV_SIG_EDX };
	} else {
		c = cpu_cpuid(leaf, subleaf);
		switch (leaf) {
		case 1:
			c.ecx &= ~(ECX_MONITOR | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 | ECX_PDCM |
				   ECX_XSAVE | ECX_OSXSAVE | ECX_AVX);
			/* The virtual local APIC (vmx/dev/vlapic.c) offers both, whatever the host has. */
			c.ecx |= ECX_HYPERVISOR | ECX_X2APIC | ECX_TSC_DEADLINE;
			c.edx &= ~(EDX_ACPI | EDX_TM | EDX_MCE | EDX_MCA);
			/* Initial APIC id = vCPU index; logical processor count = vCPUs. */
			c.ebx = (c.ebx & 0x0000ffff) | (vcpu->id << 24) |
				((vcpu->vm->vcpu_count & 0xff) << 16);
			break;
		case 5:   /* MONITOR/MWAIT */
		case 6:   /* thermal and power */
		case 0xa: /* architectural PMU: not virtualised */
		case 0xd: /* XSAVE state: not offered */
			c = (struct cpuid_regs){ 0 };
			break;
		case 0x15:
			/*
			 * The TSC as guests must time it: TSC = crystal * EBX / EAX
			 * (SDM Vol. 3B 18.7.3). Stating it lets a guest skip
			 * calibration, and it is the TSC's real rate, which model
			 * numbers (leaf 0x16) need not be under emulation.
			 */
			c = (struct cpuid_regs){ 1, 1, (uint32_t)tsc_hz(), 0 };
			break;
		case 0x16: {
			uint32_t mhz = (uint32_t)(tsc_hz() / 1000000);

			c = (struct cpuid_regs){ mhz, mhz, 100, 0 };
			break;
		}
		case 7:
			if (subleaf == 0) {
				c.ebx &= ~L7_EBX_HIDDEN;
				c.ecx = 0;
				c.edx = 0;
			} else {
				c = (struct cpuid_regs){ 0 };
			}
			break;
		default:
			break;
		}
	}
	r->rax = c.eax;
	r->rbx = c.ebx;
	r->rcx = c.ecx;
	r->rdx = c.edx;
	return VMEXIT_RESUME_SKIP;
}
