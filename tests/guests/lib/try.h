/* SPDX-License-Identifier: MIT */
/*
 * Instructions the tests expect may fault, each wrapped with TRAP_TRY()
 * (lib/trap.h). Every helper returns the vector it raised, or TRAP_NONE.
 */
#ifndef GUEST_TRY_H
#define GUEST_TRY_H

#include <stdint.h>

#include "trap.h"

/* RDMSR (SDM Vol. 2B): #GP(0) for a reserved or unimplemented MSR. */
static inline int try_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	trap_arm();
	asm volatile(TRAP_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return trap_vector();
}

/* WRMSR (SDM Vol. 2B): #GP(0) for a reserved MSR or a reserved bit. */
static inline int try_wrmsr(uint32_t msr, uint64_t val)
{
	trap_arm();
	asm volatile(TRAP_TRY("wrmsr")
		     :
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : "memory");
	return trap_vector();
}

/* MOV to CR4: #GP(0) when setting a bit CPUID says is reserved. */
static inline int try_write_cr4(uint32_t val)
{
	trap_arm();
	asm volatile(TRAP_TRY("mov %0, %%cr4") : : "r"(val) : "memory");
	return trap_vector();
}

/* Registers of a hypercall; all six are loaded and read back. */
struct vmcall_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi;
};

/* VMCALL; #UD outside VMX non-root operation (SDM Vol. 2B "VMCALL"). */
static inline int try_vmcall(struct vmcall_regs *r)
{
	trap_arm();
	asm volatile(TRAP_TRY("vmcall")
		     : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx), "+S"(r->esi),
		       "+D"(r->edi)
		     :
		     : "memory");
	return trap_vector();
}

/*
 * VMX instructions (SDM Vol. 3C 25.1.2, 26.1.2: each causes a VM exit
 * in VMX non-root operation, except VMFUNC; outside VMX operation each
 * but VMXON raises #UD, and VMXON does with CR4.VMXE clear). A guest of
 * Strata must see #UD from all of them. The memory operands point at a
 * 4 KiB-aligned zeroed region; if an instruction ran for real nothing
 * useful would happen, which the test reports.
 */
#define TRY_VMX_MEM(fn, insn)                                                          \
	static inline int fn(void *region)                                             \
	{                                                                              \
		trap_arm();                                                            \
		asm volatile(TRAP_TRY(insn " (%0)") : : "r"(region) : "memory", "cc"); \
		return trap_vector();                                                  \
	}

#define TRY_VMX_NONE(fn, insn)                                     \
	static inline int fn(void)                                 \
	{                                                          \
		trap_arm();                                        \
		asm volatile(TRAP_TRY(insn) : : : "memory", "cc"); \
		return trap_vector();                              \
	}

TRY_VMX_MEM(try_vmxon, "vmxon")
TRY_VMX_MEM(try_vmptrld, "vmptrld")
TRY_VMX_MEM(try_vmptrst, "vmptrst")
TRY_VMX_MEM(try_vmclear, "vmclear")
TRY_VMX_NONE(try_vmxoff, "vmxoff")
TRY_VMX_NONE(try_vmlaunch, "vmlaunch")
TRY_VMX_NONE(try_vmresume, "vmresume")

/* VMFUNC leaf 0 (EPTP switching); #UD unless VM functions are enabled. */
static inline int try_vmfunc(void)
{
	uint32_t leaf = 0, index = 0;

	trap_arm();
	asm volatile(TRAP_TRY("vmfunc") : "+a"(leaf), "+c"(index) : : "memory", "cc");
	return trap_vector();
}

/* VMREAD field 0x6c16 (HOST_RIP) into a register. */
static inline int try_vmread(void)
{
	uint32_t field = 0x6c16, val = 0;

	trap_arm();
	asm volatile(TRAP_TRY("vmread %1, %0") : "+r"(val) : "r"(field) : "memory", "cc");
	return trap_vector();
}

/* VMWRITE of 0 to field 0x6c16 (HOST_RIP). */
static inline int try_vmwrite(void)
{
	uint32_t field = 0x6c16, val = 0;

	trap_arm();
	asm volatile(TRAP_TRY("vmwrite %1, %0") : : "r"(field), "r"(val) : "memory", "cc");
	return trap_vector();
}

/* INVEPT / INVVPID type 2 (all contexts) with a zeroed descriptor. */
static inline int try_invept(void *desc)
{
	uint32_t type = 2;

	trap_arm();
	asm volatile(TRAP_TRY("invept (%0), %1") : : "r"(desc), "r"(type) : "memory", "cc");
	return trap_vector();
}

static inline int try_invvpid(void *desc)
{
	uint32_t type = 2;

	trap_arm();
	asm volatile(TRAP_TRY("invvpid (%0), %1") : : "r"(desc), "r"(type) : "memory", "cc");
	return trap_vector();
}

#endif /* GUEST_TRY_H */
