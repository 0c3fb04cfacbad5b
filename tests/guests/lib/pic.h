/* SPDX-License-Identifier: MIT */
/*
 * The PC's 8259A pair (Intel 8259A datasheet): master at 0x20, slave at
 * 0xa0 on the master's IR2. pic_init() reprograms both (ICW1-ICW4: edge,
 * cascade, 8086 mode, normal EOI) with the vector bases given and masks
 * every input: a BIOS leaves the master at vector 8, on top of #DF.
 */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xa0
#define PIC_SLAVE_DATA  0xa1
#define PIC_CASCADE_IRQ 2
#define PIC_EOI         0x20 /* OCW2: non-specific EOI */

/* Both 8259s programmed with @master_base / @slave_base, all IRQs masked. */
void pic_init(uint8_t master_base, uint8_t slave_base);

/* Mask (true) or unmask ISA IRQ @irq (0-15); unmasking 8-15 opens IR2 too. */
void pic_mask(unsigned int irq, bool masked);

/* Non-specific EOI for ISA IRQ @irq: to the slave and the master for 8-15. */
void pic_eoi(unsigned int irq);

#endif /* GUEST_PIC_H */
