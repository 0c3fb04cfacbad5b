// SPDX-License-Identifier: MIT
/*
 * cpuid.elf: what CPUID tells a Strata guest (SDM Vol. 2A "CPUID").
 *
 * Generic: basic leaf 0 and 1 sane and stable, extended range sane.
 * Strata-specific: hypervisor-present bit, VMX hidden, the hypervisor
 * leaf 0x40000000 with STRATA_CPUID_SIGNATURE.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "strata_hv.h"
#include "test.h"

#define CPUID_1_ECX_VMX        (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_1_EDX_FPU        (1u << 0)
#define CPUID_1_EDX_TSC        (1u << 4)
#define CPUID_1_EDX_MSR        (1u << 5)

const char guest_name[] = "cpuid";

static void cpuid_regs_to_str(char *out, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t w[3] = { a, b, c };
	int i;

	for (i = 0; i < 12; i++)
		out[i] = (char)(w[i / 4] >> (8 * (i % 4)));
	out[12] = '\0';
}

static bool cpuid_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void cpuid_basic(void)
{
	struct cpuid_regs r0 = cpuid(0, 0);
	struct cpuid_regs r1 = cpuid(1, 0);
	struct cpuid_regs again = cpuid(1, 0);
	uint32_t need = CPUID_1_EDX_FPU | CPUID_1_EDX_TSC | CPUID_1_EDX_MSR;
	uint32_t family = (r1.eax >> 8) & 0xf;
	char vendor[13];

	/* Leaf 0: vendor in EBX, EDX, ECX order. */
	cpuid_regs_to_str(vendor, r0.ebx, r0.edx, r0.ecx);
	test_info("cpuid max_basic=%#x vendor=%s family=%u model=%u", r0.eax, vendor, family,
		  (r1.eax >> 4) & 0xf);
	test_check(r0.eax >= 1 && r0.eax < 0x100, "cpuid_max_basic_leaf", "leaf 0 EAX=%#x", r0.eax);
	test_check(cpuid_printable(vendor), "cpuid_vendor_printable", "vendor bytes %#x %#x %#x",
		   r0.ebx, r0.edx, r0.ecx);
	test_check(family != 0, "cpuid_family", "leaf 1 EAX=%#x", r1.eax);
	test_check((r1.edx & need) == need, "cpuid_basic_features",
		   "leaf 1 EDX=%#x lacks FPU/TSC/MSR", r1.edx);
	test_check(again.eax == r1.eax && again.ecx == r1.ecx && again.edx == r1.edx,
		   "cpuid_stable", "leaf 1 changed between two reads");
	test_check_strata(r1.ecx & CPUID_1_ECX_HYPERVISOR, "cpuid_hypervisor_bit", "leaf 1 ECX=%#x",
			  r1.ecx);
	test_check_strata(!(r1.ecx & CPUID_1_ECX_VMX), "cpuid_vmx_hidden", "leaf 1 ECX=%#x has VMX",
			  r1.ecx);
}

static void cpuid_extended(void)
{
	struct cpuid_regs r = cpuid(0x80000000, 0);

	test_info("cpuid max_extended=%#x", r.eax);
	test_check(r.eax >= 0x80000000 && r.eax < 0x80000100, "cpuid_extended_range",
		   "leaf 0x80000000 EAX=%#x", r.eax);
}

static void cpuid_hypervisor(void)
{
	struct cpuid_regs r = cpuid(STRATA_CPUID_BASE, 0);
	const char *want = STRATA_CPUID_SIGNATURE;
	char sig[13];
	bool same = true;
	int i;

	_Static_assert(sizeof(STRATA_CPUID_SIGNATURE) - 1 == STRATA_CPUID_SIGNATURE_LEN,
		       "signature length");

	cpuid_regs_to_str(sig, r.ebx, r.ecx, r.edx);
	for (i = 0; i < STRATA_CPUID_SIGNATURE_LEN; i++)
		if (sig[i] != want[i])
			same = false;
	test_info("cpuid leaf %#x: eax=%#x signature=\"%s\"", STRATA_CPUID_BASE, r.eax,
		  cpuid_printable(sig) ? sig : "(binary)");
	test_check_strata(same, "cpuid_signature", "ebx=%#x ecx=%#x edx=%#x, want \"%s\"", r.ebx,
			  r.ecx, r.edx, want);
	test_check_strata(r.eax >= STRATA_CPUID_BASE && r.eax <= STRATA_CPUID_MAX_LEAF_LIMIT,
			  "cpuid_hypervisor_max_leaf", "eax=%#x", r.eax);
}

void guest_main(void)
{
	cpuid_basic();
	cpuid_extended();
	cpuid_hypervisor();
}
