/* FUZZ_SOURCES: vmx/gpt.c */
/*
 * libFuzzer target for the guest page-table walker: random control
 * registers, linear address, access kind and page-table contents (a
 * 64 KiB guest RAM). Page tables come from the guest, so a walk must
 * never crash or loop whatever they hold. Besides the sanitizers it
 * checks what the callers rely on:
 *  - a translation keeps the page offset and fits MAXPHYADDR (32 bits
 *    with paging off), with a page size the mode can produce;
 *  - a #PF error code has only P, W/R, U/S, RSVD, I/D; W/R and U/S match
 *    the access, RSVD comes with P, I/D only for fetches;
 *  - only 4/5-level paging reports non-canonical addresses;
 *  - a walk writes nothing but A and D bits, and only when it succeeds;
 *    walking again gives the same answer and writes nothing; walking
 *    without set_bits gives the same answer as with it.
 *
 * Input: 16-byte header, then RAM contents (the rest zero)
 *	byte 0     CR0.PG, CR0.WP, CR4.PAE, CR4.PSE, CR4.LA57, CR4.SMEP, CR4.SMAP, EFER.LMA
 *	byte 1     bit 0 EFER.NXE, bit 1 Page1GB, bit 2 fold (keep entry addresses in RAM)
 *	byte 2     MAXPHYADDR
 *	byte 3     access: bit 0 write, 1 user, 2 fetch, 3 RFLAGS.AC
 *	bytes 4-7  CR3 (low 32 bits; folded into RAM with the fold bit)
 *	bytes 8-15 linear address
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmx/gpt.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define RAM_SIZE 0x10000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t ram[RAM_SIZE];
static unsigned set_calls;

static bool fz_read(void *ctx, gpa_t gpa, unsigned size, uint64_t *value)
{
	uint64_t v = 0;

	FUZZ_CHECK(size == 4 || size == 8);
	FUZZ_CHECK(gpa % size == 0);
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, ram + gpa, size);
	*value = v;
	return true;
}

static bool fz_set_bits(void *ctx, gpa_t gpa, unsigned size, uint64_t bits)
{
	uint64_t v = 0;

	FUZZ_CHECK(size == 4 || size == 8);
	FUZZ_CHECK(gpa % size == 0);
	FUZZ_CHECK(bits != 0 && (bits & ~(GPT_PTE_A | GPT_PTE_D)) == 0);
	set_calls++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, ram + gpa, size);
	v |= bits;
	memcpy(ram + gpa, &v, size);
	return true;
}

static const struct gpt_mem_ops ops = { .read = fz_read, .set_bits = fz_set_bits };
static const struct gpt_mem_ops ops_no_ad = { .read = fz_read, .set_bits = NULL };

/* Clear the address bits above RAM so most entries point inside it. */
static void fold(unsigned entry_size)
{
	for (unsigned off = 0; off < RAM_SIZE; off += entry_size) {
		uint64_t v = 0;

		memcpy(&v, ram + off, entry_size);
		v &= entry_size == 4 ? 0x0000ffffULL : ~0x000fffffffff0000ULL;
		memcpy(ram + off, &v, entry_size);
	}
}

static void check_result(const struct gpt_cpu *cpu, gva_t la, unsigned access, enum gpt_status st,
			 const struct gpt_walk *w)
{
	switch (st) {
	case GPT_OK: {
		uint64_t ps = w->page_size;
		unsigned m = cpu->maxphyaddr;

		FUZZ_CHECK(ps == 4096 || ps == (2u << 20) || ps == (4u << 20) || ps == (1u << 30));
		FUZZ_CHECK((w->gpa & (ps - 1)) == (la & (ps - 1)));
		if (cpu->mode == GPT_MODE_NONE) {
			FUZZ_CHECK(w->gpa == (uint32_t)la);
		} else {
			FUZZ_CHECK(w->gpa >> (cpu->mode == GPT_MODE_32BIT && m > 40 ? 40 : m) == 0);
		}
		if (ps == (4u << 20))
			FUZZ_CHECK(cpu->mode == GPT_MODE_32BIT);
		if (ps == (2u << 20))
			FUZZ_CHECK(cpu->mode >= GPT_MODE_PAE);
		if (ps == (1u << 30))
			FUZZ_CHECK(cpu->mode >= GPT_MODE_4LEVEL && cpu->gb_pages);
		break;
	}
	case GPT_PAGE_FAULT: {
		uint32_t e = w->error_code;

		FUZZ_CHECK(cpu->mode != GPT_MODE_NONE);
		FUZZ_CHECK((e & ~(GPT_PF_P | GPT_PF_WR | GPT_PF_US | GPT_PF_RSVD | GPT_PF_ID)) ==
			   0);
		FUZZ_CHECK(!!(e & GPT_PF_WR) == !!(access & GPT_ACCESS_WRITE));
		FUZZ_CHECK(!!(e & GPT_PF_US) == !!(access & GPT_ACCESS_USER));
		FUZZ_CHECK(!(e & GPT_PF_RSVD) || (e & GPT_PF_P));
		FUZZ_CHECK(!(e & GPT_PF_ID) || (access & GPT_ACCESS_FETCH));
		break;
	}
	case GPT_NONCANONICAL:
		FUZZ_CHECK(cpu->mode == GPT_MODE_4LEVEL || cpu->mode == GPT_MODE_5LEVEL);
		FUZZ_CHECK(!gpt_canonical(cpu, la));
		break;
	case GPT_BAD_GPA:
		FUZZ_CHECK(w->bad_gpa >= RAM_SIZE);
		break;
	default:
		FUZZ_CHECK(0);
	}
}

static bool same(enum gpt_status a, const struct gpt_walk *wa, enum gpt_status b,
		 const struct gpt_walk *wb)
{
	return a == b && wa->gpa == wb->gpa && wa->page_size == wb->page_size &&
	       wa->error_code == wb->error_code && wa->bad_gpa == wb->bad_gpa;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t before[RAM_SIZE];
	uint64_t cr0 = 1, cr4 = 0, efer = 0, la = 0;
	struct gpt_walk w0, w1, w2;
	enum gpt_status s0, s1, s2;
	unsigned access = 0;
	struct gpt_cpu cpu;
	uint32_t cr3;

	if (size < 16)
		return 0;
	cr0 |= (data[0] & 1 ? 1ULL << 31 : 0) | (data[0] & 2 ? 1ULL << 16 : 0);
	cr4 |= (data[0] & 4 ? 1ULL << 5 : 0) | (data[0] & 8 ? 1ULL << 4 : 0) |
	       (data[0] & 16 ? 1ULL << 12 : 0) | (data[0] & 32 ? 1ULL << 20 : 0) |
	       (data[0] & 64 ? 1ULL << 21 : 0);
	efer |= (data[0] & 128 ? 1ULL << 10 : 0) | (data[1] & 1 ? 1ULL << 11 : 0);
	access |= (data[3] & 1 ? GPT_ACCESS_WRITE : 0) | (data[3] & 2 ? GPT_ACCESS_USER : 0) |
		  (data[3] & 4 ? GPT_ACCESS_FETCH : 0) | (data[3] & 8 ? GPT_ACCESS_AC : 0);
	memcpy(&cr3, data + 4, 4);
	memcpy(&la, data + 8, 8);
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 16, size - 16 < RAM_SIZE ? size - 16 : RAM_SIZE);
	gpt_cpu_init(&cpu, cr0, cr3, cr4, efer, data[2], data[1] & 2);
	if (data[1] & 4) {
		fold(cpu.mode == GPT_MODE_32BIT ? 4 : 8);
		cpu.cr3 &= 0xffff;
	}

	/* Without A/D updates: nothing may be written. */
	memcpy(before, ram, RAM_SIZE);
	set_calls = 0;
	s0 = gpt_translate(&cpu, &ops_no_ad, NULL, la, access, &w0);
	check_result(&cpu, la, access, s0, &w0);
	FUZZ_CHECK(memcmp(before, ram, RAM_SIZE) == 0);

	/* With them: the same answer; only A/D bits change, and only on success. */
	s1 = gpt_translate(&cpu, &ops, NULL, la, access, &w1);
	FUZZ_CHECK(same(s0, &w0, s1, &w1));
	for (unsigned i = 0; i < RAM_SIZE; i++) {
		uint8_t diff = before[i] ^ ram[i];

		/* A and D are bits 5 and 6 of an entry's first byte. */
		FUZZ_CHECK(diff == 0 || (i % 4 == 0 && (diff & ~(uint8_t)0x60) == 0));
	}
	if (s1 != GPT_OK)
		FUZZ_CHECK(set_calls == 0 && memcmp(before, ram, RAM_SIZE) == 0);
	if (s1 == GPT_OK && cpu.mode == GPT_MODE_NONE)
		FUZZ_CHECK(set_calls == 0);

	/*
	 * Again: same answer, nothing left to set. Except under PAE when the
	 * walk set A in a word that is also a PDPTE (tables that overlap the
	 * PDPT): bit 5 is reserved there. Hardware would notice only at the
	 * next CR3 load, having cached the PDPTEs.
	 */
	if (cpu.mode == GPT_MODE_PAE && (cpu.cr3 & 0xffffffe0) < RAM_SIZE &&
	    memcmp(before + (cpu.cr3 & 0xffffffe0), ram + (cpu.cr3 & 0xffffffe0), 32) != 0)
		return 0;
	set_calls = 0;
	s2 = gpt_translate(&cpu, &ops, NULL, la, access, &w2);
	FUZZ_CHECK(same(s1, &w1, s2, &w2));
	FUZZ_CHECK(set_calls == 0);
	return 0;
}
