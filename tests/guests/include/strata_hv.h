/* SPDX-License-Identifier: MIT */
/*
 * What a guest sees of Strata: the values both sides must agree on.
 *
 * This header is shared by the test guests (tests/guests/) and the
 * hypervisor, so it holds plain #defines only and compiles on its own in
 * any environment (32-bit freestanding guest, 64-bit kernel, host tests).
 */
#ifndef STRATA_HV_H
#define STRATA_HV_H

/*
 * Hypervisor CPUID leaves (the range 0x40000000-0x4fffffff is reserved for
 * software use, SDM Vol. 2A CPUID "Hypervisor" note; same layout as KVM
 * and Xen). Leaf STRATA_CPUID_BASE returns:
 *   EAX = highest hypervisor leaf (>= STRATA_CPUID_BASE)
 *   EBX, ECX, EDX = the 12-byte signature, four bytes each, in that order
 *                   ("Stra", "taHV", "    " read as little-endian dwords).
 * Leaf 1 ECX bit 31 ("hypervisor present") is set; ECX bit 5 (VMX) is clear.
 */
#define STRATA_CPUID_BASE           0x40000000u
#define STRATA_CPUID_MAX_LEAF_LIMIT 0x400000ffu    /* sanity bound on EAX */
#define STRATA_CPUID_SIGNATURE      "StrataHV    " /* exactly 12 chars */
#define STRATA_CPUID_SIGNATURE_LEN  12

/* Test-exit port: a 32-bit OUT of V ends the VM ("exited code=V"). */
#define STRATA_EXIT_PORT 0xf4
#define STRATA_EXIT_PASS 0 /* every check passed */
#define STRATA_EXIT_FAIL 1 /* at least one check failed */

/* The 16550A UART (polled, no interrupts needed). */
#define STRATA_UART_BASE 0x3f8

/* The ACPI PM timer (FADT PM_TMR_BLK, 32 bits, 3.579545 MHz). */
#define STRATA_PM_TIMER_PORT 0x608

/*
 * Hypercalls: VMCALL with the number in EAX, arguments in EBX, ECX, EDX,
 * ESI; the result comes back in EAX and no other register changes (the
 * KVM convention). An unknown number returns an error code (a negative
 * errno such as -ENOSYS), never a fault.
 */
#define STRATA_HC_INVALID 0xffffffffu /* never assigned */
#define STRATA_HC_VERSION 0           /* -> (major << 16) | (minor << 8) | patch */
#define STRATA_HC_VCPU_ID 1           /* -> the calling vCPU's index */

/* Entry point of a flat (raw binary) guest: 16-bit real mode, CS:IP. */
#define STRATA_FLAT_LOAD_ADDR 0x7c00
#define STRATA_FLAT_ENTRY_CS  0x0000

#endif /* STRATA_HV_H */
