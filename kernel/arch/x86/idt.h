/*
 * Interrupt descriptor table, exception reporting and interrupt dispatch.
 * One IDT is shared by every CPU; all 256 vectors enter through
 * kernel/arch/x86/isr.S, which saves a struct trap_frame.
 */
#ifndef STRATA_IDT_H
#define STRATA_IDT_H

#include "kernel/include/strata/types.h"

/* Vectors 0-31 are exceptions (SDM Vol. 3A 6.15); ours start at 0x20. */
#define VECTOR_LAPIC_TIMER 0x20
#define VECTOR_IPI_WAKE    0x21
#define VECTOR_NIC         0x22 /* MSI-X of the management NICs: wakes the boot CPU */
#define VECTOR_SPURIOUS    0xff

/* What isr.S pushes, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code; /* 0 when the CPU pushes none */
	/* Pushed by the CPU (SDM Vol. 3A 6.14.2, Figure 6-9). */
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "isr.S frame layout");

typedef void (*irq_handler_t)(struct trap_frame *frame);

/* Build the IDT; once, on the boot CPU, before any pcpu_load(). */
void idt_init(void);
/* Load the IDT on the calling CPU. */
void idt_load(void);
/* Route vector (>= 32) to `handler`; the handler acknowledges the LAPIC. */
void idt_set_handler(uint8_t vector, irq_handler_t handler);

/* The handler routed to `vector`, or NULL. */
irq_handler_t idt_handler(uint8_t vector);

/* Called from isr.S for every vector. */
void trap_dispatch(struct trap_frame *frame);

#endif
