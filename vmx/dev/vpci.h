/*
 * Emulated PCI configuration space: configuration mechanism #1 (PCI Local
 * Bus Specification 3.0, 3.2.2.3.2 "Software Generation of Configuration
 * Transactions") with a host bridge at bus 0, device 0, function 0 that
 * identifies itself as the Intel 82441FX PMC of the 440FX PCIset.
 *
 *	port         access        meaning
 *	0xcf8        dword         CONFIG_ADDRESS, read and written
 *	0xcf8        byte, word    not a configuration access: all-ones, dropped
 *	0xcfc-0xcff  any size      CONFIG_DATA: the bytes of the addressed dword
 *	                           at (port & 3), when CONFIG_ADDRESS bit 31 is set
 *
 *	CONFIG_ADDRESS (PCI 3.0 Figure 3-2)
 *	31     enable: CONFIG_DATA accesses become configuration transactions
 *	30:24  reserved, read as 0
 *	23:16  bus number
 *	15:11  device number
 *	10:8   function number
 *	7:2    register number (dword index into the 256-byte space)
 *	1:0    read as 0
 *
 * Only full dword reads and writes reach CONFIG_ADDRESS; other accesses
 * to it "are executed as normal I/O transactions on the PCI bus" (3.2.2.3.2)
 * and nothing answers them here. Ports 0xcf9-0xcfb are left unclaimed: on
 * PIIX chipsets a byte at 0xcf9 is the Reset Control Register, which the
 * platform emulates separately. So the model claims two port ranges, 0xcf8
 * (one port, taking the dword the bus hands it whole) and 0xcfc-0xcff.
 *
 * Functions: the host bridge and up to VPCI_MAX_FUNCTIONS - 1 more, added
 * with vpci_add_function() while the VM is built. Configuration reads of
 * anything else return all-ones, which software reads as Vendor ID 0xffff,
 * "no device" (PCI 3.0 6.1); writes to it are dropped. That is what a
 * real host bridge does after the master-abort of a configuration cycle
 * no device claimed. The host bridge does not record those aborts in its
 * Status register, as x86 chipsets do not for configuration cycles.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one struct vpci (and through it on every
 * function's callbacks).
 */
#ifndef STRATA_VMX_DEV_VPCI_H
#define STRATA_VMX_DEV_VPCI_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VPCI_CONFIG_ADDRESS 0xcf8
#define VPCI_CONFIG_DATA    0xcfc
#define VPCI_DATA_PORTS     4

/* CONFIG_ADDRESS fields (PCI 3.0 3.2.2.3.2, Figure 3-2). */
#define VPCI_ADDR_ENABLE   0x80000000u
#define VPCI_ADDR_BUS_MASK 0x00ff0000u
#define VPCI_ADDR_DEV_MASK 0x0000f800u
#define VPCI_ADDR_FN_MASK  0x00000700u
#define VPCI_ADDR_REG_MASK 0x000000fcu
/* The bits that read back; 30:24 and 1:0 are reserved and read as 0. */
#define VPCI_ADDR_MASK                                                                    \
	(VPCI_ADDR_ENABLE | VPCI_ADDR_BUS_MASK | VPCI_ADDR_DEV_MASK | VPCI_ADDR_FN_MASK | \
	 VPCI_ADDR_REG_MASK)

/* CONFIG_ADDRESS of a dword register, as a guest driver builds it. */
#define VPCI_ADDR(bus, dev, fn, reg)                                            \
	(VPCI_ADDR_ENABLE | ((uint32_t)(bus) << 16) | ((uint32_t)(dev) << 11) | \
	 ((uint32_t)(fn) << 8) | ((uint32_t)(reg)&VPCI_ADDR_REG_MASK))

#define VPCI_MAX_BUS       255
#define VPCI_MAX_DEVICE    31
#define VPCI_MAX_FUNCTION  7
#define VPCI_CONFIG_SIZE   256 /* bytes of one function's configuration space */
#define VPCI_MAX_FUNCTIONS 16  /* registry capacity, the host bridge included */

/* Type 00h configuration header (PCI 3.0 6.1, Figure 6-1): byte offsets. */
#define VPCI_VENDOR_ID           0x00 /* 16 bits */
#define VPCI_DEVICE_ID           0x02 /* 16 bits */
#define VPCI_COMMAND             0x04 /* 16 bits */
#define VPCI_STATUS              0x06 /* 16 bits */
#define VPCI_REVISION_ID         0x08
#define VPCI_CLASS_PROG          0x09 /* programming interface */
#define VPCI_CLASS_SUB           0x0a
#define VPCI_CLASS_BASE          0x0b
#define VPCI_CACHE_LINE_SIZE     0x0c
#define VPCI_LATENCY_TIMER       0x0d
#define VPCI_HEADER_TYPE         0x0e
#define VPCI_BIST                0x0f
#define VPCI_BAR0                0x10 /* six 32-bit Base Address registers */
#define VPCI_SUBSYSTEM_VENDOR_ID 0x2c
#define VPCI_SUBSYSTEM_ID        0x2e
#define VPCI_ROM_ADDRESS         0x30
#define VPCI_CAPABILITY_LIST     0x34
#define VPCI_INTERRUPT_LINE      0x3c
#define VPCI_INTERRUPT_PIN       0x3d

/* Header Type (PCI 3.0 6.2.1): bit 7 marks a multi-function device. */
#define VPCI_HEADER_TYPE_NORMAL 0x00
#define VPCI_HEADER_TYPE_MULTI  0x80

/* Command register bits (PCI 3.0 6.2.2, Table 6-2). */
#define VPCI_COMMAND_IO           0x0001
#define VPCI_COMMAND_MEMORY       0x0002
#define VPCI_COMMAND_MASTER       0x0004
#define VPCI_COMMAND_SPECIAL      0x0008
#define VPCI_COMMAND_INVALIDATE   0x0010
#define VPCI_COMMAND_VGA_PALETTE  0x0020
#define VPCI_COMMAND_PARITY       0x0040
#define VPCI_COMMAND_WAIT         0x0080
#define VPCI_COMMAND_SERR         0x0100
#define VPCI_COMMAND_FAST_BACK    0x0200
#define VPCI_COMMAND_INTX_DISABLE 0x0400

/* Status register bits (PCI 3.0 6.2.3, Table 6-3). */
#define VPCI_STATUS_INTERRUPT        0x0008
#define VPCI_STATUS_CAP_LIST         0x0010
#define VPCI_STATUS_66MHZ            0x0020
#define VPCI_STATUS_FAST_BACK        0x0080
#define VPCI_STATUS_PARITY           0x0100 /* master data parity error */
#define VPCI_STATUS_DEVSEL_MEDIUM    0x0200
#define VPCI_STATUS_DEVSEL_MASK      0x0600
#define VPCI_STATUS_SIG_TARGET_ABORT 0x0800
#define VPCI_STATUS_REC_TARGET_ABORT 0x1000
#define VPCI_STATUS_REC_MASTER_ABORT 0x2000
#define VPCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define VPCI_STATUS_DETECTED_PARITY  0x8000

/* Class codes (PCI 3.0 Appendix D). */
#define VPCI_CLASS_BRIDGE_HOST 0x060000 /* base 06h, sub 00h, interface 00h */

/*
 * The host bridge's identity: Intel 440FX PCIset, 82441FX PCI and Memory
 * Controller (PMC) datasheet (Intel order 290549-001), "PCI Configuration
 * Registers": VID 8086h, DID 1237h, RID 02h, CLASSC 060000h, HEDT 00h,
 * PCICMD default 0006h, PCISTS default 0280h.
 */
#define VPCI_HB_VENDOR   0x8086
#define VPCI_HB_DEVICE   0x1237
#define VPCI_HB_REVISION 0x02

/*
 * One function's configuration space as its model sees it. `offset` is a
 * byte offset below VPCI_CONFIG_SIZE and `size` is 1, 2 or 4 with the
 * access naturally aligned (offset % size == 0): the bus splits any
 * other access the guest makes into byte accesses. `read` returns the
 * value in its low `size` bytes (higher bits are masked off); `write`
 * gets `value` already masked to `size`. Both are called with the
 * caller's device lock held and must not call back into the vpci.
 * `read` is required; a NULL `write` makes the function read-only.
 */
struct vpci_function_ops {
	uint32_t (*read)(void *opaque, unsigned offset, unsigned size);
	void (*write)(void *opaque, unsigned offset, unsigned size, uint32_t value);
};

/* A registry entry: bus/device/function packed as in CONFIG_ADDRESS 23:8. */
struct vpci_function {
	uint16_t bdf;
	const struct vpci_function_ops *ops;
	void *opaque;
};

/* The 82441FX's registers that are not constant. */
struct vpci_host_bridge {
	uint16_t command;      /* PCICMD */
	uint16_t status;       /* PCISTS */
	uint8_t latency_timer; /* MLT */
};

/* One PCI configuration space. Read the fields; change them only through the API. */
struct vpci {
	uint32_t config_address; /* CONFIG_ADDRESS, reserved bits clear */
	struct vpci_host_bridge host;
	struct vpci_function funcs[VPCI_MAX_FUNCTIONS]; /* the host bridge is [0] */
	unsigned nfuncs;

	/* Statistics. */
	uint64_t absent_reads;  /* configuration reads no function claimed */
	uint64_t absent_writes; /* configuration writes no function claimed */
	uint64_t disabled_data; /* CONFIG_DATA accesses with the enable bit clear */
};

/* Bus/device/function packed into 16 bits: bus 15:8, device 7:3, function 2:0. */
static inline uint16_t vpci_bdf(unsigned bus, unsigned dev, unsigned fn)
{
	return (uint16_t)((bus & 0xff) << 8 | (dev & 0x1f) << 3 | (fn & 0x7));
}

/*
 * Set up `pci` with CONFIG_ADDRESS 0 and the host bridge at 00:00.0 in its
 * reset state (PCICMD 0006h, PCISTS 0280h, MLT 0) as the only function.
 */
void vpci_init(struct vpci *pci);

/*
 * Reset: CONFIG_ADDRESS 0 and the host bridge's registers to their
 * defaults. The registry and statistics are kept; added functions reset
 * themselves.
 */
void vpci_reset(struct vpci *pci);

/*
 * Add function `fn` of device `dev` on bus `bus`; `ops` and `opaque` must
 * outlive `pci`. Guests find a function only if function 0 of its device
 * exists and, for fn > 0, reports VPCI_HEADER_TYPE_MULTI (PCI 3.0 6.2.1);
 * and a bus other than 0 only through a bridge that leads to it. Returns
 * 0; -EINVAL for bus > 255, dev > 31, fn > 7, NULL `ops` or NULL
 * ops->read; -EBUSY when that function exists (00:00.0 is the host
 * bridge); -ENOSPC when VPCI_MAX_FUNCTIONS are registered.
 */
int vpci_add_function(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn,
		      const struct vpci_function_ops *ops, void *opaque);

/*
 * Register the configuration ports on `bus`: CONFIG_ADDRESS (0xcf8, one
 * port) and CONFIG_DATA (0xcfc-0xcff). Both or neither are registered.
 * Returns 0; -EBUSY when one of those ports is claimed; -ENOSPC when the
 * bus has room for fewer than two more devices.
 */
int vpci_attach(struct viobus *bus, struct vpci *pci);

/*
 * A configuration read of `size` bytes (1, 2 or 4) at byte `offset` of
 * bus/dev/fn, as the host bridge performs it: the function's answer, or
 * all-ones of that size when no such function exists. An access that is
 * not naturally aligned is split into bytes; bytes at or past
 * VPCI_CONFIG_SIZE, an offset over 255 or a bad size read all-ones.
 * For CONFIG_DATA and for tests; a later ECAM window would use it too.
 */
uint32_t vpci_config_read(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn,
			  unsigned offset, unsigned size);

/*
 * The configuration write of the low `size` bytes of `value`, split like
 * the read. Dropped for an absent function, a bad size, and bytes at or
 * past VPCI_CONFIG_SIZE.
 */
void vpci_config_write(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn, unsigned offset,
		       unsigned size, uint32_t value);

#endif
