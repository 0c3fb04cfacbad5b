// SPDX-License-Identifier: MIT
/*
 * 8259A pair set-up: lib/pic.h.
 */
#include "pic.h"

#include "cpu.h"

void pic_init(uint8_t master_base, uint8_t slave_base)
{
	outb(PIC_MASTER_CMD, 0x11); /* ICW1: edge, cascade, ICW4 needed */
	outb(PIC_SLAVE_CMD, 0x11);
	outb(PIC_MASTER_DATA, master_base); /* ICW2: vector base */
	outb(PIC_SLAVE_DATA, slave_base);
	outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ); /* ICW3: slave on IR2 */
	outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);        /* ICW3: slave ID 2 */
	outb(PIC_MASTER_DATA, 0x01);                  /* ICW4: 8086 mode, normal EOI */
	outb(PIC_SLAVE_DATA, 0x01);
	outb(PIC_MASTER_DATA, 0xff); /* OCW1: everything masked */
	outb(PIC_SLAVE_DATA, 0xff);
}

void pic_mask(unsigned int irq, bool masked)
{
	uint16_t port = irq < 8 ? PIC_MASTER_DATA : PIC_SLAVE_DATA;
	uint8_t bit = 1u << (irq & 7);
	uint8_t imr = inb(port);

	outb(port, masked ? imr | bit : imr & ~bit);
	if (irq >= 8 && !masked)
		pic_mask(PIC_CASCADE_IRQ, false);
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC_SLAVE_CMD, PIC_EOI);
	outb(PIC_MASTER_CMD, PIC_EOI);
}
