/*
 * String I/O emulation, the pure part (see strio_core.h).
 */
#include "vmx/strio_core.h"

#define PAGE_OFFSET_MASK 0xfffULL

/* One cached translation: a 4 KiB linear page and its guest-physical page. */
struct strio_tlb {
	bool valid;
	uint64_t lpn;
	gpa_t page;
};

/* An element's bytes, split where they cross a 4 KiB page. */
struct strio_span {
	gpa_t gpa[2];
	unsigned len[2];
	unsigned count;
};

static enum strio_status exception(struct strio_result *res, uint8_t vector)
{
	res->vector = vector;
	return STRIO_EXCEPTION;
}

static uint8_t seg_fault_vector(enum strio_seg_reg reg)
{
	return reg == STRIO_SEG_SS ? STRIO_VECTOR_SS : STRIO_VECTOR_GP;
}

/* All-ones of an address size. */
static uint64_t addr_mask(unsigned addr_bytes)
{
	return addr_bytes == 8 ? ~0ULL : (1ULL << (8 * addr_bytes)) - 1;
}

/* Write `val` to a register as an address-size operand: 16 bits merge, 32 zero-extend. */
static uint64_t reg_write(uint64_t old, uint64_t val, unsigned addr_bytes)
{
	if (addr_bytes == 2)
		return (old & ~0xffffULL) | (val & 0xffff);
	if (addr_bytes == 4)
		return (uint32_t)val;
	return val;
}

static enum strio_status translate(const struct strio_cpu *cpu, const struct strio_ops *ops,
				   void *ctx, struct strio_tlb *tlb, gva_t la, unsigned access,
				   gpa_t *gpa, struct strio_result *res)
{
	struct gpt_walk walk;

	if (tlb && tlb->valid && tlb->lpn == la >> PAGE_SHIFT) {
		*gpa = tlb->page | (la & PAGE_OFFSET_MASK);
		return STRIO_DONE;
	}
	switch (gpt_translate(&cpu->paging, &ops->pt, ctx, la, access, &walk)) {
	case GPT_OK:
		break;
	case GPT_PAGE_FAULT:
		res->linear = la;
		res->error_code = walk.error_code;
		return STRIO_PAGE_FAULT;
	case GPT_BAD_GPA:
		res->gpa = walk.bad_gpa;
		res->table = true;
		return STRIO_BAD_GPA;
	default:
		return exception(res, STRIO_VECTOR_GP);
	}
	*gpa = walk.gpa;
	if (tlb) {
		tlb->valid = true;
		tlb->lpn = la >> PAGE_SHIFT;
		tlb->page = walk.gpa & ~PAGE_OFFSET_MASK;
	}
	return STRIO_DONE;
}

/* Translate the `size` bytes at `la` (one or two pages) before touching any. */
static enum strio_status map_element(const struct strio_cpu *cpu, const struct strio_ops *ops,
				     void *ctx, struct strio_tlb *tlb, gva_t la, unsigned size,
				     unsigned access, struct strio_span *span,
				     struct strio_result *res)
{
	uint64_t la_mask = cpu->long64 ? ~0ULL : 0xffffffffULL;
	unsigned first = (unsigned)MIN((uint64_t)size, PAGE_SIZE - (la & PAGE_OFFSET_MASK));
	enum strio_status st;

	span->count = 1;
	span->len[0] = first;
	st = translate(cpu, ops, ctx, tlb, la, access, &span->gpa[0], res);
	if (st != STRIO_DONE || first == size)
		return st;
	span->count = 2;
	span->len[1] = size - first;
	return translate(cpu, ops, ctx, tlb, (la + first) & la_mask, access, &span->gpa[1], res);
}

/* Is [off, off + size - 1] inside the segment limit? (SDM Vol. 3A 5.3) */
static bool within_limit(const struct strio_seg *seg, uint64_t off, unsigned size)
{
	uint64_t last = off + size - 1;

	if (!(seg->ar & STRIO_AR_TYPE_CODE) && (seg->ar & STRIO_AR_TYPE_EXPDN)) {
		uint64_t upper = seg->ar & STRIO_AR_DB ? 0xffffffffULL : 0xffffULL;

		return off > seg->limit && last <= upper;
	}
	return last <= seg->limit;
}

/* Segmentation: the element's linear address, or a #GP/#SS. */
static enum strio_status linear_address(const struct strio_insn *insn, const struct strio_cpu *cpu,
					uint64_t off, gva_t *la, struct strio_result *res)
{
	const struct strio_seg *seg = &insn->seg;
	uint8_t vector = seg_fault_vector(seg->reg);

	if (cpu->long64) {
		/* 64-bit mode: no limits, a base for FS and GS only (SDM Vol. 3A 3.4.4). */
		*la = (seg->reg == STRIO_SEG_FS || seg->reg == STRIO_SEG_GS ? seg->base : 0) + off;
		if (!gpt_canonical(&cpu->paging, *la) ||
		    !gpt_canonical(&cpu->paging, *la + insn->size - 1))
			return exception(res, vector);
		return STRIO_DONE;
	}
	if (cpu->protected_mode) {
		/* Null selector; INS needs writable data, OUTS a readable segment. */
		if (seg->ar & STRIO_AR_UNUSABLE)
			return exception(res, vector);
		if (insn->in && ((seg->ar & STRIO_AR_TYPE_CODE) || !(seg->ar & STRIO_AR_TYPE_RW)))
			return exception(res, vector);
		if (!insn->in && (seg->ar & STRIO_AR_TYPE_CODE) && !(seg->ar & STRIO_AR_TYPE_RW))
			return exception(res, vector);
	}
	if (!within_limit(seg, off, insn->size))
		return exception(res, vector);
	*la = (uint32_t)(seg->base + off);
	return STRIO_DONE;
}

static unsigned access_kind(const struct strio_cpu *cpu, bool write)
{
	unsigned access = write ? GPT_ACCESS_WRITE : GPT_ACCESS_READ;

	if (cpu->cpl == 3)
		access |= GPT_ACCESS_USER;
	else if (cpu->ac)
		access |= GPT_ACCESS_AC;
	return access;
}

/* Move one element between the port and guest memory. */
static enum strio_status one_element(const struct strio_insn *insn, const struct strio_cpu *cpu,
				     const struct strio_regs *regs, const struct strio_ops *ops,
				     void *ctx, struct strio_tlb *tlb, struct strio_result *res)
{
	uint64_t off = (insn->in ? regs->rdi : regs->rsi) & addr_mask(insn->addr_bytes);
	uint8_t bytes[4] = { 0 };
	struct strio_span span;
	enum strio_status st;
	uint32_t value = 0;
	unsigned done = 0;
	gva_t la;

	st = linear_address(insn, cpu, off, &la, res);
	if (st != STRIO_DONE)
		return st;
	st = map_element(cpu, ops, ctx, tlb, la, insn->size, access_kind(cpu, insn->in), &span,
			 res);
	if (st != STRIO_DONE)
		return st;
	if (insn->in) {
		value = ops->port_in(ctx, insn->port, insn->size);
		for (unsigned i = 0; i < insn->size; i++)
			bytes[i] = (uint8_t)(value >> (8 * i));
	}
	for (unsigned i = 0; i < span.count; i++) {
		bool ok = insn->in ? ops->mem_write(ctx, span.gpa[i], bytes + done, span.len[i])
				   : ops->mem_read(ctx, span.gpa[i], bytes + done, span.len[i]);

		if (!ok) {
			res->gpa = span.gpa[i];
			res->table = false;
			return STRIO_BAD_GPA;
		}
		done += span.len[i];
	}
	if (!insn->in) {
		for (unsigned i = 0; i < insn->size; i++)
			value |= (uint32_t)bytes[i] << (8 * i);
		if (!ops->port_out(ctx, insn->port, insn->size, value))
			return STRIO_STOPPED;
	}
	return STRIO_DONE;
}

void strio_run(const struct strio_insn *insn, const struct strio_cpu *cpu, struct strio_regs *regs,
	       const struct strio_ops *ops, void *ctx, uint32_t budget, struct strio_result *res)
{
	unsigned ab = insn->addr_bytes;
	uint64_t step = insn->size, count;
	struct strio_tlb tlb = { 0 };

	*res = (struct strio_result){ .status = STRIO_DONE };
	if ((insn->size != 1 && insn->size != 2 && insn->size != 4) ||
	    (ab != 2 && ab != 4 && ab != 8)) {
		res->status = STRIO_INVALID;
		return;
	}
	if (cpu->df)
		step = -step;
	if (budget == 0)
		budget = 1;
	count = insn->rep ? regs->rcx & addr_mask(ab) : 1;
	while (count > 0) {
		enum strio_status st;

		if (res->elements == budget) {
			res->status = STRIO_MORE;
			return;
		}
		st = one_element(insn, cpu, regs, ops, ctx, &tlb, res);
		if (st != STRIO_DONE && st != STRIO_STOPPED) {
			res->status = st;
			return;
		}
		if (insn->in)
			regs->rdi = reg_write(regs->rdi, regs->rdi + step, ab);
		else
			regs->rsi = reg_write(regs->rsi, regs->rsi + step, ab);
		count--;
		if (insn->rep)
			regs->rcx = reg_write(regs->rcx, count, ab);
		res->elements++;
		if (st == STRIO_STOPPED) {
			res->status = st;
			return;
		}
	}
	res->status = STRIO_DONE;
}

enum strio_status strio_read_linear(const struct strio_cpu *cpu, const struct strio_ops *ops,
				    void *ctx, gva_t la, void *buf, unsigned len, unsigned access,
				    struct strio_result *res)
{
	uint64_t la_mask = cpu->long64 ? ~0ULL : 0xffffffffULL;
	uint8_t *out = buf;

	*res = (struct strio_result){ .status = STRIO_DONE };
	if (len == 0)
		return STRIO_DONE;
	if (cpu->long64 &&
	    (!gpt_canonical(&cpu->paging, la) || !gpt_canonical(&cpu->paging, la + len - 1))) {
		res->status = exception(res, STRIO_VECTOR_GP);
		return res->status;
	}
	la &= la_mask;
	while (len > 0) {
		unsigned n = (unsigned)MIN((uint64_t)len, PAGE_SIZE - (la & PAGE_OFFSET_MASK));
		enum strio_status st;
		gpa_t gpa;

		st = translate(cpu, ops, ctx, NULL, la, access, &gpa, res);
		if (st == STRIO_DONE && !ops->mem_read(ctx, gpa, out, n)) {
			res->gpa = gpa;
			res->table = false;
			st = STRIO_BAD_GPA;
		}
		if (st != STRIO_DONE) {
			res->status = st;
			return st;
		}
		out += n;
		len -= n;
		la = (la + n) & la_mask;
	}
	return STRIO_DONE;
}

bool strio_decode(const uint8_t *insn, unsigned len, unsigned default_addr_bytes, bool long64,
		  unsigned *addr_bytes, enum strio_seg_reg *seg)
{
	enum strio_seg_reg over = STRIO_SEG_DS;
	bool addr_override = false;

	if (default_addr_bytes != 2 && default_addr_bytes != 4 && default_addr_bytes != 8)
		return false;
	for (unsigned i = 0; i < len; i++) {
		uint8_t b = insn[i];

		switch (b) {
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* ES, CS, SS, DS overrides: bits 4:3 of the byte; null prefixes in 64-bit mode. */
			if (!long64)
				over = (enum strio_seg_reg)((b >> 3) & 3);
			break;
		case 0x64:
			over = STRIO_SEG_FS;
			break;
		case 0x65:
			over = STRIO_SEG_GS;
			break;
		case 0x67:
			addr_override = true;
			break;
		case 0x66:
		case 0xf0:
		case 0xf2:
		case 0xf3:
			break;
		case 0x6c:
		case 0x6d:
		case 0x6e:
		case 0x6f:
			/* No operand bytes follow: the opcode ends the instruction. */
			if (i != len - 1)
				return false;
			/* 0x67: 16 <-> 32 bits, or 64 -> 32 in 64-bit mode (SDM Vol. 1 3.6, Table 3-4). */
			*addr_bytes = default_addr_bytes;
			if (addr_override)
				*addr_bytes = default_addr_bytes == 4 ? 2 : 4;
			*seg = b <= 0x6d ? STRIO_SEG_ES : over;
			return true;
		default:
			if (long64 && (b & 0xf0) == 0x40) /* REX: no effect on address size */
				break;
			return false;
		}
	}
	return false;
}
