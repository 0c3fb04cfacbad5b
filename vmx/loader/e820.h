/*
 * The memory map a VM's guest sees: the PC "e820" map, named after the
 * BIOS service INT 15h, AX=E820h that reports it (ACPI 6.5 chapter 15,
 * "System Address Map Interfaces", for the call and its address range
 * types). The Linux loader (vmx/loader/bzimage.h) hands it over in the
 * zero page (e820_table, up to 128 entries).
 *
 * Guest RAM is one linear block, guest-physical [0, ram_size) (struct
 * guest_mem). The map of a VM of N bytes:
 *
 *   [0x00000000, 0x0009fc00)  RAM        conventional memory (639 KiB)
 *   [0x0009fc00, 0x00100000)  reserved   EBDA, VGA window, BIOS ROM area;
 *                                        the ACPI tables of guest_acpi.h
 *                                        live at 0xe0000 in here
 *   [0x00100000, N)           RAM        (absent when N is 1 MiB)
 *   [0xfec00000, 0xfec01000)  reserved   IOAPIC registers (82093AA)
 *   [0xfee00000, 0xfee01000)  reserved   local APIC registers (xAPIC)
 *
 * The RAM between 0x9fc00 and 1 MiB exists in guest_mem but is not given
 * to the guest, as on a PC. N may not exceed E820_RAM_MAX: RAM is linear
 * from 0, and above that address it would cover the APIC windows that
 * the hypervisor emulates.
 *
 * Pure logic: fills a caller's array, touches nothing else.
 */
#ifndef STRATA_VMX_LOADER_E820_H
#define STRATA_VMX_LOADER_E820_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/include/strata/types.h"

/* Address range types (ACPI 6.5 chapter 15; Linux's E820_TYPE_*). */
enum e820_type {
	E820_RAM = 1,
	E820_RESERVED = 2,
	E820_ACPI = 3, /* ACPI tables, reclaimable once read */
	E820_NVS = 4,  /* ACPI NVS: kept across sleep */
	E820_UNUSABLE = 5,
};

struct e820_entry {
	gpa_t addr;
	uint64_t size;
	uint32_t type; /* enum e820_type */
};

/* clang-format off */
#define E820_LOW_RAM_END    0x9fc00ULL    /* end of conventional memory */
#define E820_HIGH_RAM_START 0x100000ULL   /* 1 MiB */
#define E820_MIN_RAM        E820_HIGH_RAM_START
#define E820_IOAPIC_BASE    0xfec00000ULL /* 82093AA default base */
#define E820_IOAPIC_SIZE    0x1000ULL
#define E820_LAPIC_BASE     0xfee00000ULL /* IA32_APIC_BASE reset value */
#define E820_LAPIC_SIZE     0x1000ULL
#define E820_RAM_MAX        E820_IOAPIC_BASE /* guest RAM must end at or below */
#define E820_MAX_ENTRIES    5             /* entries e820_build() may write */
/* clang-format on */

/*
 * Fill map[0..max) with the memory map of a VM with ram_size bytes of RAM,
 * sorted by address, ranges disjoint. Returns the number of entries
 * written (at most E820_MAX_ENTRIES), -ERANGE if ram_size is below
 * E820_MIN_RAM or above E820_RAM_MAX, -ENOSPC if max is too small
 * (nothing useful is left in map then). Safe from any context.
 */
int e820_build(struct e820_entry *map, size_t max, uint64_t ram_size);

#endif
