/* Whole-machine power control: ACPI first, legacy PC mechanisms after. */
#ifndef STRATA_POWER_H
#define STRATA_POWER_H

/*
 * Enter ACPI S5 (soft off) through PM1a/PM1b_CNT with the \_S5 sleep
 * types (ACPI 6.5, 7.4.2 and 16.1.7). If the machine is still running
 * afterwards, say so and halt every CPU we can.
 */
__attribute__((noreturn)) void power_off(void);

/*
 * Reset the machine: the FADT reset register, then port 0xCF9, then the
 * 8042 keyboard controller, then a triple fault.
 */
__attribute__((noreturn)) void power_reboot(void);

#endif
