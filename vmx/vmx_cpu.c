#include <errno.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_ops.h"

#define MSR_IA32_VMX_PINBASED_CTLS      0x481
#define MSR_IA32_VMX_PROCBASED_CTLS     0x482
#define MSR_IA32_VMX_EXIT_CTLS          0x483
#define MSR_IA32_VMX_ENTRY_CTLS         0x484
#define MSR_IA32_VMX_MISC               0x485
#define MSR_IA32_VMX_CR0_FIXED0         0x486
#define MSR_IA32_VMX_CR0_FIXED1         0x487
#define MSR_IA32_VMX_CR4_FIXED0         0x488
#define MSR_IA32_VMX_CR4_FIXED1         0x489
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_EXIT_CTLS     0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS    0x490

#define FEATURE_CONTROL_LOCKED            (1ULL << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ULL << 2)
#define VMX_BASIC_TRUE_CTLS               (1ULL << 55)
#define EPT_CAP_INVEPT_SINGLE             (1ULL << 25)
#define EPT_CAP_WB                        (1ULL << 14)
#define EPT_CAP_PWL4                      (1ULL << 6)
#define EPT_CAP_2MB                       (1ULL << 16)

struct vmx_controls vmx_ctl;

/* One VMXON region per CPU (SDM Vol. 3C 25.11.5), and whether it is on. */
static hpa_t vmxon_region[MAX_CPUS];
static bool vmx_on[MAX_CPUS];

/*
 * A control value: bits the CPU forces to 1 (allowed-0 settings, low half
 * of the MSR) plus the wanted bits it allows (high half). Fails when a
 * required bit is not allowed (SDM Vol. 3D A.3-A.5).
 */
static bool adjust(uint32_t msr, uint32_t required, uint32_t optional, uint32_t *out)
{
	uint64_t cap = cpu_rdmsr(msr);
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	*out = (must | required | (optional & may)) & may;
	return (required & ~may) == 0;
}

int vmx_controls_init(const char **why)
{
	uint64_t basic = cpu_rdmsr(MSR_IA32_VMX_BASIC);
	uint64_t ept = cpu_rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	bool true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	struct vmx_controls *c = &vmx_ctl;

	c->vmcs_revision = basic & 0x7fffffff;
	c->preemption_timer_shift = cpu_rdmsr(MSR_IA32_VMX_MISC) & 0x1f;

	if (!adjust(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		    PIN_BASED_EXT_INTR_MASK | PIN_BASED_VMX_PREEMPTION_TIMER,
		    PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS, &c->pin)) {
		*why = "no VMX preemption timer";
		return -ENOTSUP;
	}
	/* CR3 exiting off: with EPT the guest owns its page tables. */
	if (!adjust(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		    CPU_BASED_HLT_EXITING | CPU_BASED_USE_IO_BITMAPS | CPU_BASED_USE_MSR_BITMAPS |
			    CPU_BASED_MWAIT_EXITING | CPU_BASED_MONITOR_EXITING |
			    CPU_BASED_RDPMC_EXITING | CPU_BASED_USE_TSC_OFFSETTING |
			    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
		    0, &c->proc)) {
		*why = "missing processor-based controls";
		return -ENOTSUP;
	}
	/*
	 * Virtual NMIs need NMI exiting (SDM Vol. 3C 26.2.1.1); with both, the
	 * CPU tracks a guest's NMI blocking and NMI-window exiting can be used.
	 */
	if ((c->pin & (PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS)) !=
	    (PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS))
		c->pin &= ~(PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS);
	c->nmi_window = (c->pin & PIN_BASED_VIRTUAL_NMIS) &&
			(cpu_rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
					     : MSR_IA32_VMX_PROCBASED_CTLS) >>
			 32) & CPU_BASED_NMI_WINDOW_EXITING;
	c->proc &= ~(CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
		     CPU_BASED_INVLPG_EXITING | CPU_BASED_RDTSC_EXITING);
	/*
	 * INVPCID runs in the guest without exits when "enable INVPCID" is set
	 * and "INVLPG exiting" clear (SDM Vol. 3C 26.1.3); it reaches only the
	 * translations tagged with the vCPU's VPID (29.1). CPUID offers it
	 * only when set (cpu_policy.c).
	 */
	if (!adjust(MSR_IA32_VMX_PROCBASED_CTLS2,
		    SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
			    SECONDARY_EXEC_WBINVD_EXITING,
		    SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_ENABLE_RDTSCP |
			    SECONDARY_EXEC_ENABLE_INVPCID,
		    &c->proc2)) {
		*why = "no EPT or unrestricted guest";
		return -ENOTSUP;
	}
	c->vpid = c->proc2 & SECONDARY_EXEC_ENABLE_VPID;
	if (!adjust(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
		    VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER |
			    VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT,
		    VM_EXIT_SAVE_VMX_PREEMPTION_TIMER, &c->exit)) {
		*why = "cannot switch EFER/PAT on VM exit";
		return -ENOTSUP;
	}
	if (!adjust(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
		    VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_IA32_PAT, 0, &c->entry)) {
		*why = "cannot load EFER/PAT on VM entry";
		return -ENOTSUP;
	}
	c->entry &= ~VM_ENTRY_IA32E_MODE;
	if (!(ept & EPT_CAP_PWL4) || !(ept & EPT_CAP_WB)) {
		*why = "EPT lacks 4-level tables or write-back memory";
		return -ENOTSUP;
	}
	c->invept_single = ept & EPT_CAP_INVEPT_SINGLE;
	return 0;
}

int vmx_cpu_enable(void)
{
	uint32_t cpu = this_cpu()->index;
	uint64_t fc = cpu_rdmsr(MSR_IA32_FEATURE_CONTROL);
	uint32_t *region;

	/* OVMF leaves the MSR unlocked and 0 (TESTING.md): enable and lock it. */
	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
		cpu_wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	if (!(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		return -EPERM;

	if (!vmxon_region[cpu]) {
		vmxon_region[cpu] = kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
		if (!vmxon_region[cpu])
			return -ENOMEM;
	}
	region = kmem_phys_to_virt(vmxon_region[cpu]);
	region[0] = vmx_ctl.vmcs_revision;

	/* CR0/CR4 bits fixed in VMX operation (SDM Vol. 3D A.7, A.8). */
	cpu_write_cr0((cpu_read_cr0() | cpu_rdmsr(MSR_IA32_VMX_CR0_FIXED0)) &
		      cpu_rdmsr(MSR_IA32_VMX_CR0_FIXED1));
	/* OSFXSR: FXSAVE/FXRSTOR switch guests' SSE state (vmx_vcpu.c). */
	cpu_write_cr4(((cpu_read_cr4() | CR4_VMXE | CR4_OSFXSR | CR4_OSXMMEXCPT) |
		       cpu_rdmsr(MSR_IA32_VMX_CR4_FIXED0)) &
		      cpu_rdmsr(MSR_IA32_VMX_CR4_FIXED1));
	cpu_write_cr0(cpu_read_cr0() & ~(CR0_EM | CR0_TS));
	if (!vmx_vmxon(vmxon_region[cpu]))
		return -EIO;
	vmx_on[cpu] = true;
	return 0;
}

bool vmx_cpu_enabled(void)
{
	return vmx_on[this_cpu()->index];
}
