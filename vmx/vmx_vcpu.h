/* VT-x state of a vCPU and a VM (behind the opaque pointers of kernel/vm.h). */
#ifndef STRATA_VMX_VCPU_H
#define STRATA_VMX_VCPU_H

#include "kernel/include/strata/types.h"
#include "vmx/cpu_policy.h"
#include "vmx/ept.h"

/*
 * Guest general registers the CPU does not keep in the VMCS, indexed by
 * the x86 register number (SDM Vol. 2A 2.1.5, Table 2-2) so exit
 * qualifications can name them directly. rsp is a placeholder: the real
 * value lives in GUEST_RSP. Layout shared with vmx/vmx_entry.S.
 */
struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rsp_unused, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(sizeof(struct guest_regs) == 16 * 8, "vmx_entry.S layout");

/* MSRs a guest may own that the VMCS does not switch (SDM Vol. 3C 25.4). */
struct guest_msrs {
	uint64_t star, lstar, cstar, fmask, kernel_gs_base, tsc_aux;
	uint64_t misc_enable, mtrr_def_type;
	uint64_t tsc_adjust; /* IA32_TSC_ADJUST: emulated, its effect is in TSC_OFFSET */
};

struct vmx_vcpu {
	struct guest_regs regs;
	hpa_t vmcs;
	bool vmcs_ready; /* set up on its CPU */
	bool launched;   /* VMLAUNCH done: VMRESUME next */
	uint16_t vpid;
	bool window_open;     /* interrupt-window exiting is on */
	bool nmi_window_open; /* NMI-window exiting is on */
	bool cr2_pending;     /* load pending_cr2 into CR2 before the next entry */
	uint64_t cr2;         /* the guest's CR2 while another vCPU owns the CPU (VMX keeps none) */
	uint64_t pending_cr2;
	struct guest_msrs msrs;
	struct cpu_policy cpuid; /* what CPUID tells this vCPU (fixed once it exists) */
	uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE area */
};

struct vmx_vm {
	struct ept ept;
};

/* Enter the guest (vmx_entry.S). Returns 0 after a VM exit, 1 on VMfail. */
int vmx_enter(struct guest_regs *regs, int launched);
/* HOST_RIP: where every VM exit lands (vmx_entry.S). */
extern char vmx_exit_point[];

#endif
