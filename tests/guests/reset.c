// SPDX-License-Identifier: MIT
/*
 * reset.elf: a write of 0x06 (SYS_RST | RST_CPU) to the PIIX/ICH Reset
 * Control Register at port 0xcf9 resets the machine; under Strata it
 * resets that VM only, which this version reports as stopped ("reset by
 * the guest"). RESULT is printed first; if the write returns, a FAIL and
 * a second RESULT follow and the guest exits with 1.
 *
 * Strata-specific as a whole: bare QEMU resets the whole machine.
 */
#include "cpu.h"
#include "guest.h"
#include "test.h"

const char guest_name[] = "reset";

void guest_main(void)
{
	test_info("reset: writing 0x06 to port 0xcf9: the VM must stop here");
	test_result();
	outb(0xcf9, 0x06);
	test_fail("reset_returned", "the reset port write returned");
}
