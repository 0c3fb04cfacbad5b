/* INS/OUTS exits (vmx/vmx_strio.c), called from the I/O exit handler. */
#ifndef STRATA_VMX_STRIO_H
#define STRATA_VMX_STRIO_H

#include "vmx/vmx_exit.h"

/*
 * Emulate the string I/O instruction behind an I/O-instruction exit whose
 * qualification has the string bit (SDM Vol. 3C 28.2.1, Table 28-5). At
 * most VMX_STRIO_BUDGET elements move per exit; a REP with more left
 * returns VMEXIT_RESUME with RSI/RDI/RCX advanced, so the guest executes
 * the instruction again for the rest (interrupts get their chance in
 * between, as between REP iterations on hardware). Returns
 * VMEXIT_RESUME_SKIP when done, VMEXIT_RESUME after injecting #GP/#SS,
 * VMEXIT_STOP_VM when the guest ended itself through a port or when the
 * access cannot be emulated (a #PF, which would need the guest's CR2;
 * memory outside RAM), with the case named in the stop reason.
 */
enum vmexit_action vmx_handle_strio(struct vcpu *vcpu, struct vmx_exit *exit);

#define VMX_STRIO_BUDGET 4096

#endif
