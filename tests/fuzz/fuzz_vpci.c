/* FUZZ_SOURCES: vmx/dev/viobus.c vmx/dev/vpci.c */
/*
 * libFuzzer target for the PCI configuration space model: a guest's
 * random IN/OUT sequence at 0xcf8-0xcff, mixed with direct configuration
 * accesses, function registrations and resets, checked byte for byte
 * against a reference model kept here.
 *
 * The reference is written the simplest way there is: CONFIG_ADDRESS
 * latches only full dwords at 0xcf8 and reads back with bits 30:24 and
 * 1:0 clear; ports 0xcf9-0xcfb answer nothing; each byte of a
 * CONFIG_DATA access is, on its own, byte (port & 3) of the addressed
 * dword when the enable bit is set, or 0xff; absent functions read 0xff
 * and ignore writes; the host bridge has the 82441FX's constant bytes
 * with PCICMD bits 6 and 8 and MLT bits 7:3 writable; registered
 * functions are 256 plain bytes (writable, or read-only). Besides the
 * sanitizers, every read must equal the reference, functions must only
 * see naturally aligned accesses inside their 256 bytes with values
 * masked to the size, and vpci_add_function() must return what the
 * registry rules predict.
 *
 * Input: 8-byte records
 *	byte 0    bits 2:0 operation, bits 5:4 size (1, 2, 4, or a bad 3)
 *	byte 1    port (bits 2:0 add to 0xcf8), target selector, flags
 *	byte 2    bus, or a register offset's high bit
 *	byte 3    device/function, or register offset
 *	bytes 4-7 value, little-endian
 * Seeds: tests/fuzz/corpus/vpci/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/dev/viobus.h"
#include "vmx/dev/vpci.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A function under test: 256 plain bytes (read-only through fake_ro_ops). */
struct fake_fn {
	uint8_t space[VPCI_CONFIG_SIZE];
};

static void fake_check(unsigned offset, unsigned size)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4);
	FUZZ_CHECK(offset % size == 0);
	FUZZ_CHECK(offset + size <= VPCI_CONFIG_SIZE);
}

static uint32_t fake_read(void *opaque, unsigned offset, unsigned size)
{
	const struct fake_fn *f = opaque;
	uint32_t v = 0;

	fake_check(offset, size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->space[offset + i] << (8 * i);
	/* Junk above `size` that the model must mask off. */
	return size < 4 ? v | 0x5a5a5a5au << (8 * size) : v;
}

static void fake_write(void *opaque, unsigned offset, unsigned size, uint32_t value)
{
	struct fake_fn *f = opaque;

	fake_check(offset, size);
	FUZZ_CHECK((value & ~viobus_size_mask(size)) == 0);
	for (unsigned i = 0; i < size; i++)
		f->space[offset + i] = (uint8_t)(value >> (8 * i));
}

static const struct vpci_function_ops fake_rw_ops = { fake_read, fake_write };
static const struct vpci_function_ops fake_ro_ops = { fake_read, NULL };

/* The reference model's view of one registered function. */
struct ref_fn {
	uint16_t bdf;
	bool rw;
	uint8_t space[VPCI_CONFIG_SIZE];
};

struct fuzz_state {
	struct viobus bus;
	struct vpci pci;
	struct fake_fn fakes[VPCI_MAX_FUNCTIONS];

	/* Reference. */
	uint32_t addr;
	uint16_t hb_command;
	uint8_t hb_mlt;
	struct ref_fn refs[VPCI_MAX_FUNCTIONS]; /* [0] unused: the host bridge */
	unsigned nrefs;                         /* host bridge included */
};

static struct fuzz_state st;

static void ref_reset(void)
{
	st.addr = 0;
	st.hb_command = 0x0006;
	st.hb_mlt = 0;
}

/* -1: absent; 0: the host bridge; n: refs[n]. */
static int ref_find(unsigned b, unsigned d, unsigned f)
{
	if (b > 255 || d > 31 || f > 7)
		return -1;
	if (b == 0 && d == 0 && f == 0)
		return 0;
	for (unsigned i = 1; i < st.nrefs; i++) {
		if (st.refs[i].bdf == vpci_bdf(b, d, f))
			return (int)i;
	}
	return -1;
}

static uint8_t ref_hb_byte(unsigned off)
{
	static const uint8_t header[16] = {
		0x86, 0x80, 0x37, 0x12, 0x00, 0x00, 0x80, 0x02,
		0x02, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	};

	if (off == 4)
		return (uint8_t)st.hb_command;
	if (off == 5)
		return (uint8_t)(st.hb_command >> 8);
	if (off == 0x0d)
		return st.hb_mlt;
	return off < 16 ? header[off] : 0;
}

static uint8_t ref_byte_read(int idx, unsigned off)
{
	if (idx < 0 || off >= VPCI_CONFIG_SIZE)
		return 0xff;
	if (idx == 0)
		return ref_hb_byte(off);
	return st.refs[idx].space[off];
}

static void ref_byte_write(int idx, unsigned off, uint8_t v)
{
	if (idx < 0 || off >= VPCI_CONFIG_SIZE)
		return;
	if (idx > 0) {
		if (st.refs[idx].rw)
			st.refs[idx].space[off] = v;
		return;
	}
	if (off == 4)
		st.hb_command = (uint16_t)((st.hb_command & 0xff00) | (v & 0x40) | 0x06);
	else if (off == 5)
		st.hb_command = (uint16_t)((st.hb_command & 0x00ff) | (uint16_t)(v & 0x01) << 8);
	else if (off == 0x0d)
		st.hb_mlt = v & 0xf8;
}

static bool size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t ref_config_read(unsigned b, unsigned d, unsigned f, unsigned off, unsigned size)
{
	int idx = ref_find(b, d, f);
	uint32_t v = 0;

	if (!size_ok(size) || off >= VPCI_CONFIG_SIZE)
		return viobus_size_mask(size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)ref_byte_read(idx, off + i) << (8 * i);
	return v;
}

static void ref_config_write(unsigned b, unsigned d, unsigned f, unsigned off, unsigned size,
			     uint32_t value)
{
	int idx = ref_find(b, d, f);

	if (!size_ok(size) || off >= VPCI_CONFIG_SIZE)
		return;
	for (unsigned i = 0; i < size; i++)
		ref_byte_write(idx, off + i, (uint8_t)(value >> (8 * i)));
}

static void ref_addr_decode(unsigned *b, unsigned *d, unsigned *f, unsigned *reg)
{
	*b = (st.addr >> 16) & 0xff;
	*d = (st.addr >> 11) & 0x1f;
	*f = (st.addr >> 8) & 0x7;
	*reg = st.addr & 0xfc;
}

static uint32_t ref_in(uint16_t port, unsigned size)
{
	unsigned b, d, f, reg;
	uint32_t v = 0;

	if (!size_ok(size))
		return 0xffffffff;
	if (port == 0xcf8 && size == 4)
		return st.addr;
	if (port < 0xcfc || !(st.addr & VPCI_ADDR_ENABLE))
		return viobus_size_mask(size);
	ref_addr_decode(&b, &d, &f, &reg);
	for (unsigned i = 0; i < size; i++) {
		unsigned k = port - 0xcfc + i;
		uint32_t byte = k < 4 ? ref_byte_read(ref_find(b, d, f), reg + k) : 0xff;

		v |= byte << (8 * i);
	}
	return v;
}

static void ref_out(uint16_t port, unsigned size, uint32_t value)
{
	unsigned b, d, f, reg;

	if (!size_ok(size))
		return;
	if (port == 0xcf8 && size == 4) {
		st.addr = value & 0x80fffffc;
		return;
	}
	if (port < 0xcfc || !(st.addr & VPCI_ADDR_ENABLE))
		return;
	ref_addr_decode(&b, &d, &f, &reg);
	for (unsigned i = 0; i < size; i++) {
		unsigned k = port - 0xcfc + i;

		if (k < 4)
			ref_byte_write(ref_find(b, d, f), reg + k, (uint8_t)(value >> (8 * i)));
	}
}

/* A target: mostly one that exists, so accesses reach functions. */
static void pick_target(uint8_t sel, uint8_t bus, uint8_t devfn, unsigned *b, unsigned *d,
			unsigned *f)
{
	unsigned n = (sel >> 3) & 3;

	uint16_t bdf;

	if (n == 0 || st.nrefs == 1)
		bdf = vpci_bdf(0, 0, 0);
	else if (n == 1)
		bdf = st.refs[1 + devfn % (st.nrefs - 1)].bdf;
	else
		bdf = (uint16_t)((n == 2 ? 0 : bus) << 8 | devfn);
	*b = bdf >> 8;
	*d = (bdf >> 3) & 0x1f;
	*f = bdf & 7;
}

static void fuzz_init(void)
{
	memset(&st, 0, sizeof(st));
	viobus_init(&st.bus);
	vpci_init(&st.pci);
	FUZZ_CHECK(vpci_attach(&st.bus, &st.pci) == 0);
	ref_reset();
	st.nrefs = 1;
}

static void fuzz_add(uint8_t sel, uint8_t bus, uint8_t devfn, uint32_t value)
{
	unsigned b = (sel & 0x80) ? bus : 0, d = devfn >> 3, f = devfn & 7;
	bool rw = !(sel & 0x40);
	int want, got;

	/* Out-of-range numbers now and then. */
	if ((sel & 0x38) == 0x38) {
		d += 32 * (value & 1);
		f += 8 * ((value >> 1) & 1);
		b += 256 * ((value >> 2) & 1);
	}
	if (b > 255 || d > 31 || f > 7)
		want = -EINVAL;
	else if (ref_find(b, d, f) >= 0)
		want = -EBUSY;
	else if (st.nrefs == VPCI_MAX_FUNCTIONS)
		want = -ENOSPC;
	else
		want = 0;

	if (want == 0) {
		struct fake_fn *fake = &st.fakes[st.nrefs];
		struct ref_fn *ref = &st.refs[st.nrefs];

		/* Fill both copies with the same pattern. */
		for (unsigned i = 0; i < VPCI_CONFIG_SIZE; i++)
			fake->space[i] = (uint8_t)(value * (i + 1) >> 3);
		memcpy(ref->space, fake->space, sizeof(ref->space));
		ref->bdf = vpci_bdf(b, d, f);
		ref->rw = rw;
		got = vpci_add_function(&st.pci, b, d, f, rw ? &fake_rw_ops : &fake_ro_ops, fake);
		FUZZ_CHECK(got == 0);
		st.nrefs++;
		FUZZ_CHECK(st.pci.nfuncs == st.nrefs);
		return;
	}
	got = vpci_add_function(&st.pci, b, d, f, &fake_rw_ops, &st.fakes[0]);
	FUZZ_CHECK(got == want);
	FUZZ_CHECK(st.pci.nfuncs == st.nrefs);
}

static void fuzz_record(const uint8_t *r)
{
	static const unsigned sizes[4] = { 1, 2, 4, 3 };
	unsigned op = r[0] & 7, size = sizes[(r[0] >> 4) & 3];
	uint32_t value = (uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
			 (uint32_t)r[7] << 24;
	uint16_t port = (uint16_t)(VPCI_CONFIG_ADDRESS + (r[1] & 7));
	unsigned b, d, f, off;
	uint32_t got;

	switch (op) {
	case 0: /* raw CONFIG_ADDRESS */
		viobus_out(&st.bus, VPCI_CONFIG_ADDRESS, 4, value);
		ref_out(VPCI_CONFIG_ADDRESS, 4, value);
		break;
	case 1: /* CONFIG_ADDRESS of a chosen target */
		pick_target(r[1], r[2], r[3], &b, &d, &f);
		value = VPCI_ADDR(b, d, f, value) & ~((r[1] & 0x80) ? 0u : VPCI_ADDR_ENABLE);
		viobus_out(&st.bus, VPCI_CONFIG_ADDRESS, 4, value);
		ref_out(VPCI_CONFIG_ADDRESS, 4, value);
		break;
	case 2:
		got = viobus_in(&st.bus, port, size);
		FUZZ_CHECK(got == ref_in(port, size));
		FUZZ_CHECK((got & ~viobus_size_mask(size)) == 0);
		break;
	case 3:
		viobus_out(&st.bus, port, size, value);
		ref_out(port, size, value & viobus_size_mask(size));
		break;
	case 4: /* direct read, offsets up to 0x1ff */
		pick_target(r[1], r[2], r[3], &b, &d, &f);
		off = (r[2] & 1) << 8 | (uint8_t)value;
		got = vpci_config_read(&st.pci, b, d, f, off, size);
		FUZZ_CHECK(got == ref_config_read(b, d, f, off, size));
		break;
	case 5:
		pick_target(r[1], r[2], r[3], &b, &d, &f);
		off = (r[2] & 1) << 8 | (uint8_t)(value >> 24);
		vpci_config_write(&st.pci, b, d, f, off, size, value);
		ref_config_write(b, d, f, off, size, value & viobus_size_mask(size));
		break;
	case 6:
		fuzz_add(r[1], r[2], r[3], value);
		break;
	default:
		vpci_reset(&st.pci);
		ref_reset();
		break;
	}
	/* The host bridge's state always matches the reference. */
	FUZZ_CHECK(st.pci.config_address == st.addr);
	FUZZ_CHECK(st.pci.host.command == st.hb_command);
	FUZZ_CHECK(st.pci.host.status == 0x0280);
	FUZZ_CHECK(st.pci.host.latency_timer == st.hb_mlt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	for (size_t i = 0; i + 8 <= size; i += 8)
		fuzz_record(data + i);
	/* Registered functions hold exactly what the reference wrote. */
	for (unsigned i = 1; i < st.nrefs; i++)
		FUZZ_CHECK(memcmp(st.fakes[i].space, st.refs[i].space, VPCI_CONFIG_SIZE) == 0);
	return 0;
}
