/*
 * Privileged x86-64 instructions as commented static inline helpers. This
 * header and vmx/vmx_ops.h are the only C places with inline asm.
 */
#ifndef STRATA_CPU_H
#define STRATA_CPU_H

#include "kernel/include/strata/types.h"

/* Control register bits (SDM Vol. 3A 2.5). */
#define CR0_PE         (1UL << 0)
#define CR0_MP         (1UL << 1)
#define CR0_EM         (1UL << 2)
#define CR0_TS         (1UL << 3)
#define CR0_NE         (1UL << 5)
#define CR0_WP         (1UL << 16)
#define CR0_PG         (1UL << 31)
#define CR4_PAE        (1UL << 5)
#define CR4_PGE        (1UL << 7)
#define CR4_OSFXSR     (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_VMXE       (1UL << 13)
#define CR4_OSXSAVE    (1UL << 18)

#define RFLAGS_IF (1UL << 9)

/* MSRs (SDM Vol. 4). */
#define MSR_IA32_APIC_BASE               0x0000001b
#define MSR_IA32_FEATURE_CONTROL         0x0000003a
#define MSR_IA32_TSC_DEADLINE            0x000006e0
#define MSR_IA32_VMX_BASIC               0x00000480
#define MSR_IA32_VMX_PROCBASED_CTLS2     0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP        0x0000048c
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_EFER                    0xc0000080
#define MSR_FS_BASE                      0xc0000100
#define MSR_GS_BASE                      0xc0000101
#define MSR_KERNEL_GS_BASE               0xc0000102

#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)

static inline void cpu_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t cpu_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t cpu_inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t cpu_inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t cpu_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Serialising on Intel only with lfence before it; fine for calibration. */
static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * RDRAND: a hardware random number, or false when the CPU's generator
 * had none ready (CF = 0; SDM Vol. 1, 7.3.17 "Random Number Generator
 * Instructions"). The caller checks CPUID.1:ECX.RDRAND[bit 30] first.
 */
static inline bool cpu_rdrand(uint64_t *out)
{
	bool ok;

	__asm__ volatile("rdrand %0" : "=r"(*out), "=@ccc"(ok));
	return ok;
}

static inline uint64_t cpu_read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void cpu_write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t cpu_read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t cpu_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Loading CR3 flushes non-global TLB entries (SDM Vol. 3A 4.10.4.1). */
static inline void cpu_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t cpu_read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void cpu_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void cpu_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t cpu_read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cpu_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void cpu_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/* sti takes effect after the next instruction, so "sti; hlt" cannot miss a wake-up. */
static inline void cpu_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static inline void cpu_lgdt(const void *desc)
{
	__asm__ volatile("lgdt (%0)" : : "r"(desc) : "memory");
}

static inline void cpu_lidt(const void *desc)
{
	__asm__ volatile("lidt (%0)" : : "r"(desc) : "memory");
}

static inline void cpu_ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

static inline uint64_t cpu_read_rbp(void)
{
	uint64_t v;

	__asm__ volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

#endif
