/*
 * VMX instructions as inline helpers (SDM Vol. 3C chapter 31 "VMX
 * Instruction Reference"). Every instruction reports VMfailInvalid (CF=1)
 * or VMfailValid (ZF=1, reason in VM_INSTRUCTION_ERROR); the helpers
 * return true on success only, through flag outputs. The vmcs_read and
 * vmcs_write macros check the field width against the encoding at
 * compile time (SDM Vol. 3C 25.11.2), as KVM's vmx_ops.h does.
 */
#ifndef STRATA_VMX_OPS_H
#define STRATA_VMX_OPS_H

#include "kernel/include/strata/types.h"
#include "vmx/vmcs.h"

static inline bool vmx_vmxon(hpa_t region)
{
	bool ok;

	__asm__ volatile("vmxon %[pa]" : "=@cca"(ok) : [pa] "m"(region) : "memory", "cc");
	return ok;
}

static inline void vmx_vmxoff(void)
{
	__asm__ volatile("vmxoff" : : : "memory", "cc");
}

static inline bool vmx_vmclear(hpa_t vmcs)
{
	bool ok;

	__asm__ volatile("vmclear %[pa]" : "=@cca"(ok) : [pa] "m"(vmcs) : "memory", "cc");
	return ok;
}

static inline bool vmx_vmptrld(hpa_t vmcs)
{
	bool ok;

	__asm__ volatile("vmptrld %[pa]" : "=@cca"(ok) : [pa] "m"(vmcs) : "memory", "cc");
	return ok;
}

static inline bool vmx_vmread(unsigned long field, uint64_t *value)
{
	bool ok;

	__asm__ volatile("vmread %[f], %[v]"
			 : "=@cca"(ok), [v] "=rm"(*value)
			 : [f] "r"(field)
			 : "cc");
	return ok;
}

static inline bool vmx_vmwrite(unsigned long field, uint64_t value)
{
	bool ok;

	__asm__ volatile("vmwrite %[v], %[f]"
			 : "=@cca"(ok)
			 : [f] "r"(field), [v] "rm"(value)
			 : "cc");
	return ok;
}

/* INVEPT/INVVPID descriptors and types (SDM Vol. 3C 31 INVEPT, INVVPID). */
#define INVEPT_SINGLE_CONTEXT  1
#define INVEPT_ALL_CONTEXT     2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT    2

static inline bool vmx_invept(unsigned long type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = { eptp, 0 };
	bool ok;

	__asm__ volatile("invept %[d], %[t]"
			 : "=@cca"(ok)
			 : [d] "m"(desc), [t] "r"(type)
			 : "memory", "cc");
	return ok;
}

static inline bool vmx_invvpid(unsigned long type, uint16_t vpid, uint64_t gva)
{
	struct {
		uint64_t vpid, gva;
	} desc = { vpid, gva };
	bool ok;

	__asm__ volatile("invvpid %[d], %[t]"
			 : "=@cca"(ok)
			 : [d] "m"(desc), [t] "r"(type)
			 : "memory", "cc");
	return ok;
}

/*
 * Checked VMCS access on the current VMCS. A failure is a hypervisor bug
 * (wrong field for this CPU, no current VMCS): vmcs_fail() reports the
 * field, VM_INSTRUCTION_ERROR and the caller, then panics.
 */
__attribute__((noreturn)) void vmcs_fail(const char *op, unsigned long field, const void *caller);

static inline uint64_t vmcs_read_raw(unsigned long field)
{
	uint64_t v;

	if (__builtin_expect(!vmx_vmread(field, &v), 0))
		vmcs_fail("vmread", field, __builtin_return_address(0));
	return v;
}

static inline void vmcs_write_raw(unsigned long field, uint64_t v)
{
	if (__builtin_expect(!vmx_vmwrite(field, v), 0))
		vmcs_fail("vmwrite", field, __builtin_return_address(0));
}

#define VMCS_CHECK_WIDTH(f, w) \
	_Static_assert(VMCS_FIELD_WIDTH(f) == (w), #f " is not a " #w " field")

#define vmcs_read16(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); \
		(uint16_t) vmcs_read_raw(f);        \
	})
#define vmcs_read32(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); \
		(uint32_t) vmcs_read_raw(f);        \
	})
#define vmcs_read64(f)                              \
	({                                          \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); \
		vmcs_read_raw(f);                   \
	})
#define vmcs_readl(f)                                    \
	({                                               \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); \
		vmcs_read_raw(f);                        \
	})

#define vmcs_write16(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); \
		vmcs_write_raw(f, (uint16_t)(v));   \
	} while (0)
#define vmcs_write32(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); \
		vmcs_write_raw(f, (uint32_t)(v));   \
	} while (0)
#define vmcs_write64(f, v)                          \
	do {                                        \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); \
		vmcs_write_raw(f, (uint64_t)(v));   \
	} while (0)
#define vmcs_writel(f, v)                                \
	do {                                             \
		VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); \
		vmcs_write_raw(f, (uint64_t)(v));        \
	} while (0)

#endif
