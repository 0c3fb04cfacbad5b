// SPDX-License-Identifier: MIT
/*
 * The runtime's start-up: copy the boot information, check the entry
 * state the Multiboot v1 loader promised, run the guest.
 */
#include "guest.h"

#include "cpu.h"
#include "multiboot.h"
#include "strata_hv.h"
#include "test.h"
#include "trap.h"

struct guest_boot_info guest_boot;
static bool guest_is_bare;

void guest_exit(uint32_t code)
{
	outl(STRATA_EXIT_PORT, code);
	for (;;) {
		cli();
		hlt();
	}
}

bool guest_bare(void)
{
	return guest_is_bare;
}

static bool guest_cmdline_has(const char *word)
{
	const char *p = guest_boot.cmdline;

	while (*p) {
		const char *w = word;
		const char *q;

		while (*p == ' ')
			p++;
		for (q = p; *w && *q == *w; q++, w++)
			;
		if (!*w && (*q == ' ' || !*q))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static void guest_copy_mmap(const struct mb_info *mbi)
{
	uint32_t off = 0;

	while (off + sizeof(uint32_t) <= mbi->mmap_length) {
		const struct mb_mmap_entry *e = (const void *)(uintptr_t)(mbi->mmap_addr + off);
		struct guest_mem_region *r;

		if (e->size < 20) {
			guest_boot.mmap_malformed = true;
			break;
		}
		if (guest_boot.mmap_count == GUEST_MMAP_MAX) {
			guest_boot.mmap_truncated = true;
			break;
		}
		r = &guest_boot.mmap[guest_boot.mmap_count++];
		r->base = e->base_addr;
		r->length = e->length;
		r->type = e->type;
		off += e->size + sizeof(e->size);
	}
}

static void guest_copy_info(uint32_t info)
{
	const struct mb_info *mbi = (const void *)(uintptr_t)info;
	unsigned int i;

	guest_boot.flags = mbi->flags;
	if (mbi->flags & MB_INFO_MEMORY) {
		guest_boot.mem_lower = mbi->mem_lower;
		guest_boot.mem_upper = mbi->mem_upper;
	}
	if ((mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline) {
		const char *s = (const char *)(uintptr_t)mbi->cmdline;

		for (i = 0; i < GUEST_CMDLINE_MAX - 1 && s[i]; i++)
			guest_boot.cmdline[i] = s[i];
	}
	if (mbi->flags & MB_INFO_MMAP)
		guest_copy_mmap(mbi);
}

/* The type-1 region holding the whole image, or NULL. */
static const struct guest_mem_region *guest_image_region(void)
{
	uint64_t start = (uintptr_t)__image_start, end = (uintptr_t)__image_end;
	unsigned int i;

	for (i = 0; i < guest_boot.mmap_count; i++) {
		const struct guest_mem_region *r = &guest_boot.mmap[i];

		if (r->type == MB_MMAP_AVAILABLE && r->base <= start && r->base + r->length >= end)
			return r;
	}
	return 0;
}

/* One multiboot_entry line: Multiboot 0.6.96 sections 3.2 and 3.3. */
static void guest_check_entry(void)
{
	const uint32_t need = MB_INFO_MEMORY | MB_INFO_MMAP;

	if (guest_boot.magic != MB_BOOT_MAGIC)
		test_fail("multiboot_entry", "EAX=%#x, want %#x", guest_boot.magic, MB_BOOT_MAGIC);
	else if ((guest_boot.flags & need) != need)
		test_fail("multiboot_entry", "info flags=%#x lack mem/mmap (%#x)", guest_boot.flags,
			  need);
	else if (!(guest_boot.entry_cr0 & X86_CR0_PE) || (guest_boot.entry_cr0 & X86_CR0_PG))
		test_fail("multiboot_entry", "CR0=%#x, want PE=1 PG=0", guest_boot.entry_cr0);
	else if (guest_boot.entry_eflags & X86_EFLAGS_IF)
		test_fail("multiboot_entry", "EFLAGS=%#x has IF set", guest_boot.entry_eflags);
	else if (guest_boot.mmap_truncated)
		test_fail("multiboot_entry", "more than %d mmap entries", GUEST_MMAP_MAX);
	else if (guest_boot.mmap_malformed)
		test_fail("multiboot_entry", "mmap entry with size < 20");
	else if (!guest_image_region())
		test_fail("multiboot_entry", "no mmap RAM region holds the image %p-%p",
			  __image_start, __image_end);
	else
		test_pass("multiboot_entry");
}

void guest_start(uint32_t magic, uint32_t info, uint32_t eflags)
{
	trap_init();
	guest_boot.magic = magic;
	guest_boot.entry_eflags = eflags;
	guest_boot.entry_cr0 = read_cr0(); /* untouched since entry */
	if (magic == MB_BOOT_MAGIC)
		guest_copy_info(info); /* a wrong magic means EBX is junk */
	guest_is_bare = guest_cmdline_has("bare");

	test_info("guest=%s mode=%s", guest_name, guest_is_bare ? "bare" : "strata");
	guest_check_entry();
	guest_main();
	test_finish();
}
