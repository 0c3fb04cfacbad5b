#include <errno.h>
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/mm/kmem.h"

struct pcpu pcpu_table[MAX_CPUS];
uint32_t pcpu_count;

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Flat 64-bit code and data descriptors (SDM Vol. 3A 3.4.5, 5.2.1). */
#define GDT_CODE64 0x00af9a000000ffffULL
#define GDT_DATA   0x00cf92000000ffffULL

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	/* Type 9 = available 64-bit TSS, present (SDM Vol. 3A 7.2.3). */
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

int pcpu_setup_stacks(struct pcpu *p)
{
	for (int ist = IST_DOUBLE_FAULT; ist <= IST_MACHINE_CHECK; ist++) {
		uint8_t *stack = kmem_alloc_pages(CPU_IST_STACK_SIZE / PAGE_SIZE);

		if (!stack)
			return -ENOMEM;
		p->tss.ist[ist - 1] = (uint64_t)(uintptr_t)(stack + CPU_IST_STACK_SIZE);
	}
	p->tss.rsp[0] = p->stack_top;
	/* No I/O permission bitmap: the base points past the TSS limit. */
	p->tss.iomap_base = sizeof(struct tss64);
	return 0;
}

void pcpu_load(struct pcpu *p)
{
	struct descriptor_ptr gdtr;

	p->self = p;
	p->gdt[0] = 0;
	p->gdt[GDT_KERNEL_CS / 8] = GDT_CODE64;
	p->gdt[GDT_KERNEL_DS / 8] = GDT_DATA;
	gdt_set_tss(p->gdt, &p->tss);

	gdtr.limit = sizeof(p->gdt) - 1;
	gdtr.base = (uint64_t)(uintptr_t)p->gdt;
	cpu_lgdt(&gdtr);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %1, %%eax\n\t"
			 "mov %%eax, %%ds\n\t"
			 "mov %%eax, %%es\n\t"
			 "mov %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "mov %%eax, %%fs\n\t"
			 "mov %%eax, %%gs\n\t"
			 :
			 : "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS)
			 : "rax", "memory");
	cpu_ltr(GDT_TSS);
	cpu_wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
	idt_load();
}

uint32_t pcpu_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < pcpu_count; i++)
		n += pcpu_table[i].state == CPU_ONLINE;
	return n;
}
