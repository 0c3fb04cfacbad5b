/*
 * Register programming follows the 8254x Software Developer's Manual
 * (317453): 14.3 general configuration, 14.4 receive and 14.5 transmit
 * initialisation, 13 register descriptions. Polled: interrupts stay
 * masked (IMC), the management loop calls poll().
 */
#include <errno.h>
#include <string.h>

#include "drivers/net/e1000.h"
#include "drivers/net/e1000_ring.h"
#include "drivers/net/nic.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"

#define E1000_CTRL   0x0000
#define E1000_STATUS 0x0008
#define E1000_EERD   0x0014
#define E1000_ICR    0x00c0
#define E1000_IMC    0x00d8
#define E1000_RCTL   0x0100
#define E1000_TCTL   0x0400
#define E1000_TIPG   0x0410
#define E1000_RDBAL  0x2800
#define E1000_RDBAH  0x2804
#define E1000_RDLEN  0x2808
#define E1000_RDH    0x2810
#define E1000_RDT    0x2818
#define E1000_TDBAL  0x3800
#define E1000_TDBAH  0x3804
#define E1000_TDLEN  0x3808
#define E1000_TDH    0x3810
#define E1000_TDT    0x3818
#define E1000_MTA    0x5200 /* 128 dwords */
#define E1000_RAL0   0x5400
#define E1000_RAH0   0x5404

#define CTRL_ASDE       (1u << 5)
#define CTRL_SLU        (1u << 6)
#define CTRL_RST        (1u << 26)
#define STATUS_LU       (1u << 1)
#define EERD_START      (1u << 0)
#define EERD_DONE       (1u << 4)
#define RCTL_EN         (1u << 1)
#define RCTL_BAM        (1u << 15)
#define RCTL_SECRC      (1u << 26)
#define TCTL_EN         (1u << 1)
#define TCTL_PSP        (1u << 3)
#define TCTL_CT_SHIFT   4
#define TCTL_COLD_SHIFT 12
#define RAH_AV          (1u << 31)

#define RX_COUNT 64
#define TX_COUNT 64
#define BUF_SIZE 2048 /* RCTL.BSIZE 00b */

struct e1000 {
	struct nic nic;
	volatile uint8_t *regs;
	struct e1000_rx_ring rx;
	struct e1000_tx_ring tx;
	uint8_t *rx_buf; /* RX_COUNT * BUF_SIZE */
	uint8_t *tx_buf; /* TX_COUNT * BUF_SIZE */
};

static struct e1000 devices[NIC_MAX];
static unsigned device_count;

static uint32_t rd(const struct e1000 *e, uint32_t reg)
{
	return *(volatile uint32_t *)(e->regs + reg);
}

static void wr(const struct e1000 *e, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

static bool is_e1000(const struct pci_device *d)
{
	static const uint16_t ids[] = {
		0x100e, /* 82540EM (QEMU's and Bochs's e1000) */
		0x100f, /* 82545EM copper */
		0x1004, /* 82543GC copper */
	};

	if (d->vendor != 0x8086)
		return false;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (d->device == ids[i])
			return true;
	return false;
}

/* 13.4.4 EEPROM Read Register: one 16-bit word, or -1 on timeout. */
static int eeprom_read(const struct e1000 *e, uint8_t word)
{
	uint64_t deadline = tsc_now_us() + 10000;

	wr(e, E1000_EERD, EERD_START | (uint32_t)word << 8);
	while (tsc_now_us() < deadline) {
		uint32_t v = rd(e, E1000_EERD);

		if (v & EERD_DONE)
			return (int)(v >> 16);
	}
	return -1;
}

/* The MAC: what the firmware left in RAL0/RAH0, else EEPROM words 0-2. */
static void read_mac(struct e1000 *e)
{
	uint32_t ral = rd(e, E1000_RAL0), rah = rd(e, E1000_RAH0);

	if (rah & RAH_AV) {
		for (int i = 0; i < 4; i++)
			e->nic.mac[i] = (uint8_t)(ral >> (8 * i));
		e->nic.mac[4] = (uint8_t)rah;
		e->nic.mac[5] = (uint8_t)(rah >> 8);
		return;
	}
	for (uint8_t w = 0; w < 3; w++) {
		int v = eeprom_read(e, w);

		e->nic.mac[2 * w] = (uint8_t)v;
		e->nic.mac[2 * w + 1] = (uint8_t)(v >> 8);
	}
}

static int transmit(struct nic *nic, const void *frame, size_t len)
{
	struct e1000 *e = nic->priv;
	uint8_t *slot;
	int i;

	if (len < 14 || len > NIC_MAX_FRAME) {
		nic->stats.tx_dropped++;
		return -EINVAL;
	}
	i = e1000_tx_queue(&e->tx, 0, (uint16_t)len);
	if (i < 0) {
		nic->stats.tx_dropped++;
		return -EBUSY;
	}
	slot = e->tx_buf + (size_t)i * BUF_SIZE;
	memcpy(slot, frame, len);
	e->tx.desc[i].addr = kmem_virt_to_phys(slot);
	__asm__ volatile("" ::: "memory");
	wr(e, E1000_TDT, e->tx.tail);
	nic->stats.tx_packets++;
	nic->stats.tx_bytes += len;
	return 0;
}

static unsigned poll(struct nic *nic, unsigned budget, nic_rx_fn rx, void *ctx)
{
	struct e1000 *e = nic->priv;
	unsigned n = 0;
	uint32_t index;
	uint16_t len;
	bool ok;

	while (n < budget && e1000_rx_peek(&e->rx, &index, &len, &ok)) {
		if (ok && len <= NIC_MAX_FRAME) {
			nic->stats.rx_packets++;
			nic->stats.rx_bytes += len;
			rx(nic, e->rx_buf + (size_t)index * BUF_SIZE, len, ctx);
		} else {
			nic->stats.rx_dropped++;
		}
		wr(e, E1000_RDT, e1000_rx_release(&e->rx));
		n++;
	}
	return n;
}

static bool link_up(struct nic *nic)
{
	const struct e1000 *e = nic->priv;

	return rd(e, E1000_STATUS) & STATUS_LU;
}

static const struct nic_ops e1000_ops = {
	.transmit = transmit,
	.poll = poll,
	.link_up = link_up,
};

static int alloc_rings(struct e1000 *e)
{
	/* Descriptors: 16 bytes each, both rings in one page. */
	uint8_t *desc = kmem_alloc_pages(1);
	uint64_t addr[RX_COUNT];

	e->rx_buf = kmem_alloc_pages(RX_COUNT * BUF_SIZE / 4096);
	e->tx_buf = kmem_alloc_pages(TX_COUNT * BUF_SIZE / 4096);
	if (!desc || !e->rx_buf || !e->tx_buf)
		return -ENOMEM;
	e->rx.desc = (volatile struct e1000_rx_desc *)desc;
	e->rx.count = RX_COUNT;
	e->tx.desc = (volatile struct e1000_tx_desc *)(desc + 2048);
	e->tx.count = TX_COUNT;
	for (unsigned i = 0; i < RX_COUNT; i++)
		addr[i] = kmem_virt_to_phys(e->rx_buf + (size_t)i * BUF_SIZE);
	wr(e, E1000_RDT, 0);
	wr(e, E1000_RDH, 0);
	wr(e, E1000_RDBAL, (uint32_t)kmem_virt_to_phys(desc));
	wr(e, E1000_RDBAH, (uint32_t)(kmem_virt_to_phys(desc) >> 32));
	wr(e, E1000_RDLEN, RX_COUNT * sizeof(struct e1000_rx_desc));
	wr(e, E1000_RDT, e1000_rx_init(&e->rx, addr));
	wr(e, E1000_TDBAL, (uint32_t)kmem_virt_to_phys(desc + 2048));
	wr(e, E1000_TDBAH, (uint32_t)(kmem_virt_to_phys(desc + 2048) >> 32));
	wr(e, E1000_TDLEN, TX_COUNT * sizeof(struct e1000_tx_desc));
	wr(e, E1000_TDH, 0);
	wr(e, E1000_TDT, 0);
	return 0;
}

static int bring_up(struct e1000 *e)
{
	uint64_t deadline;
	int err;

	/* 14.3: reset, wait for RST to clear, mask every interrupt. */
	wr(e, E1000_IMC, 0xffffffffu);
	wr(e, E1000_CTRL, rd(e, E1000_CTRL) | CTRL_RST);
	deadline = tsc_now_us() + 10000;
	while ((rd(e, E1000_CTRL) & CTRL_RST) && tsc_now_us() < deadline)
		cpu_relax();
	wr(e, E1000_IMC, 0xffffffffu);
	(void)rd(e, E1000_ICR);
	wr(e, E1000_CTRL, rd(e, E1000_CTRL) | CTRL_SLU | CTRL_ASDE);

	read_mac(e);
	wr(e, E1000_RAL0,
	   (uint32_t)e->nic.mac[0] | (uint32_t)e->nic.mac[1] << 8 | (uint32_t)e->nic.mac[2] << 16 |
		   (uint32_t)e->nic.mac[3] << 24);
	wr(e, E1000_RAH0, (uint32_t)e->nic.mac[4] | (uint32_t)e->nic.mac[5] << 8 | RAH_AV);
	for (uint32_t i = 0; i < 128; i++)
		wr(e, E1000_MTA + 4 * i, 0);

	err = alloc_rings(e);
	if (err)
		return err;
	/* 14.4/14.5: accept unicast to us and broadcast, strip the CRC; pad short frames. */
	wr(e, E1000_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
	wr(e, E1000_TIPG, 10 | 8 << 10 | 6 << 20); /* 13.4.34: IEEE 802.3 values */
	wr(e, E1000_TCTL, TCTL_EN | TCTL_PSP | 0x0fu << TCTL_CT_SHIFT | 0x40u << TCTL_COLD_SHIFT);
	return 0;
}

int e1000_probe(const struct pci_device *d)
{
	struct e1000 *e;
	int err;

	if (!is_e1000(d))
		return -ENODEV;
	if (device_count == NIC_MAX)
		return -ENOSPC;
	e = &devices[device_count];
	memset(e, 0, sizeof(*e));
	pci_enable(d, false);
	e->regs = pci_map_bar(d, 0);
	if (!e->regs) {
		log_error("e1000 %02x:%02x.%u: BAR0 is not a usable memory BAR", d->bus, d->dev,
			  d->fn);
		return -ENXIO;
	}
	err = bring_up(e);
	if (err) {
		log_error("e1000 %02x:%02x.%u: no memory for its rings", d->bus, d->dev, d->fn);
		return err;
	}
	e->nic.name = "e1000";
	e->nic.ops = &e1000_ops;
	e->nic.priv = e;
	err = nic_register(&e->nic);
	if (!err)
		device_count++;
	return err;
}
