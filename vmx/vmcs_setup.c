/*
 * VMCS contents (SDM Vol. 3C chapter 25 "Virtual Machine Control
 * Structures"; the checks they must pass are in 26.2-26.3).
 */
#include <errno.h>
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "vmx/cpu_policy.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_vcpu.h"

#define MSR_IA32_PAT 0x277

/* Access rights (SDM Vol. 3C 25.4.1, Table 25-2). */
#define AR_CODE16   0x009b /* present, S, execute/read, accessed */
#define AR_DATA16   0x0093 /* present, S, read/write, accessed */
#define AR_CODE32   0xc09b /* + D/B and G */
#define AR_DATA32   0xc093
#define AR_CODE64   0xa09b /* + L, without D/B */
#define AR_TSS_BUSY 0x008b
#define AR_UNUSABLE 0x10000

/* Every port and every MSR exits: devices and the MSR allowlist decide. */
static hpa_t io_bitmap_a, io_bitmap_b, msr_bitmap;

int vmcs_global_init(void)
{
	io_bitmap_a = kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
	io_bitmap_b = kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
	msr_bitmap = kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
	if (!io_bitmap_a || !io_bitmap_b || !msr_bitmap)
		return -ENOMEM;
	memset(kmem_phys_to_virt(io_bitmap_a), 0xff, PAGE_SIZE);
	memset(kmem_phys_to_virt(io_bitmap_b), 0xff, PAGE_SIZE);
	memset(kmem_phys_to_virt(msr_bitmap), 0xff, PAGE_SIZE);
	return 0;
}

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void setup_controls(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	uint32_t proc2 = vmx_ctl.proc2;

	if (!v->vpid)
		proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_ctl.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmx_ctl.proc);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write32(VM_EXIT_CONTROLS, vmx_ctl.exit);
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_ctl.entry);
	vmcs_write32(EXCEPTION_BITMAP, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(IO_BITMAP_A, io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, io_bitmap_b);
	vmcs_write64(MSR_BITMAP, msr_bitmap);
	vmcs_write64(TSC_OFFSET, 0);
	vmcs_write64(EPT_POINTER, vcpu->vm->arch->ept.eptp);
	if (v->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, v->vpid);
	vmcs_writel(CR0_GUEST_HOST_MASK, VMCS_CR0_OWNED);
	vmcs_writel(CR4_GUEST_HOST_MASK, VMCS_CR4_OWNED);
}

static void setup_host_state(void)
{
	struct pcpu *p = this_cpu();
	struct descriptor_ptr idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	vmcs_writel(HOST_CR0, cpu_read_cr0());
	vmcs_writel(HOST_CR3, cpu_read_cr3());
	vmcs_writel(HOST_CR4, cpu_read_cr4());
	vmcs_write16(HOST_CS_SELECTOR, GDT_KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, GDT_KERNEL_DS);
	vmcs_write16(HOST_ES_SELECTOR, GDT_KERNEL_DS);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_TSS);
	vmcs_writel(HOST_FS_BASE, 0);
	vmcs_writel(HOST_GS_BASE, (uint64_t)(uintptr_t)p);
	vmcs_writel(HOST_TR_BASE, (uint64_t)(uintptr_t)&p->tss);
	vmcs_writel(HOST_GDTR_BASE, (uint64_t)(uintptr_t)p->gdt);
	vmcs_writel(HOST_IDTR_BASE, idtr.base);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, cpu_rdmsr(MSR_IA32_EFER));
	vmcs_write64(HOST_IA32_PAT, cpu_rdmsr(MSR_IA32_PAT));
	vmcs_writel(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_point);
}

static void set_segment(unsigned sel_field, uint16_t sel, uint64_t base, uint32_t limit,
			uint32_t ar)
{
	/* Segment fields of one register are 2 (selector), 2 (limit), 2 (AR) and 2 (base) apart. */
	vmcs_write_raw(sel_field, sel);
	vmcs_write_raw(GUEST_ES_LIMIT + (sel_field - GUEST_ES_SELECTOR), limit);
	vmcs_write_raw(GUEST_ES_AR_BYTES + (sel_field - GUEST_ES_SELECTOR), ar);
	vmcs_write_raw(GUEST_ES_BASE + (sel_field - GUEST_ES_SELECTOR), base);
}

/*
 * The architectural start states: real mode for flat images (SDM Vol. 3A
 * 9.1.1 after RESET, but at the image's address) and the Multiboot
 * machine state (Multiboot 0.6.96, 3.2): 32-bit flat segments, paging off.
 */
/* Segments for the start mode: real mode at CS:0, or flat 32/64-bit from the loader's GDT. */
static void setup_segments(const struct vcpu_boot_state *b)
{
	static const unsigned data_segs[] = { GUEST_DS_SELECTOR, GUEST_ES_SELECTOR,
					      GUEST_FS_SELECTOR, GUEST_GS_SELECTOR,
					      GUEST_SS_SELECTOR };
	bool real = b->mode == VCPU_MODE_REAL16;
	uint16_t cs = b->mode == VCPU_MODE_LONG64 ? b->cs_sel : 0x08;
	uint16_t ds = b->mode == VCPU_MODE_LONG64 ? b->ds_sel : 0x10;

	if (real)
		set_segment(GUEST_CS_SELECTOR, b->cs_selector, (uint64_t)b->cs_selector << 4,
			    0xffff, AR_CODE16);
	else
		set_segment(GUEST_CS_SELECTOR, cs, 0, 0xffffffff,
			    b->mode == VCPU_MODE_LONG64 ? AR_CODE64 : AR_CODE32);
	for (unsigned i = 0; i < ARRAY_SIZE(data_segs); i++) {
		if (real)
			set_segment(data_segs[i], 0, 0, 0xffff, AR_DATA16);
		else
			set_segment(data_segs[i], ds, 0, 0xffffffff, AR_DATA32);
	}
	set_segment(GUEST_TR_SELECTOR, 0, 0, 0xff, AR_TSS_BUSY);
	set_segment(GUEST_LDTR_SELECTOR, 0, 0, 0, AR_UNUSABLE);
	vmcs_writel(GUEST_GDTR_BASE, real ? 0 : b->gdtr_base);
	vmcs_write32(GUEST_GDTR_LIMIT, real ? 0xffff : b->gdtr_limit);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, real ? 0x3ff : 0);
}

/*
 * The architectural start states: real mode for flat images and APs
 * after SIPI (SDM Vol. 3A 9.1.1, at the image's address), the Multiboot
 * machine state (Multiboot 0.6.96, 3.2: 32-bit flat segments, paging off)
 * and the Linux 64-bit boot state (x86 boot protocol, "64-bit boot
 * protocol": long mode, identity paging, RSI = zero page).
 */
static void setup_guest_state(struct vcpu *vcpu)
{
	const struct vcpu_boot_state *b = &vcpu->boot;
	struct vmx_vcpu *v = vcpu->arch;
	uint64_t cr0 = 1UL << 4, cr3 = 0, cr4 = 0, efer = 0; /* ET is fixed to 1 */

	if (b->mode == VCPU_MODE_PROTECTED32)
		cr0 |= CR0_PE;
	if (b->mode == VCPU_MODE_LONG64) {
		cr0 = b->cr0;
		cr3 = b->cr3;
		cr4 = b->cr4;
		efer = b->efer;
		/* IA-32e mode guest must match EFER.LMA at entry (SDM Vol. 3C 26.3.1.1). */
		vmcs_write32(VM_ENTRY_CONTROLS,
			     vmcs_read32(VM_ENTRY_CONTROLS) | VM_ENTRY_IA32E_MODE);
	}
	setup_segments(b);

	/* NE must stay set under VMX; the guest sees its own value in the shadow. */
	vmcs_writel(GUEST_CR0, cr0 | CR0_NE);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR3, cr3);
	vmcs_writel(GUEST_CR4, cr4 | CR4_VMXE);
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_RSP, b->rsp);
	vmcs_writel(GUEST_RIP, b->rip);
	vmcs_writel(GUEST_RFLAGS, 0x2);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(GUEST_IA32_PAT,
		     0x0007040600070406ULL); /* power-on PAT (SDM Vol. 3A 11.12.4) */
	vmcs_write64(GUEST_IA32_EFER, efer);

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rax = b->rax;
	v->regs.rbx = b->rbx;
	v->regs.rdx = b->rdx;
	v->regs.rsi = b->rsi;
	/* Fast strings as this CPU has them: the MSR is not switched (cpu_policy.h). */
	v->msrs.misc_enable = cpu_policy_misc_enable(cpu_rdmsr(MSR_IA32_MISC_ENABLE), 0);
	v->msrs.mtrr_def_type = 0;
}

int vmcs_setup(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vcpu->arch;
	uint32_t *region = kmem_phys_to_virt(v->vmcs);

	region[0] = vmx_ctl.vmcs_revision;
	if (!vmx_vmclear(v->vmcs) || !vmx_vmptrld(v->vmcs))
		return -EIO;
	setup_controls(vcpu);
	setup_host_state();
	setup_guest_state(vcpu);
	v->launched = false;
	v->vmcs_ready = true;
	return 0;
}
