/* UNIT_SOURCES: vmx/loader/bzimage.c vmx/loader/e820.c vmx/loader/guest_acpi.c */
/*
 * Linux bzImage loader (vmx/loader/bzimage.c) and the guest e820 map
 * (vmx/loader/e820.c).
 *
 * Images are built here: a boot sector and setup sectors carrying a
 * protocol 2.15 setup header, field by field at the offsets of boot.rst
 * ("The Real-Mode Kernel Header"), then a protected-mode kernel of a
 * byte pattern. Each malformation is a row of a table: a good image is
 * built, patched, and must be refused with its own error while guest RAM
 * stays exactly as it was. Guest RAM is a heap buffer of its exact size
 * filled with a marker byte, so ASan catches a write past it and the
 * tests catch a write where none belongs. The page tables are walked as
 * the CPU would walk them.
 *
 * A real Debian kernel is loaded too when one is at $STRATA_VMLINUZ or
 * build/linux/vmlinuz (tests/linux/fetch.sh puts it there); the test is
 * skipped otherwise. No kernel binary is part of the tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/loader/bzimage.h"
#include "vmx/loader/e820.h"
#include "vmx/loader/guest_acpi.h"

#define MARK     0xcc
#define MIB      (1ULL << 20)
#define RAM_SIZE (32 * MIB)

/* The synthetic kernel: 4 setup sectors, 64 KiB of kernel, 4 MiB init_size. */
#define IMG_SECTS     4
#define IMG_SETUP     ((IMG_SECTS + 1) * 512)
#define IMG_KERNEL    (64 * 1024)
#define IMG_INIT_SIZE (4 * MIB)
#define IMG_PREF      (16 * MIB)
#define IMG_ALIGN     (2 * MIB)

/* ---------------------------------------------------------- helpers --- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static struct guest_mem ram_new(uint64_t size)
{
	struct guest_mem mem = { malloc(size), size };

	assert_non_null(mem.base);
	memset(mem.base, MARK, size);
	return mem;
}

static uint8_t kernel_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/*
 * A bzImage of protocol 2.15 as the x86-64 kernel's header.S lays it
 * out: setup header from 0x1f1 to 0x26c, relocatable, 64-bit entry.
 */
struct image {
	uint8_t *buf;
	size_t size;
};

static struct image image_new(unsigned sects, size_t kernel)
{
	size_t setup = ((sects ? sects : 4) + 1) * 512;
	struct image img = { calloc(1, setup + kernel), setup + kernel };
	uint8_t *b = img.buf;

	assert_non_null(b);
	b[0x1f1] = (uint8_t)sects;
	put32(b + 0x1f4, (uint32_t)(kernel / 16)); /* syssize */
	put16(b + 0x1fa, 0xffff);                  /* vid_mode: normal */
	put16(b + 0x1fe, 0xaa55);                  /* boot_flag */
	b[0x200] = 0xeb;                           /* jmp short ... */
	b[0x201] = 0x6a;                           /* ... header ends at 0x26c */
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, 0x020f);        /* version 2.15 */
	put32(b + 0x214, 0x100000);      /* code32_start */
	b[0x211] = 0x01;                 /* loadflags: LOADED_HIGH */
	put32(b + 0x22c, 0x7fffffff);    /* initrd_addr_max */
	put32(b + 0x230, IMG_ALIGN);     /* kernel_alignment */
	b[0x234] = 1;                    /* relocatable_kernel */
	b[0x235] = 21;                   /* min_alignment: 2 MiB */
	put16(b + 0x236, 0x7f);          /* xloadflags: XLF_KERNEL_64 and more */
	put32(b + 0x238, 2047);          /* cmdline_size */
	put64(b + 0x258, IMG_PREF);      /* pref_address */
	put32(b + 0x260, IMG_INIT_SIZE); /* init_size */
	for (size_t i = 0; i < kernel; i++)
		b[setup + i] = kernel_byte(i);
	return img;
}

static struct image good_image(void)
{
	return image_new(IMG_SECTS, IMG_KERNEL);
}

static uint8_t *initrd_new(size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	assert_non_null(p);
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 13 + 1);
	return p;
}

/*
 * Walk the guest's 4-level tables for a linear address (SDM Vol. 3A,
 * 4.5): every level present and writable, a 2 MiB page at the PDE.
 * Returns the physical address.
 */
static uint64_t walk(const struct guest_mem *mem, uint64_t cr3, uint64_t va)
{
	const uint64_t addr_mask = 0x000ffffffffff000ULL;
	uint64_t e;

	e = get64(mem->base + (cr3 & addr_mask) + 8 * ((va >> 39) & 511));
	assert_int_equal(e & 3, 3);
	assert_true((e & addr_mask) + 4096 <= mem->size);
	e = get64(mem->base + (e & addr_mask) + 8 * ((va >> 30) & 511));
	assert_int_equal(e & 3, 3);
	assert_int_equal(e & 0x80, 0); /* no 1 GiB pages: not every CPU has them */
	assert_true((e & addr_mask) + 4096 <= mem->size);
	e = get64(mem->base + (e & addr_mask) + 8 * ((va >> 21) & 511));
	assert_int_equal(e & 0x83, 0x83);
	return (e & 0x000fffffffe00000ULL) | (va & (PAGE_SIZE_2M - 1));
}

/* Every byte outside [start[i], end[i]) still holds the marker. */
static void assert_untouched_except(const struct guest_mem *mem, const uint64_t *start,
				    const uint64_t *end, size_t n)
{
	for (uint64_t a = 0; a < mem->size; a++) {
		bool inside = false;

		for (size_t i = 0; i < n && !inside; i++)
			inside = a >= start[i] && a < end[i];
		if (!inside && mem->base[a] != MARK)
			fail_msg("byte 0x%llx written", (unsigned long long)a);
	}
}

static void assert_untouched(const struct guest_mem *mem)
{
	assert_untouched_except(mem, NULL, NULL, 0);
}

static enum bz_error load(struct guest_mem *mem, const struct image *img, const uint8_t *initrd,
			  size_t initrd_size, const char *cmdline, struct bz_entry *e)
{
	struct bz_params p = {
		.image = img->buf,
		.image_size = img->size,
		.initrd = initrd,
		.initrd_size = initrd_size,
		.cmdline = cmdline,
		.acpi_rsdp = GUEST_ACPI_RSDP_ADDR,
	};

	return bz_load(mem, &p, e);
}

/* ------------------------------------------------------- good loads --- */

static void test_entry_state(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_entry e;
	const uint8_t *gdt = mem.base + BZ_GDT_ADDR;

	(void)state;
	assert_int_equal(load(&mem, &img, NULL, 0, "console=ttyS0", &e), BZ_OK);
	assert_int_equal(e.kernel_start, IMG_PREF);
	assert_int_equal(e.kernel_end, IMG_PREF + IMG_INIT_SIZE);
	assert_int_equal(e.rip, IMG_PREF + 0x200);
	assert_int_equal(e.rsi, BZ_ZERO_PAGE_ADDR);
	assert_int_equal(e.rsp, 0);
	assert_int_equal(e.rflags, 0x2);
	assert_int_equal(e.cr0, 0x80000011);
	assert_int_equal(e.cr3, BZ_PML4_ADDR);
	assert_int_equal(e.cr4, 0x20);
	assert_int_equal(e.efer, 0x500);
	assert_int_equal(e.protocol, 0x020f);
	assert_int_equal(e.initrd_start, 0);
	assert_int_equal(e.initrd_end, 0);

	/* boot.rst "64-bit Boot Protocol": __BOOT_CS 0x10, __BOOT_DS 0x18, flat. */
	assert_int_equal(e.cs.selector, 0x10);
	assert_int_equal(e.cs.base, 0);
	assert_int_equal(e.cs.limit, 0xffffffff);
	assert_int_equal(e.cs.ar, 0xa09b);
	assert_int_equal(e.data.selector, 0x18);
	assert_int_equal(e.data.base, 0);
	assert_int_equal(e.data.limit, 0xffffffff);
	assert_int_equal(e.data.ar, 0xc093);
	assert_int_equal(e.gdt_base, BZ_GDT_ADDR);
	assert_int_equal(e.gdt_limit, 31);
	assert_int_equal(get64(gdt), 0);
	assert_int_equal(get64(gdt + 8), 0);
	assert_int_equal(get64(gdt + 0x10), 0x00af9b000000ffffULL);
	assert_int_equal(get64(gdt + 0x18), 0x00cf93000000ffffULL);
	free(img.buf);
	free(mem.base);
}

/* The kernel's bytes at its load address; nothing else written but the boot area. */
static void test_placement(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_entry e;
	uint64_t start[] = { BZ_BOOT_AREA_START, IMG_PREF };
	uint64_t end[] = { BZ_BOOT_AREA_END, IMG_PREF + IMG_KERNEL };

	(void)state;
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_memory_equal(mem.base + IMG_PREF, img.buf + IMG_SETUP, IMG_KERNEL);
	assert_untouched_except(&mem, start, end, 2);
	free(img.buf);
	free(mem.base);
}

static void test_zero_page(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	uint8_t *initrd = initrd_new(100000);
	const uint8_t *bp = mem.base + BZ_ZERO_PAGE_ADDR;
	struct bz_entry e;

	(void)state;
	assert_int_equal(load(&mem, &img, initrd, 100000, "console=ttyS0 quiet", &e), BZ_OK);
	/* The header, copied from 0x1f1 to its end (0x202 + 0x6a)... */
	assert_memory_equal(bp + 0x1f1, img.buf + 0x1f1, 0x210 - 0x1f1);
	assert_memory_equal(bp + 0x22c, img.buf + 0x22c, 0x26c - 0x22c);
	assert_int_equal(get16(bp + 0x1fe), 0xaa55);
	assert_int_equal(get32(bp + 0x202), 0x53726448);
	assert_int_equal(get32(bp + 0x260), IMG_INIT_SIZE);
	assert_int_equal(get32(bp + 0x230), IMG_ALIGN);
	/* ... nothing before it but the loader's own fields; the sentinel 0. */
	assert_int_equal(bp[0x1ef], 0);
	for (unsigned off = 0; off < 0x1f1; off++) {
		if ((off >= 0x70 && off < 0x78) || off == 0x1e8)
			continue;
		assert_int_equal(bp[off], 0);
	}
	for (unsigned off = 0x26c; off < 0x2d0; off++)
		assert_int_equal(bp[off], 0);
	/* The loader's fields (boot.rst "Details of Header Fields"). */
	assert_int_equal(bp[0x210], 0xff);             /* type_of_loader */
	assert_int_equal(bp[0x211], 0x81);             /* LOADED_HIGH | CAN_USE_HEAP */
	assert_int_equal(get32(bp + 0x214), IMG_PREF); /* code32_start */
	assert_int_equal(get16(bp + 0x224), 0xde00);   /* heap_end_ptr */
	assert_int_equal(get32(bp + 0x228), BZ_CMDLINE_ADDR);
	assert_string_equal((const char *)mem.base + BZ_CMDLINE_ADDR, "console=ttyS0 quiet");
	assert_int_equal(get32(bp + 0x218), e.initrd_start);
	assert_int_equal(get32(bp + 0x21c), 100000);
	assert_int_equal(get64(bp + 0x250), 0); /* setup_data */
	assert_int_equal(get64(bp + 0x070), GUEST_ACPI_RSDP_ADDR);
	free(initrd);
	free(img.buf);
	free(mem.base);
}

static void test_e820_in_zero_page(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	const uint8_t *bp = mem.base + BZ_ZERO_PAGE_ADDR;
	struct bz_entry e;
	static const uint64_t want[][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x100000 - 0x9fc00, 2 },
		{ 0x100000, RAM_SIZE - 0x100000, 1 },
		{ 0xfec00000, 0x1000, 2 },
		{ 0xfee00000, 0x1000, 2 },
	};

	(void)state;
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(bp[0x1e8], 5);
	assert_int_equal(e.e820_entries, 5);
	for (unsigned i = 0; i < 5; i++) {
		const uint8_t *ent = bp + 0x2d0 + 20 * i;

		assert_int_equal(get64(ent), want[i][0]);
		assert_int_equal(get64(ent + 8), want[i][1]);
		assert_int_equal(get32(ent + 16), want[i][2]);
	}
	assert_int_equal(get64(bp + 0x2d0 + 20 * 5), 0);
	free(img.buf);
	free(mem.base);
}

/* Identity map of [0, 4 GiB), and everything the kernel needs inside it. */
static void test_page_tables(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_entry e;
	/* clang-format off */
	static const uint64_t probes[] = {
		0, BZ_ZERO_PAGE_ADDR, BZ_CMDLINE_ADDR, 0xe0000, IMG_PREF + 0x200,
		IMG_PREF + IMG_INIT_SIZE - 1, RAM_SIZE - 1, 0xfee00000, 0xffffffffULL,
	};
	/* clang-format on */

	(void)state;
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		assert_int_equal(walk(&mem, e.cr3, probes[i]), probes[i]);
	for (uint64_t va = 0; va < (4ULL << 30); va += PAGE_SIZE_2M)
		assert_int_equal(walk(&mem, e.cr3, va + 0x1234), va + 0x1234);
	/* Only the first PML4 and PDPT slots are used: 4 GiB and up is not mapped. */
	for (unsigned i = 1; i < 512; i++)
		assert_int_equal(get64(mem.base + BZ_PML4_ADDR + 8 * i), 0);
	for (unsigned i = 4; i < 512; i++)
		assert_int_equal(get64(mem.base + BZ_PDPT_ADDR + 8 * i), 0);
	/* The tables lie in the boot area, clear of the zero page and cmdline. */
	assert_true(BZ_PML4_ADDR >= BZ_CMDLINE_ADDR + BZ_MAX_CMDLINE + 1);
	free(img.buf);
	free(mem.base);
}

static void test_initrd_at_top(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	const size_t size = 3 * MIB + 123;
	uint8_t *initrd = initrd_new(size);
	struct bz_entry e;
	uint64_t start[3], end[3];

	(void)state;
	assert_int_equal(load(&mem, &img, initrd, size, NULL, &e), BZ_OK);
	assert_int_equal(e.initrd_start, (RAM_SIZE - size) & ~0xfffULL);
	assert_int_equal(e.initrd_end, e.initrd_start + size);
	assert_true(e.initrd_start >= e.kernel_end);
	assert_memory_equal(mem.base + e.initrd_start, initrd, size);
	start[0] = BZ_BOOT_AREA_START, end[0] = BZ_BOOT_AREA_END;
	start[1] = IMG_PREF, end[1] = IMG_PREF + IMG_KERNEL;
	start[2] = e.initrd_start, end[2] = e.initrd_end;
	assert_untouched_except(&mem, start, end, 3);
	free(initrd);
	free(img.buf);
	free(mem.base);
}

/* initrd_addr_max is the last byte the initrd may occupy. */
static void test_initrd_addr_max(void **state)
{
	struct guest_mem mem = ram_new(64 * MIB);
	struct image img = good_image();
	uint8_t *initrd = initrd_new(MIB);
	struct bz_entry e;

	(void)state;
	put32(img.buf + 0x22c, 48 * MIB - 1);
	assert_int_equal(load(&mem, &img, initrd, MIB, NULL, &e), BZ_OK);
	assert_int_equal(e.initrd_start, 47 * MIB);
	assert_int_equal(e.initrd_end, 48 * MIB);
	/* One byte more and it must go a page lower. */
	free(initrd);
	initrd = initrd_new(MIB + 1);
	assert_int_equal(load(&mem, &img, initrd, MIB + 1, NULL, &e), BZ_OK);
	assert_int_equal(e.initrd_start, 47 * MIB - 4096);
	assert_true(e.initrd_end <= 48 * MIB);
	free(initrd);
	free(img.buf);
	free(mem.base);
}

/* The kernel at 16 MiB uses [16 MiB, 16 MiB + init_size): the initrd must stay above. */
static void test_initrd_clear_of_init_size(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	size_t fits = RAM_SIZE - IMG_PREF - IMG_INIT_SIZE;
	uint8_t *initrd = initrd_new(fits + 1);
	struct bz_entry e;

	(void)state;
	assert_int_equal(load(&mem, &img, initrd, fits, NULL, &e), BZ_OK);
	assert_int_equal(e.initrd_start, IMG_PREF + IMG_INIT_SIZE);
	memset(mem.base, MARK, mem.size);
	/*
	 * One byte more does not fit: loading the kernel lower would not
	 * help, it moves itself up to pref_address (boot.rst).
	 */
	assert_int_equal(load(&mem, &img, initrd, fits + 1, NULL, &e), BZ_ERR_INITRD_TOO_BIG);
	assert_untouched(&mem);
	assert_int_equal(e.rip, 0);
	free(initrd);
	free(img.buf);
	free(mem.base);
}

/* pref_address 0: the lowest kernel_alignment-aligned address from 1 MiB. */
static void test_relocated_low(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_entry e;

	(void)state;
	put64(img.buf + 0x258, 0);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(e.kernel_start, 2 * MIB);
	assert_int_equal(e.kernel_end, 2 * MIB + IMG_INIT_SIZE);
	assert_int_equal(e.rip, 2 * MIB + 0x200);
	assert_memory_equal(mem.base + 2 * MIB, img.buf + IMG_SETUP, IMG_KERNEL);
	assert_int_equal(get32(mem.base + BZ_ZERO_PAGE_ADDR + 0x214), 2 * MIB);
	free(img.buf);
	free(mem.base);
}

/*
 * kernel_alignment 16 MiB does not fit in 20 MiB with init_size 8 MiB;
 * min_alignment 2 MiB does, and is handed over as kernel_alignment.
 */
static void test_min_alignment(void **state)
{
	struct guest_mem mem = ram_new(20 * MIB);
	struct image img = good_image();
	struct bz_entry e;

	(void)state;
	put64(img.buf + 0x258, 0);
	put32(img.buf + 0x230, 16 * MIB);
	put32(img.buf + 0x260, 8 * MIB);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(e.kernel_start, 2 * MIB);
	assert_int_equal(get32(mem.base + BZ_ZERO_PAGE_ADDR + 0x230), 2 * MIB);
	/* With min_alignment no smaller than kernel_alignment, no fallback. */
	memset(mem.base, MARK, mem.size);
	img.buf[0x235] = 24;
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_ERR_KERNEL_TOO_BIG);
	assert_untouched(&mem);
	free(img.buf);
	free(mem.base);
}

/* A non-relocatable kernel goes to pref_address or nowhere. */
static void test_not_relocatable(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_entry e;

	(void)state;
	img.buf[0x234] = 0;
	put32(img.buf + 0x230, 0x1234); /* not looked at without relocation */
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(e.kernel_start, IMG_PREF);
	assert_int_equal(get32(mem.base + BZ_ZERO_PAGE_ADDR + 0x230), 0x1234);
	memset(mem.base, MARK, mem.size);
	put64(img.buf + 0x258, 30 * MIB);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_ERR_KERNEL_TOO_BIG);
	assert_untouched(&mem);
	free(img.buf);
	free(mem.base);
}

/* boot.rst: setup_sects 0 means 4. */
static void test_setup_sects_zero(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = image_new(0, IMG_KERNEL);
	struct bz_header hdr;
	struct bz_entry e;

	(void)state;
	assert_int_equal(bz_parse_header(img.buf, img.size, &hdr), BZ_OK);
	assert_int_equal(hdr.setup_sects, 0);
	assert_int_equal(hdr.setup_size, 5 * 512);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_memory_equal(mem.base + IMG_PREF, img.buf + 5 * 512, IMG_KERNEL);
	free(img.buf);
	free(mem.base);
}

/* Bytes past syssize (a signature on a signed kernel) are not loaded. */
static void test_trailing_bytes(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	struct bz_header hdr;
	struct bz_entry e;

	(void)state;
	put32(img.buf + 0x1f4, (IMG_KERNEL - 4096) / 16);
	assert_int_equal(bz_parse_header(img.buf, img.size, &hdr), BZ_OK);
	assert_int_equal(hdr.kernel_size, IMG_KERNEL - 4096);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(mem.base[IMG_PREF + IMG_KERNEL - 4096], MARK);
	/* syssize 0: the whole rest of the file. */
	put32(img.buf + 0x1f4, 0);
	assert_int_equal(bz_parse_header(img.buf, img.size, &hdr), BZ_OK);
	assert_int_equal(hdr.kernel_size, IMG_KERNEL);
	free(img.buf);
	free(mem.base);
}

static void test_cmdline(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	char *line = malloc(BZ_MAX_CMDLINE + 2);
	struct bz_entry e;

	(void)state;
	assert_non_null(line);
	/* Exactly cmdline_size bytes is fine, one more is not. */
	memset(line, 'a', 2047);
	line[2047] = '\0';
	assert_int_equal(load(&mem, &img, NULL, 0, line, &e), BZ_OK);
	assert_int_equal(strlen((const char *)mem.base + BZ_CMDLINE_ADDR), 2047);
	memset(mem.base, MARK, mem.size);
	line[2047] = 'a';
	line[2048] = '\0';
	assert_int_equal(load(&mem, &img, NULL, 0, line, &e), BZ_ERR_CMDLINE_TOO_LONG);
	assert_untouched(&mem);
	/* A kernel that takes more is still held to our slot. */
	put32(img.buf + 0x238, 0xffffffff);
	memset(line, 'b', BZ_MAX_CMDLINE);
	line[BZ_MAX_CMDLINE] = '\0';
	assert_int_equal(load(&mem, &img, NULL, 0, line, &e), BZ_OK);
	assert_int_equal(strlen((const char *)mem.base + BZ_CMDLINE_ADDR), BZ_MAX_CMDLINE);
	memset(mem.base, MARK, mem.size);
	line[BZ_MAX_CMDLINE] = 'b';
	line[BZ_MAX_CMDLINE + 1] = '\0';
	assert_int_equal(load(&mem, &img, NULL, 0, line, &e), BZ_ERR_CMDLINE_TOO_LONG);
	assert_untouched(&mem);
	/* No command line: an empty one, still pointed at. */
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_int_equal(mem.base[BZ_CMDLINE_ADDR], 0);
	assert_int_equal(get32(mem.base + BZ_ZERO_PAGE_ADDR + 0x228), BZ_CMDLINE_ADDR);
	free(line);
	free(img.buf);
	free(mem.base);
}

/* With the ACPI tables built first, the loader leaves them alone. */
static void test_with_acpi(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct image img = good_image();
	const size_t acpi_len = GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START;
	uint8_t *acpi = malloc(acpi_len);
	struct bz_entry e;

	(void)state;
	assert_non_null(acpi);
	assert_int_equal(guest_acpi_build(&mem, 2), 0);
	memcpy(acpi, mem.base + GUEST_ACPI_AREA_START, acpi_len);
	assert_int_equal(load(&mem, &img, NULL, 0, NULL, &e), BZ_OK);
	assert_memory_equal(acpi, mem.base + GUEST_ACPI_AREA_START, acpi_len);
	assert_memory_equal(mem.base + get64(mem.base + BZ_ZERO_PAGE_ADDR + 0x70), "RSD PTR ", 8);
	/* The tables lie in a reserved range of the map the guest gets. */
	for (unsigned i = 0; i < e.e820_entries; i++) {
		const uint8_t *ent = mem.base + BZ_ZERO_PAGE_ADDR + 0x2d0 + 20 * i;
		uint64_t a = get64(ent), len = get64(ent + 8);

		if (a <= GUEST_ACPI_AREA_START && a + len >= GUEST_ACPI_AREA_END)
			assert_int_equal(get32(ent + 16), E820_RESERVED);
		if (get32(ent + 16) == E820_RAM)
			assert_true(a + len <= GUEST_ACPI_AREA_START || a >= GUEST_ACPI_AREA_END);
	}
	free(acpi);
	free(img.buf);
	free(mem.base);
}

/* ------------------------------------------------------- refusals --- */

enum patch_kind { P8, P16, P32, P64, CUT };

struct bad_image {
	const char *what;
	enum patch_kind kind;
	size_t off; /* field offset; for CUT, the new image size */
	uint64_t value;
	enum bz_error want;
};

/* clang-format off */
static const struct bad_image bad_images[] = {
	{ "empty file",               CUT, 0,             0,          BZ_ERR_TOO_SMALL },
	{ "cut before the version",   CUT, 0x207,         0,          BZ_ERR_TOO_SMALL },
	{ "cut inside the header",    CUT, 0x260,         0,          BZ_ERR_TOO_SMALL },
	{ "no boot flag",             P16, 0x1fe,         0x55aa,     BZ_ERR_BOOT_FLAG },
	{ "no HdrS",                  P32, 0x202,         0x53726449, BZ_ERR_MAGIC },
	{ "protocol 2.11",            P16, 0x206,         0x020b,     BZ_ERR_OLD_PROTOCOL },
	{ "protocol 2.00",            P16, 0x206,         0x0200,     BZ_ERR_OLD_PROTOCOL },
	{ "header ends at 0x262",     P8,  0x201,         0x60,       BZ_ERR_HEADER_LENGTH },
	{ "setup past the file",      P8,  0x1f1,         200,        BZ_ERR_TOO_SMALL },
	{ "kernel shorter than 0x201", CUT, IMG_SETUP + 0x200, 0,     BZ_ERR_TOO_SMALL },
	{ "zImage",                   P8,  0x211,         0x80,       BZ_ERR_NOT_BZIMAGE },
	{ "no 64-bit entry",          P16, 0x236,         0x7e,       BZ_ERR_NO_64BIT_ENTRY },
	{ "init_size 0",              P32, 0x260,         0,          BZ_ERR_INIT_SIZE },
	{ "alignment 3 MiB",          P32, 0x230,         3 * MIB,    BZ_ERR_ALIGNMENT },
	{ "alignment 2 KiB",          P32, 0x230,         2048,       BZ_ERR_ALIGNMENT },
	{ "alignment 0",              P32, 0x230,         0,          BZ_ERR_ALIGNMENT },
	{ "syssize past the file",    P32, 0x1f4,         IMG_KERNEL / 16 + 1, BZ_ERR_TRUNCATED },
	{ "cut kernel",               CUT, IMG_SETUP + IMG_KERNEL - 1, 0, BZ_ERR_TRUNCATED },
	{ "syssize below the entry",  P32, 0x1f4,         0x20,       BZ_ERR_TOO_SMALL },
	{ "init_size 4 GiB - 1",      P32, 0x260,         0xffffffff, BZ_ERR_KERNEL_TOO_BIG },
	{ "init_size past RAM",       P32, 0x260,         RAM_SIZE - IMG_PREF + 1, BZ_ERR_KERNEL_TOO_BIG },
	{ "pref_address past RAM",    P64, 0x258,         RAM_SIZE,   BZ_ERR_KERNEL_TOO_BIG },
	{ "pref_address 2^64 - 2 MiB", P64, 0x258,        0xffffffffffe00000ULL, BZ_ERR_KERNEL_TOO_BIG },
};
/* clang-format on */

static void test_bad_images(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);

	(void)state;
	for (size_t i = 0; i < sizeof(bad_images) / sizeof(bad_images[0]); i++) {
		const struct bad_image *b = &bad_images[i];
		struct image img = good_image();
		struct bz_header hdr;
		struct bz_entry e;
		enum bz_error got;

		switch (b->kind) {
		case P8:
			img.buf[b->off] = (uint8_t)b->value;
			break;
		case P16:
			put16(img.buf + b->off, (uint16_t)b->value);
			break;
		case P32:
			put32(img.buf + b->off, (uint32_t)b->value);
			break;
		case P64:
			put64(img.buf + b->off, b->value);
			break;
		case CUT:
			img.size = b->off;
			break;
		}
		memset(&e, 0x5a, sizeof(e));
		got = load(&mem, &img, NULL, 0, NULL, &e);
		if (got != b->want)
			fail_msg("%s: got %d (%s), want %d (%s)", b->what, got, bz_strerror(got),
				 b->want, bz_strerror(b->want));
		if (b->want <= BZ_ERR_TRUNCATED &&
		    bz_parse_header(img.buf, img.size, &hdr) != b->want)
			fail_msg("%s: bz_parse_header disagrees", b->what);
		assert_int_equal(e.rip, 0);
		assert_int_equal(e.cr3, 0);
		assert_untouched(&mem);
		free(img.buf);
	}
	free(mem.base);
}

static void test_bad_args(void **state)
{
	struct guest_mem mem = ram_new(2 * MIB);
	struct guest_mem tiny = ram_new(MIB - 4096);
	struct guest_mem huge = { mem.base, E820_RAM_MAX + 2 * MIB };
	struct guest_mem none = { NULL, RAM_SIZE };
	struct image img = good_image();
	struct bz_params p = { .image = img.buf, .image_size = img.size };
	struct bz_header hdr;
	struct bz_entry e;

	(void)state;
	assert_int_equal(bz_load(NULL, &p, &e), BZ_ERR_ARGS);
	assert_int_equal(bz_load(&none, &p, &e), BZ_ERR_ARGS);
	assert_int_equal(bz_load(&mem, NULL, &e), BZ_ERR_ARGS);
	assert_int_equal(bz_load(&mem, &p, NULL), BZ_ERR_ARGS);
	p.initrd_size = 10;
	assert_int_equal(bz_load(&mem, &p, &e), BZ_ERR_ARGS);
	p.initrd_size = 0;
	p.acpi_rsdp = 2 * MIB - 35;
	assert_int_equal(bz_load(&mem, &p, &e), BZ_ERR_ARGS);
	p.acpi_rsdp = 0;
	assert_int_equal(bz_load(&tiny, &p, &e), BZ_ERR_RAM_SIZE);
	/* Refused before a byte is touched: the buffer behind it is small. */
	assert_int_equal(bz_load(&huge, &p, &e), BZ_ERR_RAM_SIZE);
	p.image = NULL;
	assert_int_equal(bz_load(&mem, &p, &e), BZ_ERR_ARGS);
	assert_int_equal(bz_parse_header(NULL, 0, &hdr), BZ_ERR_ARGS);
	assert_int_equal(bz_parse_header(img.buf, img.size, NULL), BZ_ERR_ARGS);
	assert_untouched(&mem);
	assert_untouched(&tiny);
	/* 2 MiB of RAM is enough for the boot area but not this kernel. */
	p.image = img.buf;
	assert_int_equal(bz_load(&mem, &p, &e), BZ_ERR_KERNEL_TOO_BIG);
	free(img.buf);
	free(tiny.base);
	free(mem.base);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int i = 0; i < BZ_ERR_COUNT; i++) {
		const char *s = bz_strerror((enum bz_error)i);

		assert_non_null(s);
		assert_true(strlen(s) > 1);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(s, bz_strerror((enum bz_error)j));
	}
	assert_string_equal(bz_strerror(BZ_ERR_COUNT), "unknown bzImage error");
	assert_string_equal(bz_strerror((enum bz_error)1000), "unknown bzImage error");
}

/* ------------------------------------------------------------ e820 --- */

static void test_e820(void **state)
{
	struct e820_entry map[E820_MAX_ENTRIES + 1];
	static const uint64_t sizes[] = { MIB, MIB + 4096, RAM_SIZE, E820_RAM_MAX };

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int n = e820_build(map, E820_MAX_ENTRIES + 1, sizes[k]);
		uint64_t ram = 0;

		assert_int_equal(n, sizes[k] > MIB ? 5 : 4);
		assert_int_equal(map[0].addr, 0);
		for (int i = 0; i < n; i++) {
			assert_true(map[i].size > 0);
			if (i)
				assert_true(map[i].addr >= map[i - 1].addr + map[i - 1].size);
			if (map[i].type == E820_RAM)
				ram += map[i].size;
			else
				assert_int_equal(map[i].type, E820_RESERVED);
		}
		assert_int_equal(ram, sizes[k] - (MIB - 0x9fc00));
		assert_int_equal(map[n - 2].addr, 0xfec00000);
		assert_int_equal(map[n - 1].addr, 0xfee00000);
	}
	assert_int_equal(e820_build(map, 5, MIB - 1), -ERANGE);
	assert_int_equal(e820_build(map, 5, E820_RAM_MAX + 1), -ERANGE);
	assert_int_equal(e820_build(map, 4, RAM_SIZE), -ENOSPC);
	assert_int_equal(e820_build(map, 0, RAM_SIZE), -ENOSPC);
	assert_int_equal(e820_build(NULL, 5, RAM_SIZE), -ENOSPC);
}

/* ------------------------------------------------ a real Debian kernel --- */

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return buf;
}

static void test_real_vmlinuz(void **state)
{
	const char *path = getenv("STRATA_VMLINUZ") ? getenv("STRATA_VMLINUZ")
						    : "build/linux/vmlinuz";
	struct image img = { NULL, 0 };
	struct guest_mem mem;
	struct bz_header hdr;
	struct bz_entry e;
	uint8_t *initrd;
	const uint8_t *bp;

	(void)state;
	img.buf = read_file(path, &img.size);
	if (!img.buf) {
		print_message("no kernel at %s: skipped\n", path);
		skip();
	}
	assert_int_equal(bz_parse_header(img.buf, img.size, &hdr), BZ_OK);
	assert_true(hdr.version >= BZ_MIN_PROTOCOL);
	assert_true(hdr.xloadflags & BZ_XLF_KERNEL_64);
	assert_true(hdr.relocatable);

	mem = ram_new(256 * MIB);
	initrd = initrd_new(2 * MIB);
	assert_int_equal(guest_acpi_build(&mem, 2), 0);
	assert_int_equal(load(&mem, &img, initrd, 2 * MIB, "console=ttyS0 earlyprintk=serial", &e),
			 BZ_OK);
	print_message("protocol %x, kernel 0x%llx-0x%llx (init_size 0x%x), initrd 0x%llx\n",
		      e.protocol, (unsigned long long)e.kernel_start,
		      (unsigned long long)e.kernel_end, hdr.init_size,
		      (unsigned long long)e.initrd_start);
	assert_int_equal(e.kernel_start, hdr.pref_address);
	assert_int_equal(e.kernel_end, hdr.pref_address + hdr.init_size);
	assert_memory_equal(mem.base + e.kernel_start, img.buf + hdr.setup_size, hdr.kernel_size);
	/* startup_64 (arch/x86/boot/compressed/head_64.S) begins with cld; cli. */
	assert_int_equal(mem.base[e.rip], 0xfc);
	assert_int_equal(mem.base[e.rip + 1], 0xfa);
	/* What startup_64 reads from the zero page before anything else. */
	bp = mem.base + BZ_ZERO_PAGE_ADDR;
	assert_int_equal(get32(bp + 0x230), hdr.kernel_alignment);
	assert_int_equal(get32(bp + 0x260), hdr.init_size);
	assert_int_equal(get64(bp + 0x070), GUEST_ACPI_RSDP_ADDR);
	assert_int_equal(e.initrd_end, 256 * MIB);
	assert_true(e.initrd_start >= e.kernel_end);
	free(initrd);
	free(mem.base);
	free(img.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_state),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_e820_in_zero_page),
		cmocka_unit_test(test_page_tables),
		cmocka_unit_test(test_initrd_at_top),
		cmocka_unit_test(test_initrd_addr_max),
		cmocka_unit_test(test_initrd_clear_of_init_size),
		cmocka_unit_test(test_relocated_low),
		cmocka_unit_test(test_min_alignment),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_setup_sects_zero),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_with_acpi),
		cmocka_unit_test(test_bad_images),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_real_vmlinuz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
