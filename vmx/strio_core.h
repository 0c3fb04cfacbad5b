/*
 * String I/O emulation, the pure part: INS and OUTS, with and without REP
 * (SDM Vol. 2A "INS/INSB/INSW/INSD", Vol. 2B "OUTS/OUTSB/OUTSW/OUTSD"),
 * element by element, for an instruction the VM-exit handler has decoded
 * (vmx/vmx_strio.c: the I/O exit qualification of SDM Vol. 3C 28.2.1
 * Table 28-5 and VMX_INSTRUCTION_INFO of 28.2.5 Table 28-8).
 *
 * Per element, in the CPU's order:
 *  1. the effective address: RDI (INS, always ES) or RSI (OUTS, DS or
 *     the override), masked to the address size;
 *  2. segmentation (SDM Vol. 3A 5.3 "Limit Checking", 3.4.5.1 segment
 *     types): outside 64-bit mode the offset range must lie within the
 *     limit (expand-down segments reversed); in protected mode the
 *     segment must be usable, writable data for INS, readable for OUTS.
 *     A violation is #GP(0), #SS(0) for SS. The linear address is base
 *     + offset, truncated to 32 bits outside 64-bit mode; in 64-bit mode
 *     only FS and GS have a base and the address must be canonical
 *     (#GP(0) or #SS(0)), last byte included;
 *  3. paging: each byte range within one 4 KiB page is translated with
 *     vmx/gpt.c (a write for INS, a read for OUTS, user when CPL = 3,
 *     RFLAGS.AC for SMAP) before anything moves, so a faulting element
 *     neither reads the port nor touches memory;
 *  4. the port access and the memory access;
 *  5. RSI/RDI step by the element size, down when RFLAGS.DF = 1, and RCX
 *     counts down with REP. Registers are written as the address size
 *     says (SDM Vol. 1 3.3.7 / Vol. 2A 2.2.1.4): 16-bit keeps bits 63:16,
 *     32-bit zero-extends, 64-bit uses all.
 *
 * A fault ends the run with the registers of the completed elements, as
 * the CPU leaves them when an iteration of a REP string instruction
 * faults (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). Translations are
 * cached for one 4 KiB linear page per run, as a TLB would hold them.
 *
 * Pure: guest memory, paging structures and ports are reached through
 * struct strio_ops; the file builds into the host unit tests unchanged.
 */
#ifndef STRATA_VMX_STRIO_CORE_H
#define STRATA_VMX_STRIO_CORE_H

#include "kernel/include/strata/types.h"
#include "vmx/gpt.h"

/* Segment registers as VMX_INSTRUCTION_INFO numbers them (SDM Vol. 3C Table 28-8). */
enum strio_seg_reg {
	STRIO_SEG_ES = 0,
	STRIO_SEG_CS = 1,
	STRIO_SEG_SS = 2,
	STRIO_SEG_DS = 3,
	STRIO_SEG_FS = 4,
	STRIO_SEG_GS = 5,
};

/* Exception vectors a run can raise (SDM Vol. 3A 6.15). */
#define STRIO_VECTOR_SS 12
#define STRIO_VECTOR_GP 13

/* Segment access-rights bits, VMCS format (SDM Vol. 3C 25.4.1, Table 25-2). */
#define STRIO_AR_TYPE_CODE  (1u << 3)  /* code (1) or data (0) */
#define STRIO_AR_TYPE_EXPDN (1u << 2)  /* data: expand-down */
#define STRIO_AR_TYPE_RW    (1u << 1)  /* data: writable; code: readable */
#define STRIO_AR_DB         (1u << 14) /* default size / big */
#define STRIO_AR_UNUSABLE   (1u << 16)

/* The memory operand's segment register, as the VMCS holds it. */
struct strio_seg {
	enum strio_seg_reg reg;
	uint64_t base;
	uint32_t limit; /* byte granular (the VMCS field) */
	uint32_t ar;    /* access rights, VMCS format */
};

/* The instruction, from the exit qualification and instruction information. */
struct strio_insn {
	bool in; /* INS: port to memory; else OUTS */
	bool rep;
	unsigned size; /* element size: 1, 2 or 4 bytes */
	uint16_t port;
	unsigned addr_bytes; /* address size: 2, 4 or 8 bytes */
	struct strio_seg seg;
};

/* The guest's processor state that matters. */
struct strio_cpu {
	struct gpt_cpu paging;
	bool long64;         /* 64-bit mode: EFER.LMA and CS.L */
	bool protected_mode; /* CR0.PE = 1 and RFLAGS.VM = 0 */
	unsigned cpl;        /* SS.DPL */
	bool df;             /* RFLAGS.DF */
	bool ac;             /* RFLAGS.AC */
};

struct strio_regs {
	uint64_t rsi, rdi, rcx;
};

/*
 * How a run reaches the guest. `pt` walks the page tables (gpt.h);
 * `mem_read`/`mem_write` copy `len` bytes (1 to 4, within one 4 KiB
 * page) of guest RAM and return false when [gpa, gpa + len) is not RAM;
 * `port_in` returns the device's value zero-extended from `size` bytes;
 * `port_out` returns false when the write ended the VM (the run stops
 * after that element). All take the same `ctx`.
 */
struct strio_ops {
	struct gpt_mem_ops pt;
	bool (*mem_read)(void *ctx, gpa_t gpa, void *buf, unsigned len);
	bool (*mem_write)(void *ctx, gpa_t gpa, const void *buf, unsigned len);
	uint32_t (*port_in)(void *ctx, uint16_t port, unsigned size);
	bool (*port_out)(void *ctx, uint16_t port, unsigned size, uint32_t value);
};

enum strio_status {
	STRIO_DONE,       /* every element done: skip the instruction */
	STRIO_MORE,       /* budget used up, RCX > 0: re-enter at the same RIP */
	STRIO_STOPPED,    /* port_out ended the VM */
	STRIO_EXCEPTION,  /* raise `vector` with error code 0 */
	STRIO_PAGE_FAULT, /* #PF at `linear` with `error_code` */
	STRIO_BAD_GPA,    /* `gpa` is not RAM: data, or a paging-structure entry (`table`) */
	STRIO_INVALID,    /* size or address size out of range (a decoder bug) */
};

struct strio_result {
	enum strio_status status;
	uint32_t elements;   /* elements completed by this run */
	uint8_t vector;      /* STRIO_EXCEPTION */
	gva_t linear;        /* STRIO_PAGE_FAULT: the CR2 value */
	uint32_t error_code; /* STRIO_PAGE_FAULT */
	gpa_t gpa;           /* STRIO_BAD_GPA */
	bool table;          /* STRIO_BAD_GPA: a paging-structure entry, not the data */
};

/*
 * Run `insn` for at most `budget` elements (at least one), updating
 * *regs. Without REP exactly one element moves and RCX is untouched;
 * with REP the count is RCX masked to the address size and a zero count
 * moves nothing. Returns the outcome in *res.
 */
void strio_run(const struct strio_insn *insn, const struct strio_cpu *cpu, struct strio_regs *regs,
	       const struct strio_ops *ops, void *ctx, uint32_t budget, struct strio_result *res);

/*
 * Copy `len` bytes at linear address `la` (not segmented: base already
 * added) into `buf`, for an access of kind `access` (GPT_ACCESS_*),
 * through paging. For reading instruction bytes. Returns STRIO_DONE or
 * STRIO_PAGE_FAULT / STRIO_BAD_GPA / STRIO_EXCEPTION (non-canonical, #GP)
 * with *res filled.
 */
enum strio_status strio_read_linear(const struct strio_cpu *cpu, const struct strio_ops *ops,
				    void *ctx, gva_t la, void *buf, unsigned len, unsigned access,
				    struct strio_result *res);

/*
 * Address size and segment of an INS/OUTS from its bytes (prefixes, SDM
 * Vol. 2A 2.1.1 and 2.2.1), for CPUs that do not report them in
 * VMX_INSTRUCTION_INFO (IA32_VMX_BASIC[54] = 0, SDM Vol. 3D A.1).
 * `default_addr_bytes` is 8 in 64-bit mode, else 4 or 2 by CS.D. INS
 * always uses ES; 64-bit mode ignores ES/CS/SS/DS overrides (DS then).
 * Returns false unless the bytes are prefixes followed by 6C-6F.
 */
bool strio_decode(const uint8_t *insn, unsigned len, unsigned default_addr_bytes, bool long64,
		  unsigned *addr_bytes, enum strio_seg_reg *seg);

#endif
