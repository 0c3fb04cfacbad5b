#include <errno.h>

#include "drivers/pci/msi.h"
#include "kernel/mm/kmem.h"

/* 6.8.2.3 Message Control, 6.8.2.4 Table Offset/BIR, 6.8.2.6-9 table entries. */
#define MSIX_CONTROL          2
#define MSIX_TABLE            4
#define MSIX_CONTROL_ENABLE   0x8000
#define MSIX_CONTROL_MASK_ALL 0x4000
#define MSIX_CONTROL_SIZE     0x07ff
#define MSIX_ENTRY_SIZE       16
#define MSIX_ENTRY_ADDR_LO    0
#define MSIX_ENTRY_ADDR_HI    4
#define MSIX_ENTRY_DATA       8
#define MSIX_ENTRY_CONTROL    12
#define MSIX_ENTRY_MASKED     1

/* SDM Vol. 3A, 11.11.1 "Message Address Register Format": physical destination. */
#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_DEST_SHIFT   12

int pci_msix_route(const struct pci_device *d, unsigned entry, uint8_t vector, uint32_t apic_id)
{
	uint8_t cap = pci_find_capability(d, PCI_CAP_ID_MSIX, 0);
	uint16_t control;
	uint32_t table;
	const struct pci_bar *bar;
	unsigned entries;
	volatile uint32_t *t;

	if (!cap)
		return -ENODEV;
	control = pci_read16(d, cap + MSIX_CONTROL);
	entries = (control & MSIX_CONTROL_SIZE) + 1u;
	table = pci_read32(d, cap + MSIX_TABLE);
	bar = &d->bars[table & 7];
	if (entry >= entries || apic_id > 0xff)
		return -ENODEV;
	if ((bar->kind != PCI_BAR_MEM32 && bar->kind != PCI_BAR_MEM64) || !bar->base ||
	    (table & ~7u) + (uint64_t)entries * MSIX_ENTRY_SIZE > bar->size)
		return -ENXIO;
	t = kmem_map_mmio(bar->base + (table & ~7u), (uint64_t)entries * MSIX_ENTRY_SIZE);
	if (!t)
		return -ENXIO;
	/* Program with the function masked, so no half-written entry can fire. */
	pci_write16(d, cap + MSIX_CONTROL, control | MSIX_CONTROL_ENABLE | MSIX_CONTROL_MASK_ALL);
	for (unsigned i = 0; i < entries; i++)
		t[i * 4 + MSIX_ENTRY_CONTROL / 4] = MSIX_ENTRY_MASKED;
	t[entry * 4 + MSIX_ENTRY_ADDR_LO / 4] = MSI_ADDRESS_BASE | apic_id << MSI_DEST_SHIFT;
	t[entry * 4 + MSIX_ENTRY_ADDR_HI / 4] = 0;
	t[entry * 4 + MSIX_ENTRY_DATA / 4] = vector; /* fixed delivery, edge */
	t[entry * 4 + MSIX_ENTRY_CONTROL / 4] = 0;
	pci_write16(d, cap + MSIX_CONTROL,
		    (control | MSIX_CONTROL_ENABLE) & ~MSIX_CONTROL_MASK_ALL);
	return 0;
}
