/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC at 0xfec00000 (Intel 82093AA datasheet, 3.1 and 3.2): two
 * memory-mapped registers, IOREGSEL (index) and IOWIN (data), in front of
 * the ID, version, arbitration and redirection-table registers.
 */
#ifndef GUEST_IOAPIC_H
#define GUEST_IOAPIC_H

#include <stdint.h>

#define IOAPIC_PHYS     0xfec00000u
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN    0x10

#define IOAPIC_REG_ID     0x00
#define IOAPIC_REG_VER    0x01
#define IOAPIC_REG_ARB    0x02
#define IOAPIC_REG_REDTBL 0x10 /* pin n: 0x10 + 2n (low), 0x11 + 2n (high) */

/* Redirection entry, low dword (3.2.4). */
#define IOAPIC_RTE_LOWEST     (1u << 8)
#define IOAPIC_RTE_LOGICAL    (1u << 11)
#define IOAPIC_RTE_STATUS     (1u << 12) /* read-only */
#define IOAPIC_RTE_LOW_ACTIVE (1u << 13)
#define IOAPIC_RTE_REMOTE_IRR (1u << 14) /* read-only */
#define IOAPIC_RTE_LEVEL      (1u << 15)
#define IOAPIC_RTE_MASKED     (1u << 16)
#define IOAPIC_RTE_DEST_SHIFT 24 /* in the high dword */

static inline volatile uint32_t *ioapic_mmio(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(IOAPIC_PHYS + off);
}

static inline uint32_t ioapic_read(uint8_t index)
{
	*ioapic_mmio(IOAPIC_IOREGSEL) = index;
	return *ioapic_mmio(IOAPIC_IOWIN);
}

static inline void ioapic_write(uint8_t index, uint32_t val)
{
	*ioapic_mmio(IOAPIC_IOREGSEL) = index;
	*ioapic_mmio(IOAPIC_IOWIN) = val;
}

/* Pin @pin's entry: @low (vector, mode, mask...) to APIC ID @dest. */
static inline void ioapic_set_rte(unsigned int pin, uint32_t low, uint8_t dest)
{
	/* Masked while the halves disagree, as Linux does. */
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, IOAPIC_RTE_MASKED);
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin + 1, (uint32_t)dest << IOAPIC_RTE_DEST_SHIFT);
	ioapic_write(IOAPIC_REG_REDTBL + 2 * pin, low);
}

#endif /* GUEST_IOAPIC_H */
