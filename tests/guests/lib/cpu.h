/* SPDX-License-Identifier: MIT */
/*
 * Privileged and timing instructions for the test guests, one commented
 * inline helper each. Instructions that are *expected* to fault live in
 * try.h instead; everything here must not fault on a correct platform.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdint.h>

#define X86_CR0_PE    (1u << 0)
#define X86_CR0_PG    (1u << 31)
#define X86_CR4_VMXE  (1u << 13)
#define X86_EFLAGS_IF (1u << 9)

/* Port I/O (SDM Vol. 2B "IN", "OUT"); the DX form reaches every port. */
static inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t val)
{
	asm volatile("outw %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t val)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t val;

	asm volatile("inw %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t val;

	asm volatile("inl %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

/* String input of @count bytes (INS with REP, SDM Vol. 2A "INS"). */
static inline void insb(uint16_t port, void *buf, uint32_t count)
{
	asm volatile("cld; rep insb" : "+D"(buf), "+c"(count) : "d"(port) : "memory");
}

/* String output of @count bytes (OUTS with REP, SDM Vol. 2B "OUTS"). */
static inline void outsb(uint16_t port, const void *buf, uint32_t count)
{
	asm volatile("cld; rep outsb" : "+S"(buf), "+c"(count) : "d"(port) : "memory");
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* CPUID with a subleaf; always exits to the hypervisor under VMX. */
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

/* Time-stamp counter; not serialising, fine for monotonicity checks. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t read_cr0(void)
{
	uint32_t val;

	asm volatile("mov %%cr0, %0" : "=r"(val));
	return val;
}

static inline uint32_t read_cr4(void)
{
	uint32_t val;

	asm volatile("mov %%cr4, %0" : "=r"(val));
	return val;
}

static inline uint32_t read_eflags(void)
{
	uint32_t val;

	asm volatile("pushfl; popl %0" : "=r"(val));
	return val;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

/* Wait for an interrupt; with IF=0 only NMI/SMI/INIT can end it. */
static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline void pause(void)
{
	asm volatile("pause");
}

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint32_t base;
};

static inline void lidt(const struct desc_ptr *dp)
{
	asm volatile("lidt %0" : : "m"(*dp) : "memory");
}

/* A breakpoint trap (vector 3, INT3). */
static inline void int3(void)
{
	asm volatile("int3" : : : "memory");
}

#endif /* GUEST_CPU_H */
