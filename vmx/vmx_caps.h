/*
 * What the CPU's VMX implementation offers, read from CPUID and the
 * IA32_VMX_* capability MSRs (SDM Vol. 3D appendix A "VMX Capability
 * Reporting Facility"). Strata needs VMX, EPT and unrestricted guest to run
 * VMs; without them it still boots and serves, and refuses VMs.
 */
#ifndef STRATA_VMX_CAPS_H
#define STRATA_VMX_CAPS_H

#include "kernel/include/strata/types.h"

struct vmx_caps {
	bool vmx; /* CPUID.1:ECX.VMX */
	bool ept;
	bool unrestricted;
	bool vpid;
	bool preemption_timer;
	uint32_t vmcs_revision;          /* IA32_VMX_BASIC[30:0] */
	bool feature_control_locked_off; /* firmware locked VMX off */
};

/* Probe the calling CPU. Reads MSRs only when CPUID reports VMX. */
void vmx_caps_probe(struct vmx_caps *caps);

/* True when every feature Strata needs to run guests is there. */
bool vmx_caps_usable(const struct vmx_caps *caps);

#endif
