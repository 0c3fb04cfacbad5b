/*
 * The descriptor rings of the Intel 8254x (PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual, 317453: 3.2 receive
 * descriptors, 3.3 legacy transmit descriptors). The driver owns the
 * descriptors between head and tail; these helpers decide which ones are
 * done and what the tail register gets next. Pure logic over descriptor
 * memory, host-tested: the device's side is the DD bit it sets.
 */
#ifndef STRATA_DRIVERS_NET_E1000_RING_H
#define STRATA_DRIVERS_NET_E1000_RING_H

#include <stdbool.h>
#include <stdint.h>

/* 3.2.3 Receive Descriptor Format. */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t checksum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

/* 3.3.3 Legacy Transmit Descriptor Format. */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define E1000_RXD_STAT_DD  0x01 /* descriptor done */
#define E1000_RXD_STAT_EOP 0x02 /* end of packet */
#define E1000_TXD_CMD_EOP  0x01
#define E1000_TXD_CMD_IFCS 0x02 /* insert FCS */
#define E1000_TXD_CMD_RS   0x08 /* report status (sets DD) */
#define E1000_TXD_STAT_DD  0x01

/* Ring sizes: a multiple of 8 descriptors (128 bytes, RDLEN/TDLEN rule). */
struct e1000_rx_ring {
	volatile struct e1000_rx_desc *desc;
	uint32_t count;
	uint32_t next; /* the next descriptor the device completes */
};

struct e1000_tx_ring {
	volatile struct e1000_tx_desc *desc;
	uint32_t count;
	uint32_t tail;  /* the next free descriptor (what TDT holds) */
	uint32_t clean; /* the oldest descriptor not yet seen done */
};

/*
 * Give every receive descriptor its buffer (bus address buf_addr[i]) and
 * clear its status. The device may use all but one descriptor: RDT
 * starts at count - 1 (a full ring looks empty when head == tail).
 * Returns that initial tail.
 */
uint32_t e1000_rx_init(struct e1000_rx_ring *r, const uint64_t *buf_addr);

/*
 * The next received frame, if the device finished one: its descriptor
 * index and length. A frame that spans descriptors (no EOP: longer than
 * a buffer) or has errors is reported with *ok = false so the caller
 * drops it. Returns false when nothing is done.
 */
bool e1000_rx_peek(const struct e1000_rx_ring *r, uint32_t *index, uint16_t *len, bool *ok);

/* Return the peeked descriptor to the device; returns the new RDT value. */
uint32_t e1000_rx_release(struct e1000_rx_ring *r);

/* Reclaim transmitted descriptors; returns how many are free now. */
uint32_t e1000_tx_reclaim(struct e1000_tx_ring *r);

/*
 * Queue one frame whose bytes sit at bus address `addr`, `len` bytes, in
 * descriptor r->tail. Returns the descriptor index used (the caller's
 * buffer slot) and advances r->tail, which the caller writes to TDT; or
 * -1 when the ring is full.
 */
int e1000_tx_queue(struct e1000_tx_ring *r, uint64_t addr, uint16_t len);

#endif
