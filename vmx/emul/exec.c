/*
 * Instruction semantics for the MMIO emulator, one handler per kind of
 * x86emu_internal.h, after the instruction pages of SDM Vol. 2 and the
 * flag rules of Vol. 1 Appendix A "EFLAGS Cross-Reference".
 *
 * Each handler names its memory operand(s) with the access it makes,
 * lets x86emu_claim() tie them to the MMIO page, does the memory accesses
 * first and writes registers only after the last one succeeded, so an
 * instruction that fails leaves the registers as they were (REP string
 * instructions keep the iterations already done, as on the processor).
 */
#include "vmx/emul/x86emu_internal.h"

/*
 * Most iterations of a REP string instruction per exit. The device side
 * stays on one 4 KiB page and moves by at least a byte per iteration, so
 * this never cuts an instruction short; it bounds the loop regardless.
 */
#define X86EMU_REP_MAX X86EMU_PAGE_SIZE

/* ZF, SF and PF of a result masked to its size (PF: even parity of the low byte). */
static uint64_t x86emu_flags_zsp(uint64_t res, uint64_t msb)
{
	uint64_t fl = 0;
	uint8_t p = (uint8_t)res;

	if (!res)
		fl |= X86EMU_FLAG_ZF;
	if (res & msb)
		fl |= X86EMU_FLAG_SF;
	p ^= p >> 4;
	p ^= p >> 2;
	p ^= p >> 1;
	if (!(p & 1))
		fl |= X86EMU_FLAG_PF;
	return fl;
}

/*
 * dst OP src at `size` bytes, with CF PF AF ZF SF OF as the instruction
 * pages of ADD, ADC, SUB, SBB, CMP (all six from the result), AND, OR and
 * XOR (CF = OF = 0; AF undefined, cleared as the processor does) define
 * them. Carry and overflow come from the sign bits: a carry out of the
 * top bit is a carry from both operands or from either into a clear
 * result bit; overflow is a result sign that differs from both operands
 * (ADD) or from the minuend when the operands' signs differ (SUB).
 */
uint64_t x86emu_alu(enum x86emu_alu_op op, unsigned int size, uint64_t dst, uint64_t src,
		    uint64_t *rflags)
{
	uint64_t mask = x86emu_mask(size), msb = 1ULL << (size * 8 - 1);
	uint64_t cin = *rflags & X86EMU_FLAG_CF, res, cf = 0, of = 0, fl;

	dst &= mask;
	src &= mask;
	switch (op) {
	case X86EMU_ALU_ADD:
	case X86EMU_ALU_ADC:
		res = (dst + src + (op == X86EMU_ALU_ADC ? cin : 0)) & mask;
		cf = ((dst & src) | ((dst | src) & ~res)) & msb;
		of = (dst ^ res) & (src ^ res) & msb;
		break;
	case X86EMU_ALU_SUB:
	case X86EMU_ALU_SBB:
	case X86EMU_ALU_CMP:
		res = (dst - src - (op == X86EMU_ALU_SBB ? cin : 0)) & mask;
		cf = ((~dst & src) | (~(dst ^ src) & res)) & msb;
		of = (dst ^ src) & (dst ^ res) & msb;
		break;
	case X86EMU_ALU_AND:
		res = dst & src;
		break;
	case X86EMU_ALU_OR:
		res = dst | src;
		break;
	default: /* XOR */
		res = dst ^ src;
		break;
	}
	fl = x86emu_flags_zsp(res, msb);
	if (cf)
		fl |= X86EMU_FLAG_CF;
	if (of)
		fl |= X86EMU_FLAG_OF;
	if (op != X86EMU_ALU_AND && op != X86EMU_ALU_OR && op != X86EMU_ALU_XOR)
		fl |= (dst ^ src ^ res) & X86EMU_FLAG_AF; /* carry out of bit 3 */
	*rflags = (*rflags & ~(uint64_t)X86EMU_FLAGS_ARITH) | fl;
	return res;
}

static unsigned int x86emu_size(const struct x86emu_insn *in)
{
	return in->byte_op ? 1 : in->opsize;
}

/* The ModRM or moffs memory operand, `size` bytes. */
static struct x86emu_operand x86emu_memop(const struct x86emu_insn *in, unsigned int size,
					  unsigned int access)
{
	struct x86emu_operand op = {
		.seg = in->seg,
		.ea = in->ea,
		.size = (uint8_t)size,
		.access = (uint8_t)access,
	};

	return op;
}

/* Claim the single memory operand and read it. */
static enum x86emu_result x86emu_load(struct x86emu_ctxt *c, struct x86emu_operand *m,
				      uint64_t *val)
{
	enum x86emu_result rc = x86emu_claim(c, m, 1);

	return rc == X86EMU_OK ? x86emu_read(c, m, val) : rc;
}

/* OP r/m, src with the memory operand as destination (00, 08... forms 0/1, 80-83). */
static enum x86emu_result x86emu_alu_mem(struct x86emu_ctxt *c, enum x86emu_alu_op op, uint64_t src)
{
	unsigned int size = x86emu_size(&c->insn);
	bool write = op != X86EMU_ALU_CMP;
	struct x86emu_operand m =
		x86emu_memop(&c->insn, size,
			     X86EMU_ACCESS_READ | (write ? X86EMU_ACCESS_WRITE : 0));
	enum x86emu_result rc;
	uint64_t dst, res;

	rc = x86emu_load(c, &m, &dst);
	if (rc != X86EMU_OK)
		return rc;
	res = x86emu_alu(op, size, dst, src, &c->new_rflags);
	if (write) {
		rc = x86emu_write(c, &m, res);
		if (rc != X86EMU_OK)
			return rc;
	}
	return x86emu_complete(c);
}

/* 00-3B: ADD OR ADC SBB AND SUB XOR CMP, bit 1 set for a register destination. */
static enum x86emu_result x86emu_exec_alu(struct x86emu_ctxt *c)
{
	const struct x86emu_insn *in = &c->insn;
	enum x86emu_alu_op op = (enum x86emu_alu_op)(in->op >> 3);
	unsigned int size = x86emu_size(in);
	struct x86emu_operand m = x86emu_memop(in, size, X86EMU_ACCESS_READ);
	enum x86emu_result rc;
	uint64_t src, res;

	if (!(in->op & 0x02))
		return x86emu_alu_mem(c, op, x86emu_reg_read(c, in->reg, size));
	rc = x86emu_load(c, &m, &src);
	if (rc != X86EMU_OK)
		return rc;
	res = x86emu_alu(op, size, x86emu_reg_read(c, in->reg, size), src, &c->new_rflags);
	if (op != X86EMU_ALU_CMP)
		x86emu_reg_write(c, in->reg, size, res);
	return x86emu_complete(c);
}

/* 84/85 TEST r/m, reg and F6/F7 /0 TEST r/m, imm: AND for the flags only. */
static enum x86emu_result x86emu_exec_test(struct x86emu_ctxt *c, uint64_t src)
{
	unsigned int size = x86emu_size(&c->insn);
	struct x86emu_operand m = x86emu_memop(&c->insn, size, X86EMU_ACCESS_READ);
	enum x86emu_result rc;
	uint64_t dst;

	rc = x86emu_load(c, &m, &dst);
	if (rc != X86EMU_OK)
		return rc;
	x86emu_alu(X86EMU_ALU_AND, size, dst, src, &c->new_rflags);
	return x86emu_complete(c);
}

/* 86/87 XCHG r/m, reg: the register gets the old memory value. */
static enum x86emu_result x86emu_exec_xchg(struct x86emu_ctxt *c)
{
	const struct x86emu_insn *in = &c->insn;
	unsigned int size = x86emu_size(in);
	struct x86emu_operand m = x86emu_memop(in, size, X86EMU_ACCESS_READ | X86EMU_ACCESS_WRITE);
	enum x86emu_result rc;
	uint64_t old;

	rc = x86emu_load(c, &m, &old);
	if (rc != X86EMU_OK)
		return rc;
	rc = x86emu_write(c, &m, x86emu_reg_read(c, in->reg, size));
	if (rc != X86EMU_OK)
		return rc;
	x86emu_reg_write(c, in->reg, size, old);
	return x86emu_complete(c);
}

/* A store of `val` to the memory operand: 88/89, A2/A3, C6/C7. */
static enum x86emu_result x86emu_store(struct x86emu_ctxt *c, uint64_t val)
{
	struct x86emu_operand m =
		x86emu_memop(&c->insn, x86emu_size(&c->insn), X86EMU_ACCESS_WRITE);
	enum x86emu_result rc = x86emu_claim(c, &m, 1);

	if (rc == X86EMU_OK)
		rc = x86emu_write(c, &m, val);
	return rc == X86EMU_OK ? x86emu_complete(c) : rc;
}

/*
 * A load into register `reg` of `size` bytes from `src_size` bytes of the
 * memory operand, sign- or zero-extended: 8A/8B, A0/A1, MOVZX, MOVSX.
 */
static enum x86emu_result x86emu_load_reg(struct x86emu_ctxt *c, unsigned int reg,
					  unsigned int size, unsigned int src_size, bool sign)
{
	struct x86emu_operand m = x86emu_memop(&c->insn, src_size, X86EMU_ACCESS_READ);
	enum x86emu_result rc;
	uint64_t v;

	rc = x86emu_load(c, &m, &v);
	if (rc != X86EMU_OK)
		return rc;
	x86emu_reg_write(c, reg, size, sign ? x86emu_sext(v, src_size) : v);
	return x86emu_complete(c);
}

/* A0-A3: MOV AL/eAX <-> moffs; bit 1 set for the store. */
static enum x86emu_result x86emu_exec_moffs(struct x86emu_ctxt *c)
{
	unsigned int size = x86emu_size(&c->insn);

	if (c->insn.op & 0x02)
		return x86emu_store(c, x86emu_reg_read(c, X86EMU_RAX, size));
	return x86emu_load_reg(c, X86EMU_RAX, size, size, false);
}

/*
 * BT BTS BTR BTC on memory (SDM Vol. 2 "BT"): with a register offset the
 * operand is the bit string at the effective address, so the accessed
 * word is EA + operand size * (offset DIV operand width), the offset a
 * signed value of the operand size; with an imm8 the offset is taken
 * modulo the width. CF is the old bit; ZF is kept and OF SF AF PF, which
 * the SDM leaves undefined, too (as the processor does).
 */
static enum x86emu_result x86emu_exec_bit(struct x86emu_ctxt *c, enum x86emu_bit_op op,
					  uint64_t offset, bool reg_offset)
{
	const struct x86emu_insn *in = &c->insn;
	unsigned int size = in->opsize, shift = size == 2 ? 4 : size == 4 ? 5 : 6;
	unsigned int bit = (unsigned int)(offset & (size * 8 - 1));
	struct x86emu_operand m =
		x86emu_memop(in, size,
			     X86EMU_ACCESS_READ | (op != X86EMU_BIT_BT ? X86EMU_ACCESS_WRITE : 0));
	enum x86emu_result rc;
	uint64_t v, cf;

	if (reg_offset) {
		int64_t words = (int64_t)x86emu_sext(offset, size) >> shift;

		m.ea = (m.ea + (uint64_t)words * size) & x86emu_mask(in->addrsize);
	}
	rc = x86emu_load(c, &m, &v);
	if (rc != X86EMU_OK)
		return rc;
	cf = (v >> bit) & 1;
	if (op == X86EMU_BIT_BTS)
		v |= 1ULL << bit;
	else if (op == X86EMU_BIT_BTR)
		v &= ~(1ULL << bit);
	else if (op == X86EMU_BIT_BTC)
		v ^= 1ULL << bit;
	if (op != X86EMU_BIT_BT) {
		rc = x86emu_write(c, &m, v);
		if (rc != X86EMU_OK)
			return rc;
	}
	c->new_rflags = (c->new_rflags & ~(uint64_t)X86EMU_FLAG_CF) | cf;
	return x86emu_complete(c);
}

/* MOVS or STOS in progress. */
struct x86emu_string {
	struct x86emu_operand op[2]; /* MOVS: source, destination; STOS: destination */
	unsigned int n;
	bool rep;
	uint64_t rcx, rsi, rdi, step;
};

static void x86emu_string_ea(const struct x86emu_ctxt *c, struct x86emu_string *s)
{
	uint64_t amask = x86emu_mask(c->insn.addrsize);

	if (s->n == 2)
		s->op[0].ea = s->rsi & amask;
	s->op[s->n - 1].ea = s->rdi & amask;
}

/* The counters at the address size: SI/DI/CX merge, ESI/EDI/ECX zero-extend. */
static void x86emu_string_regs(struct x86emu_ctxt *c, const struct x86emu_string *s)
{
	unsigned int as = c->insn.addrsize;

	if (s->n == 2)
		x86emu_reg_write(c, X86EMU_RSI, as, s->rsi);
	x86emu_reg_write(c, X86EMU_RDI, as, s->rdi);
	if (s->rep)
		x86emu_reg_write(c, X86EMU_RCX, as, s->rcx);
}

/* One element: [rSI] (MOVS) or AL/eAX (STOS) to [rDI], then the counters. */
static enum x86emu_result x86emu_string_step(struct x86emu_ctxt *c, struct x86emu_string *s)
{
	enum x86emu_result rc = X86EMU_OK;
	uint64_t v;

	if (s->n == 2)
		rc = x86emu_read(c, &s->op[0], &v);
	else
		v = x86emu_reg_read(c, X86EMU_RAX, s->op[0].size);
	if (rc == X86EMU_OK)
		rc = x86emu_write(c, &s->op[s->n - 1], v);
	if (rc != X86EMU_OK)
		return rc;
	s->rsi += s->step;
	s->rdi += s->step;
	s->rcx--;
	return X86EMU_OK;
}

/*
 * Whether the next iteration may run here: its operands must sit where
 * the first iteration's did (device or memory). Otherwise the guest
 * re-executes the instruction for the rest, and the processor (or the
 * next exit) handles the new page.
 */
static bool x86emu_string_next(struct x86emu_ctxt *c, struct x86emu_string *s, const bool *mmio)
{
	struct x86emu_operand *src = &s->op[0], *dst = &s->op[s->n - 1];

	x86emu_string_ea(c, s);
	if (s->n == 2 && (x86emu_locate(c, src) != X86EMU_OK || src->mmio != mmio[0]))
		return false;
	return x86emu_locate(c, dst) == X86EMU_OK && dst->mmio == mmio[1];
}

/*
 * A4/A5 MOVS, AA/AB STOS with or without REP (F3; F2 repeats them the
 * same way). rSI and rDI move by the element size, backwards with
 * RFLAGS.DF; REP counts rCX at the address size down to zero (SDM Vol. 2
 * "MOVS", "STOS", "REP"). The destination is always ES:rDI.
 */
static enum x86emu_result x86emu_exec_string(struct x86emu_ctxt *c)
{
	const struct x86emu_insn *in = &c->insn;
	unsigned int size = x86emu_size(in), done = 0;
	struct x86emu_string s = { .n = in->kind == X86EMU_K_MOVS ? 2 : 1, .rep = in->rep != 0 };
	bool mmio[2], partial = false;
	enum x86emu_result rc;

	s.op[0] = x86emu_memop(in, size, X86EMU_ACCESS_READ);
	s.op[s.n - 1] = x86emu_memop(in, size, X86EMU_ACCESS_WRITE);
	s.op[s.n - 1].seg = X86EMU_ES;
	s.rsi = x86emu_reg_read(c, X86EMU_RSI, 8);
	s.rdi = x86emu_reg_read(c, X86EMU_RDI, 8);
	s.rcx = s.rep ? x86emu_reg_read(c, X86EMU_RCX, 8) : 1;
	s.step = (c->rflags & X86EMU_FLAG_DF) ? 0 - (uint64_t)size : size;
	if (!(s.rcx & x86emu_mask(in->addrsize))) {
		x86emu_string_regs(c, &s);
		return x86emu_complete(c);
	}
	x86emu_string_ea(c, &s);
	rc = x86emu_claim(c, s.op, s.n);
	if (rc != X86EMU_OK)
		return rc;
	mmio[0] = s.op[0].mmio;
	mmio[1] = s.op[s.n - 1].mmio;
	for (;;) {
		rc = x86emu_string_step(c, &s);
		if (rc != X86EMU_OK || !(s.rcx & x86emu_mask(in->addrsize)))
			break;
		if (++done == X86EMU_REP_MAX || !x86emu_string_next(c, &s, mmio)) {
			partial = true;
			break;
		}
	}
	if (rc == X86EMU_OK || done)
		x86emu_string_regs(c, &s);
	if (rc != X86EMU_OK || partial)
		return rc;
	return x86emu_complete(c);
}

enum x86emu_result x86emu_exec(struct x86emu_ctxt *c)
{
	const struct x86emu_insn *in = &c->insn;
	unsigned int size = x86emu_size(in);

	switch (in->kind) {
	case X86EMU_K_ALU:
		return x86emu_exec_alu(c);
	case X86EMU_K_GRP1:
		return x86emu_alu_mem(c, (enum x86emu_alu_op)(in->reg & 7), in->imm);
	case X86EMU_K_TEST:
		return x86emu_exec_test(c, x86emu_reg_read(c, in->reg, size));
	case X86EMU_K_GRP3:
		return x86emu_exec_test(c, in->imm);
	case X86EMU_K_XCHG:
		return x86emu_exec_xchg(c);
	case X86EMU_K_MOV_STORE:
		return x86emu_store(c, x86emu_reg_read(c, in->reg, size));
	case X86EMU_K_MOV_IMM:
		return x86emu_store(c, in->imm);
	case X86EMU_K_MOV_LOAD:
		return x86emu_load_reg(c, in->reg, size, size, false);
	case X86EMU_K_MOV_MOFFS:
		return x86emu_exec_moffs(c);
	case X86EMU_K_MOVZX:
	case X86EMU_K_MOVSX:
		return x86emu_load_reg(c, in->reg, in->opsize, (in->op & 1) ? 2 : 1,
				       in->kind == X86EMU_K_MOVSX);
	case X86EMU_K_BT:
		return x86emu_exec_bit(c, (enum x86emu_bit_op)((in->op >> 3) & 3),
				       x86emu_reg_read(c, in->reg, in->opsize), true);
	case X86EMU_K_GRP8:
		return x86emu_exec_bit(c, (enum x86emu_bit_op)((in->reg & 7) - 4), in->imm, false);
	case X86EMU_K_MOVS:
	case X86EMU_K_STOS:
		return x86emu_exec_string(c);
	default:
		return x86emu_unsupported(c, "opcode %02x: no handler", in->op);
	}
}
