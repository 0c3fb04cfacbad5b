/* Building a vCPU's VMCS on the CPU that will run it. */
#ifndef STRATA_VMCS_SETUP_H
#define STRATA_VMCS_SETUP_H

#include "kernel/vm.h"

/* Allocate the bitmaps shared by every VMCS (boot CPU, once). 0 or -ENOMEM. */
int vmcs_global_init(void);

/*
 * VMCLEAR, VMPTRLD and fill every field of vcpu's VMCS: controls, host
 * state of the calling CPU, guest state from vcpu->boot. Must run on the
 * CPU the vCPU is pinned to. Returns 0 or -EIO.
 */
int vmcs_setup(struct vcpu *vcpu);

/* Guest CR0/CR4 bits the hypervisor owns (reads come from the shadows). */
#define VMCS_CR0_OWNED (CR0_PG | CR0_NE | CR0_CD_NW)
#define CR0_CD_NW      ((1UL << 30) | (1UL << 29))
#define VMCS_CR4_OWNED (CR4_VMXE | CR4_OSXSAVE)

#endif
