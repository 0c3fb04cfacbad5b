/*
 * INS/OUTS exits: decode what the CPU reports, read the guest state the
 * pure emulator (vmx/strio_core.c) needs from the VMCS, and give it the
 * VM's RAM (through the hypervisor window vm->hva, gpa < mem_size) and
 * port bus.
 *
 * Decoding (SDM Vol. 3C 28.2.1 Table 28-5, 28.2.5 Table 28-8): size,
 * direction, REP and port from the exit qualification; address size
 * (bits 9:7) and, for OUTS, the segment (bits 17:15) from
 * VMX_INSTRUCTION_INFO, which CPUs fill for INS/OUTS when
 * IA32_VMX_BASIC[54] is set (SDM Vol. 3D A.1). Without it the prefixes
 * are read from the instruction bytes at CS:RIP. INS always writes
 * through ES.
 *
 * Not emulated, the VM is stopped with the case named:
 *  - a page fault on an element. Injecting #PF needs CR2 set to the
 *    faulting address, and VMX does not switch CR2 (SDM Vol. 3C 27.3 and
 *    28.5 list what is loaded; CR2 is not in the VMCS): the hypervisor
 *    would have to write the CPU's CR2 just before VM entry and keep it
 *    per vCPU across vCPU switches, which Strata does not do yet;
 *  - guest-physical addresses outside RAM, for data or page tables (the
 *    same stop the EPT-violation handler makes for direct accesses).
 * Not modelled at all, as for every instruction Strata emulates: debug
 * traps (RFLAGS.TF single-step, data breakpoints in DR0-DR3 on the
 * memory operand) and protection keys (PKU is hidden from CPUID).
 */

#include "kernel/arch/x86/cpu.h"
#include "vmx/guest_ram.h"
#include "vmx/strio_core.h"
#include "vmx/vmx_exit.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmx_strio.h"
#include "vmx/vplatform.h"

/* Exit qualification for I/O instructions (SDM Vol. 3C Table 28-5). */
#define IO_SIZE_MASK  0x7 /* access size - 1 */
#define IO_DIR_IN     (1U << 3)
#define IO_REP        (1U << 5)
#define IO_PORT_SHIFT 16

/* VMX_INSTRUCTION_INFO for INS/OUTS (SDM Vol. 3C Table 28-8). */
#define INSN_INFO_ADDR_SIZE(i) (((i) >> 7) & 7) /* 0: 16-bit, 1: 32-bit, 2: 64-bit */
#define INSN_INFO_SEG(i)       (((i) >> 15) & 7)

#define VMX_BASIC_INS_OUTS_INFO (1ULL << 54)

#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_VM (1ULL << 17)
#define RFLAGS_AC (1ULL << 18)
#define EFER_LMA  (1ULL << 10)
#define AR_L      (1U << 13)
#define AR_DPL(a) (((a) >> 5) & 3)

#define INSN_MAX_LEN 15 /* SDM Vol. 2A 2.3.11 */

/*
 * What the host CPU reports once: MAXPHYADDR, 1 GiB pages, INS/OUTS
 * instruction information. Guests see the same CPUID leaves
 * (vmx_cpuid.c passes 80000001H and 80000008H through). Every CPU
 * computes the same word, so a race only repeats the work.
 */
#define HOSTCAP_VALID (1U << 31)
#define HOSTCAP_GB    (1U << 8)
#define HOSTCAP_INFO  (1U << 9)

static uint32_t host_caps(void)
{
	static uint32_t cached;
	uint32_t caps = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	uint32_t max_ext;

	if (caps & HOSTCAP_VALID)
		return caps;
	caps = HOSTCAP_VALID | 36;
	max_ext = cpu_cpuid(0x80000000, 0).eax;
	if (max_ext >= 0x80000008)
		caps = (caps & ~0xffU) | (cpu_cpuid(0x80000008, 0).eax & 0xff);
	if (max_ext >= 0x80000001 && (cpu_cpuid(0x80000001, 0).edx & (1U << 26)))
		caps |= HOSTCAP_GB;
	if (cpu_rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_INS_OUTS_INFO)
		caps |= HOSTCAP_INFO;
	__atomic_store_n(&cached, caps, __ATOMIC_RELAXED);
	return caps;
}

/* ---- ports, for strio_core (guest RAM: vmx/guest_ram.c); ctx is the vCPU ---- */

static uint32_t port_in(void *ctx, uint16_t port, unsigned size)
{
	return vplat_port_in(ctx, port, size);
}

/* A write to the test-exit port (or ACPI S5, a reset) ends the VM: no element after it. */
static bool port_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	struct vcpu *vcpu = ctx;

	vplat_port_out(vcpu, port, size, value);
	return vcpu->vm->state == VM_RUNNING;
}

static const struct strio_ops vm_strio_ops = {
	.pt = { .read = guest_ram_pt_read, .set_bits = guest_ram_pt_set_bits },
	.mem_read = guest_ram_read,
	.mem_write = guest_ram_write,
	.port_in = port_in,
	.port_out = port_out,
};

/* ---- guest state from the VMCS ---- */

static void read_cpu(struct strio_cpu *c, uint32_t caps)
{
	uint64_t cr0 = vmcs_readl(GUEST_CR0);
	uint64_t efer = vmcs_read64(GUEST_IA32_EFER);
	uint64_t rflags = vmcs_readl(GUEST_RFLAGS);

	/* GUEST_CR0/CR4 hold the guest's paging bits (vmx_cr.c forces only NE and VMXE). */
	gpt_cpu_init(&c->paging, cr0, vmcs_readl(GUEST_CR3), vmcs_readl(GUEST_CR4), efer,
		     caps & 0xff, caps & HOSTCAP_GB);
	c->long64 = (efer & EFER_LMA) && (vmcs_read32(GUEST_CS_AR_BYTES) & AR_L);
	c->protected_mode = (cr0 & CR0_PE) && !(rflags & RFLAGS_VM);
	c->cpl =
		AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES)); /* SS.DPL is the CPL (SDM Vol. 3C 25.4.1) */
	c->df = rflags & RFLAGS_DF;
	c->ac = rflags & RFLAGS_AC;
}

/* A segment register's hidden part; the VMCS encodings step by 2 from ES (Appendix B). */
static void read_seg(struct strio_seg *s, enum strio_seg_reg reg)
{
	unsigned long step = 2UL * reg;

	s->reg = reg;
	s->base = vmcs_read_raw(GUEST_ES_BASE + step);
	s->limit = (uint32_t)vmcs_read_raw(GUEST_ES_LIMIT + step);
	s->ar = (uint32_t)vmcs_read_raw(GUEST_ES_AR_BYTES + step);
}

static const char *insn_name(const struct strio_insn *insn)
{
	switch (insn->size) {
	case 1:
		return insn->in ? "insb" : "outsb";
	case 2:
		return insn->in ? "insw" : "outsw";
	case 4:
		return insn->in ? "insd" : "outsd";
	default:
		return insn->in ? "ins" : "outs";
	}
}

/*
 * Address size and segment without VMX_INSTRUCTION_INFO: the prefixes at
 * CS:RIP. Returns NULL or what stopped it.
 */
static const char *decode_bytes(struct vcpu *vcpu, const struct vmx_exit *exit,
				const struct strio_cpu *cpu, unsigned *addr_bytes,
				enum strio_seg_reg *seg)
{
	uint8_t bytes[INSN_MAX_LEN];
	unsigned def = cpu->long64 ? 8 : vmcs_read32(GUEST_CS_AR_BYTES) & STRIO_AR_DB ? 4 : 2;
	unsigned access = GPT_ACCESS_FETCH | (cpu->cpl == 3 ? GPT_ACCESS_USER : 0);
	gva_t la = vmcs_readl(GUEST_RIP) + (cpu->long64 ? 0 : vmcs_readl(GUEST_CS_BASE));
	struct strio_result res;

	if (exit->insn_len == 0 || exit->insn_len > INSN_MAX_LEN)
		return "instruction length out of range";
	if (strio_read_linear(cpu, &vm_strio_ops, vcpu, la, bytes, exit->insn_len, access, &res) !=
	    STRIO_DONE)
		return "instruction bytes unreadable";
	if (!strio_decode(bytes, exit->insn_len, def, cpu->long64, addr_bytes, seg))
		return "instruction bytes are not INS/OUTS";
	return NULL;
}

static const char *decode(struct vcpu *vcpu, const struct vmx_exit *exit,
			  const struct strio_cpu *cpu, uint32_t caps, struct strio_insn *insn)
{
	enum strio_seg_reg seg = STRIO_SEG_DS;

	insn->in = exit->qualification & IO_DIR_IN;
	insn->rep = exit->qualification & IO_REP;
	insn->size = (exit->qualification & IO_SIZE_MASK) + 1;
	insn->port = (uint16_t)(exit->qualification >> IO_PORT_SHIFT);
	if (caps & HOSTCAP_INFO) {
		uint32_t info = vmcs_read32(VMX_INSTRUCTION_INFO);
		unsigned as = INSN_INFO_ADDR_SIZE(info);

		if (as > 2)
			return "address size field of VMX_INSTRUCTION_INFO out of range";
		insn->addr_bytes = 2U << as;
		/* Bits 17:15 are undefined for INS: look at them for OUTS only. */
		if (!insn->in && INSN_INFO_SEG(info) > STRIO_SEG_GS)
			return "segment field of VMX_INSTRUCTION_INFO out of range";
		seg = (enum strio_seg_reg)INSN_INFO_SEG(info);
	} else {
		const char *why = decode_bytes(vcpu, exit, cpu, &insn->addr_bytes, &seg);

		if (why)
			return why;
	}
	/* The INS destination is ES:rDI, no override (SDM Vol. 2A INS); bits 17:15 are undefined. */
	read_seg(&insn->seg, insn->in ? STRIO_SEG_ES : seg);
	return NULL;
}

enum vmexit_action vmx_handle_strio(struct vcpu *vcpu, struct vmx_exit *exit)
{
	struct guest_regs *r = &vcpu->arch->regs;
	struct strio_regs regs = { .rsi = r->rsi, .rdi = r->rdi, .rcx = r->rcx };
	uint32_t caps = host_caps();
	struct strio_insn insn;
	struct strio_result res;
	struct strio_cpu cpu;
	const char *why;

	read_cpu(&cpu, caps);
	why = decode(vcpu, exit, &cpu, caps, &insn);
	if (why)
		return vmx_stop_vm(vcpu, exit, "string I/O on port %#x: %s",
				   (unsigned)(exit->qualification >> IO_PORT_SHIFT), why);
	strio_run(&insn, &cpu, &regs, &vm_strio_ops, vcpu, VMX_STRIO_BUDGET, &res);
	r->rsi = regs.rsi;
	r->rdi = regs.rdi;
	r->rcx = regs.rcx;
	switch (res.status) {
	case STRIO_DONE:
		return VMEXIT_RESUME_SKIP;
	case STRIO_MORE:
		return VMEXIT_RESUME;
	case STRIO_STOPPED:
		return VMEXIT_STOP_VM;
	case STRIO_EXCEPTION:
		vmx_inject_exception(res.vector, true, 0);
		return VMEXIT_RESUME;
	case STRIO_PAGE_FAULT:
		return vmx_stop_vm(vcpu, exit,
				   "%s port %#x: #PF at %#llx error %#x, CR2 not switched",
				   insn_name(&insn), insn.port, (unsigned long long)res.linear,
				   res.error_code);
	case STRIO_BAD_GPA:
		return vmx_stop_vm(vcpu, exit,
				   "%s port %#x: %s at gpa %#llx outside RAM (%llu MiB)",
				   insn_name(&insn), insn.port, res.table ? "page table" : "data",
				   (unsigned long long)res.gpa,
				   (unsigned long long)(vcpu->vm->mem_size >> 20));
	default:
		return vmx_stop_vm(vcpu, exit, "%s port %#x: bad decode (size %u, address size %u)",
				   insn_name(&insn), insn.port, insn.size, insn.addr_bytes);
	}
}
