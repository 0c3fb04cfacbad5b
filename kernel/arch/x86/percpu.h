/*
 * Per-CPU state: one page-aligned struct per physical CPU, reached
 * through %gs (GS_BASE points at the struct, whose first field points at
 * itself, so this_cpu() is one load).
 */
#ifndef STRATA_PERCPU_H
#define STRATA_PERCPU_H

#include "kernel/include/strata/types.h"

#define MAX_CPUS           64
#define CPU_STACK_SIZE     (16 * 1024)
#define CPU_IST_STACK_SIZE 4096

/* GDT layout, the same on every CPU (SDM Vol. 3A 3.4.5, 7.2.3). */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS       0x18 /* a 16-byte system descriptor */
#define GDT_ENTRIES   5

/* Interrupt stack table slots (TSS.IST1..): known-good stacks. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

enum cpu_state {
	CPU_ABSENT = 0, /* not in the MADT, or disabled there */
	CPU_OFFLINE,    /* present, not (yet) started */
	CPU_STARTING,   /* SIPI sent, waiting for it to check in */
	CPU_ONLINE,     /* running the hypervisor */
	CPU_PARKED,     /* stopped after a fault or failed start */
};

/* 64-bit TSS (SDM Vol. 3A 7.7, Figure 7-11). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS layout (SDM Vol. 3A Figure 7-11)");

struct pcpu {
	struct pcpu *self; /* must stay first: this_cpu() reads %gs:0 */
	uint32_t index;    /* 0 = boot CPU */
	uint32_t apic_id;
	volatile uint32_t state; /* enum cpu_state */
	uint32_t acpi_uid;
	uint64_t stack_top;
	uint64_t ticks; /* LAPIC timer interrupts taken */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
} __attribute__((aligned(4096)));

extern struct pcpu pcpu_table[MAX_CPUS];
extern uint32_t pcpu_count; /* CPUs found (present in the MADT) */

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

/*
 * Load this CPU's GDT, TSS and the shared IDT, and point GS_BASE at `p`.
 * The stacks (p->stack_top and the IST stacks) must be set up already.
 */
void pcpu_load(struct pcpu *p);

/* Allocate the IST stacks of `p` and fill its TSS. Returns 0 or -ENOMEM. */
int pcpu_setup_stacks(struct pcpu *p);

uint32_t pcpu_online_count(void);

#endif
