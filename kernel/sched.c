#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/lapic.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/sched.h"
#include "kernel/vm_arch.h"
#include "kernel/vmm.h"

struct runqueue {
	struct spinlock lock;
	struct vcpu *head;
	struct vcpu *last_run;
};

static struct runqueue runqueues[MAX_CPUS];

static void wake_handler(struct trap_frame *frame)
{
	lapic_eoi();
}

void sched_init(void)
{
	idt_set_handler(VECTOR_IPI_WAKE, wake_handler);
}

void sched_kick(uint32_t cpu)
{
	if (cpu != this_cpu()->index && cpu < pcpu_count)
		lapic_send_ipi(pcpu_table[cpu].apic_id, VECTOR_IPI_WAKE);
}

void sched_add(struct vcpu *vcpu)
{
	struct runqueue *rq = &runqueues[vcpu->cpu];
	struct vcpu **p;

	vcpu->next_on_cpu = NULL;
	spin_lock(&rq->lock);
	for (p = &rq->head; *p; p = &(*p)->next_on_cpu)
		;
	*p = vcpu;
	spin_unlock(&rq->lock);
	sched_kick(vcpu->cpu);
}

/* Take out the vCPUs whose VM is stopping; the last one out finishes the VM. */
static void reap(struct runqueue *rq)
{
	for (;;) {
		struct vcpu **p, *gone = NULL;

		spin_lock(&rq->lock);
		for (p = &rq->head; *p; p = &(*p)->next_on_cpu) {
			if ((*p)->vm->state == VM_STOPPING) {
				gone = *p;
				*p = gone->next_on_cpu;
				break;
			}
		}
		if (rq->last_run == gone)
			rq->last_run = NULL;
		spin_unlock(&rq->lock);
		if (!gone)
			return;
		vmm_vcpu_leave(gone);
	}
}

/*
 * Halted vCPUs whose device timers are due wake up here. Returns the TSC
 * of the earliest timer still ahead (UINT64_MAX: none).
 */
static uint64_t wake_halted(struct runqueue *rq)
{
	uint64_t now = cpu_rdtsc(), earliest = UINT64_MAX;

	spin_lock(&rq->lock);
	for (struct vcpu *v = rq->head; v; v = v->next_on_cpu) {
		uint64_t next;

		if (v->state != VCPU_HALTED || v->vm->state != VM_RUNNING)
			continue;
		if (!vcpu_arch_wake_check(v, now, &next))
			earliest = MIN(earliest, next);
	}
	spin_unlock(&rq->lock);
	return earliest;
}

/* Round robin: the first runnable vCPU after the one that ran last. */
static struct vcpu *pick(struct runqueue *rq)
{
	struct vcpu *start, *v, *found = NULL;

	spin_lock(&rq->lock);
	start = rq->last_run && rq->last_run->next_on_cpu ? rq->last_run->next_on_cpu : rq->head;
	v = start;
	while (v) {
		if (v->state == VCPU_RUNNABLE && v->vm->state == VM_RUNNING) {
			found = v;
			break;
		}
		v = v->next_on_cpu ? v->next_on_cpu : rq->head;
		if (v == start)
			break;
	}
	if (found)
		rq->last_run = found;
	spin_unlock(&rq->lock);
	return found;
}

void sched_run(void (*housekeeping)(void), uint32_t idle_ms)
{
	struct runqueue *rq = &runqueues[this_cpu()->index];
	uint64_t slice = tsc_hz() / (1000 / SCHED_SLICE_MS);
	uint64_t idle = tsc_hz() / 1000 * idle_ms;

	for (;;) {
		uint64_t wake, start;
		struct vcpu *v;
		enum vcpu_run_result result;

		reap(rq);
		if (housekeeping)
			housekeeping();
		wake = wake_halted(rq);
		v = pick(rq);
		if (!v) {
			/* Sleep until an IPI, or the next guest timer; the boot CPU also
			 * wakes every idle_ms for its housekeeping. */
			if (housekeeping)
				wake = MIN(wake, cpu_rdtsc() + idle);
			if (wake != UINT64_MAX)
				lapic_timer_oneshot_at(VECTOR_LAPIC_TIMER, wake);
			cpu_wait_for_interrupt();
			continue;
		}
		/*
		 * Preempted: next in line. Halted: the vCPU set its own state
		 * (halted, or waiting for SIPI). Stopped: the whole VM stops.
		 */
		start = cpu_rdtsc();
		result = vcpu_arch_run(v, start + slice);
		v->run_ticks += cpu_rdtsc() - start;
		if (result == VCPU_RUN_STOPPED)
			vmm_stop(v->vm, NULL);
	}
}
