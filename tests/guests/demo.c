// SPDX-License-Identifier: MIT
/*
 * demo.elf: the guest `make run` starts twice (boot/demo.conf). Not a test:
 * it shows what a guest sees of Strata and that two guests run at once.
 *
 * It prints a banner with its name (the first word of its multiboot
 * command line, e.g. cmdline = "demo-a"), the hypervisor signature from
 * CPUID leaf 0x40000000, its RAM size from the multiboot memory map, then
 * a heartbeat every DEMO_BEAT_TICKS RDTSC ticks for DEMO_BEATS beats, and
 * ends with exit code 0 through the exit port.
 *
 * Under Bochs (ips=50000000) a tick is one instruction, so a beat is about
 * 2 s of guest time. Runs bare too (`qemu-system-i386 -kernel demo.elf
 * -append demo-x -serial stdio`), where the signature is QEMU's.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "multiboot.h"
#include "print.h"
#include "strata_hv.h"

#define DEMO_BEAT_TICKS        100000000ull
#define DEMO_BEATS             10
#define DEMO_NAME_MAX          32
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

const char guest_name[] = "demo";

/*
 * The first word of the command line that is neither "bare" nor a path
 * (GRUB and QEMU put the kernel's path first; Strata passes cmdline as
 * given), or "demo".
 */
static void demo_name(char *out, unsigned int size)
{
	const char *p = guest_boot.cmdline;
	unsigned int n;
	bool skip;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		skip = false;
		for (n = 0; p[n] && p[n] != ' '; n++)
			skip = skip || p[n] == '/';
		skip = skip || (n == 4 && p[0] == 'b' && p[1] == 'a' && p[2] == 'r' && p[3] == 'e');
		if (!skip)
			break;
		p += n;
	}
	for (n = 0; n + 1 < size && p[n] && p[n] != ' '; n++)
		out[n] = p[n];
	if (n == 0)
		for (; n + 1 < size && guest_name[n]; n++)
			out[n] = guest_name[n];
	out[n] = '\0';
}

/* Leaf 0x40000000's signature (EBX, ECX, EDX), unprintable bytes as '?'. */
static void demo_signature(char *out, uint32_t *max_leaf)
{
	struct cpuid_regs r = cpuid(STRATA_CPUID_BASE, 0);
	uint32_t w[3] = { r.ebx, r.ecx, r.edx };
	int i;

	for (i = 0; i < STRATA_CPUID_SIGNATURE_LEN; i++) {
		char c = (char)(w[i / 4] >> (8 * (i % 4)));

		out[i] = c >= 0x20 && c <= 0x7e ? c : '?';
	}
	out[STRATA_CPUID_SIGNATURE_LEN] = '\0';
	*max_leaf = r.eax;
}

/* RAM from the memory map: the end of the highest RAM region, and the sum. */
static void demo_ram(uint64_t *top, uint64_t *usable)
{
	unsigned int i;

	*top = *usable = 0;
	for (i = 0; i < guest_boot.mmap_count; i++) {
		const struct guest_mem_region *r = &guest_boot.mmap[i];

		if (r->type != MB_MMAP_AVAILABLE)
			continue;
		*usable += r->length;
		if (r->base + r->length > *top)
			*top = r->base + r->length;
	}
}

void guest_main(void)
{
	char name[DEMO_NAME_MAX], sig[STRATA_CPUID_SIGNATURE_LEN + 1];
	uint64_t top, usable, start, now;
	uint32_t max_leaf;
	unsigned int beat;

	demo_name(name, sizeof(name));
	demo_ram(&top, &usable);
	guest_printf("*** Hello from %s, a Strata demo guest ***\n", name);
	if (cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR) {
		demo_signature(sig, &max_leaf);
		guest_printf("%s: hypervisor signature \"%s\" (max leaf %#x)\n", name, sig,
			     max_leaf);
	} else {
		guest_printf("%s: no hypervisor reported by CPUID\n", name);
	}
	guest_printf("%s: RAM %llu MiB (%llu KiB usable in the memory map)\n", name,
		     (unsigned long long)((top + (1u << 20) - 1) >> 20),
		     (unsigned long long)(usable >> 10));
	guest_printf("%s: %d heartbeats, one every %llu TSC ticks\n", name, DEMO_BEATS,
		     (unsigned long long)DEMO_BEAT_TICKS);

	start = rdtsc();
	for (beat = 1; beat <= DEMO_BEATS; beat++) {
		do {
			pause();
			now = rdtsc();
		} while (now - start < beat * DEMO_BEAT_TICKS);
		guest_printf("%s: heartbeat %u/%d (tsc %llu)\n", name, beat, DEMO_BEATS,
			     (unsigned long long)now);
	}
	guest_printf("%s: done, goodbye (exit code 0)\n", name);
	guest_exit(STRATA_EXIT_PASS);
}
