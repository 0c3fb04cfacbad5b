/*
 * The hypercall ABI (VMCALL on Intel): RAX = number, RBX/RCX/RDX = the
 * arguments, result in RAX (negative = -errno). Every other register is
 * preserved. Unknown numbers return -ENOSYS; a hypercall never stops or
 * crashes anything. docs/HYPERCALLS.md is the guest-facing reference.
 */
#ifndef STRATA_HYPERCALL_H
#define STRATA_HYPERCALL_H

#include "kernel/vm.h"

enum strata_hypercall {
	STRATA_HC_VERSION = 0, /* -> (major << 16) | (minor << 8) | patch */
	STRATA_HC_VCPU_ID = 1, /* -> this vCPU's index */
	STRATA_HC_COUNT,
};

int64_t hypercall_dispatch(struct vcpu *vcpu, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
