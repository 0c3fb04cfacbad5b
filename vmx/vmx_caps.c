#include "kernel/arch/x86/cpu.h"
#include "vmx/vmx_caps.h"

#define CPUID_1_ECX_VMX (1U << 5)

/* IA32_FEATURE_CONTROL (SDM Vol. 3C 23.7 "Enabling and Entering VMX Operation"). */
#define FEATURE_CONTROL_LOCK            (1ULL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ULL << 2)

/* Allowed-1 settings live in bits 63:32 of a control MSR (SDM Vol. 3D A.3). */
#define ALLOWED1(msr) ((uint32_t)(cpu_rdmsr(msr) >> 32))

#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS (1U << 31)
#define SECONDARY_EXEC_ENABLE_EPT             (1U << 1)
#define SECONDARY_EXEC_ENABLE_VPID            (1U << 5)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST     (1U << 7)
#define PIN_BASED_VMX_PREEMPTION_TIMER        (1U << 6)
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS       0x48d
#define VMX_BASIC_TRUE_CTLS                   (1ULL << 55)
#define MSR_IA32_VMX_PINBASED_CTLS            0x481
#define MSR_IA32_VMX_PROCBASED_CTLS           0x482

void vmx_caps_probe(struct vmx_caps *caps)
{
	uint64_t basic, fc;
	uint32_t proc, proc2 = 0, pin;
	bool true_ctls;

	*caps = (struct vmx_caps){ 0 };
	caps->vmx = cpu_cpuid(1, 0).ecx & CPUID_1_ECX_VMX;
	if (!caps->vmx)
		return;

	fc = cpu_rdmsr(MSR_IA32_FEATURE_CONTROL);
	caps->feature_control_locked_off = (fc & FEATURE_CONTROL_LOCK) &&
					   !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX);

	basic = cpu_rdmsr(MSR_IA32_VMX_BASIC);
	caps->vmcs_revision = basic & 0x7fffffff;
	true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	proc = ALLOWED1(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	pin = ALLOWED1(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	if (proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
		proc2 = ALLOWED1(MSR_IA32_VMX_PROCBASED_CTLS2);

	caps->ept = proc2 & SECONDARY_EXEC_ENABLE_EPT;
	caps->vpid = proc2 & SECONDARY_EXEC_ENABLE_VPID;
	caps->unrestricted = proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST;
	caps->preemption_timer = pin & PIN_BASED_VMX_PREEMPTION_TIMER;
}

bool vmx_caps_usable(const struct vmx_caps *caps)
{
	return caps->vmx && caps->ept && caps->unrestricted && !caps->feature_control_locked_off;
}
