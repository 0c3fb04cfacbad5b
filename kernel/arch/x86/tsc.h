/*
 * Time stamp counter: frequency and delays. The TSC is the hypervisor's
 * clock; it is invariant on the CPUs Strata targets (CPUID 0x80000007
 * EDX[8], SDM Vol. 3B 17.17.1).
 */
#ifndef STRATA_TSC_H
#define STRATA_TSC_H

#include "kernel/include/strata/types.h"

enum tsc_source {
	TSC_SOURCE_CPUID,   /* CPUID leaf 0x15 crystal ratio */
	TSC_SOURCE_PMTIMER, /* measured against the ACPI PM timer */
	TSC_SOURCE_PIT,     /* measured against 8254 channel 2 */
};

/*
 * Find the TSC frequency: CPUID 0x15 when it states the crystal, else a
 * 10 ms measurement against the ACPI PM timer at `pm_timer_port` (0 if
 * none; `pm_timer_32bit` per FADT), else against the PIT.
 * Returns the frequency in Hz (also kept for tsc_hz()).
 */
uint64_t tsc_calibrate(uint16_t pm_timer_port, bool pm_timer_32bit);
uint64_t tsc_hz(void);
enum tsc_source tsc_source(void);
const char *tsc_source_name(enum tsc_source src);

/* Busy-wait at least `us` microseconds (needs tsc_calibrate()). */
void tsc_delay_us(uint64_t us);
/* Microseconds since the TSC was zero (reset). */
uint64_t tsc_now_us(void);

#endif
