/*
 * Per-VM port-I/O bus: which emulated device answers an IN or OUT the
 * guest executed.
 *
 * The VT-x I/O-instruction exit handler decodes the exit qualification
 * (SDM Vol. 3C 27.2.1 "Basic VM-Exit Information", table "Exit
 * Qualification for I/O Instructions": port, size 1/2/4, direction) and
 * calls viobus_in() or viobus_out(). Each device claims a contiguous range
 * of ports; a guest access goes to the device that claims its first port.
 * Ports nobody claims behave like an empty ISA bus: reads return all-ones
 * (the data lines float high), writes are dropped; both are counted.
 *
 * Pure logic: no allocation, no hardware, no locking. The table lives in
 * the caller's struct (one per VM); devices are registered while the VM
 * is being built and never removed. Accesses are not serialised here: the
 * caller must not run two accesses to the same device at once (one I/O
 * lock per VM is enough). Lookup is a binary search over the ranges kept
 * sorted by base, O(log n) on the VM-exit hot path.
 */
#ifndef STRATA_VMX_DEV_VIOBUS_H
#define STRATA_VMX_DEV_VIOBUS_H

#include "kernel/include/strata/types.h"

/* Devices one bus can hold (a PC has a dozen or so port-I/O devices). */
#define VIOBUS_MAX_DEVS 32

/* Ports are 16 bits: a range may end at 0xffff but not wrap past it. */
#define VIOBUS_PORT_LIMIT 0x10000u

/*
 * One port-I/O device. `read` and `write` get the offset of the first
 * accessed port from `base` (offset < count) and the access size in bytes
 * (1, 2 or 4). A multi-byte access is handed whole to the device that
 * claims its first port, so offset + size may run past `count`: the
 * device decides what the ports beyond its range do (an 8-bit ISA device
 * would split the access into byte cycles, see vuart.c).
 *
 * `read` returns the value in the low `size` bytes; higher bits are
 * masked off by the bus. `write` gets `value` already masked to `size`.
 * A NULL `read` makes the device's ports read all-ones, a NULL `write`
 * drops writes (both still count as claimed).
 */
struct viobus_dev {
	const char *name; /* for reports; must outlive the bus */
	uint16_t base;
	uint16_t count; /* ports claimed: base .. base + count - 1 */
	uint32_t (*read)(void *opaque, uint16_t offset, unsigned size);
	void (*write)(void *opaque, uint16_t offset, unsigned size, uint32_t value);
	void *opaque;
};

struct viobus {
	struct viobus_dev devs[VIOBUS_MAX_DEVS]; /* sorted by base, disjoint */
	unsigned ndevs;
	/* Accesses no device claimed, for the VM's statistics. */
	uint64_t unclaimed_in;
	uint64_t unclaimed_out;
	uint16_t last_unclaimed_port; /* valid once either count is non-zero */
	/* Calls with a size other than 1, 2 or 4 (a decoder bug, not the guest). */
	uint64_t bad_size;
};

/* An empty bus. */
void viobus_init(struct viobus *bus);

/*
 * Add a device; the descriptor is copied, `opaque` and `name` must stay
 * valid as long as the bus. Returns 0, -EINVAL for a NULL name, a zero
 * count or a range running past port 0xffff, -EBUSY if any of its ports
 * is already claimed, -ENOSPC when the bus holds VIOBUS_MAX_DEVS devices.
 */
int viobus_register(struct viobus *bus, const struct viobus_dev *dev);

/* The device claiming `port`, or NULL. */
const struct viobus_dev *viobus_find(const struct viobus *bus, uint16_t port);

/*
 * The guest's IN of `size` bytes (1, 2 or 4) from `port`. Returns the
 * value zero-extended from `size` bytes: the device's answer, or all-ones
 * of that size (0xff, 0xffff, 0xffffffff) when no device claims `port`.
 * A bad size reads 0xffffffff and is counted in bad_size. The caller
 * merges the result into the guest's AL/AX/EAX (a 32-bit IN zeroes
 * RAX[63:32], narrower ones leave the rest of RAX alone).
 */
uint32_t viobus_in(struct viobus *bus, uint16_t port, unsigned size);

/*
 * The guest's OUT of the low `size` bytes (1, 2 or 4) of `value` to
 * `port`. Dropped when no device claims `port` or the size is bad.
 */
void viobus_out(struct viobus *bus, uint16_t port, unsigned size, uint32_t value);

/* All-ones of an access size (1, 2 or 4 bytes), 0xffffffff for any other. */
uint32_t viobus_size_mask(unsigned size);

#endif
