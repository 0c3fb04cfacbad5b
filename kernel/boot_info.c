/*
 * Validation of struct boot_info (see kernel/boot_info.h).
 *
 * Pure: reads the struct and the arrays the caller mapped, no hardware.
 * Every check returns a fixed reason string, so the early console can say
 * exactly which promise the boot path broke.
 */
#include <errno.h>

#include "kernel/boot_info.h"
#include "kernel/include/strata/types.h"

#define SIZE_4G (1ULL << 32)

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/* [base, base+len) lies below 4 GiB without wrapping. */
static bool below_4g(uint64_t base, uint64_t len)
{
	return base <= SIZE_4G && len <= SIZE_4G - base;
}

static int check_identity(const struct boot_info *bi, const char **why)
{
	if (!bi)
		return fail(why, "no boot_info");
	if (bi->magic != BOOT_INFO_MAGIC)
		return fail(why, "bad boot_info magic");
	if (bi->version == 0)
		return fail(why, "boot_info version 0");
	if (bi->version > BOOT_INFO_VERSION)
		return fail(why, "boot_info version newer than this kernel");
	if (bi->size < BOOT_INFO_V1_SIZE)
		return fail(why, "boot_info size smaller than version 1");
	if (bi->size > BOOT_INFO_SIZE_MAX)
		return fail(why, "boot_info size implausibly large");
	if (bi->boot_method != BOOT_METHOD_MULTIBOOT2 && bi->boot_method != BOOT_METHOD_UEFI)
		return fail(why, "unknown boot method");
	return 0;
}

static int check_kernel(const struct boot_info *bi, const char **why)
{
	/* The boot page tables map the image with 2 MiB pages. */
	if (bi->kernel_phys_base & (PAGE_SIZE_2M - 1))
		return fail(why, "kernel_phys_base not 2 MiB aligned");
	if (bi->kernel_phys_base >= bi->kernel_phys_end)
		return fail(why, "kernel image ends before it starts");
	if (bi->kernel_phys_end > SIZE_4G)
		return fail(why, "kernel image not below 4 GiB");
	return 0;
}

static int check_arrays(const struct boot_info *bi, const char **why)
{
	if (bi->mmap_count == 0)
		return fail(why, "empty memory map");
	if (bi->mmap_count > BOOT_INFO_MAX_MMAP)
		return fail(why, "memory map has more than BOOT_INFO_MAX_MMAP entries");
	if (bi->mmap_entry_size != sizeof(struct boot_mem_region))
		return fail(why, "memory map entry size does not match this kernel");
	if (!bi->mmap_phys ||
	    !below_4g(bi->mmap_phys, (uint64_t)bi->mmap_count * bi->mmap_entry_size))
		return fail(why, "memory map array not below 4 GiB");

	if (bi->module_count > BOOT_INFO_MAX_MODULES)
		return fail(why, "more than BOOT_INFO_MAX_MODULES modules");
	if (bi->module_entry_size != sizeof(struct boot_module))
		return fail(why, "module entry size does not match this kernel");
	if (bi->module_count &&
	    (!bi->modules_phys ||
	     !below_4g(bi->modules_phys, (uint64_t)bi->module_count * bi->module_entry_size)))
		return fail(why, "module array not below 4 GiB");
	return 0;
}

static int check_blobs(const struct boot_info *bi, const char **why)
{
	if (bi->config_size > BOOT_INFO_CONFIG_MAX)
		return fail(why, "config larger than 1 MiB");
	if (!bi->config_phys && bi->config_size)
		return fail(why, "config size without an address");
	if (!below_4g(bi->config_phys, bi->config_size))
		return fail(why, "config not below 4 GiB");

	if (!bi->cmdline_phys && bi->cmdline_size)
		return fail(why, "command line size without an address");
	if (bi->cmdline_phys && !bi->cmdline_size)
		return fail(why, "command line without room for its NUL");
	if (!below_4g(bi->cmdline_phys, bi->cmdline_size))
		return fail(why, "command line not below 4 GiB");
	return 0;
}

int boot_info_validate_header(const struct boot_info *bi, const char **why)
{
	int rc = check_identity(bi, why);

	if (!rc)
		rc = check_kernel(bi, why);
	if (!rc)
		rc = check_arrays(bi, why);
	if (!rc)
		rc = check_blobs(bi, why);
	return rc;
}

static int check_regions(const struct boot_mem_region *mmap, uint32_t count, const char **why)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (mmap[i].length == 0)
			return fail(why, "memory region of length 0");
		if (mmap[i].length > UINT64_MAX - mmap[i].base)
			return fail(why, "memory region wraps past 2^64");
		if (mmap[i].type < BOOT_MEM_USABLE || mmap[i].type > BOOT_MEM_BOOT_DATA)
			return fail(why, "memory region of unknown type");
	}
	return 0;
}

static int check_modules(const struct boot_module *mods, uint32_t count, const char **why)
{
	uint32_t i, n;

	for (i = 0; i < count; i++) {
		for (n = 0; n < BOOT_MODULE_NAME_LEN && mods[i].name[n]; n++)
			;
		if (n == BOOT_MODULE_NAME_LEN)
			return fail(why, "module name not NUL-terminated");
		if (!below_4g(mods[i].phys, mods[i].size))
			return fail(why, "module not below 4 GiB");
	}
	return 0;
}

/* Does [base, base+len) share a byte with a usable region? */
static bool hits_usable(const struct boot_mem_region *mmap, uint32_t count, uint64_t base,
			uint64_t len)
{
	uint32_t i;

	if (len == 0)
		return false;
	for (i = 0; i < count; i++) {
		const struct boot_mem_region *r = &mmap[i];

		/* Both ranges are known not to wrap (checked above). */
		if (r->type == BOOT_MEM_USABLE && base < r->base + r->length &&
		    r->base < base + len)
			return true;
	}
	return false;
}

/*
 * The entry contract keeps every blob out of usable memory, so the frame
 * allocator can be built from the map alone; a loader that forgot to mark
 * one would have the kernel overwrite its own image or a guest's.
 */
static int check_blobs_reserved(const struct boot_info *bi, const struct boot_mem_region *mmap,
				const struct boot_module *mods, const char **why)
{
	uint32_t n = bi->mmap_count;
	uint32_t i;

	if (hits_usable(mmap, n, bi->kernel_phys_base, bi->kernel_phys_end - bi->kernel_phys_base))
		return fail(why, "kernel image lies in usable memory");
	if (hits_usable(mmap, n, bi->mmap_phys, (uint64_t)n * bi->mmap_entry_size))
		return fail(why, "memory map array lies in usable memory");
	if (hits_usable(mmap, n, bi->modules_phys,
			(uint64_t)bi->module_count * bi->module_entry_size))
		return fail(why, "module array lies in usable memory");
	if (hits_usable(mmap, n, bi->config_phys, bi->config_size))
		return fail(why, "config lies in usable memory");
	if (hits_usable(mmap, n, bi->cmdline_phys, bi->cmdline_size))
		return fail(why, "command line lies in usable memory");
	for (i = 0; i < bi->module_count; i++)
		if (hits_usable(mmap, n, mods[i].phys, mods[i].size))
			return fail(why, "a module lies in usable memory");
	return 0;
}

int boot_info_validate(const struct boot_info *bi, const struct boot_mem_region *mmap,
		       const struct boot_module *modules, const char **why)
{
	int rc = boot_info_validate_header(bi, why);

	if (rc)
		return rc;
	if (!mmap)
		return fail(why, "memory map not mapped");
	if (bi->module_count && !modules)
		return fail(why, "module array not mapped");
	rc = check_regions(mmap, bi->mmap_count, why);
	if (!rc)
		rc = check_modules(modules, bi->module_count, why);
	if (!rc)
		rc = check_blobs_reserved(bi, mmap, modules, why);
	return rc;
}
