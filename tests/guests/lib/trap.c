// SPDX-License-Identifier: MIT
/*
 * IDT set-up and the exception dispatcher of the guest runtime.
 */
#include "trap.h"

#include "cpu.h"
#include "print.h"
#include "segments.h"
#include "test.h"

#define TRAP_VECTORS 32

struct trap_fixup {
	uint32_t insn;   /* address of the instruction that may fault */
	uint32_t resume; /* address just after it */
};

/* 32-bit interrupt gate (SDM Vol. 3A 6.11, Figure 6-2). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* P=1, DPL=0, type 0xe */
	uint16_t offset_high;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate layout");

#define IDT_INTERRUPT_GATE 0x8e

extern const uint32_t trap_stubs[TRAP_VECTORS];
extern const struct trap_fixup __fixup_start[], __fixup_end[];

volatile struct trap_record trap_last = { .vector = TRAP_NONE };

static struct idt_gate trap_idt[TRAP_VECTORS] __attribute__((aligned(8)));

static const char *const trap_names[TRAP_VECTORS] = {
	[0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [4] = "#OF",
	[5] = "#BR",  [6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [10] = "#TS",
	[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF",
	[17] = "#AC", [18] = "#MC", [19] = "#XM", [20] = "#VE", [21] = "#CP",
};

const char *trap_name(int vector)
{
	if (vector == TRAP_NONE)
		return "none";
	if (vector < 0 || vector >= TRAP_VECTORS || !trap_names[vector])
		return "reserved";
	return trap_names[vector];
}

void trap_init(void)
{
	struct desc_ptr idtr = {
		.limit = sizeof(trap_idt) - 1,
		.base = (uint32_t)trap_idt,
	};
	int i;

	for (i = 0; i < TRAP_VECTORS; i++) {
		trap_idt[i] = (struct idt_gate){
			.offset_low = trap_stubs[i] & 0xffff,
			.selector = GUEST_CS,
			.type_attr = IDT_INTERRUPT_GATE,
			.offset_high = trap_stubs[i] >> 16,
		};
	}
	lidt(&idtr);
}

static const struct trap_fixup *trap_find_fixup(uint32_t eip)
{
	const struct trap_fixup *fx;

	for (fx = __fixup_start; fx < __fixup_end; fx++)
		if (fx->insn == eip)
			return fx;
	return 0;
}

void trap_dispatch(struct trap_frame *frame)
{
	const struct trap_fixup *fx = trap_find_fixup(frame->eip);

	if (fx) {
		trap_last.vector = (int)frame->vector;
		trap_last.error = frame->error;
		trap_last.eip = frame->eip;
		frame->eip = fx->resume;
		return;
	}

	test_fail("unexpected_exception", "vector=%u (%s) error=%#x eip=%#x", frame->vector,
		  trap_name((int)frame->vector), frame->error, frame->eip);
	guest_printf("INFO regs eax=%#x ebx=%#x ecx=%#x edx=%#x esi=%#x "
		     "edi=%#x ebp=%#x eflags=%#x\n",
		     frame->eax, frame->ebx, frame->ecx, frame->edx, frame->esi, frame->edi,
		     frame->ebp, frame->eflags);
	test_finish();
}
