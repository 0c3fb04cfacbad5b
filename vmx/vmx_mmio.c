/*
 * MMIO: a guest access to a device page (the local APIC, the IOAPIC)
 * finds nothing in EPT and exits with an EPT violation. The instruction is
 * completed by the emulator (vmx/emul/x86emu.c), which reaches the guest
 * through the ops below: registers from the saved GPRs and the VMCS,
 * memory through the guest's own page tables (vmx/gpt.c) and the VM's RAM
 * window, the device through vmx/vplatform.c.
 */

#include "kernel/arch/x86/cpu.h"
#include "vmx/emul/x86emu.h"
#include "vmx/gpt.h"
#include "vmx/guest_ram.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vplatform.h"

#define EPT_QUAL_GLA_VALID (1ULL << 7) /* SDM Vol. 3C 28.2.1, Table 28-7 */
#define EPT_QUAL_GLA_FINAL (1ULL << 8)
#define CR4_LA57           (1ULL << 12)
#define EFER_LMA           (1ULL << 10)
#define AR_L               (1U << 13)
#define AR_DB              (1U << 14)
#define RFLAGS_VM          (1ULL << 17)
#define GUEST_MAXPHYADDR   39

struct mmio_ctx {
	struct vcpu *vcpu;
	struct gpt_cpu cpu;
};

/* Copy between the guest's linear memory and `buf`, page by page. */
static enum x86emu_result linear_copy(struct mmio_ctx *c, gva_t la, uint8_t *buf, unsigned len,
				      unsigned access, bool write, struct x86emu_exception *exc)
{
	while (len) {
		unsigned chunk = MIN(len, (unsigned)(PAGE_SIZE - (la & (PAGE_SIZE - 1))));
		struct gpt_walk w;
		enum gpt_status st =
			gpt_translate(&c->cpu, &guest_ram_pt_ops, c->vcpu, la, access, &w);

		if (st == GPT_PAGE_FAULT) {
			*exc = (struct x86emu_exception){ X86EMU_EXC_PF, true, w.error_code, la };
			return X86EMU_FAULT;
		}
		if (st != GPT_OK)
			return X86EMU_UNSUPPORTED;
		/* Device memory on the far side (MMIO to MMIO) is not emulated. */
		if (!(write ? guest_ram_write(c->vcpu, w.gpa, buf, chunk)
			    : guest_ram_read(c->vcpu, w.gpa, buf, chunk)))
			return X86EMU_UNSUPPORTED;
		la += chunk;
		buf += chunk;
		len -= chunk;
	}
	return X86EMU_OK;
}

static enum x86emu_result op_fetch(void *o, gva_t la, uint8_t *buf, unsigned len,
				   struct x86emu_exception *exc)
{
	return linear_copy(o, la, buf, len, GPT_ACCESS_FETCH, false, exc);
}

static enum x86emu_result op_read_mem(void *o, gva_t la, uint8_t *buf, unsigned size,
				      struct x86emu_exception *exc)
{
	return linear_copy(o, la, buf, size, GPT_ACCESS_READ, false, exc);
}

static enum x86emu_result op_write_mem(void *o, gva_t la, const uint8_t *buf, unsigned size,
				       struct x86emu_exception *exc)
{
	return linear_copy(o, la, (uint8_t *)buf, size, GPT_ACCESS_WRITE, true, exc);
}

static enum x86emu_result op_mmio_read(void *o, gpa_t gpa, unsigned size, uint64_t *value)
{
	struct mmio_ctx *c = o;

	return vplat_mmio_read(c->vcpu, gpa, size, value) ? X86EMU_OK : X86EMU_UNSUPPORTED;
}

static enum x86emu_result op_mmio_write(void *o, gpa_t gpa, unsigned size, uint64_t value)
{
	struct mmio_ctx *c = o;

	return vplat_mmio_write(c->vcpu, gpa, size, value) ? X86EMU_OK : X86EMU_UNSUPPORTED;
}

static uint64_t op_read_gpr(void *o, enum x86emu_gpr reg)
{
	struct mmio_ctx *c = o;

	if (reg == X86EMU_RSP)
		return vmcs_readl(GUEST_RSP);
	return ((uint64_t *)&c->vcpu->arch->regs)[reg];
}

static void op_write_gpr(void *o, enum x86emu_gpr reg, uint64_t value)
{
	struct mmio_ctx *c = o;

	if (reg == X86EMU_RSP)
		vmcs_writel(GUEST_RSP, value);
	else
		((uint64_t *)&c->vcpu->arch->regs)[reg] = value;
}

static uint64_t op_read_rip(void *o)
{
	return vmcs_readl(GUEST_RIP);
}

static void op_write_rip(void *o, uint64_t rip)
{
	vmcs_writel(GUEST_RIP, rip);
}

static uint64_t op_read_rflags(void *o)
{
	return vmcs_readl(GUEST_RFLAGS);
}

static void op_write_rflags(void *o, uint64_t rflags)
{
	vmcs_writel(GUEST_RFLAGS, rflags);
}

static uint64_t op_seg_base(void *o, enum x86emu_seg seg)
{
	/* Segment base fields are two apart in sreg order (SDM Vol. 3D B.4.3). */
	return vmcs_read_raw(GUEST_ES_BASE + 2 * (unsigned)seg);
}

static const struct x86emu_ops mmio_ops = {
	.fetch = op_fetch,
	.read_mem = op_read_mem,
	.write_mem = op_write_mem,
	.mmio_read = op_mmio_read,
	.mmio_write = op_mmio_write,
	.read_gpr = op_read_gpr,
	.write_gpr = op_write_gpr,
	.read_rip = op_read_rip,
	.write_rip = op_write_rip,
	.read_rflags = op_read_rflags,
	.write_rflags = op_write_rflags,
	.seg_base = op_seg_base,
};

enum vmexit_action vmx_handle_mmio(struct vcpu *vcpu, struct vmx_exit *exit, gpa_t gpa)
{
	uint64_t cr0 = vmcs_readl(GUEST_CR0), cr4 = vmcs_readl(GUEST_CR4);
	uint64_t efer = vmcs_read64(GUEST_IA32_EFER);
	uint32_t cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);
	struct mmio_ctx c = { .vcpu = vcpu };
	struct x86emu_request req = {
		.mode = x86emu_mode_of(cr0 & CR0_PE, vmcs_readl(GUEST_RFLAGS) & RFLAGS_VM,
				       efer & EFER_LMA, cs_ar & AR_L, cs_ar & AR_DB),
		.gpa = gpa,
		.access = exit->qualification & 7,
		.la57 = cr4 & CR4_LA57,
	};
	struct x86emu_report rep;

	if ((exit->qualification & EPT_QUAL_GLA_VALID) &&
	    (exit->qualification & EPT_QUAL_GLA_FINAL)) {
		req.gla = vmcs_readl(GUEST_LINEAR_ADDRESS);
		req.gla_valid = true;
	}
	gpt_cpu_init(&c.cpu, cr0, vmcs_readl(GUEST_CR3), cr4, efer, GUEST_MAXPHYADDR, false);
	vcpu->irq_check = true; /* a device register changed: look for interrupts */

	switch (x86emu_emulate(&mmio_ops, &c, &req, &rep)) {
	case X86EMU_OK:
	case X86EMU_RETRY:
		return VMEXIT_RESUME;
	case X86EMU_FAULT:
		vmx_inject_exception(rep.exc.vector, rep.exc.has_error_code, rep.exc.error_code);
		if (rep.exc.vector == X86EMU_EXC_PF) {
			/* CR2 is not switched by VMX: load it before the entry that delivers #PF. */
			vcpu->arch->pending_cr2 = rep.exc.cr2;
			vcpu->arch->cr2_pending = true;
		}
		return VMEXIT_RESUME;
	default:
		return vmx_stop_vm(vcpu, exit, "MMIO at gpa %#llx not emulated: %s",
				   (unsigned long long)gpa, rep.reason);
	}
}
