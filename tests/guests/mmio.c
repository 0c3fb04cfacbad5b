// SPDX-License-Identifier: MIT
/*
 * mmio.elf: instruction forms against device memory, the job of Strata's
 * MMIO emulator (vmx/emul/x86emu.h; issue 4 item 2). Every access hits
 * one of two registers that read back what was written:
 *
 *   the local APIC's TPR at 0xfee00080 (bits 7:0 read/write, 31:8 ignored
 *   in xAPIC mode, SDM Vol. 3A 11.8.3.1); the values used stay in 7:0;
 *   the IOAPIC's IOREGSEL at 0xfec00000 (bits 7:0) and, through IOWIN at
 *   0xfec00010, the low dword of redirection entry 23 (index 0x3e), kept
 *   masked throughout and written in its writable bits only (82093AA
 *   datasheet 3.2.4: vector, delivery and destination mode, polarity,
 *   trigger, mask).
 *
 * Each check sets the register with a plain MOV, runs one instruction
 * form, then reads it back with a plain MOV:
 * - MOV r32 <-> m32 (89, 8B) with every ModRM/SIB shape: base, base +
 *   disp8 (also negative), base + disp32, disp32 alone (8B and the A1/A3
 *   moffs forms), base + index * 1/2/4/8 with no, disp8 and disp32
 *   displacements, index * scale + disp32 without base, EBP as base (SS
 *   by default); MOV imm32 to m32 (C7 /0) with and without disp32;
 *   segment overrides ES, CS, SS, FS, GS, DS on EBP;
 * - OR AND XOR ADD ADC SUB SBB CMP (imm8 83, imm32 81, r -> m, m -> r),
 *   TEST (F7 /0 imm32, 85), XCHG (87), BT BTS BTR BTC with an imm8 (0F BA)
 *   and a register bit offset (0F A3/AB/B3/BB) including offsets outside
 *   the addressed dword (35 from 4 bytes below, -29 from 4 bytes above),
 *   LOCK OR and LOCK BTR. Each runs on a RAM copy first: the device must
 *   end with the same value, the register operand and the defined
 *   arithmetic flags (SDM Vol. 1 Appendix A) must match;
 * - STOS and MOVS with and without REP, forwards and backwards (DF=1),
 *   ESI/EDI/ECX checked after; REP STOSD and REP MOVSD over the IOAPIC
 *   window's five dwords (IOREGSEL, three unused, IOWIN) both ways. Those
 *   rely on the unused dwords reading 0 and ignoring writes, as Strata's
 *   model and QEMU's do (the 82093AA defines only IOREGSEL and IOWIN;
 *   Bochs's IOAPIC panics on them, so this guest does not run under a
 *   bare Bochs);
 * - last, narrow reads (movzx/movsx from m8/m16) of the TPR and of
 *   IOREGSEL. A narrow access to these 32-bit registers is model-specific
 *   (SDM Vol. 3A 11.4.1): the check takes the register's low bytes or 0
 *   (QEMU's LAPIC returns 0 for accesses below 32 bits), but the VM must
 *   carry on and the destination must be zero- or sign-extended.
 *
 * After RESULT it reads 0xfed40000, where no device of Strata's platform
 * lives (a TPM's locality 0 on real PCs): like memory.elf's past-end read,
 * Strata must stop the VM there (an EPT violation nothing claims). Bare
 * QEMU returns a value: a FAIL and a second RESULT follow, exit code 1.
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "ioapic.h"
#include "msr.h"
#include "test.h"

#define LAPIC     APIC_DEFAULT_PHYS
#define TPR_ADDR  (LAPIC + APIC_TPR)
#define IOREGSEL  (IOAPIC_PHYS + IOAPIC_IOREGSEL)
#define IOWIN     (IOAPIC_PHYS + IOAPIC_IOWIN)
#define RTE23_LOW (IOAPIC_REG_REDTBL + 2 * 23) /* 0x3e */
#define UNCLAIMED 0xfed40000u

/* Arithmetic flags of EFLAGS (SDM Vol. 1 3.4.3.1). */
#define FL_CF    0x001
#define FL_PF    0x004
#define FL_AF    0x010
#define FL_ZF    0x040
#define FL_SF    0x080
#define FL_OF    0x800
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_LOGIC (FL_CF | FL_PF | FL_ZF | FL_SF | FL_OF) /* AF undefined */
#define FL_BT    FL_CF                                   /* the rest undefined */

const char guest_name[] = "mmio";

static volatile uint32_t *const tpr = (volatile uint32_t *)TPR_ADDR;
static volatile uint32_t *const ioregsel = (volatile uint32_t *)IOREGSEL;
static volatile uint32_t *const iowin = (volatile uint32_t *)IOWIN;

static void tpr_set(uint32_t v)
{
	*tpr = v;
}

static uint32_t tpr_get(void)
{
	return *tpr;
}

/* RTE 23 low through plain MOVs, IOREGSEL left at 0x3e. */
static void rte_set(uint32_t v)
{
	*ioregsel = RTE23_LOW;
	*iowin = v;
}

static uint32_t rte_get(void)
{
	*ioregsel = RTE23_LOW;
	return *iowin;
}

static void expect(const char *name, uint32_t got, uint32_t want)
{
	test_check(got == want, name, "read %#x, want %#x", got, want);
}

/* ------------------------------------------------------------ MOV forms -- */

static void mmio_mov_forms(void)
{
	uint32_t v;

	tpr_set(0);
	asm volatile("movl %0, (%1)" : : "a"(0x5a), "b"(TPR_ADDR) : "memory");
	expect("mmio_mov_store_base", tpr_get(), 0x5a);

	tpr_set(0x3c);
	asm volatile("movl (%1), %0" : "=d"(v) : "S"(TPR_ADDR), "0"(0xdeadbeef) : "memory");
	expect("mmio_mov_load_base", v, 0x3c);

	tpr_set(0);
	asm volatile("movl %0, 0x40(%1)" : : "c"(0x41), "b"(TPR_ADDR - 0x40) : "memory");
	expect("mmio_mov_store_disp8", tpr_get(), 0x41);

	tpr_set(0x42);
	asm volatile("movl -0x10(%1), %0" : "=a"(v) : "D"(TPR_ADDR + 0x10), "0"(0) : "memory");
	expect("mmio_mov_load_disp8_negative", v, 0x42);

	tpr_set(0);
	asm volatile("movl %0, 0x80(%1)" : : "d"(0x43), "b"(LAPIC) : "memory");
	expect("mmio_mov_store_disp32", tpr_get(), 0x43);

	tpr_set(0x44);
	asm volatile("movl 0x80(%1), %0" : "=c"(v) : "S"(LAPIC), "0"(0) : "memory");
	expect("mmio_mov_load_disp32", v, 0x44);

	/* A1 / A3: EAX with a 32-bit offset, no ModRM. */
	tpr_set(0x45);
	asm volatile("movl %c1, %0" : "=a"(v) : "i"(TPR_ADDR), "0"(0) : "memory");
	expect("mmio_mov_moffs_load", v, 0x45);
	tpr_set(0);
	asm volatile("movl %0, %c1" : : "a"(0x46), "i"(TPR_ADDR) : "memory");
	expect("mmio_mov_moffs_store", tpr_get(), 0x46);

	/* 8B / 89 with ModRM mod=00 rm=101: disp32 alone. */
	tpr_set(0x47);
	asm volatile("movl %c1, %0" : "=c"(v) : "i"(TPR_ADDR), "0"(0) : "memory");
	expect("mmio_mov_abs_load", v, 0x47);
	tpr_set(0);
	asm volatile("movl %0, %c1" : : "d"(0x48), "i"(TPR_ADDR) : "memory");
	expect("mmio_mov_abs_store", tpr_get(), 0x48);

	/* SIB: base + index * scale (+ disp). */
	tpr_set(0);
	asm volatile("movl %0, (%1,%2,4)" : : "a"(0x49), "b"(LAPIC), "S"(0x20) : "memory");
	expect("mmio_mov_sib_scale4", tpr_get(), 0x49);
	tpr_set(0x4a);
	asm volatile("movl 0x10(%1,%2,2), %0" : "=a"(v) : "b"(LAPIC), "D"(0x38), "0"(0) : "memory");
	expect("mmio_mov_sib_scale2_disp8", v, 0x4a);
	tpr_set(0);
	asm volatile("movl %0, 0x100(%1,%2,8)"
		     :
		     : "c"(0x4b), "b"(LAPIC - 0x100), "S"(0x10)
		     : "memory");
	expect("mmio_mov_sib_scale8_disp32", tpr_get(), 0x4b);
	tpr_set(0x4c);
	asm volatile("movl (%1,%2,1), %0"
		     : "=d"(v)
		     : "D"(TPR_ADDR - 0x1000), "a"(0x1000), "0"(0)
		     : "memory");
	expect("mmio_mov_sib_scale1", v, 0x4c);
	tpr_set(0);
	asm volatile("movl %0, %c1(,%2,4)" : : "a"(0x4d), "i"(LAPIC), "c"(0x20) : "memory");
	expect("mmio_mov_sib_no_base", tpr_get(), 0x4d);

	/* EBP as base: mod=01 with disp8 0, SS the default segment. */
	tpr_set(0);
	asm volatile("push %%ebp\n\t"
		     "mov %1, %%ebp\n\t"
		     "movl %0, (%%ebp)\n\t"
		     "pop %%ebp"
		     :
		     : "a"(0x4e), "r"(TPR_ADDR)
		     : "memory");
	expect("mmio_mov_ebp_base", tpr_get(), 0x4e);

	/* C7 /0: an immediate after the ModRM (and after a disp32). */
	tpr_set(0);
	asm volatile("movl $0x4f, (%0)" : : "b"(TPR_ADDR) : "memory");
	expect("mmio_mov_imm32", tpr_get(), 0x4f);
	tpr_set(0);
	asm volatile("movl $0x50, 0x80(%0)" : : "S"(LAPIC) : "memory");
	expect("mmio_mov_imm32_disp32", tpr_get(), 0x50);

	/* Segment overrides (every segment is flat, base 0). */
	tpr_set(0);
	asm volatile("movl %0, %%es:(%1)" : : "a"(0x51), "b"(TPR_ADDR) : "memory");
	expect("mmio_mov_es_store", tpr_get(), 0x51);
	tpr_set(0x52);
	asm volatile("movl %%cs:(%1), %0" : "=a"(v) : "b"(TPR_ADDR), "0"(0) : "memory");
	expect("mmio_mov_cs_load", v, 0x52);
	tpr_set(0);
	asm volatile("movl %0, %%ss:0x80(%1)" : : "c"(0x53), "D"(LAPIC) : "memory");
	expect("mmio_mov_ss_store", tpr_get(), 0x53);
	tpr_set(0x54);
	asm volatile("movl %%fs:(%1), %0" : "=d"(v) : "S"(TPR_ADDR), "0"(0) : "memory");
	expect("mmio_mov_fs_load", v, 0x54);
	tpr_set(0);
	asm volatile("movl $0x55, %%gs:(%0)" : : "b"(TPR_ADDR) : "memory");
	expect("mmio_mov_gs_imm32", tpr_get(), 0x55);
	tpr_set(0x56);
	asm volatile("push %%ebp\n\t"
		     "mov %1, %%ebp\n\t"
		     "movl %%ds:(%%ebp), %0\n\t"
		     "pop %%ebp"
		     : "=a"(v)
		     : "r"(TPR_ADDR), "0"(0)
		     : "memory");
	expect("mmio_mov_ds_ebp_load", v, 0x56);

	/* Through IOWIN: a register behind the index register. */
	rte_set(0x10000);
	asm volatile("movl %0, (%1)" : : "a"(0x1a05c), "b"(IOWIN) : "memory");
	expect("mmio_ioapic_mov_store", rte_get(), 0x1a05c);
	asm volatile("movl 0x10(%1), %0" : "=c"(v) : "D"(IOAPIC_PHYS), "0"(0) : "memory");
	expect("mmio_ioapic_mov_load", v, 0x1a05c);
	asm volatile("movl $0x3f, %c0" : : "i"(IOREGSEL) : "memory");
	expect("mmio_ioapic_regsel_imm32", *ioregsel, 0x3f);
	rte_set(0x10000);
}

/* ------------------------------------------- ALU, TEST, XCHG, BT family -- */

typedef uint32_t (*mmio_op_fn)(volatile uint32_t *m, uint32_t *r);

/* One instruction on *@m (%[m]) and *@r (%[r]); returns EFLAGS after it. */
#define MMIO_OP(fn, insn)                                                  \
	static uint32_t fn(volatile uint32_t *m, uint32_t *r)              \
	{                                                                  \
		uint32_t fl, reg = *r;                                     \
                                                                           \
		asm volatile(insn "\n\t"                                   \
				  "pushfl\n\t"                             \
				  "popl %[fl]"                             \
			     : [fl] "=&r"(fl), [r] "+r"(reg), [m] "+m"(*m) \
			     :                                             \
			     : "cc", "memory");                            \
		*r = reg;                                                  \
		return fl;                                                 \
	}

MMIO_OP(op_or_imm8, "orl $0x0f, %[m]")
MMIO_OP(op_or_imm32, "orl $0x2000, %[m]")
MMIO_OP(op_or_r_m, "orl %[r], %[m]")
MMIO_OP(op_or_m_r, "orl %[m], %[r]")
MMIO_OP(op_and_imm32, "andl $0xf0, %[m]")
MMIO_OP(op_and_imm32_wide, "andl $0xffff7fff, %[m]")
MMIO_OP(op_and_r_m, "andl %[r], %[m]")
MMIO_OP(op_xor_imm8, "xorl $0x55, %[m]")
MMIO_OP(op_xor_r_m, "xorl %[r], %[m]")
MMIO_OP(op_add_imm8, "addl $0x11, %[m]")
MMIO_OP(op_add_one, "addl $1, %[m]")
MMIO_OP(op_add_r_m, "addl %[r], %[m]")
MMIO_OP(op_add_m_r, "addl %[m], %[r]")
MMIO_OP(op_adc_imm8, "stc\n\tadcl $1, %[m]")
MMIO_OP(op_sub_imm8, "subl $0x20, %[m]")
MMIO_OP(op_sub_r_m, "subl %[r], %[m]")
MMIO_OP(op_sub_m_r, "subl %[m], %[r]")
MMIO_OP(op_sbb_r_m, "stc\n\tsbbl %[r], %[m]")
MMIO_OP(op_cmp_imm8, "cmpl $0x5b, %[m]")
MMIO_OP(op_cmp_imm32, "cmpl $0x10030, %[m]")
MMIO_OP(op_cmp_r_m, "cmpl %[r], %[m]")
MMIO_OP(op_cmp_m_r, "cmpl %[m], %[r]")
MMIO_OP(op_test_imm32, "testl $0x40, %[m]")
MMIO_OP(op_test_imm32_mask, "testl $0x10000, %[m]")
MMIO_OP(op_test_r_m, "testl %[r], %[m]")
MMIO_OP(op_xchg, "xchgl %[r], %[m]")
MMIO_OP(op_bt_imm, "btl $3, %[m]")
MMIO_OP(op_bts_imm, "btsl $5, %[m]")
MMIO_OP(op_bts_imm11, "btsl $11, %[m]")
MMIO_OP(op_btr_imm, "btrl $6, %[m]")
MMIO_OP(op_btr_imm13, "btrl $13, %[m]")
MMIO_OP(op_btc_imm, "btcl $7, %[m]")
MMIO_OP(op_bt_reg, "btl %[r], %[m]")
MMIO_OP(op_bts_reg, "btsl %[r], %[m]")
MMIO_OP(op_btr_reg, "btrl %[r], %[m]")
MMIO_OP(op_btc_reg, "btcl %[r], %[m]")
MMIO_OP(op_lock_or, "lock orl $0x80, %[m]")
MMIO_OP(op_lock_btr, "lock btrl $0, %[m]")

struct mmio_case {
	const char *name;
	mmio_op_fn op;
	uint32_t init, reg, flags;
};

/* Results stay in TPR bits 7:0. */
static const struct mmio_case tpr_cases[] = {
	{ "mmio_or_imm8", op_or_imm8, 0x30, 0, FL_LOGIC },
	{ "mmio_or_r_m", op_or_r_m, 0x05, 0x40, FL_LOGIC },
	{ "mmio_or_m_r", op_or_m_r, 0x21, 0x100, FL_LOGIC },
	{ "mmio_and_imm32", op_and_imm32, 0x5a, 0, FL_LOGIC },
	{ "mmio_and_r_m", op_and_r_m, 0x5a, 0x0f, FL_LOGIC },
	{ "mmio_xor_imm8", op_xor_imm8, 0xff, 0, FL_LOGIC },
	{ "mmio_xor_r_m", op_xor_r_m, 0x0f, 0xf0, FL_LOGIC },
	{ "mmio_add_imm8", op_add_imm8, 0x22, 0, FL_ARITH },
	{ "mmio_add_r_m", op_add_r_m, 0x7f, 0x01, FL_ARITH },
	{ "mmio_add_m_r", op_add_m_r, 0x40, 0xffffffc0, FL_ARITH },
	{ "mmio_adc_imm8", op_adc_imm8, 0x10, 0, FL_ARITH },
	{ "mmio_sub_imm8", op_sub_imm8, 0x20, 0, FL_ARITH },
	{ "mmio_sub_r_m", op_sub_r_m, 0x35, 0x10, FL_ARITH },
	{ "mmio_sub_m_r", op_sub_m_r, 0x20, 0x10, FL_ARITH },
	{ "mmio_sbb_r_m", op_sbb_r_m, 0x10, 0x01, FL_ARITH },
	{ "mmio_cmp_imm8", op_cmp_imm8, 0x5a, 0, FL_ARITH },
	{ "mmio_cmp_r_m", op_cmp_r_m, 0x5a, 0x5a, FL_ARITH },
	{ "mmio_cmp_m_r", op_cmp_m_r, 0x80, 0x7f, FL_ARITH },
	{ "mmio_test_imm32", op_test_imm32, 0x40, 0, FL_LOGIC },
	{ "mmio_test_r_m", op_test_r_m, 0x80, 0x7f, FL_LOGIC },
	{ "mmio_xchg", op_xchg, 0x11, 0x22, 0 },
	{ "mmio_bt_imm", op_bt_imm, 0x08, 0, FL_BT },
	{ "mmio_bts_imm", op_bts_imm, 0x01, 0, FL_BT },
	{ "mmio_btr_imm", op_btr_imm, 0x41, 0, FL_BT },
	{ "mmio_btc_imm", op_btc_imm, 0x80, 0, FL_BT },
	{ "mmio_bt_reg", op_bt_reg, 0x10, 4, FL_BT },
	{ "mmio_bts_reg", op_bts_reg, 0x00, 2, FL_BT },
	{ "mmio_btr_reg", op_btr_reg, 0x0c, 3, FL_BT },
	{ "mmio_btc_reg", op_btc_reg, 0x0c, 6, FL_BT },
	{ "mmio_lock_or", op_lock_or, 0x01, 0, FL_LOGIC },
	{ "mmio_lock_btr", op_lock_btr, 0x81, 0, FL_BT },
};

/* Results keep the entry masked and within its writable bits. */
static const struct mmio_case iowin_cases[] = {
	{ "mmio_ioapic_or_imm32", op_or_imm32, 0x10030, 0, FL_LOGIC },
	{ "mmio_ioapic_and_imm32", op_and_imm32_wide, 0x18030, 0, FL_LOGIC },
	{ "mmio_ioapic_xor_r_m", op_xor_r_m, 0x10030, 0x8000, FL_LOGIC },
	{ "mmio_ioapic_add_imm8", op_add_one, 0x10030, 0, FL_ARITH },
	{ "mmio_ioapic_add_m_r", op_add_m_r, 0x10030, 0x100, FL_ARITH },
	{ "mmio_ioapic_sub_r_m", op_sub_r_m, 0x10031, 0x2, FL_ARITH },
	{ "mmio_ioapic_cmp_imm32", op_cmp_imm32, 0x10030, 0, FL_ARITH },
	{ "mmio_ioapic_test_imm32", op_test_imm32_mask, 0x10030, 0, FL_LOGIC },
	{ "mmio_ioapic_xchg", op_xchg, 0x10030, 0x10041, 0 },
	{ "mmio_ioapic_bts_imm", op_bts_imm11, 0x10030, 0, FL_BT },
	{ "mmio_ioapic_btr_imm", op_btr_imm13, 0x12030, 0, FL_BT },
};

/*
 * The same instruction on RAM and on the device register: value, register
 * operand and the defined flags must agree.
 */
static void mmio_run_case(const struct mmio_case *c, volatile uint32_t *dev, void (*set)(uint32_t),
			  uint32_t (*get)(void))
{
	volatile uint32_t ram = c->init;
	uint32_t ram_reg = c->reg, dev_reg = c->reg, ram_fl, dev_fl, got;

	ram_fl = c->op(&ram, &ram_reg);
	set(c->init);
	dev_fl = c->op(dev, &dev_reg);
	got = get();
	test_check(got == ram && dev_reg == ram_reg && (dev_fl & c->flags) == (ram_fl & c->flags),
		   c->name,
		   "from %#x, reg %#x: device %#x reg %#x flags %#x; RAM %#x reg %#x flags %#x "
		   "(compared %#x)",
		   c->init, c->reg, got, dev_reg, dev_fl & c->flags, ram, ram_reg,
		   ram_fl & c->flags, c->flags);
}

static void iowin_set(uint32_t v)
{
	rte_set(v);
}

static void mmio_alu_forms(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(tpr_cases) / sizeof(tpr_cases[0]); i++)
		mmio_run_case(&tpr_cases[i], tpr, tpr_set, tpr_get);
	for (i = 0; i < sizeof(iowin_cases) / sizeof(iowin_cases[0]); i++)
		mmio_run_case(&iowin_cases[i], iowin, iowin_set, rte_get);
	rte_set(0x10000);
}

/*
 * BT with a register bit offset addresses EA + 4 * (offset SAR 5) (SDM
 * Vol. 2A "BT"): 35 from 4 bytes below the TPR and -29 from 4 bytes above
 * both reach its bit 3.
 */
static void mmio_bt_far(void)
{
	uint32_t cf;

	tpr_set(0x08);
	asm volatile("btl %2, (%1)\n\tsetc %b0"
		     : "=a"(cf)
		     : "b"(TPR_ADDR - 4), "c"(35), "0"(0)
		     : "cc", "memory");
	test_check(cf == 1, "mmio_bt_reg_offset_above", "CF=%u for bit 3 of TPR 0x08", cf);
	tpr_set(0x00);
	asm volatile("btsl %2, (%1)\n\tsetc %b0"
		     : "=a"(cf)
		     : "b"(TPR_ADDR + 4), "c"(-29), "0"(0)
		     : "cc", "memory");
	test_check(cf == 0 && tpr_get() == 0x08, "mmio_bts_reg_offset_negative",
		   "CF=%u, TPR %#x (want 0, 0x08)", cf, tpr_get());
}

/* ------------------------------------------------------- string forms -- */

static void mmio_string_forms(void)
{
	uint32_t buf[5], src[5] = { RTE23_LOW, 0, 0, 0, 0x1a05c };
	uint32_t d, s, c;
	unsigned int i;

	tpr_set(0);
	asm volatile("cld\n\tstosl" : "=D"(d) : "0"(TPR_ADDR), "a"(0x61) : "memory");
	test_check(tpr_get() == 0x61 && d == TPR_ADDR + 4, "mmio_stosd",
		   "TPR %#x EDI %#x (want 0x61, %#x)", tpr_get(), d, TPR_ADDR + 4);

	tpr_set(0);
	asm volatile("cld\n\trep stosl"
		     : "=D"(d), "=c"(c)
		     : "0"(TPR_ADDR), "1"(1), "a"(0x62)
		     : "memory");
	test_check(tpr_get() == 0x62 && d == TPR_ADDR + 4 && c == 0, "mmio_rep_stosd_one",
		   "TPR %#x EDI %#x ECX %u", tpr_get(), d, c);

	tpr_set(0);
	buf[0] = 0x63;
	asm volatile("cld\n\tmovsl" : "=S"(s), "=D"(d) : "0"(buf), "1"(TPR_ADDR) : "memory");
	test_check(tpr_get() == 0x63 && s == (uint32_t)buf + 4 && d == TPR_ADDR + 4,
		   "mmio_movsd_to_device", "TPR %#x ESI %#x EDI %#x", tpr_get(), s, d);

	tpr_set(0x64);
	buf[0] = 0;
	asm volatile("cld\n\tmovsl" : "=S"(s), "=D"(d) : "0"(TPR_ADDR), "1"(buf) : "memory");
	test_check(buf[0] == 0x64 && s == TPR_ADDR + 4 && d == (uint32_t)buf + 4,
		   "mmio_movsd_from_device", "copied %#x ESI %#x EDI %#x", buf[0], s, d);

	/* DF=1: MOVS and STOS step backwards. */
	tpr_set(0);
	buf[0] = 0x65;
	asm volatile("std\n\tmovsl\n\tcld" : "=S"(s), "=D"(d) : "0"(buf), "1"(TPR_ADDR) : "memory");
	test_check(tpr_get() == 0x65 && s == (uint32_t)buf - 4 && d == TPR_ADDR - 4,
		   "mmio_movsd_backwards", "TPR %#x ESI %#x EDI %#x", tpr_get(), s, d);
	tpr_set(0);
	asm volatile("std\n\trep stosl\n\tcld"
		     : "=D"(d), "=c"(c)
		     : "0"(TPR_ADDR), "1"(1), "a"(0x66)
		     : "memory");
	test_check(tpr_get() == 0x66 && d == TPR_ADDR - 4 && c == 0, "mmio_rep_stosd_backwards",
		   "TPR %#x EDI %#x ECX %u", tpr_get(), d, c);

	/*
	 * The IOAPIC window's five dwords: IOREGSEL takes 0x3e (its bits 7:0
	 * of 0x1003e), the three between ignore it, IOWIN writes entry 23.
	 */
	rte_set(0x10000);
	*ioregsel = 0;
	asm volatile("cld\n\trep stosl"
		     : "=D"(d), "=c"(c)
		     : "0"(IOAPIC_PHYS), "1"(5), "a"(0x1003e)
		     : "memory");
	test_check(*ioregsel == RTE23_LOW && rte_get() == 0x1003e && d == IOAPIC_PHYS + 20 &&
			   c == 0,
		   "mmio_rep_stosd_ioapic", "IOREGSEL %#x entry %#x EDI %#x ECX %u", *ioregsel,
		   rte_get(), d, c);

	rte_set(0x10000);
	*ioregsel = 0;
	asm volatile("cld\n\trep movsl"
		     : "=S"(s), "=D"(d), "=c"(c)
		     : "0"(src), "1"(IOAPIC_PHYS), "2"(5)
		     : "memory");
	test_check(rte_get() == 0x1a05c && s == (uint32_t)src + 20 && d == IOAPIC_PHYS + 20 &&
			   c == 0,
		   "mmio_rep_movsd_to_ioapic", "entry %#x ESI %#x EDI %#x ECX %u", rte_get(), s, d,
		   c);

	for (i = 0; i < 5; i++)
		buf[i] = 0xdeadbeef;
	asm volatile("cld\n\trep movsl"
		     : "=S"(s), "=D"(d), "=c"(c)
		     : "0"(IOAPIC_PHYS), "1"(buf), "2"(5)
		     : "memory");
	test_check(buf[0] == RTE23_LOW && buf[1] == 0 && buf[2] == 0 && buf[3] == 0 &&
			   buf[4] == 0x1a05c && s == IOAPIC_PHYS + 20 && c == 0,
		   "mmio_rep_movsd_from_ioapic", "read %#x %#x %#x %#x %#x ESI %#x ECX %u", buf[0],
		   buf[1], buf[2], buf[3], buf[4], s, c);
	rte_set(0x10000);
}

/* -------------------------------------------------------- narrow reads -- */

/* @got is the register's value @full or 0 (a model that gives narrow reads nothing). */
static void narrow(const char *name, uint32_t got, uint32_t full)
{
	if (got == 0 && full != 0)
		test_info("mmio: %s read 0 (narrow access ignored), register holds %#x", name,
			  full);
	test_check(got == full || got == 0, name, "read %#x, want %#x (or 0)", got, full);
}

static void mmio_narrow_reads(void)
{
	uint32_t v;

	tpr_set(0xa5);
	asm volatile("movzbl (%1), %0" : "=a"(v) : "b"(TPR_ADDR), "0"(0xffffffff) : "memory");
	narrow("mmio_movzx_m8_tpr", v, 0xa5);
	asm volatile("movzwl (%1), %0" : "=a"(v) : "b"(TPR_ADDR), "0"(0xffffffff) : "memory");
	narrow("mmio_movzx_m16_tpr", v, 0xa5);
	asm volatile("movsbl (%1), %0" : "=a"(v) : "b"(TPR_ADDR), "0"(0x12345678) : "memory");
	narrow("mmio_movsx_m8_tpr", v, 0xffffffa5);
	asm volatile("movswl (%1), %0" : "=a"(v) : "b"(TPR_ADDR), "0"(0x12345678) : "memory");
	narrow("mmio_movsx_m16_tpr", v, 0xa5);
	tpr_set(0);

	*ioregsel = 0x9e;
	asm volatile("movzbl (%1), %0" : "=d"(v) : "S"(IOREGSEL), "0"(0xffffffff) : "memory");
	narrow("mmio_movzx_m8_ioregsel", v, 0x9e);
	asm volatile("movsbl (%1), %0" : "=d"(v) : "S"(IOREGSEL), "0"(0) : "memory");
	narrow("mmio_movsx_m8_ioregsel", v, 0xffffff9e);
	*ioregsel = 0;
}

/* After RESULT: must not return under Strata. */
static void mmio_unclaimed(void)
{
	uint32_t val;

	test_info("mmio: reading %#x, which no device claims: the VM must stop here", UNCLAIMED);
	test_result();
	val = *(volatile uint32_t *)UNCLAIMED;
	test_fail("mmio_unclaimed", "read of %#x returned %#x", UNCLAIMED, val);
}

void guest_main(void)
{
	uint64_t base = 0;
	struct cpuid_regs r = cpuid(1, 0);

	/* The TPR is reachable whether or not the APIC is software-enabled. */
	if (r.edx & CPUID_1_EDX_APIC)
		base = rdmsr(MSR_IA32_APIC_BASE);
	if (!test_check((base & (APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_ADDR)) ==
				(APIC_BASE_EN | APIC_DEFAULT_PHYS),
			"mmio_lapic_xapic", "IA32_APIC_BASE %#llx: want xAPIC at %#x",
			(unsigned long long)base, APIC_DEFAULT_PHYS))
		return;
	mmio_mov_forms();
	mmio_alu_forms();
	mmio_bt_far();
	mmio_string_forms();
	mmio_narrow_reads();
	tpr_set(0);
	mmio_unclaimed();
}
