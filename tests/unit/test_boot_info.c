/* UNIT_SOURCES: kernel/boot_info.c */
/*
 * Host tests of boot_info_validate(). A struct boot_info shaped like the
 * UEFI loader's output is built once; each row of the table breaks one
 * promise of the entry contract (kernel/include/strata/boot_info.h) and
 * must be rejected with a reason naming it, and each "still fine" row
 * checks an edge that must be accepted.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/boot_info.h"
#include "kernel/include/strata/types.h"

#define MIB (1024ULL * 1024)
#define GIB (1024ULL * MIB)

#define MMAP_PHYS    0x500000ULL
#define MODULES_PHYS 0x500800ULL
#define BLOBS        (128 * MIB) /* config, command line, modules */

static struct boot_info bi;
static struct boot_mem_region mmap[BOOT_INFO_MAX_MMAP + 1];
static struct boot_module mods[BOOT_INFO_MAX_MODULES + 1];

static void build_valid(void)
{
	static const struct boot_mem_region map[] = {
		{ 1 * MIB, 1 * MIB, BOOT_MEM_USABLE, 0 },
		{ 2 * MIB, 4 * MIB, BOOT_MEM_BOOT_DATA, 0 }, /* kernel + arrays */
		{ 6 * MIB, 122 * MIB, BOOT_MEM_USABLE, 0 },
		{ BLOBS, 2 * MIB, BOOT_MEM_BOOT_DATA, 0 }, /* config, cmdline, modules */
		{ BLOBS + 2 * MIB, 1 * GIB - BLOBS - 2 * MIB, BOOT_MEM_USABLE, 0 },
		{ 1 * GIB, 0x100000, BOOT_MEM_ACPI_RECLAIM, 0 },
		{ 1 * GIB + 0x100000, 0x100000, BOOT_MEM_ACPI_NVS, 0 },
		{ 2 * GIB, 0x1000, BOOT_MEM_BAD, 0 },
		{ 3 * GIB, 1 * GIB, BOOT_MEM_RESERVED, 0 },
		{ 4 * GIB, 4 * GIB, BOOT_MEM_USABLE, 0 },
	};

	memset(&bi, 0, sizeof(bi));
	memset(mmap, 0, sizeof(mmap));
	memset(mods, 0, sizeof(mods));
	memcpy(mmap, map, sizeof(map));

	bi.magic = BOOT_INFO_MAGIC;
	bi.version = BOOT_INFO_VERSION;
	bi.size = sizeof(bi);
	bi.boot_method = BOOT_METHOD_UEFI;
	bi.kernel_phys_base = 2 * MIB;
	bi.kernel_phys_end = 0x400000;
	bi.rsdp_phys = 0xfe000;
	bi.mmap_phys = MMAP_PHYS;
	bi.mmap_count = ARRAY_SIZE(map);
	bi.mmap_entry_size = sizeof(struct boot_mem_region);
	bi.modules_phys = MODULES_PHYS;
	bi.module_count = 2;
	bi.module_entry_size = sizeof(struct boot_module);
	bi.config_phys = BLOBS;
	bi.config_size = 100;
	bi.cmdline_phys = BLOBS + 0x1000;
	bi.cmdline_size = 10;

	mods[0].phys = BLOBS + 0x2000;
	mods[0].size = 0x100000;
	strcpy(mods[0].name, "guests/linux.bzImage");
	mods[1].phys = BLOBS + 0x102000;
	mods[1].size = 0;
	strcpy(mods[1].name, "empty");
}

static int run(const char **why)
{
	*why = NULL;
	return boot_info_validate(&bi, mmap, mods, why);
}

static void test_valid(void **state)
{
	const char *why = "untouched";

	build_valid();
	assert_int_equal(boot_info_validate(&bi, mmap, mods, &why), 0);
	assert_string_equal(why, "untouched"); /* only set on failure */
	assert_int_equal(boot_info_validate_header(&bi, &why), 0);
	assert_int_equal(boot_info_validate(&bi, mmap, mods, NULL), 0);

	bi.boot_method = BOOT_METHOD_MULTIBOOT2;
	assert_int_equal(boot_info_validate(&bi, mmap, mods, NULL), 0);
}

struct case_row {
	const char *what;
	void (*mutate)(void);
	const char *reason; /* substring of the reason, NULL = must pass */
};

/* clang-format off */
#define MUT(name, body) static void name(void) { body; }

MUT(m_magic, bi.magic ^= 1)
MUT(m_version0, bi.version = 0)
MUT(m_version_new, bi.version = BOOT_INFO_VERSION + 1)
MUT(m_size_small, bi.size = BOOT_INFO_V1_SIZE - 8)
MUT(m_size_zero, bi.size = 0)
MUT(m_size_bigger, bi.size = BOOT_INFO_V1_SIZE + 16)
MUT(m_size_huge, bi.size = 4097)
MUT(m_method0, bi.boot_method = 0)
MUT(m_method3, bi.boot_method = 3)
MUT(m_kbase_align, { bi.kernel_phys_base = 0x201000; })
MUT(m_kbase_end, bi.kernel_phys_end = bi.kernel_phys_base)
MUT(m_kend_4g, { bi.kernel_phys_end = 4 * GIB + 1; })
MUT(m_mmap_zero, bi.mmap_count = 0)
MUT(m_mmap_many, bi.mmap_count = BOOT_INFO_MAX_MMAP + 1)
MUT(m_mmap_esize, bi.mmap_entry_size = 32)
MUT(m_mmap_phys0, bi.mmap_phys = 0)
MUT(m_mmap_4g, bi.mmap_phys = 4 * GIB - 100)
MUT(m_mod_many, bi.module_count = BOOT_INFO_MAX_MODULES + 1)
MUT(m_mod_esize, bi.module_entry_size = 96)
MUT(m_mod_esize0, { bi.module_count = 0; bi.module_entry_size = 0; })
MUT(m_mod_none, { bi.module_count = 0; bi.modules_phys = 0; })
MUT(m_mod_phys0, bi.modules_phys = 0)
MUT(m_mod_4g, bi.modules_phys = 4 * GIB - 112)
MUT(m_conf_big, bi.config_size = 1 * MIB + 1)
MUT(m_conf_1m, { bi.config_size = 1 * MIB; })
MUT(m_conf_none, { bi.config_phys = 0; bi.config_size = 0; })
MUT(m_conf_nophys, bi.config_phys = 0)
MUT(m_conf_4g, { bi.config_phys = 4 * GIB - 10; })
MUT(m_cmd_none, { bi.cmdline_phys = 0; bi.cmdline_size = 0; })
MUT(m_cmd_nophys, bi.cmdline_phys = 0)
MUT(m_cmd_nosize, bi.cmdline_size = 0)
MUT(m_cmd_4g, { bi.cmdline_phys = 4 * GIB - 5; })
MUT(m_cmd_wrap, { bi.cmdline_size = UINT64_MAX; })
MUT(m_reg_len0, mmap[7].length = 0)
MUT(m_reg_wrap, { mmap[9].length = UINT64_MAX - mmap[9].base + 1; })
MUT(m_reg_top, { mmap[9].length = UINT64_MAX - mmap[9].base; })
MUT(m_reg_type0, mmap[7].type = 0)
MUT(m_reg_type7, mmap[7].type = 7)
MUT(m_mod_noterm, memset(mods[1].name, 'x', BOOT_MODULE_NAME_LEN))
MUT(m_mod_name95, { memset(mods[1].name, 'x', 95); mods[1].name[95] = 0; })
MUT(m_mod_above, { mods[0].phys = 4 * GIB; mods[0].size = 1; })
MUT(m_mod_wrap, { mods[0].size = UINT64_MAX; })
MUT(m_k_usable, { mmap[1].base += PAGE_SIZE; mmap[1].length -= PAGE_SIZE;
		  mmap[0].length += PAGE_SIZE; })
MUT(m_mmap_usable, { bi.mmap_phys = 6 * MIB; })
MUT(m_modarr_usable, { bi.modules_phys = 6 * MIB + 0x800; })
MUT(m_conf_usable, { bi.config_phys = BLOBS + 2 * MIB - 50; })
MUT(m_cmd_usable, { bi.cmdline_phys = 6 * MIB - 5; })
MUT(m_mod_usable, { mods[0].size = 2 * MIB - 0x2000 + 1; })
MUT(m_mod_empty_usable, { mods[1].phys = 6 * MIB + 0x100; mods[1].size = 0; }) /* no bytes */
MUT(m_adjacent, { bi.config_phys = BLOBS + 2 * MIB - 100; bi.config_size = 100; })
MUT(m_mod_last, { mods[0].phys = 4 * GIB - 0x1000; mods[0].size = 0x1000;
		  mmap[8].length = 1 * GIB; })
/* clang-format on */

static const struct case_row rows[] = {
	{ "magic", m_magic, "magic" },
	{ "version 0", m_version0, "version 0" },
	{ "newer version", m_version_new, "newer" },
	{ "size below v1", m_size_small, "smaller" },
	{ "size 0", m_size_zero, "smaller" },
	{ "larger size (newer minor)", m_size_bigger, NULL },
	{ "size past a page", m_size_huge, "large" },
	{ "boot method 0", m_method0, "boot method" },
	{ "boot method 3", m_method3, "boot method" },
	{ "kernel base unaligned", m_kbase_align, "2 MiB" },
	{ "kernel end == base", m_kbase_end, "ends before" },
	{ "kernel above 4 GiB", m_kend_4g, "4 GiB" },
	{ "no regions", m_mmap_zero, "empty memory map" },
	{ "too many regions", m_mmap_many, "BOOT_INFO_MAX_MMAP" },
	{ "region size", m_mmap_esize, "entry size" },
	{ "map at 0", m_mmap_phys0, "memory map array" },
	{ "map across 4 GiB", m_mmap_4g, "memory map array" },
	{ "too many modules", m_mod_many, "BOOT_INFO_MAX_MODULES" },
	{ "module size", m_mod_esize, "module entry size" },
	{ "module size 0, no modules", m_mod_esize0, "module entry size" },
	{ "no modules, no array", m_mod_none, NULL },
	{ "module array at 0", m_mod_phys0, "module array" },
	{ "module array across 4 GiB", m_mod_4g, "module array" },
	{ "config over 1 MiB", m_conf_big, "1 MiB" },
	{ "config of exactly 1 MiB", m_conf_1m, NULL },
	{ "no config", m_conf_none, NULL },
	{ "config size, no address", m_conf_nophys, "config size" },
	{ "config across 4 GiB", m_conf_4g, "config not below" },
	{ "no command line", m_cmd_none, NULL },
	{ "cmdline size, no address", m_cmd_nophys, "command line size" },
	{ "cmdline without NUL room", m_cmd_nosize, "NUL" },
	{ "cmdline across 4 GiB", m_cmd_4g, "command line not below" },
	{ "cmdline size wraps", m_cmd_wrap, "command line not below" },
	{ "region of length 0", m_reg_len0, "length 0" },
	{ "region wraps", m_reg_wrap, "wraps" },
	{ "region to the last byte", m_reg_top, NULL },
	{ "region type 0", m_reg_type0, "unknown type" },
	{ "region type 7", m_reg_type7, "unknown type" },
	{ "module name unterminated", m_mod_noterm, "NUL" },
	{ "module name of 95 chars", m_mod_name95, NULL },
	{ "module above 4 GiB", m_mod_above, "module not below" },
	{ "module size wraps", m_mod_wrap, "module not below" },
	{ "kernel in usable RAM", m_k_usable, "kernel image lies" },
	{ "map array in usable RAM", m_mmap_usable, "memory map array lies" },
	{ "module array in usable RAM", m_modarr_usable, "module array lies" },
	{ "config in usable RAM", m_conf_usable, "config lies" },
	{ "cmdline in usable RAM", m_cmd_usable, "command line lies" },
	{ "module in usable RAM", m_mod_usable, "a module lies" },
	{ "empty module in usable RAM", m_mod_empty_usable, NULL },
	{ "blob ending at usable start", m_adjacent, NULL },
	{ "module ending at 4 GiB", m_mod_last, NULL },
};

static void test_table(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *why;
		int rc;

		build_valid();
		rows[i].mutate();
		rc = run(&why);
		if (!rows[i].reason) {
			if (rc)
				fail_msg("%s: rejected (%s)", rows[i].what, why);
			continue;
		}
		if (rc != -EINVAL)
			fail_msg("%s: accepted", rows[i].what);
		if (!why || !strstr(why, rows[i].reason))
			fail_msg("%s: reason \"%s\", want \"%s\"", rows[i].what,
				 why ? why : "(null)", rows[i].reason);
	}
}

static void test_header_only(void **state)
{
	const char *why = NULL;

	/* Counts are checked before any array is touched. */
	build_valid();
	bi.mmap_count = 100000;
	assert_int_equal(boot_info_validate_header(&bi, &why), -EINVAL);
	assert_non_null(strstr(why, "BOOT_INFO_MAX_MMAP"));
	assert_int_equal(boot_info_validate(&bi, NULL, NULL, &why), -EINVAL);

	/* A bad region is not the header's business. */
	build_valid();
	mmap[0].length = 0;
	assert_int_equal(boot_info_validate_header(&bi, &why), 0);
}

static void test_null_arguments(void **state)
{
	const char *why = NULL;

	assert_int_equal(boot_info_validate(NULL, mmap, mods, &why), -EINVAL);
	assert_non_null(strstr(why, "no boot_info"));
	assert_int_equal(boot_info_validate_header(NULL, NULL), -EINVAL);

	build_valid();
	assert_int_equal(boot_info_validate(&bi, NULL, mods, &why), -EINVAL);
	assert_non_null(strstr(why, "memory map not mapped"));
	assert_int_equal(boot_info_validate(&bi, mmap, NULL, &why), -EINVAL);
	assert_non_null(strstr(why, "module array not mapped"));
	bi.module_count = 0;
	assert_int_equal(boot_info_validate(&bi, mmap, NULL, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_null_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
