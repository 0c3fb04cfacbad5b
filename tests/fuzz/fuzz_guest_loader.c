/* FUZZ_SOURCES: vmx/loader/multiboot.c vmx/loader/flat.c boot/common/elf.c */
/*
 * libFuzzer target for the guest image loaders (vmx/loader/): arbitrary
 * images into a small guest RAM. Beyond the sanitizers' checks (guest RAM
 * and the image are heap buffers of their exact size, so any access past
 * either is caught), it checks what the VM start code relies on after a
 * successful load: the entry point lies in what was loaded, nothing was
 * placed over the info area or the PC hole or past RAM, and the
 * Multiboot information structure says what the spec (0.6.96, 3.3)
 * requires and points only inside RAM.
 *
 * Input: one control byte, then the image.
 *   bits 0-1  guest RAM: 1 MiB, 1 MiB + 4 KiB, 2 MiB or 3 MiB
 *   bit 2     fix the checksum of the first header magic in the first
 *             8 KiB, so mutations get past it to the loaders proper
 *   bit 3     pass the image's first bytes again as an initrd module
 *   bit 4     pass a command line
 * The flat loader runs on every input too.
 * Seeds: tests/fuzz/corpus/guest_loader/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/loader/flat.h"
#include "vmx/loader/multiboot.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define CTL_RAM_MASK 0x03
#define CTL_FIX_SUM  0x04
#define CTL_INITRD   0x08
#define CTL_CMDLINE  0x10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t fuzz_ram_sizes[4] = { 1 << 20, (1 << 20) + 4096, 2 << 20, 3 << 20 };

static uint32_t rd32(const struct guest_mem *mem, uint64_t gpa)
{
	const uint8_t *p = mem->base + gpa;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fix_checksum(uint8_t *img, size_t size)
{
	for (size_t off = 0; off + 12 <= size && off + 12 <= MB_SEARCH_BYTES; off += 4) {
		uint32_t magic = rd32(&(struct guest_mem){ img, size }, off);
		uint32_t flags = rd32(&(struct guest_mem){ img, size }, off + 4);
		uint32_t sum = (uint32_t) - (MB_HEADER_MAGIC + flags);

		if (magic != MB_HEADER_MAGIC)
			continue;
		for (int i = 0; i < 4; i++)
			img[off + 8 + i] = (uint8_t)(sum >> (8 * i));
		return;
	}
}

static void check_mb(const struct guest_mem *mem, const struct mb_entry *e, size_t nmods,
		     const char *cmdline)
{
	uint64_t limit = mem->size < (1ULL << 32) ? mem->size : 1ULL << 32;

	FUZZ_CHECK(e->eax == MB_BOOTLOADER_MAGIC && e->ebx == MB_INFO_ADDR);
	FUZZ_CHECK(e->elf_error == ELF_OK);
	FUZZ_CHECK(e->image_start < e->image_end && e->image_end <= mem->size);
	FUZZ_CHECK(e->eip >= e->image_start && e->eip < e->image_end);
	/* One piece cannot straddle the info area, so a span inside it means overlap. */
	FUZZ_CHECK(!(e->image_start >= MB_INFO_AREA_START && e->image_start < MB_INFO_AREA_END));
	FUZZ_CHECK(!(e->image_end > MB_INFO_AREA_START && e->image_end <= MB_INFO_AREA_END));
	FUZZ_CHECK(!(e->image_start >= MB_LOW_END && e->image_start < MB_HIGH_START));
	FUZZ_CHECK(e->modules_end <= limit);
	FUZZ_CHECK(e->cr0 == 0x11 && e->eflags == 0x2);

	FUZZ_CHECK(rd32(mem, MB_INFO_ADDR) == 0x24d);
	FUZZ_CHECK(rd32(mem, MB_INFO_ADDR + 4) == 639);
	FUZZ_CHECK(rd32(mem, MB_INFO_ADDR + 8) == (mem->size - (1 << 20)) / 1024);
	FUZZ_CHECK(strcmp((const char *)mem->base + rd32(mem, MB_INFO_ADDR + 16), cmdline) == 0);
	FUZZ_CHECK(rd32(mem, MB_INFO_ADDR + 20) == nmods);
	for (size_t i = 0; i < nmods; i++) {
		uint64_t at = MB_MODS_ADDR + 16 * i;
		uint32_t start = rd32(mem, at), end = rd32(mem, at + 4);

		FUZZ_CHECK(start % 4096 == 0 && start >= MB_HIGH_START && start >= e->image_end);
		FUZZ_CHECK(start <= end && end <= limit && end <= e->modules_end);
		FUZZ_CHECK(strcmp((const char *)mem->base + rd32(mem, at + 8), "initrd") == 0);
	}
	/* Every mmap entry inside [0, size) and in order. */
	for (uint32_t off = 0, last = 0; off < rd32(mem, MB_INFO_ADDR + 44); off += 24) {
		uint64_t at = rd32(mem, MB_INFO_ADDR + 48) + off;
		uint64_t base = rd32(mem, at + 4) | (uint64_t)rd32(mem, at + 8) << 32;
		uint64_t len = rd32(mem, at + 12) | (uint64_t)rd32(mem, at + 16) << 32;

		FUZZ_CHECK(rd32(mem, at) == 20 && base >= last && base + len <= mem->size);
		last = (uint32_t)(base + len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *rams[4];
	struct guest_mem mem;
	struct mb_module mod;
	struct mb_entry mbe;
	struct flat_entry fe;
	const char *cmdline;
	uint8_t *img;
	uint8_t ctl;
	size_t n;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	for (int i = 0; i < 4; i++) {
		if (!rams[i])
			rams[i] = malloc(fuzz_ram_sizes[i]);
		if (!rams[i])
			abort();
	}
	mem = (struct guest_mem){ rams[ctl & CTL_RAM_MASK], fuzz_ram_sizes[ctl & CTL_RAM_MASK] };

	img = malloc(size ? size : 1);
	if (!img)
		abort();
	memcpy(img, data, size);
	if (ctl & CTL_FIX_SUM)
		fix_checksum(img, size);
	n = size < 4096 ? size : 4096;
	mod = (struct mb_module){ img, n, "initrd" };
	cmdline = ctl & CTL_CMDLINE ? "console=ttyS0 root=/dev/ram0" : NULL;

	if (mb_load_modules(&mem, img, size, &mod, ctl & CTL_INITRD ? 1 : 0, cmdline, &mbe) ==
	    MB_OK)
		check_mb(&mem, &mbe, ctl & CTL_INITRD ? 1 : 0, cmdline ? cmdline : "");
	else
		FUZZ_CHECK(mbe.eip == 0 && mbe.eax == 0);

	if (flat_load(&mem, img, size, &fe) == FLAT_OK) {
		FUZZ_CHECK(size > 0 && fe.image_end == FLAT_LOAD_ADDR + size);
		FUZZ_CHECK(fe.image_end <= FLAT_LOAD_END);
		FUZZ_CHECK(memcmp(mem.base + FLAT_LOAD_ADDR, img, size) == 0);
	} else {
		FUZZ_CHECK(size == 0 || size > FLAT_MAX_SIZE);
	}
	free(img);
	return 0;
}
