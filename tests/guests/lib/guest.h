/* SPDX-License-Identifier: MIT */
/*
 * The test-guest runtime: what lib/entry.S hands over, what each guest
 * provides, and the boot information every guest may use.
 *
 * Each guest defines
 *	const char guest_name[] = "cpuid";
 *	void guest_main(void) { ... }
 * guest_start() checks the Multiboot entry state (one PASS/FAIL line named
 * multiboot_entry), runs guest_main() and then test_finish().
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_MMAP_MAX    32
#define GUEST_CMDLINE_MAX 256

struct guest_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* MB_MMAP_AVAILABLE for RAM */
};

/*
 * A private copy of the multiboot information, taken before any test can
 * overwrite the loader's (memory.elf writes over all of RAM).
 */
struct guest_boot_info {
	uint32_t magic;
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t entry_eflags;
	uint32_t entry_cr0;
	char cmdline[GUEST_CMDLINE_MAX];
	unsigned int mmap_count;
	bool mmap_truncated; /* more than GUEST_MMAP_MAX entries */
	bool mmap_malformed; /* an entry's size field below 20 */
	struct guest_mem_region mmap[GUEST_MMAP_MAX];
};

extern struct guest_boot_info guest_boot;

/* Linker-script symbols: the loaded image, .bss and the stack included. */
extern char __image_start[], __image_end[];

/* Provided by each guest. */
extern const char guest_name[];
void guest_main(void);

/* True when the command line holds the word "bare" (no Strata). */
bool guest_bare(void);

/* Leave through the exit port; halts for good if that did not stop us. */
void guest_exit(uint32_t code) __attribute__((noreturn));

/* Called by lib/entry.S only. */
void guest_start(uint32_t magic, uint32_t info, uint32_t eflags) __attribute__((noreturn));

#endif /* GUEST_GUEST_H */
