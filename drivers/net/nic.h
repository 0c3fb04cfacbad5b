/*
 * The one interface between network drivers and the network stack
 * (net/): a NIC sends a frame and hands received frames to a callback.
 * The stack never touches device registers, and a driver knows nothing of
 * IP. Drivers are polled from the management CPU; a NIC with MSI-X also
 * wakes that CPU when a frame arrives (nic_msix_wake()). None of these
 * calls may block or sleep, and none is called from two CPUs at once.
 */
#ifndef STRATA_DRIVERS_NET_NIC_H
#define STRATA_DRIVERS_NET_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NIC_MAX_FRAME 1514 /* Ethernet header + 1500 bytes MTU, no FCS */
#define NIC_MAX       4

struct nic;

/* Called once per received frame; `frame` is valid only during the call. */
typedef void (*nic_rx_fn)(struct nic *nic, const void *frame, size_t len, void *ctx);

struct nic_ops {
	/*
	 * Queue one frame (header included, no FCS; 14..NIC_MAX_FRAME bytes)
	 * for sending; the bytes are copied. Returns 0, or -EBUSY when the
	 * transmit ring is full (the frame is dropped and counted).
	 */
	int (*transmit)(struct nic *nic, const void *frame, size_t len);
	/* Hand up to `budget` received frames to `rx`; returns how many. */
	unsigned (*poll)(struct nic *nic, unsigned budget, nic_rx_fn rx, void *ctx);
	bool (*link_up)(struct nic *nic);
};

struct nic_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
};

struct nic {
	const char *name; /* "e1000", "virtio-net" */
	const struct nic_ops *ops;
	uint8_t mac[6];
	struct nic_stats stats;
	void *priv; /* the driver's device state */
};

/* NICs the drivers found, in probe order. */
extern struct nic *nic_table[NIC_MAX];
extern unsigned nic_count;

/* Add a probed NIC to nic_table; returns 0 or -ENOSPC. */
int nic_register(struct nic *nic);

/*
 * Let MSI-X entry `entry` of NIC `d` wake the boot CPU (VECTOR_NIC): the
 * interrupt only ends its HLT, so the management loop polls at once.
 * Boot CPU, while probing. Returns 0 or -errno (no MSI-X: stay polled).
 */
struct pci_device;
int nic_msix_wake(const struct pci_device *d, unsigned entry);

/* Probe every driver against the PCI devices found; returns the NIC count. */
unsigned nic_probe_all(void);

#endif
