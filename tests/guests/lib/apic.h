/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (Intel SDM Vol. 3A chapter 11; section numbers below are
 * that chapter's) in xAPIC mode, through its MMIO page at 0xfee00000, or
 * in x2APIC mode, through MSRs 0x800 + offset / 16 (11.12.1.2). The
 * register offsets are the xAPIC ones; apic_read() and apic_write() pick
 * the access path from the mode apic_set_x2apic() last set.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_DEFAULT_PHYS 0xfee00000u /* 11.4.1 */

/* IA32_APIC_BASE (11.4.4, Figure 11-5). */
#define APIC_BASE_BSP  (1u << 8)
#define APIC_BASE_EXTD (1u << 10) /* x2APIC mode */
#define APIC_BASE_EN   (1u << 11)
#define APIC_BASE_ADDR 0xfffff000u

/* Register offsets (Table 11-1). */
#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_PPR       0x0a0
#define APIC_EOI       0x0b0
#define APIC_LDR       0x0d0
#define APIC_DFR       0x0e0
#define APIC_SVR       0x0f0
#define APIC_ISR       0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR       0x180
#define APIC_IRR       0x200
#define APIC_ESR       0x280
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_ICR 0x380 /* initial count */
#define APIC_TIMER_CCR 0x390 /* current count */
#define APIC_TIMER_DCR 0x3e0 /* divide configuration */
#define APIC_SELF_IPI  0x3f0 /* x2APIC only (11.12.11) */

#define APIC_X2APIC_MSR(reg) (0x800u + ((reg) >> 4))

#define APIC_SVR_ENABLE 0x100 /* 11.9 */

/* LVT (11.5.1, Figure 11-8). */
#define APIC_LVT_MASKED             (1u << 16)
#define APIC_LVT_DM_EXTINT          (7u << 8)
#define APIC_LVT_DM_NMI             (4u << 8)
#define APIC_LVT_TIMER_ONESHOT      (0u << 17)
#define APIC_LVT_TIMER_PERIODIC     (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)

#define APIC_DCR_DIV1  0xb /* 11.5.4, Figure 11-10 */
#define APIC_DCR_DIV16 0x3

/* ICR (11.6.1, Figure 11-12). */
#define APIC_ICR_FIXED     (0u << 8)
#define APIC_ICR_NMI       (4u << 8)
#define APIC_ICR_INIT      (5u << 8)
#define APIC_ICR_SIPI      (6u << 8)
#define APIC_ICR_BUSY      (1u << 12) /* delivery status, xAPIC only */
#define APIC_ICR_ASSERT    (1u << 14)
#define APIC_ICR_LEVEL     (1u << 15)
#define APIC_ICR_SH_SELF   (1u << 18)
#define APIC_ICR_SH_ALL    (2u << 18)
#define APIC_ICR_SH_OTHERS (3u << 18)

/* CPUID leaf 1 feature bits. */
#define CPUID_1_EDX_APIC         (1u << 9)
#define CPUID_1_ECX_X2APIC       (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/* True once apic_set_x2apic(true): accesses go through MSRs. */
extern bool apic_x2apic;

/* Choose the access path (does not touch IA32_APIC_BASE). */
void apic_set_x2apic(bool on);

uint32_t apic_read(uint32_t reg);
void apic_write(uint32_t reg, uint32_t val);

/* ICR: destination APIC ID and the low dword (vector, mode, shorthand). */
void apic_send_ipi(uint32_t dest, uint32_t lo);

/* Write EOI (0). */
void apic_eoi(void);

/* This APIC's ID: bits 31:24 of the register in xAPIC mode, all 32 in x2APIC. */
uint32_t apic_id(void);

/* Bit @vector of the ISR, IRR or TMR bank at @base (APIC_ISR ...). */
bool apic_vector_bit(uint32_t base, unsigned int vector);

/* Software-enable the APIC with spurious vector @spurious (SVR). */
void apic_sw_enable(uint8_t spurious);

/*
 * Virtual-wire mode as a BIOS leaves it (MP spec 3.6.2.2): LINT0 ExtINT,
 * LINT1 NMI, both unmasked, so the 8259's INTR reaches the CPU. Needs the
 * APIC software-enabled (LVT writes cannot unmask otherwise, 11.4.7.2).
 */
void apic_virtual_wire(void);

#endif /* GUEST_APIC_H */
