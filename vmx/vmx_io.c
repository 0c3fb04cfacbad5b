/*
 * IN/OUT: every port exits (the I/O bitmaps are all ones) and goes to the
 * VM's port bus (vmx/dev/viobus.c); unclaimed ports read all-ones and
 * drop writes. INS/OUTS go to vmx/vmx_strio.c. Exit qualification layout:
 * SDM Vol. 3C 28.2.1, Table 28-5.
 */
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_strio.h"
#include "vmx/vplatform.h"

#define IO_SIZE_MASK  0x7 /* access size - 1 */
#define IO_DIR_IN     (1U << 3)
#define IO_STRING     (1U << 4)
#define IO_PORT_SHIFT 16

enum vmexit_action vmx_handle_io(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	struct vm *vm = vcpu->vm;
	unsigned size = (exit->qualification & IO_SIZE_MASK) + 1;
	uint16_t port = (uint16_t)(exit->qualification >> IO_PORT_SHIFT);

	if (exit->qualification & IO_STRING)
		return vmx_handle_strio(vcpu, exit);
	if (exit->qualification & IO_DIR_IN) {
		uint32_t v = vplat_port_in(vcpu, port, size);

		/* IN to AL/AX keeps the rest of RAX; IN to EAX zero-extends (SDM Vol. 2A IN). */
		if (size == 4)
			r->rax = v;
		else
			r->rax = (r->rax & ~(uint64_t)viobus_size_mask(size)) | v;
	} else {
		vplat_port_out(vcpu, port, size, (uint32_t)r->rax & viobus_size_mask(size));
		/* The exit port, ACPI S5 or the reset port may have stopped the VM. */
		if (vm->state != VM_RUNNING)
			return VMEXIT_STOP_VM;
	}
	return VMEXIT_RESUME_SKIP;
}
