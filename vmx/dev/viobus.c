/*
 * Per-VM port-I/O bus; see viobus.h for the contract. The device table is
 * a small array kept sorted by base port with disjoint ranges, so a port
 * is found by a binary search for the last range starting at or below it.
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/viobus.h"

void viobus_init(struct viobus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

uint32_t viobus_size_mask(unsigned size)
{
	switch (size) {
	case 1:
		return 0xffu;
	case 2:
		return 0xffffu;
	default:
		return 0xffffffffu;
	}
}

static bool viobus_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t viobus_end(const struct viobus_dev *d)
{
	return (uint32_t)d->base + d->count;
}

/* Index of the first device whose base is above `port` (0..ndevs). */
static unsigned viobus_upper(const struct viobus *bus, uint32_t port)
{
	unsigned lo = 0, hi = bus->ndevs;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (bus->devs[mid].base <= port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct viobus_dev *viobus_find(const struct viobus *bus, uint16_t port)
{
	unsigned i = viobus_upper(bus, port);
	const struct viobus_dev *d;

	if (i == 0)
		return NULL;
	d = &bus->devs[i - 1];
	return port < viobus_end(d) ? d : NULL;
}

int viobus_register(struct viobus *bus, const struct viobus_dev *dev)
{
	unsigned i;

	if (!dev || !dev->name || dev->count == 0 || viobus_end(dev) > VIOBUS_PORT_LIMIT)
		return -EINVAL;

	/*
	 * Ranges in the table are disjoint and sorted, so the new one can
	 * only meet its neighbours: the last range starting at or below its
	 * base, and the first one starting above it.
	 */
	i = viobus_upper(bus, dev->base);
	if (i > 0 && viobus_end(&bus->devs[i - 1]) > dev->base)
		return -EBUSY;
	if (i < bus->ndevs && bus->devs[i].base < viobus_end(dev))
		return -EBUSY;
	if (bus->ndevs == VIOBUS_MAX_DEVS)
		return -ENOSPC;

	memmove(&bus->devs[i + 1], &bus->devs[i], (bus->ndevs - i) * sizeof(bus->devs[0]));
	bus->devs[i] = *dev;
	bus->ndevs++;
	return 0;
}

uint32_t viobus_in(struct viobus *bus, uint16_t port, unsigned size)
{
	const struct viobus_dev *d;
	uint32_t mask = viobus_size_mask(size);

	if (!viobus_size_ok(size)) {
		bus->bad_size++;
		return mask;
	}
	d = viobus_find(bus, port);
	if (!d) {
		/* Nothing drives the bus: the data lines read high. */
		bus->unclaimed_in++;
		bus->last_unclaimed_port = port;
		return mask;
	}
	if (!d->read)
		return mask;
	return d->read(d->opaque, (uint16_t)(port - d->base), size) & mask;
}

void viobus_out(struct viobus *bus, uint16_t port, unsigned size, uint32_t value)
{
	const struct viobus_dev *d;

	if (!viobus_size_ok(size)) {
		bus->bad_size++;
		return;
	}
	d = viobus_find(bus, port);
	if (!d) {
		bus->unclaimed_out++;
		bus->last_unclaimed_port = port;
		return;
	}
	if (d->write)
		d->write(d->opaque, (uint16_t)(port - d->base), size,
			 value & viobus_size_mask(size));
}
