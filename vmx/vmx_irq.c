/*
 * Event injection (SDM Vol. 3C 26.6 "Event Injection" and 25.8.3): an
 * external interrupt is injected only when the guest could take it on
 * bare metal, RFLAGS.IF = 1 and no STI or MOV SS blocking (SDM Vol. 3C
 * 25.4.2, Table 25-3); otherwise interrupt-window exiting brings the vCPU
 * back the moment it can. A blocked NMI likewise opens the NMI window
 * (with virtual NMIs, SDM Vol. 3C 26.7.6).
 */
#include "kernel/arch/x86/cpu.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vplatform.h"

#define INTR_BLOCK_STI   (1U << 0)
#define INTR_BLOCK_MOVSS (1U << 1)
#define INTR_BLOCK_NMI   (1U << 3)
#define VECTOR_NMI       2

static void set_control(uint32_t bit, bool *state, bool on)
{
	uint32_t proc;

	if (*state == on)
		return;
	proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	if (on)
		proc |= bit;
	else
		proc &= ~bit;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
	*state = on;
}

static void set_window(struct vmx_vcpu *v, bool open)
{
	set_control(CPU_BASED_VIRTUAL_INTR_PENDING, &v->window_open, open);
}

static void set_nmi_window(struct vmx_vcpu *v, bool open)
{
	if (vmx_ctl.nmi_window)
		set_control(CPU_BASED_NMI_WINDOW_EXITING, &v->nmi_window_open, open);
}

void vmx_deliver_events(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	uint32_t block;
	int vector;

	/* Cleared first: an event raised while we look sets it again. */
	vcpu->irq_check = false;
	if (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID) {
		vcpu->irq_check = true; /* an exception goes first; look again after it */
		return;
	}
	block = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (vplat_pending_nmi(vcpu, false)) {
		if (!(block & (INTR_BLOCK_STI | INTR_BLOCK_MOVSS | INTR_BLOCK_NMI))) {
			vplat_pending_nmi(vcpu, true);
			vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
				     INTR_INFO_VALID | INTR_TYPE_NMI | VECTOR_NMI);
			set_nmi_window(v, false);
			return;
		}
		/* Blocked (in its NMI handler, or a shadow): exit as soon as it can take it. */
		set_nmi_window(v, true);
	} else {
		set_nmi_window(v, false);
	}
	vector = vplat_pending_interrupt(vcpu, false);
	if (vector < 0) {
		set_window(v, false);
		return;
	}
	if ((vmcs_readl(GUEST_RFLAGS) & RFLAGS_IF) &&
	    !(block & (INTR_BLOCK_STI | INTR_BLOCK_MOVSS))) {
		vector = vplat_pending_interrupt(vcpu, true);
		if (vector >= 0)
			vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
				     INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (uint32_t)vector);
		set_window(v, false);
		vcpu->irq_check = true; /* more may be pending behind it */
		return;
	}
	set_window(v, true);
}
