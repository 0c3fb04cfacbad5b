/* UNIT_SOURCES: boot/multiboot2/mb2_info.c kernel/boot_info.c */
/*
 * Host tests of the Multiboot2 information parser. Blocks are built here
 * tag by tag as GRUB lays them out (Multiboot2 spec 3.6), then parsed from
 * a heap buffer of exactly total_size bytes so ASan flags any read past
 * the end. Malformed blocks are a table: each row breaks one rule and
 * names the status and tag offset it must produce. Every block that
 * parses must also pass boot_info_validate(), the kernel's own check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/multiboot2/mb2_info.h"
#include "kernel/boot_info.h"

#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* A plausible physical layout. */
#define INFO_PHYS    0x07000000ULL /* where "GRUB" put the block (usable RAM) */
#define KERNEL_END   0x003a5123ULL /* unaligned on purpose */
#define STORAGE_PHYS 0x00300040ULL /* a .bss object inside the kernel */
#define CONF_PHYS    0x08000000ULL
#define GUEST_PHYS   0x08100000ULL

/* ------------------------------------------------------------ builder --- */

struct blk {
	uint8_t b[64 * 1024] __attribute__((aligned(8)));
	size_t len;
};

static struct blk bb;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void blk_start(void)
{
	memset(&bb, 0, sizeof(bb));
	bb.len = 8;
}

/* Append a tag with `plen` payload bytes; returns its offset. */
static size_t tag(uint32_t type, const void *payload, size_t plen)
{
	size_t off = bb.len;

	assert_true(off + 8 + plen + 8 <= sizeof(bb.b));
	put32(bb.b + off, type);
	put32(bb.b + off + 4, (uint32_t)(8 + plen));
	if (plen)
		memcpy(bb.b + off + 8, payload, plen);
	bb.len = ALIGN_UP(off + 8 + plen, 8ULL);
	return off;
}

static size_t tag_cmdline(const char *s)
{
	return tag(MB2_TAG_CMDLINE, s, strlen(s) + 1);
}

static size_t tag_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[512];
	size_t n = strlen(name) + 1;

	assert_true(8 + n <= sizeof(p));
	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, name, n);
	return tag(MB2_TAG_MODULE, p, 8 + n);
}

static size_t tag_meminfo(uint32_t lower_kib, uint32_t upper_kib)
{
	uint8_t p[8];

	put32(p, lower_kib);
	put32(p + 4, upper_kib);
	return tag(MB2_TAG_BASIC_MEMINFO, p, sizeof(p));
}

struct e820 {
	uint64_t base, len;
	uint32_t type;
};

static size_t tag_mmap_sized(const struct e820 *e, size_t n, uint32_t esize)
{
	static uint8_t p[8 + 300 * 40];
	size_t i;

	assert_true(8 + n * esize <= sizeof(p));
	memset(p, 0xee, sizeof(p)); /* padding of larger entries: junk */
	put32(p, esize);
	put32(p + 4, 0); /* entry_version */
	for (i = 0; i < n; i++) {
		put64(p + 8 + i * esize, e[i].base);
		put64(p + 8 + i * esize + 8, e[i].len);
		put32(p + 8 + i * esize + 16, e[i].type);
		put32(p + 8 + i * esize + 20, 0);
	}
	return tag(MB2_TAG_MMAP, p, 8 + n * esize);
}

static size_t tag_mmap(const struct e820 *e, size_t n)
{
	return tag_mmap_sized(e, n, 24);
}

static size_t tag_rsdp(uint32_t type, size_t len)
{
	uint8_t p[64];

	memset(p, 0, sizeof(p));
	memcpy(p, "RSD PTR ", 8);
	p[15] = type == MB2_TAG_ACPI_NEW ? 2 : 0; /* revision */
	return tag(type, p, len);
}

static size_t blk_end(void)
{
	size_t off = tag(MB2_TAG_END, NULL, 0);

	put32(bb.b, (uint32_t)bb.len);
	return off;
}

/* Parse state of the last parse_blk() call. */
static struct mb2_boot_storage out;
static uint32_t err_off;
static uint8_t *heap;

/* Parse the block from an exact-size heap copy. */
static enum mb2_status parse_len(size_t readable, hpa_t info_phys, hpa_t kernel_end)
{
	struct mb2_input in;

	free(heap);
	heap = malloc(readable ? readable : 1);
	assert_non_null(heap);
	memcpy(heap, bb.b, readable);
	in = (struct mb2_input){
		.info = heap,
		.readable = readable,
		.info_phys = info_phys,
		.kernel_phys_end = kernel_end,
		.storage_phys = STORAGE_PHYS,
	};
	err_off = 0xdeadbeef;
	return mb2_parse(&in, &out, &err_off);
}

static enum mb2_status parse_blk(void)
{
	return parse_len(bb.len, INFO_PHYS, KERNEL_END);
}

static int teardown(void **state)
{
	free(heap);
	heap = NULL;
	return 0;
}

/* -------------------------------------------------------------- checks --- */

/* The parsed map must be validate-clean and keep every blob out of usable RAM. */
static void expect_valid(void)
{
	const char *why = NULL;
	int rc = boot_info_validate(&out.info, out.mmap, out.modules, &why);

	if (rc)
		fail_msg("boot_info_validate: %s", why);
}

static uint64_t sum_type(uint32_t type)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i < out.info.mmap_count; i++)
		if (out.mmap[i].type == type)
			s += out.mmap[i].length;
	return s;
}

static uint32_t type_at(uint64_t pa)
{
	uint32_t i, t = 0;

	for (i = 0; i < out.info.mmap_count; i++)
		if (out.mmap[i].base <= pa && pa - out.mmap[i].base < out.mmap[i].length) {
			assert_int_equal(t, 0); /* the parser adds no overlaps */
			t = out.mmap[i].type;
		}
	return t;
}

static const struct e820 grub_map[] = {
	{ 0, 0x9fc00, MB2_MMAP_AVAILABLE },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x1ff00000 - 0x100000, MB2_MMAP_AVAILABLE },
	{ 0x1ff00000, 0x80000, MB2_MMAP_ACPI_RECLAIM },
	{ 0x1ff80000, 0x40000, MB2_MMAP_ACPI_NVS },
	{ 0x1ffc0000, 0x40000, MB2_MMAP_BAD },
	{ 0xfffc0000, 0x40000, 7 }, /* unknown type: reserved */
	{ 0x100000000ULL, 4 * GIB, MB2_MMAP_AVAILABLE },
};

static size_t g_cmd, g_acpi_new;

/* GRUB's usual output for `multiboot2 strata.elf console=ttyS0` and three modules. */
static void build_grub_like(void)
{
	uint8_t fb[24] = { 0 };

	blk_start();
	g_cmd = tag_cmdline("console=ttyS0 loglevel=7");
	tag(2, "GRUB 2.06", 10); /* boot loader name: ignored */
	tag_module(CONF_PHYS, CONF_PHYS + 0x345, "strata.conf");
	tag_module(GUEST_PHYS, GUEST_PHYS + 0x800000, "guests/linux.bzImage");
	tag_module(GUEST_PHYS + 0x800000, GUEST_PHYS + 0x900123, "guests/initrd.img");
	tag_meminfo(639, 523264);
	tag(5, "\x80\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff", 12); /* boot device */
	tag_mmap(grub_map, ARRAY_SIZE(grub_map));
	tag(8, fb, 21); /* odd size: the next tag must start 8-byte aligned */
	tag_rsdp(MB2_TAG_ACPI_OLD, 20);
	g_acpi_new = tag_rsdp(MB2_TAG_ACPI_NEW, 36);
	blk_end();
}

static void test_grub_like(void **state)
{
	const struct boot_info *bi = &out.info;
	uint64_t usable_before = 0;
	hpa_t base;
	uint64_t len;
	uint32_t i;

	build_grub_like();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(err_off, 0);

	assert_int_equal(bi->magic, BOOT_INFO_MAGIC);
	assert_int_equal(bi->version, BOOT_INFO_VERSION);
	assert_int_equal(bi->size, sizeof(struct boot_info));
	assert_int_equal(bi->boot_method, BOOT_METHOD_MULTIBOOT2);
	assert_int_equal(bi->kernel_phys_base, KERNEL_LINK_PHYS);
	assert_int_equal(bi->kernel_phys_end, KERNEL_END);

	/* The command line and RSDP point into the block itself. */
	assert_int_equal(bi->cmdline_phys, INFO_PHYS + g_cmd + 8);
	assert_int_equal(bi->cmdline_size, strlen("console=ttyS0 loglevel=7") + 1);
	assert_string_equal((const char *)heap + (bi->cmdline_phys - INFO_PHYS),
			    "console=ttyS0 loglevel=7");
	assert_int_equal(bi->rsdp_phys, INFO_PHYS + g_acpi_new + 8); /* newer preferred */
	assert_memory_equal(heap + g_acpi_new + 8, "RSD PTR ", 8);
	assert_int_equal(heap[g_acpi_new + 8 + 15], 2);

	/* Modules: the config apart, the rest by name. */
	assert_int_equal(bi->config_phys, CONF_PHYS);
	assert_int_equal(bi->config_size, 0x345);
	assert_int_equal(bi->module_count, 2);
	assert_int_equal(bi->module_entry_size, sizeof(struct boot_module));
	assert_int_equal(bi->modules_phys,
			 STORAGE_PHYS + offsetof(struct mb2_boot_storage, modules));
	assert_string_equal(out.modules[0].name, "guests/linux.bzImage");
	assert_int_equal(out.modules[0].phys, GUEST_PHYS);
	assert_int_equal(out.modules[0].size, 0x800000);
	assert_string_equal(out.modules[1].name, "guests/initrd.img");
	assert_int_equal(out.modules[1].size, 0x100123);

	/* Memory map: types translated, boot data carved out of usable RAM. */
	assert_int_equal(bi->mmap_phys, STORAGE_PHYS + offsetof(struct mb2_boot_storage, mmap));
	assert_int_equal(bi->mmap_entry_size, sizeof(struct boot_mem_region));
	assert_int_equal(type_at(0x1000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x9fc00), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x1ff00000), BOOT_MEM_ACPI_RECLAIM);
	assert_int_equal(type_at(0x1ff80000), BOOT_MEM_ACPI_NVS);
	assert_int_equal(type_at(0x1ffc0000), BOOT_MEM_BAD);
	assert_int_equal(type_at(0xfffc0000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(5 * GIB), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(KERNEL_LINK_PHYS - 1), BOOT_MEM_USABLE);
	assert_int_equal(type_at(KERNEL_LINK_PHYS), BOOT_MEM_BOOT_DATA);
	assert_int_equal(type_at(KERNEL_END), BOOT_MEM_BOOT_DATA); /* rounded up */
	assert_int_equal(type_at(ALIGN_UP(KERNEL_END, PAGE_SIZE)), BOOT_MEM_USABLE);
	assert_int_equal(type_at(INFO_PHYS), BOOT_MEM_BOOT_DATA);
	assert_int_equal(type_at(INFO_PHYS + PAGE_SIZE), BOOT_MEM_USABLE);
	assert_int_equal(type_at(INFO_PHYS - 1), BOOT_MEM_USABLE);
	assert_int_equal(type_at(CONF_PHYS), BOOT_MEM_BOOT_DATA);
	assert_int_equal(type_at(GUEST_PHYS + 0x900123), BOOT_MEM_BOOT_DATA);
	assert_int_equal(type_at(GUEST_PHYS + 0x901000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(GUEST_PHYS - 1), BOOT_MEM_USABLE);

	/* Carving only retypes usable bytes: the sum is unchanged. */
	for (i = 0; i < ARRAY_SIZE(grub_map); i++)
		if (grub_map[i].type == MB2_MMAP_AVAILABLE)
			usable_before += grub_map[i].len;
	assert_int_equal(sum_type(BOOT_MEM_USABLE) + sum_type(BOOT_MEM_BOOT_DATA), usable_before);
	assert_int_equal(sum_type(BOOT_MEM_BOOT_DATA),
			 ALIGN_UP(KERNEL_END, PAGE_SIZE) - KERNEL_LINK_PHYS + PAGE_SIZE +
				 PAGE_SIZE + ALIGN_UP(0x900123ULL, PAGE_SIZE));
	expect_valid();

	/* The block's own range, for the kernel to keep. */
	mb2_info_range(heap, INFO_PHYS, &base, &len);
	assert_int_equal(base, INFO_PHYS);
	assert_int_equal(len, bb.len);
}

static void test_rsdp_choice(void **state)
{
	static const struct e820 map[] = { { 0x100000, 64 * MIB, MB2_MMAP_AVAILABLE } };
	size_t old_off, new_off;

	blk_start();
	tag_mmap(map, 1);
	old_off = tag_rsdp(MB2_TAG_ACPI_OLD, 20);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.rsdp_phys, INFO_PHYS + old_off + 8);
	assert_int_equal(out.info.cmdline_phys, 0);
	assert_int_equal(out.info.cmdline_size, 0);
	assert_int_equal(out.info.config_phys, 0);
	assert_int_equal(out.info.module_count, 0);
	expect_valid();

	/* New after old in the block: still the new one. */
	blk_start();
	tag_mmap(map, 1);
	tag_rsdp(MB2_TAG_ACPI_OLD, 20);
	new_off = tag_rsdp(MB2_TAG_ACPI_NEW, 36);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.rsdp_phys, INFO_PHYS + new_off + 8);

	/* New before old. */
	blk_start();
	tag_mmap(map, 1);
	new_off = tag_rsdp(MB2_TAG_ACPI_NEW, 36);
	tag_rsdp(MB2_TAG_ACPI_OLD, 20);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.rsdp_phys, INFO_PHYS + new_off + 8);

	/* None. */
	blk_start();
	tag_mmap(map, 1);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.rsdp_phys, 0);
}

static void test_meminfo_fallback(void **state)
{
	blk_start();
	tag_cmdline("");
	tag_meminfo(639, 127 * 1024);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.cmdline_size, 1);
	/* [0, 639 KiB) and [1 MiB, 128 MiB), minus kernel and block. */
	assert_int_equal(type_at(0x1000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(639 * KIB), 0);
	assert_int_equal(type_at(1 * MIB), BOOT_MEM_USABLE);
	assert_int_equal(type_at(128 * MIB - 1), BOOT_MEM_USABLE);
	assert_int_equal(type_at(128 * MIB), 0);
	assert_int_equal(type_at(KERNEL_LINK_PHYS), BOOT_MEM_BOOT_DATA);
	assert_int_equal(type_at(INFO_PHYS), BOOT_MEM_BOOT_DATA);
	assert_int_equal(sum_type(BOOT_MEM_USABLE) + sum_type(BOOT_MEM_BOOT_DATA),
			 639 * KIB + 127 * MIB);
	expect_valid();

	/* The memory map wins over meminfo, in either order. */
	{
		static const struct e820 map[] = { { 0x100000, 64 * MIB, MB2_MMAP_AVAILABLE } };

		blk_start();
		tag_mmap(map, 1);
		tag_meminfo(639, 127 * 1024);
		blk_end();
		assert_int_equal(parse_blk(), MB2_OK);
		assert_int_equal(type_at(0x1000), 0);
		assert_int_equal(type_at(100 * MIB), 0);
		expect_valid();
	}
}

static void test_mmap_entries(void **state)
{
	static const struct e820 map[] = {
		{ 0x100000, 0x100000, MB2_MMAP_AVAILABLE },
		{ 0x200000, 0x200000, MB2_MMAP_AVAILABLE }, /* continues: merged */
		{ 0x400000, 0, 2 },                         /* empty: dropped */
		{ 0x400000, 0x1000, 2 },
		{ 0x401000, 0x1000, 2 }, /* merged too */
		{ 0x10000000, 0x1000000, MB2_MMAP_AVAILABLE },
		{ 0xfffffffffffff000ULL, 0x2000, 2 }, /* wraps: clipped */
	};
	uint32_t i;

	/* 32-byte entries (a future version): 8 bytes of junk each are skipped. */
	blk_start();
	tag_mmap_sized(map, ARRAY_SIZE(map), 32);
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	expect_valid();
	assert_int_equal(type_at(0x3a5fff), BOOT_MEM_BOOT_DATA); /* merged, then carved */
	assert_int_equal(type_at(0x3fffff), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x1fffff), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x401000), BOOT_MEM_RESERVED);
	assert_int_equal(type_at(0x10000000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0xfffffffffffffffeULL), BOOT_MEM_RESERVED);
	for (i = 0; i < out.info.mmap_count; i++) {
		assert_int_not_equal(out.mmap[i].length, 0);
		assert_true(out.mmap[i].length <= UINT64_MAX - out.mmap[i].base);
		if (out.mmap[i].base == 0x400000)
			assert_int_equal(out.mmap[i].length, 0x2000);
		if (out.mmap[i].type == BOOT_MEM_RESERVED && out.mmap[i].base > 4 * GIB)
			assert_int_equal(out.mmap[i].length, 0xfff);
	}

	/* A trailing partial entry is ignored. */
	blk_start();
	{
		/* Two entries written, the tag's size claims only 20 bytes of the second. */
		size_t off = tag_mmap(map, 2);

		put32(bb.b + off + 4, 16 + 24 + 20);
		assert_int_equal(bb.len, off + 16 + 48);
	}
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.mmap_count, 1);
	assert_int_equal(type_at(0x100000), BOOT_MEM_USABLE);
	assert_int_equal(type_at(0x200000), 0);

	/* Exactly BOOT_INFO_MAX_MMAP entries, none near boot data: fine. */
	{
		static struct e820 many[BOOT_INFO_MAX_MMAP];

		for (i = 0; i < BOOT_INFO_MAX_MMAP; i++) {
			many[i].base = 8 * GIB + i * 2 * PAGE_SIZE; /* gaps: no merging */
			many[i].len = PAGE_SIZE;
			many[i].type = MB2_MMAP_AVAILABLE;
		}
		blk_start();
		tag_mmap(many, BOOT_INFO_MAX_MMAP);
		blk_end();
		assert_int_equal(parse_blk(), MB2_OK);
		assert_int_equal(out.info.mmap_count, BOOT_INFO_MAX_MMAP);
		expect_valid();
	}
}

static void test_module_names(void **state)
{
	static const struct e820 map[] = { { 0x100000, 1 * GIB, MB2_MMAP_AVAILABLE } };
	char name[BOOT_MODULE_NAME_LEN];

	memset(name, 'a', sizeof(name));
	name[BOOT_MODULE_NAME_LEN - 1] = '\0'; /* 95 characters: the longest */
	blk_start();
	tag_mmap(map, 1);
	tag_module(GUEST_PHYS, GUEST_PHYS + 0x1000, name);
	tag_module(CONF_PHYS, CONF_PHYS, "strata.conf"); /* empty config */
	tag_module(GUEST_PHYS + 0x1000, GUEST_PHYS + 0x1000, "empty.img");
	tag_module(GUEST_PHYS + 0x2000, GUEST_PHYS + 0x3000, "strata.conf.bak");
	tag_module(GUEST_PHYS + 0x3000, GUEST_PHYS + 0x4000, "Strata.conf");
	blk_end();
	assert_int_equal(parse_blk(), MB2_OK);
	assert_int_equal(out.info.module_count, 4);
	assert_string_equal(out.modules[0].name, name);
	assert_int_equal(out.info.config_phys, CONF_PHYS);
	assert_int_equal(out.info.config_size, 0);
	assert_int_equal(out.modules[1].size, 0);
	assert_string_equal(out.modules[2].name, "strata.conf.bak");
	assert_string_equal(out.modules[3].name, "Strata.conf");
	expect_valid();

	/* BOOT_INFO_MAX_MODULES modules plus the config: fine. */
	{
		uint32_t i;

		blk_start();
		tag_mmap(map, 1);
		tag_module(CONF_PHYS, CONF_PHYS + 10, "strata.conf");
		for (i = 0; i < BOOT_INFO_MAX_MODULES; i++)
			tag_module(GUEST_PHYS + i * PAGE_SIZE, GUEST_PHYS + (i + 1) * PAGE_SIZE,
				   "m");
		blk_end();
		assert_int_equal(parse_blk(), MB2_OK);
		assert_int_equal(out.info.module_count, BOOT_INFO_MAX_MODULES);
		expect_valid();
	}
}

/* --------------------------------------------------------- malformed --- */

/* A valid minimal block whose tag offsets are recorded for patching. */
static size_t off_cmd, off_mod, off_mmap, off_end;

static const struct e820 small_map[] = {
	{ 0x1000, 0x9e000, MB2_MMAP_AVAILABLE },
	{ 0x100000, 1 * GIB, MB2_MMAP_AVAILABLE },
};

static void build_minimal(void)
{
	blk_start();
	off_cmd = tag_cmdline("quiet");
	off_mod = tag_module(GUEST_PHYS, GUEST_PHYS + 0x1000, "guest.img");
	off_mmap = tag_mmap(small_map, ARRAY_SIZE(small_map));
	off_end = blk_end();
}

static void set_total(uint32_t total)
{
	put32(bb.b, total);
}

static void test_minimal_ok(void **state)
{
	build_minimal();
	assert_int_equal(parse_blk(), MB2_OK);
	expect_valid();
}

static void test_header_errors(void **state)
{
	struct mb2_input in;

	build_minimal();
	/* Misaligned pointer: parse from one byte in. */
	heap = malloc(bb.len + 8);
	assert_non_null(heap);
	memcpy(heap + 4, bb.b, bb.len);
	in = (struct mb2_input){ heap + 4, bb.len, INFO_PHYS, KERNEL_END, STORAGE_PHYS };
	assert_int_equal(mb2_parse(&in, &out, &err_off), MB2_ERR_ALIGN);
	assert_int_equal(err_off, 0);
	assert_int_equal(mb2_parse(&in, &out, NULL), MB2_ERR_ALIGN);

	assert_int_equal(parse_len(bb.len, INFO_PHYS + 4, KERNEL_END), MB2_ERR_ALIGN);
	assert_int_equal(parse_len(bb.len, 4 * GIB - 8, KERNEL_END), MB2_ERR_ABOVE_4G);
	assert_int_equal(parse_len(bb.len, 4 * GIB, KERNEL_END), MB2_ERR_ABOVE_4G);
	assert_int_equal(parse_len(bb.len, 4 * GIB - bb.len, KERNEL_END), MB2_OK);
	assert_int_equal(parse_len(bb.len, INFO_PHYS, KERNEL_LINK_PHYS), MB2_ERR_KERNEL_END);
	assert_int_equal(parse_len(bb.len, INFO_PHYS, 4 * GIB + 1), MB2_ERR_KERNEL_END);
	assert_int_equal(parse_len(bb.len, INFO_PHYS, 4 * GIB), MB2_OK);
	assert_int_equal(parse_len(8, INFO_PHYS, KERNEL_END), MB2_ERR_TOTAL_SIZE_SMALL);
	assert_int_equal(parse_len(0, INFO_PHYS, KERNEL_END), MB2_ERR_TOTAL_SIZE_SMALL);

	/* total_size beyond what the caller can read. */
	assert_int_equal(parse_len(bb.len - 8, INFO_PHYS, KERNEL_END), MB2_ERR_TOTAL_SIZE_READABLE);
	set_total(0xfffffff8);
	assert_int_equal(parse_blk(), MB2_ERR_TOTAL_SIZE_READABLE);
	set_total(15);
	assert_int_equal(parse_blk(), MB2_ERR_TOTAL_SIZE_SMALL);
	set_total(0);
	assert_int_equal(parse_blk(), MB2_ERR_TOTAL_SIZE_SMALL);
}

struct bad_case {
	const char *what;
	void (*build)(void);
	enum mb2_status want;
	const size_t *where; /* expected err_offset, or NULL for 0 */
};

static void b_tag_size(void)
{
	build_minimal();
	put32(bb.b + off_mod + 4, 7);
}

static void b_tag_size_zero(void)
{
	build_minimal();
	put32(bb.b + off_mmap + 4, 0);
}

static void b_tag_overrun(void)
{
	build_minimal();
	put32(bb.b + off_mmap + 4, (uint32_t)(bb.len - off_mmap + 1));
}

static void b_end_overrun(void)
{
	build_minimal();
	put32(bb.b + off_end + 4, 16);
}

static void b_no_end(void)
{
	build_minimal();
	set_total((uint32_t)off_end); /* cut just before the end tag */
}

static void b_no_end_padding(void)
{
	build_minimal();
	set_total((uint32_t)off_end + 4); /* only half an end tag */
}

static size_t off_pad;

static void b_total_in_padding(void)
{
	build_minimal();
	/* "quiet" makes a 14-byte tag: total_size ends in its padding. */
	off_pad = off_cmd + 14;
	set_total((uint32_t)off_pad);
}

static void b_dup_cmdline(void)
{
	build_minimal();
	bb.len = off_end;
	off_end = tag_cmdline("again");
	blk_end();
}

static void b_dup_mmap(void)
{
	build_minimal();
	bb.len = off_end;
	off_end = tag_mmap(small_map, 1);
	blk_end();
}

static void b_dup_meminfo(void)
{
	build_minimal();
	bb.len = off_end;
	tag_meminfo(1, 2);
	off_end = tag_meminfo(1, 2);
	blk_end();
}

static void b_dup_acpi(void)
{
	build_minimal();
	bb.len = off_end;
	tag_rsdp(MB2_TAG_ACPI_NEW, 36);
	off_end = tag_rsdp(MB2_TAG_ACPI_NEW, 36);
	blk_end();
}

static void b_cmdline_unterminated(void)
{
	build_minimal();
	memcpy(bb.b + off_cmd + 8, "quiet!", 6); /* overwrites the NUL */
}

static void b_cmdline_empty_tag(void)
{
	blk_start();
	off_cmd = tag(MB2_TAG_CMDLINE, NULL, 0);
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_meminfo_short(void)
{
	blk_start();
	off_cmd = tag(MB2_TAG_BASIC_MEMINFO, "\1\0\0\0", 4);
	blk_end();
}

static void b_mmap_short(void)
{
	blk_start();
	off_mmap = tag(MB2_TAG_MMAP, "\x18\0\0\0", 4);
	blk_end();
}

static void b_mmap_esize_small(void)
{
	build_minimal();
	put32(bb.b + off_mmap + 8, 16);
}

static void b_mmap_esize_odd(void)
{
	build_minimal();
	put32(bb.b + off_mmap + 8, 28);
}

static void b_mmap_esize_zero(void)
{
	build_minimal();
	put32(bb.b + off_mmap + 8, 0);
}

static void b_mmap_too_many(void)
{
	static struct e820 many[BOOT_INFO_MAX_MMAP + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(many); i++) {
		many[i].base = 8 * GIB + i * 2 * PAGE_SIZE;
		many[i].len = PAGE_SIZE;
		many[i].type = MB2_MMAP_AVAILABLE;
	}
	blk_start();
	off_mmap = tag_mmap(many, ARRAY_SIZE(many));
	blk_end();
}

static void b_mmap_no_room(void)
{
	static struct e820 many[BOOT_INFO_MAX_MMAP];
	size_t i;

	/* A full map whose first usable region holds the kernel: no room to split. */
	many[0] = (struct e820){ 1 * MIB, 63 * MIB, MB2_MMAP_AVAILABLE };
	for (i = 1; i < ARRAY_SIZE(many); i++) {
		many[i].base = 8 * GIB + i * 2 * PAGE_SIZE;
		many[i].len = PAGE_SIZE;
		many[i].type = MB2_MMAP_AVAILABLE;
	}
	blk_start();
	tag_mmap(many, ARRAY_SIZE(many));
	blk_end();
}

static void b_no_map(void)
{
	blk_start();
	tag_cmdline("x");
	blk_end();
}

static void b_empty_map(void)
{
	static const struct e820 empty[] = { { 0x100000, 0, MB2_MMAP_AVAILABLE } };

	blk_start();
	tag_mmap(empty, 1);
	tag_meminfo(0, 0);
	blk_end();
}

static void b_module_short(void)
{
	build_minimal();
	put32(bb.b + off_mod + 4, 16);
}

static void b_module_range(void)
{
	build_minimal();
	put32(bb.b + off_mod + 12, GUEST_PHYS - 1);
}

static void b_module_zero(void)
{
	build_minimal();
	put32(bb.b + off_mod + 8, 0);
}

static void b_module_unterminated(void)
{
	build_minimal();
	memcpy(bb.b + off_mod + 16, "guest.img!", 10);
	put32(bb.b + off_mod + 4, 16 + 10);
}

static void b_module_name_empty(void)
{
	blk_start();
	off_mod = tag_module(GUEST_PHYS, GUEST_PHYS + 1, "");
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_module_name_long(void)
{
	char name[BOOT_MODULE_NAME_LEN + 1];

	memset(name, 'x', sizeof(name));
	name[BOOT_MODULE_NAME_LEN] = '\0'; /* 96 characters: one too many */
	blk_start();
	off_mod = tag_module(GUEST_PHYS, GUEST_PHYS + 1, name);
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_module_too_many(void)
{
	uint32_t i;

	blk_start();
	for (i = 0; i <= BOOT_INFO_MAX_MODULES; i++)
		off_mod = tag_module(GUEST_PHYS, GUEST_PHYS + 1, "m");
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_config_dup(void)
{
	blk_start();
	tag_module(CONF_PHYS, CONF_PHYS + 1, "strata.conf");
	off_mod = tag_module(CONF_PHYS + 0x1000, CONF_PHYS + 0x1001, "strata.conf");
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_config_dup_empty(void)
{
	blk_start();
	tag_module(CONF_PHYS, CONF_PHYS, "strata.conf");
	off_mod = tag_module(CONF_PHYS, CONF_PHYS, "strata.conf");
	tag_mmap(small_map, 1);
	blk_end();
}

static void b_rsdp_old_short(void)
{
	build_minimal();
	bb.len = off_end;
	off_end = tag_rsdp(MB2_TAG_ACPI_OLD, 19);
	blk_end();
}

static void b_rsdp_new_short(void)
{
	build_minimal();
	bb.len = off_end;
	off_end = tag_rsdp(MB2_TAG_ACPI_NEW, 35);
	blk_end();
}

static const size_t zero_off;

static const struct bad_case bad_cases[] = {
	{ "tag size 7", b_tag_size, MB2_ERR_TAG_SIZE, &off_mod },
	{ "tag size 0", b_tag_size_zero, MB2_ERR_TAG_SIZE, &off_mmap },
	{ "tag past total_size", b_tag_overrun, MB2_ERR_TAG_OVERRUN, &off_mmap },
	{ "end tag past total_size", b_end_overrun, MB2_ERR_TAG_OVERRUN, &off_end },
	{ "no end tag", b_no_end, MB2_ERR_NO_END_TAG, &off_end },
	{ "half an end tag", b_no_end_padding, MB2_ERR_NO_END_TAG, &off_end },
	{ "total_size inside padding", b_total_in_padding, MB2_ERR_NO_END_TAG, &off_pad },
	{ "two command lines", b_dup_cmdline, MB2_ERR_DUPLICATE_TAG, &off_end },
	{ "two memory maps", b_dup_mmap, MB2_ERR_DUPLICATE_TAG, &off_end },
	{ "two meminfo tags", b_dup_meminfo, MB2_ERR_DUPLICATE_TAG, &off_end },
	{ "two new RSDPs", b_dup_acpi, MB2_ERR_DUPLICATE_TAG, &off_end },
	{ "cmdline without NUL", b_cmdline_unterminated, MB2_ERR_CMDLINE_UNTERMINATED, &off_cmd },
	{ "cmdline tag empty", b_cmdline_empty_tag, MB2_ERR_CMDLINE_UNTERMINATED, &off_cmd },
	{ "meminfo short", b_meminfo_short, MB2_ERR_MEMINFO_SIZE, &off_cmd },
	{ "mmap short", b_mmap_short, MB2_ERR_MMAP_SIZE, &off_mmap },
	{ "mmap entry_size 16", b_mmap_esize_small, MB2_ERR_MMAP_ENTRY_SIZE, &off_mmap },
	{ "mmap entry_size 28", b_mmap_esize_odd, MB2_ERR_MMAP_ENTRY_SIZE, &off_mmap },
	{ "mmap entry_size 0", b_mmap_esize_zero, MB2_ERR_MMAP_ENTRY_SIZE, &off_mmap },
	{ "mmap 257 entries", b_mmap_too_many, MB2_ERR_MMAP_TOO_MANY, &off_mmap },
	{ "mmap full, no room", b_mmap_no_room, MB2_ERR_MMAP_NO_ROOM, &zero_off },
	{ "no memory information", b_no_map, MB2_ERR_NO_MEMORY_MAP, &zero_off },
	{ "empty map and meminfo", b_empty_map, MB2_ERR_NO_MEMORY_MAP, &zero_off },
	{ "module short", b_module_short, MB2_ERR_MODULE_SIZE, &off_mod },
	{ "module end < start", b_module_range, MB2_ERR_MODULE_RANGE, &off_mod },
	{ "module at 0", b_module_zero, MB2_ERR_MODULE_AT_ZERO, &off_mod },
	{ "module string without NUL", b_module_unterminated, MB2_ERR_MODULE_UNTERMINATED,
	  &off_mod },
	{ "module without name", b_module_name_empty, MB2_ERR_MODULE_NAME_EMPTY, &off_mod },
	{ "module name 96 chars", b_module_name_long, MB2_ERR_MODULE_NAME_LONG, &off_mod },
	{ "65 modules", b_module_too_many, MB2_ERR_MODULE_TOO_MANY, &off_mod },
	{ "two configs", b_config_dup, MB2_ERR_CONFIG_DUPLICATE, &off_mod },
	{ "two empty configs", b_config_dup_empty, MB2_ERR_CONFIG_DUPLICATE, &off_mod },
	{ "old RSDP short", b_rsdp_old_short, MB2_ERR_RSDP_SIZE, &off_end },
	{ "new RSDP short", b_rsdp_new_short, MB2_ERR_RSDP_SIZE, &off_end },
};

static void test_malformed_table(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		enum mb2_status st;

		c->build();
		st = parse_blk();
		if (st != c->want || err_off != *c->where)
			fail_msg("%s: got %d (%s) at %u, want %d (%s) at %zu", c->what, st,
				 mb2_strerror(st), err_off, c->want, mb2_strerror(c->want),
				 *c->where);
	}
}

static void test_messages(void **state)
{
	int i, j;

	for (i = 0; i < MB2_STATUS_COUNT; i++) {
		const char *m = mb2_strerror((enum mb2_status)i);

		assert_non_null(m);
		assert_true(strlen(m) > 1);
		assert_string_not_equal(m, "unknown multiboot2 status");
		for (j = 0; j < i; j++)
			assert_string_not_equal(m, mb2_strerror((enum mb2_status)j));
	}
	assert_string_equal(mb2_strerror(MB2_STATUS_COUNT), "unknown multiboot2 status");
	assert_string_equal(mb2_strerror((enum mb2_status)(-1)), "unknown multiboot2 status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_grub_like, teardown),
		cmocka_unit_test_teardown(test_rsdp_choice, teardown),
		cmocka_unit_test_teardown(test_meminfo_fallback, teardown),
		cmocka_unit_test_teardown(test_mmap_entries, teardown),
		cmocka_unit_test_teardown(test_module_names, teardown),
		cmocka_unit_test_teardown(test_minimal_ok, teardown),
		cmocka_unit_test_teardown(test_header_errors, teardown),
		cmocka_unit_test_teardown(test_malformed_table, teardown),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
