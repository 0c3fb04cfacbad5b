/*
 * Host PCI: configuration space through the PC's configuration mechanism
 * #1 (ports 0xcf8/0xcfc; PCI Local Bus Specification 3.0, 3.2.2.3.2),
 * the devices found by a bus scan, and their BARs and capabilities.
 * Boot CPU only, after kmem_init().
 */
#ifndef STRATA_DRIVERS_PCI_H
#define STRATA_DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/pci_bar.h"

#define PCI_MAX_DEVICES 64

/* Configuration header offsets (type 0), PCI 3.0 6.1. */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_CAPABILITY_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d

#define PCI_COMMAND_IO           0x0001
#define PCI_COMMAND_MEMORY       0x0002
#define PCI_COMMAND_MASTER       0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST      0x0010

#define PCI_CAP_ID_MSI    0x05
#define PCI_CAP_ID_VENDOR 0x09 /* virtio's configuration structures */
#define PCI_CAP_ID_MSIX   0x11

struct pci_device {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code; /* class << 16 | subclass << 8 | prog-if */
	uint8_t irq_line, irq_pin;
	struct pci_bar bars[6];
};

uint32_t pci_read32(const struct pci_device *d, uint16_t offset);
uint16_t pci_read16(const struct pci_device *d, uint16_t offset);
uint8_t pci_read8(const struct pci_device *d, uint16_t offset);
void pci_write32(const struct pci_device *d, uint16_t offset, uint32_t value);
void pci_write16(const struct pci_device *d, uint16_t offset, uint16_t value);

/* Scan every bus once; later calls return the same table. */
unsigned pci_scan(void);
extern struct pci_device pci_devices[PCI_MAX_DEVICES];
extern unsigned pci_device_count;

/* Turn on memory decoding (and I/O, when `io`) and bus mastering (DMA). */
void pci_enable(const struct pci_device *d, bool io);

/*
 * Walk the capability list: offset of the first capability with id `id`
 * at or after `start` (0: from the list head), or 0 when none. Bounded
 * against loops in a broken list.
 */
uint8_t pci_find_capability(const struct pci_device *d, uint8_t id, uint8_t start);

/* Map a memory BAR for the hypervisor (uncached); NULL if it is not one. */
void *pci_map_bar(const struct pci_device *d, unsigned bar);

#endif
