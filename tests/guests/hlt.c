// SPDX-License-Identifier: MIT
/*
 * hlt.elf: HLT with interrupts disabled can never wake (nothing but NMI,
 * SMI or INIT ends it, SDM Vol. 2A "HLT"), so Strata must stop the VM
 * ("halted with interrupts disabled") rather than park the vCPU forever.
 * RESULT is printed before the HLT; if the HLT returns, a FAIL and a
 * second RESULT follow and the guest exits with 1.
 *
 * Strata-specific as a whole: bare QEMU just sits in HLT (use timeout).
 */
#include "cpu.h"
#include "guest.h"
#include "test.h"

const char guest_name[] = "hlt";

void guest_main(void)
{
	test_info("hlt: cli; hlt: the VM must stop here");
	test_result();
	cli();
	hlt();
	test_fail("hlt_returned", "HLT with IF=0 returned");
}
