/*
 * VM-exit handling: everything the CPU reports about one exit, read once,
 * and the handlers behind a bounds-checked table indexed by exit reason.
 */
#ifndef STRATA_VMX_EXIT_H
#define STRATA_VMX_EXIT_H

#include "kernel/vm.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_vcpu.h"

/* Exit information (SDM Vol. 3C 25.9 "VM-Exit Information Fields"). */
struct vmx_exit {
	uint32_t reason;      /* basic reason, bits 15:0 */
	uint32_t full_reason; /* with bit 31 "VM entry failed" */
	uint64_t qualification;
	uint32_t insn_len;
};

/*
 * Move the guest past the instruction that exited. As when the CPU
 * completes an instruction, blocking by STI or MOV SS ends (SDM Vol. 3C
 * 25.4.2): "sti; hlt" must not leave the instruction after HLT shadowed.
 */
static inline void vmx_skip_instruction(const struct vmx_exit *exit)
{
	uint32_t block = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) + exit->insn_len);
	if (block & 3)
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, block & ~3U);
}

/* What the dispatcher does after a handler. Only the dispatcher moves RIP. */
enum vmexit_action {
	VMEXIT_RESUME,      /* re-enter at the same RIP (faults, injected events) */
	VMEXIT_RESUME_SKIP, /* the instruction was emulated: skip it */
	VMEXIT_PREEMPT,     /* slice over: back to the scheduler */
	VMEXIT_HALT_VCPU,   /* HLT emulated (RIP past it): the vCPU sleeps */
	VMEXIT_STOP_VM,     /* vm->stop_reason is set */
};

enum vmexit_action vmx_handle_exit(struct vcpu *vcpu, struct vmx_exit *exit);

/* Queue a hardware exception for the next VM entry (SDM Vol. 3C 26.6). */
void vmx_inject_exception(uint8_t vector, bool has_error, uint32_t error);

/* Stop the VM with a reason and a guest register dump in the log. */
enum vmexit_action vmx_stop_vm(struct vcpu *vcpu, const struct vmx_exit *exit, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Handlers in their own files. */
enum vmexit_action vmx_handle_cpuid(struct vcpu *vcpu, struct vmx_exit *exit);
enum vmexit_action vmx_handle_msr_read(struct vcpu *vcpu, struct vmx_exit *exit);
enum vmexit_action vmx_handle_msr_write(struct vcpu *vcpu, struct vmx_exit *exit);
enum vmexit_action vmx_handle_io(struct vcpu *vcpu, struct vmx_exit *exit);
enum vmexit_action vmx_handle_cr(struct vcpu *vcpu, struct vmx_exit *exit);
enum vmexit_action vmx_handle_mmio(struct vcpu *vcpu, struct vmx_exit *exit, gpa_t gpa);

/*
 * Before an entry: inject the highest pending NMI or interrupt the guest
 * can take now, or ask for an exit as soon as it can (interrupt window).
 */
void vmx_deliver_events(struct vcpu *vcpu);

#endif
