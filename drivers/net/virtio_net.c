/*
 * virtio-net over modern virtio PCI (virtio 1.2): 4.1.4 finds the
 * configuration structures through vendor capabilities, 3.1.1 brings the
 * device up, 5.1 is the network device (receiveq 0, transmitq 1, a
 * 12-byte struct virtio_net_hdr before every frame with VERSION_1).
 *
 * Polled from the management loop, which calls poll() (it also reclaims
 * finished transmit buffers). INTx is disabled in the PCI command
 * register. The receive queue raises MSI-X entry 0 when a frame arrives,
 * only to wake the boot CPU out of HLT so the loop runs at once
 * (nic_msix_wake()); the transmit queue and configuration changes never
 * interrupt (VIRTIO_MSI_NO_VECTOR, VIRTQ_AVAIL_F_NO_INTERRUPT). Without
 * MSI-X every queue is polled only.
 *
 * One descriptor per buffer (header and frame together, 2.7.4), 2 KiB
 * per buffer, up to RING_MAX buffers per queue. Everything the device
 * writes back is checked by virtqueue.c; a device that corrupts its used
 * ring is reset and left alone, with the host unharmed.
 */
#include <errno.h>
#include <string.h>

#include "drivers/net/nic.h"
#include "drivers/net/virtio_net.h"
#include "drivers/net/virtio_pci.h"
#include "drivers/net/virtqueue.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"

#define RING_MAX            64   /* entries per queue we use, whatever the device offers */
#define BUF_SIZE            2048 /* >= 1526 bytes, 5.1.6.3.1 without VIRTIO_NET_F_MRG_RXBUF */
#define PAGE                4096
#define RESET_TIMEOUT_US    100000
#define STATUS_CHECK_PERIOD 1024 /* polls and transmits between status reads */

/*
 * What we accept from what the device offers. No MRG_RXBUF, no offloads,
 * no control queue: a frame always fits one 2 KiB receive buffer, and the
 * header we send is all zeroes (no checksum or segmentation requests).
 */
#define FEATURES_WANTED \
	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS)

_Static_assert(VIRTIO_NET_HDR_LEN + NIC_MAX_FRAME <= BUF_SIZE, "a frame fits a buffer");
_Static_assert(PAGE % BUF_SIZE == 0, "buffers never straddle a page");

/* One configuration structure found through a vendor capability (4.1.4). */
struct vcap {
	bool found;
	uint8_t bar;
	uint32_t offset, length, notify_mult;
};

struct virtio_net {
	struct nic nic;
	uint8_t bus, dev, fn;
	volatile uint8_t *common;
	volatile uint8_t *devcfg;
	uint32_t devcfg_len;
	volatile uint8_t *notify;
	uint32_t notify_len, notify_mult;
	volatile uint16_t *doorbell[2]; /* per queue: where its index is written */
	uint64_t features;              /* negotiated */
	struct virtq rx, tx;
	void *ring_mem[2];
	unsigned ring_pages[2];
	uint8_t *rx_buf, *tx_buf; /* RING_MAX * BUF_SIZE each */
	hpa_t rx_phys, tx_phys;
	uint8_t *tx_free[RING_MAX]; /* transmit buffers not in the queue */
	unsigned tx_free_count;
	bool msix;            /* MSI-X entry 0 wakes the boot CPU */
	bool failed;          /* given up on: reset, nothing sent or received */
	uint64_t errors_seen; /* device errors already reported */
	uint32_t health_checks;
};

static struct virtio_net devices[NIC_MAX];
static unsigned device_count;

/*
 * 4.1.3.1: fields are accessed at their own width, 64-bit fields as two
 * 32-bit halves.
 */
static uint8_t rd8(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint8_t *)(base + off);
}

static uint16_t rd16(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint16_t *)(base + off);
}

static uint32_t rd32(volatile uint8_t *base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr8(volatile uint8_t *base, uint32_t off, uint8_t v)
{
	*(volatile uint8_t *)(base + off) = v;
}

static void wr16(volatile uint8_t *base, uint32_t off, uint16_t v)
{
	*(volatile uint16_t *)(base + off) = v;
}

static void wr32(volatile uint8_t *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
	wr32(base, off, (uint32_t)v);
	wr32(base, off + 4, (uint32_t)(v >> 32));
}

static bool is_virtio_net(const struct pci_device *d)
{
	return d->vendor == VIRTIO_PCI_VENDOR && (d->device == VIRTIO_PCI_DEVICE_NET_MODERN ||
						  d->device == VIRTIO_PCI_DEVICE_NET_TRANSITN);
}

/*
 * The first capability of each type we use (4.1.4.1: the driver SHOULD use
 * the first instance it can). Capabilities naming a reserved BAR or too
 * short to hold their fields are skipped, as 4.1.4.1 asks.
 */
static void find_caps(const struct pci_device *d, struct vcap caps[VIRTIO_PCI_CAP_DEVICE_CFG + 1])
{
	uint8_t pos = pci_find_capability(d, PCI_CAP_ID_VENDOR, 0);

	/* pci_find_capability bounds one walk; this bounds the walk of walks. */
	for (unsigned n = 0; pos && n < 48;
	     n++, pos = pci_find_capability(d, PCI_CAP_ID_VENDOR, pos)) {
		uint8_t type = pci_read8(d, pos + VIRTIO_PCI_CAP_CFG_TYPE);
		uint8_t bar = pci_read8(d, pos + VIRTIO_PCI_CAP_BAR);
		uint8_t len = pci_read8(d, pos + 2);
		struct vcap *c;

		if (type < VIRTIO_PCI_CAP_COMMON_CFG || type > VIRTIO_PCI_CAP_DEVICE_CFG)
			continue;
		c = &caps[type];
		if (c->found || bar > 5 || len < VIRTIO_PCI_CAP_LEN)
			continue;
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && len < VIRTIO_PCI_NOTIFY_CAP_LEN)
			continue;
		c->found = true;
		c->bar = bar;
		c->offset = pci_read32(d, pos + VIRTIO_PCI_CAP_OFFSET);
		c->length = pci_read32(d, pos + VIRTIO_PCI_CAP_LENGTH);
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			c->notify_mult = pci_read32(d, pos + VIRTIO_PCI_NOTIFY_CAP_MULT);
	}
}

/* The structure `c` describes, mapped, if it lies inside a memory BAR. */
static volatile uint8_t *map_cap(const struct pci_device *d, const struct vcap *c, uint32_t min_len,
				 void *bar_map[6])
{
	const struct pci_bar *b = &d->bars[c->bar];

	if (!c->found || c->length < min_len)
		return NULL;
	if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
		return NULL;
	if ((uint64_t)c->offset + c->length > b->size)
		return NULL;
	if (!bar_map[c->bar])
		bar_map[c->bar] = pci_map_bar(d, c->bar);
	if (!bar_map[c->bar])
		return NULL;
	return (volatile uint8_t *)bar_map[c->bar] + c->offset;
}

static int map_structures(struct virtio_net *vn, const struct pci_device *d)
{
	struct vcap caps[VIRTIO_PCI_CAP_DEVICE_CFG + 1];
	void *bar_map[6] = { 0 };

	memset(caps, 0, sizeof(caps));
	find_caps(d, caps);
	vn->common =
		map_cap(d, &caps[VIRTIO_PCI_CAP_COMMON_CFG], VIRTIO_PCI_COMMON_MIN_LEN, bar_map);
	vn->notify = map_cap(d, &caps[VIRTIO_PCI_CAP_NOTIFY_CFG], 2, bar_map);
	/* The device configuration is optional: without it, no MAC, link up. */
	vn->devcfg = map_cap(d, &caps[VIRTIO_PCI_CAP_DEVICE_CFG], 1, bar_map);
	if (!vn->common || !vn->notify) {
		log_error("virtio-net %02x:%02x.%u: no usable modern virtio capabilities "
			  "(common %s, notify %s); legacy-only devices are not supported",
			  d->bus, d->dev, d->fn,
			  caps[VIRTIO_PCI_CAP_COMMON_CFG].found ? "bad" : "none",
			  caps[VIRTIO_PCI_CAP_NOTIFY_CFG].found ? "bad" : "none");
		return -ENOTSUP;
	}
	vn->notify_len = caps[VIRTIO_PCI_CAP_NOTIFY_CFG].length;
	vn->notify_mult = caps[VIRTIO_PCI_CAP_NOTIFY_CFG].notify_mult;
	vn->devcfg_len = vn->devcfg ? caps[VIRTIO_PCI_CAP_DEVICE_CFG].length : 0;
	return 0;
}

static uint8_t status(const struct virtio_net *vn)
{
	return rd8(vn->common, VIRTIO_PCI_COMMON_STATUS);
}

static void set_status(struct virtio_net *vn, uint8_t bits)
{
	wr8(vn->common, VIRTIO_PCI_COMMON_STATUS, status(vn) | bits);
}

/* 4.1.4.3.1: write 0, then wait until device_status reads back 0. */
static int reset(struct virtio_net *vn)
{
	uint64_t deadline = tsc_now_us() + RESET_TIMEOUT_US;

	wr8(vn->common, VIRTIO_PCI_COMMON_STATUS, 0);
	while (status(vn) != 0) {
		if (tsc_now_us() > deadline)
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

/* 3.1.1 steps 4-6: accept what we want of what is offered, then FEATURES_OK. */
static int negotiate(struct virtio_net *vn)
{
	uint64_t offered;

	wr32(vn->common, VIRTIO_PCI_COMMON_DFSELECT, 0);
	offered = rd32(vn->common, VIRTIO_PCI_COMMON_DF);
	wr32(vn->common, VIRTIO_PCI_COMMON_DFSELECT, 1);
	offered |= (uint64_t)rd32(vn->common, VIRTIO_PCI_COMMON_DF) << 32;
	if (!(offered & 1ull << VIRTIO_F_VERSION_1)) {
		log_error("virtio-net %02x:%02x.%u: no VIRTIO_F_VERSION_1 (features %#llx)",
			  vn->bus, vn->dev, vn->fn, (unsigned long long)offered);
		return -ENOTSUP;
	}
	vn->features = offered & FEATURES_WANTED;
	wr32(vn->common, VIRTIO_PCI_COMMON_GFSELECT, 0);
	wr32(vn->common, VIRTIO_PCI_COMMON_GF, (uint32_t)vn->features);
	wr32(vn->common, VIRTIO_PCI_COMMON_GFSELECT, 1);
	wr32(vn->common, VIRTIO_PCI_COMMON_GF, (uint32_t)(vn->features >> 32));
	set_status(vn, VIRTIO_STATUS_FEATURES_OK);
	if (!(status(vn) & VIRTIO_STATUS_FEATURES_OK)) {
		log_error("virtio-net %02x:%02x.%u: the device refused features %#llx", vn->bus,
			  vn->dev, vn->fn, (unsigned long long)vn->features);
		return -ENOTSUP;
	}
	return 0;
}

/*
 * 4.1.5.1.3 Virtqueue Configuration: pick a size, place the rings, find
 * the queue's doorbell, enable it. The size is the largest power of two
 * up to both RING_MAX and the device's maximum; a device that does not
 * keep the size we write would index past our rings, so it is read back.
 */
static int setup_queue(struct virtio_net *vn, uint16_t q, struct virtq *vq)
{
	volatile uint8_t *c = vn->common;
	uint16_t max, size = RING_MAX;
	struct virtq_layout l;
	uint64_t notify_off;
	hpa_t pa;

	wr16(c, VIRTIO_PCI_COMMON_Q_SELECT, q);
	max = rd16(c, VIRTIO_PCI_COMMON_Q_SIZE);
	if (!max || rd16(c, VIRTIO_PCI_COMMON_Q_ENABLE))
		return -ENODEV;
	while (size > max)
		size >>= 1;
	l = virtq_layout(size);
	vn->ring_pages[q] = (unsigned)((l.total + PAGE - 1) / PAGE);
	vn->ring_mem[q] = kmem_alloc_pages(vn->ring_pages[q]);
	if (!vn->ring_mem[q])
		return -ENOMEM;
	if (virtq_init(vq, vn->ring_mem[q], size))
		return -EINVAL;
	virtq_set_no_interrupt(vq, true);

	wr16(c, VIRTIO_PCI_COMMON_Q_SIZE, size);
	if (rd16(c, VIRTIO_PCI_COMMON_Q_SIZE) != size)
		return -ENOTSUP;
	wr16(c, VIRTIO_PCI_COMMON_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
	/* 4.1.5.1.2.1: a vector the device cannot use reads back as NO_VECTOR. */
	if (vn->msix && q == VIRTIO_NET_RX_QUEUE) {
		wr16(c, VIRTIO_PCI_COMMON_Q_MSIX, 0);
		if (rd16(c, VIRTIO_PCI_COMMON_Q_MSIX) == 0)
			virtq_set_no_interrupt(vq, false);
	}
	pa = kmem_virt_to_phys(vn->ring_mem[q]);
	wr64(c, VIRTIO_PCI_COMMON_Q_DESCLO, pa + l.desc);
	wr64(c, VIRTIO_PCI_COMMON_Q_AVAILLO, pa + l.avail);
	wr64(c, VIRTIO_PCI_COMMON_Q_USEDLO, pa + l.used);

	/* 4.1.4.4: cap.offset + queue_notify_off * notify_off_multiplier. */
	notify_off = (uint64_t)rd16(c, VIRTIO_PCI_COMMON_Q_NOFF) * vn->notify_mult;
	if (notify_off + 2 > vn->notify_len || (notify_off & 1))
		return -EIO;
	vn->doorbell[q] = (volatile uint16_t *)(vn->notify + notify_off);
	wr16(c, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	return 0;
}

/* 4.1.4.4.1: without VIRTIO_F_NOTIFICATION_DATA the queue's index is written. */
static void notify(struct virtio_net *vn, uint16_t q)
{
	*vn->doorbell[q] = q;
}

/*
 * 5.1.4: the MAC from the device when VIRTIO_NET_F_MAC, read until
 * config_generation is stable (2.5.1: a 6-byte field is not read
 * atomically). Otherwise 5.1.5 asks for a generated one: a locally
 * administered address from the PCI location, unique on this host.
 */
static void read_mac(struct virtio_net *vn)
{
	if ((vn->features & 1ull << VIRTIO_NET_F_MAC) && vn->devcfg_len >= 6) {
		for (unsigned tries = 0; tries < 16; tries++) {
			uint8_t gen = rd8(vn->common, VIRTIO_PCI_COMMON_CFGGEN);

			for (uint32_t i = 0; i < 6; i++)
				vn->nic.mac[i] = rd8(vn->devcfg, VIRTIO_NET_CFG_MAC + i);
			if (rd8(vn->common, VIRTIO_PCI_COMMON_CFGGEN) == gen)
				return;
		}
		log_warn("virtio-net %02x:%02x.%u: config generation never settled; MAC may be torn",
			 vn->bus, vn->dev, vn->fn);
		return;
	}
	vn->features &= ~(1ull << VIRTIO_NET_F_MAC);
	vn->nic.mac[0] = 0x02;
	vn->nic.mac[1] = 0x53; /* 'S' */
	vn->nic.mac[2] = 0x54; /* 'T' */
	vn->nic.mac[3] = vn->bus;
	vn->nic.mac[4] = vn->dev;
	vn->nic.mac[5] = vn->fn;
}

static int alloc_buffers(struct virtio_net *vn)
{
	unsigned pages = RING_MAX * BUF_SIZE / PAGE;

	vn->rx_buf = kmem_alloc_pages(pages);
	vn->tx_buf = kmem_alloc_pages(pages);
	if (!vn->rx_buf || !vn->tx_buf)
		return -ENOMEM;
	vn->rx_phys = kmem_virt_to_phys(vn->rx_buf);
	vn->tx_phys = kmem_virt_to_phys(vn->tx_buf);
	return 0;
}

static void free_memory(struct virtio_net *vn)
{
	unsigned pages = RING_MAX * BUF_SIZE / PAGE;

	if (vn->rx_buf)
		kmem_free_frames(kmem_virt_to_phys(vn->rx_buf), pages);
	if (vn->tx_buf)
		kmem_free_frames(kmem_virt_to_phys(vn->tx_buf), pages);
	for (unsigned q = 0; q < 2; q++)
		if (vn->ring_mem[q])
			kmem_free_frames(kmem_virt_to_phys(vn->ring_mem[q]), vn->ring_pages[q]);
}

/* Give a receive buffer (the token is its address) back to the device. */
static void rx_post(struct virtio_net *vn, uint8_t *buf)
{
	/* Cannot fail: every buffer has its descriptor, and this one's came back. */
	(void)virtq_add(&vn->rx, vn->rx_phys + (hpa_t)(buf - vn->rx_buf), BUF_SIZE, true, buf);
}

/* 5.1.6.3: fill the receive queue; every transmit buffer is free. */
static void fill_queues(struct virtio_net *vn)
{
	for (unsigned i = 0; i < vn->rx.size; i++)
		rx_post(vn, vn->rx_buf + (size_t)i * BUF_SIZE);
	virtq_publish(&vn->rx);
	for (unsigned i = 0; i < vn->tx.size; i++)
		vn->tx_free[i] = vn->tx_buf + (size_t)i * BUF_SIZE;
	vn->tx_free_count = vn->tx.size;
}

/* 3.1.1: the whole initialisation sequence, ending in DRIVER_OK. */
static int bring_up(struct virtio_net *vn)
{
	int err;

	if (reset(vn))
		return -ETIMEDOUT;
	set_status(vn, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(vn, VIRTIO_STATUS_DRIVER);
	err = negotiate(vn);
	if (err)
		return err;
	if (rd16(vn->common, VIRTIO_PCI_COMMON_NUMQ) < 2)
		return -ENODEV;
	err = setup_queue(vn, VIRTIO_NET_RX_QUEUE, &vn->rx);
	if (!err)
		err = setup_queue(vn, VIRTIO_NET_TX_QUEUE, &vn->tx);
	if (!err)
		err = alloc_buffers(vn);
	if (err)
		return err;
	read_mac(vn);
	fill_queues(vn);
	set_status(vn, VIRTIO_STATUS_DRIVER_OK);
	/* 3.1.1: no notification before DRIVER_OK; now the buffers are there. */
	notify(vn, VIRTIO_NET_RX_QUEUE);
	return 0;
}

/* Stop the device touching our memory after it broke its side of the rings. */
static void give_up(struct virtio_net *vn, const char *why)
{
	if (vn->failed)
		return;
	vn->failed = true;
	log_error("virtio-net %02x:%02x.%u: %s; device reset and no longer used", vn->bus, vn->dev,
		  vn->fn, why);
	if (reset(vn) == 0)
		set_status(vn, VIRTIO_STATUS_FAILED);
}

/* Report device errors (rarely: on the first and at each power of two). */
static void check_health(struct virtio_net *vn)
{
	const struct virtq_errors *r = &vn->rx.errors, *t = &vn->tx.errors;
	uint64_t total = r->bad_id + r->bad_len + t->bad_id + t->bad_len;

	if (vn->rx.broken || vn->tx.broken)
		give_up(vn, "used ring index beyond the buffers it holds");
	/* A register read can cost a VM exit: look at the status now and then. */
	else if (++vn->health_checks % STATUS_CHECK_PERIOD == 0 &&
		 (status(vn) & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
		give_up(vn, "the device needs a reset");
	if (total == vn->errors_seen)
		return;
	if (!vn->errors_seen || !(total & (total - 1)))
		log_warn("virtio-net %02x:%02x.%u: bad used entries from the device: rx id %llu "
			 "len %llu, tx id %llu",
			 vn->bus, vn->dev, vn->fn, (unsigned long long)r->bad_id,
			 (unsigned long long)r->bad_len, (unsigned long long)t->bad_id);
	vn->errors_seen = total;
}

/* Take back the transmit buffers the device has sent (at most a ring's worth). */
static void tx_reclaim(struct virtio_net *vn)
{
	for (unsigned n = 0; n < vn->tx.size; n++) {
		void *token;
		uint32_t len;
		enum virtq_get r = virtq_get_used(&vn->tx, &token, &len);

		if (r == VIRTQ_GET_EMPTY || r == VIRTQ_GET_BROKEN)
			break;
		if (token && vn->tx_free_count < RING_MAX)
			vn->tx_free[vn->tx_free_count++] = token;
	}
}

static int transmit(struct nic *nic, const void *frame, size_t len)
{
	struct virtio_net *vn = nic->priv;
	uint8_t *buf;

	if (len < 14 || len > NIC_MAX_FRAME) {
		nic->stats.tx_dropped++;
		return -EINVAL;
	}
	if (!vn->failed) {
		tx_reclaim(vn);
		check_health(vn);
	}
	if (vn->failed || !vn->tx_free_count) {
		nic->stats.tx_dropped++;
		return -EBUSY;
	}
	buf = vn->tx_free[--vn->tx_free_count];
	/* 5.1.6.2: no offload asked for: flags 0, GSO_NONE, the rest 0. */
	memset(buf, 0, VIRTIO_NET_HDR_LEN);
	memcpy(buf + VIRTIO_NET_HDR_LEN, frame, len);
	if (virtq_add(&vn->tx, vn->tx_phys + (hpa_t)(buf - vn->tx_buf),
		      (uint32_t)(VIRTIO_NET_HDR_LEN + len), false, buf)) {
		vn->tx_free[vn->tx_free_count++] = buf;
		nic->stats.tx_dropped++;
		return -EBUSY;
	}
	virtq_publish(&vn->tx);
	if (virtq_should_notify(&vn->tx))
		notify(vn, VIRTIO_NET_TX_QUEUE);
	nic->stats.tx_packets++;
	nic->stats.tx_bytes += len;
	return 0;
}

/*
 * Frames without their virtio_net_hdr go to `rx`; each buffer goes back
 * to the device after the callback returns. `rx` may call transmit (an ARP
 * reply, a TCP ACK): that touches only the transmit queue.
 */
static unsigned poll(struct nic *nic, unsigned budget, nic_rx_fn rx, void *ctx)
{
	struct virtio_net *vn = nic->priv;
	unsigned delivered = 0, reposted = 0;

	if (vn->failed)
		return 0;
	tx_reclaim(vn);
	/* Bad entries do not count against the budget, so bound them apart. */
	for (unsigned seen = 0; delivered < budget && seen < budget + vn->rx.size; seen++) {
		void *token;
		uint32_t len;
		enum virtq_get r = virtq_get_used(&vn->rx, &token, &len);
		uint8_t *buf = token;

		if (r == VIRTQ_GET_EMPTY || r == VIRTQ_GET_BROKEN)
			break;
		if (r == VIRTQ_GET_BAD_ID)
			continue;
		if (r == VIRTQ_GET_BUFFER && len >= VIRTIO_NET_HDR_LEN + 14 &&
		    len - VIRTIO_NET_HDR_LEN <= NIC_MAX_FRAME) {
			len -= VIRTIO_NET_HDR_LEN;
			nic->stats.rx_packets++;
			nic->stats.rx_bytes += len;
			rx(nic, buf + VIRTIO_NET_HDR_LEN, len, ctx);
			delivered++;
		} else {
			nic->stats.rx_dropped++;
		}
		rx_post(vn, buf);
		reposted++;
	}
	if (reposted) {
		virtq_publish(&vn->rx);
		if (virtq_should_notify(&vn->rx))
			notify(vn, VIRTIO_NET_RX_QUEUE);
	}
	check_health(vn);
	return delivered;
}

/* 5.1.4: the link status when VIRTIO_NET_F_STATUS, else always up. */
static bool link_up(struct nic *nic)
{
	struct virtio_net *vn = nic->priv;

	if (vn->failed)
		return false;
	if (!(vn->features & 1ull << VIRTIO_NET_F_STATUS) || vn->devcfg_len < 8)
		return true;
	return rd16(vn->devcfg, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

static const struct nic_ops virtio_net_ops = {
	.transmit = transmit,
	.poll = poll,
	.link_up = link_up,
};

int virtio_net_probe(const struct pci_device *d)
{
	struct virtio_net *vn;
	int err;

	if (!is_virtio_net(d))
		return -ENODEV;
	if (device_count == NIC_MAX)
		return -ENOSPC;
	vn = &devices[device_count];
	memset(vn, 0, sizeof(*vn));
	vn->bus = d->bus;
	vn->dev = d->dev;
	vn->fn = d->fn;
	err = map_structures(vn, d);
	if (err)
		return err;
	pci_enable(d, false);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	vn->msix = nic_msix_wake(d, 0) == 0;
	err = bring_up(vn);
	if (err) {
		log_error("virtio-net %02x:%02x.%u: initialisation failed (%d, status %#x)", d->bus,
			  d->dev, d->fn, err, status(vn));
		/* 3.1.1: FAILED; memory is freed only once the reset stopped all DMA. */
		if (reset(vn) == 0) {
			set_status(vn, VIRTIO_STATUS_FAILED);
			free_memory(vn);
		}
		return err;
	}
	vn->nic.name = "virtio-net";
	vn->nic.ops = &virtio_net_ops;
	vn->nic.priv = vn;
	err = nic_register(&vn->nic);
	if (err) {
		if (reset(vn) == 0)
			free_memory(vn);
		return err;
	}
	device_count++;
	log_info("virtio-net %02x:%02x.%u: rx %u tx %u entries, features %#llx, %s", d->bus, d->dev,
		 d->fn, vn->rx.size, vn->tx.size, (unsigned long long)vn->features,
		 vn->msix ? "MSI-X wakes the boot CPU" : "polled");
	return 0;
}
