// SPDX-License-Identifier: MIT
/*
 * The 256-entry IDT of lib/irq.h and the interrupt dispatcher.
 */
#include "irq.h"

#include "cpu.h"
#include "segments.h"
#include "trap.h"

#define IRQ_EXCEPTIONS     32
#define IDT_INTERRUPT_GATE 0x8e /* P=1, DPL=0, 32-bit interrupt gate */

struct irq_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
} __attribute__((packed));
_Static_assert(sizeof(struct irq_gate) == 8, "IDT gate layout");

extern const uint32_t trap_stubs[IRQ_EXCEPTIONS];         /* lib/trap_entry.S */
extern const uint32_t irq_stubs[IRQ_VECTORS - IRQ_FIRST]; /* lib/irq_entry.S */
extern const char irq_nmi_stub[];                         /* lib/irq_entry.S */

volatile uint32_t irq_count[IRQ_VECTORS];
static irq_handler_t irq_handlers[IRQ_VECTORS];
static struct irq_gate irq_idt[IRQ_VECTORS] __attribute__((aligned(8)));

static void irq_set_gate(unsigned int vector, uint32_t addr)
{
	irq_idt[vector] = (struct irq_gate){
		.offset_low = addr & 0xffff,
		.selector = GUEST_CS,
		.type_attr = IDT_INTERRUPT_GATE,
		.offset_high = addr >> 16,
	};
}

void irq_init(void)
{
	struct desc_ptr idtr = {
		.limit = sizeof(irq_idt) - 1,
		.base = (uint32_t)irq_idt,
	};
	unsigned int v;

	for (v = 0; v < IRQ_EXCEPTIONS; v++)
		irq_set_gate(v, trap_stubs[v]);
	for (v = IRQ_FIRST; v < IRQ_VECTORS; v++)
		irq_set_gate(v, irq_stubs[v - IRQ_FIRST]);
	lidt(&idtr);
}

void irq_set_stub(unsigned int vector, const void *stub)
{
	if (vector < IRQ_VECTORS)
		irq_set_gate(vector, (uint32_t)stub);
}

void irq_route_nmi(void)
{
	irq_set_gate(IRQ_VECTOR_NMI, (uint32_t)irq_nmi_stub);
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
	if (vector < IRQ_VECTORS)
		irq_handlers[vector] = fn;
}

void irq_reset_counts(void)
{
	unsigned int v;

	for (v = 0; v < IRQ_VECTORS; v++)
		irq_count[v] = 0;
}

uint32_t irq_count_other(unsigned int skip_a, unsigned int skip_b)
{
	uint32_t sum = 0;
	unsigned int v;

	for (v = IRQ_FIRST; v < IRQ_VECTORS; v++)
		if (v != skip_a && v != skip_b)
			sum += irq_count[v];
	return sum;
}

bool irq_wait(unsigned int vector, uint32_t target, uint64_t tsc_budget)
{
	uint64_t start = rdtsc();
	bool reached;

	sti();
	while (!(reached = irq_count[vector] >= target) && rdtsc() - start < tsc_budget)
		pause();
	cli();
	return reached || irq_count[vector] >= target;
}

/* Called from irq_common (lib/irq_entry.S) only. */
void irq_dispatch(struct trap_frame *frame);

void irq_dispatch(struct trap_frame *frame)
{
	unsigned int v = frame->vector & 0xff;

	irq_count[v]++;
	if (irq_handlers[v])
		irq_handlers[v](v);
}
