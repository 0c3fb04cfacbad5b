/* UNIT_SOURCES: drivers/net/e1000_ring.c */
/*
 * Host tests of the e1000 descriptor-ring bookkeeping against the 8254x
 * manual's rules (3.2.6 receive descriptor queue: the device owns
 * head..tail-1, software the rest; 3.3 transmit: DD reports completion).
 * The test plays the device: it fills receive descriptors and sets DD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/net/e1000_ring.h"

#define N 8

static struct e1000_rx_desc rxd[N];
static struct e1000_tx_desc txd[N];

/* The device's receive side: its head, and the tail software gave it. */
struct device {
	uint32_t head, tail;
};

/* Device receives a frame into the descriptor at its head, if it owns one. */
static int device_receive(struct device *dev, uint16_t len, uint8_t status, uint8_t errors)
{
	if (dev->head == dev->tail)
		return -1; /* no descriptor: the frame is missed */
	rxd[dev->head].length = len;
	rxd[dev->head].errors = errors;
	rxd[dev->head].status = status;
	dev->head = (dev->head + 1) % N;
	return 0;
}

static struct e1000_rx_ring rx_setup(struct device *dev)
{
	uint64_t addr[N];
	struct e1000_rx_ring r = { .desc = rxd, .count = N };

	memset(rxd, 0xa5, sizeof(rxd));
	for (unsigned i = 0; i < N; i++)
		addr[i] = 0x100000 + i * 2048;
	dev->head = 0;
	dev->tail = e1000_rx_init(&r, addr);
	return r;
}

static void rx_init_gives_all_but_one(void **state)
{
	struct device dev;
	struct e1000_rx_ring r = rx_setup(&dev);

	assert_int_equal(dev.tail, N - 1);
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(rxd[i].addr, 0x100000 + i * 2048);
		assert_int_equal(rxd[i].status, 0);
	}
	assert_int_equal(r.next, 0);
}

static void rx_nothing_done(void **state)
{
	struct device dev;
	struct e1000_rx_ring r = rx_setup(&dev);
	uint32_t index;
	uint16_t len;
	bool ok;

	assert_false(e1000_rx_peek(&r, &index, &len, &ok));
}

static void rx_frames_in_order_and_wrap(void **state)
{
	struct device dev;
	struct e1000_rx_ring r = rx_setup(&dev);
	unsigned got = 0;

	/* Three times round the ring: the tail keeps the device fed. */
	for (unsigned f = 0; f < 3 * N; f++) {
		uint32_t index;
		uint16_t len;
		bool ok;

		assert_int_equal(device_receive(&dev, (uint16_t)(60 + f),
						E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0),
				 0);
		assert_true(e1000_rx_peek(&r, &index, &len, &ok));
		assert_true(ok);
		assert_int_equal(index, f % N);
		assert_int_equal(len, 60 + f);
		dev.tail = e1000_rx_release(&r);
		assert_int_equal(rxd[index].status, 0);
		got++;
	}
	assert_int_equal(got, 3 * N);
}

static void rx_full_ring_then_drain(void **state)
{
	struct device dev;
	struct e1000_rx_ring r = rx_setup(&dev);
	unsigned n = 0;
	uint32_t index;
	uint16_t len;
	bool ok;

	while (device_receive(&dev, 64, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0) == 0)
		n++;
	assert_int_equal(n, N - 1); /* one descriptor always stays with software */
	while (e1000_rx_peek(&r, &index, &len, &ok)) {
		dev.tail = e1000_rx_release(&r);
		n--;
	}
	assert_int_equal(n, 0);
	/* The device owns every descriptor but one again. */
	assert_int_equal((dev.tail + N - dev.head) % N, N - 1);
}

static void rx_bad_frames_are_flagged(void **state)
{
	struct device dev;
	struct e1000_rx_ring r = rx_setup(&dev);
	uint32_t index;
	uint16_t len;
	bool ok;

	device_receive(&dev, 2048, E1000_RXD_STAT_DD, 0); /* no EOP: spans buffers */
	device_receive(&dev, 64, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0x01); /* CRC error */
	device_receive(&dev, 4, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0);     /* runt */
	for (int i = 0; i < 3; i++) {
		assert_true(e1000_rx_peek(&r, &index, &len, &ok));
		assert_false(ok);
		dev.tail = e1000_rx_release(&r);
	}
}

static void tx_queue_until_full(void **state)
{
	struct e1000_tx_ring t = { .desc = txd, .count = N };
	int i, n = 0;

	memset(txd, 0, sizeof(txd));
	while ((i = e1000_tx_queue(&t, 0x2000 + n, 100)) >= 0) {
		assert_int_equal(i, n);
		assert_int_equal(txd[i].cmd,
				 E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
		assert_int_equal(txd[i].length, 100);
		n++;
	}
	assert_int_equal(n, N - 1);
	assert_int_equal(e1000_tx_reclaim(&t), 0);

	/* The device finishes two: both come back, in order. */
	txd[0].status = E1000_TXD_STAT_DD;
	txd[1].status = E1000_TXD_STAT_DD;
	assert_int_equal(e1000_tx_reclaim(&t), 2);
	assert_int_equal(e1000_tx_queue(&t, 0x9000, 60), N - 1);
	assert_int_equal(e1000_tx_queue(&t, 0x9001, 60), 0);
	assert_int_equal(e1000_tx_queue(&t, 0x9002, 60), -1);
	/* A DD bit past an unfinished descriptor is not reclaimed out of order. */
	txd[3].status = E1000_TXD_STAT_DD;
	assert_int_equal(e1000_tx_reclaim(&t), 0);
}

static void tx_wraps_many_times(void **state)
{
	struct e1000_tx_ring t = { .desc = txd, .count = N };

	memset(txd, 0, sizeof(txd));
	for (unsigned f = 0; f < 10 * N; f++) {
		int i = e1000_tx_queue(&t, 0x1000, 64);

		assert_int_equal(i, (int)(f % N));
		txd[i].status = E1000_TXD_STAT_DD; /* sent at once */
	}
	assert_int_equal(e1000_tx_reclaim(&t), N - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rx_init_gives_all_but_one),
		cmocka_unit_test(rx_nothing_done),
		cmocka_unit_test(rx_frames_in_order_and_wrap),
		cmocka_unit_test(rx_full_ring_then_drain),
		cmocka_unit_test(rx_bad_frames_are_flagged),
		cmocka_unit_test(tx_queue_until_full),
		cmocka_unit_test(tx_wraps_many_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
