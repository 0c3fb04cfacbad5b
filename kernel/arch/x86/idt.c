#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/percpu.h"

#define IDT_VECTORS    256
#define TRAP_STUB_SIZE 16 /* isr.S aligns each stub to 16 bytes */

/* 64-bit interrupt gate (SDM Vol. 3A 6.14.1, Figure 6-8). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

extern char trap_stubs_start[];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[IDT_VECTORS];

static void idt_set_gate(unsigned vector, uint8_t ist)
{
	uint64_t addr = (uint64_t)(uintptr_t)(trap_stubs_start + vector * TRAP_STUB_SIZE);

	idt[vector] = (struct idt_gate){
		.offset_low = addr & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++)
		idt_set_gate(v, 0);
	/* A fault while the stack is bad must still be reported (SDM Vol. 3A 6.14.5). */
	idt_set_gate(2, IST_NMI);
	idt_set_gate(8, IST_DOUBLE_FAULT);
	idt_set_gate(18, IST_MACHINE_CHECK);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	cpu_lidt(&idtr);
}

void idt_set_handler(uint8_t vector, irq_handler_t handler)
{
	irq_handlers[vector] = handler;
}

irq_handler_t idt_handler(uint8_t vector)
{
	return irq_handlers[vector];
}
