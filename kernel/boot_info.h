/*
 * The kernel's first look at struct boot_info (kernel/include/strata/
 * boot_info.h), whichever boot path wrote it. Nothing in it is used before
 * boot_info_validate() accepts it: a loader bug must end in a clear
 * message, not in an allocator handing out a module's pages.
 */
#ifndef STRATA_KERNEL_BOOT_INFO_H
#define STRATA_KERNEL_BOOT_INFO_H

#include "kernel/include/strata/boot_info.h"

/*
 * Size of the version 1 layout, the smallest struct a writer may hand
 * over. While the version is 1 that is the whole struct; whoever bumps
 * BOOT_INFO_VERSION must freeze this as a number first.
 */
#define BOOT_INFO_V1_SIZE ((uint32_t)sizeof(struct boot_info))
_Static_assert(BOOT_INFO_VERSION == 1, "freeze BOOT_INFO_V1_SIZE before adding fields");

/* A writer may know a newer, longer struct; anything past a page is junk. */
#define BOOT_INFO_SIZE_MAX 4096ULL

/* The host config is a small text file; more than this is a wrong module. */
#define BOOT_INFO_CONFIG_MAX (1ULL << 20)

/*
 * Check the fixed fields only, without touching the arrays: magic,
 * version (1..BOOT_INFO_VERSION; a newer minor revision shows as a larger
 * size), size, boot method, kernel image, array counts and entry sizes,
 * config and command line bounds, everything below 4 GiB. Lets the caller
 * trust mmap_count/module_count before it maps the arrays.
 * Returns 0, or -EINVAL with *why (if why is not NULL) set to a static
 * one-line reason.
 */
int boot_info_validate_header(const struct boot_info *bi, const char **why);

/*
 * boot_info_validate_header(), then the arrays, which the caller has
 * mapped (`mmap` holds bi->mmap_count entries, `modules` bi->module_count;
 * either may be NULL only when its count is 0): every region non-empty,
 * not wrapping past 2^64, of a known type; every module NUL-terminated and
 * below 4 GiB; and the kernel image, both arrays, the config, the command
 * line and every module outside all BOOT_MEM_USABLE regions, as the entry
 * contract promises. Returns 0 or -EINVAL with *why set.
 */
int boot_info_validate(const struct boot_info *bi, const struct boot_mem_region *mmap,
		       const struct boot_module *modules, const char **why);

#endif
