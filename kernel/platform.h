/*
 * The machine as the firmware describes it (ACPI, with a PC fallback):
 * CPUs, interrupt controllers, timers and power control. Filled once on
 * the boot CPU by platform_init().
 */
#ifndef STRATA_PLATFORM_H
#define STRATA_PLATFORM_H

#include "kernel/acpi/acpi.h"
#include "kernel/include/strata/boot_info.h"

struct platform {
	struct acpi_info acpi; /* parsed tables, or the fallback */
	hpa_t lapic_phys;
	uint16_t pm_timer_port; /* 0: no ACPI PM timer */
	bool pm_timer_32bit;
};

extern struct platform platform;

/*
 * Parse the ACPI tables from `rsdp` (0: search the BIOS areas), falling
 * back to a one-CPU PC when they are missing or broken; logs what was
 * found and every table problem. Needs kmem.
 */
void platform_init(hpa_t rsdp, const struct boot_mem_region *map, size_t count);

/*
 * Fill pcpu_table from the MADT: the boot CPU (bsp_apic_id) first, then
 * every other enabled CPU in table order, up to MAX_CPUS.
 */
void platform_register_cpus(uint32_t bsp_apic_id);

#endif
