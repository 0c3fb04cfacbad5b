/*
 * Host local APIC driver: x2APIC (MSR access) when the CPU has it, xAPIC
 * (MMIO) otherwise. SDM Vol. 3A chapter 10 "Advanced Programmable
 * Interrupt Controller (APIC)".
 */
#ifndef STRATA_LAPIC_H
#define STRATA_LAPIC_H

#include "kernel/include/strata/types.h"

/* Choose the mode and map the registers; boot CPU, once. Returns 0 or -errno. */
int lapic_global_init(hpa_t mmio_base);
/* Enable and program the calling CPU's local APIC (every CPU). */
void lapic_cpu_init(void);

bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* Interprocessor interrupts (SDM Vol. 3A 10.6). */
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector_page);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

/*
 * Measure the timer's input clock against the TSC (tsc_hz must be known).
 * Returns the timer frequency in Hz with divide-by-16, or 0 on failure.
 */
uint64_t lapic_timer_calibrate(uint64_t tsc_hz);
/* Periodic timer interrupts on `vector` at `hz` on the calling CPU. */
void lapic_timer_start_periodic(uint8_t vector, uint32_t hz);
void lapic_timer_stop(void);
/* One interrupt on `vector` when the TSC reaches `tsc_deadline` (soon if already past). */
void lapic_timer_oneshot_at(uint8_t vector, uint64_t tsc_deadline);

#endif
