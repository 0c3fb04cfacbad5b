/*
 * Files from the loader's own volume: the kernel, the host config and the
 * guest images under \strata\ (EFI_SIMPLE_FILE_SYSTEM_PROTOCOL and
 * EFI_FILE_PROTOCOL, UEFI 2.10 sections 13.4 and 13.5). Boot services
 * must be up.
 */
#ifndef STRATA_BOOT_EFI_EFIFS_H
#define STRATA_BOOT_EFI_EFIFS_H

#include <efi.h>

#include "kernel/include/strata/boot_info.h"

/* Deepest sub-folder of \strata\ searched for modules. */
#define EFIFS_MAX_DEPTH 8

/* Open the root directory of the volume `image` was loaded from. */
EFI_STATUS efifs_open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root);

/*
 * Read the whole file `path` (relative to `dir`) into pool memory that
 * the caller frees with FreePool(). EFI_NOT_FOUND if it does not exist.
 */
EFI_STATUS efifs_read_pool(EFI_FILE_HANDLE dir, CHAR16 *path, void **buf, UINTN *size);

/*
 * Read the whole file `path` into zeroed boot-data pages below 4 GiB
 * (efimem.h) that the kernel keeps. An empty file still gets one page so
 * *phys is a real address. EFI_NOT_FOUND if it does not exist.
 */
EFI_STATUS efifs_read_low(EFI_FILE_HANDLE dir, CHAR16 *path, EFI_PHYSICAL_ADDRESS *phys,
			  UINT64 *size);

/*
 * Load every regular file under `dir`, recursively, as a boot module
 * named by its path relative to `dir` with '/' separators, except the
 * top-level `skip` names (compared without case, as FAT does). Names
 * that are not printable ASCII or do not fit BOOT_MODULE_NAME_LEN, and
 * files beyond `max`, are skipped with a warning. The result is sorted
 * by name so the order does not depend on the directory layout.
 */
EFI_STATUS efifs_load_modules(EFI_FILE_HANDLE dir, const char *const *skip, unsigned int nskip,
			      struct boot_module *mods, unsigned int max, unsigned int *count);

#endif
