// SPDX-License-Identifier: MIT
/*
 * vmxon.elf: VMX stays invisible to a guest (no nested virtualisation).
 *
 * Every VMX instruction raises #UD (Strata injects it on the VM exit the
 * instruction causes; without VMX operation the CPU raises it itself, so
 * the checks are generic), CR4.VMXE reads as 0 and setting it raises #GP
 * because CPUID reports no VMX (SDM Vol. 3A 2.5: reserved CR4 bits).
 * Only that last check is skipped in bare mode, where QEMU hangs on it.
 */
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "test.h"
#include "try.h"

const char guest_name[] = "vmxon";

/* VMXON region / VMCS operand / INVEPT descriptor: never used for real. */
static uint8_t vmx_region[4096] __attribute__((aligned(4096)));

static void vmx_expect_ud(const char *name, int vec)
{
	test_check(vec == TRAP_UD, name, "got %s, want #UD", trap_name(vec));
}

static void vmx_instructions(void)
{
	vmx_expect_ud("vmx_vmxon_ud", try_vmxon(vmx_region));
	vmx_expect_ud("vmx_vmptrld_ud", try_vmptrld(vmx_region));
	vmx_expect_ud("vmx_vmptrst_ud", try_vmptrst(vmx_region));
	vmx_expect_ud("vmx_vmclear_ud", try_vmclear(vmx_region));
	vmx_expect_ud("vmx_vmread_ud", try_vmread());
	vmx_expect_ud("vmx_vmwrite_ud", try_vmwrite());
	vmx_expect_ud("vmx_vmlaunch_ud", try_vmlaunch());
	vmx_expect_ud("vmx_vmresume_ud", try_vmresume());
	vmx_expect_ud("vmx_vmxoff_ud", try_vmxoff());
	vmx_expect_ud("vmx_invept_ud", try_invept(vmx_region));
	vmx_expect_ud("vmx_invvpid_ud", try_invvpid(vmx_region));
	vmx_expect_ud("vmx_vmfunc_ud", try_vmfunc());
}

static void vmx_cr4(void)
{
	uint32_t cr4 = read_cr4(), after;
	int vec;

	test_check(!(cr4 & X86_CR4_VMXE), "vmx_cr4_vmxe_clear", "CR4=%#x shows VMXE", cr4);

	if (guest_bare()) {
		/* QEMU 7.2's TCG spins on the MOV instead of raising #GP. */
		test_skip("vmx_cr4_vmxe_set_gp", "bare: not attempted");
		return;
	}
	vec = try_write_cr4(cr4 | X86_CR4_VMXE);
	after = read_cr4();
	if (after != cr4)
		try_write_cr4(cr4);
	test_check(vec == TRAP_GP && trap_last.error == 0 && !(after & X86_CR4_VMXE),
		   "vmx_cr4_vmxe_set_gp", "setting CR4.VMXE: %s error=%#x, CR4 then %#x",
		   trap_name(vec), trap_last.error, after);
}

void guest_main(void)
{
	vmx_instructions();
	vmx_cr4();
}
