/* SPDX-License-Identifier: MIT */
/*
 * Hardware interrupts for the guests that test the interrupt controllers
 * and timers (apic.elf, ioapic.elf, rtc.elf).
 *
 * irq_init() loads a second, 256-entry IDT: vectors 0-31 go to the same
 * exception stubs as trap_init()'s (so TRAP_TRY keeps working), 32-255
 * to irq_dispatch(), which counts the interrupt in irq_count[] and calls
 * the handler set with irq_set_handler(), if any. The handler runs with
 * IF=0 (interrupt gates) and sends its own EOI. Guests that never call
 * irq_init() keep the runtime's 32-entry IDT.
 *
 * Waiting is a busy loop on RDTSC with IF=1 (irq_wait()), bounded by a
 * TSC budget, so a missing interrupt costs a timeout, never a hang.
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_VECTORS    256
#define IRQ_FIRST      32 /* first vector that is not an exception */
#define IRQ_VECTOR_NMI 2

typedef void (*irq_handler_t)(unsigned int vector);

/* Interrupts taken per vector since irq_init() (or irq_reset_counts()). */
extern volatile uint32_t irq_count[IRQ_VECTORS];

/* Load the 256-entry IDT. Interrupts stay disabled. */
void irq_init(void);

/*
 * Take NMIs (vector 2) through irq_dispatch() like an interrupt: counted
 * in irq_count[2], handler set with irq_set_handler(IRQ_VECTOR_NMI, ...),
 * no EOI. Without this an NMI is an unexpected exception.
 */
void irq_route_nmi(void);

/*
 * Point @vector's gate at @stub, an assembly handler of the caller's that
 * ends in IRET (bench probes: no counting, no dispatch in between).
 */
void irq_set_stub(unsigned int vector, const void *stub);

/* Call @fn for every interrupt on @vector (NULL: count only). */
void irq_set_handler(unsigned int vector, irq_handler_t fn);

/* Zero every counter. */
void irq_reset_counts(void);

/* Sum of irq_count[] over vectors 32-255 except @skip_a and @skip_b. */
uint32_t irq_count_other(unsigned int skip_a, unsigned int skip_b);

/*
 * With interrupts enabled, spin until irq_count[@vector] reaches @target
 * or @tsc_budget TSC ticks passed; interrupts are disabled again before
 * it returns. True if the count was reached.
 */
bool irq_wait(unsigned int vector, uint32_t target, uint64_t tsc_budget);

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

/* Enable interrupts and halt in one go: an interrupt pending right at
 * STI is taken after HLT starts (STI's one-instruction shadow), so it
 * ends the HLT instead of being lost before it. */
static inline void sti_hlt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

#endif /* GUEST_IRQ_H */
