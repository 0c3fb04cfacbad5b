/*
 * MMIO instruction emulator: the entry point and every access to guest
 * state. See x86emu.h for the contract; decode.c decodes, exec.c runs.
 *
 * Memory operands: x86emu_claim() picks the MMIO page (the faulting
 * linear page, or the page of the operand that did the reported access)
 * and checks that the instruction really makes the access the exit
 * reported; from then on each operand on that page goes to the device at
 * the faulting guest-physical page plus its page offset, and every other
 * operand to guest memory through the ops.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmx/emul/x86emu_internal.h"

enum x86emu_mode x86emu_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma, bool cs_l, bool cs_db)
{
	if (!cr0_pe)
		return X86EMU_MODE_REAL;
	if (efer_lma && cs_l)
		return X86EMU_MODE_LONG64;
	/* Virtual-8086 mode does not exist in IA-32e mode (SDM Vol. 3A 2.2). */
	if (rflags_vm && !efer_lma)
		return X86EMU_MODE_VM86;
	return cs_db ? X86EMU_MODE_PROT32 : X86EMU_MODE_PROT16;
}

const char *x86emu_result_name(enum x86emu_result result)
{
	switch (result) {
	case X86EMU_OK:
		return "OK";
	case X86EMU_UNSUPPORTED:
		return "UNSUPPORTED";
	case X86EMU_FAULT:
		return "FAULT";
	case X86EMU_RETRY:
		return "RETRY";
	}
	return "?";
}

void x86emu_set_reason(struct x86emu_ctxt *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->rep->reason, sizeof(c->rep->reason), fmt, ap);
	va_end(ap);
}

/* #UD has no error code; #GP, #SS and #PF do (SDM Vol. 3A Table 6-1). */
void x86emu_set_exception(struct x86emu_ctxt *c, uint8_t vector, uint32_t error_code)
{
	struct x86emu_exception *x = &c->rep->exc;

	x->vector = vector;
	x->has_error_code = vector != X86EMU_EXC_UD;
	x->error_code = x->has_error_code ? error_code : 0;
	x->cr2 = 0;
}

/* An op for guest memory (fetch, read_mem, write_mem) did not return X86EMU_OK. */
enum x86emu_result x86emu_mem_failed(struct x86emu_ctxt *c, enum x86emu_result rc, const char *what,
				     gva_t la, unsigned int size)
{
	switch (rc) {
	case X86EMU_FAULT:
		return rc; /* the op filled in rep->exc */
	case X86EMU_RETRY:
		return x86emu_retry(c, "%s of %u bytes at linear %#llx: retry", what, size,
				    (unsigned long long)la);
	default:
		return x86emu_unsupported(c, "%s of %u bytes at linear %#llx failed", what, size,
					  (unsigned long long)la);
	}
}

static enum x86emu_result x86emu_device_failed(struct x86emu_ctxt *c, enum x86emu_result rc,
					       const char *what, gpa_t gpa, unsigned int size)
{
	if (rc == X86EMU_RETRY)
		return x86emu_retry(c, "device asks to retry the %u-byte %s at gpa %#llx", size,
				    what, (unsigned long long)gpa);
	return x86emu_unsupported(c, "no device took the %u-byte %s at gpa %#llx", size, what,
				  (unsigned long long)gpa);
}

/*
 * Byte registers 4-7 are AH, CH, DH, BH without a REX prefix and SPL, BPL,
 * SIL, DIL with one (SDM Vol. 2 3.1.1.1 and Table 3-1).
 */
static bool x86emu_high_byte(const struct x86emu_ctxt *c, unsigned int reg, unsigned int size)
{
	return size == 1 && reg >= 4 && reg < 8 && !c->insn.rex;
}

uint64_t x86emu_reg_read(struct x86emu_ctxt *c, unsigned int reg, unsigned int size)
{
	if (x86emu_high_byte(c, reg, size))
		return (c->ops->read_gpr(c->opaque, (enum x86emu_gpr)(reg - 4)) >> 8) & 0xff;
	return c->ops->read_gpr(c->opaque, (enum x86emu_gpr)reg) & x86emu_mask(size);
}

/*
 * 8- and 16-bit writes leave the rest of the register alone; a 32-bit
 * write zero-extends to 64 bits (SDM Vol. 1 3.4.1.1 "General-Purpose
 * Registers in 64-Bit Mode"). Outside 64-bit mode the upper half is not
 * visible, and the processor zero-extends there too.
 */
void x86emu_reg_write(struct x86emu_ctxt *c, unsigned int reg, unsigned int size, uint64_t val)
{
	const struct x86emu_ops *ops = c->ops;
	uint64_t mask = x86emu_mask(size);

	if (x86emu_high_byte(c, reg, size)) {
		enum x86emu_gpr r = (enum x86emu_gpr)(reg - 4);
		uint64_t old = ops->read_gpr(c->opaque, r);

		ops->write_gpr(c->opaque, r, (old & ~0xff00ULL) | (val & 0xff) << 8);
		return;
	}
	if (size < 4)
		val = (ops->read_gpr(c->opaque, (enum x86emu_gpr)reg) & ~mask) | (val & mask);
	else
		val &= mask;
	ops->write_gpr(c->opaque, (enum x86emu_gpr)reg, val);
}

uint64_t x86emu_seg_base(struct x86emu_ctxt *c, enum x86emu_seg seg)
{
	if (!(c->seg_known & (1u << seg))) {
		c->seg_base[seg] = c->ops->seg_base(c->opaque, seg);
		c->seg_known |= (uint8_t)(1u << seg);
	}
	return c->seg_base[seg];
}

/*
 * Logical to linear address (SDM Vol. 3A 3.4 "Logical and Linear
 * Addresses"). 64-bit mode uses base 0 for ES, CS, SS and DS and needs a
 * canonical address, else #GP(0) or, through SS, #SS(0) (3.4.4, 6.15).
 * Elsewhere linear addresses are 32 bits and wrap.
 */
static enum x86emu_result x86emu_linear(struct x86emu_ctxt *c, struct x86emu_operand *op)
{
	if (c->mode != X86EMU_MODE_LONG64) {
		op->la = (x86emu_seg_base(c, op->seg) + op->ea) & 0xffffffffULL;
		return X86EMU_OK;
	}
	op->la = op->ea;
	if (op->seg == X86EMU_FS || op->seg == X86EMU_GS)
		op->la += x86emu_seg_base(c, op->seg);
	if (!x86emu_canonical(c, op->la) || !x86emu_canonical(c, op->la + op->size - 1))
		return x86emu_fault(c, op->seg == X86EMU_SS ? X86EMU_EXC_SS : X86EMU_EXC_GP, 0);
	return X86EMU_OK;
}

/* Where op->la lands: guest memory, the MMIO page, or both (not emulated). */
static enum x86emu_result x86emu_place(struct x86emu_ctxt *c, struct x86emu_operand *op)
{
	gva_t last = op->la + op->size - 1;
	bool first_in, last_in;

	if (c->mode != X86EMU_MODE_LONG64)
		last &= 0xffffffffULL;
	first_in = (op->la & ~X86EMU_PAGE_MASK) == c->mmio_page;
	last_in = (last & ~X86EMU_PAGE_MASK) == c->mmio_page;
	if (first_in != last_in)
		return x86emu_unsupported(c,
					  "%u-byte access at linear %#llx straddles the MMIO page",
					  op->size, (unsigned long long)op->la);
	op->mmio = first_in;
	return X86EMU_OK;
}

enum x86emu_result x86emu_locate(struct x86emu_ctxt *c, struct x86emu_operand *op)
{
	enum x86emu_result rc = x86emu_linear(c, op);

	return rc == X86EMU_OK ? x86emu_place(c, op) : rc;
}

/* The operand that made the access the exit reports: the primary one without a linear address. */
static const struct x86emu_operand *x86emu_primary(const struct x86emu_ctxt *c,
						   const struct x86emu_operand *op, unsigned int n)
{
	unsigned int want = c->req->access & X86EMU_ACCESS_WRITE ? X86EMU_ACCESS_WRITE
								 : X86EMU_ACCESS_READ;

	for (unsigned int i = 0; i < n; i++)
		if (op[i].access & want)
			return &op[i];
	return NULL;
}

/*
 * Pick the MMIO page for this instruction's memory operands `op[0..n)`
 * and check that the instruction reads (writes) that page if the exit
 * reports a read (write). A mismatch means the code or the page tables
 * changed since the exit: X86EMU_RETRY re-executes the instruction.
 */
enum x86emu_result x86emu_claim(struct x86emu_ctxt *c, struct x86emu_operand *op, unsigned int n)
{
	const struct x86emu_request *req = c->req;
	const struct x86emu_operand *primary;
	unsigned int done = 0;
	enum x86emu_result rc;

	for (unsigned int i = 0; i < n; i++) {
		rc = x86emu_linear(c, &op[i]);
		if (rc != X86EMU_OK)
			return rc;
	}
	primary = x86emu_primary(c, op, n);
	if (!req->gla_valid && !primary)
		return x86emu_retry(c, "the instruction does not %s memory",
				    req->access & X86EMU_ACCESS_WRITE ? "write" : "read");
	c->mmio_page = (req->gla_valid ? req->gla : primary->la) & ~X86EMU_PAGE_MASK;
	c->mmio_known = true;
	for (unsigned int i = 0; i < n; i++) {
		rc = x86emu_place(c, &op[i]);
		if (rc != X86EMU_OK)
			return rc;
		if (op[i].mmio)
			done |= op[i].access;
	}
	if (!done)
		return x86emu_retry(c, "no operand on the faulting page (linear %#llx)",
				    (unsigned long long)c->mmio_page);
	if ((req->access & X86EMU_ACCESS_WRITE) && !(done & X86EMU_ACCESS_WRITE))
		return x86emu_retry(c, "the instruction does not write the faulting page");
	if ((req->access & X86EMU_ACCESS_READ) && !(done & X86EMU_ACCESS_READ) &&
	    !(req->access & X86EMU_ACCESS_WRITE))
		return x86emu_retry(c, "the instruction does not read the faulting page");
	return X86EMU_OK;
}

static gpa_t x86emu_gpa(const struct x86emu_ctxt *c, const struct x86emu_operand *op)
{
	return (c->req->gpa & ~X86EMU_PAGE_MASK) | (op->la & X86EMU_PAGE_MASK);
}

/* Values are little-endian in memory (SDM Vol. 1 1.3.1 "Bit and Byte Order"). */
enum x86emu_result x86emu_read(struct x86emu_ctxt *c, const struct x86emu_operand *op,
			       uint64_t *val)
{
	uint8_t buf[8] = { 0 };
	enum x86emu_result rc;
	uint64_t v = 0;

	if (op->mmio) {
		gpa_t gpa = x86emu_gpa(c, op);

		c->rep->mmio_accesses++;
		rc = c->ops->mmio_read(c->opaque, gpa, op->size, &v);
		if (rc != X86EMU_OK)
			return x86emu_device_failed(c, rc, "read", gpa, op->size);
		*val = v & x86emu_mask(op->size);
		return X86EMU_OK;
	}
	rc = c->ops->read_mem(c->opaque, op->la, buf, op->size, &c->rep->exc);
	if (rc != X86EMU_OK)
		return x86emu_mem_failed(c, rc, "memory read", op->la, op->size);
	for (unsigned int i = op->size; i-- > 0;)
		v = v << 8 | buf[i];
	*val = v;
	return X86EMU_OK;
}

enum x86emu_result x86emu_write(struct x86emu_ctxt *c, const struct x86emu_operand *op,
				uint64_t val)
{
	uint8_t buf[8];
	enum x86emu_result rc;

	val &= x86emu_mask(op->size);
	if (op->mmio) {
		gpa_t gpa = x86emu_gpa(c, op);

		c->rep->mmio_accesses++;
		rc = c->ops->mmio_write(c->opaque, gpa, op->size, val);
		if (rc != X86EMU_OK)
			return x86emu_device_failed(c, rc, "write", gpa, op->size);
		return X86EMU_OK;
	}
	for (unsigned int i = 0; i < op->size; i++)
		buf[i] = (uint8_t)(val >> (8 * i));
	rc = c->ops->write_mem(c->opaque, op->la, buf, op->size, &c->rep->exc);
	if (rc != X86EMU_OK)
		return x86emu_mem_failed(c, rc, "memory write", op->la, op->size);
	return X86EMU_OK;
}

/*
 * The instruction is done: the arithmetic flags it computed, RF cleared
 * as at the end of every instruction (SDM Vol. 3B 17.3.1.1), RIP past it,
 * wrapping at the operand size of the code segment.
 */
enum x86emu_result x86emu_complete(struct x86emu_ctxt *c)
{
	uint64_t rflags = c->new_rflags & ~(uint64_t)X86EMU_FLAG_RF;

	if (rflags != c->rflags)
		c->ops->write_rflags(c->opaque, rflags);
	c->ops->write_rip(c->opaque, (c->rip + c->insn.len) & c->ip_mask);
	c->rep->single_step = c->rflags & X86EMU_FLAG_TF;
	return X86EMU_OK;
}

static uint64_t x86emu_ip_mask(enum x86emu_mode mode)
{
	switch (mode) {
	case X86EMU_MODE_LONG64:
		return ~0ULL;
	case X86EMU_MODE_PROT32:
		return 0xffffffffULL;
	default:
		return 0xffffULL;
	}
}

enum x86emu_result x86emu_emulate(const struct x86emu_ops *ops, void *opaque,
				  const struct x86emu_request *req, struct x86emu_report *rep)
{
	struct x86emu_ctxt c;
	enum x86emu_result rc;

	memset(rep, 0, sizeof(*rep));
	memset(&c, 0, sizeof(c));
	c.ops = ops;
	c.opaque = opaque;
	c.req = req;
	c.rep = rep;
	c.mode = req->mode;
	c.ip_mask = x86emu_ip_mask(req->mode);
	if (req->access & X86EMU_ACCESS_FETCH) {
		rc = x86emu_unsupported(&c, "instruction fetch from MMIO at gpa %#llx",
					(unsigned long long)req->gpa);
	} else {
		c.rip = ops->read_rip(opaque);
		c.rflags = ops->read_rflags(opaque);
		c.new_rflags = c.rflags;
		rc = x86emu_decode(&c);
		if (rc == X86EMU_OK)
			rc = x86emu_exec(&c);
	}
	memcpy(rep->insn, c.insn.bytes, c.insn.len);
	rep->insn_len = c.insn.len;
	if (rc == X86EMU_OK || rc == X86EMU_FAULT)
		rep->reason[0] = '\0';
	/* Real-mode exceptions push no error code (SDM Vol. 3A 20.1.4). */
	if (rc != X86EMU_FAULT)
		memset(&rep->exc, 0, sizeof(rep->exc));
	else if (req->mode == X86EMU_MODE_REAL)
		rep->exc.has_error_code = false;
	return rc;
}
