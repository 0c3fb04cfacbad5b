/*
 * MSI-X (PCI Local Bus Specification 3.0, 6.8.2): a device's interrupt
 * as a memory write to a local APIC, without the IOAPIC. Strata uses it
 * only to wake the boot CPU when a management NIC has work; devices
 * without MSI-X are polled (legacy INTx would need the ACPI namespace's
 * _PRT routing, which Strata does not interpret).
 */
#ifndef STRATA_DRIVERS_PCI_MSI_H
#define STRATA_DRIVERS_PCI_MSI_H

#include <stdint.h>

#include "drivers/pci/pci.h"

/*
 * Enable MSI-X on `d` with table entry `entry` delivering `vector` to the
 * local APIC `apic_id` (fixed, edge), every other entry masked. Returns
 * 0, -ENODEV when the device has no MSI-X or no such entry, -ENXIO when
 * its table is not in a memory BAR.
 */
int pci_msix_route(const struct pci_device *d, unsigned entry, uint8_t vector, uint32_t apic_id);

#endif
