/* SPDX-License-Identifier: MIT */
/*
 * Starting the second CPU of a guest (nmi.elf): the universal start-up
 * algorithm of the MP specification 1.4 appendix B.4 and SDM Vol. 3A
 * 9.4.4.1 "Typical BSP Initialization Sequence": INIT, 10 ms, SIPI,
 * 200 us, SIPI, to "all excluding self".
 *
 * The start-up IPI makes the AP run in real mode at vector:0000; the
 * trampoline (lib/smp.S) is copied to SMP_TRAMPOLINE_ADDR below 1 MiB,
 * loads the BSP's GDT, enters protected mode and jumps to the image at
 * 1 MiB, where the AP takes its stack, loads the BSP's IDT and calls the
 * function given here with IF=0. The AP never returns from it.
 *
 * Needs timer_calibrate() (the delays) and an xAPIC-mode local APIC.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

#define SMP_TRAMPOLINE_ADDR 0x7000u /* page-aligned, below 1 MiB: SIPI vector 0x07 */

typedef void (*smp_ap_fn_t)(void);

/*
 * Start the other CPU on @fn with the stack ending at @stack_top; wait up
 * to @budget TSC ticks for it to check in. True if it did.
 */
bool smp_start_ap(smp_ap_fn_t fn, void *stack_top, uint64_t budget);

#endif /* GUEST_SMP_H */
