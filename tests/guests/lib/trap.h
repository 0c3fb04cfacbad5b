/* SPDX-License-Identifier: MIT */
/*
 * The guest's own exception handling, so a test can provoke a fault and
 * carry on.
 *
 * An instruction that may fault is written with TRAP_TRY(): its address
 * and the address just after it go into the .guest_fixup table. When an
 * exception hits an address in that table, the handler records the vector
 * and error code in trap_last and resumes after the instruction (a fault
 * leaves EIP on the instruction, SDM Vol. 3A 6.5, so the length needed is
 * the one the assembler measured). Any other exception is a test failure:
 * it is reported with a FAIL line and the guest exits.
 *
 * Usage:
 *	trap_arm();
 *	asm volatile(TRAP_TRY("rdmsr") : ... : "memory");
 *	if (trap_vector() == TRAP_GP) ...
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdint.h>

#define TRAP_NONE (-1)
#define TRAP_UD   6
#define TRAP_GP   13

#define TRAP_TRY(insn)                         \
	"1:\t" insn "\n"                       \
	"2:\n\t"                               \
	".pushsection .guest_fixup, \"a\"\n\t" \
	".balign 4\n\t"                        \
	".long 1b, 2b\n\t"                     \
	".popsection\n\t"

/* What trap_common (lib/trap_entry.S) leaves on the stack. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* pushal */
	uint32_t vector, error;                          /* stub */
	uint32_t eip, cs, eflags;                        /* CPU */
};
_Static_assert(sizeof(struct trap_frame) == 52, "trap frame layout");

struct trap_record {
	int vector; /* TRAP_NONE until a fixed-up fault */
	uint32_t error;
	uint32_t eip; /* address of the faulting instruction */
};

extern volatile struct trap_record trap_last;

/* Load the IDT (vectors 0-31, interrupt gates). Called by guest_start(). */
void trap_init(void);

/* Forget the last recorded exception before a TRAP_TRY. */
static inline void trap_arm(void)
{
	trap_last.vector = TRAP_NONE;
	trap_last.error = 0;
	trap_last.eip = 0;
}

/* Vector caught since trap_arm(), or TRAP_NONE. */
static inline int trap_vector(void)
{
	return trap_last.vector;
}

/* "#GP" for 13 and so on; "none" for TRAP_NONE. */
const char *trap_name(int vector);

/* Called from trap_common only. */
void trap_dispatch(struct trap_frame *frame);

#endif /* GUEST_TRAP_H */
