/* UNIT_SOURCES: vmx/emul/x86emu.c vmx/emul/decode.c vmx/emul/exec.c */
/*
 * Host tests of the MMIO instruction emulator (vmx/emul/).
 *
 * A fake vCPU (struct tvm) provides the ops: registers, segment bases,
 * instruction bytes placed at the linear addresses the processor would
 * fetch them from, a RAM window, a page whose accesses page-fault, and a
 * device page at MMIO_GPA that logs every access.
 *
 * - Table-driven vectors: bytes, mode, registers, flags and segment bases
 *   in; result, device accesses, registers, flags, RIP, exception and
 *   report text out. Each runs twice, with and without the guest linear
 *   address of the exit, unless it is about one of the two. They cover
 *   every instruction in each mode with prefixes, every ModRM/SIB form
 *   (SDM Vol. 2 Tables 2-1, 2-2, 2-3) including no-base SIB, RBP/R13
 *   bases needing a displacement, R12 needing a SIB, RIP- and
 *   EIP-relative, 16-bit forms and their wrap, LOCK and length faults,
 *   truncated fetches, and the reports of what is not emulated.
 * - Arithmetic flags against the host CPU: the same operation run with
 *   inline asm here (only here) gives the reference result and flags.
 * - String instructions: REP with DF=1, page ends, 16-bit counters and
 *   wraps, 32-bit address size in 64-bit mode, faults mid-way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/emul/x86emu.h"

#define MMIO_GPA 0xfee00000ULL         /* the device page, guest-physical */
#define LA64     0x00007ffff7e00000ULL /* where 64-bit tests map it */
#define LA32     0xc0500000ULL         /* ... 32-bit tests */
#define LA16     0x000b8000ULL         /* ... 16-bit tests */
#define RIP64    0x0000000000401000ULL
#define RIP32    0x00101000ULL
#define RIP16    0x7c00ULL

#define RD X86EMU_ACCESS_READ
#define WR X86EMU_ACCESS_WRITE

#define FL_FIXED 0x2ULL /* RFLAGS bit 1 always reads 1 */
#define CF       X86EMU_FLAG_CF
#define PF       X86EMU_FLAG_PF
#define AF       X86EMU_FLAG_AF
#define ZF       X86EMU_FLAG_ZF
#define SF       X86EMU_FLAG_SF
#define TF       X86EMU_FLAG_TF
#define DF       X86EMU_FLAG_DF
#define OF       X86EMU_FLAG_OF
#define RF       X86EMU_FLAG_RF

/* ------------------------------------------------------------ fake vCPU -- */

struct tlog {
	char kind; /* 'r' or 'w' */
	uint8_t size;
	gpa_t gpa;
	uint64_t val;
};

#define TLOG_MAX 64
#define CODE_MAX 32
#define RAM_SIZE 0x2000

static struct tvm {
	enum x86emu_mode mode;
	uint64_t gpr[X86EMU_NR_GPRS], rip, rflags, seg[X86EMU_NR_SEGS];
	unsigned int rip_writes, rflags_writes;
	struct {
		gva_t la;
		uint8_t b;
	} code[CODE_MAX];
	unsigned int ncode;
	bool has_absent; /* accesses to this page #PF */
	gva_t absent;
	uint8_t dev[X86EMU_PAGE_SIZE]; /* the device page's contents */
	struct tlog log[TLOG_MAX];
	unsigned int nlog, nmmio;
	unsigned int dev_fail_at; /* 1-based device access that fails, 0 none */
	enum x86emu_result dev_rc;
	gva_t ram_la;
	uint8_t ram[RAM_SIZE];
	unsigned int ram_reads, ram_writes;
} vm;

/* Background register values, distinct so that a stray write shows. */
#define BG_REG(i) (0xa5a5a5a500000000ULL | (uint64_t)((i) + 1) * 0x01010101ULL)

static uint64_t bg_reg(unsigned int i)
{
	return BG_REG(i);
}

static void tvm_reset(enum x86emu_mode mode)
{
	memset(&vm, 0, sizeof(vm));
	vm.mode = mode;
	for (unsigned int i = 0; i < X86EMU_NR_GPRS; i++)
		vm.gpr[i] = bg_reg(i);
	vm.rflags = FL_FIXED;
	vm.ram_la = 0x00010000;
}

static uint64_t ip_mask(enum x86emu_mode mode)
{
	return mode == X86EMU_MODE_LONG64   ? ~0ULL
	       : mode == X86EMU_MODE_PROT32 ? 0xffffffffULL
					    : 0xffffULL;
}

/* Put instruction bytes where the processor fetches them: CS.base + (RIP + i) wrapped. */
static void place_code(const uint8_t *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t off = (vm.rip + i) & ip_mask(vm.mode);
		gva_t la = vm.mode == X86EMU_MODE_LONG64
				   ? off
				   : (vm.seg[X86EMU_CS] + off) & 0xffffffffULL;

		assert_true(vm.ncode < CODE_MAX);
		vm.code[vm.ncode].la = la;
		vm.code[vm.ncode].b = b[i];
		vm.ncode++;
	}
}

static unsigned int parse_hex(const char *s, uint8_t *out, unsigned int max)
{
	unsigned int n = 0;

	while (*s) {
		char *end;
		unsigned long v;

		if (*s == ' ') {
			s++;
			continue;
		}
		v = strtoul(s, &end, 16);
		assert_true(end == s + 2 && v <= 0xff && n < max);
		out[n++] = (uint8_t)v;
		s = end;
	}
	return n;
}

static void set_code(const char *hex)
{
	uint8_t b[CODE_MAX];

	place_code(b, parse_hex(hex, b, sizeof(b)));
}

static bool on_absent(gva_t la, unsigned int len)
{
	if (!vm.has_absent)
		return false;
	for (unsigned int i = 0; i < len; i++)
		if (((la + i) & ~0xfffULL) == vm.absent)
			return true;
	return false;
}

static enum x86emu_result page_fault(struct x86emu_exception *exc, gva_t la, unsigned int len,
				     uint32_t error)
{
	gva_t cr2 = la;

	while (((cr2 & ~0xfffULL) != vm.absent) && cr2 < la + len)
		cr2++;
	exc->vector = X86EMU_EXC_PF;
	exc->has_error_code = true;
	exc->error_code = error;
	exc->cr2 = cr2;
	return X86EMU_FAULT;
}

static enum x86emu_result t_fetch(void *opaque, gva_t la, uint8_t *buf, unsigned int len,
				  struct x86emu_exception *exc)
{
	assert_ptr_equal(opaque, &vm);
	assert_true(len >= 1 && len <= X86EMU_MAX_INSN_LEN);
	assert_true((la & 0xfff) + len <= X86EMU_PAGE_SIZE);
	if (on_absent(la, len))
		return page_fault(exc, la, len, 0x10); /* I/D: instruction fetch */
	for (unsigned int i = 0; i < len; i++) {
		buf[i] = 0xcc;
		for (unsigned int j = 0; j < vm.ncode; j++)
			if (vm.code[j].la == la + i)
				buf[i] = vm.code[j].b;
	}
	return X86EMU_OK;
}

static uint8_t *ram_at(gva_t la, unsigned int size)
{
	if (la < vm.ram_la || la + size > vm.ram_la + RAM_SIZE)
		fail_msg("guest memory access at %#llx outside the RAM window",
			 (unsigned long long)la);
	return &vm.ram[la - vm.ram_la];
}

static enum x86emu_result t_read_mem(void *opaque, gva_t la, uint8_t *buf, unsigned int size,
				     struct x86emu_exception *exc)
{
	assert_true(size == 1 || size == 2 || size == 4 || size == 8);
	if (on_absent(la, size))
		return page_fault(exc, la, size, 0);
	memcpy(buf, ram_at(la, size), size);
	vm.ram_reads++;
	return X86EMU_OK;
}

static enum x86emu_result t_write_mem(void *opaque, gva_t la, const uint8_t *buf, unsigned int size,
				      struct x86emu_exception *exc)
{
	assert_true(size == 1 || size == 2 || size == 4 || size == 8);
	if (on_absent(la, size))
		return page_fault(exc, la, size, 0x2); /* W/R: write */
	memcpy(ram_at(la, size), buf, size);
	vm.ram_writes++;
	return X86EMU_OK;
}

static enum x86emu_result t_mmio(char kind, gpa_t gpa, unsigned int size, uint64_t *val)
{
	unsigned int off = (unsigned int)(gpa - MMIO_GPA);

	assert_true(size == 1 || size == 2 || size == 4 || size == 8);
	assert_true(gpa >= MMIO_GPA && off + size <= X86EMU_PAGE_SIZE);
	vm.nmmio++;
	if (vm.dev_fail_at == vm.nmmio)
		return vm.dev_rc;
	if (kind == 'r') {
		*val = 0;
		for (unsigned int i = size; i-- > 0;)
			*val = *val << 8 | vm.dev[off + i];
	} else {
		for (unsigned int i = 0; i < size; i++)
			vm.dev[off + i] = (uint8_t)(*val >> (8 * i));
	}
	if (vm.nlog < TLOG_MAX)
		vm.log[vm.nlog++] = (struct tlog){ kind, (uint8_t)size, gpa, *val };
	return X86EMU_OK;
}

static enum x86emu_result t_mmio_read(void *opaque, gpa_t gpa, unsigned int size, uint64_t *value)
{
	return t_mmio('r', gpa, size, value);
}

static enum x86emu_result t_mmio_write(void *opaque, gpa_t gpa, unsigned int size, uint64_t value)
{
	assert_true(size == 8 || value >> (8 * size) == 0);
	return t_mmio('w', gpa, size, &value);
}

static uint64_t t_read_gpr(void *opaque, enum x86emu_gpr reg)
{
	assert_true(reg < X86EMU_NR_GPRS);
	return vm.gpr[reg];
}

static void t_write_gpr(void *opaque, enum x86emu_gpr reg, uint64_t value)
{
	assert_true(reg < X86EMU_NR_GPRS);
	vm.gpr[reg] = value;
}

static uint64_t t_read_rip(void *opaque)
{
	return vm.rip;
}

static void t_write_rip(void *opaque, uint64_t rip)
{
	vm.rip = rip;
	vm.rip_writes++;
}

static uint64_t t_read_rflags(void *opaque)
{
	return vm.rflags;
}

static void t_write_rflags(void *opaque, uint64_t rflags)
{
	vm.rflags = rflags;
	vm.rflags_writes++;
}

static uint64_t t_seg_base(void *opaque, enum x86emu_seg seg)
{
	assert_true(seg < X86EMU_NR_SEGS);
	/* 64-bit mode: only FS and GS have a base (SDM Vol. 3A 3.4.4). */
	if (vm.mode == X86EMU_MODE_LONG64)
		assert_true(seg == X86EMU_FS || seg == X86EMU_GS);
	return vm.seg[seg];
}

static const struct x86emu_ops tops = {
	.fetch = t_fetch,
	.read_mem = t_read_mem,
	.write_mem = t_write_mem,
	.mmio_read = t_mmio_read,
	.mmio_write = t_mmio_write,
	.read_gpr = t_read_gpr,
	.write_gpr = t_write_gpr,
	.read_rip = t_read_rip,
	.write_rip = t_write_rip,
	.read_rflags = t_read_rflags,
	.write_rflags = t_write_rflags,
	.seg_base = t_seg_base,
};

static struct x86emu_report rep;

static enum x86emu_result run(gva_t gla, bool gla_valid, unsigned int access)
{
	struct x86emu_request req = {
		.mode = vm.mode,
		.gpa = MMIO_GPA | (gla & 0xfff),
		.gla = gla,
		.gla_valid = gla_valid,
		.access = access,
	};

	return x86emu_emulate(&tops, &vm, &req, &rep);
}

/* --------------------------------------------------------------- vectors -- */

struct rv {
	uint8_t r; /* register + 1; 0 ends the list */
	uint64_t v;
};

enum vec_runs { BOTH, GLA_ONLY, NO_GLA_ONLY };

struct vec {
	const char *name;
	enum x86emu_mode mode;
	const char *code;
	uint64_t rip; /* 0: RIP64, RIP32 or RIP16 by mode */
	struct rv in[6];
	uint64_t flags; /* RFLAGS on entry, besides bit 1 */
	uint64_t seg[X86EMU_NR_SEGS];
	gva_t gla;
	unsigned int access;
	enum vec_runs runs;
	enum x86emu_result dev_rc; /* the device's answer to access dev_fail_at (default 1) */
	unsigned int dev_fail_at;
	/* expected */
	enum x86emu_result res;
	unsigned int len; /* instruction length, RIP advance after OK */
	struct tlog mmio[4];
	struct rv out[4];
	bool check_flags; /* else RFLAGS must be unchanged */
	uint64_t flags_out;
	uint8_t vector;
	bool has_error;
	const char *reason; /* UNSUPPORTED, RETRY */
};

#define R(reg, val)                     \
	{                               \
		X86EMU_##reg + 1, (val) \
	}
#define MR(s, o, v)                           \
	{                                     \
		'r', (s), MMIO_GPA + (o), (v) \
	}
#define MW(s, o, v)                           \
	{                                     \
		'w', (s), MMIO_GPA + (o), (v) \
	}
#define FLAGS(f)    .check_flags = true, .flags_out = (f) | FL_FIXED
#define UD          .res = X86EMU_FAULT, .vector = X86EMU_EXC_UD
#define GP0         .res = X86EMU_FAULT, .vector = X86EMU_EXC_GP, .has_error = true
#define UNSUP(text) .res = X86EMU_UNSUPPORTED, .reason = (text)
#define RETRY(text) .res = X86EMU_RETRY, .reason = (text)
#define BG(reg)     BG_REG(X86EMU_##reg)
#define M64         .mode = X86EMU_MODE_LONG64
#define M32         .mode = X86EMU_MODE_PROT32
#define M16         .mode = X86EMU_MODE_REAL

/* clang-format off */
static const struct vec vec64[] = {
	/* MOV 88/89: register to memory, every operand size and byte register */
	{ "mov [rdi],eax", M64, "89 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x300, .access = WR, .len = 2, .mmio = { MW(4, 0x300, 0x55667788) } },
	{ "mov [rdi],rax (REX.W)", M64, "48 89 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x300, .access = WR, .len = 3, .mmio = { MW(8, 0x300, 0x1122334455667788) } },
	{ "mov [rdi],ax (66)", M64, "66 89 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x300, .access = WR, .len = 3, .mmio = { MW(2, 0x300, 0x7788) } },
	{ "mov [rdi],ah (no REX)", M64, "88 27", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x300, .access = WR, .len = 2, .mmio = { MW(1, 0x300, 0x77) } },
	{ "mov [rdi],spl (REX 40)", M64, "40 88 27", .in = { R(RDI, LA64 + 0x300), R(RSP, 0x12345699) },
	  .gla = LA64 + 0x300, .access = WR, .len = 3, .mmio = { MW(1, 0x300, 0x99) } },
	{ "mov [r9],r10b (REX.RB)", M64, "45 88 11", .in = { R(R9, LA64 + 0x10), R(R10, 0x1ab) },
	  .gla = LA64 + 0x10, .access = WR, .len = 3, .mmio = { MW(1, 0x10, 0xab) } },
	{ "REX then 66: REX ignored", M64, "48 66 89 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MW(2, 0x300, 0x7788) } },
	{ "REX.B then 66: rm is rdi", M64, "41 66 89 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1234) },
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MW(2, 0x300, 0x1234) } },
	{ "15-byte instruction", M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 07",
	  .in = { R(RDI, LA64 + 0x300), R(RAX, 0x1234) },
	  .gla = LA64 + 0x300, .access = WR, .len = 15, .mmio = { MW(2, 0x300, 0x1234) } },

	/* MOV 8A/8B: memory to register, merges and zero-extension */
	{ "mov eax,[rdi] zero-extends", M64, "8b 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 2, .mmio = { MR(4, 0x300, 0xdeadbeef) },
	  .out = { R(RAX, 0xdeadbeef) } },
	{ "mov al,[rdi] merges", M64, "8a 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 2, .mmio = { MR(1, 0x300, 0xef) },
	  .out = { R(RAX, (BG(RAX) & ~0xffULL) | 0xef) } },
	{ "mov bh,[rdi]", M64, "8a 3f", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 2, .mmio = { MR(1, 0x300, 0x5e) },
	  .out = { R(RBX, (BG(RBX) & ~0xff00ULL) | 0x5e00) } },
	{ "mov ax,[rdi] merges", M64, "66 8b 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 3, .mmio = { MR(2, 0x300, 0xbeef) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 0xbeef) } },
	{ "mov r15,[rdi]", M64, "4c 8b 3f", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 3, .mmio = { MR(8, 0x300, 0x0123456789abcdef) },
	  .out = { R(R15, 0x0123456789abcdef) } },

	/* ModRM/SIB forms of 64-bit addressing (Tables 2-2, 2-3, 2.2.1.6) */
	{ "rip-relative forward", M64, "8b 05 0a 20 00 00", .rip = LA64 - 0x1ff0,
	  .gla = LA64 + 0x20, .access = RD, .len = 6, .mmio = { MR(4, 0x20, 1) }, .out = { R(RAX, 1) } },
	{ "rip-relative backward", M64, "8b 05 3a b0 ff ff", .rip = LA64 + 0x5000,
	  .gla = LA64 + 0x40, .access = RD, .len = 6, .mmio = { MR(4, 0x40, 2) }, .out = { R(RAX, 2) } },
	{ "rip-relative after imm (c7)", M64, "c7 05 f6 ff ff ff 78 56 34 12", .rip = LA64 + 0x100,
	  .gla = LA64 + 0x100, .access = WR, .len = 10, .mmio = { MW(4, 0x100, 0x12345678) } },
	{ "eip-relative (67) truncates", M64, "67 8b 05 49 00 20 00", .rip = 0xfffffff0,
	  .gla = 0x200040, .access = RD, .len = 7, .mmio = { MR(4, 0x40, 3) }, .out = { R(RAX, 3) } },
	{ "SIB no base no index: disp32", M64, "8b 04 25 40 03 20 00",
	  .gla = 0x200340, .access = RD, .len = 7, .mmio = { MR(4, 0x340, 4) }, .out = { R(RAX, 4) } },
	{ "SIB base rsp + disp8", M64, "8b 44 24 08", .in = { R(RSP, LA64 + 0x100) },
	  .gla = LA64 + 0x108, .access = RD, .len = 4, .mmio = { MR(4, 0x108, 5) }, .out = { R(RAX, 5) } },
	{ "r13 base needs disp8", M64, "41 8b 45 00", .in = { R(R13, LA64 + 0x200) },
	  .gla = LA64 + 0x200, .access = RD, .len = 4, .mmio = { MR(4, 0x200, 6) }, .out = { R(RAX, 6) } },
	{ "rbp base + disp32", M64, "8b 85 00 01 00 00", .in = { R(RBP, LA64) },
	  .gla = LA64 + 0x100, .access = RD, .len = 6, .mmio = { MR(4, 0x100, 7) }, .out = { R(RAX, 7) } },
	{ "r12 base needs SIB", M64, "41 8b 04 24", .in = { R(R12, LA64 + 0x50) },
	  .gla = LA64 + 0x50, .access = RD, .len = 4, .mmio = { MR(4, 0x50, 8) }, .out = { R(RAX, 8) } },
	{ "SIB rbx + rcx*4", M64, "8b 04 8b", .in = { R(RBX, LA64), R(RCX, 0x10) },
	  .gla = LA64 + 0x40, .access = RD, .len = 3, .mmio = { MR(4, 0x40, 9) }, .out = { R(RAX, 9) } },
	{ "SIB r12*4 (REX.X) + disp32, no base", M64, "42 8b 04 a5 00 00 20 00", .in = { R(R12, 0x10) },
	  .gla = 0x200040, .access = RD, .len = 8, .mmio = { MR(4, 0x40, 10) }, .out = { R(RAX, 10) } },
	{ "SIB index 100 without REX.X: none", M64, "8b 04 23", .in = { R(RBX, LA64 + 0x30) },
	  .gla = LA64 + 0x30, .access = RD, .len = 3, .mmio = { MR(4, 0x30, 11) }, .out = { R(RAX, 11) } },
	{ "SIB r13 + r15*8 - 8 (REX.XB)", M64, "43 8b 44 fd f8", .in = { R(R13, LA64 + 0x100), R(R15, 2) },
	  .gla = LA64 + 0x108, .access = RD, .len = 5, .mmio = { MR(4, 0x108, 12) }, .out = { R(RAX, 12) } },
	{ "SIB base 101 mod 00 with REX.B: no base", M64, "41 8b 04 2d 40 00 20 00", .in = { R(RBP, 0x10) },
	  .gla = 0x200050, .access = RD, .len = 8, .mmio = { MR(4, 0x50, 13) }, .out = { R(RAX, 13) } },
	{ "gs: override", M64, "65 8b 04 25 10 00 00 00", .seg = { [X86EMU_GS] = LA64 },
	  .gla = LA64 + 0x10, .access = RD, .len = 8, .mmio = { MR(4, 0x10, 14) }, .out = { R(RAX, 14) } },
	{ "fs: override", M64, "64 89 07", .in = { R(RDI, 0x300) }, .seg = { [X86EMU_FS] = LA64 },
	  .gla = LA64 + 0x300, .access = WR, .len = 3, .mmio = { MW(4, 0x300, (uint32_t)BG(RAX)) } },
	{ "cs: ds: es: ss: ignored in 64-bit mode", M64, "2e 3e 26 36 8b 07", .in = { R(RDI, LA64 + 0x8) },
	  .gla = LA64 + 0x8, .access = RD, .len = 6, .mmio = { MR(4, 0x8, 15) }, .out = { R(RAX, 15) } },
	{ "fs: then ds: keeps fs", M64, "64 3e 8b 07", .in = { R(RDI, 0x8) }, .seg = { [X86EMU_FS] = LA64 },
	  .gla = LA64 + 0x8, .access = RD, .len = 4, .mmio = { MR(4, 0x8, 16) }, .out = { R(RAX, 16) } },
	{ "32-bit address size wraps", M64, "67 8b 44 08 10", .in = { R(RAX, 0xfffffff0), R(RCX, 0x200040) },
	  .gla = 0x200040, .access = RD, .len = 5, .mmio = { MR(4, 0x40, 17) }, .out = { R(RAX, 17) } },

	/* MOV C6/C7 immediates, A0-A3 moffs */
	{ "mov dword [rdi],imm32", M64, "c7 07 78 56 34 12", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = WR, .len = 6, .mmio = { MW(4, 0x300, 0x12345678) } },
	{ "mov qword [rdi],imm32 sign-extended", M64, "48 c7 07 00 00 00 80", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = WR, .len = 7, .mmio = { MW(8, 0x300, 0xffffffff80000000) } },
	{ "mov word [rdi+2],imm16", M64, "66 c7 47 02 cd ab", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x302, .access = WR, .len = 6, .mmio = { MW(2, 0x302, 0xabcd) } },
	{ "mov byte [rdi+disp32],imm8", M64, "c6 87 00 01 00 00 5a", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x400, .access = WR, .len = 7, .mmio = { MW(1, 0x400, 0x5a) } },
	{ "mov eax,moffs64", M64, "a1 44 00 e0 f7 ff 7f 00 00",
	  .gla = LA64 + 0x44, .access = RD, .len = 9, .mmio = { MR(4, 0x44, 0x600df00d) },
	  .out = { R(RAX, 0x600df00d) } },
	{ "mov moffs64,rax", M64, "48 a3 48 00 e0 f7 ff 7f 00 00", .in = { R(RAX, 0x1122334455667788) },
	  .gla = LA64 + 0x48, .access = WR, .len = 10, .mmio = { MW(8, 0x48, 0x1122334455667788) } },
	{ "mov al,moffs32 (67)", M64, "67 a0 45 00 20 00",
	  .gla = 0x200045, .access = RD, .len = 6, .mmio = { MR(1, 0x45, 0x7e) },
	  .out = { R(RAX, (BG(RAX) & ~0xffULL) | 0x7e) } },
	{ "mov moffs,ax (66)", M64, "66 a3 40 00 20 00 00 00 00 00", .in = { R(RAX, 0xabcd) },
	  .gla = 0x200040, .access = WR, .len = 10, .mmio = { MW(2, 0x40, 0xabcd) } },

	/* MOVZX, MOVSX */
	{ "movzx eax,byte [rdi]", M64, "0f b6 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 3, .mmio = { MR(1, 0x300, 0xf0) }, .out = { R(RAX, 0xf0) } },
	{ "movzx ecx,word [rdi]", M64, "0f b7 0f", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 3, .mmio = { MR(2, 0x300, 0xf00f) }, .out = { R(RCX, 0xf00f) } },
	{ "movzx ax,byte (66)", M64, "66 0f b6 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 4, .mmio = { MR(1, 0x300, 0x80) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 0x80) } },
	{ "movsx rax,word (REX.W)", M64, "48 0f bf 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 4, .mmio = { MR(2, 0x300, 0x8001) },
	  .out = { R(RAX, 0xffffffffffff8001) } },
	{ "movsx ax,byte (66)", M64, "66 0f be 07", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 4, .mmio = { MR(1, 0x300, 0x80) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 0xff80) } },
	{ "movsx edx,byte", M64, "0f be 17", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 3, .mmio = { MR(1, 0x300, 0xff) }, .out = { R(RDX, 0xffffffff) } },
	{ "movsx r9d,byte [rdi] positive", M64, "44 0f be 0f", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = RD, .len = 4, .mmio = { MR(1, 0x300, 0x7f) }, .out = { R(R9, 0x7f) } },

	/* Arithmetic on memory */
	{ "add [rdi],eax", M64, "01 07", .in = { R(RDI, LA64), R(RAX, 1) },
	  .gla = LA64, .access = RD | WR, .len = 2, .mmio = { MR(4, 0, 0x7fffffff), MW(4, 0, 0x80000000) },
	  FLAGS(OF | SF | AF | PF) },
	{ "add eax,[rdi]", M64, "03 07", .in = { R(RDI, LA64), R(RAX, 0xffffffff) },
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(4, 0, 1) }, .out = { R(RAX, 0) },
	  FLAGS(CF | PF | AF | ZF) },
	{ "cmp [rdi],eax: no write", M64, "39 07", .in = { R(RDI, LA64), R(RAX, 7) },
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(4, 0, 5) }, FLAGS(CF | AF | SF) },
	{ "cmp eax,[rdi]: no register write", M64, "3b 07", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(4, 0, (uint32_t)BG(RAX)) }, FLAGS(ZF | PF) },
	{ "sub dword [rdi],1 (83)", M64, "83 2f 01", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(4, 0, 0), MW(4, 0, 0xffffffff) },
	  FLAGS(CF | PF | AF | SF) },
	{ "or byte [rdi],0x80 clears CF OF", M64, "80 0f 80", .in = { R(RDI, LA64) }, .flags = CF | OF | AF,
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(1, 0, 1), MW(1, 0, 0x81) }, FLAGS(SF | PF) },
	{ "and qword [rdi],imm32 sign-extended", M64, "48 81 27 00 ff ff ff", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = WR, .len = 7,
	  .mmio = { MR(8, 0, 0x12345678abcdef12), MW(8, 0, 0x12345678abcdef00) }, FLAGS(PF) },
	{ "adc [rdi],eax with CF", M64, "11 07", .in = { R(RDI, LA64), R(RAX, 1) }, .flags = CF,
	  .gla = LA64, .access = WR, .len = 2, .mmio = { MR(4, 0, 0xfffffffe), MW(4, 0, 0) },
	  FLAGS(CF | PF | AF | ZF) },
	{ "sbb al,[rdi] with CF", M64, "1a 07", .in = { R(RDI, LA64), R(RAX, 0x10) }, .flags = CF,
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(1, 0, 0x0f) }, .out = { R(RAX, 0) },
	  FLAGS(PF | AF | ZF) },
	{ "xor [rdi],bx (66)", M64, "66 31 1f", .in = { R(RDI, LA64), R(RBX, 0xff00) },
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(2, 0, 0x0ff0), MW(2, 0, 0xf0f0) }, FLAGS(SF | PF) },
	{ "lock or [rdi],eax", M64, "f0 09 07", .in = { R(RDI, LA64), R(RAX, 2) },
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(4, 0, 1), MW(4, 0, 3) }, FLAGS(PF) },
	{ "lock sub [r8+disp8],r9 (REX.WRB)", M64, "f0 4d 29 48 10", .in = { R(R8, LA64), R(R9, 1) },
	  .gla = LA64 + 0x10, .access = WR, .len = 5, .mmio = { MR(8, 0x10, 0x8000000000000000), MW(8, 0x10, 0x7fffffffffffffff) },
	  FLAGS(OF | AF | PF) },
	{ "test [rdi],eax", M64, "85 07", .in = { R(RDI, LA64), R(RAX, 0x80000001) },
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(4, 0, 0x80000000) }, FLAGS(SF | PF) },
	{ "test byte [rdi],1 (f6 /0)", M64, "f6 07 01", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = RD, .len = 3, .mmio = { MR(1, 0, 0xfe) }, FLAGS(ZF | PF) },
	{ "test qword [rdi],-1 (48 f7 /0)", M64, "48 f7 07 ff ff ff ff", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = RD, .len = 7, .mmio = { MR(8, 0, 0x8000000000000000) }, FLAGS(SF | PF) },
	{ "test word [rdi],imm16 (66 f7 /0)", M64, "66 f7 07 00 80", .in = { R(RDI, LA64) },
	  .gla = LA64, .access = RD, .len = 5, .mmio = { MR(2, 0, 0x8001) }, FLAGS(SF | PF) },
	{ "test [rdi],ah", M64, "84 27", .in = { R(RDI, LA64), R(RAX, 0x0100) },
	  .gla = LA64, .access = RD, .len = 2, .mmio = { MR(1, 0, 0x03) }, FLAGS(0) },

	/* XCHG */
	{ "xchg [rdi],eax", M64, "87 07", .in = { R(RDI, LA64), R(RAX, 0x1111222233334444) },
	  .gla = LA64, .access = RD | WR, .len = 2, .mmio = { MR(4, 0, 0xcafef00d), MW(4, 0, 0x33334444) },
	  .out = { R(RAX, 0xcafef00d) } },
	{ "lock xchg [rdi],cl", M64, "f0 86 0f", .in = { R(RDI, LA64), R(RCX, 0x1234) },
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(1, 0, 0xab), MW(1, 0, 0x34) },
	  .out = { R(RCX, 0x12ab) } },
	{ "xchg [rdi],r11 (REX.WR)", M64, "4c 87 1f", .in = { R(RDI, LA64), R(R11, 5) },
	  .gla = LA64, .access = WR, .len = 3, .mmio = { MR(8, 0, 6), MW(8, 0, 5) }, .out = { R(R11, 6) } },

	/* BT family: CF is the bit, other flags kept */
	{ "bt [rdi],eax: offset 35 is +4 bit 3", M64, "0f a3 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 35) },
	  .flags = ZF | SF | OF | PF | AF, .gla = LA64 + 0x304, .access = RD, .len = 3,
	  .mmio = { MR(4, 0x304, 0x8) }, FLAGS(ZF | SF | OF | PF | AF | CF) },
	{ "bt [rdi],eax: offset -1 is -4 bit 31", M64, "0f a3 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 0xffffffff) },
	  .gla = LA64 + 0x2fc, .access = RD, .len = 3, .mmio = { MR(4, 0x2fc, 0x80000000) }, FLAGS(CF) },
	{ "bt [rdi],imm8 37: modulo 32, no move", M64, "0f ba 27 25", .in = { R(RDI, LA64 + 0x300) },
	  .flags = CF, .gla = LA64 + 0x300, .access = RD, .len = 4, .mmio = { MR(4, 0x300, 0xffffffdf) }, FLAGS(0) },
	{ "bts dword [rdi],5", M64, "0f ba 2f 05", .in = { R(RDI, LA64 + 0x300) }, .flags = CF,
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MR(4, 0x300, 0), MW(4, 0x300, 0x20) }, FLAGS(0) },
	{ "btr word [rdi],ax: offset 17 is +2 bit 1", M64, "66 0f b3 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 17) },
	  .gla = LA64 + 0x302, .access = WR, .len = 4, .mmio = { MR(2, 0x302, 0xffff), MW(2, 0x302, 0xfffd) },
	  FLAGS(CF) },
	{ "btc qword [rdi],rax: offset 127", M64, "48 0f bb 07", .in = { R(RDI, LA64 + 0x300), R(RAX, 127) },
	  .gla = LA64 + 0x308, .access = WR, .len = 4, .mmio = { MR(8, 0x308, 0), MW(8, 0x308, 0x8000000000000000) },
	  FLAGS(0) },
	{ "btc qword [rdi],rax: offset -65", M64, "48 0f bb 07", .in = { R(RDI, LA64 + 0x300), R(RAX, (uint64_t)-65) },
	  .gla = LA64 + 0x2f0, .access = WR, .len = 4, .mmio = { MR(8, 0x2f0, 0x8000000000000000), MW(8, 0x2f0, 0) },
	  FLAGS(CF) },
	{ "lock bts [rdi],ecx", M64, "f0 0f ab 0f", .in = { R(RDI, LA64 + 0x300), R(RCX, 0) },
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MR(4, 0x300, 1), MW(4, 0x300, 1) }, FLAGS(CF) },
	{ "btr [rdi],imm8 (0f ba /6)", M64, "0f ba 37 1f", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MR(4, 0x300, 0xffffffff), MW(4, 0x300, 0x7fffffff) },
	  FLAGS(CF) },
	{ "btc [rdi],imm8 (0f ba /7)", M64, "0f ba 3f 00", .in = { R(RDI, LA64 + 0x300) },
	  .gla = LA64 + 0x300, .access = WR, .len = 4, .mmio = { MR(4, 0x300, 0), MW(4, 0x300, 1) }, FLAGS(0) },

	/* Not emulated: the report names the opcode */
	{ "movbe: three-byte map", M64, "0f 38 f0 07", .gla = LA64, .access = RD, UNSUP("opcode 0f 38 f0 not emulated") },
	{ "66 0f 3a", M64, "66 0f 3a 0f c1 08", .gla = LA64, .access = RD, UNSUP("opcode 0f 3a 0f not emulated") },
	{ "not: f6 /2", M64, "f6 17", .gla = LA64, .access = WR, UNSUP("opcode f6 /2 not emulated") },
	{ "neg: f7 /3", M64, "f7 1f", .gla = LA64, .access = WR, UNSUP("opcode f7 /3 not emulated") },
	{ "xbegin: c7 /7", M64, "c7 f8 00 00 00 00", .gla = LA64, .access = WR, UNSUP("opcode c7 /7 not emulated") },
	{ "0f ba /0", M64, "0f ba 07 01", .gla = LA64, .access = RD, UNSUP("opcode 0f ba /0 not emulated") },
	{ "mov eax,eax: no memory", M64, "89 c0", .gla = LA64, .access = WR,
	  UNSUP("opcode 89 with a register operand not emulated") },
	{ "movzx eax,al: no memory", M64, "0f b6 c0", .gla = LA64, .access = RD,
	  UNSUP("opcode 0f b6 with a register operand not emulated") },
	{ "inc dword [rdi]", M64, "ff 07", .gla = LA64, .access = WR, UNSUP("opcode ff not emulated") },
	{ "add al,imm8", M64, "04 01", .gla = LA64, .access = RD, UNSUP("opcode 04 not emulated") },
	{ "movsxd", M64, "48 63 07", .gla = LA64, .access = RD, UNSUP("opcode 63 not emulated") },
	{ "cmpsb", M64, "f3 a6", .gla = LA64, .access = RD, UNSUP("opcode a6 not emulated") },
	{ "VEX", M64, "c5 f9 6e 07", .gla = LA64, .access = RD, UNSUP("opcode c5 not emulated") },
	{ "movnti", M64, "0f c3 07", .gla = LA64, .access = WR, UNSUP("opcode 0f c3 not emulated") },
	{ "access kind fetch", M64, "89 07", .gla = LA64, .access = X86EMU_ACCESS_FETCH,
	  UNSUP("instruction fetch from MMIO at gpa 0xfee00000") },

	/* Faults */
	{ "lock mov: #UD", M64, "f0 89 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = WR, UD },
	{ "lock cmp: #UD", M64, "f0 39 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = RD, UD },
	{ "lock add reg,mem: #UD", M64, "f0 03 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = RD, UD },
	{ "lock bt: #UD", M64, "f0 0f a3 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = RD, UD },
	{ "lock bt imm: #UD", M64, "f0 0f ba 27 01", .in = { R(RDI, LA64) }, .gla = LA64, .access = RD, UD },
	{ "lock movs: #UD", M64, "f0 a4", .gla = LA64, .access = RD, UD },
	{ "82 in 64-bit mode: #UD", M64, "82 07 01", .in = { R(RDI, LA64) }, .gla = LA64, .access = WR, UD },
	{ "16-byte instruction: #GP(0)", M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07",
	  .in = { R(RDI, LA64) }, .gla = LA64, .access = WR, GP0 },
	{ "16 bytes through the displacement: #GP(0)", M64, "66 66 66 66 66 66 66 66 66 66 c7 87 00 00 00 00 34 12",
	  .in = { R(RDI, LA64) }, .gla = LA64, .access = WR, GP0 },
	{ "non-canonical: #GP(0)", M64, "8b 07", .in = { R(RDI, 0x0000800000000000) },
	  .gla = 0x0000800000000000, .access = RD, GP0 },
	{ "non-canonical through rbp: #SS(0)", M64, "8b 45 00", .in = { R(RBP, 0xffff7fffffffff00) },
	  .gla = 0xffff7fffffffff00, .access = RD, .res = X86EMU_FAULT, .vector = X86EMU_EXC_SS, .has_error = true },
	{ "non-canonical through r13: #GP(0)", M64, "41 8b 45 00", .in = { R(R13, 0xffff7fffffffff00) },
	  .gla = 0xffff7fffffffff00, .access = RD, GP0 },
	{ "last byte non-canonical: #GP(0)", M64, "48 8b 07", .in = { R(RDI, 0x00007ffffffffffc) },
	  .gla = 0x00007ffffffffffc, .access = RD, GP0 },

	/* The instruction does not match the exit */
	{ "operand not on the faulting page", M64, "89 07", .in = { R(RDI, LA64 + 0x1010) },
	  .gla = LA64 + 0x10, .access = WR, .runs = GLA_ONLY,
	  RETRY("no operand on the faulting page (linear 0x7ffff7e00000)") },
	{ "load, but the exit says write", M64, "8b 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = WR,
	  .runs = GLA_ONLY, RETRY("the instruction does not write the faulting page") },
	{ "load, but the exit says write (no gla)", M64, "8b 07", .in = { R(RDI, LA64) }, .gla = LA64,
	  .access = WR, .runs = NO_GLA_ONLY, RETRY("the instruction does not write memory") },
	{ "store, but the exit says read", M64, "89 07", .in = { R(RDI, LA64) }, .gla = LA64, .access = RD,
	  .runs = GLA_ONLY, RETRY("the instruction does not read the faulting page") },
	{ "store, but the exit says read (no gla)", M64, "89 07", .in = { R(RDI, LA64) }, .gla = LA64,
	  .access = RD, .runs = NO_GLA_ONLY, RETRY("the instruction does not read memory") },
	{ "device asks to retry", M64, "89 07", .in = { R(RDI, LA64 + 0x300) }, .gla = LA64 + 0x300, .access = WR,
	  .dev_rc = X86EMU_RETRY, RETRY("device asks to retry the 4-byte write at gpa 0xfee00300") },
	{ "no device", M64, "8b 07", .in = { R(RDI, LA64 + 0x300) }, .gla = LA64 + 0x300, .access = RD,
	  .dev_rc = X86EMU_UNSUPPORTED, UNSUP("no device took the 4-byte read at gpa 0xfee00300") },
	{ "xchg: write refused after the read", M64, "87 07", .in = { R(RDI, LA64 + 0x300) }, .gla = LA64 + 0x300,
	  .access = WR, .dev_rc = X86EMU_UNSUPPORTED, .dev_fail_at = 2, .mmio = { MR(4, 0x300, 0x1234) },
	  UNSUP("no device took the 4-byte write at gpa 0xfee00300") },

	/* Page-straddling device accesses are not emulated */
	{ "straddles the end of the MMIO page", M64, "89 07", .in = { R(RDI, LA64 + 0xffe) },
	  .gla = LA64 + 0xffe, .access = WR,
	  UNSUP("4-byte access at linear 0x7ffff7e00ffe straddles the MMIO page") },
	{ "straddles into the MMIO page", M64, "48 89 07", .in = { R(RDI, LA64 - 4) },
	  .gla = LA64, .access = WR, .runs = GLA_ONLY,
	  UNSUP("8-byte access at linear 0x7ffff7dffffc straddles the MMIO page") },
};

static const struct vec vec32[] = {
	{ "mov [edi],eax", M32, "89 07", .in = { R(RDI, 0x80500300), R(RAX, 0x11223344) },
	  .seg = { [X86EMU_DS] = 0x40000000 }, .gla = LA32 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(4, 0x300, 0x11223344) } },
	{ "mov [edi],ax (66)", M32, "66 89 07", .in = { R(RDI, LA32 + 0x300), R(RAX, 0x11223344) },
	  .gla = LA32 + 0x300, .access = WR, .len = 3, .mmio = { MW(2, 0x300, 0x3344) } },
	{ "mov eax,[edi] zero-extends", M32, "8b 07", .in = { R(RDI, LA32 + 0x300) },
	  .gla = LA32 + 0x300, .access = RD, .len = 2, .mmio = { MR(4, 0x300, 0x80000000) }, .out = { R(RAX, 0x80000000) } },
	{ "48 is DEC in 32-bit mode", M32, "48 89 07", .gla = LA32, .access = WR, UNSUP("opcode 48 not emulated") },
	{ "disp32 absolute, no RIP-relative", M32, "8b 05 00 03 50 c0",
	  .gla = LA32 + 0x300, .access = RD, .len = 6, .mmio = { MR(4, 0x300, 1) }, .out = { R(RAX, 1) } },
	{ "[ebp+8] uses SS", M32, "8b 45 08", .in = { R(RBP, LA32 - 0x1000 + 0xf8) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = 0x7000 },
	  .gla = LA32 + 0x100, .access = RD, .len = 3, .mmio = { MR(4, 0x100, 2) }, .out = { R(RAX, 2) } },
	{ "[esp] uses SS", M32, "8b 04 24", .in = { R(RSP, LA32 - 0x1000 + 0x20) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = 0x7000 },
	  .gla = LA32 + 0x20, .access = RD, .len = 3, .mmio = { MR(4, 0x20, 3) }, .out = { R(RAX, 3) } },
	{ "[ebp+esi*2] uses SS", M32, "8b 44 75 00", .in = { R(RBP, LA32 - 0x1000), R(RSI, 0x10) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = 0x7000 },
	  .gla = LA32 + 0x20, .access = RD, .len = 4, .mmio = { MR(4, 0x20, 4) }, .out = { R(RAX, 4) } },
	{ "[esi+ebp*1] uses DS (ebp as index)", M32, "8b 04 2e", .in = { R(RSI, LA32 - 0x7000), R(RBP, 0x30) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = 0x7000 },
	  .gla = LA32 + 0x30, .access = RD, .len = 3, .mmio = { MR(4, 0x30, 5) }, .out = { R(RAX, 5) } },
	{ "ss: override on [edi]", M32, "36 89 07", .in = { R(RDI, LA32 - 0x1000 + 0x40) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = 0x7000 },
	  .gla = LA32 + 0x40, .access = WR, .len = 3, .mmio = { MW(4, 0x40, (uint32_t)BG(RAX)) } },
	{ "es: override", M32, "26 89 07", .in = { R(RDI, 0x300), R(RAX, 9) }, .seg = { [X86EMU_ES] = LA32 },
	  .gla = LA32 + 0x300, .access = WR, .len = 3, .mmio = { MW(4, 0x300, 9) } },
	{ "ds: override on [ebp] beats SS", M32, "3e 8b 45 00", .in = { R(RBP, 0x300) },
	  .seg = { [X86EMU_SS] = 0x1000, [X86EMU_DS] = LA32 },
	  .gla = LA32 + 0x300, .access = RD, .len = 4, .mmio = { MR(4, 0x300, 6) }, .out = { R(RAX, 6) } },
	{ "fs: override", M32, "64 8b 07", .in = { R(RDI, 0x300) }, .seg = { [X86EMU_FS] = LA32 },
	  .gla = LA32 + 0x300, .access = RD, .len = 3, .mmio = { MR(4, 0x300, 7) }, .out = { R(RAX, 7) } },
	{ "67: 16-bit [bx+si]", M32, "67 8b 00", .in = { R(RBX, 0x12340100), R(RSI, 0x200) },
	  .seg = { [X86EMU_DS] = LA32 },
	  .gla = LA32 + 0x300, .access = RD, .len = 3, .mmio = { MR(4, 0x300, 8) }, .out = { R(RAX, 8) } },
	{ "linear address wraps at 4 GiB", M32, "89 07", .in = { R(RDI, 0xc0600300), R(RAX, 10) },
	  .seg = { [X86EMU_DS] = 0xfff00000 }, .gla = LA32 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(4, 0x300, 10) } },
	{ "82 /0 add byte [edi],1", M32, "82 07 01", .in = { R(RDI, LA32) },
	  .gla = LA32, .access = WR, .len = 3, .mmio = { MR(1, 0, 0xff), MW(1, 0, 0) }, FLAGS(CF | PF | AF | ZF) },
	{ "mov moffs32,eax", M32, "a3 00 03 50 c0", .in = { R(RAX, 0x55) },
	  .gla = LA32 + 0x300, .access = WR, .len = 5, .mmio = { MW(4, 0x300, 0x55) } },
	{ "mov al,moffs16 (67)", M32, "67 a0 00 03", .seg = { [X86EMU_DS] = LA32 },
	  .gla = LA32 + 0x300, .access = RD, .len = 4, .mmio = { MR(1, 0x300, 0x66) },
	  .out = { R(RAX, (BG(RAX) & ~0xffULL) | 0x66) } },
	{ "EIP wraps at 4 GiB", M32, "89 07", .rip = 0xfffffffe, .in = { R(RDI, LA32), R(RAX, 1) },
	  .gla = LA32, .access = WR, .len = 2, .mmio = { MW(4, 0, 1) } },
	{ "xchg [edi],bl", M32, "86 1f", .in = { R(RDI, LA32), R(RBX, 0x77) },
	  .gla = LA32, .access = WR, .len = 2, .mmio = { MR(1, 0, 0x88), MW(1, 0, 0x77) },
	  .out = { R(RBX, 0x88) } },
	{ "bt [edi],eax with 16-bit address size", M32, "67 0f a3 05", .in = { R(RDI, 0xfffe), R(RAX, 64) },
	  .seg = { [X86EMU_DS] = LA32 },
	  .gla = LA32 + 0x6, .access = RD, .len = 4, .mmio = { MR(4, 0x6, 1) }, FLAGS(CF) },
	{ "lock mov load: #UD has no error code", M32, "f0 8b 07", .gla = LA32, .access = RD, UD },
};

static const struct vec vec16[] = {
	{ "mov [bx],ax", M16, "89 07", .in = { R(RBX, 0x8300), R(RAX, 0xabcd) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(2, 0x300, 0xabcd) } },
	{ "[bp+si] uses SS", M16, "8b 02", .in = { R(RBP, 0x8000), R(RSI, 0x100) },
	  .seg = { [X86EMU_SS] = 0xb0000, [X86EMU_DS] = 0x20000 },
	  .gla = LA16 + 0x100, .access = RD, .len = 2, .mmio = { MR(2, 0x100, 0x1234) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 0x1234) } },
	{ "[bp+di-2] uses SS", M16, "8b 43 fe", .in = { R(RBP, 0x8000), R(RDI, 0x102) },
	  .seg = { [X86EMU_SS] = 0xb0000, [X86EMU_DS] = 0x20000 },
	  .gla = LA16 + 0x100, .access = RD, .len = 3, .mmio = { MR(2, 0x100, 1) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 1) } },
	{ "[bp+0] needs disp8", M16, "89 46 00", .in = { R(RBP, 0x8200), R(RAX, 2) },
	  .seg = { [X86EMU_SS] = 0xb0000, [X86EMU_DS] = 0x20000 },
	  .gla = LA16 + 0x200, .access = WR, .len = 3, .mmio = { MW(2, 0x200, 2) } },
	{ "[disp16] uses DS", M16, "89 06 00 83", .in = { R(RAX, 3) },
	  .seg = { [X86EMU_SS] = 0x20000, [X86EMU_DS] = 0xb0000 },
	  .gla = LA16 + 0x300, .access = WR, .len = 4, .mmio = { MW(2, 0x300, 3) } },
	{ "[bx+di+disp16]", M16, "89 81 00 80", .in = { R(RBX, 0x200), R(RDI, 0x100), R(RAX, 4) },
	  .seg = { [X86EMU_DS] = 0xb0000 },
	  .gla = LA16 + 0x300, .access = WR, .len = 4, .mmio = { MW(2, 0x300, 4) } },
	{ "[bx+si+disp8] wraps at 64 KiB", M16, "8b 40 10", .in = { R(RBX, 0xfff0), R(RSI, 0x8300) },
	  .seg = { [X86EMU_DS] = 0xb0000 },
	  .gla = LA16 + 0x300, .access = RD, .len = 3, .mmio = { MR(2, 0x300, 5) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 5) } },
	{ "[si-1] wraps below zero", M16, "8b 44 ff", .in = { R(RSI, 0) }, .seg = { [X86EMU_DS] = 0xa8fff },
	  .gla = LA16 + 0xffe, .access = RD, .len = 3, .mmio = { MR(2, 0xffe, 6) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 6) } },
	{ "es: [di]", M16, "26 89 05", .in = { R(RDI, 0x40), R(RAX, 7) }, .seg = { [X86EMU_ES] = LA16 },
	  .gla = LA16 + 0x40, .access = WR, .len = 3, .mmio = { MW(2, 0x40, 7) } },
	{ "66: 32-bit operand", M16, "66 89 07", .in = { R(RBX, 0x8300), R(RAX, 0x12345678) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 3,
	  .mmio = { MW(4, 0x300, 0x12345678) } },
	{ "67: 32-bit addressing [ebx]", M16, "67 89 03", .in = { R(RBX, 0x8300), R(RAX, 8) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 3,
	  .mmio = { MW(2, 0x300, 8) } },
	{ "67: SIB [eax+ecx*2]", M16, "67 8b 1c 48", .in = { R(RAX, 0x8000), R(RCX, 0x80) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x100, .access = RD, .len = 4,
	  .mmio = { MR(2, 0x100, 9) }, .out = { R(RBX, (BG(RBX) & ~0xffffULL) | 9) } },
	{ "mov word [bx],imm16", M16, "c7 07 34 12", .in = { R(RBX, 0x8300) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 4,
	  .mmio = { MW(2, 0x300, 0x1234) } },
	{ "mov ax,moffs16", M16, "a1 00 83", .seg = { [X86EMU_DS] = 0xb0000 },
	  .gla = LA16 + 0x300, .access = RD, .len = 3, .mmio = { MR(2, 0x300, 0xbeef) },
	  .out = { R(RAX, (BG(RAX) & ~0xffffULL) | 0xbeef) } },
	{ "movzx eax,byte [bx] (66)", M16, "66 0f b6 07", .in = { R(RBX, 0x8300) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = RD, .len = 4,
	  .mmio = { MR(1, 0x300, 0x90) }, .out = { R(RAX, 0x90) } },
	{ "or [bx],al", M16, "08 07", .in = { R(RBX, 0x8300), R(RAX, 0x0f) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 2,
	  .mmio = { MR(1, 0x300, 0xf0), MW(1, 0x300, 0xff) }, FLAGS(SF | PF) },
	{ "IP wraps at 64 KiB", M16, "89 07", .rip = 0xfffe, .in = { R(RBX, 0x8300) },
	  .seg = { [X86EMU_DS] = 0xb0000, [X86EMU_CS] = 0x10000 }, .gla = LA16 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(2, 0x300, (uint16_t)BG(RAX)) } },
	{ "instruction wraps IP", M16, "89 07", .rip = 0xffff, .in = { R(RBX, 0x8300) },
	  .seg = { [X86EMU_DS] = 0xb0000, [X86EMU_CS] = 0x10000 }, .gla = LA16 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(2, 0x300, (uint16_t)BG(RAX)) } },
	{ "16-byte instruction: #GP without error code", M16,
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07", .gla = LA16, .access = WR,
	  .res = X86EMU_FAULT, .vector = X86EMU_EXC_GP },
	{ "VM86: #GP with error code", .mode = X86EMU_MODE_VM86,
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07", .gla = LA16, .access = WR, GP0 },
	{ "PROT16: mov [bx+di],ax", .mode = X86EMU_MODE_PROT16, "89 01", .in = { R(RBX, 0x8200), R(RDI, 0x100), R(RAX, 0x4321) },
	  .seg = { [X86EMU_DS] = 0xb0000 }, .gla = LA16 + 0x300, .access = WR, .len = 2,
	  .mmio = { MW(2, 0x300, 0x4321) } },
	{ "PROT16: 66 67 mov [eax],eax", .mode = X86EMU_MODE_PROT16, "66 67 89 00", .in = { R(RAX, LA16 + 0x10) },
	  .gla = LA16 + 0x10, .access = WR, .len = 4, .mmio = { MW(4, 0x10, (uint32_t)(LA16 + 0x10)) } },
};
/* clang-format on */

static uint64_t vec_reg(const struct rv *list, unsigned int n, unsigned int reg, uint64_t dflt)
{
	for (unsigned int i = 0; i < n && list[i].r; i++)
		if (list[i].r == reg + 1)
			dflt = list[i].v;
	return dflt;
}

static void check_log(const struct vec *v)
{
	unsigned int n = 0;

	while (n < 4 && v->mmio[n].kind)
		n++;
	if (vm.nlog != n)
		fail_msg("%s: %u device accesses, expected %u", v->name, vm.nlog, n);
	for (unsigned int i = 0; i < n; i++) {
		const struct tlog *e = &v->mmio[i], *g = &vm.log[i];

		if (e->kind != g->kind || e->size != g->size || e->gpa != g->gpa ||
		    e->val != g->val)
			fail_msg("%s: access %u is %c%u %#llx = %#llx, expected %c%u %#llx = %#llx",
				 v->name, i, g->kind, g->size, (unsigned long long)g->gpa,
				 (unsigned long long)g->val, e->kind, e->size,
				 (unsigned long long)e->gpa, (unsigned long long)e->val);
	}
}

static void check_regs(const struct vec *v)
{
	for (unsigned int r = 0; r < X86EMU_NR_GPRS; r++) {
		uint64_t in = vec_reg(v->in, 6, r, bg_reg(r));
		uint64_t want = v->res == X86EMU_OK ? vec_reg(v->out, 4, r, in) : in;

		if (vm.gpr[r] != want)
			fail_msg("%s: register %u is %#llx, expected %#llx", v->name, r,
				 (unsigned long long)vm.gpr[r], (unsigned long long)want);
	}
}

static void check_state(const struct vec *v, uint64_t rip)
{
	uint64_t want_rip = rip, want_flags = v->flags | FL_FIXED;

	if (v->res == X86EMU_OK) {
		want_rip = (rip + v->len) & ip_mask(v->mode);
		if (v->check_flags)
			want_flags = v->flags_out;
		if (rep.insn_len != v->len)
			fail_msg("%s: length %u, expected %u", v->name, rep.insn_len, v->len);
	}
	if (vm.rip != want_rip)
		fail_msg("%s: rip %#llx, expected %#llx", v->name, (unsigned long long)vm.rip,
			 (unsigned long long)want_rip);
	if (vm.rflags != want_flags)
		fail_msg("%s: rflags %#llx, expected %#llx", v->name, (unsigned long long)vm.rflags,
			 (unsigned long long)want_flags);
	if (v->res == X86EMU_FAULT &&
	    (rep.exc.vector != v->vector || rep.exc.has_error_code != v->has_error ||
	     rep.exc.error_code))
		fail_msg("%s: exception %u (error code %d: %u), expected %u (%d)", v->name,
			 rep.exc.vector, rep.exc.has_error_code, rep.exc.error_code, v->vector,
			 v->has_error);
	if (v->reason && strcmp(rep.reason, v->reason) != 0)
		fail_msg("%s: reason \"%s\", expected \"%s\"", v->name, rep.reason, v->reason);
	if (!v->reason && rep.reason[0])
		fail_msg("%s: unexpected reason \"%s\"", v->name, rep.reason);
}

static void run_vec(const struct vec *v, bool with_gla)
{
	static const uint64_t rips[] = { [X86EMU_MODE_REAL] = RIP16,
					 [X86EMU_MODE_VM86] = RIP16,
					 [X86EMU_MODE_PROT16] = RIP16,
					 [X86EMU_MODE_PROT32] = RIP32,
					 [X86EMU_MODE_LONG64] = RIP64 };
	enum x86emu_result rc;
	uint64_t rip = v->rip ? v->rip : rips[v->mode];

	tvm_reset(v->mode);
	for (unsigned int r = 0; r < X86EMU_NR_GPRS; r++)
		vm.gpr[r] = vec_reg(v->in, 6, r, bg_reg(r));
	memcpy(vm.seg, v->seg, sizeof(vm.seg));
	vm.rflags = v->flags | FL_FIXED;
	vm.rip = rip;
	set_code(v->code);
	for (unsigned int i = 0; i < 4 && v->mmio[i].kind; i++)
		if (v->mmio[i].kind == 'r')
			for (unsigned int b = 0; b < v->mmio[i].size; b++)
				vm.dev[v->mmio[i].gpa - MMIO_GPA + b] =
					(uint8_t)(v->mmio[i].val >> (8 * b));
	if (v->dev_rc != X86EMU_OK) {
		vm.dev_fail_at = v->dev_fail_at ? v->dev_fail_at : 1;
		vm.dev_rc = v->dev_rc;
	}

	rc = run(v->gla, with_gla, v->access);
	if (rc != v->res)
		fail_msg("%s (%s gla): %s (%s), expected %s", v->name,
			 with_gla ? "with" : "without", x86emu_result_name(rc), rep.reason,
			 x86emu_result_name(v->res));
	check_log(v);
	check_regs(v);
	check_state(v, rip);
	assert_int_equal(vm.ram_reads + vm.ram_writes, 0);
}

static void run_vecs(const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].runs != NO_GLA_ONLY)
			run_vec(&v[i], true);
		if (v[i].runs != GLA_ONLY)
			run_vec(&v[i], false);
	}
}

static void test_vectors_64(void **state)
{
	run_vecs(vec64, ARRAY_SIZE(vec64));
}

static void test_vectors_32(void **state)
{
	run_vecs(vec32, ARRAY_SIZE(vec32));
}

static void test_vectors_16(void **state)
{
	run_vecs(vec16, ARRAY_SIZE(vec16));
}

/* ------------------------------------------------ flags against the host -- */

#define HOST_FLAGS (CF | PF | AF | ZF | SF | OF)

/*
 * One ALU instruction on the host with register operands, RFLAGS set to
 * `fin` before; returns the result, *fout the flags after. The red zone
 * is stepped over because pushf/popf move RSP under the compiler's feet.
 */
#define HOST_OP(insn, sfx, cons, type)                                            \
	do {                                                                      \
		type x_ = (type)a, y_ = (type)b;                                  \
		asm volatile("sub $128, %%rsp\n\tpush %[fi]\n\tpopf\n\t" insn sfx \
			     " %[y], %[x]\n\t"                                    \
			     "pushf\n\tpop %[fo]\n\tadd $128, %%rsp"              \
			     : [x] "+" cons(x_), [fo] "=&r"(fo)                   \
			     : [y] cons(y_), [fi] "r"(fi)                         \
			     : "cc");                                             \
		res = (uint64_t)x_;                                               \
	} while (0)

#define HOST_SIZES(insn)                           \
	switch (size) {                            \
	case 1:                                    \
		HOST_OP(insn, "b", "q", uint8_t);  \
		break;                             \
	case 2:                                    \
		HOST_OP(insn, "w", "r", uint16_t); \
		break;                             \
	case 4:                                    \
		HOST_OP(insn, "l", "r", uint32_t); \
		break;                             \
	default:                                   \
		HOST_OP(insn, "q", "r", uint64_t); \
		break;                             \
	}

/* BT has no 8-bit form. */
#define HOST_SIZES_BT(insn)                        \
	switch (size) {                            \
	case 2:                                    \
		HOST_OP(insn, "w", "r", uint16_t); \
		break;                             \
	case 4:                                    \
		HOST_OP(insn, "l", "r", uint32_t); \
		break;                             \
	default:                                   \
		HOST_OP(insn, "q", "r", uint64_t); \
		break;                             \
	}

/* op 0-7 as the ALU rows; 8 = TEST, 9 = BT, 10 = BTS, 11 = BTR, 12 = BTC. */
static uint64_t host_op(unsigned int op, unsigned int size, uint64_t a, uint64_t b, uint64_t fi,
			uint64_t *fout)
{
	uint64_t res = 0, fo = 0;

	switch (op) {
	case 0:
		HOST_SIZES("add") break;
	case 1:
		HOST_SIZES("or") break;
	case 2:
		HOST_SIZES("adc") break;
	case 3:
		HOST_SIZES("sbb") break;
	case 4:
		HOST_SIZES("and") break;
	case 5:
		HOST_SIZES("sub") break;
	case 6:
		HOST_SIZES("xor") break;
	case 7:
		HOST_SIZES("cmp") break;
	case 8:
		HOST_SIZES("test") break;
	case 9:
		HOST_SIZES_BT("bt") break;
	case 10:
		HOST_SIZES_BT("bts") break;
	case 11:
		HOST_SIZES_BT("btr") break;
	default:
		HOST_SIZES_BT("btc") break;
	}
	*fout = fo;
	return res;
}

static const uint64_t edge[] = {
	0,
	1,
	2,
	0x0f,
	0x10,
	0x7f,
	0x80,
	0xff,
	0x100,
	0x7fff,
	0x8000,
	0xffff,
	0x7fffffff,
	0x80000000,
	0xffffffff,
	0x100000000,
	0x7fffffffffffffff,
	0x8000000000000000,
	0xfffffffffffffffe,
	0xffffffffffffffff,
	0x5555555555555555,
	0xaaaaaaaaaaaaaaaa,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * Prefixes for an operand size in 64-bit mode; an empty REX for bytes so
 * that register 6 is SIL rather than DH.
 */
static unsigned int size_prefix(unsigned int size, uint8_t *b)
{
	if (size == 1) {
		b[0] = 0x40;
		return 1;
	}
	if (size == 2) {
		b[0] = 0x66;
		return 1;
	}
	if (size == 8) {
		b[0] = 0x48;
		return 1;
	}
	return 0;
}

/*
 * OP [rdi], esi (memory destination, opcode op*8 + w) or OP esi, [rdi]
 * (register destination, + 2), and TEST [rdi], esi (84/85), through the
 * emulator; compares result and flags with the host.
 */
static void check_alu(unsigned int op, unsigned int size, bool reg_dst, uint64_t a, uint64_t b,
		      uint64_t fin)
{
	uint8_t code[4];
	unsigned int n = size_prefix(size, code);
	unsigned int access;
	uint64_t mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	uint64_t want_flags, want = host_op(op, size, a, b, fin, &want_flags) & mask;
	uint64_t rsi = reg_dst ? a : b, mem = reg_dst ? b : a;
	bool writes = op < 7;

	access = reg_dst || !writes ? RD : RD | WR;
	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = RIP64;
	vm.rflags = fin;
	vm.gpr[X86EMU_RDI] = LA64 + 0x80;
	vm.gpr[X86EMU_RSI] = rsi;
	code[n++] = op == 8 ? (size == 1 ? 0x84 : 0x85)
			    : (uint8_t)(op * 8 + (size == 1 ? 0 : 1) + (reg_dst ? 2 : 0));
	code[n++] = 0x37; /* mod 00, reg 110 (rsi), rm 111 ([rdi]) */
	place_code(code, n);
	for (unsigned int i = 0; i < size; i++)
		vm.dev[0x80 + i] = (uint8_t)(mem >> (8 * i));
	assert_int_equal(run(LA64 + 0x80, true, access), X86EMU_OK);

	if ((vm.rflags & HOST_FLAGS) != (want_flags & HOST_FLAGS) ||
	    (vm.rflags & ~HOST_FLAGS) != (fin & ~HOST_FLAGS))
		fail_msg("op %u size %u %s: %#llx, %#llx, flags %#llx: flags %#llx, host %#llx", op,
			 size, reg_dst ? "reg" : "mem", (unsigned long long)a,
			 (unsigned long long)b, (unsigned long long)fin,
			 (unsigned long long)vm.rflags, (unsigned long long)want_flags);
	if (reg_dst) {
		uint64_t full = writes ? (size == 4 ? want : (rsi & ~mask) | want) : rsi;

		assert_int_equal(vm.nlog, 1);
		if (vm.gpr[X86EMU_RSI] != full)
			fail_msg("op %u size %u reg: %#llx, host %#llx", op, size,
				 (unsigned long long)vm.gpr[X86EMU_RSI], (unsigned long long)full);
	} else {
		assert_int_equal(vm.nlog, writes ? 2 : 1);
		if (writes && vm.log[1].val != want)
			fail_msg("op %u size %u mem: %#llx, host %#llx", op, size,
				 (unsigned long long)vm.log[1].val, (unsigned long long)want);
	}
}

static void check_alu_all(unsigned int op, uint64_t a, uint64_t b, uint64_t fin)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	for (unsigned int s = 0; s < 4; s++) {
		check_alu(op, sizes[s], false, a, b, fin);
		if (op < 8)
			check_alu(op, sizes[s], true, a, b, fin);
	}
}

static void test_alu_flags_vs_host(void **state)
{
	for (unsigned int op = 0; op <= 8; op++) {
		for (size_t i = 0; i < ARRAY_SIZE(edge); i++)
			for (size_t j = 0; j < ARRAY_SIZE(edge); j++) {
				check_alu_all(op, edge[i], edge[j], FL_FIXED);
				check_alu_all(op, edge[i], edge[j], FL_FIXED | HOST_FLAGS);
			}
		for (unsigned int k = 0; k < 3000; k++)
			check_alu_all(op, rng(), rng(), FL_FIXED | (rng() & HOST_FLAGS));
	}
}

/* The immediate forms 80/81/83 against the host, all group-1 operations. */
static void test_alu_imm_vs_host(void **state)
{
	for (unsigned int k = 0; k < 4000; k++) {
		unsigned int op = k & 7, form = (k >> 3) % 3, size = form == 0 ? 1 : 4;
		uint64_t a = rng(), imm = rng(), fin = FL_FIXED | (rng() & HOST_FLAGS), fo;
		uint8_t code[8];
		unsigned int n = 0;

		if (k & 0x100) /* REX.W on 81/83 */
			size = form == 0 ? 1 : 8;
		if (size == 8)
			code[n++] = 0x48;
		code[n++] = form == 0 ? 0x80 : form == 1 ? 0x81 : 0x83;
		code[n++] = (uint8_t)(0x07 | op << 3); /* [rdi] */
		imm = form == 1 ? (uint64_t)(int64_t)(int32_t)imm : (uint64_t)(int64_t)(int8_t)imm;
		for (unsigned int i = 0; i < (form == 1 ? 4u : 1u); i++)
			code[n++] = (uint8_t)(imm >> (8 * i));
		tvm_reset(X86EMU_MODE_LONG64);
		vm.rip = RIP64;
		vm.rflags = fin;
		vm.gpr[X86EMU_RDI] = LA64;
		place_code(code, n);
		for (unsigned int i = 0; i < size; i++)
			vm.dev[i] = (uint8_t)(a >> (8 * i));
		assert_int_equal(run(LA64, false, op == 7 ? RD : WR), X86EMU_OK);
		assert_int_equal(rep.insn_len, n);
		uint64_t want = host_op(op, size, a, imm, fin, &fo);

		assert_int_equal(vm.rflags & HOST_FLAGS, fo & HOST_FLAGS);
		if (op != 7)
			assert_int_equal(vm.log[1].val,
					 want & (size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1));
		else
			assert_int_equal(vm.nlog, 1);
	}
}

/* BT/BTS/BTR/BTC with an in-range register offset against the host (reg, reg). */
static void test_bt_vs_host(void **state)
{
	static const unsigned int sizes[] = { 2, 4, 8 };

	for (unsigned int k = 0; k < 3000; k++) {
		unsigned int op = k & 3, size = sizes[(k >> 2) % 3];
		uint64_t val = rng(), bit = rng() % (size * 8),
			 fin = FL_FIXED | (rng() & HOST_FLAGS);
		uint64_t fo, want = host_op(9 + op, size, val, bit, fin, &fo);
		uint8_t code[5];
		unsigned int n = size_prefix(size, code);

		code[n++] = 0x0f;
		code[n++] = (uint8_t)(0xa3 + 8 * op);
		code[n++] = 0x37; /* [rdi], esi */
		tvm_reset(X86EMU_MODE_LONG64);
		vm.rip = RIP64;
		vm.rflags = fin;
		vm.gpr[X86EMU_RDI] = LA64 + 0x100;
		vm.gpr[X86EMU_RSI] = bit;
		place_code(code, n);
		for (unsigned int i = 0; i < size; i++)
			vm.dev[0x100 + i] = (uint8_t)(val >> (8 * i));
		assert_int_equal(run(LA64 + 0x100, false, op ? WR : RD), X86EMU_OK);
		/* The processor keeps the flags the SDM leaves undefined. */
		assert_int_equal(vm.rflags & HOST_FLAGS, fo & HOST_FLAGS);
		assert_int_equal(vm.rflags & ~(uint64_t)HOST_FLAGS, fin & ~(uint64_t)HOST_FLAGS);
		assert_int_equal(vm.nlog, op ? 2 : 1);
		if (op)
			assert_int_equal(vm.log[1].val,
					 want & (size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1));
	}
}

/* ------------------------------------------------------------- strings -- */

static void string_setup(enum x86emu_mode mode, const char *code)
{
	tvm_reset(mode);
	vm.rip = mode == X86EMU_MODE_LONG64 ? RIP64 : mode == X86EMU_MODE_PROT32 ? RIP32 : RIP16;
	set_code(code);
}

static void test_rep_stosd(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 ab");
	vm.gpr[X86EMU_RDI] = LA64 + 0x100;
	vm.gpr[X86EMU_RCX] = 4;
	vm.gpr[X86EMU_RAX] = 0x11111111a1b2c3d4;
	assert_int_equal(run(LA64 + 0x100, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(vm.log[i].kind, 'w');
		assert_int_equal(vm.log[i].gpa, MMIO_GPA + 0x100 + 4 * i);
		assert_int_equal(vm.log[i].val, 0xa1b2c3d4);
	}
	assert_int_equal(vm.gpr[X86EMU_RCX], 0);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64 + 0x110);
	assert_int_equal(vm.gpr[X86EMU_RSI], bg_reg(X86EMU_RSI));
	assert_int_equal(vm.rip, RIP64 + 2);
	assert_int_equal(rep.mmio_accesses, 4);
}

/* STOSB backwards with F2 (which repeats STOS like F3). */
static void test_rep_stosb_df_f2(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f2 aa");
	vm.rflags |= DF;
	vm.gpr[X86EMU_RDI] = LA64 + 3;
	vm.gpr[X86EMU_RCX] = 3;
	vm.gpr[X86EMU_RAX] = 0x5a;
	assert_int_equal(run(LA64 + 3, false, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(vm.log[i].gpa, MMIO_GPA + 3 - i);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0);
	assert_int_equal(vm.rflags, FL_FIXED | DF);
	assert_int_equal(vm.rip, RIP64 + 2);
}

/* REP MOVSB with DF=1 from the device into RAM. */
static void test_rep_movsb_df_from_mmio(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 a4");
	vm.rflags |= DF;
	vm.ram_la = 0x400000;
	vm.gpr[X86EMU_RSI] = LA64 + 0x10;
	vm.gpr[X86EMU_RDI] = 0x400010;
	vm.gpr[X86EMU_RCX] = 8;
	for (unsigned int i = 0; i < 0x20; i++)
		vm.dev[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(run(LA64 + 0x10, true, RD), X86EMU_OK);
	assert_int_equal(vm.nlog, 8);
	for (unsigned int i = 0; i < 8; i++) {
		assert_int_equal(vm.log[i].kind, 'r');
		assert_int_equal(vm.log[i].gpa, MMIO_GPA + 0x10 - i);
		assert_int_equal(vm.ram[0x10 - i], 0xa0 + 0x10 - i);
	}
	assert_int_equal(vm.ram[0x8], 0);
	assert_int_equal(vm.ram_writes, 8);
	assert_int_equal(vm.gpr[X86EMU_RSI], LA64 + 0x8);
	assert_int_equal(vm.gpr[X86EMU_RDI], 0x400008);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0);
	assert_int_equal(vm.rip, RIP64 + 2);
}

/* REP MOVSD from RAM reaching the end of the device page: stops there, RIP kept. */
static void test_rep_movsd_page_end(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 a5");
	vm.ram_la = 0x400000;
	for (unsigned int i = 0; i < 16; i++)
		vm.ram[i] = (uint8_t)i;
	vm.gpr[X86EMU_RSI] = 0x400000;
	vm.gpr[X86EMU_RDI] = LA64 + 0xff8;
	vm.gpr[X86EMU_RCX] = 10;
	vm.rflags |= RF;
	assert_int_equal(run(LA64 + 0xff8, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 2);
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0xff8);
	assert_int_equal(vm.log[0].val, 0x03020100);
	assert_int_equal(vm.log[1].gpa, MMIO_GPA + 0xffc);
	assert_int_equal(vm.log[1].val, 0x07060504);
	assert_int_equal(vm.gpr[X86EMU_RCX], 8);
	assert_int_equal(vm.gpr[X86EMU_RSI], 0x400008);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64 + 0x1000);
	/* Not complete: RIP and RFLAGS (RF too) stay for the re-execution. */
	assert_int_equal(vm.rip, RIP64);
	assert_int_equal(vm.rip_writes, 0);
	assert_int_equal(vm.rflags, FL_FIXED | RF);
	assert_int_equal(rep.insn_len, 2);
	assert_false(rep.single_step);
}

/* 16-bit counters: CX and DI at the address size, DI wrapping; upper halves kept. */
static void test_rep_movsw_16bit_wrap(void **state)
{
	string_setup(X86EMU_MODE_REAL, "f3 a5");
	vm.seg[X86EMU_ES] = 0xa9000; /* ES:FFFE = 0xb8ffe, the last word of the page */
	vm.seg[X86EMU_DS] = 0x1000;
	vm.ram_la = 0x1000;
	vm.ram[0x10] = 0x34;
	vm.ram[0x11] = 0x12;
	vm.gpr[X86EMU_RSI] = 0x55550010;
	vm.gpr[X86EMU_RDI] = 0x1234fffe;
	vm.gpr[X86EMU_RCX] = 0xdead0003;
	assert_int_equal(run(LA16 + 0xffe, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 1);
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0xffe);
	assert_int_equal(vm.log[0].val, 0x1234);
	/* DI wrapped to 0: ES:0000 is another page, so the rest is re-executed. */
	assert_int_equal(vm.gpr[X86EMU_RDI], 0x12340000);
	assert_int_equal(vm.gpr[X86EMU_RSI], 0x55550012);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0xdead0002);
	assert_int_equal(vm.rip, RIP16);
}

/*
 * ADDR32 REP MOVSB in 64-bit mode writes ECX, ESI and EDI as 32-bit
 * registers, zero-extending, even with ECX = 0 (what the host CPU does,
 * checked here too).
 */
static void test_rep_addr32_zero_count(void **state)
{
	uint64_t rcx = 0xdead000000000000ULL, rsi = 0xbeef000000001000ULL;
	uint64_t rdi = 0xcafe000000002000ULL;

	/* A zero count touches no memory, so these addresses are safe. */
	asm volatile("addr32 rep movsb" : "+c"(rcx), "+S"(rsi), "+D"(rdi) : : "memory");
	assert_int_equal(rcx, 0);
	assert_int_equal(rsi, 0x1000);
	assert_int_equal(rdi, 0x2000);
	string_setup(X86EMU_MODE_LONG64, "67 f3 a4");
	vm.gpr[X86EMU_RCX] = 0xdead000000000000ULL;
	vm.gpr[X86EMU_RSI] = 0xbeef000000001000ULL;
	vm.gpr[X86EMU_RDI] = 0xcafe000000002000ULL;
	assert_int_equal(run(LA64, false, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 0);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0);
	assert_int_equal(vm.gpr[X86EMU_RSI], 0x1000);
	assert_int_equal(vm.gpr[X86EMU_RDI], 0x2000);
	assert_int_equal(vm.rip, RIP64 + 3);
}

/* ADDR32 STOSD: EDI from the low half, the result zero-extended. */
static void test_stos_addr32(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "67 ab");
	vm.gpr[X86EMU_RDI] = 0xffffffff00200ff0ULL;
	vm.gpr[X86EMU_RAX] = 0x77;
	assert_int_equal(run(0x200ff0, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 1);
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0xff0);
	assert_int_equal(vm.gpr[X86EMU_RDI], 0x200ff4);
	assert_int_equal(vm.gpr[X86EMU_RCX], bg_reg(X86EMU_RCX));
	assert_int_equal(vm.rip, RIP64 + 2);
}

/* A #PF on the RAM side of REP MOVSB mid-way keeps the iterations done. */
static void test_rep_movs_fault_midway(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 a4");
	vm.ram_la = 0x400000;
	vm.has_absent = true;
	vm.absent = 0x402000;
	vm.gpr[X86EMU_RSI] = 0x401ffe;
	vm.gpr[X86EMU_RDI] = LA64 + 0x20;
	vm.gpr[X86EMU_RCX] = 5;
	assert_int_equal(run(LA64 + 0x20, true, WR), X86EMU_FAULT);
	assert_int_equal(rep.exc.vector, X86EMU_EXC_PF);
	assert_true(rep.exc.has_error_code);
	assert_int_equal(rep.exc.error_code, 0);
	assert_int_equal(rep.exc.cr2, 0x402000);
	assert_int_equal(vm.nlog, 2);
	assert_int_equal(vm.gpr[X86EMU_RCX], 3);
	assert_int_equal(vm.gpr[X86EMU_RSI], 0x402000);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64 + 0x22);
	assert_int_equal(vm.rip, RIP64);
	assert_string_equal(rep.reason, "");
}

/* A #PF on the first iteration changes nothing. */
static void test_movs_fault_first(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 a5");
	vm.has_absent = true;
	vm.absent = 0x402000;
	vm.gpr[X86EMU_RSI] = LA64;
	vm.gpr[X86EMU_RDI] = 0x402000;
	vm.gpr[X86EMU_RCX] = 0xffffffff00000002ULL;
	assert_int_equal(run(LA64, true, RD), X86EMU_FAULT);
	assert_int_equal(rep.exc.error_code, 2);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0xffffffff00000002ULL);
	assert_int_equal(vm.gpr[X86EMU_RSI], LA64);
	assert_int_equal(vm.rip, RIP64);
}

/* The device asks to retry the third element: two done, RIP kept. */
static void test_rep_device_retry(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "f3 ab");
	vm.gpr[X86EMU_RDI] = LA64;
	vm.gpr[X86EMU_RCX] = 4;
	vm.dev_fail_at = 3;
	vm.dev_rc = X86EMU_RETRY;
	assert_int_equal(run(LA64, true, WR), X86EMU_RETRY);
	assert_int_equal(vm.gpr[X86EMU_RCX], 2);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64 + 8);
	assert_int_equal(vm.rip, RIP64);
	assert_string_equal(rep.reason, "device asks to retry the 4-byte write at gpa 0xfee00008");
}

/* MOVSD with both operands on the device page. */
static void test_movs_mmio_to_mmio(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "a5");
	vm.gpr[X86EMU_RSI] = LA64 + 0x10;
	vm.gpr[X86EMU_RDI] = LA64 + 0x20;
	vm.dev[0x10] = 0x42;
	assert_int_equal(run(LA64 + 0x20, false, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 2);
	assert_int_equal(vm.log[0].kind, 'r');
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0x10);
	assert_int_equal(vm.log[1].kind, 'w');
	assert_int_equal(vm.log[1].gpa, MMIO_GPA + 0x20);
	assert_int_equal(vm.log[1].val, 0x42);
	assert_int_equal(vm.gpr[X86EMU_RSI], LA64 + 0x14);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA64 + 0x24);
	assert_int_equal(vm.ram_reads + vm.ram_writes, 0);
}

/* 32-bit MOVSB: ES: override on the source, the destination stays ES:EDI. */
static void test_movsb_seg_override_32(void **state)
{
	string_setup(X86EMU_MODE_PROT32, "26 a4");
	vm.seg[X86EMU_ES] = 0x1000;
	vm.seg[X86EMU_DS] = 0x7000000;
	vm.ram_la = 0x2000;
	vm.ram[0x5] = 0x99;
	vm.gpr[X86EMU_RSI] = 0x1005;
	vm.gpr[X86EMU_RDI] = LA32 - 0x1000 + 0x40;
	assert_int_equal(run(LA32 + 0x40, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 1);
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0x40);
	assert_int_equal(vm.log[0].val, 0x99);
	assert_int_equal(vm.gpr[X86EMU_RSI], 0x1006);
	assert_int_equal(vm.gpr[X86EMU_RDI], LA32 - 0x1000 + 0x41);
	assert_int_equal(vm.rip, RIP32 + 2);
}

/* Without the linear address the access kind picks the device side of MOVS. */
static void test_movs_access_kind_picks_side(void **state)
{
	string_setup(X86EMU_MODE_LONG64, "a4");
	vm.ram_la = 0x400000;
	vm.ram[0] = 0x11;
	vm.gpr[X86EMU_RSI] = 0x400000;
	vm.gpr[X86EMU_RDI] = LA64 + 0x30;
	assert_int_equal(run(0, false, WR), X86EMU_OK); /* a write: the destination */
	assert_int_equal(vm.nlog, 1);
	assert_int_equal(vm.log[0].kind, 'w');
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0x30);
	assert_int_equal(vm.log[0].val, 0x11);
	assert_int_equal(vm.ram_reads, 1);

	string_setup(X86EMU_MODE_LONG64, "a4");
	vm.ram_la = 0x400000;
	vm.dev[0x50] = 0x22;
	vm.gpr[X86EMU_RSI] = LA64 + 0x50;
	vm.gpr[X86EMU_RDI] = 0x400000;
	assert_int_equal(run(0, false, RD), X86EMU_OK); /* a read: the source */
	assert_int_equal(vm.nlog, 1);
	assert_int_equal(vm.log[0].kind, 'r');
	assert_int_equal(vm.log[0].gpa, MMIO_GPA + 0x50);
	assert_int_equal(vm.ram[0], 0x22);
}

/* REP with a 16-bit address size in 32-bit mode: CX counts, ECX's top is kept. */
static void test_rep_stosw_addr16_in_32(void **state)
{
	string_setup(X86EMU_MODE_PROT32, "67 66 f3 ab");
	vm.seg[X86EMU_ES] = LA32;
	vm.gpr[X86EMU_RDI] = 0xabcd0100;
	vm.gpr[X86EMU_RCX] = 0x00010002;
	vm.gpr[X86EMU_RAX] = 0xbeef;
	assert_int_equal(run(LA32 + 0x100, true, WR), X86EMU_OK);
	assert_int_equal(vm.nlog, 2);
	assert_int_equal(vm.log[0].size, 2);
	assert_int_equal(vm.log[1].gpa, MMIO_GPA + 0x102);
	assert_int_equal(vm.gpr[X86EMU_RCX], 0x00010000);
	assert_int_equal(vm.gpr[X86EMU_RDI], 0xabcd0104);
	assert_int_equal(vm.rip, RIP32 + 4);
}

/* -------------------------------------------------------------- others -- */

/* An instruction cut by a page that is not present: the fetch's #PF. */
static void test_truncated_fetch(void **state)
{
	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = 0x401fff;
	vm.has_absent = true;
	vm.absent = 0x402000;
	set_code("8b 07");
	vm.gpr[X86EMU_RDI] = LA64;
	assert_int_equal(run(LA64, true, RD), X86EMU_FAULT);
	assert_int_equal(rep.exc.vector, X86EMU_EXC_PF);
	assert_int_equal(rep.exc.error_code, 0x10);
	assert_int_equal(rep.exc.cr2, 0x402000);
	assert_int_equal(rep.insn_len, 1);
	assert_int_equal(rep.insn[0], 0x8b);
	assert_int_equal(vm.nlog, 0);
	assert_int_equal(vm.rip, 0x401fff);

	/* Ending right at the page end never touches the next page. */
	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = 0x401ffe;
	vm.has_absent = true;
	vm.absent = 0x402000;
	set_code("8b 07");
	vm.gpr[X86EMU_RDI] = LA64;
	assert_int_equal(run(LA64, true, RD), X86EMU_OK);
	assert_int_equal(vm.rip, 0x402000);
}

/* RF is cleared by a completed instruction; TF asks for a debug trap. */
static void test_rf_tf(void **state)
{
	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = RIP64;
	vm.rflags = FL_FIXED | RF | TF;
	set_code("89 07");
	vm.gpr[X86EMU_RDI] = LA64;
	assert_int_equal(run(LA64, true, WR), X86EMU_OK);
	assert_int_equal(vm.rflags, FL_FIXED | TF);
	assert_true(rep.single_step);

	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = RIP64;
	set_code("89 07");
	vm.gpr[X86EMU_RDI] = LA64;
	assert_int_equal(run(LA64, true, WR), X86EMU_OK);
	assert_false(rep.single_step);
	assert_int_equal(vm.rflags_writes, 0); /* a MOV leaves RFLAGS alone */
	assert_int_equal(vm.rip_writes, 1);
	assert_int_equal(rep.insn_len, 2);
	assert_memory_equal(rep.insn, "\x89\x07", 2);
}

static void test_mode_of(void **state)
{
	assert_int_equal(x86emu_mode_of(false, false, false, false, false), X86EMU_MODE_REAL);
	assert_int_equal(x86emu_mode_of(false, false, false, false, true), X86EMU_MODE_REAL);
	assert_int_equal(x86emu_mode_of(true, true, false, false, false), X86EMU_MODE_VM86);
	assert_int_equal(x86emu_mode_of(true, false, false, false, false), X86EMU_MODE_PROT16);
	assert_int_equal(x86emu_mode_of(true, false, false, false, true), X86EMU_MODE_PROT32);
	assert_int_equal(x86emu_mode_of(true, false, true, true, false), X86EMU_MODE_LONG64);
	/* Compatibility mode follows CS.D. */
	assert_int_equal(x86emu_mode_of(true, false, true, false, true), X86EMU_MODE_PROT32);
	assert_int_equal(x86emu_mode_of(true, false, true, false, false), X86EMU_MODE_PROT16);
}

static void test_result_names(void **state)
{
	assert_string_equal(x86emu_result_name(X86EMU_OK), "OK");
	assert_string_equal(x86emu_result_name(X86EMU_UNSUPPORTED), "UNSUPPORTED");
	assert_string_equal(x86emu_result_name(X86EMU_FAULT), "FAULT");
	assert_string_equal(x86emu_result_name(X86EMU_RETRY), "RETRY");
	assert_string_equal(x86emu_result_name((enum x86emu_result)42), "?");
}

/* LA57 widens what is canonical. */
static void test_la57(void **state)
{
	struct x86emu_request req = {
		.mode = X86EMU_MODE_LONG64,
		.gpa = MMIO_GPA,
		.access = RD,
		.la57 = true,
	};

	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = RIP64;
	set_code("8b 07");
	vm.gpr[X86EMU_RDI] = 0x00ff800000000000ULL;
	assert_int_equal(x86emu_emulate(&tops, &vm, &req, &rep), X86EMU_OK);
	assert_int_equal(vm.log[0].gpa, MMIO_GPA);
	tvm_reset(X86EMU_MODE_LONG64);
	vm.rip = RIP64;
	set_code("8b 07");
	vm.gpr[X86EMU_RDI] = 0x0100000000000000ULL;
	assert_int_equal(x86emu_emulate(&tops, &vm, &req, &rep), X86EMU_FAULT);
	assert_int_equal(rep.exc.vector, X86EMU_EXC_GP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_64),
		cmocka_unit_test(test_vectors_32),
		cmocka_unit_test(test_vectors_16),
		cmocka_unit_test(test_alu_flags_vs_host),
		cmocka_unit_test(test_alu_imm_vs_host),
		cmocka_unit_test(test_bt_vs_host),
		cmocka_unit_test(test_rep_stosd),
		cmocka_unit_test(test_rep_stosb_df_f2),
		cmocka_unit_test(test_rep_movsb_df_from_mmio),
		cmocka_unit_test(test_rep_movsd_page_end),
		cmocka_unit_test(test_rep_movsw_16bit_wrap),
		cmocka_unit_test(test_rep_addr32_zero_count),
		cmocka_unit_test(test_stos_addr32),
		cmocka_unit_test(test_rep_movs_fault_midway),
		cmocka_unit_test(test_movs_fault_first),
		cmocka_unit_test(test_rep_device_retry),
		cmocka_unit_test(test_movs_mmio_to_mmio),
		cmocka_unit_test(test_movsb_seg_override_32),
		cmocka_unit_test(test_movs_access_kind_picks_side),
		cmocka_unit_test(test_rep_stosw_addr16_in_32),
		cmocka_unit_test(test_truncated_fetch),
		cmocka_unit_test(test_rf_tf),
		cmocka_unit_test(test_mode_of),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_la57),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
