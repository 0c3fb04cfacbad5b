/*
 * Inside the MMIO instruction emulator: the decoded instruction, the
 * per-call context and the helpers that decode.c, exec.c and x86emu.c
 * share. Not for use outside vmx/emul/.
 *
 * Flow: x86emu_emulate() (x86emu.c) sets up a context, x86emu_decode()
 * (decode.c) fetches and decodes one instruction into `insn`,
 * x86emu_exec() (exec.c) runs it. Every guest access goes through the
 * helpers of x86emu.c, which pick the device or guest memory for each
 * memory operand and keep the report.
 */
#ifndef STRATA_VMX_EMUL_X86EMU_INTERNAL_H
#define STRATA_VMX_EMUL_X86EMU_INTERNAL_H

#include "vmx/emul/x86emu.h"

/* What an opcode does: selects the handler in exec.c. */
enum x86emu_kind {
	X86EMU_K_NONE,      /* not emulated */
	X86EMU_K_ALU,       /* 00-3B: operation in opcode bits 5:3, direction in bit 1 */
	X86EMU_K_GRP1,      /* 80-83: operation in ModRM.reg, immediate source */
	X86EMU_K_TEST,      /* 84/85 */
	X86EMU_K_XCHG,      /* 86/87 */
	X86EMU_K_MOV_STORE, /* 88/89 */
	X86EMU_K_MOV_LOAD,  /* 8A/8B */
	X86EMU_K_MOV_MOFFS, /* A0-A3 */
	X86EMU_K_MOVS,      /* A4/A5 */
	X86EMU_K_STOS,      /* AA/AB */
	X86EMU_K_MOV_IMM,   /* C6 /0, C7 /0 */
	X86EMU_K_GRP3,      /* F6 /0, F7 /0: TEST with an immediate */
	X86EMU_K_MOVZX,     /* 0F B6/B7 */
	X86EMU_K_MOVSX,     /* 0F BE/BF */
	X86EMU_K_BT,        /* 0F A3/AB/B3/BB: bit offset in a register */
	X86EMU_K_GRP8,      /* 0F BA /4-/7: bit offset in an imm8 */
};

/* Arithmetic operations in opcode bits 5:3 and group-1 ModRM.reg order (SDM Vol. 2 Table A-6). */
enum x86emu_alu_op {
	X86EMU_ALU_ADD,
	X86EMU_ALU_OR,
	X86EMU_ALU_ADC,
	X86EMU_ALU_SBB,
	X86EMU_ALU_AND,
	X86EMU_ALU_SUB,
	X86EMU_ALU_XOR,
	X86EMU_ALU_CMP,
};

/* Bit tests in group-8 ModRM.reg order minus 4, and opcode bits 4:3 of 0F A3/AB/B3/BB. */
enum x86emu_bit_op {
	X86EMU_BIT_BT,
	X86EMU_BIT_BTS,
	X86EMU_BIT_BTR,
	X86EMU_BIT_BTC,
};

/* One decoded instruction (SDM Vol. 2 2.1 "Instruction Format"). */
struct x86emu_insn {
	uint8_t bytes[X86EMU_MAX_INSN_LEN];
	uint8_t len;      /* bytes consumed so far */
	uint8_t opsize;   /* operand size in bytes: 2, 4 or 8 (byte forms use 1 explicitly) */
	uint8_t addrsize; /* address size in bytes: 2, 4 or 8 */
	uint8_t rex;      /* REX prefix in effect, 0 if none */
	uint8_t rep;      /* 0xf2, 0xf3 or 0 */
	bool lock;
	bool seg_override;
	enum x86emu_seg seg; /* of the memory operand (override or default) */
	bool twobyte;        /* opcode map 0F */
	uint8_t op;          /* opcode byte within its map */
	enum x86emu_kind kind;
	bool byte_op; /* operand size is 1 */
	/* ModRM, with REX.R in reg and REX.B in rm (SDM Vol. 2 2.2.1.2). */
	bool has_modrm;
	uint8_t mod, reg, rm;
	/* The memory operand: mod != 3, or a moffs. */
	bool mem;
	bool rip_relative;
	uint64_t ea;  /* effective address, truncated to the address size */
	uint64_t imm; /* immediate, sign-extended as the instruction says */
};

/* A memory operand as one access sees it. */
struct x86emu_operand {
	enum x86emu_seg seg;
	uint64_t ea;    /* offset in the segment, truncated to the address size */
	uint8_t size;   /* 1, 2, 4 or 8 */
	uint8_t access; /* X86EMU_ACCESS_READ and/or _WRITE: what the instruction does */
	gva_t la;       /* linear address, set by x86emu_locate() */
	bool mmio;      /* on the MMIO page, set by x86emu_locate() */
};

struct x86emu_ctxt {
	const struct x86emu_ops *ops;
	void *opaque;
	const struct x86emu_request *req;
	struct x86emu_report *rep;
	enum x86emu_mode mode;
	uint64_t rip;        /* of the instruction */
	uint64_t ip_mask;    /* 0xffff, 0xffffffff or all ones */
	uint64_t rflags;     /* on entry */
	uint64_t new_rflags; /* written back when the instruction completes */
	uint8_t fetched;     /* valid bytes in insn.bytes */
	uint8_t seg_known;   /* bit per segment cached in seg_base[] */
	uint64_t seg_base[X86EMU_NR_SEGS];
	bool mmio_known; /* mmio_page chosen (x86emu_claim) */
	gva_t mmio_page; /* linear page of the device operand */
	struct x86emu_insn insn;
};

/* Mask of the low `size` bytes; `size` is 1, 2, 4 or 8. */
static inline uint64_t x86emu_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* The low `size` bytes of `v`, sign-extended to 64 bits. */
static inline uint64_t x86emu_sext(uint64_t v, unsigned int size)
{
	switch (size) {
	case 1:
		return (uint64_t)(int64_t)(int8_t)(uint8_t)v;
	case 2:
		return (uint64_t)(int64_t)(int16_t)(uint16_t)v;
	case 4:
		return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	default:
		return v;
	}
}

#define X86EMU_PAGE_MASK ((uint64_t)X86EMU_PAGE_SIZE - 1)

/*
 * A 64-bit-mode linear address is canonical when bits 63:48 (63:57 with
 * CR4.LA57) copy bit 47 (56) (SDM Vol. 1 3.3.7.1 "Canonical Addressing").
 */
static inline bool x86emu_canonical(const struct x86emu_ctxt *c, gva_t la)
{
	unsigned int unused = c->req->la57 ? 64 - 57 : 64 - 48;

	return (gva_t)((int64_t)(la << unused) >> unused) == la;
}

/* decode.c: fetch and decode the instruction at c->rip into c->insn. */
enum x86emu_result x86emu_decode(struct x86emu_ctxt *c);

/* exec.c: run c->insn; on success completes it through x86emu_complete(). */
enum x86emu_result x86emu_exec(struct x86emu_ctxt *c);

/* exec.c: an arithmetic operation with its flags (SDM Vol. 1 3.4.3.1, Appendix A). */
uint64_t x86emu_alu(enum x86emu_alu_op op, unsigned int size, uint64_t dst, uint64_t src,
		    uint64_t *rflags);

/*
 * x86emu.c: the report of an outcome. The outcomes themselves are
 * expressions of their result, x86emu_unsupported(c, fmt, ...),
 * x86emu_retry(c, fmt, ...) and x86emu_fault(c, vector, error_code), so
 * that every file (and its static analysis) sees which result it returns.
 */
void x86emu_set_reason(struct x86emu_ctxt *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void x86emu_set_exception(struct x86emu_ctxt *c, uint8_t vector, uint32_t error_code);

#define x86emu_unsupported(c, ...) (x86emu_set_reason((c), __VA_ARGS__), X86EMU_UNSUPPORTED)
#define x86emu_retry(c, ...)       (x86emu_set_reason((c), __VA_ARGS__), X86EMU_RETRY)
#define x86emu_fault(c, vector, error_code) \
	(x86emu_set_exception((c), (vector), (error_code)), X86EMU_FAULT)

/* x86emu.c: a fetch, read_mem or write_mem op returned `rc` (not X86EMU_OK). */
enum x86emu_result x86emu_mem_failed(struct x86emu_ctxt *c, enum x86emu_result rc, const char *what,
				     gva_t la, unsigned int size);

/* x86emu.c: registers. Byte registers 4-7 are AH-BH unless a REX prefix is present. */
uint64_t x86emu_reg_read(struct x86emu_ctxt *c, unsigned int reg, unsigned int size);
void x86emu_reg_write(struct x86emu_ctxt *c, unsigned int reg, unsigned int size, uint64_t val);
uint64_t x86emu_seg_base(struct x86emu_ctxt *c, enum x86emu_seg seg);

/* x86emu.c: memory operands. */
enum x86emu_result x86emu_claim(struct x86emu_ctxt *c, struct x86emu_operand *op, unsigned int n);
enum x86emu_result x86emu_locate(struct x86emu_ctxt *c, struct x86emu_operand *op);
enum x86emu_result x86emu_read(struct x86emu_ctxt *c, const struct x86emu_operand *op,
			       uint64_t *val);
enum x86emu_result x86emu_write(struct x86emu_ctxt *c, const struct x86emu_operand *op,
				uint64_t val);

/* x86emu.c: write RFLAGS and the next RIP; the instruction is done. */
enum x86emu_result x86emu_complete(struct x86emu_ctxt *c);

#endif
