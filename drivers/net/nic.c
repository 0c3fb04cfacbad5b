#include <errno.h>

#include "drivers/net/e1000.h"
#include "drivers/net/nic.h"
#include "drivers/net/virtio_net.h"
#include "drivers/pci/pci.h"
#include "kernel/log.h"

struct nic *nic_table[NIC_MAX];
unsigned nic_count;

int nic_register(struct nic *nic)
{
	if (nic_count == NIC_MAX)
		return -ENOSPC;
	nic_table[nic_count++] = nic;
	log_info("nic: %s %02x:%02x:%02x:%02x:%02x:%02x", nic->name, nic->mac[0], nic->mac[1],
		 nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
	return 0;
}

/* Each driver claims the devices it knows: 0 claimed, -ENODEV not its own. */
static int (*const drivers[])(const struct pci_device *d) = {
	e1000_probe,
	virtio_net_probe,
};

unsigned nic_probe_all(void)
{
	pci_scan();
	for (unsigned i = 0; i < pci_device_count; i++) {
		for (unsigned k = 0; k < sizeof(drivers) / sizeof(drivers[0]); k++) {
			int err = drivers[k](&pci_devices[i]);

			if (err == 0 || err != -ENODEV)
				break;
		}
	}
	return nic_count;
}
