/* UNIT_SOURCES: drivers/pci/pci_bar.c */
/*
 * BAR decoding against PCI Local Bus Specification 3.0, 6.2.5.1: the
 * size is the two's complement of the readback with the flag bits
 * masked; 64-bit memory BARs span two registers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/pci/pci_bar.h"

static void mem32(void **state)
{
	struct pci_bar b;

	/* e1000 under Bochs: 128 KiB at 0xc0000000, non-prefetchable. */
	assert_true(pci_bar_decode(0xc0000000u, 0, 0xfffe0000u, 0, &b));
	assert_int_equal(b.kind, PCI_BAR_MEM32);
	assert_int_equal(b.base, 0xc0000000u);
	assert_int_equal(b.size, 128 * 1024);
	assert_false(b.prefetchable);
	assert_false(pci_bar_is_64(0xc0000000u));
}

static void mem64_prefetchable(void **state)
{
	struct pci_bar b;

	/* virtio's 16 KiB 64-bit prefetchable BAR above 4 GiB. */
	assert_true(pci_bar_is_64(0x0000000cu));
	assert_true(pci_bar_decode(0x0000000cu, 0x8, 0xffffc00cu, 0xffffffffu, &b));
	assert_int_equal(b.kind, PCI_BAR_MEM64);
	assert_int_equal(b.base, 0x800000000ull);
	assert_int_equal(b.size, 16 * 1024);
	assert_true(b.prefetchable);
}

static void io(void **state)
{
	struct pci_bar b;

	assert_true(pci_bar_decode(0xc041u, 0, 0xffffffc1u, 0, &b));
	assert_int_equal(b.kind, PCI_BAR_IO);
	assert_int_equal(b.base, 0xc040);
	assert_int_equal(b.size, 64);
	/* Devices that implement only the low 16 bits of an I/O BAR. */
	assert_true(pci_bar_decode(0xc041u, 0, 0x0000ffc1u, 0, &b));
	assert_int_equal(b.size, 64);
}

static void unimplemented_and_broken(void **state)
{
	struct pci_bar b;

	assert_false(pci_bar_decode(0, 0, 0, 0, &b));
	assert_int_equal(b.kind, PCI_BAR_NONE);
	assert_false(pci_bar_decode(0xffffffffu, 0, 0xffffffffu, 0, &b)); /* nothing answered */
	assert_false(pci_bar_decode(0x2u, 0, 0xfff00002u, 0, &b));        /* reserved type 01b */
	/* A readback with a hole (not a power of two) is inconsistent. */
	assert_false(pci_bar_decode(0xc0000000u, 0, 0xfffe1000u, 0, &b));
	/* A base not aligned to the size. */
	assert_false(pci_bar_decode(0xc0010000u, 0, 0xfffe0000u, 0, &b));
	assert_int_equal(b.kind, PCI_BAR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mem32),
		cmocka_unit_test(mem64_prefetchable),
		cmocka_unit_test(io),
		cmocka_unit_test(unimplemented_and_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
