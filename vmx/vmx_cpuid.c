/*
 * CPUID exits: the host's answer filtered by the guest's CPU policy
 * (vmx/cpu_policy.c, pure and host-tested), and the hypervisor leaves at
 * 0x40000000, answered without asking the host.
 */
#include "kernel/arch/x86/cpu.h"
#include "vmx/cpu_policy.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_vcpu.h"

enum vmexit_action vmx_handle_cpuid(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	uint32_t leaf = (uint32_t)r->rax, subleaf = (uint32_t)r->rcx;
	struct cpu_policy_regs host = { 0 }, c;

	if (!cpu_policy_hv_leaf(leaf)) {
		struct cpuid_regs h = cpu_cpuid(leaf, subleaf);

		host = (struct cpu_policy_regs){ h.eax, h.ebx, h.ecx, h.edx };
	}
	c = cpu_policy_cpuid(&vcpu->arch->cpuid, leaf, subleaf, host);
	r->rax = c.eax;
	r->rbx = c.ebx;
	r->rcx = c.ecx;
	r->rdx = c.edx;
	return VMEXIT_RESUME_SKIP;
}
