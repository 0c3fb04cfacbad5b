/*
 * The legacy 8259A interrupt controller pair of the PC. Strata uses the
 * local APIC; the 8259s are moved off the exception vectors and masked.
 */
#ifndef STRATA_I8259_H
#define STRATA_I8259_H

#include <stdbool.h>

/* First of the 16 vectors the pair is moved to; all of them stay masked. */
#define I8259_VECTOR_BASE 0x30

/*
 * Reinitialise both 8259s with vectors I8259_VECTOR_BASE..+15 and mask
 * every line. Firmware leaves the master at vector 8, where its timer
 * would look like a double fault the moment interrupts are enabled.
 */
void i8259_disable(void);

/* True for the vectors a masked 8259 can still raise (spurious IRQ 7/15). */
bool i8259_is_spurious_vector(unsigned vector);

#endif
