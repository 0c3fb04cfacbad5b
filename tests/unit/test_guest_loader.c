/* UNIT_SOURCES: vmx/loader/multiboot.c vmx/loader/flat.c boot/common/elf.c */
/*
 * Guest image loaders: Multiboot (v1) kernels and flat binaries.
 *
 * Images come from three places: a real kernel linked by GNU ld (bytes
 * below), ELF32 images built here field by field, and raw "a.out kludge"
 * images using the header's address fields. Each malformation is a row
 * of a table: a good image is built, patched, and must be refused with
 * its own error while guest RAM stays exactly as it was. Guest RAM is a
 * heap buffer of its exact size filled with a marker byte, so ASan
 * catches a write past it and the tests catch a write where none belongs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/loader/flat.h"
#include "vmx/loader/multiboot.h"

#define RAM_SIZE (4ULL << 20)
#define MARK     0xcc

/*
 * A minimal Multiboot kernel, assembled and linked with
 *	gcc -m32 -c mbk.S && ld -m elf_i386 -N -T mbk.ld && strip -s
 * where mbk.ld puts .multiboot, .text, .data and .bss at 1 MiB. It
 * checks EAX, writes "OK" to COM1 and ends through the 0xf4 exit port.
 * One PT_LOAD: offset 0x60, 0x46 file bytes, 0x1050 in memory (bss);
 * entry 0x10000c, just after its 12-byte Multiboot header (flags 0x3).
 */
static const uint8_t ld_kernel[] = {
	0x7f, 0x45, 0x4c, 0x46, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x10, 0x00, 0x34, 0x00,
	0x00, 0x00, 0xc4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x34, 0x00, 0x20, 0x00, 0x01,
	0x00, 0x28, 0x00, 0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x46, 0x00, 0x00, 0x00, 0x50, 0x10, 0x00,
	0x00, 0x07, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xb0, 0xad, 0x1b, 0x03, 0x00, 0x00, 0x00, 0xfb,
	0x4f, 0x52, 0xe4, 0x3d, 0x02, 0xb0, 0xad, 0x2b, 0x75, 0x0e, 0x8b, 0x73, 0x10, 0xba, 0xf8,
	0x03, 0x00, 0x00, 0xb0, 0x4f, 0xee, 0xb0, 0x4b, 0xee, 0xba, 0xf4, 0x00, 0x00, 0x00, 0x31,
	0xc0, 0xef, 0xf4, 0xeb, 0xf5, 0x00, 0x00, 0x00, 0x00, 0x73, 0x74, 0x72, 0x61, 0x74, 0x61,
	0x20, 0x6d, 0x75, 0x6c, 0x74, 0x69, 0x62, 0x6f, 0x6f, 0x74, 0x20, 0x74, 0x65, 0x73, 0x74,
	0x00, 0x00, 0x2e, 0x73, 0x68, 0x73, 0x74, 0x72, 0x74, 0x61, 0x62, 0x00, 0x2e, 0x74, 0x65,
	0x78, 0x74, 0x00, 0x2e, 0x64, 0x61, 0x74, 0x61, 0x00, 0x2e, 0x62, 0x73, 0x73, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x60, 0x00, 0x00,
	0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x30, 0x00, 0x10, 0x00, 0x90, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x17, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x50, 0x00,
	0x10, 0x00, 0xa6, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa6, 0x00, 0x00,
	0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define LD_KERNEL_ENTRY  0x10000cu
#define LD_KERNEL_OFFSET 0x60
#define LD_KERNEL_FILESZ 0x46
#define LD_KERNEL_MEMSZ  0x1050

/* ---------------------------------------------------------- helpers --- */

static struct guest_mem ram_new(uint64_t size)
{
	struct guest_mem mem = { malloc(size), size };

	assert_non_null(mem.base);
	memset(mem.base, MARK, size);
	return mem;
}

static void ram_free(struct guest_mem *mem)
{
	free(mem->base);
	mem->base = NULL;
}

/* True if guest RAM [from, to) still holds only the marker. */
static bool ram_untouched(const struct guest_mem *mem, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a++)
		if (mem->base[a] != MARK)
			return false;
	return true;
}

static uint32_t rd32(const struct guest_mem *mem, uint64_t gpa)
{
	const uint8_t *p = mem->base + gpa;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const struct guest_mem *mem, uint64_t gpa)
{
	return rd32(mem, gpa) | (uint64_t)rd32(mem, gpa + 4) << 32;
}

static void put(uint8_t *b, size_t off, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

/* A Multiboot header at `off`: magic, flags, the checksum that makes them sum to 0. */
static void put_mb_header(uint8_t *b, size_t off, uint32_t flags)
{
	put(b, off, 4, MB_HEADER_MAGIC);
	put(b, off + 4, 4, flags);
	put(b, off + 8, 4, (uint32_t) - (MB_HEADER_MAGIC + flags));
}

/*
 * A built ELF32 kernel, IMG_SIZE bytes:
 *   0x000  ELF header, program headers at 0x34 (two)
 *   0x100  Multiboot header (flags 0x3)
 *   0x1000 text: 0x1000 bytes to paddr 0x100000, R+X, entry 0x100010
 *   0x2000 data: 0x800 bytes to paddr 0x101000, memsz 0x3000 (bss), R+W
 */
#define IMG_SIZE       0x3000
#define IMG_MBH        0x100
#define E32_PH(i, off) (52 + 32 * (i) + (off))
#define P_TYPE         0
#define P_OFFSET       4
#define P_VADDR        8
#define P_PADDR        12
#define P_FILESZ       16
#define P_MEMSZ        20
#define P_FLAGS        24
#define P_ALIGN        28
#define TEXT_PADDR     0x100000u
#define DATA_PADDR     0x101000u
#define IMG_ENTRY      0x100010u

static void put_phdr(uint8_t *b, int i, uint32_t off, uint32_t vaddr, uint32_t paddr,
		     uint32_t filesz, uint32_t memsz, uint32_t flags)
{
	put(b, E32_PH(i, P_TYPE), 4, 1 /* PT_LOAD */);
	put(b, E32_PH(i, P_OFFSET), 4, off);
	put(b, E32_PH(i, P_VADDR), 4, vaddr);
	put(b, E32_PH(i, P_PADDR), 4, paddr);
	put(b, E32_PH(i, P_FILESZ), 4, filesz);
	put(b, E32_PH(i, P_MEMSZ), 4, memsz);
	put(b, E32_PH(i, P_FLAGS), 4, flags);
	put(b, E32_PH(i, P_ALIGN), 4, 0x1000);
}

static void build_elf(uint8_t *b)
{
	memset(b, 0, IMG_SIZE);
	memcpy(b,
	       "\x7f"
	       "ELF",
	       4);
	b[4] = 1;         /* ELFCLASS32 */
	b[5] = 1;         /* little-endian */
	b[6] = 1;         /* EV_CURRENT */
	put(b, 16, 2, 2); /* ET_EXEC */
	put(b, 18, 2, 3); /* EM_386 */
	put(b, 20, 4, 1);
	put(b, 24, 4, IMG_ENTRY);
	put(b, 28, 4, 52); /* e_phoff */
	put(b, 40, 2, 52); /* e_ehsize */
	put(b, 42, 2, 32); /* e_phentsize */
	put(b, 44, 2, 2);  /* e_phnum */
	put_phdr(b, 0, 0x1000, TEXT_PADDR, TEXT_PADDR, 0x1000, 0x1000, 5);
	put_phdr(b, 1, 0x2000, DATA_PADDR, DATA_PADDR, 0x800, 0x3000, 6);
	for (size_t i = 0x1000; i < 0x2800; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	put_mb_header(b, IMG_MBH, 0x3);
}

/*
 * A raw image with the address fields (flag 16), AOUT_SIZE bytes: the
 * header at AOUT_MBH says the file's first byte goes to 0x200000 and runs
 * to its end; bss to 0x203000; entry at 0x200040.
 */
#define AOUT_SIZE  0x1800
#define AOUT_MBH   0x20
#define AOUT_LOAD  0x200000u
#define AOUT_ENTRY 0x200040u

static void put_aout_fields(uint8_t *b, size_t hdr, uint32_t header_addr, uint32_t load_addr,
			    uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	put(b, hdr + 12, 4, header_addr);
	put(b, hdr + 16, 4, load_addr);
	put(b, hdr + 20, 4, load_end);
	put(b, hdr + 24, 4, bss_end);
	put(b, hdr + 28, 4, entry);
}

static void build_aout(uint8_t *b)
{
	for (size_t i = 0; i < AOUT_SIZE; i++)
		b[i] = (uint8_t)(i * 13 + 5);
	put_mb_header(b, AOUT_MBH, 0x10003);
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, AOUT_LOAD + 0x3000,
			AOUT_ENTRY);
}

/* Load a heap copy of exactly `size` bytes, so reads past the image trip ASan. */
static enum mb_error load(struct guest_mem *mem, const uint8_t *image, size_t size,
			  const struct mb_module *mods, size_t nmods, const char *cmdline,
			  struct mb_entry *out)
{
	uint8_t *copy = malloc(size ? size : 1);
	enum mb_error err;

	assert_non_null(copy);
	memcpy(copy, image, size);
	err = mb_load_modules(mem, copy, size, mods, nmods, cmdline, out);
	free(copy);
	return err;
}

/* The parts of the info structure that do not depend on the load. */
static void check_info_common(const struct guest_mem *mem, const char *cmdline)
{
	const uint64_t mbi = MB_INFO_ADDR;
	uint32_t n;

	assert_int_equal(rd32(mem, mbi + 0), 0x24d); /* mem, cmdline, mods, mmap, name */
	assert_int_equal(rd32(mem, mbi + 4), 639);
	assert_int_equal(rd32(mem, mbi + 8), (mem->size - (1 << 20)) / 1024);
	assert_int_equal(rd32(mem, mbi + 16), MB_CMDLINE_ADDR);
	assert_string_equal((const char *)mem->base + MB_CMDLINE_ADDR, cmdline);
	assert_int_equal(rd32(mem, mbi + 24), MB_MODS_ADDR);
	assert_int_equal(rd32(mem, mbi + 64), MB_LOADER_NAME_ADDR);
	assert_string_equal((const char *)mem->base + MB_LOADER_NAME_ADDR, "Strata");
	/* Fields we do not provide stay 0. */
	for (unsigned off = 28; off < 44; off += 4)
		assert_int_equal(rd32(mem, mbi + off), 0);
	for (unsigned off = 52; off < 64; off += 4)
		assert_int_equal(rd32(mem, mbi + off), 0);
	for (unsigned off = 68; off < 116; off += 4)
		assert_int_equal(rd32(mem, mbi + off), 0);

	/* Memory map: low RAM, the PC hole, high RAM (spec 3.3 "mmap_*"). */
	n = rd32(mem, mbi + 44);
	assert_int_equal(rd32(mem, mbi + 48), MB_MMAP_ADDR);
	assert_int_equal(n, mem->size > (1 << 20) ? 72 : 48);
	assert_int_equal(rd32(mem, MB_MMAP_ADDR + 0), 20);
	assert_int_equal(rd64(mem, MB_MMAP_ADDR + 4), 0);
	assert_int_equal(rd64(mem, MB_MMAP_ADDR + 12), 0x9fc00);
	assert_int_equal(rd32(mem, MB_MMAP_ADDR + 20), 1);
	assert_int_equal(rd32(mem, MB_MMAP_ADDR + 24), 20);
	assert_int_equal(rd64(mem, MB_MMAP_ADDR + 28), 0x9fc00);
	assert_int_equal(rd64(mem, MB_MMAP_ADDR + 36), 0x100000 - 0x9fc00);
	assert_int_equal(rd32(mem, MB_MMAP_ADDR + 44), 2);
	if (n == 72) {
		assert_int_equal(rd32(mem, MB_MMAP_ADDR + 48), 20);
		assert_int_equal(rd64(mem, MB_MMAP_ADDR + 52), 0x100000);
		assert_int_equal(rd64(mem, MB_MMAP_ADDR + 60), mem->size - 0x100000);
		assert_int_equal(rd32(mem, MB_MMAP_ADDR + 68), 1);
	}

	/* The GDT the entry state's selectors name. */
	assert_int_equal(rd64(mem, MB_GDT_ADDR), 0);
	assert_int_equal(rd64(mem, MB_GDT_ADDR + 8), 0x00cf9b000000ffffULL);
	assert_int_equal(rd64(mem, MB_GDT_ADDR + 16), 0x00cf93000000ffffULL);
}

/* Spec 3.2 "Machine state", and our GDT. */
static void check_entry(const struct mb_entry *e, uint32_t eip)
{
	assert_int_equal(e->eip, eip);
	assert_int_equal(e->eax, 0x2BADB002);
	assert_int_equal(e->ebx, MB_INFO_ADDR);
	assert_int_equal(e->cr0, 0x11);
	assert_int_equal(e->eflags, 0x2);
	assert_int_equal(e->cs.selector, 0x08);
	assert_int_equal(e->cs.base, 0);
	assert_int_equal(e->cs.limit, 0xffffffffu);
	assert_int_equal(e->cs.ar, 0xc09b);
	assert_int_equal(e->data.selector, 0x10);
	assert_int_equal(e->data.base, 0);
	assert_int_equal(e->data.limit, 0xffffffffu);
	assert_int_equal(e->data.ar, 0xc093);
	assert_int_equal(e->gdt_base, MB_GDT_ADDR);
	assert_int_equal(e->gdt_limit, 23);
	assert_int_equal(e->elf_error, ELF_OK);
}

/* ------------------------------------------------------------ loads --- */

static void test_ld_kernel(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t initrd[5000];
	struct mb_entry e;
	const uint64_t mod = 0x102000; /* page after 0x101050 */

	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(mb_load(&mem, ld_kernel, sizeof(ld_kernel), initrd, sizeof(initrd),
				 "guests/initrd.img", "console=ttyS0 quiet", &e),
			 MB_OK);
	check_entry(&e, LD_KERNEL_ENTRY);
	assert_int_equal(e.image_start, 0x100000);
	assert_int_equal(e.image_end, 0x100000 + LD_KERNEL_MEMSZ);
	assert_int_equal(e.modules_end, mod + sizeof(initrd));

	/* The segment's bytes, then its bss zeroed. */
	assert_memory_equal(mem.base + 0x100000, ld_kernel + LD_KERNEL_OFFSET, LD_KERNEL_FILESZ);
	for (uint64_t a = 0x100000 + LD_KERNEL_FILESZ; a < 0x100000 + LD_KERNEL_MEMSZ; a++)
		assert_int_equal(mem.base[a], 0);
	/* The header is where the linker put it: the first bytes of the segment. */
	assert_int_equal(rd32(&mem, 0x100000), MB_HEADER_MAGIC);

	check_info_common(&mem, "console=ttyS0 quiet");
	assert_int_equal(rd32(&mem, MB_INFO_ADDR + 20), 1);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 0), mod);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 4), mod + sizeof(initrd));
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 8), MB_MOD_STRINGS_ADDR);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 12), 0);
	assert_string_equal((const char *)mem.base + MB_MOD_STRINGS_ADDR, "guests/initrd.img");
	assert_memory_equal(mem.base + mod, initrd, sizeof(initrd));

	/* Nothing else was written. */
	assert_true(ram_untouched(&mem, 0, MB_INFO_AREA_START));
	assert_true(ram_untouched(&mem, MB_INFO_AREA_END, 0x100000));
	assert_true(ram_untouched(&mem, 0x100000 + LD_KERNEL_MEMSZ, mod));
	assert_true(ram_untouched(&mem, mod + sizeof(initrd), RAM_SIZE));
	ram_free(&mem);
}

static void test_no_initrd_no_cmdline(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct mb_entry e;

	assert_int_equal(mb_load(&mem, ld_kernel, sizeof(ld_kernel), NULL, 123, "ignored", NULL,
				 &e),
			 MB_OK);
	check_entry(&e, LD_KERNEL_ENTRY);
	check_info_common(&mem, "");
	assert_int_equal(rd32(&mem, MB_INFO_ADDR + 20), 0);
	assert_int_equal(e.modules_end, 0x102000);
	assert_true(ram_untouched(&mem, 0x100000 + LD_KERNEL_MEMSZ, RAM_SIZE));
	ram_free(&mem);
}

static void test_built_elf(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];
	struct mb_entry e;

	build_elf(img);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, "a", &e), MB_OK);
	check_entry(&e, IMG_ENTRY);
	assert_memory_equal(mem.base + TEXT_PADDR, img + 0x1000, 0x1000);
	assert_memory_equal(mem.base + DATA_PADDR, img + 0x2000, 0x800);
	for (uint64_t a = DATA_PADDR + 0x800; a < DATA_PADDR + 0x3000; a++)
		assert_int_equal(mem.base[a], 0);
	assert_int_equal(e.image_start, TEXT_PADDR);
	assert_int_equal(e.image_end, DATA_PADDR + 0x3000);
	check_info_common(&mem, "a");
	ram_free(&mem);
}

/*
 * A higher-half kernel: linked at 0xc0100000, loaded at 1 MiB. Segments go
 * by p_paddr and e_entry is translated through its segment, as GRUB does.
 */
static void test_higher_half(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];
	struct mb_entry e;

	build_elf(img);
	put(img, E32_PH(0, P_VADDR), 4, 0xc0100000);
	put(img, E32_PH(1, P_VADDR), 4, 0xc0101000);
	put(img, 24, 4, 0xc0100010);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	check_entry(&e, IMG_ENTRY);
	assert_memory_equal(mem.base + TEXT_PADDR, img + 0x1000, 0x1000);
	ram_free(&mem);
}

static void test_aout(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[AOUT_SIZE];
	struct mb_entry e;

	/* Whole file from load_addr, then bss. */
	build_aout(img);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	check_entry(&e, AOUT_ENTRY);
	assert_memory_equal(mem.base + AOUT_LOAD, img, AOUT_SIZE);
	for (uint64_t a = AOUT_LOAD + AOUT_SIZE; a < AOUT_LOAD + 0x3000; a++)
		assert_int_equal(mem.base[a], 0);
	assert_int_equal(e.image_start, AOUT_LOAD);
	assert_int_equal(e.image_end, AOUT_LOAD + 0x3000);
	assert_int_equal(e.modules_end, AOUT_LOAD + 0x3000);
	assert_true(ram_untouched(&mem, AOUT_LOAD + 0x3000, RAM_SIZE));
	ram_free(&mem);

	/* Text from file offset 0x10, up to load_end_addr; no bss. */
	mem = ram_new(RAM_SIZE);
	put_aout_fields(img, AOUT_MBH, AOUT_LOAD + 0x10, AOUT_LOAD, AOUT_LOAD + 0x100, 0,
			AOUT_LOAD);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	check_entry(&e, AOUT_LOAD);
	assert_memory_equal(mem.base + AOUT_LOAD, img + 0x10, 0x100);
	assert_int_equal(e.image_end, AOUT_LOAD + 0x100);
	assert_true(ram_untouched(&mem, AOUT_LOAD + 0x100, RAM_SIZE));
	ram_free(&mem);
}

/* With flag 16 the address fields win over the ELF headers, as in GRUB. */
static void test_aout_beats_elf(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];
	struct mb_entry e;

	build_elf(img);
	put_mb_header(img, IMG_MBH, 0x10003);
	put_aout_fields(img, IMG_MBH, 0x300000 + IMG_MBH, 0x300000, 0, 0, 0x300000 + 0x1000);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	check_entry(&e, 0x301000);
	assert_memory_equal(mem.base + 0x300000, img, IMG_SIZE);
	assert_true(ram_untouched(&mem, TEXT_PADDR, 0x300000));
	ram_free(&mem);
}

/* A kernel in low RAM: modules still start at 1 MiB, clear of the hole. */
static void test_low_kernel(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];
	uint8_t mod[100] = { 1, 2, 3 };
	struct mb_module mods[2] = { { mod, sizeof(mod), "one" }, { mod, 0, NULL } };
	struct mb_entry e;

	build_elf(img);
	put(img, E32_PH(0, P_VADDR), 4, 0xb000);
	put(img, E32_PH(0, P_PADDR), 4, 0xb000);
	put(img, E32_PH(1, P_VADDR), 4, 0x9c000);
	put(img, E32_PH(1, P_PADDR), 4, 0x9cc00); /* bss ends exactly at 0x9fc00 */
	put(img, 24, 4, 0xb000);
	assert_int_equal(load(&mem, img, sizeof(img), mods, 2, NULL, &e), MB_OK);
	check_entry(&e, 0xb000);
	assert_int_equal(e.image_start, 0xb000);
	assert_int_equal(e.image_end, 0x9fc00);
	assert_int_equal(rd32(&mem, MB_INFO_ADDR + 20), 2);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 0), 0x100000);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 4), 0x100000 + sizeof(mod));
	assert_string_equal((const char *)mem.base + MB_MOD_STRINGS_ADDR, "one");
	/* The empty module gets the next page, a string "", and no bytes. */
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 16), 0x101000);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 20), 0x101000);
	assert_int_equal(rd32(&mem, MB_MODS_ADDR + 24), MB_MOD_STRINGS_ADDR + 256);
	assert_string_equal((const char *)mem.base + MB_MOD_STRINGS_ADDR + 256, "");
	assert_int_equal(e.modules_end, 0x101000);
	assert_true(ram_untouched(&mem, 0x100000 + sizeof(mod), RAM_SIZE));
	ram_free(&mem);

	/* Exactly 1 MiB of RAM: no high RAM in the map, mem_upper 0. */
	mem = ram_new(1 << 20);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	check_info_common(&mem, "");
	assert_int_equal(rd32(&mem, MB_INFO_ADDR + 8), 0);
	ram_free(&mem);
}

static void test_limits(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct mb_module mods[MB_MAX_MODULES + 1];
	char name[MB_MAX_MODULE_NAME + 2];
	char *cmdline = malloc(MB_MAX_CMDLINE + 2);
	uint8_t data[3] = { 7, 8, 9 };
	struct mb_entry e;

	assert_non_null(cmdline);
	memset(name, 'n', sizeof(name) - 1);
	name[MB_MAX_MODULE_NAME] = '\0';
	for (size_t i = 0; i <= MB_MAX_MODULES; i++)
		mods[i] = (struct mb_module){ data, sizeof(data), name };
	memset(cmdline, 'c', MB_MAX_CMDLINE);
	cmdline[MB_MAX_CMDLINE] = '\0';

	/* Every limit reached at once still fits the info area. */
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, MB_MAX_MODULES, cmdline,
			      &e),
			 MB_OK);
	check_info_common(&mem, cmdline);
	assert_int_equal(rd32(&mem, MB_INFO_ADDR + 20), MB_MAX_MODULES);
	for (uint32_t i = 0; i < MB_MAX_MODULES; i++) {
		uint32_t start = rd32(&mem, MB_MODS_ADDR + 16 * i);

		assert_int_equal(start, 0x102000 + 0x1000 * i);
		assert_int_equal(rd32(&mem, MB_MODS_ADDR + 16 * i + 4), start + 3);
		assert_memory_equal(mem.base + start, data, 3);
		assert_string_equal((const char *)mem.base + rd32(&mem, MB_MODS_ADDR + 16 * i + 8),
				    name);
	}
	assert_true(ram_untouched(&mem, MB_INFO_AREA_END, 0x100000));
	ram_free(&mem);

	/* One more of anything is refused, and nothing is written. */
	mem = ram_new(RAM_SIZE);
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, MB_MAX_MODULES + 1, NULL,
			      &e),
			 MB_ERR_TOO_MANY_MODULES);
	name[MB_MAX_MODULE_NAME] = 'n';
	name[MB_MAX_MODULE_NAME + 1] = '\0';
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, 1, NULL, &e),
			 MB_ERR_MODULE_NAME);
	cmdline[MB_MAX_CMDLINE] = 'c';
	cmdline[MB_MAX_CMDLINE + 1] = '\0';
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), NULL, 0, cmdline, &e),
			 MB_ERR_CMDLINE_TOO_LONG);
	assert_true(ram_untouched(&mem, 0, RAM_SIZE));
	ram_free(&mem);
	free(cmdline);
}

static void test_module_too_big(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	size_t room = RAM_SIZE - 0x102000;
	uint8_t *big = calloc(1, room + 1);
	struct mb_module mods[2] = { { big, room, "fits" }, { big, 1, "over" } };
	struct mb_entry e;

	assert_non_null(big);
	/* Up to the last byte of RAM fits; one byte more does not. */
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, 1, NULL, &e), MB_OK);
	assert_int_equal(e.modules_end, RAM_SIZE);
	ram_free(&mem);
	mem = ram_new(RAM_SIZE);
	mods[0].size = room + 1;
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, 1, NULL, &e),
			 MB_ERR_MODULE_TOO_BIG);
	mods[0].size = room;
	assert_int_equal(load(&mem, ld_kernel, sizeof(ld_kernel), mods, 2, NULL, &e),
			 MB_ERR_MODULE_TOO_BIG);
	assert_true(ram_untouched(&mem, 0, RAM_SIZE));
	ram_free(&mem);
	free(big);
}

/* ---------------------------------------------------------- refusals --- */

enum base { ELF, AOUT, LD };

struct bad_case {
	const char *what;
	enum base base;
	void (*patch)(uint8_t *img, size_t *size);
	enum mb_error err;
	enum elf_error elf_err;
};

static void p_checksum(uint8_t *b, size_t *n)
{
	b[IMG_MBH + 8] ^= 1;
}
static void p_no_magic(uint8_t *b, size_t *n)
{
	b[IMG_MBH] = 0;
}
static void p_ld_checksum(uint8_t *b, size_t *n)
{
	b[LD_KERNEL_OFFSET + 8]++;
}

/* The header just past the 8 KiB window: not found. */
static void p_beyond_8k(uint8_t *b, size_t *n)
{
	memset(b + IMG_MBH, 0, 12);
	put_mb_header(b, MB_SEARCH_BYTES, 0x3);
}

/* Magic in the window, the rest past it. */
static void p_straddles_8k(uint8_t *b, size_t *n)
{
	memset(b + IMG_MBH, 0, 12);
	put_mb_header(b, MB_SEARCH_BYTES - 4, 0x3);
}

/* Last 12 bytes of the window: fine for ELF (see test_header_places). */
static void p_end_of_8k_aout(uint8_t *b, size_t *n)
{
	memset(b + IMG_MBH, 0, 12);
	put_mb_header(b, MB_SEARCH_BYTES - 12, 0x10003);
}

static void p_misaligned(uint8_t *b, size_t *n)
{
	memset(b + IMG_MBH, 0, 12);
	put_mb_header(b, IMG_MBH + 2, 0x3);
}

static void p_cut_in_header(uint8_t *b, size_t *n)
{
	*n = IMG_MBH + 8;
}
static void p_cut_in_aout_fields(uint8_t *b, size_t *n)
{
	*n = AOUT_MBH + 20;
}
static void p_video(uint8_t *b, size_t *n)
{
	put_mb_header(b, IMG_MBH, 0x7);
}
static void p_flag15(uint8_t *b, size_t *n)
{
	put_mb_header(b, IMG_MBH, 0x8003);
}
static void p_not_elf(uint8_t *b, size_t *n)
{
	b[0] = 'X';
}
static void p_elf64(uint8_t *b, size_t *n)
{
	b[4] = 2;
}
static void p_elf_truncated(uint8_t *b, size_t *n)
{
	*n = 0x2400;
}
static void p_ld_truncated(uint8_t *b, size_t *n)
{
	*n = LD_KERNEL_OFFSET + LD_KERNEL_FILESZ - 1;
}
static void p_elf_dyn(uint8_t *b, size_t *n)
{
	put(b, 16, 2, 3); /* ET_DYN */
}
static void p_entry_in_data(uint8_t *b, size_t *n)
{
	put(b, 24, 4, DATA_PADDR);
}

static void p_outside_ram(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, RAM_SIZE - 0x2000);
	put(b, E32_PH(1, P_PADDR), 4, RAM_SIZE - 0x2000); /* bss runs 0x1000 past the end */
}

static void p_near_4g(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, 0xfff00000);
	put(b, E32_PH(1, P_PADDR), 4, 0xfff00000);
}

static void p_over_info(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, 0x9000);
	put(b, E32_PH(1, P_PADDR), 4, 0x9000);
}

/* Ends one byte into the info area. */
static void p_into_info(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, MB_INFO_AREA_START - 0x2fff);
	put(b, E32_PH(1, P_PADDR), 4, MB_INFO_AREA_START - 0x2fff);
	put(b, E32_PH(1, P_ALIGN), 4, 1);
}

static void p_in_hole(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, 0xa0000);
	put(b, E32_PH(1, P_PADDR), 4, 0xa0000);
}

/* Ends one byte into the hole. */
static void p_into_hole(uint8_t *b, size_t *n)
{
	put(b, E32_PH(1, P_VADDR), 4, 0x9fc00 - 0x2fff);
	put(b, E32_PH(1, P_PADDR), 4, 0x9fc00 - 0x2fff);
	put(b, E32_PH(1, P_ALIGN), 4, 1);
}

static void p_aout_header_below_load(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD - 4, AOUT_LOAD, 0, 0, AOUT_ENTRY);
}

/* The text would start 0x10 bytes before the file does. */
static void p_aout_before_file(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH + 0x10, AOUT_LOAD, 0, 0, AOUT_ENTRY);
}

static void p_aout_load_end_low(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD, 0, AOUT_ENTRY);
}

static void p_aout_past_file(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, AOUT_LOAD + AOUT_SIZE + 1, 0,
			AOUT_ENTRY);
}

static void p_aout_bss_low(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, AOUT_LOAD + 0x100,
			AOUT_ENTRY);
}

static void p_aout_entry_in_bss(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, AOUT_LOAD + 0x3000,
			AOUT_LOAD + AOUT_SIZE);
}

static void p_aout_entry_below(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, 0, AOUT_LOAD - 1);
}

static void p_aout_past_4g(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, 0xfffff000 + AOUT_MBH, 0xfffff000, 0, 0, 0xfffff000);
}

static void p_aout_bss_outside(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, AOUT_LOAD + AOUT_MBH, AOUT_LOAD, 0, RAM_SIZE + 1, AOUT_ENTRY);
}

static void p_aout_over_info(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, 0x7000 + AOUT_MBH, 0x7000, 0, 0, 0x7000 + 0x40);
}

static void p_aout_in_hole(uint8_t *b, size_t *n)
{
	put_aout_fields(b, AOUT_MBH, 0xb8000 + AOUT_MBH, 0xb8000, 0, 0, 0xb8000 + 0x40);
}

static const struct bad_case bad_cases[] = {
	{ "bad checksum", ELF, p_checksum, MB_ERR_CHECKSUM, ELF_OK },
	{ "bad checksum (ld)", LD, p_ld_checksum, MB_ERR_CHECKSUM, ELF_OK },
	{ "no magic", ELF, p_no_magic, MB_ERR_NO_HEADER, ELF_OK },
	{ "header beyond 8 KiB", ELF, p_beyond_8k, MB_ERR_NO_HEADER, ELF_OK },
	{ "header across 8 KiB", ELF, p_straddles_8k, MB_ERR_HEADER_TRUNCATED, ELF_OK },
	{ "address fields past 8 KiB", ELF, p_end_of_8k_aout, MB_ERR_HEADER_TRUNCATED, ELF_OK },
	{ "header not 4-byte aligned", ELF, p_misaligned, MB_ERR_NO_HEADER, ELF_OK },
	{ "file ends in the header", ELF, p_cut_in_header, MB_ERR_HEADER_TRUNCATED, ELF_OK },
	{ "file ends in the address fields", AOUT, p_cut_in_aout_fields, MB_ERR_HEADER_TRUNCATED,
	  ELF_OK },
	{ "video mode required", ELF, p_video, MB_ERR_FLAGS, ELF_OK },
	{ "unknown required flag", ELF, p_flag15, MB_ERR_FLAGS, ELF_OK },
	{ "not ELF, no address fields", ELF, p_not_elf, MB_ERR_NOT_ELF, ELF_OK },
	{ "ELF64", ELF, p_elf64, MB_ERR_ELF, ELF_ERR_CLASS },
	{ "ELF truncated", ELF, p_elf_truncated, MB_ERR_ELF, ELF_ERR_SEG_FILE_RANGE },
	{ "ELF truncated (ld)", LD, p_ld_truncated, MB_ERR_ELF, ELF_ERR_SEG_FILE_RANGE },
	{ "ELF not executable", ELF, p_elf_dyn, MB_ERR_ELF, ELF_ERR_TYPE },
	{ "ELF entry not in code", ELF, p_entry_in_data, MB_ERR_ELF, ELF_ERR_ENTRY },
	{ "segment outside RAM", ELF, p_outside_ram, MB_ERR_OUTSIDE_RAM, ELF_OK },
	{ "segment near 4 GiB", ELF, p_near_4g, MB_ERR_OUTSIDE_RAM, ELF_OK },
	{ "segment over the info area", ELF, p_over_info, MB_ERR_OVERLAPS_INFO, ELF_OK },
	{ "segment into the info area", ELF, p_into_info, MB_ERR_OVERLAPS_INFO, ELF_OK },
	{ "segment in the hole", ELF, p_in_hole, MB_ERR_OVERLAPS_HOLE, ELF_OK },
	{ "segment into the hole", ELF, p_into_hole, MB_ERR_OVERLAPS_HOLE, ELF_OK },
	{ "header_addr below load_addr", AOUT, p_aout_header_below_load, MB_ERR_ADDRESS_FIELDS,
	  ELF_OK },
	{ "text before the file", AOUT, p_aout_before_file, MB_ERR_ADDRESS_FIELDS, ELF_OK },
	{ "load_end_addr at load_addr", AOUT, p_aout_load_end_low, MB_ERR_ADDRESS_FIELDS, ELF_OK },
	{ "load_end_addr past the file", AOUT, p_aout_past_file, MB_ERR_TRUNCATED, ELF_OK },
	{ "bss_end_addr below load_end", AOUT, p_aout_bss_low, MB_ERR_ADDRESS_FIELDS, ELF_OK },
	{ "entry in bss", AOUT, p_aout_entry_in_bss, MB_ERR_ENTRY, ELF_OK },
	{ "entry below load_addr", AOUT, p_aout_entry_below, MB_ERR_ENTRY, ELF_OK },
	{ "load past 4 GiB", AOUT, p_aout_past_4g, MB_ERR_ADDRESS_FIELDS, ELF_OK },
	{ "bss outside RAM", AOUT, p_aout_bss_outside, MB_ERR_OUTSIDE_RAM, ELF_OK },
	{ "a.out over the info area", AOUT, p_aout_over_info, MB_ERR_OVERLAPS_INFO, ELF_OK },
	{ "a.out in the hole", AOUT, p_aout_in_hole, MB_ERR_OVERLAPS_HOLE, ELF_OK },
};

static void test_refusals(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t size = c->base == ELF    ? IMG_SIZE
			      : c->base == AOUT ? AOUT_SIZE
						: sizeof(ld_kernel);
		struct mb_entry e;
		enum mb_error err;

		if (c->base == ELF)
			build_elf(img);
		else if (c->base == AOUT)
			build_aout(img);
		else
			memcpy(img, ld_kernel, sizeof(ld_kernel));
		c->patch(img, &size);
		err = load(&mem, img, size, NULL, 0, "x", &e);
		if (err != c->err || e.elf_error != c->elf_err)
			fail_msg("%s: got %d (%s) elf %d, expected %d (%s) elf %d", c->what, err,
				 mb_strerror(err), e.elf_error, c->err, mb_strerror(c->err),
				 c->elf_err);
		if (!ram_untouched(&mem, 0, RAM_SIZE))
			fail_msg("%s: guest RAM written", c->what);
	}
	ram_free(&mem);
}

/* The header may be anywhere 4-byte aligned in the window, even in no segment. */
static void test_header_places(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t img[IMG_SIZE];
	struct mb_entry e;

	build_elf(img);
	memset(img + IMG_MBH, 0, 12);
	put_mb_header(img, MB_SEARCH_BYTES - 12, 0x3);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	/* A bad header first, a good one after: the good one counts. */
	build_elf(img);
	put_mb_header(img, 0xc0, 0x3);
	img[0xc8] ^= 0xff;
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	/* Optional flags (17-31) are ignored; 0 and 1 are always honoured. */
	build_elf(img);
	put_mb_header(img, IMG_MBH, 0xfffe0000);
	assert_int_equal(load(&mem, img, sizeof(img), NULL, 0, NULL, &e), MB_OK);
	ram_free(&mem);
}

static void test_bad_args(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct guest_mem small = ram_new((1 << 20) - 4096);
	struct guest_mem none = { NULL, RAM_SIZE };
	struct mb_module nodata = { NULL, 5, "x" };
	struct mb_entry e;

	assert_int_equal(mb_load(&mem, NULL, 10, NULL, 0, NULL, NULL, &e), MB_ERR_ARGS);
	assert_int_equal(mb_load(NULL, ld_kernel, sizeof(ld_kernel), NULL, 0, NULL, NULL, &e),
			 MB_ERR_ARGS);
	assert_int_equal(mb_load(&none, ld_kernel, sizeof(ld_kernel), NULL, 0, NULL, NULL, &e),
			 MB_ERR_ARGS);
	assert_int_equal(mb_load(&mem, ld_kernel, sizeof(ld_kernel), NULL, 0, NULL, NULL, NULL),
			 MB_ERR_ARGS);
	assert_int_equal(mb_load_modules(&mem, ld_kernel, sizeof(ld_kernel), NULL, 1, NULL, &e),
			 MB_ERR_ARGS);
	assert_int_equal(mb_load_modules(&mem, ld_kernel, sizeof(ld_kernel), &nodata, 1, NULL, &e),
			 MB_ERR_ARGS);
	assert_int_equal(mb_load(&small, ld_kernel, sizeof(ld_kernel), NULL, 0, NULL, NULL, &e),
			 MB_ERR_RAM_TOO_SMALL);
	assert_int_equal(mb_load(&mem, ld_kernel, 0, NULL, 0, NULL, NULL, &e), MB_ERR_NO_HEADER);
	assert_true(ram_untouched(&mem, 0, RAM_SIZE));
	assert_true(ram_untouched(&small, 0, small.size));
	ram_free(&mem);
	ram_free(&small);
}

static void test_strerror(void **state)
{
	for (int i = 0; i < MB_ERR_COUNT; i++) {
		const char *m = mb_strerror((enum mb_error)i);

		assert_true(strlen(m) > 1);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(m, mb_strerror((enum mb_error)j));
	}
	assert_string_equal(mb_strerror(MB_ERR_COUNT), "unknown multiboot error");
	assert_string_equal(mb_strerror((enum mb_error) - 1), "unknown multiboot error");
	for (int i = 0; i < FLAT_ERR_COUNT; i++)
		assert_true(strlen(flat_strerror((enum flat_error)i)) > 1);
	assert_string_equal(flat_strerror(FLAT_ERR_COUNT), "unknown flat image error");
}

/* -------------------------------------------------------------- flat --- */

static void test_flat(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t *img = malloc(FLAT_MAX_SIZE + 1);
	struct flat_entry e;

	assert_non_null(img);
	for (size_t i = 0; i < FLAT_MAX_SIZE + 1; i++)
		img[i] = (uint8_t)(i * 3 + 1);
	/* A boot sector. */
	assert_int_equal(flat_load(&mem, img, 512, &e), FLAT_OK);
	assert_memory_equal(mem.base + 0x7c00, img, 512);
	assert_true(ram_untouched(&mem, 0, 0x7c00));
	assert_true(ram_untouched(&mem, 0x7c00 + 512, RAM_SIZE));
	assert_int_equal(e.ip, 0x7c00);
	assert_int_equal(e.sp, 0x7c00);
	assert_int_equal(e.dl, 0x80);
	assert_int_equal(e.cr0, 0x10);
	assert_int_equal(e.eflags, 0x2);
	assert_int_equal(e.cs.selector, 0);
	assert_int_equal(e.cs.base, 0);
	assert_int_equal(e.cs.limit, 0xffff);
	assert_int_equal(e.cs.ar, 0x9b);
	assert_int_equal(e.data.selector, 0);
	assert_int_equal(e.data.base, 0);
	assert_int_equal(e.data.limit, 0xffff);
	assert_int_equal(e.data.ar, 0x93);
	assert_int_equal(e.image_start, 0x7c00);
	assert_int_equal(e.image_end, 0x7c00 + 512);
	ram_free(&mem);

	/* Up to 0x9fbff, not one byte more. */
	mem = ram_new(1 << 20);
	assert_int_equal(flat_load(&mem, img, FLAT_MAX_SIZE, &e), FLAT_OK);
	assert_int_equal(e.image_end, 0x9fc00);
	assert_memory_equal(mem.base + 0x7c00, img, FLAT_MAX_SIZE);
	assert_true(ram_untouched(&mem, 0x9fc00, 1 << 20));
	ram_free(&mem);

	mem = ram_new(1 << 20);
	assert_int_equal(flat_load(&mem, img, FLAT_MAX_SIZE + 1, &e), FLAT_ERR_TOO_BIG);
	assert_int_equal(flat_load(&mem, img, 0, &e), FLAT_ERR_EMPTY);
	assert_int_equal(flat_load(&mem, NULL, 1, &e), FLAT_ERR_ARGS);
	assert_int_equal(flat_load(&mem, img, 1, NULL), FLAT_ERR_ARGS);
	assert_int_equal(flat_load(NULL, img, 1, &e), FLAT_ERR_ARGS);
	assert_true(ram_untouched(&mem, 0, 1 << 20));
	ram_free(&mem);
	mem = ram_new((1 << 20) - 1);
	assert_int_equal(flat_load(&mem, img, 1, &e), FLAT_ERR_RAM_TOO_SMALL);
	ram_free(&mem);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ld_kernel),      cmocka_unit_test(test_no_initrd_no_cmdline),
		cmocka_unit_test(test_built_elf),      cmocka_unit_test(test_higher_half),
		cmocka_unit_test(test_aout),           cmocka_unit_test(test_aout_beats_elf),
		cmocka_unit_test(test_low_kernel),     cmocka_unit_test(test_limits),
		cmocka_unit_test(test_module_too_big), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_header_places),  cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_strerror),       cmocka_unit_test(test_flat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
