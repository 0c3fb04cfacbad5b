/*
 * Strata's UEFI loader (\EFI\BOOT\BOOTX64.EFI), built with GNU-EFI.
 *
 * One pass, in this order: read the kernel ELF, the host config and the
 * guest images from \strata\ on our own volume; find the ACPI RSDP; take
 * the command line; build the kernel's page tables and stack; fetch the
 * memory map and leave boot services; jump to the kernel with a
 * struct boot_info (kernel/include/strata/boot_info.h).
 *
 * Everything the kernel keeps is allocated before the final
 * GetMemoryMap(): after ExitBootServices() nothing can be allocated, and
 * after its first attempt only GetMemoryMap() may be called again (UEFI
 * 2.10 section 7.4, EFI_BOOT_SERVICES.ExitBootServices).
 */
#include <stdbool.h>

#include <efi.h>
#include <efilib.h>

#include "boot/efi/efifs.h"
#include "boot/efi/efilog.h"
#include "boot/efi/efimap.h"
#include "boot/efi/efimem.h"
#include "boot/efi/efipt.h"
#include "boot/efi/handoff.h"
#include "boot/efi/kload.h"
#include "kernel/include/strata/boot_info.h"

#ifndef STRATA_VERSION
#define STRATA_VERSION "unknown"
#endif

#define LOADER_KERNEL_PATH L"strata\\strata.elf"
#define LOADER_CONFIG_PATH L"strata\\strata.conf"
#define LOADER_DIR         L"strata"
#define LOADER_STACK_SIZE  (16 * 1024)
#define LOADER_EBS_TRIES   8
/* Extra descriptors room in the map buffer for allocations in between. */
#define LOADER_MAP_SLACK 32
#define CR4_LA57         (1ULL << 12) /* SDM Vol. 3A 2.5 */

/*
 * Everything the kernel reads through %rdi, in one allocation: the
 * boot_info, its arrays, the GDT the handoff loads and the command line.
 */
struct loader_block {
	struct boot_info bi;
	struct boot_mem_region mmap[BOOT_INFO_MAX_MMAP];
	struct boot_module modules[BOOT_INFO_MAX_MODULES];
	struct handoff_gdt gdt;
	char cmdline[];
};

struct loader {
	EFI_HANDLE image;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE root;
	struct loader_block *blk;
	struct kload_result kernel;
	UINT64 cr3;
	UINT64 stack_top;
	handoff_fn handoff;
};

static UINT64 loader_phys(const void *p)
{
	return (UINT64)(UINTN)p; /* boot services run identity-mapped */
}

/* UEFI 2.10 section 4.6: the RSDP is in the configuration table. */
static UINT64 loader_find_rsdp(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	static EFI_GUID acpi10 = ACPI_TABLE_GUID;
	UINT64 v1 = 0;
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return loader_phys(t->VendorTable);
		if (!CompareGuid(&t->VendorGuid, &acpi10))
			v1 = loader_phys(t->VendorTable);
	}
	return v1;
}

static bool loader_printable(CHAR16 c)
{
	return (c >= 0x20 && c <= 0x7e) || c == '\t';
}

/*
 * LoadOptions is UCS-2 text when a shell or a boot entry with arguments
 * started us, but firmware boot managers also pass binary data (EDK2
 * puts a GUID in options it creates itself): anything not printable
 * ASCII up to the first NUL is treated as no command line. The UEFI
 * Shell passes the whole command, our own file name first (its Argv[0]);
 * a first word ending in ".efi" is dropped.
 */
static UINTN loader_cmdline(const EFI_LOADED_IMAGE *li, char *out)
{
	const CHAR16 *s = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / sizeof(CHAR16), len = 0, i, w;

	out[0] = '\0';
	if (!s || (li->LoadOptionsSize & 1))
		return 1;
	for (i = 0; i < n && s[i]; i++)
		if (!loader_printable(s[i]))
			return 1;
	n = i;
	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	for (w = i; w < n && s[w] != ' ' && s[w] != '\t'; w++)
		;
	if (w - i >= 4 && s[w - 4] == '.' && (s[w - 3] | 0x20) == 'e' && (s[w - 2] | 0x20) == 'f' &&
	    (s[w - 1] | 0x20) == 'i')
		i = w;
	for (; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	for (; i < n; i++)
		out[len++] = (char)s[i];
	while (len && (out[len - 1] == ' ' || out[len - 1] == '\t'))
		len--;
	out[len] = '\0';
	return len + 1;
}

/* Flat 64-bit code and data descriptors, SDM Vol. 3A 3.4.5 and 5.2.1. */
static void loader_gdt_init(struct handoff_gdt *g)
{
	g->desc[0] = 0;
	g->desc[1] = 0x00af9a000000ffffULL; /* P, DPL 0, code, L=1 */
	g->desc[2] = 0x00cf92000000ffffULL; /* P, DPL 0, data, writable */
	g->limit = sizeof(g->desc) - 1;
	g->base = loader_phys(g->desc);
}

static EFI_STATUS loader_alloc_block(struct loader *ld)
{
	EFI_PHYSICAL_ADDRESS phys;
	UINTN cmdcap = ld->li->LoadOptionsSize / sizeof(CHAR16) + 1;
	EFI_STATUS st;

	st = efimem_alloc(EFIMEM_PAGES(sizeof(struct loader_block) + cmdcap), &phys);
	if (EFI_ERROR(st)) {
		efilog(L"cannot allocate boot_info: %r", st);
		return st;
	}
	ld->blk = (struct loader_block *)(UINTN)phys;
	return EFI_SUCCESS;
}

static EFI_STATUS loader_load_kernel(struct loader *ld)
{
	void *elf;
	UINTN size;
	EFI_STATUS st;

	st = efifs_read_pool(ld->root, LOADER_KERNEL_PATH, &elf, &size);
	if (EFI_ERROR(st)) {
		efilog(L"cannot read \\%s: %r", LOADER_KERNEL_PATH, st);
		return st;
	}
	st = kload_place(elf, size, &ld->kernel);
	FreePool(elf);
	return st;
}

static EFI_STATUS loader_load_files(struct loader *ld)
{
	static const char *const skip[] = { "strata.elf", "strata.conf" };
	struct boot_info *bi = &ld->blk->bi;
	EFI_PHYSICAL_ADDRESS phys;
	EFI_FILE_HANDLE dir;
	UINT64 size;
	unsigned int count = 0;
	EFI_STATUS st;

	st = efifs_read_low(ld->root, LOADER_CONFIG_PATH, &phys, &size);
	if (st == EFI_NOT_FOUND) {
		efilog(L"no \\%s, booting without a host config", LOADER_CONFIG_PATH);
	} else if (EFI_ERROR(st)) {
		efilog(L"cannot read \\%s: %r", LOADER_CONFIG_PATH, st);
		return st;
	} else {
		bi->config_phys = phys;
		bi->config_size = size;
		efilog(L"config: %ld bytes", size);
	}

	st = ld->root->Open(ld->root, &dir, LOADER_DIR, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	st = efifs_load_modules(dir, skip, 2, ld->blk->modules, BOOT_INFO_MAX_MODULES, &count);
	dir->Close(dir);
	if (EFI_ERROR(st)) {
		efilog(L"cannot read the modules under \\%s: %r", LOADER_DIR, st);
		return st;
	}
	bi->modules_phys = loader_phys(ld->blk->modules);
	bi->module_count = count;
	bi->module_entry_size = sizeof(struct boot_module);
	return EFI_SUCCESS;
}

/* Page tables, kernel stack and the executable copy of the handoff. */
static EFI_STATUS loader_prepare_jump(struct loader *ld)
{
	EFI_PHYSICAL_ADDRESS pt, stack, code;
	EFI_STATUS st;

	st = efimem_alloc(EFIMEM_PAGES(EFIPT_BYTES), &pt);
	if (!EFI_ERROR(st))
		st = efimem_alloc(EFIMEM_PAGES(LOADER_STACK_SIZE), &stack);
	if (!EFI_ERROR(st))
		st = efimem_alloc_code(1, &code);
	if (EFI_ERROR(st)) {
		efilog(L"cannot allocate page tables/stack: %r", st);
		return st;
	}
	ld->cr3 = efipt_build((void *)(UINTN)pt, pt, ld->kernel.phys_base, ld->kernel.map_size);
	if (!ld->cr3)
		return EFI_LOAD_ERROR;
	ld->stack_top = stack + LOADER_STACK_SIZE;
	CopyMem((void *)(UINTN)code, handoff_start, (UINTN)(handoff_end - handoff_start));
	ld->handoff = (handoff_fn)(UINTN)code;
	loader_gdt_init(&ld->blk->gdt);
	return EFI_SUCCESS;
}

static void loader_fill_info(struct loader *ld)
{
	struct boot_info *bi = &ld->blk->bi;
	UINTN len;

	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->boot_method = BOOT_METHOD_UEFI;
	bi->kernel_phys_base = ld->kernel.phys_base;
	bi->kernel_phys_end = ld->kernel.phys_end;
	bi->rsdp_phys = loader_find_rsdp();
	bi->mmap_phys = loader_phys(ld->blk->mmap);
	bi->mmap_entry_size = sizeof(struct boot_mem_region);
	len = loader_cmdline(ld->li, ld->blk->cmdline);
	bi->cmdline_phys = loader_phys(ld->blk->cmdline);
	bi->cmdline_size = len;
	efilog(L"rsdp 0x%lx, command line \"%a\"", bi->rsdp_phys, ld->blk->cmdline);
}

/* A trial conversion, while we may still print, to warn about overflow. */
static void loader_check_map(struct loader *ld)
{
	UINTN size = 0, key, dsize = 0;
	UINT32 dver;
	unsigned int n, dropped;
	void *buf;

	BS->GetMemoryMap(&size, NULL, &key, &dsize, &dver);
	size += LOADER_MAP_SLACK * dsize;
	buf = AllocatePool(size);
	if (!buf)
		return;
	if (!EFI_ERROR(BS->GetMemoryMap(&size, buf, &key, &dsize, &dver))) {
		n = efimap_convert(buf, size, dsize, ld->blk->mmap, BOOT_INFO_MAX_MMAP, &dropped);
		efilog(L"memory map: %d descriptors -> %d regions", dsize ? size / dsize : 0, n);
		if (dropped)
			efilog(L"warning: %d regions above the first %d "
			       L"dropped",
			       dropped, BOOT_INFO_MAX_MMAP);
	}
	FreePool(buf);
}

/*
 * GetMemoryMap() then ExitBootServices() with that map's key. The key
 * goes stale if anything changed the map in between (an event, or our
 * own pool allocation for the buffer): fetch again and retry. Nothing
 * may allocate or print after the first ExitBootServices() attempt, so
 * the buffer gets slack up front.
 */
static EFI_STATUS loader_exit_boot_services(struct loader *ld)
{
	UINTN cap = 0, size, key = 0, dsize = 0;
	UINT32 dver;
	unsigned int tries, dropped;
	bool attempted = false;
	void *buf = NULL;
	EFI_STATUS st;

	for (tries = 0; tries < LOADER_EBS_TRIES; tries++) {
		size = cap;
		st = BS->GetMemoryMap(&size, buf, &key, &dsize, &dver);
		if (st == EFI_BUFFER_TOO_SMALL && !attempted) {
			if (buf)
				FreePool(buf);
			cap = size + LOADER_MAP_SLACK * dsize;
			buf = AllocatePool(cap);
			if (!buf)
				return EFI_OUT_OF_RESOURCES;
			continue;
		}
		if (EFI_ERROR(st))
			return st;
		ld->blk->bi.mmap_count = efimap_convert(buf, size, dsize, ld->blk->mmap,
							BOOT_INFO_MAX_MMAP, &dropped);
		st = BS->ExitBootServices(ld->image, key);
		if (st != EFI_INVALID_PARAMETER)
			return st;
		attempted = true;
	}
	return EFI_ABORTED;
}

static EFI_STATUS loader_run(struct loader *ld)
{
	EFI_STATUS st;

	if (handoff_read_cr4() & CR4_LA57) {
		efilog(L"5-level paging is active; not supported");
		return EFI_UNSUPPORTED;
	}
	st = BS->HandleProtocol(ld->image, &LoadedImageProtocol, (void **)&ld->li);
	if (!EFI_ERROR(st))
		st = efifs_open_root(ld->image, &ld->root);
	if (EFI_ERROR(st)) {
		efilog(L"cannot open the boot volume: %r", st);
		return st;
	}
	st = loader_alloc_block(ld);
	if (!EFI_ERROR(st))
		st = loader_load_kernel(ld);
	if (!EFI_ERROR(st))
		st = loader_load_files(ld);
	if (!EFI_ERROR(st))
		st = loader_prepare_jump(ld);
	if (EFI_ERROR(st))
		return st;
	loader_fill_info(ld);
	loader_check_map(ld);
	efilog(L"%d modules; exiting boot services, entering kernel", ld->blk->bi.module_count);

	st = loader_exit_boot_services(ld);
	if (EFI_ERROR(st))
		return st;
	ld->handoff(loader_phys(&ld->blk->bi), ld->cr3, ld->stack_top, ld->kernel.entry,
		    loader_phys(&ld->blk->gdt.limit));
}

/*
 * GNU-EFI's crt0 (crt0-efi-x86_64.o) applies our relocations and then
 * calls efi_main with the System V convention, not ms_abi: no EFIAPI.
 */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct loader ld = { .image = image };
	EFI_STATUS st;

	InitializeLib(image, systab);
	/* The firmware's 5-minute boot watchdog (UEFI 2.10 section 3.1.2). */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	efilog(L"Strata UEFI loader " STRATA_VERSION);

	st = loader_run(&ld);
	/*
	 * Only reached on failure. If ExitBootServices() was attempted the
	 * console may be gone, but printing is the best left to do.
	 */
	efilog(L"boot failed: %r", st);
	return st;
}
