/*
 * Loader file access (see efifs.h).
 */
#include <stdbool.h>
#include <stddef.h>

#include "boot/efi/efifs.h"
#include "boot/efi/efilog.h"
#include "boot/efi/efimem.h"

/*
 * A directory entry: EFI_FILE_INFO plus its name. FAT long names are at
 * most 255 UCS-2 characters, so this always suffices for FAT volumes.
 */
#define EFIFS_INFO_BYTES (offsetof(EFI_FILE_INFO, FileName) + 256 * sizeof(CHAR16) + 64)
#define EFIFS_CHUNK      (1024 * 1024) /* bytes per Read() call */

struct efifs_scan {
	const char *const *skip;
	unsigned int nskip;
	struct boot_module *mods;
	unsigned int max;
	unsigned int count;
	char path[BOOT_MODULE_NAME_LEN];
};

EFI_STATUS efifs_open_root(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return st;
	return fs->OpenVolume(fs, root);
}

static EFI_STATUS efifs_size(EFI_FILE_HANDLE f, UINT64 *size)
{
	EFI_FILE_INFO *info = LibFileInfo(f);

	if (!info)
		return EFI_DEVICE_ERROR;
	*size = info->FileSize;
	FreePool(info);
	return EFI_SUCCESS;
}

/* Read exactly `size` bytes; Read() may return less than asked for. */
static EFI_STATUS efifs_read_all(EFI_FILE_HANDLE f, UINT8 *buf, UINT64 size)
{
	UINT64 done = 0;
	EFI_STATUS st;

	while (done < size) {
		UINTN n = size - done > EFIFS_CHUNK ? EFIFS_CHUNK : size - done;

		st = f->Read(f, &n, buf + done);
		if (EFI_ERROR(st))
			return st;
		if (n == 0)
			return EFI_END_OF_FILE; /* shorter than its size said */
		done += n;
	}
	return EFI_SUCCESS;
}

EFI_STATUS efifs_read_pool(EFI_FILE_HANDLE dir, CHAR16 *path, void **buf, UINTN *size)
{
	EFI_FILE_HANDLE f;
	UINT64 sz = 0;
	EFI_STATUS st;

	st = dir->Open(dir, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	st = efifs_size(f, &sz);
	if (!EFI_ERROR(st)) {
		*buf = AllocatePool(sz ? sz : 1);
		if (!*buf)
			st = EFI_OUT_OF_RESOURCES;
	}
	if (!EFI_ERROR(st)) {
		st = efifs_read_all(f, *buf, sz);
		if (EFI_ERROR(st))
			FreePool(*buf);
	}
	f->Close(f);
	*size = sz;
	return st;
}

static EFI_STATUS efifs_read_handle_low(EFI_FILE_HANDLE f, EFI_PHYSICAL_ADDRESS *phys, UINT64 *size)
{
	UINT64 sz;
	EFI_STATUS st;

	st = efifs_size(f, &sz);
	if (EFI_ERROR(st))
		return st;
	st = efimem_alloc(sz ? EFIMEM_PAGES(sz) : 1, phys);
	if (EFI_ERROR(st))
		return st;
	st = efifs_read_all(f, (UINT8 *)(UINTN)*phys, sz);
	if (EFI_ERROR(st))
		BS->FreePages(*phys, sz ? EFIMEM_PAGES(sz) : 1);
	*size = sz;
	return st;
}

EFI_STATUS efifs_read_low(EFI_FILE_HANDLE dir, CHAR16 *path, EFI_PHYSICAL_ADDRESS *phys,
			  UINT64 *size)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS st;

	st = dir->Open(dir, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	st = efifs_read_handle_low(f, phys, size);
	f->Close(f);
	return st;
}

static int efifs_ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool efifs_name_eq_nocase(const char *a, const char *b)
{
	while (*a && efifs_ascii_lower(*a) == efifs_ascii_lower(*b)) {
		a++;
		b++;
	}
	return *a == *b;
}

static int efifs_name_cmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/*
 * Append "/name" (or "name" at the top) to s->path at `plen` as ASCII.
 * Returns the new length, or 0 if the name cannot be a module name.
 */
static size_t efifs_append(struct efifs_scan *s, size_t plen, const CHAR16 *name)
{
	size_t len = plen;

	if (plen)
		s->path[len++] = '/';
	for (; *name; name++) {
		if (*name < 0x20 || *name > 0x7e || *name == '/' || *name == '\\')
			return 0;
		if (len + 1 >= sizeof(s->path))
			return 0;
		s->path[len++] = (char)*name;
	}
	s->path[len] = '\0';
	return len;
}

static bool efifs_skipped(const struct efifs_scan *s, size_t plen, const char *name)
{
	unsigned int i;

	if (plen) /* only top-level names are special */
		return false;
	for (i = 0; i < s->nskip; i++)
		if (efifs_name_eq_nocase(name, s->skip[i]))
			return true;
	return false;
}

static EFI_STATUS efifs_add_module(struct efifs_scan *s, EFI_FILE_HANDLE dir, CHAR16 *name)
{
	struct boot_module *m;
	EFI_FILE_HANDLE f;
	EFI_PHYSICAL_ADDRESS phys;
	UINT64 size;
	EFI_STATUS st;
	size_t i;

	if (s->count == s->max) {
		efilog(L"warning: more than %d modules, skipping %a", s->max, s->path);
		return EFI_SUCCESS;
	}
	st = dir->Open(dir, &f, name, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	st = efifs_read_handle_low(f, &phys, &size);
	f->Close(f);
	if (EFI_ERROR(st)) {
		efilog(L"cannot read module %a: %r", s->path, st);
		return st;
	}
	m = &s->mods[s->count++];
	m->phys = phys;
	m->size = size;
	for (i = 0; i < sizeof(m->name); i++)
		m->name[i] = 0;
	for (i = 0; s->path[i] && i + 1 < sizeof(m->name); i++)
		m->name[i] = s->path[i];
	efilog(L"module %a: %ld bytes at 0x%lx", m->name, size, phys);
	return EFI_SUCCESS;
}

static EFI_STATUS efifs_scan_dir(struct efifs_scan *s, EFI_FILE_HANDLE dir, size_t plen,
				 unsigned int depth);

static EFI_STATUS efifs_scan_entry(struct efifs_scan *s, EFI_FILE_HANDLE dir, EFI_FILE_INFO *info,
				   size_t plen, unsigned int depth)
{
	EFI_FILE_HANDLE sub;
	EFI_STATUS st;
	size_t len;

	if (!StrCmp(info->FileName, L".") || !StrCmp(info->FileName, L".."))
		return EFI_SUCCESS;
	len = efifs_append(s, plen, info->FileName);
	if (!len) {
		s->path[plen] = '\0';
		efilog(L"warning: skipping %s in '%a': name not ASCII or too "
		       L"long",
		       info->FileName, s->path);
		return EFI_SUCCESS;
	}
	if (!(info->Attribute & EFI_FILE_DIRECTORY)) {
		if (efifs_skipped(s, plen, s->path))
			return EFI_SUCCESS;
		return efifs_add_module(s, dir, info->FileName);
	}
	if (depth + 1 > EFIFS_MAX_DEPTH) {
		efilog(L"warning: %a nested too deep, skipped", s->path);
		return EFI_SUCCESS;
	}
	st = dir->Open(dir, &sub, info->FileName, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	st = efifs_scan_dir(s, sub, len, depth + 1);
	sub->Close(sub);
	return st;
}

/*
 * Reading a directory handle returns one EFI_FILE_INFO per call and a
 * size of 0 at the end (UEFI 2.10 section 13.5, EFI_FILE_PROTOCOL.Read).
 */
static EFI_STATUS efifs_scan_dir(struct efifs_scan *s, EFI_FILE_HANDLE dir, size_t plen,
				 unsigned int depth)
{
	UINT64 buf[EFIFS_INFO_BYTES / sizeof(UINT64) + 1];
	EFI_STATUS st;

	for (;;) {
		UINTN n = sizeof(buf);

		st = dir->Read(dir, &n, buf);
		if (EFI_ERROR(st))
			return st;
		if (n == 0)
			return EFI_SUCCESS;
		st = efifs_scan_entry(s, dir, (EFI_FILE_INFO *)buf, plen, depth);
		if (EFI_ERROR(st))
			return st;
	}
}

static void efifs_sort(struct boot_module *mods, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct boot_module m = mods[i];

		for (j = i; j > 0; j--) {
			if (efifs_name_cmp(mods[j - 1].name, m.name) <= 0)
				break;
			mods[j] = mods[j - 1];
		}
		mods[j] = m;
	}
}

EFI_STATUS efifs_load_modules(EFI_FILE_HANDLE dir, const char *const *skip, unsigned int nskip,
			      struct boot_module *mods, unsigned int max, unsigned int *count)
{
	struct efifs_scan s = {
		.skip = skip,
		.nskip = nskip,
		.mods = mods,
		.max = max,
	};
	EFI_STATUS st;

	s.path[0] = '\0';
	st = efifs_scan_dir(&s, dir, 0, 0);
	efifs_sort(mods, s.count);
	*count = s.count;
	return st;
}
