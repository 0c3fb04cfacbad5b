/*
 * RDMSR/WRMSR: every MSR access exits (the MSR bitmap is all ones) and
 * only this allowlist answers; anything else raises #GP in the guest,
 * as a real CPU does for an MSR it does not have (SDM Vol. 2B RDMSR).
 * Values a guest may own but the VMCS does not switch are kept per vCPU
 * and loaded into the CPU while that vCPU runs (vmx_vcpu.c).
 */
#include "kernel/arch/x86/cpu.h"
#include "vmx/cpu_policy.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vplatform.h"

#define MSR_IA32_TSC           0x00000010
#define MSR_IA32_TSC_ADJUST    0x0000003b
#define MSR_IA32_BIOS_SIGN_ID  0x0000008b /* microcode revision: there is none to report */
#define MSR_IA32_MTRRCAP       0x000000fe
#define MSR_IA32_SYSENTER_CS   0x00000174
#define MSR_IA32_SYSENTER_ESP  0x00000175
#define MSR_IA32_SYSENTER_EIP  0x00000176
#define MSR_IA32_PAT           0x00000277
#define MSR_IA32_MTRR_DEF_TYPE 0x000002ff
#define MSR_STAR               0xc0000081
#define MSR_LSTAR              0xc0000082
#define MSR_CSTAR              0xc0000083
#define MSR_SYSCALL_MASK       0xc0000084
#define MSR_TSC_AUX            0xc0000103

#define EFER_LMA (1ULL << 10)
/* EFER bits a guest may set: SCE, LME, NXE (SDM Vol. 3A 2.2.1). */
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
/* The local APIC as a guest sees it until it is virtualised: xAPIC at the default base. */
#define GUEST_APIC_BASE  0xfee00000ULL
#define APIC_BASE_BSP    (1ULL << 8)
#define APIC_BASE_ENABLE (1ULL << 11)
#define VECTOR_GP        13

static bool is_canonical(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/* Returns false for an MSR outside the allowlist. */
static bool msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *v)
{
	struct guest_msrs *m = &vcpu->arch->msrs;

	switch (msr) {
	case MSR_IA32_TSC:
		*v = cpu_rdtsc() + vmcs_read64(TSC_OFFSET);
		return true;
	case MSR_IA32_TSC_ADJUST:
		*v = m->tsc_adjust;
		return true;
	case MSR_IA32_MTRRCAP:      /* no MTRRs: guests leave memory types alone */
	case MSR_IA32_BIOS_SIGN_ID: /* no microcode revision to report */
		*v = 0;
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		*v = m->mtrr_def_type;
		return true;
	case MSR_IA32_MISC_ENABLE:
		*v = m->misc_enable;
		return true;
	case MSR_IA32_SYSENTER_CS:
		*v = vmcs_read32(GUEST_SYSENTER_CS);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		*v = vmcs_readl(GUEST_SYSENTER_ESP);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		*v = vmcs_readl(GUEST_SYSENTER_EIP);
		return true;
	case MSR_IA32_PAT:
		*v = vmcs_read64(GUEST_IA32_PAT);
		return true;
	case MSR_IA32_EFER:
		*v = vmcs_read64(GUEST_IA32_EFER);
		return true;
	case MSR_STAR:
		*v = m->star;
		return true;
	case MSR_LSTAR:
		*v = m->lstar;
		return true;
	case MSR_CSTAR:
		*v = m->cstar;
		return true;
	case MSR_SYSCALL_MASK:
		*v = m->fmask;
		return true;
	case MSR_FS_BASE:
		*v = vmcs_readl(GUEST_FS_BASE);
		return true;
	case MSR_GS_BASE:
		*v = vmcs_readl(GUEST_GS_BASE);
		return true;
	case MSR_KERNEL_GS_BASE:
		/* The guest's own while it runs here: SWAPGS updates it without exits. */
		*v = cpu_rdmsr(MSR_KERNEL_GS_BASE);
		return true;
	case MSR_TSC_AUX:
		*v = m->tsc_aux;
		return true;
	default:
		return false;
	}
}

/* PAT entries must be valid memory types (SDM Vol. 3A 11.12.2): 0, 1, 4, 5, 6, 7. */
static bool pat_valid(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (v >> (i * 8)) & 0xff;

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/*
 * The guest's TSC is the host's plus TSC_OFFSET. A write that moves the
 * TSC by X moves IA32_TSC_ADJUST by X, and one that moves TSC_ADJUST by X
 * moves the TSC by X (SDM Vol. 3B 18.17.3 "Time-Stamp Counter
 * Adjustment"). Linux keeps the TSC watchdog off only where TSC_ADJUST
 * exists (CPUID.7:EBX[1]), as it does on the bare CPU.
 */
static void tsc_write(struct guest_msrs *m, uint32_t msr, uint64_t v)
{
	uint64_t offset = vmcs_read64(TSC_OFFSET);
	uint64_t delta = msr == MSR_IA32_TSC ? v - (cpu_rdtsc() + offset) : v - m->tsc_adjust;

	vmcs_write64(TSC_OFFSET, offset + delta);
	m->tsc_adjust += delta;
}

/* Returns false for an MSR outside the allowlist or a value the CPU would refuse. */
static bool msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t v)
{
	struct guest_msrs *m = &vcpu->arch->msrs;

	switch (msr) {
	case MSR_IA32_TSC:
	case MSR_IA32_TSC_ADJUST:
		tsc_write(m, msr, v);
		return true;
	case MSR_IA32_MTRR_DEF_TYPE:
		m->mtrr_def_type = v & 0xcff;
		return true;
	case MSR_IA32_BIOS_SIGN_ID:
		return true; /* writing 0 before CPUID 1 is how the revision is read */
	case MSR_IA32_MISC_ENABLE:
		m->misc_enable = cpu_policy_misc_enable(m->misc_enable, v);
		return true;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, v);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		if (!is_canonical(v))
			return false;
		vmcs_writel(GUEST_SYSENTER_ESP, v);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		if (!is_canonical(v))
			return false;
		vmcs_writel(GUEST_SYSENTER_EIP, v);
		return true;
	case MSR_IA32_PAT:
		if (!pat_valid(v))
			return false;
		vmcs_write64(GUEST_IA32_PAT, v);
		return true;
	case MSR_IA32_EFER:
		if (v & ~(EFER_GUEST_WRITABLE | EFER_LMA))
			return false;
		/* LMA is the CPU's to set: keep the current value (SDM Vol. 3A 9.8.5). */
		v = (v & ~EFER_LMA) | (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA);
		vmcs_write64(GUEST_IA32_EFER, v);
		return true;
	case MSR_STAR:
		m->star = v;
		cpu_wrmsr(MSR_STAR, v);
		return true;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!is_canonical(v))
			return false;
		*(msr == MSR_LSTAR   ? &m->lstar
		  : msr == MSR_CSTAR ? &m->cstar
				     : &m->kernel_gs_base) = v;
		cpu_wrmsr(msr, v);
		return true;
	case MSR_SYSCALL_MASK:
		m->fmask = v & 0xffffffff;
		cpu_wrmsr(MSR_SYSCALL_MASK, m->fmask);
		return true;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!is_canonical(v))
			return false;
		if (msr == MSR_FS_BASE)
			vmcs_writel(GUEST_FS_BASE, v);
		else
			vmcs_writel(GUEST_GS_BASE, v);
		return true;
	case MSR_TSC_AUX:
		/* Bits 63:32 are reserved: #GP (SDM Vol. 4, table 2-2, IA32_TSC_AUX). */
		if (v >> 32)
			return false;
		m->tsc_aux = v;
		/* RDTSCP reads the CPU's MSR; a CPU that cannot enable RDTSCP may not have it. */
		if (vmx_ctl.proc2 & SECONDARY_EXEC_ENABLE_RDTSCP)
			cpu_wrmsr(MSR_TSC_AUX, m->tsc_aux);
		return true;
	default:
		return false;
	}
}

enum vmexit_action vmx_handle_msr_read(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	uint64_t v;

	/* The local APIC's MSRs (APIC base, TSC deadline, x2APIC) belong to its model:
	 * a guest write never reaches the physical LAPIC. */
	bool ok = vplat_msr_handled((uint32_t)r->rcx) ? vplat_msr_read(vcpu, (uint32_t)r->rcx, &v)
						      : msr_read(vcpu, (uint32_t)r->rcx, &v);

	if (!ok) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	r->rax = (uint32_t)v;
	r->rdx = v >> 32;
	return VMEXIT_RESUME_SKIP;
}

enum vmexit_action vmx_handle_msr_write(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	uint64_t v = ((r->rdx & 0xffffffff) << 32) | (r->rax & 0xffffffff);

	bool ok = vplat_msr_handled((uint32_t)r->rcx) ? vplat_msr_write(vcpu, (uint32_t)r->rcx, v)
						      : msr_write(vcpu, (uint32_t)r->rcx, v);

	if (!ok) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	return VMEXIT_RESUME_SKIP;
}
