#include "drivers/net/e1000_ring.h"

/* Descriptor memory is shared with the device: order accesses to it. */
#define barrier() __asm__ volatile("" ::: "memory")

uint32_t e1000_rx_init(struct e1000_rx_ring *r, const uint64_t *buf_addr)
{
	for (uint32_t i = 0; i < r->count; i++) {
		r->desc[i].addr = buf_addr[i];
		r->desc[i].status = 0;
		r->desc[i].errors = 0;
		r->desc[i].length = 0;
	}
	r->next = 0;
	return r->count - 1;
}

bool e1000_rx_peek(const struct e1000_rx_ring *r, uint32_t *index, uint16_t *len, bool *ok)
{
	const volatile struct e1000_rx_desc *d = &r->desc[r->next];
	uint8_t status = d->status;

	if (!(status & E1000_RXD_STAT_DD))
		return false;
	/* Read the rest only after seeing DD (x86 keeps loads in order). */
	barrier();
	*index = r->next;
	*len = d->length;
	*ok = (status & E1000_RXD_STAT_EOP) && d->errors == 0 && *len >= 14;
	return true;
}

uint32_t e1000_rx_release(struct e1000_rx_ring *r)
{
	uint32_t done = r->next;

	r->desc[done].status = 0;
	r->desc[done].errors = 0;
	barrier();
	r->next = (done + 1) % r->count;
	/* The released descriptor becomes the last one the device may fill. */
	return done;
}

uint32_t e1000_tx_reclaim(struct e1000_tx_ring *r)
{
	while (r->clean != r->tail && (r->desc[r->clean].status & E1000_TXD_STAT_DD))
		r->clean = (r->clean + 1) % r->count;
	/* One descriptor stays unused so that tail == clean means empty. */
	return (r->clean + r->count - r->tail - 1) % r->count;
}

int e1000_tx_queue(struct e1000_tx_ring *r, uint64_t addr, uint16_t len)
{
	uint32_t i = r->tail;

	if (e1000_tx_reclaim(r) == 0)
		return -1;
	r->desc[i].addr = addr;
	r->desc[i].length = len;
	r->desc[i].cso = 0;
	r->desc[i].css = 0;
	r->desc[i].special = 0;
	r->desc[i].status = 0;
	r->desc[i].cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	barrier();
	r->tail = (i + 1) % r->count;
	return (int)i;
}
