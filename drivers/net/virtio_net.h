/*
 * virtio-net over modern virtio PCI (virtio 1.2, 4.1 and 5.1), polled, as
 * a struct nic (drivers/net/nic.h): QEMU's virtio-net-pci, both the
 * modern-only device (1af4:1041, disable-legacy=on) and the transitional
 * one (1af4:1000) through its modern capabilities.
 */
#ifndef STRATA_DRIVERS_NET_VIRTIO_NET_H
#define STRATA_DRIVERS_NET_VIRTIO_NET_H

#include "drivers/pci/pci.h"

/*
 * Claim `d` if it is a virtio-net: 0 when it is up and registered with
 * nic_register, -ENODEV when it is not a virtio-net, another -errno (after
 * logging why) when it is one this driver cannot bring up. Boot CPU, after
 * kmem_init and pci_scan.
 */
int virtio_net_probe(const struct pci_device *d);

#endif
