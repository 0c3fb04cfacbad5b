/*
 * The VM-exit dispatcher and the small handlers. Bigger handlers (CPUID,
 * MSRs, I/O, control registers) have files of their own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/log.h"
#include "kernel/vm_arch.h"
#include "vmx/vplatform.h"
#include "kernel/hypercall.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"

#define RFLAGS_IF_BIT (1UL << 9)
#define VECTOR_UD     6
#define VECTOR_GP     13

typedef enum vmexit_action (*vmexit_handler_t)(struct vcpu *vcpu, struct vmx_exit *exit);

void vmx_inject_exception(uint8_t vector, bool has_error, uint32_t error)
{
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HARD_EXCEPTION | vector;

	/* Real mode delivers no error code (SDM Vol. 3C 26.2.1.3). */
	if (has_error && (vmcs_readl(GUEST_CR0) & CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

static void dump_guest(struct vcpu *vcpu)
{
	const struct guest_regs *r = &vcpu->arch->regs;

	log_printf(LOG_ALWAYS, "  [%s] vcpu %u rip=%#llx rsp=%#llx rflags=%#llx cs=%#x(base %#llx)",
		   vcpu->vm->name, vcpu->id, (unsigned long long)vmcs_readl(GUEST_RIP),
		   (unsigned long long)vmcs_readl(GUEST_RSP),
		   (unsigned long long)vmcs_readl(GUEST_RFLAGS), vmcs_read16(GUEST_CS_SELECTOR),
		   (unsigned long long)vmcs_readl(GUEST_CS_BASE));
	log_printf(LOG_ALWAYS, "  [%s] cr0=%#llx cr3=%#llx cr4=%#llx efer=%#llx", vcpu->vm->name,
		   (unsigned long long)((vmcs_readl(GUEST_CR0) & ~(uint64_t)VMCS_CR0_OWNED) |
					(vmcs_readl(CR0_READ_SHADOW) & VMCS_CR0_OWNED)),
		   (unsigned long long)vmcs_readl(GUEST_CR3),
		   (unsigned long long)(vmcs_readl(GUEST_CR4) & ~(uint64_t)CR4_VMXE),
		   (unsigned long long)vmcs_read64(GUEST_IA32_EFER));
	log_printf(LOG_ALWAYS, "  [%s] rax=%#llx rbx=%#llx rcx=%#llx rdx=%#llx rsi=%#llx rdi=%#llx",
		   vcpu->vm->name, (unsigned long long)r->rax, (unsigned long long)r->rbx,
		   (unsigned long long)r->rcx, (unsigned long long)r->rdx,
		   (unsigned long long)r->rsi, (unsigned long long)r->rdi);
}

enum vmexit_action vmx_stop_vm(struct vcpu *vcpu, const struct vmx_exit *exit, const char *fmt, ...)
{
	struct vm *vm = vcpu->vm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->stop_reason, sizeof(vm->stop_reason), fmt, ap);
	va_end(ap);
	log_printf(LOG_ALWAYS, "[%s] stopping: %s (exit reason %u, qualification %#llx)", vm->name,
		   vm->stop_reason, exit->reason, (unsigned long long)exit->qualification);
	dump_guest(vcpu);
	return VMEXIT_STOP_VM;
}

/* True when no vCPU of the VM can ever run again on its own. */
static bool vm_frozen(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (v->state == VCPU_WAIT_SIPI || v->state == VCPU_DONE)
			continue;
		if (v->state != VCPU_HALTED || !v->halt_noirq)
			return false;
	}
	return true;
}

/*
 * HLT: the vCPU sleeps until an interrupt. It is marked halted before the
 * last look for pending interrupts, so an interrupt raised on another CPU
 * in between finds it halted and wakes it (vmx/vplatform.c kick()). With
 * IF=0 only an NMI or INIT from another vCPU can wake it (Linux parks its
 * CPUs so when it powers off); once every vCPU is halted that way the VM
 * can never run again and is stopped.
 */
static enum vmexit_action handle_hlt(struct vcpu *vcpu, struct vmx_exit *exit)
{
	bool irq_on = vmcs_readl(GUEST_RFLAGS) & RFLAGS_IF_BIT;

	vmx_skip_instruction(exit);
	vcpu->halt_noirq = !irq_on;
	vcpu->state = VCPU_HALTED;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if ((irq_on && vplat_pending_interrupt(vcpu, false) >= 0) ||
	    vplat_pending_nmi(vcpu, false)) {
		vcpu->state = VCPU_RUNNABLE;
		vcpu->irq_check = true;
		return VMEXIT_RESUME;
	}
	if (!irq_on && vm_frozen(vcpu->vm))
		return vmx_stop_vm(vcpu, exit, "halted with interrupts disabled");
	return VMEXIT_HALT_VCPU;
}

/*
 * With NMI exiting on, an NMI for the host arrives as an exit. Strata
 * raises no NMIs of its own (no watchdog, no NMI IPIs), so one can only
 * come from the platform: report it and let the guest go on.
 */
static enum vmexit_action handle_exception_nmi(struct vcpu *vcpu, struct vmx_exit *exit)
{
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);

	if ((info & INTR_INFO_VALID) && (info & (7U << 8)) == INTR_TYPE_NMI) {
		log_warn("cpu %u: NMI from the platform while running %s; ignored",
			 this_cpu()->index, vcpu->vm->name);
		return VMEXIT_RESUME;
	}
	return vmx_stop_vm(vcpu, exit, "unexpected exception exit (info %#x)", info);
}

/* The guest can take interrupts (or an NMI) again: deliver on this entry. */
static enum vmexit_action handle_interrupt_window(struct vcpu *vcpu, struct vmx_exit *exit)
{
	vcpu->irq_check = true;
	return VMEXIT_RESUME;
}

static enum vmexit_action handle_vmcall(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;

	r->rax = (uint64_t)hypercall_dispatch(vcpu, r->rax, r->rbx, r->rcx, r->rdx);
	return VMEXIT_RESUME_SKIP;
}

/* VMX instructions are not offered to guests (CPUID hides VMX): #UD. */
static enum vmexit_action handle_vmx_insn(struct vcpu *vcpu, struct vmx_exit *exit)
{
	vmx_inject_exception(VECTOR_UD, false, 0);
	return VMEXIT_RESUME;
}

/* Guests own no hardware caches worth flushing: INVD and WBINVD are no-ops. */
static enum vmexit_action handle_skip(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return VMEXIT_RESUME_SKIP;
}

/* CPUID hides XSAVE, so CR4.OSXSAVE cannot be set and XSETBV is not offered. */
static enum vmexit_action handle_xsetbv(struct vcpu *vcpu, struct vmx_exit *exit)
{
	vmx_inject_exception(VECTOR_UD, false, 0);
	return VMEXIT_RESUME;
}

static enum vmexit_action handle_triple_fault(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_stop_vm(vcpu, exit, "triple fault");
}

static enum vmexit_action handle_ept_violation(struct vcpu *vcpu, struct vmx_exit *exit)
{
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);

	if (vplat_mmio_claims(vcpu, gpa))
		return vmx_handle_mmio(vcpu, exit, gpa);
	const char *access = exit->qualification & 2   ? "write"
			     : exit->qualification & 4 ? "fetch"
						       : "read";

	return vmx_stop_vm(vcpu, exit, "EPT violation: %s at gpa %#llx outside RAM (%llu MiB)",
			   access, (unsigned long long)gpa,
			   (unsigned long long)(vcpu->vm->mem_size >> 20));
}

static enum vmexit_action handle_ept_misconfig(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_stop_vm(vcpu, exit, "EPT misconfiguration at gpa %#llx (hypervisor bug)",
			   (unsigned long long)vmcs_read64(GUEST_PHYSICAL_ADDRESS));
}

/* A host interrupt arrived while the guest ran: let the host take it now. */
static enum vmexit_action handle_external_interrupt(struct vcpu *vcpu, struct vmx_exit *exit)
{
	__asm__ volatile("sti; nop; cli" : : : "memory");
	return VMEXIT_RESUME;
}

static enum vmexit_action handle_preemption_timer(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return VMEXIT_PREEMPT;
}

/* INIT and SIPI arrive only from the host, which sends none to a CPU running guests. */
static enum vmexit_action handle_ignore(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return VMEXIT_RESUME;
}

static enum vmexit_action handle_rdpmc(struct vcpu *vcpu, struct vmx_exit *exit)
{
	vmx_inject_exception(VECTOR_GP, true, 0);
	return VMEXIT_RESUME;
}

static enum vmexit_action handle_invalid_state(struct vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_stop_vm(vcpu, exit, "VM entry failed: invalid guest state");
}

_Static_assert(EXIT_REASON_MAX <= VM_EXIT_COUNTERS, "a counter per exit reason");

static const vmexit_handler_t vmexit_handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_INIT_SIGNAL] = handle_ignore,
	[EXIT_REASON_SIPI_SIGNAL] = handle_ignore,
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_INTERRUPT_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = handle_interrupt_window,
	[EXIT_REASON_CPUID] = vmx_handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_skip,
	[EXIT_REASON_RDPMC] = handle_rdpmc,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_VMCLEAR] = handle_vmx_insn,
	[EXIT_REASON_VMLAUNCH] = handle_vmx_insn,
	[EXIT_REASON_VMPTRLD] = handle_vmx_insn,
	[EXIT_REASON_VMPTRST] = handle_vmx_insn,
	[EXIT_REASON_VMREAD] = handle_vmx_insn,
	[EXIT_REASON_VMRESUME] = handle_vmx_insn,
	[EXIT_REASON_VMWRITE] = handle_vmx_insn,
	[EXIT_REASON_VMOFF] = handle_vmx_insn,
	[EXIT_REASON_VMON] = handle_vmx_insn,
	[EXIT_REASON_CR_ACCESS] = vmx_handle_cr,
	[EXIT_REASON_IO_INSTRUCTION] = vmx_handle_io,
	[EXIT_REASON_MSR_READ] = vmx_handle_msr_read,
	[EXIT_REASON_MSR_WRITE] = vmx_handle_msr_write,
	[EXIT_REASON_INVALID_STATE] = handle_invalid_state,
	[EXIT_REASON_MWAIT_INSTRUCTION] = handle_vmx_insn,
	[EXIT_REASON_MONITOR_INSTRUCTION] = handle_vmx_insn,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_INVEPT] = handle_vmx_insn,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_INVVPID] = handle_vmx_insn,
	[EXIT_REASON_WBINVD] = handle_skip,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
};

static const char *const vmexit_names[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = "EXCEPTION_NMI",
	[EXIT_REASON_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
	[EXIT_REASON_TRIPLE_FAULT] = "TRIPLE_FAULT",
	[EXIT_REASON_INIT_SIGNAL] = "INIT_SIGNAL",
	[EXIT_REASON_SIPI_SIGNAL] = "SIPI_SIGNAL",
	[EXIT_REASON_INTERRUPT_WINDOW] = "INTERRUPT_WINDOW",
	[EXIT_REASON_NMI_WINDOW] = "NMI_WINDOW",
	[EXIT_REASON_CPUID] = "CPUID",
	[EXIT_REASON_HLT] = "HLT",
	[EXIT_REASON_INVD] = "INVD",
	[EXIT_REASON_RDPMC] = "RDPMC",
	[EXIT_REASON_VMCALL] = "VMCALL",
	[EXIT_REASON_VMCLEAR] = "VMCLEAR",
	[EXIT_REASON_VMLAUNCH] = "VMLAUNCH",
	[EXIT_REASON_VMPTRLD] = "VMPTRLD",
	[EXIT_REASON_VMPTRST] = "VMPTRST",
	[EXIT_REASON_VMREAD] = "VMREAD",
	[EXIT_REASON_VMRESUME] = "VMRESUME",
	[EXIT_REASON_VMWRITE] = "VMWRITE",
	[EXIT_REASON_VMOFF] = "VMXOFF",
	[EXIT_REASON_VMON] = "VMXON",
	[EXIT_REASON_CR_ACCESS] = "CR_ACCESS",
	[EXIT_REASON_IO_INSTRUCTION] = "IO_INSTRUCTION",
	[EXIT_REASON_MSR_READ] = "MSR_READ",
	[EXIT_REASON_MSR_WRITE] = "MSR_WRITE",
	[EXIT_REASON_INVALID_STATE] = "INVALID_STATE",
	[EXIT_REASON_MWAIT_INSTRUCTION] = "MWAIT",
	[EXIT_REASON_MONITOR_INSTRUCTION] = "MONITOR",
	[EXIT_REASON_EPT_VIOLATION] = "EPT_VIOLATION",
	[EXIT_REASON_EPT_MISCONFIG] = "EPT_MISCONFIG",
	[EXIT_REASON_INVEPT] = "INVEPT",
	[EXIT_REASON_PREEMPTION_TIMER] = "PREEMPTION_TIMER",
	[EXIT_REASON_INVVPID] = "INVVPID",
	[EXIT_REASON_WBINVD] = "WBINVD",
	[EXIT_REASON_XSETBV] = "XSETBV",
};

const char *vm_arch_exit_name(unsigned reason)
{
	return reason < EXIT_REASON_MAX ? vmexit_names[reason] : NULL;
}

/*
 * The hot path: every exit comes through here. It reads the exit
 * information once (RIP is guest state, read only when an instruction is
 * skipped), counts the exit, handles a failed VM entry first, and
 * dispatches through the table.
 */
enum vmexit_action vmx_handle_exit(struct vcpu *vcpu, struct vmx_exit *exit)
{
	enum vmexit_action action;
	vmexit_handler_t handler;

	exit->full_reason = vmcs_read32(VM_EXIT_REASON);
	exit->reason = exit->full_reason & 0xffff;
	exit->qualification = vmcs_readl(EXIT_QUALIFICATION);
	exit->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);

	/* A failed VM entry first: nothing else in the exit information is valid. */
	if (__builtin_expect(exit->full_reason & VMX_EXIT_REASONS_FAILED_VMENTRY, 0))
		return vmx_stop_vm(vcpu, exit, "VM entry failed (exit reason %u)", exit->reason);
	if (__builtin_expect(exit->reason >= EXIT_REASON_MAX, 0))
		return vmx_stop_vm(vcpu, exit, "unknown VM exit %u", exit->reason);
	vcpu->vm->exits[exit->reason]++;
	handler = vmexit_handlers[exit->reason];
	if (__builtin_expect(!handler, 0))
		return vmx_stop_vm(vcpu, exit, "unhandled VM exit %u", exit->reason);
	action = handler(vcpu, exit);
	if (action == VMEXIT_RESUME_SKIP) {
		vmx_skip_instruction(exit);
		action = VMEXIT_RESUME;
	}
	return action;
}
