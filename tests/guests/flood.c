// SPDX-License-Identifier: MIT
/*
 * flood.elf: a guest that prints without pause, 3000 numbered lines as
 * fast as its UART takes them, then "flood: done" and exit code 0. Under
 * Strata the host log takes a guest's lines at a bounded rate (a burst,
 * then a steady rate), so most lines never reach the serial log, a line
 * says how many were left out, and the other VMs and the hypervisor go
 * on at their pace. Runs bare too (every line is printed).
 */
#include "guest.h"
#include "print.h"

#define FLOOD_LINES 3000

const char guest_name[] = "flood";

void guest_main(void)
{
	for (unsigned int i = 0; i < FLOOD_LINES; i++)
		guest_printf("flood: line %u\n", i);
	guest_printf("flood: done\n");
	guest_exit(0);
}
