/*
 * Exception reports and interrupt dispatch. An exception in hypervisor
 * code is a bug: the report names the vector, error code, CPU and
 * registers and walks the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer), then only the faulting CPU is parked.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/include/strata/boot_info.h"
#include "drivers/irq/i8259.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/lapic.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/log.h"
#include "kernel/mm/memlayout.h"
#include "kernel/panic.h"

#define BACKTRACE_DEPTH 16

static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD exception",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
};

static uint32_t current_cpu_index(void)
{
	/* GS_BASE is 0 before pcpu_load(): report CPU "?" as 0 then. */
	return cpu_rdmsr(MSR_GS_BASE) ? this_cpu()->index : 0;
}

/* A frame pointer worth following: canonical kernel address, aligned. */
static bool frame_ok(uint64_t rbp)
{
	return rbp && !(rbp & 7) && rbp >= DIRECT_MAP_BASE && rbp < UINT64_MAX - 16;
}

static void backtrace_from(uint64_t rip, uint64_t rbp)
{
	log_printf(LOG_ALWAYS, "  backtrace: %#llx", (unsigned long long)rip);
	for (int depth = 0; depth < BACKTRACE_DEPTH && frame_ok(rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
		uint64_t next = frame[0], ret = frame[1];

		if (ret < KERNEL_VIRT_BASE)
			break;
		log_printf(LOG_ALWAYS, "             %#llx", (unsigned long long)ret);
		if (next <= rbp) /* stacks grow down: callers live higher */
			break;
		rbp = next;
	}
}

static void dump_frame(const struct trap_frame *f)
{
	uint32_t vector = (uint32_t)f->vector;
	const char *name = vector < 32 && exception_names[vector] ? exception_names[vector]
								  : "interrupt";

	log_printf(LOG_ALWAYS, "EXCEPTION on cpu %u: vector %u (%s) error=%#llx",
		   current_cpu_index(), vector, name, (unsigned long long)f->error_code);
	log_printf(LOG_ALWAYS, "  rip=%016llx cs=%04llx rflags=%08llx rsp=%016llx ss=%04llx",
		   (unsigned long long)f->rip, (unsigned long long)f->cs,
		   (unsigned long long)f->rflags, (unsigned long long)f->rsp,
		   (unsigned long long)f->ss);
	log_printf(LOG_ALWAYS, "  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx",
		   (unsigned long long)f->rax, (unsigned long long)f->rbx,
		   (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	log_printf(LOG_ALWAYS, "  rsi=%016llx rdi=%016llx rbp=%016llx r8 =%016llx",
		   (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		   (unsigned long long)f->rbp, (unsigned long long)f->r8);
	log_printf(LOG_ALWAYS, "  r9 =%016llx r10=%016llx r11=%016llx r12=%016llx",
		   (unsigned long long)f->r9, (unsigned long long)f->r10,
		   (unsigned long long)f->r11, (unsigned long long)f->r12);
	log_printf(LOG_ALWAYS, "  r13=%016llx r14=%016llx r15=%016llx", (unsigned long long)f->r13,
		   (unsigned long long)f->r14, (unsigned long long)f->r15);
	log_printf(LOG_ALWAYS, "  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx",
		   (unsigned long long)cpu_read_cr0(), (unsigned long long)cpu_read_cr2(),
		   (unsigned long long)cpu_read_cr3(), (unsigned long long)cpu_read_cr4());
	backtrace_from(f->rip, f->rbp);
}

static __attribute__((noreturn)) void park_this_cpu(void)
{
	if (cpu_rdmsr(MSR_GS_BASE))
		this_cpu()->state = CPU_PARKED;
	log_printf(LOG_ALWAYS, "cpu %u parked", current_cpu_index());
	cpu_halt_forever();
}

void trap_dispatch(struct trap_frame *frame)
{
	irq_handler_t handler;

	if (frame->vector < 32) {
		dump_frame(frame);
		park_this_cpu();
	}
	handler = idt_handler((uint8_t)frame->vector);
	if (handler) {
		handler(frame);
		return;
	}
	/* Spurious interrupts must not be acknowledged (SDM Vol. 3A 10.9). */
	if (frame->vector != VECTOR_SPURIOUS && !i8259_is_spurious_vector(frame->vector)) {
		log_warn("cpu %u: unexpected interrupt vector %llu", current_cpu_index(),
			 (unsigned long long)frame->vector);
		lapic_eoi();
	}
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	cpu_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_printf(LOG_ALWAYS, "PANIC on cpu %u: %s", current_cpu_index(), msg);
	backtrace_from((uint64_t)(uintptr_t)__builtin_return_address(0), cpu_read_rbp());
	park_this_cpu();
}
