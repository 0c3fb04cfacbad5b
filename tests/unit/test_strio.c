/* UNIT_SOURCES: vmx/strio_core.c vmx/gpt.c */
/*
 * Host tests of the INS/OUTS emulator: element order and direction,
 * REP counts masked to the address size and the registers written as the
 * address size says, the per-exit budget, segment limits and types (#GP,
 * #SS), 64-bit bases and canonical checks, paging through vmx/gpt.c
 * (elements across pages, faults half-way through a REP with the
 * registers of the completed elements, no port read for a faulting INS),
 * memory outside RAM, a device that ends the VM, and the prefix decoder
 * used when the CPU gives no instruction information.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/strio_core.h"

#define RAM_SIZE (2ULL << 20)

#define CR0_PE   (1ULL << 0)
#define CR0_WP   (1ULL << 16)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LMA (1ULL << 10)

#define AR_DATA_RW   0xc093 /* present, S, type 3 (RW, accessed), D/B, G */
#define AR_DATA_RO   0xc091
#define AR_CODE_XO   0xc099
#define AR_CODE_XR   0xc09b
#define AR_DATA_EXPD 0x0097 /* RW expand-down, B = 0 */
#define AR_UNUSABLE  0x10000

#define PT_P  1u
#define PT_RW 2u
#define PT_US 4u
#define PT_A  0x20u
#define PT_D  0x40u

struct env {
	uint8_t *ram;
	unsigned pt_reads;
	/* ports */
	uint32_t next_in; /* value the next IN returns, then incremented */
	unsigned ins, outs;
	uint32_t out_values[64];
	unsigned stop_after; /* port_out returns false on this OUT (1-based); 0 never */
};

static struct env env;

static bool pt_read(void *ctx, gpa_t gpa, unsigned size, uint64_t *value)
{
	struct env *e = ctx;
	uint64_t v = 0;

	e->pt_reads++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, e->ram + gpa, size);
	*value = v;
	return true;
}

static bool pt_set_bits(void *ctx, gpa_t gpa, unsigned size, uint64_t bits)
{
	struct env *e = ctx;
	uint64_t v = 0;

	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, e->ram + gpa, size);
	v |= bits;
	memcpy(e->ram + gpa, &v, size);
	return true;
}

static bool mem_read(void *ctx, gpa_t gpa, void *buf, unsigned len)
{
	struct env *e = ctx;

	assert_true(len >= 1 && len <= 4);
	assert_true((gpa & 0xfff) + len <= 0x1000); /* never across a page */
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return false;
	memcpy(buf, e->ram + gpa, len);
	return true;
}

static bool mem_write(void *ctx, gpa_t gpa, const void *buf, unsigned len)
{
	struct env *e = ctx;

	assert_true(len >= 1 && len <= 4);
	assert_true((gpa & 0xfff) + len <= 0x1000);
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < len)
		return false;
	memcpy(e->ram + gpa, buf, len);
	return true;
}

static uint32_t port_in(void *ctx, uint16_t port, unsigned size)
{
	struct env *e = ctx;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	assert_int_equal(port, 0x1f0);
	e->ins++;
	return e->next_in++ & mask;
}

static bool port_out(void *ctx, uint16_t port, unsigned size, uint32_t value)
{
	struct env *e = ctx;

	assert_int_equal(port, 0x1f0);
	if (e->outs < 64)
		e->out_values[e->outs] = value;
	e->outs++;
	return e->outs != e->stop_after;
}

static const struct strio_ops ops = {
	.pt = { .read = pt_read, .set_bits = pt_set_bits },
	.mem_read = mem_read,
	.mem_write = mem_write,
	.port_in = port_in,
	.port_out = port_out,
};

static int setup(void **state)
{
	memset(&env, 0, sizeof(env));
	env.ram = calloc(1, RAM_SIZE);
	env.next_in = 0x11;
	return env.ram ? 0 : -1;
}

static int teardown(void **state)
{
	free(env.ram);
	return 0;
}

/* ---- machine states ---- */

static struct strio_seg seg(enum strio_seg_reg reg, uint64_t base, uint32_t limit, uint32_t ar)
{
	return (struct strio_seg){ .reg = reg, .base = base, .limit = limit, .ar = ar };
}

/* 32-bit protected mode, flat segments, paging off. */
static struct strio_cpu cpu_flat32(void)
{
	struct strio_cpu c = { .protected_mode = true };

	gpt_cpu_init(&c.paging, CR0_PE, 0, 0, 0, 36, true);
	return c;
}

/* Real mode (unrestricted guest). */
static struct strio_cpu cpu_real(void)
{
	struct strio_cpu c = { .protected_mode = false };

	gpt_cpu_init(&c.paging, 0, 0, 0, 0, 36, true);
	return c;
}

/* 32-bit paging, PD at 0x1000; map32() adds 4 KiB pages. */
static struct strio_cpu cpu_paged32(unsigned cpl)
{
	struct strio_cpu c = { .protected_mode = true, .cpl = cpl };

	gpt_cpu_init(&c.paging, CR0_PE | CR0_PG | CR0_WP, 0x1000, 0, 0, 36, true);
	return c;
}

static void map32(uint32_t la, uint32_t pa, uint32_t flags)
{
	uint32_t pde_gpa = 0x1000 + (la >> 22) * 4, pde, pt;

	memcpy(&pde, env.ram + pde_gpa, 4);
	if (!(pde & PT_P)) {
		pt = 0x2000 + (la >> 22) * 0x1000;
		pde = pt | PT_P | PT_RW | PT_US;
		memcpy(env.ram + pde_gpa, &pde, 4);
	}
	pt = pde & 0xfffff000;
	memcpy(env.ram + pt + ((la >> 12) & 0x3ff) * 4, &(uint32_t){ pa | flags }, 4);
}

static uint32_t pte32(uint32_t la)
{
	uint32_t pde, pte;

	memcpy(&pde, env.ram + 0x1000 + (la >> 22) * 4, 4);
	memcpy(&pte, env.ram + (pde & 0xfffff000) + ((la >> 12) & 0x3ff) * 4, 4);
	return pte;
}

/* 64-bit mode: 4-level paging, the low 2 MiB identity-mapped by one 2 MiB page. */
static struct strio_cpu cpu_long64(void)
{
	struct strio_cpu c = { .protected_mode = true, .long64 = true };
	uint64_t pml4e = 0x11000 | 7, pdpte = 0x12000 | 7, pde = 0 | 0x80 | 7;

	memcpy(env.ram + 0x10000, &pml4e, 8);
	memcpy(env.ram + 0x11000, &pdpte, 8);
	memcpy(env.ram + 0x12000, &pde, 8);
	gpt_cpu_init(&c.paging, CR0_PE | CR0_PG, 0x10000, CR4_PAE, EFER_LMA, 36, true);
	return c;
}

static struct strio_insn outs(unsigned size, bool rep, unsigned addr_bytes, struct strio_seg s)
{
	return (struct strio_insn){ .in = false,
				    .rep = rep,
				    .size = size,
				    .port = 0x1f0,
				    .addr_bytes = addr_bytes,
				    .seg = s };
}

static struct strio_insn ins(unsigned size, bool rep, unsigned addr_bytes, struct strio_seg s)
{
	struct strio_insn i = outs(size, rep, addr_bytes, s);

	i.in = true;
	return i;
}

static struct strio_result run(const struct strio_insn *i, const struct strio_cpu *c,
			       struct strio_regs *r, uint32_t budget)
{
	struct strio_result res;

	strio_run(i, c, r, &ops, &env, budget, &res);
	return res;
}

#define FLAT(reg) seg(reg, 0, 0xffffffff, AR_DATA_RW)

/* ---- tests ---- */

static void test_rep_outsb_forward(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = outs(1, true, 4, FLAT(STRIO_SEG_DS));
	struct strio_regs r = { .rsi = 0x3000, .rdi = 0x77, .rcx = 3 };
	struct strio_result res;

	memcpy(env.ram + 0x3000, "abc", 3);
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_DONE);
	assert_int_equal(res.elements, 3);
	assert_int_equal(env.outs, 3);
	assert_int_equal(env.out_values[0], 'a');
	assert_int_equal(env.out_values[2], 'c');
	assert_int_equal(r.rsi, 0x3003);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdi, 0x77);
}

static void test_rep_insw_backward(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = ins(2, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rsi = 0x55, .rdi = 0x4006, .rcx = 3 };
	struct strio_result res;
	uint16_t w[4];

	c.df = true;
	env.next_in = 0x1111;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_DONE);
	memcpy(w, env.ram + 0x4000, sizeof(w));
	assert_int_equal(w[3], 0x1111);
	assert_int_equal(w[2], 0x1112);
	assert_int_equal(w[1], 0x1113);
	assert_int_equal(w[0], 0);
	assert_int_equal(r.rdi, 0x4000);
	assert_int_equal(r.rsi, 0x55);
}

static void test_insd_little_endian(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = ins(4, false, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x5000, .rcx = 9 };

	env.next_in = 0xa1b2c3d4;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.ram[0x5000], 0xd4);
	assert_int_equal(env.ram[0x5003], 0xa1);
	assert_int_equal(r.rdi, 0x5004);
	assert_int_equal(r.rcx, 9); /* no REP: RCX untouched */
	assert_int_equal(env.ins, 1);
}

static void test_rep_zero_count(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = ins(1, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x5000, .rcx = 0x100000000ULL }; /* ECX = 0 */
	struct strio_result res = run(&i, &c, &r, 4096);

	assert_int_equal(res.status, STRIO_DONE);
	assert_int_equal(res.elements, 0);
	assert_int_equal(env.ins, 0);
	assert_int_equal(r.rcx, 0x100000000ULL);
	assert_int_equal(r.rdi, 0x5000);
}

static void test_budget(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = ins(1, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x6000, .rcx = 10 };
	struct strio_result res;

	env.next_in = 0;
	res = run(&i, &c, &r, 4);
	assert_int_equal(res.status, STRIO_MORE);
	assert_int_equal(res.elements, 4);
	assert_int_equal(r.rcx, 6);
	assert_int_equal(r.rdi, 0x6004);
	assert_int_equal(run(&i, &c, &r, 4).status, STRIO_MORE);
	res = run(&i, &c, &r, 4);
	assert_int_equal(res.status, STRIO_DONE); /* the last 2 fit */
	assert_int_equal(res.elements, 2);
	assert_int_equal(r.rcx, 0);
	for (unsigned k = 0; k < 10; k++)
		assert_int_equal(env.ram[0x6000 + k], k);
	assert_int_equal(env.ram[0x600a], 0);
	/* A budget of 0 still moves one element. */
	r.rcx = 2;
	res = run(&i, &c, &r, 0);
	assert_int_equal(res.status, STRIO_MORE);
	assert_int_equal(res.elements, 1);
}

static void test_addr16_wraps_and_merges(void **state)
{
	struct strio_cpu c = cpu_real();
	struct strio_insn i = outs(1, true, 2, seg(STRIO_SEG_DS, 0x10000, 0xffff, AR_DATA_RW));
	struct strio_regs r = { .rsi = 0xabcd0000fffeULL, .rcx = 0xdead0003ULL };

	env.ram[0x1fffe] = 1;
	env.ram[0x1ffff] = 2;
	env.ram[0x10000] = 3;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.outs, 3);
	assert_int_equal(env.out_values[2], 3); /* SI wrapped to 0 */
	assert_int_equal(r.rsi, 0xabcd00000001ULL);
	assert_int_equal(r.rcx, 0xdead0000ULL);
	/* A word at offset 0xffff runs past the 64 KiB limit: #GP. */
	i = outs(2, false, 2, seg(STRIO_SEG_DS, 0x10000, 0xffff, AR_DATA_RW));
	r.rsi = 0xffff;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_EXCEPTION);
}

static void test_long64_addr32_zero_extends(void **state)
{
	struct strio_cpu c = cpu_long64();
	struct strio_insn i = ins(1, true, 4, seg(STRIO_SEG_ES, 0x99000, 0, AR_UNUSABLE));
	struct strio_regs r = { .rdi = 0xffffffff00007000ULL, .rcx = 0xffffffff00000002ULL };

	env.next_in = 0x42;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	/* ES base ignored in 64-bit mode; the unusable ES does not matter either. */
	assert_int_equal(env.ram[0x7000], 0x42);
	assert_int_equal(env.ram[0x7001], 0x43);
	assert_int_equal(r.rdi, 0x7002);
	assert_int_equal(r.rcx, 0);
}

static void test_long64_fs_base(void **state)
{
	struct strio_cpu c = cpu_long64();
	struct strio_insn i = outs(1, false, 8, seg(STRIO_SEG_FS, 0x8000, 0, AR_DATA_RW));
	struct strio_regs r = { .rsi = 0x10 };

	env.ram[0x8010] = 0x5a;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.out_values[0], 0x5a);
	assert_int_equal(r.rsi, 0x11);
	i.seg = seg(STRIO_SEG_DS, 0x8000, 0, AR_DATA_RW); /* DS base does not count */
	env.ram[0x11] = 0xa5;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.out_values[1], 0xa5);
}

static void test_long64_noncanonical(void **state)
{
	struct strio_cpu c = cpu_long64();
	struct strio_insn i = outs(4, true, 8, seg(STRIO_SEG_DS, 0, 0, AR_DATA_RW));
	struct strio_regs r = { .rsi = 0x0000800000000000ULL, .rcx = 5 };
	struct strio_result res = run(&i, &c, &r, 4096);

	assert_int_equal(res.status, STRIO_EXCEPTION);
	assert_int_equal(res.vector, STRIO_VECTOR_GP);
	assert_int_equal(r.rcx, 5);
	/* The last byte counts: a dword from 0x7ffffffffffe crosses the boundary. */
	r.rsi = 0x00007ffffffffffeULL;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_EXCEPTION);
	i.seg.reg = STRIO_SEG_SS;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.vector, STRIO_VECTOR_SS);
	assert_int_equal(env.outs, 0);
}

static void test_segment_limits(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = ins(2, true, 4, seg(STRIO_SEG_ES, 0x20000, 0x1fff, AR_DATA_RW));
	struct strio_regs r = { .rdi = 0x1ffc, .rcx = 3 };
	struct strio_result res;

	env.next_in = 0x0101;
	res = run(&i, &c, &r, 4096);
	/* 0x1ffc and 0x1ffe fit, 0x2000 does not: #GP after two elements. */
	assert_int_equal(res.status, STRIO_EXCEPTION);
	assert_int_equal(res.vector, STRIO_VECTOR_GP);
	assert_int_equal(res.elements, 2);
	assert_int_equal(r.rdi, 0x2000);
	assert_int_equal(r.rcx, 1);
	assert_int_equal(env.ins, 2); /* no port read for the faulting element */
	assert_int_equal(env.ram[0x21ffe], 0x02);
	/* SS: #SS instead. */
	i = outs(1, false, 4, seg(STRIO_SEG_SS, 0, 0xfff, AR_DATA_RW));
	r.rsi = 0x1000;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.vector, STRIO_VECTOR_SS);
	/* Expand-down, B = 0: valid offsets are limit+1 .. 0xffff. */
	i = outs(2, false, 4, seg(STRIO_SEG_DS, 0, 0xfff, AR_DATA_EXPD));
	r.rsi = 0x1000;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	r.rsi = 0xfff;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_EXCEPTION);
	r.rsi = 0xffff;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_EXCEPTION);
	/* Linear addresses wrap at 4 GiB outside 64-bit mode. */
	i = outs(1, false, 4, seg(STRIO_SEG_DS, 0xfffff000, 0xffffffff, AR_DATA_RW));
	r.rsi = 0x1010;
	env.ram[0x10] = 0x77;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.out_values[env.outs - 1], 0x77);
}

static void test_segment_types(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_cpu rm = cpu_real();
	struct strio_regs r = { .rsi = 0x100, .rdi = 0x100 };
	struct strio_insn i;

	i = ins(1, false, 4, seg(STRIO_SEG_ES, 0, 0xffff, AR_DATA_RO));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_EXCEPTION);
	i = ins(1, false, 4, seg(STRIO_SEG_ES, 0, 0xffff, AR_CODE_XR));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_EXCEPTION);
	i = ins(1, false, 4, seg(STRIO_SEG_ES, 0, 0xffff, AR_DATA_RW | AR_UNUSABLE));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_EXCEPTION);
	assert_int_equal(env.ins, 0);
	i = outs(1, false, 4, seg(STRIO_SEG_CS, 0, 0xffff, AR_CODE_XO));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_EXCEPTION);
	i = outs(1, false, 4, seg(STRIO_SEG_CS, 0, 0xffff, AR_CODE_XR));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_DONE);
	i = outs(1, false, 4, seg(STRIO_SEG_DS, 0, 0xffff, AR_DATA_RO));
	assert_int_equal(run(&i, &c, &r, 1).status, STRIO_DONE);
	/* Real mode: no type or usability checks, the limit still counts. */
	i = ins(1, false, 2, seg(STRIO_SEG_ES, 0, 0xffff, AR_DATA_RO | AR_UNUSABLE));
	assert_int_equal(run(&i, &rm, &r, 1).status, STRIO_DONE);
}

static void test_paging_fault_mid_rep(void **state)
{
	struct strio_cpu c = cpu_paged32(0);
	struct strio_insn i = ins(1, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x400ffe, .rcx = 4 };
	struct strio_result res;

	map32(0x400000, 0x9000, PT_P | PT_RW);
	env.next_in = 0xe0;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_PAGE_FAULT);
	assert_int_equal(res.linear, 0x401000);
	assert_int_equal(res.error_code, GPT_PF_WR);
	assert_int_equal(res.elements, 2);
	assert_int_equal(r.rdi, 0x401000);
	assert_int_equal(r.rcx, 2);
	assert_int_equal(env.ins, 2);
	assert_int_equal(env.ram[0x9ffe], 0xe0);
	assert_int_equal(env.ram[0x9fff], 0xe1);
	/* The CPU's A and D flags: INS writes. */
	assert_int_equal(pte32(0x400000) & (PT_A | PT_D), PT_A | PT_D);
	/* CR2 is the faulting byte's address, not its page. */
	r.rdi = 0x401234;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_PAGE_FAULT);
	assert_int_equal(res.linear, 0x401234);
}

static void test_element_across_pages(void **state)
{
	struct strio_cpu c = cpu_paged32(0);
	struct strio_insn i = outs(4, false, 4, FLAT(STRIO_SEG_DS));
	struct strio_regs r = { .rsi = 0x400ffe };
	struct strio_result res;
	uint8_t before[2];

	map32(0x400000, 0x9000, PT_P | PT_RW);
	map32(0x401000, 0x5000, PT_P | PT_RW);
	memcpy(env.ram + 0x9ffe, "\x01\x02", 2);
	memcpy(env.ram + 0x5000, "\x03\x04", 2);
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.out_values[0], 0x04030201);
	assert_int_equal(pte32(0x400000) & (PT_A | PT_D), PT_A); /* OUTS only reads */
	/* INS across the pages splits the value the same way. */
	i = ins(4, false, 4, FLAT(STRIO_SEG_ES));
	r.rdi = 0x400ffd;
	env.next_in = 0xa1b2c3d4;
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.ram[0x9ffd], 0xd4);
	assert_int_equal(env.ram[0x9fff], 0xb2);
	assert_int_equal(env.ram[0x5000], 0xa1);
	/* Second page absent: #PF at its first byte, nothing read or written. */
	map32(0x401000, 0x5000, 0);
	memcpy(before, env.ram + 0x9ffe, 2);
	r.rdi = 0x400ffe;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_PAGE_FAULT);
	assert_int_equal(res.linear, 0x401000);
	assert_int_equal(env.ins, 1);
	assert_memory_equal(before, env.ram + 0x9ffe, 2);
	assert_int_equal(r.rdi, 0x400ffe);
}

static void test_user_rights(void **state)
{
	struct strio_cpu user = cpu_paged32(3);
	struct strio_insn i = ins(1, false, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x400000 };
	struct strio_result res;

	map32(0x400000, 0x9000, PT_P | PT_RW); /* supervisor */
	map32(0x402000, 0xa000, PT_P | PT_US); /* user, read-only */
	res = run(&i, &user, &r, 4096);
	assert_int_equal(res.status, STRIO_PAGE_FAULT);
	assert_int_equal(res.error_code, GPT_PF_P | GPT_PF_WR | GPT_PF_US);
	r.rdi = 0x402000;
	res = run(&i, &user, &r, 4096);
	assert_int_equal(res.error_code, GPT_PF_P | GPT_PF_WR | GPT_PF_US);
	/* OUTS reads: fine from the user page. */
	i = outs(1, false, 4, FLAT(STRIO_SEG_DS));
	r.rsi = 0x402000;
	assert_int_equal(run(&i, &user, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.ins, 0);
}

static void test_translation_cached_per_page(void **state)
{
	struct strio_cpu c = cpu_paged32(0);
	struct strio_insn i = ins(1, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = 0x400000, .rcx = 100 };

	map32(0x400000, 0x9000, PT_P | PT_RW);
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_DONE);
	assert_int_equal(env.pt_reads, 2); /* PDE and PTE, once */
	assert_int_equal(env.ram[0x9000 + 99], (0x11 + 99) & 0xff);
}

static void test_outside_ram(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_cpu p = cpu_paged32(0);
	struct strio_insn i = ins(1, true, 4, FLAT(STRIO_SEG_ES));
	struct strio_regs r = { .rdi = RAM_SIZE - 1, .rcx = 2 };
	struct strio_result res = run(&i, &c, &r, 4096);

	assert_int_equal(res.status, STRIO_BAD_GPA);
	assert_false(res.table);
	assert_int_equal(res.gpa, RAM_SIZE);
	assert_int_equal(res.elements, 1);
	assert_int_equal(r.rcx, 1);
	/* A page directory entry pointing beyond RAM. */
	memcpy(env.ram + 0x1000 + 4 * 4, &(uint32_t){ 0x7ff00000 | PT_P | PT_RW }, 4);
	r.rdi = 0x01000000;
	res = run(&i, &p, &r, 4096);
	assert_int_equal(res.status, STRIO_BAD_GPA);
	assert_true(res.table);
	assert_int_equal(res.gpa, 0x7ff00000);
}

static void test_device_stops_vm(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = outs(2, true, 4, FLAT(STRIO_SEG_DS));
	struct strio_regs r = { .rsi = 0x3000, .rcx = 10 };
	struct strio_result res;

	env.stop_after = 2;
	res = run(&i, &c, &r, 4096);
	assert_int_equal(res.status, STRIO_STOPPED);
	assert_int_equal(res.elements, 2);
	assert_int_equal(r.rsi, 0x3004);
	assert_int_equal(r.rcx, 8);
	assert_int_equal(env.outs, 2);
}

static void test_invalid_decode(void **state)
{
	struct strio_cpu c = cpu_flat32();
	struct strio_insn i = outs(3, false, 4, FLAT(STRIO_SEG_DS));
	struct strio_regs r = { .rsi = 0x3000 };

	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_INVALID);
	i = outs(1, false, 6, FLAT(STRIO_SEG_DS));
	assert_int_equal(run(&i, &c, &r, 4096).status, STRIO_INVALID);
	assert_int_equal(env.outs, 0);
}

static void test_decode_prefixes(void **state)
{
	static const struct {
		const char *bytes;
		unsigned len, def;
		bool long64;
		bool ok;
		unsigned addr_bytes;
		enum strio_seg_reg seg;
	} v[] = {
		{ "\x6e", 1, 4, false, true, 4, STRIO_SEG_DS },
		{ "\xf3\x6c", 2, 4, false, true, 4, STRIO_SEG_ES },
		{ "\x67\xf3\x6f", 3, 4, false, true, 2, STRIO_SEG_DS },
		{ "\x67\x6e", 2, 2, false, true, 4, STRIO_SEG_DS },
		{ "\x2e\xf3\x6e", 3, 2, false, true, 2, STRIO_SEG_CS },
		{ "\x26\x6f", 2, 4, false, true, 4, STRIO_SEG_ES },
		{ "\x36\x66\x6f", 3, 4, false, true, 4, STRIO_SEG_SS },
		{ "\x64\x3e\x6e", 3, 4, false, true, 4, STRIO_SEG_DS }, /* last override wins */
		{ "\x65\x6c", 2, 4, false, true, 4, STRIO_SEG_ES },     /* INS: always ES */
		{ "\xf3\x48\x6f", 3, 8, true, true, 8, STRIO_SEG_DS },  /* REX */
		{ "\x67\x6e", 2, 8, true, true, 4, STRIO_SEG_DS },
		{ "\x64\x2e\x6e", 3, 8, true, true, 8, STRIO_SEG_FS }, /* CS ignored in 64-bit */
		{ "\x48\x6e", 2, 4, false, false, 0, 0 },              /* dec eax outside 64-bit */
		{ "\xec", 1, 4, false, false, 0, 0 },                  /* IN AL, DX */
		{ "\x6e\x90", 2, 4, false, false, 0, 0 },              /* bytes after the opcode */
		{ "\xf3", 1, 4, false, false, 0, 0 },
		{ "\x6e", 1, 3, false, false, 0, 0 }, /* bad default size */
	};

	for (unsigned k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		unsigned ab = 99;
		enum strio_seg_reg s = 99;
		bool ok = strio_decode((const uint8_t *)v[k].bytes, v[k].len, v[k].def, v[k].long64,
				       &ab, &s);

		assert_int_equal(ok, v[k].ok);
		if (!ok)
			continue;
		assert_int_equal(ab, v[k].addr_bytes);
		assert_int_equal(s, v[k].seg);
	}
}

static void test_read_linear(void **state)
{
	struct strio_cpu c = cpu_paged32(0);
	struct strio_cpu l = cpu_long64();
	struct strio_result res;
	uint8_t buf[6];

	map32(0x400000, 0x9000, PT_P);
	map32(0x401000, 0x5000, PT_P);
	memcpy(env.ram + 0x9ffd, "\xf3\x6e\x01", 3);
	memcpy(env.ram + 0x5000, "\x02\x03\x04", 3);
	assert_int_equal(strio_read_linear(&c, &ops, &env, 0x400ffd, buf, 6, GPT_ACCESS_FETCH,
					   &res),
			 STRIO_DONE);
	assert_memory_equal(buf, "\xf3\x6e\x01\x02\x03\x04", 6);
	assert_int_equal(strio_read_linear(&c, &ops, &env, 0x401ffe, buf, 4, GPT_ACCESS_FETCH,
					   &res),
			 STRIO_PAGE_FAULT);
	assert_int_equal(res.linear, 0x402000);
	assert_int_equal(res.error_code, 0);
	assert_int_equal(strio_read_linear(&l, &ops, &env, 0x00007ffffffffffeULL, buf, 4,
					   GPT_ACCESS_FETCH, &res),
			 STRIO_EXCEPTION);
	assert_int_equal(strio_read_linear(&l, &ops, &env, 0x1ffffe, buf, 4, GPT_ACCESS_FETCH,
					   &res),
			 STRIO_PAGE_FAULT); /* past the one 2 MiB page */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rep_outsb_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_insw_backward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insd_little_endian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rep_zero_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addr16_wraps_and_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long64_addr32_zero_extends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long64_fs_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long64_noncanonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_fault_mid_rep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_element_across_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translation_cached_per_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_stops_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_linear, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
