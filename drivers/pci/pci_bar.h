/*
 * Decoding base address registers (PCI Local Bus Specification 3.0,
 * 6.2.5.1): the value the firmware left and the size-probe readback give
 * the kind, address and size of each BAR. Pure logic, host-tested.
 */
#ifndef STRATA_DRIVERS_PCI_BAR_H
#define STRATA_DRIVERS_PCI_BAR_H

#include <stdbool.h>
#include <stdint.h>

enum pci_bar_kind {
	PCI_BAR_NONE = 0,
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64, /* occupies this BAR and the next */
};

struct pci_bar {
	enum pci_bar_kind kind;
	bool prefetchable;
	uint64_t base;
	uint64_t size; /* 0 when not implemented */
};

/*
 * Decode one BAR from its value (`lo`, and `hi` for the upper half of a
 * 64-bit BAR) and the readbacks after writing all ones (`mask_lo`,
 * `mask_hi`). Returns false (and kind NONE) for a BAR the device does not
 * implement or one whose readback is inconsistent.
 */
bool pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t mask_lo, uint32_t mask_hi,
		    struct pci_bar *out);

/* True when the low BAR value `lo` starts a 64-bit memory BAR. */
bool pci_bar_is_64(uint32_t lo);

#endif
