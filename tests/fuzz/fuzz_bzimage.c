/* FUZZ_SOURCES: vmx/loader/bzimage.c vmx/loader/e820.c vmx/loader/guest_acpi.c */
/*
 * libFuzzer target for the Linux bzImage loader (vmx/loader/bzimage.c):
 * arbitrary images into a small guest RAM that already holds the ACPI
 * tables (vmx/loader/guest_acpi.c). Beyond the sanitizers' checks (guest
 * RAM, the image and the initrd are heap buffers of their exact size), it
 * checks what the VM start code and the kernel rely on after a successful
 * load: the entry point inside the loaded kernel, kernel and initrd
 * inside RAM and apart, the zero page saying where they are, the page
 * tables identity-mapping what the kernel needs, the ACPI tables
 * untouched; and after a refusal, an all-zero entry state.
 *
 * Input: three control bytes, then the image.
 *   byte 0, bits 0-1  guest RAM: 1 MiB, 3 MiB, 8 MiB or 20 MiB
 *           bit 2     repair the magic numbers, protocol version, header
 *                     length and the LOADED_HIGH / XLF_KERNEL_64 flags, so
 *                     mutations reach placement
 *           bit 3     pass an initrd
 *           bit 4     pass a command line
 *   byte 1  initrd size in 1/256ths of guest RAM, plus 1 byte
 *   byte 2  vCPUs for the ACPI tables (0 and > 255 are refused)
 * Seeds: tests/fuzz/corpus/bzimage/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/loader/bzimage.h"
#include "vmx/loader/guest_acpi.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define CTL_RAM_MASK 0x03
#define CTL_REPAIR   0x04
#define CTL_INITRD   0x08
#define CTL_CMDLINE  0x10
#define CTL_BYTES    3

#define MIB      (1ULL << 20)
#define ACPI_LEN (GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t fuzz_ram_sizes[4] = { MIB, 3 * MIB, 8 * MIB, 20 * MIB };
static const char fuzz_cmdline[] = "console=ttyS0 root=/dev/ram0 rdinit=/init";

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void repair(uint8_t *img, size_t size)
{
	if (size < 0x268)
		return;
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	if ((img[0x206] | img[0x207] << 8) < BZ_MIN_PROTOCOL) {
		img[0x206] = 0x0f;
		img[0x207] = 0x02;
	}
	if (img[0x201] < 0x66)
		img[0x201] = 0x6a;
	img[0x211] |= BZ_LOADED_HIGH;
	img[0x236] |= BZ_XLF_KERNEL_64;
}

/* The CPU's walk (SDM Vol. 3A 4.5) with 2 MiB pages must give va back. */
static void check_identity(const struct guest_mem *mem, uint64_t cr3, uint64_t va)
{
	const uint64_t mask = 0x000ffffffffff000ULL;
	uint64_t e = rd64(mem->base + cr3 + 8 * ((va >> 39) & 511));

	FUZZ_CHECK((e & 3) == 3 && (e & mask) < BZ_BOOT_AREA_END);
	e = rd64(mem->base + (e & mask) + 8 * ((va >> 30) & 511));
	FUZZ_CHECK((e & 3) == 3 && (e & mask) < BZ_BOOT_AREA_END);
	e = rd64(mem->base + (e & mask) + 8 * ((va >> 21) & 511));
	FUZZ_CHECK((e & 0x83) == 0x83);
	FUZZ_CHECK((e & 0x000fffffffe00000ULL) == (va & ~(PAGE_SIZE_2M - 1)));
}

static void check_loaded(const struct guest_mem *mem, const struct bz_params *p,
			 const struct bz_entry *e)
{
	const uint8_t *bp = mem->base + BZ_ZERO_PAGE_ADDR;
	struct bz_header hdr;

	FUZZ_CHECK(bz_parse_header(p->image, p->image_size, &hdr) == BZ_OK);
	FUZZ_CHECK(hdr.version >= BZ_MIN_PROTOCOL && (hdr.xloadflags & BZ_XLF_KERNEL_64));
	FUZZ_CHECK(hdr.setup_size + hdr.kernel_size <= p->image_size);
	FUZZ_CHECK(e->kernel_start >= MIB && e->kernel_start + hdr.kernel_size <= e->kernel_end);
	FUZZ_CHECK(e->kernel_end <= mem->size);
	FUZZ_CHECK(e->rip == e->kernel_start + BZ_ENTRY_64_OFFSET);
	FUZZ_CHECK(e->rip < e->kernel_start + hdr.kernel_size);
	FUZZ_CHECK(memcmp(mem->base + e->kernel_start, p->image + hdr.setup_size,
			  hdr.kernel_size) == 0);
	FUZZ_CHECK(e->rsi == BZ_ZERO_PAGE_ADDR && e->cr3 == BZ_PML4_ADDR);
	FUZZ_CHECK(e->cs.selector == BZ_BOOT_CS && e->data.selector == BZ_BOOT_DS);

	if (p->initrd_size) {
		FUZZ_CHECK(e->initrd_start % 4096 == 0 && e->initrd_start >= e->kernel_end);
		FUZZ_CHECK(e->initrd_end == e->initrd_start + p->initrd_size);
		FUZZ_CHECK(e->initrd_end <= mem->size);
		FUZZ_CHECK(e->initrd_end - 1 <= hdr.initrd_addr_max);
		FUZZ_CHECK(memcmp(mem->base + e->initrd_start, p->initrd, p->initrd_size) == 0);
	} else {
		FUZZ_CHECK(e->initrd_start == 0 && e->initrd_end == 0);
	}
	FUZZ_CHECK(rd32(bp + 0x218) == e->initrd_start);
	FUZZ_CHECK(rd32(bp + 0x21c) == p->initrd_size);
	FUZZ_CHECK(rd32(bp + 0x202) == 0x53726448 && bp[0x1ef] == 0);
	FUZZ_CHECK(rd32(bp + 0x228) == BZ_CMDLINE_ADDR);
	FUZZ_CHECK(strcmp((const char *)mem->base + BZ_CMDLINE_ADDR,
			  p->cmdline ? p->cmdline : "") == 0);
	FUZZ_CHECK(bp[0x1e8] == e->e820_entries && e->e820_entries >= 4);
	FUZZ_CHECK(rd64(bp + 0x70) == p->acpi_rsdp);

	check_identity(mem, e->cr3, 0);
	check_identity(mem, e->cr3, BZ_ZERO_PAGE_ADDR);
	check_identity(mem, e->cr3, e->rip);
	check_identity(mem, e->cr3, e->kernel_end - 1);
	check_identity(mem, e->cr3, mem->size - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *rams[4];
	static uint8_t acpi[ACPI_LEN];
	struct guest_mem mem;
	struct bz_params p;
	struct bz_entry e;
	uint8_t ctl, *img, *initrd = NULL;
	uint32_t vcpus;
	bool acpi_built;

	if (size < CTL_BYTES)
		return 0;
	ctl = data[0];
	vcpus = data[2];
	for (int i = 0; i < 4; i++) {
		if (!rams[i])
			rams[i] = calloc(1, fuzz_ram_sizes[i]);
		if (!rams[i])
			abort();
	}
	mem = (struct guest_mem){ rams[ctl & CTL_RAM_MASK], fuzz_ram_sizes[ctl & CTL_RAM_MASK] };
	memset(&p, 0, sizeof(p));
	if (ctl & CTL_INITRD) {
		p.initrd_size = (size_t)(mem.size >> 8) * data[1] + 1;
		initrd = malloc(p.initrd_size);
		if (!initrd)
			abort();
		memset(initrd, 0x5a, p.initrd_size);
		p.initrd = initrd;
	}
	data += CTL_BYTES;
	size -= CTL_BYTES;
	img = malloc(size ? size : 1);
	if (!img)
		abort();
	memcpy(img, data, size);
	if (ctl & CTL_REPAIR)
		repair(img, size);
	p.image = img;
	p.image_size = size;
	p.cmdline = ctl & CTL_CMDLINE ? fuzz_cmdline : NULL;

	acpi_built = guest_acpi_build(&mem, vcpus) == 0;
	FUZZ_CHECK(acpi_built == (vcpus >= 1 && vcpus <= GUEST_ACPI_MAX_VCPUS));
	p.acpi_rsdp = acpi_built ? GUEST_ACPI_RSDP_ADDR : 0;
	memcpy(acpi, mem.base + GUEST_ACPI_AREA_START, ACPI_LEN);

	if (bz_load(&mem, &p, &e) == BZ_OK) {
		check_loaded(&mem, &p, &e);
	} else {
		static const struct bz_entry zero;

		FUZZ_CHECK(memcmp(&e, &zero, sizeof(e)) == 0);
	}
	FUZZ_CHECK(memcmp(acpi, mem.base + GUEST_ACPI_AREA_START, ACPI_LEN) == 0);
	free(img);
	free(initrd);
	return 0;
}
