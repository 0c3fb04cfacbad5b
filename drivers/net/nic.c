#include <errno.h>

#include "drivers/net/e1000.h"
#include "drivers/net/nic.h"
#include "drivers/net/virtio_net.h"
#include "drivers/pci/msi.h"
#include "drivers/pci/pci.h"
#include "kernel/arch/x86/idt.h"
#include "kernel/arch/x86/lapic.h"
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

/* The wake-up is the whole job: the interrupted HLT returns to the loop. */
static void nic_interrupt(struct trap_frame *frame)
{
	lapic_eoi();
}

int nic_msix_wake(const struct pci_device *d, unsigned entry)
{
	if (idt_handler(VECTOR_NIC) != nic_interrupt)
		idt_set_handler(VECTOR_NIC, nic_interrupt);
	return pci_msix_route(d, entry, VECTOR_NIC, lapic_id());
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
