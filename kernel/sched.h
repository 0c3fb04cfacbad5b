/*
 * vCPU scheduling: each physical CPU has a run queue of the vCPUs pinned
 * to it and runs them round robin, one time slice each (the VMX
 * preemption timer ends a slice inside the guest). A halted vCPU yields
 * its CPU until it has something to do.
 */
#ifndef STRATA_SCHED_H
#define STRATA_SCHED_H

#include "kernel/vm.h"

#define SCHED_SLICE_MS 10

/* Queue `vcpu` on its CPU (vcpu->cpu) and wake that CPU. */
void sched_add(struct vcpu *vcpu);

/* Wake `cpu` if it idles, so it notices new work or a stopping VM. */
void sched_kick(uint32_t cpu);

/*
 * The per-CPU loop; never returns. `housekeeping` (may be NULL; the boot
 * CPU's management work) runs between slices and before the CPU sleeps
 * because it has nothing to run, and, while it sleeps, every `idle_ms`.
 */
__attribute__((noreturn)) void sched_run(void (*housekeeping)(void), uint32_t idle_ms);

/* Set up the wake-up interrupt; boot CPU, once, before any sched_add(). */
void sched_init(void);

#endif
