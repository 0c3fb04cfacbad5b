#include <string.h>

#include "drivers/pci/pci.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"

#define PCI_CONFIG_ADDRESS       0xcf8
#define PCI_CONFIG_DATA          0xcfc
#define PCI_HEADER_MULTIFUNCTION 0x80

struct pci_device pci_devices[PCI_MAX_DEVICES];
unsigned pci_device_count;
static bool scanned;

/* Mechanism #1: enable bit, bus, device, function, dword-aligned register. */
static uint32_t config_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
	       (offset & 0xfcu);
}

static uint32_t raw_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset)
{
	cpu_outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, offset));
	return cpu_inl(PCI_CONFIG_DATA);
}

static void raw_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t offset, uint32_t v)
{
	cpu_outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, offset));
	cpu_outl(PCI_CONFIG_DATA, v);
}

uint32_t pci_read32(const struct pci_device *d, uint16_t offset)
{
	return raw_read32(d->bus, d->dev, d->fn, offset);
}

uint16_t pci_read16(const struct pci_device *d, uint16_t offset)
{
	return (uint16_t)(pci_read32(d, offset) >> ((offset & 2) * 8));
}

uint8_t pci_read8(const struct pci_device *d, uint16_t offset)
{
	return (uint8_t)(pci_read32(d, offset) >> ((offset & 3) * 8));
}

void pci_write32(const struct pci_device *d, uint16_t offset, uint32_t value)
{
	raw_write32(d->bus, d->dev, d->fn, offset, value);
}

void pci_write16(const struct pci_device *d, uint16_t offset, uint16_t value)
{
	uint32_t v = pci_read32(d, offset);
	unsigned shift = (offset & 2) * 8;

	v = (v & ~(0xffffu << shift)) | (uint32_t)value << shift;
	pci_write32(d, offset & ~3u, v);
}

/*
 * Size the BARs by writing all ones and reading back (PCI 3.0, 6.2.5.1),
 * with decoding off meanwhile so the probe address never claims a cycle.
 */
static void read_bars(struct pci_device *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < 6; i++) {
		uint16_t off = PCI_BAR0 + 4 * i;
		uint32_t lo = pci_read32(d, off), hi = 0, mask_lo, mask_hi = 0;
		bool wide = pci_bar_is_64(lo) && i < 5;

		pci_write32(d, off, 0xffffffffu);
		mask_lo = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (wide) {
			hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, 0xffffffffu);
			mask_hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, hi);
		}
		pci_bar_decode(lo, hi, mask_lo, mask_hi, &d->bars[i]);
		if (wide)
			i++;
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_device *d;

	if (pci_device_count == PCI_MAX_DEVICES) {
		log_warn("pci: more than %d functions; %02x:%02x.%u ignored", PCI_MAX_DEVICES, bus,
			 dev, fn);
		return;
	}
	d = &pci_devices[pci_device_count++];
	memset(d, 0, sizeof(*d));
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->class_code = pci_read32(d, PCI_CLASS_REVISION) >> 8;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if ((pci_read8(d, PCI_HEADER_TYPE) & 0x7f) == 0)
		read_bars(d);
	log_debug("pci: %02x:%02x.%u %04x:%04x class %06x irq %u", bus, dev, fn, d->vendor,
		  d->device, d->class_code, d->irq_line);
}

/*
 * Every bus, device and function: a brute-force scan is 8192 reads of
 * the vendor ID and finds devices behind bridges without walking them.
 */
unsigned pci_scan(void)
{
	if (scanned)
		return pci_device_count;
	scanned = true;
	for (unsigned bus = 0; bus < 256; bus++) {
		for (uint8_t dev = 0; dev < 32; dev++) {
			uint32_t id = raw_read32((uint8_t)bus, dev, 0, PCI_VENDOR_ID);
			uint8_t fns;

			if ((id & 0xffff) == 0xffff)
				continue;
			fns = (raw_read32((uint8_t)bus, dev, 0, PCI_HEADER_TYPE & ~3u) >> 16) &
					      PCI_HEADER_MULTIFUNCTION
				      ? 8
				      : 1;
			for (uint8_t fn = 0; fn < fns; fn++) {
				if (fn)
					id = raw_read32((uint8_t)bus, dev, fn, PCI_VENDOR_ID);
				if ((id & 0xffff) != 0xffff)
					add_function((uint8_t)bus, dev, fn, id);
			}
		}
	}
	log_info("pci: %u functions", pci_device_count);
	return pci_device_count;
}

void pci_enable(const struct pci_device *d, bool io)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (io)
		cmd |= PCI_COMMAND_IO;
	pci_write16(d, PCI_COMMAND, cmd);
}

uint8_t pci_find_capability(const struct pci_device *d, uint8_t id, uint8_t start)
{
	uint8_t pos;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = start ? pci_read8(d, start + 1) : pci_read8(d, PCI_CAPABILITY_PTR);
	/* 48 capabilities fill the 192 bytes after the header: more is a loop. */
	for (unsigned n = 0; n < 48 && pos >= 0x40; n++) {
		pos &= ~3u;
		if (pci_read8(d, pos) == id)
			return pos;
		pos = pci_read8(d, pos + 1);
	}
	return 0;
}

void *pci_map_bar(const struct pci_device *d, unsigned bar)
{
	const struct pci_bar *b;

	if (bar >= 6)
		return NULL;
	b = &d->bars[bar];
	if ((b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64) || !b->base)
		return NULL;
	return kmem_map_mmio(b->base, b->size);
}
