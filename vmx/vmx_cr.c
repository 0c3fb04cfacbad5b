/*
 * Control-register exits. The guest owns CR3 and most of CR0/CR4; the
 * hypervisor owns (VMCS_CR0_OWNED, VMCS_CR4_OWNED):
 *  - CR0.NE, fixed to 1 under VMX (SDM Vol. 3D A.7): the guest sees its
 *    own value in the read shadow;
 *  - CR0.PG, because turning paging on with EFER.LME set enters IA-32e
 *    mode, which the VM-entry control "IA-32e mode guest" and EFER.LMA
 *    must then reflect (SDM Vol. 3C 26.3.1.1, 26.3.2.1);
 *  - CR0.CD/NW, which guests may not set (caching stays on);
 *  - CR4.VMXE (VMX is hidden) and CR4.OSXSAVE (XSAVE is not offered).
 * Qualification layout: SDM Vol. 3C 28.2.1, Table 28-3.
 */
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"

#define CR_NUM(q)        ((q)&0xf)
#define CR_TYPE(q)       (((q) >> 4) & 0x3)
#define CR_GPR(q)        (((q) >> 8) & 0xf)
#define CR_LMSW_SRC(q)   (((q) >> 16) & 0xffff)
#define CR_TYPE_MOV_TO   0
#define CR_TYPE_MOV_FROM 1
#define CR_TYPE_CLTS     2
#define CR_TYPE_LMSW     3

#define EFER_LMA  (1ULL << 10)
#define VECTOR_GP 13
/* Bits of CR0/CR4 that must be zero (SDM Vol. 3A 2.5). */
#define CR0_RESERVED  0xffffffff1ffaffc0ULL
#define CR4_SUPPORTED 0x007fffffULL

/*
 * The control registers as the guest sees them: the bits it owns live in
 * the guest-state field, the bits the hypervisor owns in the read shadow
 * (SDM Vol. 3C 25.6.6). Reading the shadow alone would miss every bit the
 * guest changed without an exit, like CR4.PAE.
 */
static uint64_t guest_cr0(void)
{
	return (vmcs_readl(GUEST_CR0) & ~(uint64_t)VMCS_CR0_OWNED) |
	       (vmcs_readl(CR0_READ_SHADOW) & VMCS_CR0_OWNED);
}

static uint64_t guest_cr4(void)
{
	return (vmcs_readl(GUEST_CR4) & ~(uint64_t)VMCS_CR4_OWNED) |
	       (vmcs_readl(CR4_READ_SHADOW) & VMCS_CR4_OWNED);
}

static uint64_t reg_value(struct vcpu *vcpu, unsigned gpr)
{
	if (gpr == 4)
		return vmcs_readl(GUEST_RSP);
	return ((uint64_t *)&vcpu->arch->regs)[gpr];
}

/*
 * PAE paging with EPT: VM entry takes the four PDPTEs from the VMCS (SDM
 * Vol. 3C 26.3.2.4), so when an emulated CR0/CR4 write turns PAE paging on
 * (outside long mode), load them from the guest's CR3 as the CPU would
 * (SDM Vol. 3A 4.4.1). Returns false if one has reserved bits set (#GP).
 */
static bool load_pdptes(struct vcpu *vcpu, uint64_t cr0, uint64_t cr4)
{
	static const unsigned fields[4] = { GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2,
					    GUEST_PDPTR3 };
	struct vm *vm = vcpu->vm;
	uint64_t base = vmcs_readl(GUEST_CR3) & 0xffffffe0ULL;
	uint64_t pdpte[4];

	if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) || (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA))
		return true;
	if (base + sizeof(pdpte) > vm->mem_size)
		return false;
	memcpy(pdpte, vm->hva + base, sizeof(pdpte));
	for (int i = 0; i < 4; i++) {
		/* Present entries: bits 2:1, 8:5 and 63:MAXPHYADDR are reserved. */
		if ((pdpte[i] & 1) && (pdpte[i] & (0x1e6ULL | ~0x7fffffffffULL)))
			return false;
		vmcs_write_raw(fields[i], pdpte[i]);
	}
	return true;
}

static enum vmexit_action write_cr0(struct vcpu *vcpu, uint64_t val)
{
	uint64_t old = guest_cr0();
	uint64_t efer = vmcs_read64(GUEST_IA32_EFER);
	uint32_t entry = vmcs_read32(VM_ENTRY_CONTROLS);

	if ((val & CR0_RESERVED) || (val & CR0_CD_NW) || ((val & CR0_PG) && !(val & CR0_PE))) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	if ((val & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
		/* Enabling paging in long mode needs PAE (SDM Vol. 3A 9.8.5). */
		if (!(guest_cr4() & CR4_PAE)) {
			vmx_inject_exception(VECTOR_GP, true, 0);
			return VMEXIT_RESUME;
		}
		vmcs_write64(GUEST_IA32_EFER, efer | EFER_LMA);
		vmcs_write32(VM_ENTRY_CONTROLS, entry | VM_ENTRY_IA32E_MODE);
	} else if (!(val & CR0_PG) && (old & CR0_PG) && (efer & EFER_LMA)) {
		vmcs_write64(GUEST_IA32_EFER, efer & ~EFER_LMA);
		vmcs_write32(VM_ENTRY_CONTROLS, entry & ~VM_ENTRY_IA32E_MODE);
	}
	if ((val & CR0_PG) && !(old & CR0_PG) && !load_pdptes(vcpu, val, guest_cr4())) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	vmcs_writel(CR0_READ_SHADOW, val);
	vmcs_writel(GUEST_CR0, val | CR0_NE);
	return VMEXIT_RESUME_SKIP;
}

static enum vmexit_action write_cr4(struct vcpu *vcpu, uint64_t val)
{
	if ((val & ~CR4_SUPPORTED) || (val & (CR4_VMXE | CR4_OSXSAVE))) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	if (!load_pdptes(vcpu, guest_cr0(), val)) {
		vmx_inject_exception(VECTOR_GP, true, 0);
		return VMEXIT_RESUME;
	}
	vmcs_writel(CR4_READ_SHADOW, val);
	vmcs_writel(GUEST_CR4, val | CR4_VMXE);
	return VMEXIT_RESUME_SKIP;
}

enum vmexit_action vmx_handle_cr(struct vcpu *vcpu, struct vmx_exit *exit)
{
	uint64_t q = exit->qualification;

	switch (CR_TYPE(q)) {
	case CR_TYPE_MOV_TO:
		if (CR_NUM(q) == 0)
			return write_cr0(vcpu, reg_value(vcpu, CR_GPR(q)));
		if (CR_NUM(q) == 4)
			return write_cr4(vcpu, reg_value(vcpu, CR_GPR(q)));
		break;
	case CR_TYPE_CLTS:
		vmcs_writel(CR0_READ_SHADOW, vmcs_readl(CR0_READ_SHADOW) & ~CR0_TS);
		vmcs_writel(GUEST_CR0, vmcs_readl(GUEST_CR0) & ~CR0_TS);
		return VMEXIT_RESUME_SKIP;
	case CR_TYPE_LMSW: {
		/* LMSW loads CR0[3:0] but cannot clear PE (SDM Vol. 2A LMSW). */
		uint64_t cr0 = guest_cr0();
		uint64_t src = CR_LMSW_SRC(q) & 0xf;

		return write_cr0(vcpu, (cr0 & ~0xeULL) | src | (cr0 & CR0_PE));
	}
	default:
		break;
	}
	return vmx_stop_vm(vcpu, exit, "unexpected control-register exit (qualification %#llx)",
			   (unsigned long long)q);
}
