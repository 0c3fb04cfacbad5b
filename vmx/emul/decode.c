/*
 * Instruction decoding for the MMIO emulator, after SDM Vol. 2 Chapter 2
 * "Instruction Format": legacy prefixes (2.1.1), REX (2.2.1), the
 * one-byte and 0F opcode maps (Appendix A), ModRM and SIB (2.1.3, Tables
 * 2-1, 2-2 and 2-3), RIP-relative addressing (2.2.1.6), displacements and
 * immediates (2.1.4), operand and address size (Vol. 1 3.6, Table 3-4 and
 * Vol. 2 2.2.1.2).
 *
 * Only the opcodes exec.c emulates are decoded in full; any other stops
 * at its opcode (or ModRM.reg for a group) with a report, since its
 * length is never needed. Instruction bytes are fetched lazily, up to the
 * end of the page first, so a short instruction at the end of a page
 * never touches the next one, as on the processor.
 */
#include "vmx/emul/x86emu_internal.h"

/* What follows an opcode and how it is decoded. */
#define D_MODRM 0x01 /* a ModRM byte */
#define D_BYTE  0x02 /* 8-bit operands (opcode bit 0 clear, SDM Vol. 2 B.1.4.3 "w") */
#define D_IMM8  0x04 /* imm8, sign-extended */
#define D_IMMZ  0x08 /* imm16 with a 16-bit operand size, else imm32 sign-extended */
#define D_MOFFS 0x10 /* an offset of the address size, no ModRM (A0-A3) */
#define D_GROUP 0x20 /* ModRM.reg is part of the opcode (Table A-6) */

struct x86emu_opdesc {
	uint8_t kind; /* enum x86emu_kind */
	uint8_t flags;
};

/* clang-format off */
/* The four ModRM forms of an arithmetic row: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev (Table A-2). */
#define X86EMU_ALU_ROW(b)                                    \
	[(b) + 0] = { X86EMU_K_ALU, D_MODRM | D_BYTE },      \
	[(b) + 1] = { X86EMU_K_ALU, D_MODRM },               \
	[(b) + 2] = { X86EMU_K_ALU, D_MODRM | D_BYTE },      \
	[(b) + 3] = { X86EMU_K_ALU, D_MODRM }

/* One-byte opcode map (SDM Vol. 2 Table A-2), the opcodes emulated. */
static const struct x86emu_opdesc x86emu_map1[256] = {
	X86EMU_ALU_ROW(0x00), X86EMU_ALU_ROW(0x08), X86EMU_ALU_ROW(0x10), X86EMU_ALU_ROW(0x18),
	X86EMU_ALU_ROW(0x20), X86EMU_ALU_ROW(0x28), X86EMU_ALU_ROW(0x30), X86EMU_ALU_ROW(0x38),
	[0x80] = { X86EMU_K_GRP1, D_MODRM | D_BYTE | D_IMM8 },
	[0x81] = { X86EMU_K_GRP1, D_MODRM | D_IMMZ },
	[0x82] = { X86EMU_K_GRP1, D_MODRM | D_BYTE | D_IMM8 }, /* invalid in 64-bit mode */
	[0x83] = { X86EMU_K_GRP1, D_MODRM | D_IMM8 },
	[0x84] = { X86EMU_K_TEST, D_MODRM | D_BYTE },
	[0x85] = { X86EMU_K_TEST, D_MODRM },
	[0x86] = { X86EMU_K_XCHG, D_MODRM | D_BYTE },
	[0x87] = { X86EMU_K_XCHG, D_MODRM },
	[0x88] = { X86EMU_K_MOV_STORE, D_MODRM | D_BYTE },
	[0x89] = { X86EMU_K_MOV_STORE, D_MODRM },
	[0x8a] = { X86EMU_K_MOV_LOAD, D_MODRM | D_BYTE },
	[0x8b] = { X86EMU_K_MOV_LOAD, D_MODRM },
	[0xa0] = { X86EMU_K_MOV_MOFFS, D_MOFFS | D_BYTE },
	[0xa1] = { X86EMU_K_MOV_MOFFS, D_MOFFS },
	[0xa2] = { X86EMU_K_MOV_MOFFS, D_MOFFS | D_BYTE },
	[0xa3] = { X86EMU_K_MOV_MOFFS, D_MOFFS },
	[0xa4] = { X86EMU_K_MOVS, D_BYTE },
	[0xa5] = { X86EMU_K_MOVS, 0 },
	[0xaa] = { X86EMU_K_STOS, D_BYTE },
	[0xab] = { X86EMU_K_STOS, 0 },
	[0xc6] = { X86EMU_K_MOV_IMM, D_MODRM | D_GROUP | D_BYTE | D_IMM8 },
	[0xc7] = { X86EMU_K_MOV_IMM, D_MODRM | D_GROUP | D_IMMZ },
	[0xf6] = { X86EMU_K_GRP3, D_MODRM | D_GROUP | D_BYTE | D_IMM8 },
	[0xf7] = { X86EMU_K_GRP3, D_MODRM | D_GROUP | D_IMMZ },
};
/* clang-format on */

/* Two-byte opcode map, 0F xx (SDM Vol. 2 Table A-3), the opcodes emulated. */
static const struct x86emu_opdesc x86emu_map2[256] = {
	[0xa3] = { X86EMU_K_BT, D_MODRM },
	[0xab] = { X86EMU_K_BT, D_MODRM },
	[0xb3] = { X86EMU_K_BT, D_MODRM },
	[0xbb] = { X86EMU_K_BT, D_MODRM },
	[0xb6] = { X86EMU_K_MOVZX, D_MODRM },
	[0xb7] = { X86EMU_K_MOVZX, D_MODRM },
	[0xba] = { X86EMU_K_GRP8, D_MODRM | D_GROUP | D_IMM8 },
	[0xbe] = { X86EMU_K_MOVSX, D_MODRM },
	[0xbf] = { X86EMU_K_MOVSX, D_MODRM },
};

/* "0f " before a two-byte opcode in reports. */
static const char *x86emu_map_prefix(const struct x86emu_insn *in)
{
	return in->twobyte ? "0f " : "";
}

/*
 * Fetch more instruction bytes: up to 15 in all, but never past the end
 * of the page or, outside 64-bit mode, past the wrap of IP/EIP.
 */
static enum x86emu_result x86emu_fetch(struct x86emu_ctxt *c)
{
	uint64_t off = (c->rip + c->fetched) & c->ip_mask;
	unsigned int n = X86EMU_MAX_INSN_LEN - c->fetched;
	enum x86emu_result rc;
	gva_t la;

	if (c->mode == X86EMU_MODE_LONG64) {
		la = off;
		if (!x86emu_canonical(c, la))
			return x86emu_fault(c, X86EMU_EXC_GP, 0);
	} else {
		la = (x86emu_seg_base(c, X86EMU_CS) + off) & 0xffffffffULL;
		if (c->ip_mask - off + 1 < n)
			n = (unsigned int)(c->ip_mask - off + 1);
	}
	if (X86EMU_PAGE_SIZE - (la & X86EMU_PAGE_MASK) < n)
		n = (unsigned int)(X86EMU_PAGE_SIZE - (la & X86EMU_PAGE_MASK));
	rc = c->ops->fetch(c->opaque, la, c->insn.bytes + c->fetched, n, &c->rep->exc);
	if (rc != X86EMU_OK)
		return x86emu_mem_failed(c, rc, "instruction fetch", la, n);
	c->fetched = (uint8_t)(c->fetched + n);
	return X86EMU_OK;
}

/* The next instruction byte; a 16th byte is #GP(0) (SDM Vol. 3A 6.15). */
static enum x86emu_result x86emu_next(struct x86emu_ctxt *c, uint8_t *b)
{
	struct x86emu_insn *in = &c->insn;

	if (in->len >= X86EMU_MAX_INSN_LEN)
		return x86emu_fault(c, X86EMU_EXC_GP, 0);
	if (in->len >= c->fetched) {
		enum x86emu_result rc = x86emu_fetch(c);

		if (rc != X86EMU_OK)
			return rc;
	}
	*b = in->bytes[in->len++];
	return X86EMU_OK;
}

/* A little-endian displacement or immediate of `size` bytes, sign-extended. */
static enum x86emu_result x86emu_imm(struct x86emu_ctxt *c, unsigned int size, uint64_t *val)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++) {
		uint8_t b;
		enum x86emu_result rc = x86emu_next(c, &b);

		if (rc != X86EMU_OK)
			return rc;
		v |= (uint64_t)b << (8 * i);
	}
	*val = x86emu_sext(v, size);
	return X86EMU_OK;
}

/*
 * Operand and address size from the mode and the 66/67 prefixes (SDM
 * Vol. 1 Table 3-4 and Vol. 2 Table 2-4, "Effective Operand- and
 * Address-Size Attributes in 64-Bit Mode": REX.W wins over 66).
 */
static void x86emu_sizes(struct x86emu_ctxt *c, bool p66, bool p67)
{
	struct x86emu_insn *in = &c->insn;

	switch (c->mode) {
	case X86EMU_MODE_LONG64:
		in->opsize = (in->rex & 0x08) ? 8 : p66 ? 2 : 4;
		in->addrsize = p67 ? 4 : 8;
		break;
	case X86EMU_MODE_PROT32:
		in->opsize = p66 ? 2 : 4;
		in->addrsize = p67 ? 2 : 4;
		break;
	default:
		in->opsize = p66 ? 4 : 2;
		in->addrsize = p67 ? 4 : 2;
		break;
	}
}

/*
 * Legacy prefixes in any order and number, then REX in 64-bit mode (SDM
 * Vol. 2 2.1.1 and 2.2.1). A REX followed by another prefix is ignored;
 * in 64-bit mode the CS, DS, ES and SS overrides are too (3.3.7 of Vol.
 * 1). Leaves the first opcode byte in *op.
 */
static enum x86emu_result x86emu_prefixes(struct x86emu_ctxt *c, uint8_t *op)
{
	struct x86emu_insn *in = &c->insn;
	bool p66 = false, p67 = false, is64 = c->mode == X86EMU_MODE_LONG64;
	enum x86emu_result rc;
	uint8_t b;

	for (;;) {
		rc = x86emu_next(c, &b);
		if (rc != X86EMU_OK)
			return rc;
		if (is64 && (b & 0xf0) == 0x40) {
			in->rex = b;
			continue;
		}
		switch (b) {
		case 0x66:
			p66 = true;
			break;
		case 0x67:
			p67 = true;
			break;
		case 0xf0:
			in->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			in->rep = b;
			break;
		case 0x26: /* ES */
		case 0x2e: /* CS */
		case 0x36: /* SS */
		case 0x3e: /* DS */
			if (!is64) {
				in->seg_override = true;
				in->seg = (enum x86emu_seg)((b >> 3) & 3);
			}
			break;
		case 0x64:
		case 0x65:
			in->seg_override = true;
			in->seg = b == 0x64 ? X86EMU_FS : X86EMU_GS;
			break;
		default:
			x86emu_sizes(c, p66, p67);
			*op = b;
			return X86EMU_OK;
		}
		in->rex = 0;
	}
}

/* The opcode byte(s): the map entry, or a report naming the opcode. */
static enum x86emu_result x86emu_opcode(struct x86emu_ctxt *c, uint8_t b,
					const struct x86emu_opdesc **desc)
{
	struct x86emu_insn *in = &c->insn;
	const struct x86emu_opdesc *d = &x86emu_map1[b];
	enum x86emu_result rc;

	if (b == 0x0f) {
		in->twobyte = true;
		rc = x86emu_next(c, &b);
		if (rc != X86EMU_OK)
			return rc;
		if (b == 0x38 || b == 0x3a) { /* three-byte maps (Tables) */
			uint8_t b3;

			rc = x86emu_next(c, &b3);
			if (rc != X86EMU_OK)
				return rc;
			return x86emu_unsupported(c, "opcode 0f %02x %02x not emulated", b, b3);
		}
		d = &x86emu_map2[b];
	}
	in->op = b;
	if (d->kind == X86EMU_K_NONE)
		return x86emu_unsupported(c, "opcode %s%02x not emulated", x86emu_map_prefix(in),
					  b);
	/* Opcode 82 is #UD in 64-bit mode (SDM Vol. 2 Table A-2, note i64). */
	if (b == 0x82 && !in->twobyte && c->mode == X86EMU_MODE_LONG64)
		return x86emu_fault(c, X86EMU_EXC_UD, 0);
	in->kind = (enum x86emu_kind)d->kind;
	in->byte_op = d->flags & D_BYTE;
	*desc = d;
	return X86EMU_OK;
}

/* Group members emulated (SDM Vol. 2 Table A-6). */
static bool x86emu_group_ok(const struct x86emu_insn *in)
{
	unsigned int r = in->reg & 7;

	switch (in->kind) {
	case X86EMU_K_MOV_IMM: /* C6/C7 /0 MOV; C6 F8 XABORT, C7 F8 XBEGIN */
	case X86EMU_K_GRP3:    /* F6/F7 /0 TEST */
		return r == 0;
	case X86EMU_K_GRP8: /* 0F BA /4-/7 BT BTS BTR BTC */
		return r >= 4;
	default:
		return true;
	}
}

/* 16-bit addressing, SDM Vol. 2 Table 2-1: base and index registers by ModRM.rm. */
static const uint8_t x86emu_ea16_base[8] = { X86EMU_RBX, X86EMU_RBX, X86EMU_RBP, X86EMU_RBP,
					     X86EMU_RSI, X86EMU_RDI, X86EMU_RBP, X86EMU_RBX };
static const uint8_t x86emu_ea16_index[4] = { X86EMU_RSI, X86EMU_RDI, X86EMU_RSI, X86EMU_RDI };

/* 16-bit effective address: wraps at 64 KiB; BP-based forms default to SS. */
static enum x86emu_result x86emu_ea16(struct x86emu_ctxt *c)
{
	struct x86emu_insn *in = &c->insn;
	unsigned int rm = in->rm & 7;
	uint64_t ea = 0, disp = 0;
	enum x86emu_result rc = X86EMU_OK;

	if (in->mod == 0 && rm == 6) {
		rc = x86emu_imm(c, 2, &disp); /* disp16, no base */
	} else {
		ea = x86emu_reg_read(c, x86emu_ea16_base[rm], 8);
		if (rm < 4)
			ea += x86emu_reg_read(c, x86emu_ea16_index[rm], 8);
		if (x86emu_ea16_base[rm] == X86EMU_RBP && !in->seg_override)
			in->seg = X86EMU_SS;
		if (in->mod == 1)
			rc = x86emu_imm(c, 1, &disp);
		else if (in->mod == 2)
			rc = x86emu_imm(c, 2, &disp);
	}
	in->ea = (ea + disp) & 0xffff;
	return rc;
}

/*
 * 32- and 64-bit effective address (SDM Vol. 2 Tables 2-2, 2-3 and
 * 2.2.1.6). rm = 100b always means a SIB byte and mod = 00b with rm (or
 * SIB base) = 101b no base register, whatever REX.B says; SIB index 100b
 * without REX.X means no index. In 64-bit mode mod = 00b, rm = 101b is
 * RIP-relative, finished in x86emu_decode() once the length is known.
 * ESP- and EBP-based forms default to SS.
 */
static enum x86emu_result x86emu_ea32(struct x86emu_ctxt *c)
{
	struct x86emu_insn *in = &c->insn;
	unsigned int base = in->rm, disp_size = in->mod == 1 ? 1 : 4;
	bool has_base = true;
	uint64_t ea = 0, disp = 0;
	enum x86emu_result rc;

	if ((in->rm & 7) == 4) {
		uint8_t sib;
		unsigned int index;

		rc = x86emu_next(c, &sib);
		if (rc != X86EMU_OK)
			return rc;
		index = ((sib >> 3) & 7) | ((in->rex & 0x02) << 2);
		base = (sib & 7) | ((in->rex & 0x01) << 3);
		if (index != X86EMU_RSP)
			ea = x86emu_reg_read(c, index, 8) << (sib >> 6);
		has_base = !(in->mod == 0 && (base & 7) == 5);
	} else if (in->mod == 0 && (in->rm & 7) == 5) {
		has_base = false;
		in->rip_relative = c->mode == X86EMU_MODE_LONG64;
	}
	if (has_base) {
		ea += x86emu_reg_read(c, base, 8);
		if ((base == X86EMU_RSP || base == X86EMU_RBP) && !in->seg_override)
			in->seg = X86EMU_SS;
	}
	if (in->mod != 0 || !has_base) {
		rc = x86emu_imm(c, disp_size, &disp);
		if (rc != X86EMU_OK)
			return rc;
	}
	in->ea = (ea + disp) & x86emu_mask(in->addrsize);
	return X86EMU_OK;
}

/* ModRM and what follows it up to the immediate. */
static enum x86emu_result x86emu_modrm(struct x86emu_ctxt *c, const struct x86emu_opdesc *d)
{
	struct x86emu_insn *in = &c->insn;
	enum x86emu_result rc;
	uint8_t m;

	rc = x86emu_next(c, &m);
	if (rc != X86EMU_OK)
		return rc;
	in->has_modrm = true;
	in->mod = m >> 6;
	in->reg = ((m >> 3) & 7) | ((in->rex & 0x04) << 1);
	in->rm = (m & 7) | ((in->rex & 0x01) << 3);
	if ((d->flags & D_GROUP) && !x86emu_group_ok(in))
		return x86emu_unsupported(c, "opcode %s%02x /%u not emulated",
					  x86emu_map_prefix(in), in->op, in->reg & 7);
	if (in->mod == 3)
		return x86emu_unsupported(c, "opcode %s%02x with a register operand not emulated",
					  x86emu_map_prefix(in), in->op);
	in->mem = true;
	return in->addrsize == 2 ? x86emu_ea16(c) : x86emu_ea32(c);
}

/* Immediate or moffs after the opcode/ModRM (SDM Vol. 2 2.1.4). */
static enum x86emu_result x86emu_operands(struct x86emu_ctxt *c, const struct x86emu_opdesc *d)
{
	struct x86emu_insn *in = &c->insn;
	enum x86emu_result rc = X86EMU_OK;
	uint64_t v;

	if (d->flags & D_IMM8) {
		rc = x86emu_imm(c, 1, &in->imm);
	} else if (d->flags & D_IMMZ) {
		rc = x86emu_imm(c, in->opsize == 2 ? 2 : 4, &in->imm);
	} else if (d->flags & D_MOFFS) {
		rc = x86emu_imm(c, in->addrsize, &v);
		if (rc != X86EMU_OK)
			return rc;
		in->ea = v & x86emu_mask(in->addrsize);
		in->mem = true;
	}
	return rc;
}

/*
 * LOCK is allowed only on the read-modify-write forms with a memory
 * destination: ADD ADC SBB SUB AND OR XOR (not CMP), XCHG, BTS BTR BTC
 * (not BT); elsewhere #UD (SDM Vol. 2 "LOCK-Assert LOCK# Signal Prefix").
 */
static bool x86emu_lockable(const struct x86emu_insn *in)
{
	switch (in->kind) {
	case X86EMU_K_ALU:
		return !(in->op & 0x02) && (in->op >> 3) != X86EMU_ALU_CMP;
	case X86EMU_K_GRP1:
		return (in->reg & 7) != X86EMU_ALU_CMP;
	case X86EMU_K_XCHG:
		return true;
	case X86EMU_K_BT:
		return ((in->op >> 3) & 3) != X86EMU_BIT_BT;
	case X86EMU_K_GRP8:
		return (in->reg & 7) != 4 + X86EMU_BIT_BT;
	default:
		return false;
	}
}

enum x86emu_result x86emu_decode(struct x86emu_ctxt *c)
{
	struct x86emu_insn *in = &c->insn;
	const struct x86emu_opdesc *d = NULL;
	enum x86emu_result rc;
	uint8_t b;

	in->seg = X86EMU_DS;
	rc = x86emu_prefixes(c, &b);
	if (rc == X86EMU_OK)
		rc = x86emu_opcode(c, b, &d);
	if (rc == X86EMU_OK && (d->flags & D_MODRM))
		rc = x86emu_modrm(c, d);
	if (rc == X86EMU_OK)
		rc = x86emu_operands(c, d);
	if (rc != X86EMU_OK)
		return rc;
	/* RIP-relative: from the next instruction, at the address size (2.2.1.6). */
	if (in->rip_relative)
		in->ea = (c->rip + in->len + in->ea) & x86emu_mask(in->addrsize);
	if (in->lock && !x86emu_lockable(in))
		return x86emu_fault(c, X86EMU_EXC_UD, 0);
	return X86EMU_OK;
}
