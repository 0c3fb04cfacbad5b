/*
 * VMX operation on each physical CPU (SDM Vol. 3C 24.7 "Enabling and
 * Entering VMX Operation"): IA32_FEATURE_CONTROL, the CR0/CR4 fixed bits,
 * a VMXON region per CPU, and the VM-execution controls this CPU allows.
 */
#ifndef STRATA_VMX_CPU_H
#define STRATA_VMX_CPU_H

#include "kernel/include/strata/types.h"

/* Control values Strata programs, adjusted to what the CPU allows. */
struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
	uint32_t vmcs_revision;
	uint8_t preemption_timer_shift; /* timer ticks = TSC >> shift */
	bool vpid;
	bool nmi_window; /* virtual NMIs and NMI-window exiting (SDM Vol. 3C 25.6.1, 26.7.6) */
	bool invept_single;
};

extern struct vmx_controls vmx_ctl;

/*
 * Compute vmx_ctl from the capability MSRs (boot CPU, once). Returns 0,
 * or -ENOTSUP with *why naming the missing feature.
 */
int vmx_controls_init(const char **why);

/* Enter VMX root operation on the calling CPU. Returns 0 or -errno. */
int vmx_cpu_enable(void);

/* True once vmx_cpu_enable() succeeded on the calling CPU. */
bool vmx_cpu_enabled(void);

#endif
