/*
 * Hooks the generic VM code (kernel/vm.c, kernel/sched.c) needs from the
 * virtualization layer; vmx/ implements them for Intel VT-x.
 */
#ifndef STRATA_VM_ARCH_H
#define STRATA_VM_ARCH_H

#include "kernel/vm.h"

/* Why vcpu_arch_run() returned. */
enum vcpu_run_result {
	VCPU_RUN_PREEMPTED, /* its time slice is over */
	VCPU_RUN_HALTED,    /* HLT: nothing to do until an interrupt */
	VCPU_RUN_STOPPED,   /* the VM must stop (vm->stop_reason says why) */
};

/* Is the calling CPU able to run vCPUs (VMX on)? */
bool vm_arch_cpu_ready(void);

/* Build the VM's guest-physical address space over vm->chunks. 0 or -errno. */
int vm_arch_create(struct vm *vm);
void vm_arch_destroy(struct vm *vm);

/* Per-vCPU state (VMCS, VPID). 0 or -errno. */
int vcpu_arch_create(struct vcpu *vcpu);
void vcpu_arch_destroy(struct vcpu *vcpu);

/*
 * Run `vcpu` on the calling CPU (the one it is pinned to) until the TSC
 * reaches `slice_end`, it halts, or its VM must stop.
 */
enum vcpu_run_result vcpu_arch_run(struct vcpu *vcpu, uint64_t slice_end);

/*
 * A halted vCPU: fire its device timers due at `now` and say whether it
 * has an interrupt to take (then it is made runnable). *next gets the TSC
 * of its next timer event (UINT64_MAX: none). Any CPU.
 */
bool vcpu_arch_wake_check(struct vcpu *vcpu, uint64_t now, uint64_t *next);

/* The VMX exit reason's name for counters and reports ("CPUID"...), or NULL. */
const char *vm_arch_exit_name(unsigned reason);

#endif
