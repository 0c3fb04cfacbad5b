/* Starting the application processors (SDM Vol. 3A 8.4 "Multiple-Processor Initialization"). */
#ifndef STRATA_SMP_H
#define STRATA_SMP_H

#include "kernel/include/strata/types.h"

/* What every application processor does once it runs kernel code. */
struct smp_ap_setup {
	/* A deliberate fault for the fault-isolation test ([debug] in the config). */
	int fault_cpu;    /* CPU index that faults, or -1 */
	int fault_vector; /* 0 (#DE), 6 (#UD), 13 (#GP) or 14 (#PF) */
	/* Per-CPU set-up beyond the kernel's own (VMX on), may be NULL. */
	void (*cpu_init)(void);
	/* What the CPU runs once online; never returns. */
	void (*run)(void) __attribute__((noreturn));
};

/*
 * Start every CPU of pcpu_table[1..pcpu_count) in CPU_OFFLINE state, one at
 * a time, waiting for each to check in. A CPU that does not answer within
 * a second is left CPU_PARKED with a message; the others still start.
 * Needs kmem, the LAPIC and a calibrated TSC. Returns the CPUs online.
 */
uint32_t smp_start_aps(const struct smp_ap_setup *setup);

#endif
