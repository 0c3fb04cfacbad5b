// SPDX-License-Identifier: MIT
/*
 * memory.elf: the VM's RAM is exactly what the multiboot memory map says.
 *
 * Every byte of every RAM (type 1) region below 4 GiB, except this image
 * (code, data, .bss with the stack), gets an address-derived pattern that
 * is then read back: a page mapped twice or not at all shows up. Then the
 * guest reads the first byte past the highest RAM address: under Strata
 * that access has no EPT mapping and the VM must be stopped with an EPT
 * report, so the read never returns. The RESULT line is printed before
 * that read; if the read returns, a FAIL and a second RESULT follow.
 *
 * Generic: the pattern test. Strata-specific: the past-end read (bare
 * QEMU returns a value, so this guest ends with FAIL there).
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest.h"
#include "multiboot.h"
#include "test.h"

#define MEM_LIMIT 0x100000000ull /* no paging: 32-bit addresses only */
#define MEM_SEED  0x5aa5c33cu

const char guest_name[] = "memory";

static uint64_t mem_tested;
static bool mem_ok = true;

static inline uint32_t mem_pattern(uintptr_t addr)
{
	return (uint32_t)addr ^ MEM_SEED;
}

/* Fill then verify [start, end); both 4-byte aligned. */
static void mem_test_range(uintptr_t start, uintptr_t end)
{
	uintptr_t p;

	if (start >= end)
		return;
	test_info("memory: testing %#x-%#x", start, end - 1);
	for (p = start; p < end; p += 4)
		*(volatile uint32_t *)p = mem_pattern(p);
	for (p = start; p < end; p += 4) {
		uint32_t got = *(volatile uint32_t *)p;

		if (got != mem_pattern(p)) {
			test_fail("memory_pattern", "at %#x read %#x, want %#x", p, got,
				  mem_pattern(p));
			mem_ok = false;
			return;
		}
	}
	mem_tested += end - start;
}

/* One RAM region minus the image, clipped to the 32-bit space. */
static void mem_test_region(const struct guest_mem_region *r)
{
	uint64_t base = r->base, end = r->base + r->length;
	uintptr_t img_start = (uintptr_t)__image_start;
	uintptr_t img_end = (uintptr_t)__image_end;
	uintptr_t s, e;

	if (base >= MEM_LIMIT)
		return;
	if (end > MEM_LIMIT)
		end = MEM_LIMIT - 4; /* 4 GiB itself is not addressable */
	s = ((uintptr_t)base + 3) & ~3u;
	e = (uintptr_t)end & ~3u;

	if (e <= img_start || s >= img_end) {
		mem_test_range(s, e);
		return;
	}
	mem_test_range(s, img_start);
	if (mem_ok)
		mem_test_range(img_end, e);
}

/* Highest end of a RAM region below 4 GiB, 0 if none. */
static uint64_t mem_ram_end(void)
{
	uint64_t top = 0;
	unsigned int i;

	for (i = 0; i < guest_boot.mmap_count; i++) {
		const struct guest_mem_region *r = &guest_boot.mmap[i];

		test_info("memory: mmap %#llx-%#llx type %u", (unsigned long long)r->base,
			  (unsigned long long)(r->base + r->length - 1), r->type);
		if (r->type == MB_MMAP_AVAILABLE && r->base < MEM_LIMIT &&
		    r->base + r->length > top)
			top = r->base + r->length;
	}
	return top;
}

/* Must not return under Strata: the VM is stopped on the EPT violation. */
static void mem_touch_past_end(uint64_t ram_end)
{
	uint8_t val;

	if (ram_end >= MEM_LIMIT) {
		test_fail("memory_past_end", "RAM reaches 4 GiB, nothing past it"
					     " is addressable without paging");
		return;
	}
	test_info("memory: reading %#llx, the first byte past RAM: "
		  "the VM must stop here",
		  (unsigned long long)ram_end);
	test_result();
	val = *(volatile uint8_t *)(uintptr_t)ram_end;
	test_fail("memory_past_end", "read of %#llx returned %#x", (unsigned long long)ram_end,
		  val);
}

void guest_main(void)
{
	uint64_t ram_end = mem_ram_end();
	unsigned int i;

	if (!test_check(ram_end != 0, "memory_mmap_ram",
			"no RAM region in the multiboot memory map"))
		return;
	test_info("memory: mem_lower=%u KiB mem_upper=%u KiB, RAM ends at %#llx",
		  guest_boot.mem_lower, guest_boot.mem_upper, (unsigned long long)ram_end);

	for (i = 0; i < guest_boot.mmap_count && mem_ok; i++)
		if (guest_boot.mmap[i].type == MB_MMAP_AVAILABLE)
			mem_test_region(&guest_boot.mmap[i]);
	if (mem_ok) {
		test_info("memory: tested %llu MiB (%llu KiB)",
			  (unsigned long long)(mem_tested >> 20),
			  (unsigned long long)(mem_tested >> 10));
		test_pass("memory_pattern");
	}
	mem_touch_past_end(ram_end);
}
