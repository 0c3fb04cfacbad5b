/*
 * The guest memory map: see e820.h for the layout and why it looks so.
 */
#include <errno.h>

#include "vmx/loader/e820.h"

_Static_assert(E820_LOW_RAM_END < E820_HIGH_RAM_START, "the PC hole is not empty");
_Static_assert(E820_IOAPIC_BASE + E820_IOAPIC_SIZE <= E820_LAPIC_BASE, "APIC windows in order");

static int e820_add(struct e820_entry *map, size_t max, size_t *n, gpa_t addr, uint64_t size,
		    enum e820_type type)
{
	if (*n >= max)
		return -ENOSPC;
	map[(*n)++] = (struct e820_entry){ .addr = addr, .size = size, .type = type };
	return 0;
}

int e820_build(struct e820_entry *map, size_t max, uint64_t ram_size)
{
	size_t n = 0;
	int ret;

	if (ram_size < E820_MIN_RAM || ram_size > E820_RAM_MAX)
		return -ERANGE;
	if (!map)
		return -ENOSPC;
	ret = e820_add(map, max, &n, 0, E820_LOW_RAM_END, E820_RAM);
	if (!ret)
		ret = e820_add(map, max, &n, E820_LOW_RAM_END,
			       E820_HIGH_RAM_START - E820_LOW_RAM_END, E820_RESERVED);
	if (!ret && ram_size > E820_HIGH_RAM_START)
		ret = e820_add(map, max, &n, E820_HIGH_RAM_START, ram_size - E820_HIGH_RAM_START,
			       E820_RAM);
	/*
	 * The APIC windows are not RAM on any PC; listing them keeps an OS
	 * from placing PCI BARs over them (Linux also marks the LAPIC busy
	 * itself, not always the IOAPIC).
	 */
	if (!ret)
		ret = e820_add(map, max, &n, E820_IOAPIC_BASE, E820_IOAPIC_SIZE, E820_RESERVED);
	if (!ret)
		ret = e820_add(map, max, &n, E820_LAPIC_BASE, E820_LAPIC_SIZE, E820_RESERVED);
	return ret ? ret : (int)n;
}
