/*
 * The VT-x side of VMs and vCPUs: EPT per VM, a VMCS per vCPU, and the
 * run loop that enters the guest until its slice ends.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/panic.h"
#include "kernel/vm_arch.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_vcpu.h"
#include "vmx/vplatform.h"

#define MSR_STAR             0xc0000081
#define MSR_LSTAR            0xc0000082
#define MSR_CSTAR            0xc0000083
#define MSR_SYSCALL_MASK     0xc0000084
#define MSR_TSC_AUX          0xc0000103
#define PREEMPTION_TIMER_MAX 0xffffffffULL

static struct vmx_vm vm_arch_store[VM_MAX];
static struct vmx_vcpu vcpu_arch_store[VM_MAX][VM_MAX_VCPUS];
/* The vCPU whose VMCS, MSRs and FPU state are loaded on each CPU. */
static struct vcpu *loaded[MAX_CPUS];
static uint16_t next_vpid = 1;

bool vm_arch_cpu_ready(void)
{
	return vmx_cpu_enabled();
}

int vm_arch_create(struct vm *vm)
{
	struct vmx_vm *a = &vm_arch_store[vm->id];
	int err;

	memset(a, 0, sizeof(*a));
	err = ept_create(&a->ept);
	for (uint32_t i = 0; !err && i < vm->chunk_count; i++)
		err = ept_map_ram(&a->ept, vm->chunks[i].gpa, vm->chunks[i].hpa,
				  vm->chunks[i].size);
	if (err) {
		ept_destroy(&a->ept);
		return err;
	}
	vm->arch = a;
	return 0;
}

void vm_arch_destroy(struct vm *vm)
{
	if (!vm->arch)
		return;
	/* Stale translations of the freed RAM must not survive (SDM Vol. 3C 29.4.3.4). */
	vmx_invept(INVEPT_ALL_CONTEXT, 0);
	ept_destroy(&vm->arch->ept);
	vm->arch = NULL;
}

int vcpu_arch_create(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = &vcpu_arch_store[vcpu->vm->id][vcpu->id];

	memset(v, 0, sizeof(*v));
	v->vmcs = kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
	if (!v->vmcs)
		return -ENOMEM;
	if (vmx_ctl.vpid)
		v->vpid = __atomic_fetch_add(&next_vpid, 1, __ATOMIC_RELAXED);
	/* Built once: the CPUID exit, a hot path, only reads it. */
	v->cpuid = (struct cpu_policy){
		.vcpu_id = vcpu->id,
		.vcpu_count = vcpu->vm->vcpu_count,
		.tsc_hz = tsc_hz(),
		.invpcid = vmx_ctl.proc2 & SECONDARY_EXEC_ENABLE_INVPCID,
		.rdtscp = vmx_ctl.proc2 & SECONDARY_EXEC_ENABLE_RDTSCP,
	};
	vcpu->arch = v;
	return 0;
}

void vcpu_arch_destroy(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;

	if (!v)
		return;
	/* Called on the vCPU's own CPU once it left the guest for good. */
	if (v->vmcs_ready)
		vmx_vmclear(v->vmcs);
	/* This CPU may cache the VM's translations: drop them before its RAM is reused. */
	if (vcpu->vm->arch)
		vmx_invept(vmx_ctl.invept_single ? INVEPT_SINGLE_CONTEXT : INVEPT_ALL_CONTEXT,
			   vcpu->vm->arch->ept.eptp);
	if (v->vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
	for (uint32_t cpu = 0; cpu < MAX_CPUS; cpu++)
		if (loaded[cpu] == vcpu)
			loaded[cpu] = NULL;
	kmem_free_frames(v->vmcs, 1);
	vcpu->arch = NULL;
}

static void fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/*
 * Make `vcpu` the one loaded on this CPU: its VMCS current, and the state
 * the VMCS does not switch (syscall MSRs, TSC_AUX, x87/SSE registers) its own, so
 * nothing of one guest is ever visible to another.
 */
static int switch_to(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	uint32_t cpu = this_cpu()->index;
	struct vcpu *prev = loaded[cpu];

	if (prev == vcpu && v->vmcs_ready)
		return 0;
	if (prev && prev != vcpu) {
		fxsave(prev->arch->fpu);
		prev->arch->cr2 = cpu_read_cr2();
		/* SWAPGS changes it without an exit: the live value is the guest's. */
		prev->arch->msrs.kernel_gs_base = cpu_rdmsr(MSR_KERNEL_GS_BASE);
	}
	loaded[cpu] = vcpu;
	if (!v->vmcs_ready) {
		/* A fresh FPU state: FNINIT defaults, all SSE exceptions masked. */
		__asm__ volatile("fninit");
		fxsave(v->fpu);
		*(uint32_t *)(v->fpu + 24) = 0x1f80; /* MXCSR */
		if (vmcs_setup(vcpu))
			return -EIO;
	} else if (!vmx_vmptrld(v->vmcs)) {
		return -EIO;
	}
	fxrstor(v->fpu);
	/* CR2 is not part of the VMCS: one guest's page-fault address is not another's. */
	__asm__ volatile("mov %0, %%cr2" : : "r"(v->cr2));
	cpu_wrmsr(MSR_STAR, v->msrs.star);
	cpu_wrmsr(MSR_LSTAR, v->msrs.lstar);
	cpu_wrmsr(MSR_CSTAR, v->msrs.cstar);
	cpu_wrmsr(MSR_SYSCALL_MASK, v->msrs.fmask);
	cpu_wrmsr(MSR_KERNEL_GS_BASE, v->msrs.kernel_gs_base);
	/* RDTSCP runs without exits and reads the CPU's TSC_AUX: the vCPU's own. */
	if (vmx_ctl.proc2 & SECONDARY_EXEC_ENABLE_RDTSCP)
		cpu_wrmsr(MSR_TSC_AUX, v->msrs.tsc_aux);
	return 0;
}

/*
 * One slice: the preemption timer is armed once and, with "save VMX
 * preemption timer value" (SDM Vol. 3C 25.7.1), keeps counting down across
 * the exits of the slice, so the exit path itself touches no clock.
 */
/* The preemption timer: the slice's end or the vCPU's next device timer, whichever is first. */
static void arm_timer(struct vcpu *vcpu, uint64_t slice_end, uint64_t now)
{
	uint64_t deadline = MIN(slice_end, vplat_next_deadline(vcpu));
	uint64_t ticks = deadline > now ? (deadline - now) >> vmx_ctl.preemption_timer_shift : 0;

	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, MIN(ticks, PREEMPTION_TIMER_MAX));
}

/* INIT (SDM Vol. 3A 8.4, 9.1.1): the vCPU resets and waits for a start-up IPI. */
static void handle_init(struct vcpu *vcpu)
{
	vcpu->init_pending = false;
	vplat_init_reset(vcpu);
	vcpu->arch->vmcs_ready = false; /* rebuilt from vcpu->boot at the SIPI */
	vcpu->arch->launched = false;
	vcpu->arch->window_open = false;
	vcpu->state = VCPU_WAIT_SIPI;
}

/*
 * One slice. The preemption timer is armed at the start and, with "save
 * VMX preemption timer value" (SDM Vol. 3C 25.7.1), keeps counting down
 * across the exits of the slice, so the common exit path touches no clock;
 * it is re-armed only when a device timer fired or a device was touched.
 */
enum vcpu_run_result vcpu_arch_run(struct vcpu *vcpu, uint64_t slice_end)
{
	struct vmx_vcpu *v = vcpu->arch;
	struct vm *vm = vcpu->vm;
	/* Without the save control the timer restarts at each entry: re-arm it each time. */
	const bool rearm_each_entry = !(vmx_ctl.exit & VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
	uint64_t start = cpu_rdtsc();
	enum vcpu_run_result result;
	struct vmx_exit exit;

	if (vcpu->init_pending) {
		handle_init(vcpu);
		return VCPU_RUN_HALTED;
	}
	if (switch_to(vcpu)) {
		snprintf(vm->stop_reason, sizeof(vm->stop_reason), "cannot load the VMCS");
		return VCPU_RUN_STOPPED;
	}
	if (start >= slice_end)
		return VCPU_RUN_PREEMPTED;
	vplat_update(vcpu, start);
	arm_timer(vcpu, slice_end, start);

	for (;;) {
		if (__builtin_expect(vcpu->irq_check, 0)) {
			vmx_deliver_events(vcpu);
			arm_timer(vcpu, slice_end, cpu_rdtsc());
		} else if (rearm_each_entry) {
			arm_timer(vcpu, slice_end, cpu_rdtsc());
		}
		if (__builtin_expect(v->cr2_pending, 0)) {
			__asm__ volatile("mov %0, %%cr2" : : "r"(v->pending_cr2));
			v->cr2_pending = false;
		}
		if (__builtin_expect(vm->state != VM_RUNNING, 0)) {
			result = VCPU_RUN_STOPPED;
			break;
		}
		if (__builtin_expect(vcpu->init_pending, 0)) {
			handle_init(vcpu);
			result = VCPU_RUN_HALTED;
			break;
		}
		if (__builtin_expect(vmx_enter(&v->regs, v->launched), 0)) {
			uint32_t err = vmcs_read32(VM_INSTRUCTION_ERROR);

			snprintf(vm->stop_reason, sizeof(vm->stop_reason),
				 "%s failed: VM-instruction error %u",
				 v->launched ? "VMRESUME" : "VMLAUNCH", err);
			log_printf(LOG_ALWAYS, "[%s] stopping: %s", vm->name, vm->stop_reason);
			result = VCPU_RUN_STOPPED;
			break;
		}
		v->launched = true;

		switch (vmx_handle_exit(vcpu, &exit)) {
		case VMEXIT_RESUME:
		case VMEXIT_RESUME_SKIP:
			continue;
		case VMEXIT_PREEMPT: {
			uint64_t now = cpu_rdtsc();

			if (now >= slice_end) {
				result = VCPU_RUN_PREEMPTED;
				break;
			}
			/* A device timer is due, not the slice: fire it and go on. */
			vplat_update(vcpu, now);
			continue;
		}
		case VMEXIT_HALT_VCPU:
			result = VCPU_RUN_HALTED;
			break;
		case VMEXIT_STOP_VM:
		default:
			result = VCPU_RUN_STOPPED;
			break;
		}
		break;
	}
	return result;
}

bool vcpu_arch_wake_check(struct vcpu *vcpu, uint64_t now, uint64_t *next)
{
	vplat_update(vcpu, now);
	*next = vplat_next_deadline(vcpu);
	if (vplat_pending_interrupt(vcpu, false) >= 0 || vplat_pending_nmi(vcpu, false)) {
		vcpu->state = VCPU_RUNNABLE;
		return true;
	}
	return false;
}

void vmcs_fail(const char *op, unsigned long field, const void *caller)
{
	uint64_t err = 0;

	vmx_vmread(VM_INSTRUCTION_ERROR, &err);
	panic("%s of VMCS field %#lx failed: VM-instruction error %llu (caller %p)", op, field,
	      (unsigned long long)err, caller);
}
