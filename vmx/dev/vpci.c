/*
 * Emulated PCI configuration space; see vpci.h for the port map and what
 * the model leaves out. "PCI 3.0" is the PCI Local Bus Specification,
 * Revision 3.0; "the 82441FX datasheet" is Intel's 440FX PCIset 82441FX
 * PCI and Memory Controller (PMC) and 82442FX Data Bus Accelerator (DBX)
 * datasheet, order 290549-001.
 *
 * Every access reaches a function through one path, vpci_config_read()
 * and vpci_config_write(), which hand the function naturally aligned
 * accesses only. The host bridge is an ordinary registry entry at 00:00.0
 * whose callbacks compute its registers, so it cannot be shadowed by a
 * later vpci_add_function().
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/vpci.h"

/*
 * 82441FX PCICMD (04h): SERRE (bit 8) and PERRE (bit 6) are read/write;
 * MAE (bit 1) and BME (bit 2) are hardwired to 1, because the PMC always
 * accepts memory cycles and always masters the bus; every other bit is 0.
 */
#define VPCI_HB_COMMAND_RESET (VPCI_COMMAND_MEMORY | VPCI_COMMAND_MASTER)
#define VPCI_HB_COMMAND_RW    (VPCI_COMMAND_SERR | VPCI_COMMAND_PARITY)

/*
 * 82441FX PCISTS (06h): fast back-to-back capable and medium DEVSEL
 * timing, read-only; the error bits 15:11 and 8 are write-1-to-clear.
 * The model never signals an error, so they stay 0, but a guest clearing
 * them sees the register it expects.
 */
#define VPCI_HB_STATUS_RESET (VPCI_STATUS_FAST_BACK | VPCI_STATUS_DEVSEL_MEDIUM)
#define VPCI_HB_STATUS_RW1C                                            \
	(VPCI_STATUS_DETECTED_PARITY | VPCI_STATUS_SIG_SYSTEM_ERROR |  \
	 VPCI_STATUS_REC_MASTER_ABORT | VPCI_STATUS_REC_TARGET_ABORT | \
	 VPCI_STATUS_SIG_TARGET_ABORT | VPCI_STATUS_PARITY)

/* 82441FX MLT (0Dh): the count in bits 7:3 is read/write, bits 2:0 are 0. */
#define VPCI_HB_LATENCY_RW 0xf8

static uint32_t vpci_size_mask(unsigned size)
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

static bool vpci_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

/* ------------------------------------------------------- host bridge --- */

/* The 82441FX's configuration dword at `reg` (a multiple of 4). */
static uint32_t vpci_hb_dword(const struct vpci_host_bridge *hb, unsigned reg)
{
	switch (reg) {
	case VPCI_VENDOR_ID:
		return VPCI_HB_VENDOR | (uint32_t)VPCI_HB_DEVICE << 16;
	case VPCI_COMMAND:
		return hb->command | (uint32_t)hb->status << 16;
	case VPCI_REVISION_ID:
		return VPCI_HB_REVISION | (uint32_t)VPCI_CLASS_BRIDGE_HOST << 8;
	case VPCI_CACHE_LINE_SIZE:
		/* No cache line size, BIST or multi-function bit: all 0. */
		return (uint32_t)hb->latency_timer << 8 | (uint32_t)VPCI_HEADER_TYPE_NORMAL << 16;
	default:
		/*
		 * The rest of the header (no BARs, no capabilities, no
		 * interrupt) and the chipset registers from 40h on (PAM,
		 * DRB, SMRAM...) read as 0: a guest OS never programs the
		 * memory controller, that is the firmware's job.
		 */
		return 0;
	}
}

static uint32_t vpci_hb_read(void *opaque, unsigned offset, unsigned size)
{
	const struct vpci *pci = opaque;

	return vpci_hb_dword(&pci->host, offset & ~3u) >> (8 * (offset & 3));
}

static void vpci_hb_write(void *opaque, unsigned offset, unsigned size, uint32_t value)
{
	struct vpci_host_bridge *hb = &((struct vpci *)opaque)->host;
	unsigned shift = 8 * (offset & 3);
	uint32_t be = vpci_size_mask(size) << shift; /* the bytes written */
	uint32_t v = value << shift;

	switch (offset & ~3u) {
	case VPCI_COMMAND: {
		uint16_t rw = VPCI_HB_COMMAND_RW & be;

		hb->command = (uint16_t)((hb->command & ~rw) | (v & rw));
		hb->status &= (uint16_t) ~((v >> 16) & (be >> 16) & VPCI_HB_STATUS_RW1C);
		break;
	}
	case VPCI_CACHE_LINE_SIZE:
		if (be & 0xff00)
			hb->latency_timer = (uint8_t)((v >> 8) & VPCI_HB_LATENCY_RW);
		break;
	default:
		break; /* read-only or not modelled */
	}
}

static const struct vpci_function_ops vpci_hb_ops = {
	.read = vpci_hb_read,
	.write = vpci_hb_write,
};

/* ---------------------------------------------------------- registry --- */

void vpci_reset(struct vpci *pci)
{
	pci->config_address = 0;
	pci->host.command = VPCI_HB_COMMAND_RESET;
	pci->host.status = VPCI_HB_STATUS_RESET;
	pci->host.latency_timer = 0;
}

void vpci_init(struct vpci *pci)
{
	memset(pci, 0, sizeof(*pci));
	pci->funcs[0] = (struct vpci_function){
		.bdf = vpci_bdf(0, 0, 0),
		.ops = &vpci_hb_ops,
		.opaque = pci,
	};
	pci->nfuncs = 1;
	vpci_reset(pci);
}

static bool vpci_bdf_ok(unsigned bus, unsigned dev, unsigned fn)
{
	return bus <= VPCI_MAX_BUS && dev <= VPCI_MAX_DEVICE && fn <= VPCI_MAX_FUNCTION;
}

/* The registered function at `bdf`, or NULL. A handful of entries: a linear scan. */
static const struct vpci_function *vpci_find(const struct vpci *pci, uint16_t bdf)
{
	for (unsigned i = 0; i < pci->nfuncs; i++) {
		if (pci->funcs[i].bdf == bdf)
			return &pci->funcs[i];
	}
	return NULL;
}

int vpci_add_function(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn,
		      const struct vpci_function_ops *ops, void *opaque)
{
	uint16_t bdf;

	if (!vpci_bdf_ok(bus, dev, fn) || !ops || !ops->read)
		return -EINVAL;
	bdf = vpci_bdf(bus, dev, fn);
	if (vpci_find(pci, bdf))
		return -EBUSY;
	if (pci->nfuncs == VPCI_MAX_FUNCTIONS)
		return -ENOSPC;
	pci->funcs[pci->nfuncs++] = (struct vpci_function){
		.bdf = bdf,
		.ops = ops,
		.opaque = opaque,
	};
	return 0;
}

/* ------------------------------------------------ configuration cycles --- */

/*
 * The function addressed by a configuration access, or NULL when none
 * answers (a master-abort on the real bus).
 */
static const struct vpci_function *vpci_target(const struct vpci *pci, unsigned bus, unsigned dev,
					       unsigned fn)
{
	if (!vpci_bdf_ok(bus, dev, fn))
		return NULL;
	return vpci_find(pci, vpci_bdf(bus, dev, fn));
}

uint32_t vpci_config_read(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn,
			  unsigned offset, unsigned size)
{
	uint32_t mask = vpci_size_mask(size);
	const struct vpci_function *f;
	uint32_t value = 0;

	if (!vpci_size_ok(size) || offset >= VPCI_CONFIG_SIZE)
		return mask;
	f = vpci_target(pci, bus, dev, fn);
	if (!f) {
		pci->absent_reads++;
		return mask;
	}
	if (offset % size == 0 && offset + size <= VPCI_CONFIG_SIZE)
		return f->ops->read(f->opaque, offset, size) & mask;
	/*
	 * Misaligned: byte by byte, so that a function only ever sees
	 * aligned accesses. Configuration registers have no read side
	 * effects, so the split is invisible to the guest.
	 */
	for (unsigned i = 0; i < size; i++) {
		unsigned at = offset + i;
		uint32_t byte = 0xff;

		if (at < VPCI_CONFIG_SIZE)
			byte = f->ops->read(f->opaque, at, 1) & 0xff;
		value |= byte << (8 * i);
	}
	return value;
}

void vpci_config_write(struct vpci *pci, unsigned bus, unsigned dev, unsigned fn, unsigned offset,
		       unsigned size, uint32_t value)
{
	const struct vpci_function *f;

	if (!vpci_size_ok(size) || offset >= VPCI_CONFIG_SIZE)
		return;
	f = vpci_target(pci, bus, dev, fn);
	if (!f) {
		pci->absent_writes++;
		return;
	}
	if (!f->ops->write)
		return;
	value &= vpci_size_mask(size);
	if (offset % size == 0 && offset + size <= VPCI_CONFIG_SIZE) {
		f->ops->write(f->opaque, offset, size, value);
		return;
	}
	for (unsigned i = 0; i < size; i++) {
		unsigned at = offset + i;

		if (at < VPCI_CONFIG_SIZE)
			f->ops->write(f->opaque, at, 1, (value >> (8 * i)) & 0xff);
	}
}

/* ------------------------------------------------------------- ports --- */

/*
 * CONFIG_ADDRESS (PCI 3.0 3.2.2.3.2): a full dword is latched and read
 * back with the reserved bits 30:24 and 1:0 as 0. The bus hands this
 * one-port device every access whose first port is 0xcf8; byte and word
 * accesses are ordinary I/O cycles that nothing here answers.
 */
static uint32_t vpci_addr_io_read(void *opaque, uint16_t offset, unsigned size)
{
	const struct vpci *pci = opaque;

	if (offset != 0 || size != 4)
		return 0xffffffffu;
	return pci->config_address;
}

static void vpci_addr_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	struct vpci *pci = opaque;

	if (offset == 0 && size == 4)
		pci->config_address = value & VPCI_ADDR_MASK;
}

static unsigned vpci_addr_bus(uint32_t a)
{
	return (a & VPCI_ADDR_BUS_MASK) >> 16;
}

static unsigned vpci_addr_dev(uint32_t a)
{
	return (a & VPCI_ADDR_DEV_MASK) >> 11;
}

static unsigned vpci_addr_fn(uint32_t a)
{
	return (a & VPCI_ADDR_FN_MASK) >> 8;
}

/*
 * CONFIG_DATA: port 0xcfc + `offset` reaches byte `offset` of the dword
 * that CONFIG_ADDRESS selects, so a byte or word access reads or writes
 * part of it. The bus hands the device a whole access, so one starting
 * at 0xcfd-0xcff may run past 0xcff: the CPU would split it and the part
 * at 0xd00 and up is not a configuration cycle (all-ones, dropped).
 * With the enable bit clear, no access is a configuration cycle.
 */
static uint32_t vpci_data_io_read(void *opaque, uint16_t offset, unsigned size)
{
	struct vpci *pci = opaque;
	uint32_t a = pci->config_address;
	unsigned bus = vpci_addr_bus(a), dev = vpci_addr_dev(a), fn = vpci_addr_fn(a);
	unsigned reg = a & VPCI_ADDR_REG_MASK;
	uint32_t value = 0;

	if (!vpci_size_ok(size))
		return 0xffffffffu; /* the bus never passes one */
	if (!(a & VPCI_ADDR_ENABLE)) {
		pci->disabled_data++;
		return 0xffffffffu;
	}
	if (offset % size == 0 && offset + size <= VPCI_DATA_PORTS)
		return vpci_config_read(pci, bus, dev, fn, reg + offset, size);
	for (unsigned i = 0; i < size; i++) {
		unsigned port = offset + i;
		uint32_t byte = 0xff;

		if (port < VPCI_DATA_PORTS)
			byte = vpci_config_read(pci, bus, dev, fn, reg + port, 1);
		value |= byte << (8 * i);
	}
	return value;
}

static void vpci_data_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	struct vpci *pci = opaque;
	uint32_t a = pci->config_address;
	unsigned bus = vpci_addr_bus(a), dev = vpci_addr_dev(a), fn = vpci_addr_fn(a);
	unsigned reg = a & VPCI_ADDR_REG_MASK;

	if (!vpci_size_ok(size))
		return;
	if (!(a & VPCI_ADDR_ENABLE)) {
		pci->disabled_data++;
		return;
	}
	if (offset % size == 0 && offset + size <= VPCI_DATA_PORTS) {
		vpci_config_write(pci, bus, dev, fn, reg + offset, size, value);
		return;
	}
	for (unsigned i = 0; i < size; i++) {
		unsigned port = offset + i;

		if (port < VPCI_DATA_PORTS)
			vpci_config_write(pci, bus, dev, fn, reg + port, 1,
					  (value >> (8 * i)) & 0xff);
	}
}

int vpci_attach(struct viobus *bus, struct vpci *pci)
{
	const struct viobus_dev devs[] = {
		{ "vpci-addr", VPCI_CONFIG_ADDRESS, 1, vpci_addr_io_read, vpci_addr_io_write, pci },
		{ "vpci-data", VPCI_CONFIG_DATA, VPCI_DATA_PORTS, vpci_data_io_read,
		  vpci_data_io_write, pci },
	};

	/* Check both ranges first: the bus cannot take a device back. */
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		for (unsigned p = 0; p < devs[i].count; p++) {
			if (viobus_find(bus, (uint16_t)(devs[i].base + p)))
				return -EBUSY;
		}
	}
	if (bus->ndevs + ARRAY_SIZE(devs) > VIOBUS_MAX_DEVS)
		return -ENOSPC;
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		int err = viobus_register(bus, &devs[i]);

		if (err)
			return err;
	}
	return 0;
}
