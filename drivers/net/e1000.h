/*
 * Intel 82540EM-family gigabit Ethernet (the "e1000" Bochs and QEMU
 * emulate), polled, as a struct nic (drivers/net/nic.h).
 */
#ifndef STRATA_DRIVERS_NET_E1000_H
#define STRATA_DRIVERS_NET_E1000_H

#include "drivers/pci/pci.h"

/* Claim `d` if it is a supported e1000: 0, -ENODEV (not one) or -errno. */
int e1000_probe(const struct pci_device *d);

#endif
