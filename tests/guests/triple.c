// SPDX-License-Identifier: MIT
/*
 * triple.elf: a guest that triple-faults on purpose. With an IDT limit of
 * 0 no gate fits, so INT3 raises #GP, delivering that raises #DF, and
 * delivering #DF shuts the CPU down (SDM Vol. 3A 6.15, "Interrupt 8").
 * Strata must stop this VM ("triple fault") and nothing else. RESULT is
 * printed first; if INT3 returns, a FAIL and a second RESULT follow.
 *
 * Bare QEMU resets (or exits with -no-reboot).
 */
#include "cpu.h"
#include "guest.h"
#include "test.h"
#include "trap.h"

const char guest_name[] = "triple";

void guest_main(void)
{
	static const struct desc_ptr empty_idt = { .limit = 0, .base = 0 };

	test_info("triple: empty IDT, then int3: the VM must stop here");
	test_result();
	lidt(&empty_idt);
	int3();
	trap_init(); /* back to an IDT that can report */
	test_fail("triple_fault", "int3 with an empty IDT returned");
}
