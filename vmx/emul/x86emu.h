/*
 * x86 instruction emulator for MMIO: completes, on the guest's behalf, an
 * instruction whose data access hit guest-physical memory that belongs to
 * an emulated device (an EPT violation on a page EPT leaves unmapped).
 *
 * After the Xen x86 emulator, every piece of guest state is reached through
 * `struct x86emu_ops`, so this code is pure: it builds unchanged in the
 * kernel, in the host unit tests and in the fuzzer.
 *
 * What it emulates (SDM Vol. 2 instruction pages), memory forms only:
 *	MOV 88/89/8A/8B, C6 /0, C7 /0, A0-A3 (moffs)
 *	MOVZX 0F B6/B7, MOVSX 0F BE/BF
 *	MOVS A4/A5, STOS AA/AB, with or without REP (F3 or F2)
 *	ADD OR ADC SBB AND SUB XOR CMP: 00-3B (forms Eb,Gb Ev,Gv Gb,Eb Gv,Ev),
 *	    80/81/83 (82 outside 64-bit mode)
 *	TEST 84/85, F6 /0, F7 /0
 *	XCHG 86/87
 *	BT BTS BTR BTC: 0F A3/AB/B3/BB, 0F BA /4-/7
 * with the legacy prefixes (66, 67, F0, F2, F3, segment overrides), REX,
 * every ModRM/SIB form of SDM Vol. 2 2.1.5 (Tables 2-1, 2-2, 2-3) and
 * RIP-relative addressing (2.2.1.6). Anything else is reported as
 * X86EMU_UNSUPPORTED with a description, so that VM can be stopped.
 *
 * Which operand is the device: the instruction's memory operand whose
 * linear page is the faulting one. The caller passes the faulting
 * guest-physical address and, when the exit qualification has it, the
 * guest linear address (SDM Vol. 3C 28.3.3.2 "EPT Violations"); the device
 * sees gpa_page | (linear address & 0xfff). Without the linear address,
 * the operand that performs the reported access kind is the device (for
 * MOVS: the source on a read, the destination on a write). Any other
 * memory operand (the far side of MOVS) goes through read_mem/write_mem.
 *
 * Not emulated, by design:
 * - an access that straddles the MMIO page and another page (X86EMU_
 *   UNSUPPORTED): devices are accessed with aligned loads and stores;
 * - segment limits and access rights: the processor checked the access
 *   that faulted before it was translated; later REP iterations and the
 *   second MOVS operand are assumed to be in bounds (flat segments);
 * - alignment checks (#AC), data breakpoints. A single-step trap (TF) is
 *   reported in `single_step` for the caller to deliver.
 * Locked instructions are emulated as a plain read then write: device
 * models are serialised by the caller, which is all a LOCK can ask of MMIO.
 *
 * Pure logic: no allocation, no hardware access, no locking.
 */
#ifndef STRATA_VMX_EMUL_X86EMU_H
#define STRATA_VMX_EMUL_X86EMU_H

#include "kernel/include/strata/types.h"

/*
 * SDM Vol. 2 2.3.11: "The maximum length of an Intel 64 and IA-32
 * instruction remains 15 bytes"; a longer one raises #GP(0) (Vol. 3A 6.15
 * "Interrupt 13-General Protection Exception").
 */
#define X86EMU_MAX_INSN_LEN 15

/* The size of one MMIO page: the emulator never lets a device access leave it. */
#define X86EMU_PAGE_SIZE 4096u

/*
 * Code-segment mode of the vCPU (SDM Vol. 3A 2.2 "Modes of Operation" and
 * 5.2.1 "Code-Segment Descriptor Layout"): the default operand and address
 * size, the address computation and whether exceptions carry error codes.
 * x86emu_mode_of() derives it from the guest's control state.
 */
enum x86emu_mode {
	X86EMU_MODE_REAL,   /* real-address mode: 16-bit, no exception error codes */
	X86EMU_MODE_VM86,   /* virtual-8086 mode: 16-bit */
	X86EMU_MODE_PROT16, /* protected or compatibility mode, CS.D = 0 */
	X86EMU_MODE_PROT32, /* protected or compatibility mode, CS.D = 1 */
	X86EMU_MODE_LONG64, /* 64-bit mode: IA32_EFER.LMA = 1 and CS.L = 1 */
};

enum x86emu_result {
	/*
	 * Done: memory, registers, RFLAGS and RIP updated through the ops. A
	 * REP string instruction whose device operand reaches the end of the
	 * MMIO page stops there with its counters updated and RIP left on
	 * the instruction, as after an interrupt (SDM Vol. 2 "REP"): the
	 * guest re-executes it for the rest.
	 */
	X86EMU_OK,
	/* Not emulated; `reason` says what. Stop the VM with that report. */
	X86EMU_UNSUPPORTED,
	/*
	 * Inject `exc` into the guest; RIP is unchanged. A REP string
	 * instruction keeps the iterations done before the fault.
	 */
	X86EMU_FAULT,
	/*
	 * Nothing done (or, for REP, the iterations done are kept): resume
	 * the guest at the same RIP. The instruction at RIP does not access
	 * the faulting page the way the exit says (another vCPU changed the
	 * code or the page tables), or an op asked for it. `reason` says
	 * which; a caller that sees the same RETRY over and over should stop
	 * the VM with it.
	 */
	X86EMU_RETRY,
};

/* General-purpose registers in encoding order (SDM Vol. 2 Table 3-1, REX.B/R/X as bit 3). */
enum x86emu_gpr {
	X86EMU_RAX,
	X86EMU_RCX,
	X86EMU_RDX,
	X86EMU_RBX,
	X86EMU_RSP,
	X86EMU_RBP,
	X86EMU_RSI,
	X86EMU_RDI,
	X86EMU_R8,
	X86EMU_R9,
	X86EMU_R10,
	X86EMU_R11,
	X86EMU_R12,
	X86EMU_R13,
	X86EMU_R14,
	X86EMU_R15,
	X86EMU_NR_GPRS
};

/* Segment registers in the sreg3 encoding order (SDM Vol. 2 Appendix B.1.4.8, Table B-9). */
enum x86emu_seg {
	X86EMU_ES,
	X86EMU_CS,
	X86EMU_SS,
	X86EMU_DS,
	X86EMU_FS,
	X86EMU_GS,
	X86EMU_NR_SEGS
};

/* Access kinds, as bits 0-2 of the EPT-violation exit qualification. */
#define X86EMU_ACCESS_READ  0x1u
#define X86EMU_ACCESS_WRITE 0x2u
#define X86EMU_ACCESS_FETCH 0x4u

/* RFLAGS bits the emulator reads or writes (SDM Vol. 1 3.4.3 "EFLAGS Register"). */
#define X86EMU_FLAG_CF     0x0001u
#define X86EMU_FLAG_PF     0x0004u
#define X86EMU_FLAG_AF     0x0010u
#define X86EMU_FLAG_ZF     0x0040u
#define X86EMU_FLAG_SF     0x0080u
#define X86EMU_FLAG_TF     0x0100u
#define X86EMU_FLAG_DF     0x0400u
#define X86EMU_FLAG_OF     0x0800u
#define X86EMU_FLAG_RF     0x10000u
#define X86EMU_FLAGS_ARITH 0x08d5u /* CF PF AF ZF SF OF */

/* Exception vectors the emulator raises (SDM Vol. 3A 6.3.1, Table 6-1). */
#define X86EMU_EXC_UD 6
#define X86EMU_EXC_SS 12
#define X86EMU_EXC_GP 13
#define X86EMU_EXC_PF 14

/* An exception for the caller to inject (X86EMU_FAULT). */
struct x86emu_exception {
	uint8_t vector;      /* X86EMU_EXC_* */
	bool has_error_code; /* false in real-address mode, which has none */
	uint32_t error_code;
	gva_t cr2; /* #PF only: the faulting linear address */
};

/*
 * Guest state and the device, as the caller provides them. `opaque` is
 * passed back unchanged. All ops are mandatory.
 *
 * fetch:	copy `len` instruction bytes (1..15, never across a 4 KiB
 *		page) at linear address `la`, translated through the guest's
 *		page tables as an instruction fetch.
 * read_mem, write_mem:
 *		a data access of `size` bytes (1, 2, 4 or 8) at linear address
 *		`la` that is not on the MMIO page (the far side of MOVS); may
 *		cross a page; the op translates through the guest's page
 *		tables and, if it finds another device there, may forward it.
 *		These three return X86EMU_OK, X86EMU_FAULT with `exc` filled
 *		(a #PF with its error code and cr2), X86EMU_RETRY or
 *		X86EMU_UNSUPPORTED.
 * mmio_read, mmio_write:
 *		the device access: `size` 1, 2, 4 or 8 bytes at `gpa`, all in
 *		one MMIO page, the value in the low `size` bytes. Return
 *		X86EMU_OK, X86EMU_RETRY (before any side effect) or
 *		X86EMU_UNSUPPORTED (nothing there that can take it).
 * read_gpr, write_gpr:	the full 64-bit register; the emulator merges
 *		8- and 16-bit writes and zero-extends 32-bit ones itself.
 * read_rip, write_rip, read_rflags, write_rflags: the guest's RIP, RFLAGS.
 * seg_base:	the base of a segment register (only ES, SS, DS and, in
 *		64-bit mode, FS and GS are asked; CS for instruction fetch
 *		outside 64-bit mode).
 */
struct x86emu_ops {
	enum x86emu_result (*fetch)(void *opaque, gva_t la, uint8_t *buf, unsigned int len,
				    struct x86emu_exception *exc);
	enum x86emu_result (*read_mem)(void *opaque, gva_t la, uint8_t *buf, unsigned int size,
				       struct x86emu_exception *exc);
	enum x86emu_result (*write_mem)(void *opaque, gva_t la, const uint8_t *buf,
					unsigned int size, struct x86emu_exception *exc);
	enum x86emu_result (*mmio_read)(void *opaque, gpa_t gpa, unsigned int size,
					uint64_t *value);
	enum x86emu_result (*mmio_write)(void *opaque, gpa_t gpa, unsigned int size,
					 uint64_t value);
	uint64_t (*read_gpr)(void *opaque, enum x86emu_gpr reg);
	void (*write_gpr)(void *opaque, enum x86emu_gpr reg, uint64_t value);
	uint64_t (*read_rip)(void *opaque);
	void (*write_rip)(void *opaque, uint64_t rip);
	uint64_t (*read_rflags)(void *opaque);
	void (*write_rflags)(void *opaque, uint64_t rflags);
	uint64_t (*seg_base)(void *opaque, enum x86emu_seg seg);
};

/*
 * The EPT violation to complete. From the exit (SDM Vol. 3C 28.3.3.2 and
 * 28.2.1 Table 28-7 "Exit Qualification for EPT Violations"):
 * gpa		GUEST_PHYSICAL_ADDRESS;
 * gla		GUEST_LINEAR_ADDRESS, only when qualification bit 7 is set
 *		and bit 8 too (the access was to the final translation, not
 *		to a paging structure); gla_valid says so;
 * access	qualification bits 2:0 (X86EMU_ACCESS_*);
 * la57		CR4.LA57: 57-bit rather than 48-bit canonical addresses in
 *		64-bit mode (SDM Vol. 3A 4.5 "4-Level Paging and 5-Level Paging").
 */
struct x86emu_request {
	enum x86emu_mode mode;
	gpa_t gpa;
	gva_t gla;
	bool gla_valid;
	unsigned int access;
	bool la57;
};

/* What happened, besides the result. */
struct x86emu_report {
	char reason[96];                   /* UNSUPPORTED, RETRY; "" after OK and FAULT */
	struct x86emu_exception exc;       /* FAULT */
	uint8_t insn[X86EMU_MAX_INSN_LEN]; /* the bytes decoded so far */
	uint8_t insn_len;                  /* the instruction's length after OK */
	uint16_t mmio_accesses;            /* calls to mmio_read and mmio_write */
	bool single_step;                  /* OK with RFLAGS.TF set: deliver a debug trap */
};

/*
 * The mode from the guest's CR0.PE, RFLAGS.VM, IA32_EFER.LMA, CS.L and
 * CS.D/B (SDM Vol. 3A 2.2; compatibility mode behaves as protected mode).
 */
enum x86emu_mode x86emu_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma, bool cs_l, bool cs_db);

/*
 * Emulate the instruction at the guest's RIP against the device behind
 * `req->gpa`. `rep` is always filled in. Context: the vCPU that took the
 * exit, its state loaded; may be called with the VM's device lock held
 * (the ops are the only calls out). Returns the outcome as above.
 */
enum x86emu_result x86emu_emulate(const struct x86emu_ops *ops, void *opaque,
				  const struct x86emu_request *req, struct x86emu_report *rep);

/* "OK", "UNSUPPORTED", "FAULT", "RETRY" (for logs). */
const char *x86emu_result_name(enum x86emu_result result);

#endif
