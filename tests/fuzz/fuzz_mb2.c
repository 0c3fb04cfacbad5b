/* FUZZ_SOURCES: boot/multiboot2/mb2_info.c kernel/boot_info.c */
/*
 * libFuzzer target for the Multiboot2 information parser. The input is
 * the information block itself (seeds in tests/fuzz/corpus/mb2/ are real
 * GRUB-shaped blocks), copied to an 8-byte aligned heap buffer of exactly
 * its size so ASan catches any read past total_size.
 *
 * Beyond "no crash", a block that parses must give a struct boot_info the
 * kernel accepts (boot_info_validate(), except the config size limit the
 * parser leaves to it), with the command line and RSDP inside the block.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2/mb2_info.h"
#include "kernel/boot_info.h"

#define INFO_PHYS    0x07000000ULL
#define KERNEL_END   0x003a5123ULL
#define STORAGE_PHYS 0x00300040ULL

static struct mb2_boot_storage out;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_mb2: invariant broken: %s\n", what);
		abort();
	}
}

static void check_parsed(const uint8_t *blk, size_t size)
{
	const struct boot_info *bi = &out.info;
	const char *why = NULL;
	uint64_t off;

	if (bi->config_size <= BOOT_INFO_CONFIG_MAX) {
		if (boot_info_validate(bi, out.mmap, out.modules, &why)) {
			fprintf(stderr, "fuzz_mb2: parsed but invalid: %s\n", why);
			abort();
		}
	}
	if (bi->cmdline_phys) {
		off = bi->cmdline_phys - INFO_PHYS;
		check(off < size && bi->cmdline_size <= size - off, "cmdline inside block");
		check(blk[off + bi->cmdline_size - 1] == 0, "cmdline NUL-terminated");
		check(strlen((const char *)blk + off) + 1 == bi->cmdline_size, "cmdline size");
	}
	if (bi->rsdp_phys) {
		off = bi->rsdp_phys - INFO_PHYS;
		check(off >= 16 && off + 20 <= size, "RSDP inside block");
	}
	check(bi->mmap_count >= 1 && bi->mmap_count <= BOOT_INFO_MAX_MMAP, "mmap count");
	check(bi->module_count <= BOOT_INFO_MAX_MODULES, "module count");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_input in;
	enum mb2_status st;
	uint32_t err_off = 0;
	uint8_t *blk = malloc(size ? size : 1);

	if (!blk)
		return 0;
	memcpy(blk, data, size);
	in = (struct mb2_input){
		.info = blk,
		.readable = size,
		.info_phys = INFO_PHYS,
		.kernel_phys_end = KERNEL_END,
		.storage_phys = STORAGE_PHYS,
	};
	st = mb2_parse(&in, &out, &err_off);
	check((unsigned int)st < MB2_STATUS_COUNT, "status in range");
	check(mb2_strerror(st) != NULL, "message");
	if (st == MB2_OK)
		check_parsed(blk, size);
	else
		check(err_off <= size, "error offset inside block"); /* == size: ran out */
	free(blk);
	return 0;
}
