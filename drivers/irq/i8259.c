/* Intel 8259A datasheet, "Initialization Command Words" (ICW1-ICW4, OCW1). */
#include <stdbool.h>

#include "drivers/irq/i8259.h"
#include "kernel/arch/x86/cpu.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086      0x01

/* Port 0x80 writes give the slow 8259 time between commands. */
static void io_wait(void)
{
	cpu_outb(0x80, 0);
}

void i8259_disable(void)
{
	cpu_outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	cpu_outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	cpu_outb(PIC1_DATA, I8259_VECTOR_BASE); /* ICW2: vector base */
	io_wait();
	cpu_outb(PIC2_DATA, I8259_VECTOR_BASE + 8);
	io_wait();
	cpu_outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ2 */
	io_wait();
	cpu_outb(PIC2_DATA, 2); /* ICW3: slave identity */
	io_wait();
	cpu_outb(PIC1_DATA, ICW4_8086);
	io_wait();
	cpu_outb(PIC2_DATA, ICW4_8086);
	io_wait();
	cpu_outb(PIC1_DATA, 0xff); /* OCW1: mask everything */
	cpu_outb(PIC2_DATA, 0xff);
}

bool i8259_is_spurious_vector(unsigned vector)
{
	return vector == I8259_VECTOR_BASE + 7 || vector == I8259_VECTOR_BASE + 15;
}
