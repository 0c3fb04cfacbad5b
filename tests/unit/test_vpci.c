/* UNIT_SOURCES: vmx/dev/vpci.c vmx/dev/viobus.c */
/*
 * Host tests of the PCI configuration space model against the PCI Local
 * Bus Specification 3.0 (3.2.2.3.2 configuration mechanism #1, 6.1 the
 * configuration header) and the 82441FX datasheet's register defaults:
 * the CONFIG_ADDRESS latch and its reserved bits, the enable bit, every
 * access size at every CONFIG_DATA port, the host bridge's identity and
 * writable bits, all-ones for absent functions, the function registry,
 * and the port claims next to the platform's reset register at 0xcf9.
 * The tests drive the model as a guest does: IN/OUT through the bus.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vpci.h"

static struct viobus bus;
static struct vpci pci;

static int setup(void **state)
{
	viobus_init(&bus);
	vpci_init(&pci);
	assert_int_equal(vpci_attach(&bus, &pci), 0);
	return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
	return viobus_in(&bus, port, size);
}

static void out(uint16_t port, unsigned size, uint32_t value)
{
	viobus_out(&bus, port, size, value);
}

/* A configuration read through mechanism #1, as a guest driver does it. */
static uint32_t cfg_read(unsigned b, unsigned d, unsigned f, unsigned off, unsigned size)
{
	out(VPCI_CONFIG_ADDRESS, 4, VPCI_ADDR(b, d, f, off));
	return in((uint16_t)(VPCI_CONFIG_DATA + (off & 3)), size);
}

static void cfg_write(unsigned b, unsigned d, unsigned f, unsigned off, unsigned size,
		      uint32_t value)
{
	out(VPCI_CONFIG_ADDRESS, 4, VPCI_ADDR(b, d, f, off));
	out((uint16_t)(VPCI_CONFIG_DATA + (off & 3)), size, value);
}

/* ----------------------------------------------------- CONFIG_ADDRESS --- */

static void test_address_latch(void **state)
{
	/* clang-format off */
	static const struct {
		uint32_t written;
		uint32_t read;
		const char *what;
	} cases[] = {
		{ 0x00000000, 0x00000000, "zero" },
		{ 0x80000000, 0x80000000, "enable only (Linux's type 1 probe)" },
		{ 0x80001238, 0x80001238, "bus 0 dev 2 fn 2 reg 0x38" },
		{ 0x80fffffc, 0x80fffffc, "every decoded bit" },
		{ 0xffffffff, 0x80fffffc, "reserved 30:24 and 1:0 read 0" },
		{ 0x7f000003, 0x00000000, "only reserved bits" },
		{ 0x0000abcc, 0x0000abcc, "disabled address still reads back" },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out(VPCI_CONFIG_ADDRESS, 4, cases[i].written);
		if (in(VPCI_CONFIG_ADDRESS, 4) != cases[i].read)
			fail_msg("%s: wrote 0x%08x, read 0x%08x, want 0x%08x", cases[i].what,
				 cases[i].written, in(VPCI_CONFIG_ADDRESS, 4), cases[i].read);
		assert_int_equal(pci.config_address, cases[i].read);
	}
}

/* Byte and word accesses at 0xcf8-0xcfb are ordinary I/O, not the latch. */
static void test_address_needs_dword(void **state)
{
	/* clang-format off */
	static const struct {
		uint16_t port;
		unsigned size;
	} cases[] = {
		{ 0xcf8, 1 }, { 0xcf8, 2 },
		{ 0xcf9, 1 }, { 0xcf9, 2 }, { 0xcf9, 4 },
		{ 0xcfa, 1 }, { 0xcfa, 2 }, { 0xcfa, 4 },
		{ 0xcfb, 1 }, { 0xcfb, 2 }, { 0xcfb, 4 },
	};
	/* clang-format on */

	out(VPCI_CONFIG_ADDRESS, 4, 0x80000008);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint16_t port = cases[i].port;
		unsigned size = cases[i].size;

		out(port, size, 0);
		out(port, size, 0xffffffff);
		if (in(port, size) != viobus_size_mask(size))
			fail_msg("port 0x%x size %u: read 0x%x", port, size, in(port, size));
		assert_int_equal(in(VPCI_CONFIG_ADDRESS, 4), 0x80000008);
	}
	/* 0xcf9-0xcfb belong to nobody here: the reset register lives there. */
	assert_null(viobus_find(&bus, 0xcf9));
	assert_null(viobus_find(&bus, 0xcfa));
	assert_null(viobus_find(&bus, 0xcfb));
	assert_non_null(viobus_find(&bus, 0xcf8));
	for (uint16_t p = 0xcfc; p <= 0xcff; p++)
		assert_non_null(viobus_find(&bus, p));
	assert_null(viobus_find(&bus, 0xd00));
	assert_null(viobus_find(&bus, 0xcf7));
}

/* ------------------------------------------------------- CONFIG_DATA --- */

static void test_enable_bit(void **state)
{
	/* Address of the host bridge's Vendor/Device ID, enable clear. */
	out(VPCI_CONFIG_ADDRESS, 4, 0x00000000);
	assert_int_equal(in(VPCI_CONFIG_DATA, 4), 0xffffffff);
	assert_int_equal(in(VPCI_CONFIG_DATA, 2), 0xffff);
	assert_int_equal(in(VPCI_CONFIG_DATA + 3, 1), 0xff);
	/* Command register, enable clear: the write must not land. */
	out(VPCI_CONFIG_ADDRESS, 4, 0x00000004);
	out(VPCI_CONFIG_DATA, 2, VPCI_COMMAND_SERR | VPCI_COMMAND_PARITY);
	assert_int_equal(pci.host.command, VPCI_COMMAND_MEMORY | VPCI_COMMAND_MASTER);
	assert_int_equal(pci.disabled_data, 4);

	out(VPCI_CONFIG_ADDRESS, 4, 0x80000000);
	assert_int_equal(in(VPCI_CONFIG_DATA, 4), 0x12378086);
}

/* Host bridge registers 00h-0Fh, for the access-size table. */
static const uint8_t hb_header[16] = {
	0x86, 0x80, 0x37, 0x12, /* vendor 8086h, device 1237h */
	0x06, 0x00, 0x80, 0x02, /* PCICMD 0006h, PCISTS 0280h */
	0x02, 0x00, 0x00, 0x06, /* RID 02h, class 06/00/00 */
	0x00, 0x00, 0x00, 0x00, /* CLS, MLT, HEDT, BIST */
};

static uint32_t hb_bytes(unsigned off, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)hb_header[off + i] << (8 * i);
	return v;
}

/*
 * Every size at every CONFIG_DATA port, for each of the four header
 * dwords: the bytes of the selected dword from (port & 3) on; bytes that
 * would fall at 0xd00 and up are not configuration data and read 0xff.
 */
static void test_data_sizes_and_offsets(void **state)
{
	static const unsigned sizes[] = { 1, 2, 4 };

	for (unsigned reg = 0; reg < 16; reg += 4) {
		out(VPCI_CONFIG_ADDRESS, 4, VPCI_ADDR(0, 0, 0, reg));
		for (unsigned k = 0; k < 4; k++) {
			for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
				unsigned size = sizes[s];
				unsigned inside = MIN(size, 4 - k);
				uint32_t want = hb_bytes(reg + k, inside);
				uint32_t got;

				for (unsigned i = inside; i < size; i++)
					want |= 0xffu << (8 * i);
				got = in((uint16_t)(VPCI_CONFIG_DATA + k), size);
				if (got != want)
					fail_msg("reg 0x%x port 0xcf%x size %u: got 0x%x, want 0x%x",
						 reg, 0xc + k, size, got, want);
			}
		}
	}
}

/* ------------------------------------------------------- host bridge --- */

static void test_host_bridge_identity(void **state)
{
	/* clang-format off */
	static const struct {
		unsigned off, size;
		uint32_t value;
		const char *what;
	} cases[] = {
		{ VPCI_VENDOR_ID,   2, 0x8086,   "vendor: Intel" },
		{ VPCI_DEVICE_ID,   2, 0x1237,   "device: 82441FX PMC" },
		{ VPCI_COMMAND,     2, 0x0006,   "PCICMD: MAE | BME hardwired" },
		{ VPCI_STATUS,      2, 0x0280,   "PCISTS: fast back-to-back, DEVSEL medium" },
		{ VPCI_REVISION_ID, 1, 0x02,     "revision" },
		{ VPCI_CLASS_PROG,  1, 0x00,     "programming interface" },
		{ VPCI_CLASS_SUB,   1, 0x00,     "sub-class: host bridge" },
		{ VPCI_CLASS_BASE,  1, 0x06,     "base class: bridge" },
		{ VPCI_CLASS_SUB,   2, 0x0600,   "class word, as Linux's sanity check reads it" },
		{ VPCI_HEADER_TYPE, 1, 0x00,     "header type 0, single function" },
		{ VPCI_BIST,        1, 0x00,     "no BIST" },
		{ VPCI_BAR0,        4, 0,        "no BARs" },
		{ VPCI_CAPABILITY_LIST, 1, 0,    "no capabilities" },
		{ VPCI_INTERRUPT_PIN,   1, 0,    "no interrupt" },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t got = cfg_read(0, 0, 0, cases[i].off, cases[i].size);

		if (got != cases[i].value)
			fail_msg("%s: got 0x%x, want 0x%x", cases[i].what, got, cases[i].value);
	}
	/* Everything from 10h to FFh reads 0. */
	for (unsigned off = 0x10; off < VPCI_CONFIG_SIZE; off += 4)
		assert_int_equal(cfg_read(0, 0, 0, off, 4), 0);
}

static void test_host_bridge_writes(void **state)
{
	/* clang-format off */
	static const struct {
		unsigned off, size;
		uint32_t value;
		unsigned check_off;
		uint32_t want; /* the dword at check_off afterwards */
		const char *what;
	} cases[] = {
		{ 0x04, 2, 0xffff,     0x04, 0x02800146, "PCICMD: SERRE, PERRE writable" },
		{ 0x04, 2, 0x0000,     0x04, 0x02800006, "PCICMD: MAE, BME stay 1" },
		{ 0x05, 1, 0x01,       0x04, 0x02800106, "PCICMD high byte alone" },
		{ 0x04, 1, 0x00,       0x04, 0x02800106, "PCICMD low byte leaves SERRE" },
		{ 0x06, 2, 0xffff,     0x04, 0x02800106, "PCISTS: write-1-to-clear, nothing set" },
		{ 0x04, 4, 0xffff0040, 0x04, 0x02800046, "dword: command and status at once" },
		{ 0x00, 4, 0x00000000, 0x00, 0x12378086, "IDs are read-only" },
		{ 0x08, 4, 0xffffffff, 0x08, 0x06000002, "RID and class are read-only" },
		{ 0x0d, 1, 0xff,       0x0c, 0x0000f800, "MLT: bits 7:3" },
		{ 0x0c, 4, 0xffffffff, 0x0c, 0x0000f800, "CLS, HEDT, BIST read-only" },
		{ 0x0c, 2, 0x4000,     0x0c, 0x00004000, "MLT through a word" },
		{ 0x10, 4, 0xffffffff, 0x10, 0x00000000, "BAR0 not implemented" },
		{ 0x50, 4, 0xffffffff, 0x50, 0x00000000, "chipset registers not modelled" },
		{ 0xfc, 4, 0xffffffff, 0xfc, 0x00000000, "last dword" },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t got;

		cfg_write(0, 0, 0, cases[i].off, cases[i].size, cases[i].value);
		got = cfg_read(0, 0, 0, cases[i].check_off, 4);
		if (got != cases[i].want)
			fail_msg("%s: got 0x%08x, want 0x%08x", cases[i].what, got, cases[i].want);
	}

	/* A reset restores the defaults and the address register. */
	vpci_reset(&pci);
	assert_int_equal(pci.config_address, 0);
	assert_int_equal(vpci_config_read(&pci, 0, 0, 0, VPCI_COMMAND, 4), 0x02800006);
	assert_int_equal(vpci_config_read(&pci, 0, 0, 0, VPCI_CACHE_LINE_SIZE, 4), 0);
}

/* ----------------------------------------------------- absent devices --- */

static void test_absent_all_ones(void **state)
{
	/* clang-format off */
	static const struct {
		unsigned b, d, f;
	} cases[] = {
		{ 0, 0, 1 }, { 0, 0, 7 }, { 0, 1, 0 }, { 0, 3, 0 }, { 0, 31, 7 },
		{ 1, 0, 0 }, { 128, 5, 3 }, { 255, 31, 7 },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned b = cases[i].b, d = cases[i].d, f = cases[i].f;

		for (unsigned off = 0; off < VPCI_CONFIG_SIZE; off += 0x44) {
			assert_int_equal(cfg_read(b, d, f, off, 4), 0xffffffff);
			assert_int_equal(cfg_read(b, d, f, off + 2, 2), 0xffff);
			assert_int_equal(cfg_read(b, d, f, off + 1, 1), 0xff);
		}
		cfg_write(b, d, f, VPCI_COMMAND, 2, 0xffff);
		assert_int_equal(cfg_read(b, d, f, VPCI_VENDOR_ID, 2), 0xffff);
	}
	assert_int_equal(pci.absent_writes, ARRAY_SIZE(cases));
	assert_int_equal(pci.absent_reads, ARRAY_SIZE(cases) * (4 * 3 + 1));
	/* The writes reached nobody else, the host bridge included. */
	assert_int_equal(cfg_read(0, 0, 0, VPCI_COMMAND, 2), 0x0006);
}

/* Linux's pci_check_type1() and pci_sanity_check() (arch/x86/pci/direct.c). */
static void test_linux_type1_probe(void **state)
{
	uint32_t saved;

	out(0xcfb, 1, 0x01);
	saved = in(VPCI_CONFIG_ADDRESS, 4);
	out(VPCI_CONFIG_ADDRESS, 4, 0x80000000);
	assert_int_equal(in(VPCI_CONFIG_ADDRESS, 4), 0x80000000);
	out(VPCI_CONFIG_ADDRESS, 4, saved);
	/* A host bridge on bus 0: the sanity check passes at devfn 0. */
	assert_int_equal(cfg_read(0, 0, 0, VPCI_CLASS_SUB, 2), 0x0600);
}

/* ---------------------------------------------------------- registry --- */

/* A function backed by 256 bytes, checking the alignment promise. */
struct fake_fn {
	uint8_t space[VPCI_CONFIG_SIZE];
	unsigned reads, writes;
	unsigned last_offset, last_size;
};

static uint32_t fake_read(void *opaque, unsigned offset, unsigned size)
{
	struct fake_fn *f = opaque;
	uint32_t v = 0;

	assert_true(size == 1 || size == 2 || size == 4);
	assert_int_equal(offset % size, 0);
	assert_true(offset + size <= VPCI_CONFIG_SIZE);
	f->reads++;
	f->last_offset = offset;
	f->last_size = size;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->space[offset + i] << (8 * i);
	return size < 4 ? v | 0xa5a5a5a5u << (8 * size) : v; /* junk above `size` */
}

static void fake_write(void *opaque, unsigned offset, unsigned size, uint32_t value)
{
	struct fake_fn *f = opaque;

	assert_true(size == 1 || size == 2 || size == 4);
	assert_int_equal(offset % size, 0);
	assert_true(offset + size <= VPCI_CONFIG_SIZE);
	assert_int_equal(value & ~viobus_size_mask(size), 0);
	f->writes++;
	f->last_offset = offset;
	f->last_size = size;
	for (unsigned i = 0; i < size; i++)
		f->space[offset + i] = (uint8_t)(value >> (8 * i));
}

static const struct vpci_function_ops fake_ops = { fake_read, fake_write };
static const struct vpci_function_ops fake_ro_ops = { fake_read, NULL };

static void test_registry_add(void **state)
{
	static struct fake_fn fn3, other;

	memset(&fn3, 0, sizeof(fn3));
	fn3.space[0] = 0xf4;
	fn3.space[1] = 0x1a; /* vendor 1af4h (virtio) */
	assert_int_equal(vpci_add_function(&pci, 0, 3, 0, &fake_ops, &fn3), 0);
	assert_int_equal(cfg_read(0, 3, 0, VPCI_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(fn3.last_offset, 0);
	assert_int_equal(fn3.last_size, 2);

	/* Overlap: the same function again, and the host bridge. */
	assert_int_equal(vpci_add_function(&pci, 0, 3, 0, &fake_ops, &other), -EBUSY);
	assert_int_equal(vpci_add_function(&pci, 0, 0, 0, &fake_ops, &other), -EBUSY);
	/* Neighbours are separate functions. */
	assert_int_equal(vpci_add_function(&pci, 0, 3, 1, &fake_ro_ops, &other), 0);
	assert_int_equal(cfg_read(0, 3, 0, VPCI_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(cfg_read(0, 3, 1, VPCI_VENDOR_ID, 2), 0x0000);
	assert_int_equal(cfg_read(0, 4, 0, VPCI_VENDOR_ID, 2), 0xffff);
	assert_int_equal(cfg_read(1, 3, 0, VPCI_VENDOR_ID, 2), 0xffff);

	/* Writes reach the function at the right offset; a NULL write is read-only. */
	cfg_write(0, 3, 0, 0x40, 4, 0x11223344);
	assert_int_equal(cfg_read(0, 3, 0, 0x40, 4), 0x11223344);
	cfg_write(0, 3, 0, 0x42, 1, 0xab);
	assert_int_equal(fn3.last_offset, 0x42);
	assert_int_equal(cfg_read(0, 3, 0, 0x40, 4), 0x11ab3344);
	cfg_write(0, 3, 1, 0x40, 4, 0x55555555);
	assert_int_equal(cfg_read(0, 3, 1, 0x40, 4), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0x40, 4), 0);
}

/* Misaligned guest accesses reach a function as single bytes. */
static void test_registry_split(void **state)
{
	static struct fake_fn fn;

	memset(&fn, 0, sizeof(fn));
	for (unsigned i = 0; i < VPCI_CONFIG_SIZE; i++)
		fn.space[i] = (uint8_t)i;
	assert_int_equal(vpci_add_function(&pci, 0, 5, 0, &fake_ops, &fn), 0);

	out(VPCI_CONFIG_ADDRESS, 4, VPCI_ADDR(0, 5, 0, 0x20));
	assert_int_equal(in(0xcfd, 2), 0x2221);
	assert_int_equal(fn.last_size, 1);
	assert_int_equal(in(0xcfd, 4), 0xff232221);
	assert_int_equal(in(0xcfe, 4), 0xffff2322);
	assert_int_equal(in(0xcff, 4), 0xffffff23);
	assert_int_equal(in(0xcff, 2), 0xff23);
	assert_int_equal(in(0xcfe, 2), 0x2322);
	assert_int_equal(fn.last_size, 2);

	fn.writes = 0;
	out(0xcfd, 4, 0xa3a2a1a0);
	assert_int_equal(fn.writes, 3); /* the byte at 0xd00 is not configuration */
	assert_int_equal(in(VPCI_CONFIG_DATA, 4), 0xa2a1a020);
	assert_int_equal(fn.space[0x24], 0x24);

	/* The direct interface: past the end of the space reads all-ones. */
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0xfe, 4), 0xfffffffe);
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0xff, 2), 0xffff);
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0x100, 1), 0xff);
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0x10, 3), 0xffffffff);
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0x10, 0), 0xffffffff);
	assert_int_equal(vpci_config_read(&pci, 0, 5, 0, 0x12, 2), 0x1312);
	fn.writes = 0;
	vpci_config_write(&pci, 0, 5, 0, 0xfe, 4, 0);
	assert_int_equal(fn.writes, 2);
	vpci_config_write(&pci, 0, 5, 0, 0x100, 4, 0);
	vpci_config_write(&pci, 0, 5, 0, 0x10, 3, 0);
	assert_int_equal(fn.writes, 2);
}

static void test_registry_invalid(void **state)
{
	static const struct vpci_function_ops no_read = { NULL, fake_write };
	/* clang-format off */
	static const struct {
		unsigned b, d, f;
	} bad[] = {
		{ 256, 0, 0 }, { 0, 32, 0 }, { 0, 0, 8 }, { ~0u, ~0u, ~0u },
	};
	/* clang-format on */
	struct fake_fn fn;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vpci_add_function(&pci, bad[i].b, bad[i].d, bad[i].f, &fake_ops,
						   &fn),
				 -EINVAL);
	assert_int_equal(vpci_add_function(&pci, 0, 1, 0, NULL, &fn), -EINVAL);
	assert_int_equal(vpci_add_function(&pci, 0, 1, 0, &no_read, &fn), -EINVAL);
	assert_int_equal(pci.nfuncs, 1);
	/* The last valid numbers are fine. */
	assert_int_equal(vpci_add_function(&pci, 255, 31, 7, &fake_ro_ops, &fn), 0);
	/* Out-of-range numbers on the direct interface hit nothing. */
	assert_int_equal(vpci_config_read(&pci, 0, 32, 0, 0, 4), 0xffffffff);
	assert_int_equal(vpci_config_read(&pci, 0, 0, 8, 0, 4), 0xffffffff);
	assert_int_equal(vpci_config_read(&pci, 256, 0, 0, 0, 4), 0xffffffff);
}

static void test_registry_capacity(void **state)
{
	static struct fake_fn fns[VPCI_MAX_FUNCTIONS];

	/* The host bridge takes one entry. */
	for (unsigned i = 1; i < VPCI_MAX_FUNCTIONS; i++) {
		memset(&fns[i], 0, sizeof(fns[i]));
		fns[i].space[0] = (uint8_t)i;
		assert_int_equal(vpci_add_function(&pci, 0, i, 0, &fake_ops, &fns[i]), 0);
	}
	assert_int_equal(vpci_add_function(&pci, 0, 20, 0, &fake_ops, &fns[0]), -ENOSPC);
	/* Overlap is reported before capacity. */
	assert_int_equal(vpci_add_function(&pci, 0, 1, 0, &fake_ops, &fns[0]), -EBUSY);
	assert_int_equal(pci.nfuncs, VPCI_MAX_FUNCTIONS);
	for (unsigned i = 1; i < VPCI_MAX_FUNCTIONS; i++)
		assert_int_equal(cfg_read(0, i, 0, 0, 1), i);
	assert_int_equal(cfg_read(0, 20, 0, 0, 4), 0xffffffff);
	assert_int_equal(cfg_read(0, 0, 0, 0, 4), 0x12378086);
}

/* ------------------------------------------------------------ attach --- */

static uint32_t reset_read(void *opaque, uint16_t offset, unsigned size)
{
	return 0x5a;
}

static void test_attach(void **state)
{
	struct viobus b;
	struct vpci p;
	struct viobus_dev rst = { "reset", 0xcf9, 1, reset_read, NULL, NULL };
	struct viobus_dev clash = { "clash", 0xcff, 2, NULL, NULL, NULL };

	/* Beside the platform's reset register at 0xcf9, in either order. */
	viobus_init(&b);
	vpci_init(&p);
	assert_int_equal(viobus_register(&b, &rst), 0);
	assert_int_equal(vpci_attach(&b, &p), 0);
	assert_int_equal(b.ndevs, 3);
	viobus_out(&b, VPCI_CONFIG_ADDRESS, 4, 0x80000000);
	assert_int_equal(viobus_in(&b, VPCI_CONFIG_DATA, 4), 0x12378086);
	assert_int_equal(viobus_in(&b, 0xcf9, 1), 0x5a);
	/* Twice: every port is taken. */
	assert_int_equal(vpci_attach(&b, &p), -EBUSY);
	assert_int_equal(b.ndevs, 3);

	/* A clash on the data ports registers nothing, not even 0xcf8. */
	viobus_init(&b);
	assert_int_equal(viobus_register(&b, &clash), 0);
	assert_int_equal(vpci_attach(&b, &p), -EBUSY);
	assert_int_equal(b.ndevs, 1);
	assert_null(viobus_find(&b, 0xcf8));

	/* Room for one more device only: -ENOSPC, nothing registered. */
	viobus_init(&b);
	for (unsigned i = 0; i < VIOBUS_MAX_DEVS - 1; i++) {
		struct viobus_dev d = { "filler", (uint16_t)(0x100 + i), 1, NULL, NULL, NULL };

		assert_int_equal(viobus_register(&b, &d), 0);
	}
	assert_int_equal(vpci_attach(&b, &p), -ENOSPC);
	assert_int_equal(b.ndevs, VIOBUS_MAX_DEVS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_address_latch, setup),
		cmocka_unit_test_setup(test_address_needs_dword, setup),
		cmocka_unit_test_setup(test_enable_bit, setup),
		cmocka_unit_test_setup(test_data_sizes_and_offsets, setup),
		cmocka_unit_test_setup(test_host_bridge_identity, setup),
		cmocka_unit_test_setup(test_host_bridge_writes, setup),
		cmocka_unit_test_setup(test_absent_all_ones, setup),
		cmocka_unit_test_setup(test_linux_type1_probe, setup),
		cmocka_unit_test_setup(test_registry_add, setup),
		cmocka_unit_test_setup(test_registry_split, setup),
		cmocka_unit_test_setup(test_registry_invalid, setup),
		cmocka_unit_test_setup(test_registry_capacity, setup),
		cmocka_unit_test(test_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
