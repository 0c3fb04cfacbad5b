// SPDX-License-Identifier: MIT
/*
 * Local APIC access in xAPIC (MMIO) or x2APIC (MSR) mode: lib/apic.h.
 */
#include "apic.h"

#include "msr.h"

bool apic_x2apic;

void apic_set_x2apic(bool on)
{
	apic_x2apic = on;
}

static volatile uint32_t *apic_reg(uint32_t reg)
{
	return (volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_PHYS + reg);
}

uint32_t apic_read(uint32_t reg)
{
	if (apic_x2apic)
		return (uint32_t)rdmsr(APIC_X2APIC_MSR(reg));
	return *apic_reg(reg);
}

void apic_write(uint32_t reg, uint32_t val)
{
	if (apic_x2apic)
		wrmsr(APIC_X2APIC_MSR(reg), val);
	else
		*apic_reg(reg) = val;
}

void apic_send_ipi(uint32_t dest, uint32_t lo)
{
	if (apic_x2apic) {
		/* One 64-bit MSR, destination in bits 63:32 (11.12.9). */
		wrmsr(APIC_X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | lo);
		return;
	}
	/* The write of the low dword sends it (11.6.1). */
	*apic_reg(APIC_ICR_HI) = dest << 24;
	*apic_reg(APIC_ICR_LO) = lo;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return apic_x2apic ? id : id >> 24;
}

bool apic_vector_bit(uint32_t base, unsigned int vector)
{
	return apic_read(base + (vector / 32) * 0x10) & (1u << (vector % 32));
}

void apic_sw_enable(uint8_t spurious)
{
	apic_write(APIC_SVR, APIC_SVR_ENABLE | spurious);
}

void apic_virtual_wire(void)
{
	apic_write(APIC_LVT_LINT0, APIC_LVT_DM_EXTINT);
	apic_write(APIC_LVT_LINT1, APIC_LVT_DM_NMI);
}
