/* UNIT_SOURCES: vmx/gpt.c */
/*
 * Host tests of the guest page-table walker. Page tables are built in a
 * fake guest RAM buffer, reached only through struct gpt_mem_ops as the
 * hypervisor reaches the VM's RAM. For every paging mode of SDM Vol. 3A
 * chapter 4: translations at every page size, the not-present, reserved
 * bit and access-rights faults with their #PF error codes (4.7), the
 * accessed/dirty updates (4.8), canonical checks and page tables outside
 * RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/gpt.h"

#define RAM_SIZE (2ULL << 20)
#define KIB      1024ULL
#define MIB      (1024ULL * KIB)
#define GIB      (1024ULL * MIB)

#define P  GPT_PTE_P
#define RW GPT_PTE_RW
#define US GPT_PTE_US
#define A  GPT_PTE_A
#define D  GPT_PTE_D
#define PS GPT_PTE_PS
#define XD GPT_PTE_XD

#define CR0_PE   (1ULL << 0)
#define CR0_WP   (1ULL << 16)
#define CR0_PG   (1ULL << 31)
#define CR4_PSE  (1ULL << 4)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

/* Guest RAM: gpa 0 .. RAM_SIZE, tables handed out from 0x1000 up. */
struct fake_ram {
	uint8_t *mem;
	gpa_t next;
	unsigned reads, sets;
};

static struct fake_ram ram;

static bool ram_read(void *ctx, gpa_t gpa, unsigned size, uint64_t *value)
{
	struct fake_ram *r = ctx;
	uint64_t v = 0;

	assert_true(size == 4 || size == 8);
	assert_int_equal(gpa % size, 0);
	r->reads++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, r->mem + gpa, size);
	*value = v;
	return true;
}

static bool ram_set_bits(void *ctx, gpa_t gpa, unsigned size, uint64_t bits)
{
	struct fake_ram *r = ctx;
	uint64_t v = 0;

	assert_true(size == 4 || size == 8);
	assert_int_equal(gpa % size, 0);
	assert_int_equal(bits & ~(A | D), 0);
	r->sets++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return false;
	memcpy(&v, r->mem + gpa, size);
	v |= bits;
	memcpy(r->mem + gpa, &v, size);
	return true;
}

static const struct gpt_mem_ops ops = { .read = ram_read, .set_bits = ram_set_bits };
static const struct gpt_mem_ops ops_no_ad = { .read = ram_read, .set_bits = NULL };

static int setup(void **state)
{
	ram.mem = calloc(1, RAM_SIZE);
	ram.next = 0x1000;
	ram.reads = ram.sets = 0;
	return ram.mem ? 0 : -1;
}

static int teardown(void **state)
{
	free(ram.mem);
	return 0;
}

static gpa_t new_table(void)
{
	gpa_t t = ram.next;

	ram.next += 0x1000;
	assert_true(ram.next <= RAM_SIZE);
	return t;
}

static uint64_t get(gpa_t gpa, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, ram.mem + gpa, size);
	return v;
}

static void put(gpa_t gpa, unsigned size, uint64_t v)
{
	memcpy(ram.mem + gpa, &v, size);
}

/* ---- table builders ---- */

/* 32-bit paging: PD at cr3; a 4 KiB page (PTE gpa returned) or a 4 MiB PDE. */
static gpa_t map32(gpa_t cr3, uint32_t la, uint64_t pa, bool big, uint32_t upper, uint32_t leaf)
{
	gpa_t pde = cr3 + ((la >> 22) & 0x3ff) * 4;
	gpa_t pt;

	if (big) {
		put(pde, 4, pa | leaf | PS);
		return pde;
	}
	if (get(pde, 4) & P) {
		pt = get(pde, 4) & 0xfffff000;
	} else {
		pt = new_table();
		put(pde, 4, pt | upper);
	}
	put(pt + ((la >> 12) & 0x3ff) * 4, 4, pa | leaf);
	return pt + ((la >> 12) & 0x3ff) * 4;
}

/* Gpa of the entry of `level` on the path of `la` (PAE: level 3 is the PDPTE). */
static gpa_t entry_at(enum gpt_mode mode, gpa_t cr3, uint64_t la, unsigned level)
{
	unsigned top = mode == GPT_MODE_5LEVEL ? 5 : mode == GPT_MODE_4LEVEL ? 4 : 3;
	gpa_t table = cr3 & ~0xfffULL;

	for (unsigned l = top;; l--) {
		unsigned shift = 12 + 9 * (l - 1);
		gpa_t e = mode == GPT_MODE_PAE && l == 3 ? (cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8
							 : table + ((la >> shift) & 0x1ff) * 8;

		if (l == level)
			return e;
		table = get(e, 8) & 0x000ffffffffff000ULL;
		assert_int_not_equal(table, 0);
	}
}

/*
 * PAE, 4- or 5-level: the path to `la` with `upper` flags, the leaf at
 * `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) with `leaf` flags. PAE PDPTEs
 * get P only. Returns the leaf entry's gpa.
 */
static gpa_t map64(enum gpt_mode mode, gpa_t cr3, uint64_t la, uint64_t pa, unsigned level,
		   uint64_t upper, uint64_t leaf)
{
	unsigned top = mode == GPT_MODE_5LEVEL ? 5 : mode == GPT_MODE_4LEVEL ? 4 : 3;
	gpa_t table = cr3 & ~0xfffULL;

	for (unsigned l = top;; l--) {
		unsigned shift = 12 + 9 * (l - 1);
		bool pdpte = mode == GPT_MODE_PAE && l == 3;
		gpa_t e = pdpte ? (cr3 & 0xffffffe0) + ((la >> 30) & 3) * 8
				: table + ((la >> shift) & 0x1ff) * 8;

		if (l == level) {
			put(e, 8, pa | leaf | (level > 1 ? PS : 0));
			return e;
		}
		if (!(get(e, 8) & P))
			put(e, 8, new_table() | (pdpte ? P : upper));
		table = get(e, 8) & 0x000ffffffffff000ULL;
	}
}

static struct gpt_cpu mkcpu(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	struct gpt_cpu c;

	gpt_cpu_init(&c, cr0, cr3, cr4, efer, 36, true);
	return c;
}

#define CPU_32(cr3, cr4)   mkcpu(CR0_PE | CR0_PG | CR0_WP, cr3, cr4, 0)
#define CPU_PAE(cr3, efer) mkcpu(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE, efer)
#define CPU_4L(cr3, cr4) \
	mkcpu(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE | (cr4), EFER_LME | EFER_LMA | EFER_NXE)

static enum gpt_status xlate(const struct gpt_cpu *c, uint64_t la, unsigned access,
			     struct gpt_walk *w)
{
	return gpt_translate(c, &ops, &ram, la, access, w);
}

/* Expect a #PF with `code`. */
static void expect_pf(const struct gpt_cpu *c, uint64_t la, unsigned access, uint32_t code)
{
	struct gpt_walk w;

	assert_int_equal(xlate(c, la, access, &w), GPT_PAGE_FAULT);
	assert_int_equal(w.error_code, code);
}

static void expect_ok(const struct gpt_cpu *c, uint64_t la, unsigned access, gpa_t gpa,
		      uint64_t page_size)
{
	struct gpt_walk w;

	assert_int_equal(xlate(c, la, access, &w), GPT_OK);
	assert_int_equal(w.gpa, gpa);
	assert_int_equal(w.page_size, page_size);
}

/* ---- tests ---- */

static void test_mode_select(void **state)
{
	struct gpt_cpu c;

	gpt_cpu_init(&c, CR0_PE, 0, CR4_PAE, EFER_LME, 40, false);
	assert_int_equal(c.mode, GPT_MODE_NONE);
	gpt_cpu_init(&c, CR0_PE | CR0_PG, 0, CR4_PSE, 0, 40, false);
	assert_int_equal(c.mode, GPT_MODE_32BIT);
	assert_true(c.pse);
	gpt_cpu_init(&c, CR0_PE | CR0_PG, 0, CR4_PAE, EFER_LME, 40, false);
	assert_int_equal(c.mode, GPT_MODE_PAE); /* LME without LMA: not yet IA-32e */
	gpt_cpu_init(&c, CR0_PE | CR0_PG, 0, CR4_PAE, EFER_LME | EFER_LMA, 40, false);
	assert_int_equal(c.mode, GPT_MODE_4LEVEL);
	gpt_cpu_init(&c, CR0_PE | CR0_PG | CR0_WP, 0, CR4_PAE | CR4_LA57 | CR4_SMEP | CR4_SMAP,
		     EFER_LME | EFER_LMA | EFER_NXE, 0, true);
	assert_int_equal(c.mode, GPT_MODE_5LEVEL);
	assert_true(c.wp && c.smep && c.smap && c.nxe && c.gb_pages);
	assert_int_equal(c.maxphyaddr, 36);
	gpt_cpu_init(&c, 0, 0, 0, 0, 60, false);
	assert_int_equal(c.maxphyaddr, 52);
	gpt_cpu_init(&c, 0, 0, 0, 0, 20, false);
	assert_int_equal(c.maxphyaddr, 32);
}

static void test_paging_off(void **state)
{
	struct gpt_cpu c = mkcpu(CR0_PE, 0x5000, 0, 0);

	expect_ok(&c, 0x12345678, GPT_ACCESS_WRITE | GPT_ACCESS_USER, 0x12345678, 4 * KIB);
	expect_ok(&c, 0xabcd00001000ULL, GPT_ACCESS_READ, 0x1000, 4 * KIB);
	assert_int_equal(ram.reads, 0);
}

static void test_32bit_4k_and_ad(void **state)
{
	gpa_t cr3 = new_table();
	gpa_t pte = map32(cr3, 0x00403000, 0x7000, false, P | RW | US, P | RW | US);
	gpa_t pde = cr3 + 1 * 4;
	struct gpt_cpu c = CPU_32(cr3, 0);

	expect_ok(&c, 0x00403abc, GPT_ACCESS_READ, 0x7abc, 4 * KIB);
	assert_int_equal(get(pde, 4) & (A | D), A);
	assert_int_equal(get(pte, 4) & (A | D), A);
	assert_int_equal(get(pte, 4) >> 32, 0);
	expect_ok(&c, 0x00403000, GPT_ACCESS_WRITE | GPT_ACCESS_USER, 0x7000, 4 * KIB);
	assert_int_equal(get(pde, 4) & (A | D), A); /* D only in the entry mapping the page */
	assert_int_equal(get(pte, 4) & (A | D), A | D);
	/* Both set now: a third walk writes nothing. */
	ram.sets = 0;
	expect_ok(&c, 0x00403001, GPT_ACCESS_WRITE, 0x7001, 4 * KIB);
	assert_int_equal(ram.sets, 0);
	/* Bits 63:32 of the linear address are ignored outside IA-32e paging. */
	expect_ok(&c, 0xffffffff00403002ULL, GPT_ACCESS_READ, 0x7002, 4 * KIB);
}

static void test_32bit_4m_pse36(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c;

	/* PDE bits 20:13 are physical bits 39:32 (Table 4-4); M = 40: only bit 21 reserved. */
	put(cr3 + 3 * 4, 4, 0x00c00000 | (0x12ULL << 13) | P | RW | PS);
	gpt_cpu_init(&c, CR0_PE | CR0_PG, cr3, CR4_PSE, 0, 40, false);
	expect_ok(&c, 0x00d23456, GPT_ACCESS_WRITE, 0x1200c00000ULL + 0x123456, 4 * MIB);
	assert_int_equal(get(cr3 + 3 * 4, 4) & (A | D), A | D);
	put(cr3 + 3 * 4, 4, 0x00c00000 | (1ULL << 21) | P | PS);
	expect_pf(&c, 0x00d23456, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	/* M = 36: physical bits 35:32 in PDE bits 16:13; bits 21:17 reserved. */
	gpt_cpu_init(&c, CR0_PE | CR0_PG, cr3, CR4_PSE, 0, 36, false);
	put(cr3 + 3 * 4, 4, 0x00c00000 | (0xfULL << 13) | P | PS);
	expect_ok(&c, 0x00c00001, GPT_ACCESS_READ, 0xf00c00001ULL, 4 * MIB);
	put(cr3 + 3 * 4, 4, 0x00c00000 | (1ULL << 17) | P | PS);
	expect_pf(&c, 0x00c00001, GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_RSVD | GPT_PF_WR);
	/* M = 32 (clamped): every one of bits 21:13 is reserved. */
	gpt_cpu_init(&c, CR0_PE | CR0_PG, cr3, CR4_PSE, 0, 32, false);
	put(cr3 + 3 * 4, 4, 0x00c00000 | (1ULL << 13) | P | PS);
	expect_pf(&c, 0x00c00001, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
}

static void test_32bit_pse_off_ignores_ps(void **state)
{
	gpa_t cr3 = new_table(), pt = new_table();
	struct gpt_cpu c = CPU_32(cr3, 0);

	/* CR4.PSE = 0: PS is ignored and the PDE references a page table. */
	put(cr3, 4, pt | P | RW | PS);
	put(pt + 5 * 4, 4, 0x9000 | P | RW);
	expect_ok(&c, 0x5123, GPT_ACCESS_READ, 0x9123, 4 * KIB);
}

static void test_32bit_not_present(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_32(cr3, 0);
	gpa_t pte;

	expect_pf(&c, 0x1000, GPT_ACCESS_READ, 0);
	expect_pf(&c, 0x1000, GPT_ACCESS_WRITE | GPT_ACCESS_USER, GPT_PF_WR | GPT_PF_US);
	pte = map32(cr3, 0x1000, 0x3000, false, P | RW | US, RW | US); /* PTE P = 0 */
	expect_pf(&c, 0x1000, GPT_ACCESS_USER, GPT_PF_US);
	/* A not-present entry's other bits do not matter: no RSVD. */
	put(pte, 4, 0xffffffffULL & ~P);
	expect_pf(&c, 0x1000, GPT_ACCESS_READ, 0);
	/* A faulting walk sets no A flag, not even in the PDE it used. */
	assert_int_equal(get(cr3, 4) & A, 0);
}

static void test_32bit_rights(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_32(cr3, 0);
	struct gpt_cpu nowp = mkcpu(CR0_PE | CR0_PG, cr3, 0, 0);

	map32(cr3, 0x1000, 0x3000, false, P | RW | US, P | RW);            /* supervisor page */
	gpa_t ro = map32(cr3, 0x2000, 0x4000, false, P | RW | US, P | US); /* user read-only */
	map32(cr3, 0x400000, 0x5000, false, P | US, P | RW | US);          /* PDE read-only */
	expect_pf(&c, 0x1000, GPT_ACCESS_USER, GPT_PF_P | GPT_PF_US);
	expect_ok(&c, 0x1000, GPT_ACCESS_WRITE, 0x3000, 4 * KIB);
	expect_ok(&c, 0x2000, GPT_ACCESS_USER, 0x4000, 4 * KIB);
	expect_pf(&c, 0x2000, GPT_ACCESS_USER | GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_US | GPT_PF_WR);
	/* Supervisor writes to read-only pages: allowed with CR0.WP = 0 only. */
	expect_pf(&c, 0x2000, GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_WR);
	assert_int_equal(get(ro, 4) & D, 0);
	expect_ok(&nowp, 0x2000, GPT_ACCESS_WRITE, 0x4000, 4 * KIB);
	assert_int_equal(get(ro, 4) & D, D); /* the write happened: dirty */
	/* R/W is combined over the levels: the PDE's 0 wins. */
	expect_pf(&c, 0x400000, GPT_ACCESS_USER | GPT_ACCESS_WRITE,
		  GPT_PF_P | GPT_PF_US | GPT_PF_WR);
	expect_pf(&c, 0x400000, GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_WR);
	/* No XD in 32-bit paging: fetches follow U/S only, and I/D stays 0 without SMEP. */
	expect_ok(&c, 0x2000, GPT_ACCESS_FETCH | GPT_ACCESS_USER, 0x4000, 4 * KIB);
	expect_pf(&c, 0x1000, GPT_ACCESS_FETCH | GPT_ACCESS_USER, GPT_PF_P | GPT_PF_US);
}

static void test_smep_smap(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_32(cr3, CR4_SMEP | CR4_SMAP);

	map32(cr3, 0x1000, 0x3000, false, P | RW | US, P | RW | US); /* user page */
	map32(cr3, 0x2000, 0x4000, false, P | RW | US, P | RW);      /* supervisor page */
	/* SMEP: no supervisor fetch from a user page; I/D is reported. */
	expect_pf(&c, 0x1000, GPT_ACCESS_FETCH, GPT_PF_P | GPT_PF_ID);
	expect_ok(&c, 0x2000, GPT_ACCESS_FETCH, 0x4000, 4 * KIB);
	expect_ok(&c, 0x1000, GPT_ACCESS_FETCH | GPT_ACCESS_USER, 0x3000, 4 * KIB);
	/* SMAP: supervisor data access to a user page only with RFLAGS.AC = 1. */
	expect_pf(&c, 0x1000, GPT_ACCESS_READ, GPT_PF_P);
	expect_pf(&c, 0x1000, GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_WR);
	expect_ok(&c, 0x1000, GPT_ACCESS_WRITE | GPT_ACCESS_AC, 0x3000, 4 * KIB);
	expect_ok(&c, 0x1000, GPT_ACCESS_USER, 0x3000, 4 * KIB);
	expect_ok(&c, 0x2000, GPT_ACCESS_WRITE, 0x4000, 4 * KIB);
	/* With SMEP, a not-present fetch reports I/D too. */
	expect_pf(&c, 0x800000, GPT_ACCESS_FETCH, GPT_PF_ID);
}

static void test_pae_translations(void **state)
{
	gpa_t cr3 = new_table() + 0x20; /* 32-byte aligned PDPT inside a page */
	struct gpt_cpu c = CPU_PAE(cr3, 0);
	gpa_t pte = map64(GPT_MODE_PAE, cr3, 0xc0201000, 0x876543000ULL, 1, P | RW | US, P | RW);
	gpa_t pde = map64(GPT_MODE_PAE, cr3, 0x40400000, 0x800200000ULL, 2, P | RW | US, P | RW);
	gpa_t pdpte = entry_at(GPT_MODE_PAE, cr3, 0xc0201000, 3);

	expect_ok(&c, 0xc0201234, GPT_ACCESS_WRITE, 0x876543234ULL, 4 * KIB);
	assert_int_equal(get(pte, 8) & (A | D), A | D);
	assert_int_equal(get(entry_at(GPT_MODE_PAE, cr3, 0xc0201000, 2), 8) & (A | D), A);
	/* A PAE PDPTE has no A flag (bit 5 is reserved): left alone. */
	assert_int_equal(get(pdpte, 8), (get(pdpte, 8) & ~0xfffULL) | P);
	expect_ok(&c, 0x40512345, GPT_ACCESS_READ, 0x800312345ULL, 2 * MIB);
	assert_int_equal(get(pde, 8) & (A | D), A);
	/* PS in a PAE PDE maps 2 MiB whatever CR4.PSE says. */
	expect_pf(&c, 0x00000000, GPT_ACCESS_READ, 0); /* PDPTE 0 not present */
}

static void test_pae_reserved_and_xd(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_PAE(cr3, 0);
	struct gpt_cpu nx = CPU_PAE(cr3, EFER_NXE);
	gpa_t pte = map64(GPT_MODE_PAE, cr3, 0x1000, 0x5000, 1, P | RW | US, P | RW | US);
	gpa_t pde2m = map64(GPT_MODE_PAE, cr3, 0x40000000, 0x200000, 2, P | RW | US, P | RW | US);
	gpa_t pdpte = entry_at(GPT_MODE_PAE, cr3, 0x1000, 3);
	uint64_t good_pte = get(pte, 8), good_pdpte = get(pdpte, 8);

	/* XD is reserved without EFER.NXE, honoured with it. */
	put(pte, 8, good_pte | XD);
	expect_pf(&c, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	expect_ok(&nx, 0x1000, GPT_ACCESS_READ, 0x5000, 4 * KIB);
	expect_pf(&nx, 0x1000, GPT_ACCESS_FETCH, GPT_PF_P | GPT_PF_ID);
	/* Without NXE and SMEP a fetch fault has no I/D. */
	put(pte, 8, good_pte & ~P);
	expect_pf(&c, 0x1000, GPT_ACCESS_FETCH, 0);
	expect_pf(&nx, 0x1000, GPT_ACCESS_FETCH, GPT_PF_ID);
	/* PAE reserves bits 62:M (M = 36 here). */
	put(pte, 8, good_pte | (1ULL << 62));
	expect_pf(&nx, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(pte, 8, good_pte | (1ULL << 36));
	expect_pf(&nx, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(pte, 8, good_pte | (1ULL << 35));
	expect_ok(&nx, 0x1000, GPT_ACCESS_READ, 0x800005000ULL, 4 * KIB);
	put(pte, 8, good_pte);
	/* A 2 MiB PDE reserves bits 20:13. */
	put(pde2m, 8, get(pde2m, 8) | (1ULL << 13));
	expect_pf(&c, 0x40000000, GPT_ACCESS_WRITE, GPT_PF_P | GPT_PF_RSVD | GPT_PF_WR);
	/* PDPTE reserved bits 2:1, 8:5, 63:M. */
	for (unsigned bit = 1; bit < 64; bit++) {
		bool reserved = bit == 1 || bit == 2 || (bit >= 5 && bit <= 8) || bit >= 36;

		if (bit >= 12 && bit < 36)
			continue; /* address bits */
		put(pdpte, 8, good_pdpte | (1ULL << bit));
		if (reserved)
			expect_pf(&nx, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
		else
			expect_ok(&nx, 0x1000, GPT_ACCESS_READ, 0x5000, 4 * KIB);
	}
	put(pdpte, 8, good_pdpte & ~P);
	expect_pf(&nx, 0x1000, GPT_ACCESS_WRITE, GPT_PF_WR);
}

static void test_4level_page_sizes(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, 0);
	struct gpt_cpu no1g;
	gpa_t e4k =
		map64(GPT_MODE_4LEVEL, cr3, 0x7fffffff1000ULL, 0xabc000, 1, P | RW | US, P | RW);
	gpa_t e2m =
		map64(GPT_MODE_4LEVEL, cr3, 0xffff800000200000ULL, 0x40000000, 2, P | RW, P | RW);
	gpa_t e1g = map64(GPT_MODE_4LEVEL, cr3, 0x0000008040000000ULL, 0xc40000000ULL, 3, P | RW,
			  P | RW);

	expect_ok(&c, 0x7fffffff1fffULL, GPT_ACCESS_WRITE, 0xabcfff, 4 * KIB);
	assert_int_equal(get(e4k, 8) & (A | D), A | D);
	for (unsigned l = 2; l <= 4; l++)
		assert_int_equal(get(entry_at(GPT_MODE_4LEVEL, cr3, 0x7fffffff1000ULL, l), 8) &
					 (A | D),
				 A);
	expect_ok(&c, 0xffff8000003fffffULL, GPT_ACCESS_READ, 0x401fffff, 2 * MIB);
	assert_int_equal(get(e2m, 8) & (A | D), A);
	expect_ok(&c, 0x0000008075432100ULL, GPT_ACCESS_WRITE, 0xc75432100ULL, 1 * GIB);
	assert_int_equal(get(e1g, 8) & (A | D), A | D);
	/* Without Page1GB, PS in a PDPTE is a reserved bit. */
	gpt_cpu_init(&no1g, CR0_PE | CR0_PG, cr3, CR4_PAE, EFER_LMA | EFER_NXE, 36, false);
	expect_pf(&no1g, 0x0000008075432100ULL, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
}

static void test_4level_reserved(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, 0);
	gpa_t pte = map64(GPT_MODE_4LEVEL, cr3, 0x1000, 0x5000, 1, P | RW | US, P | RW | US);
	gpa_t pml4e = entry_at(GPT_MODE_4LEVEL, cr3, 0x1000, 4);
	gpa_t e2m = map64(GPT_MODE_4LEVEL, cr3, 0x40000000, 0x200000, 2, P | RW, P | RW);
	gpa_t e1g = map64(GPT_MODE_4LEVEL, cr3, 0x80000000, 0x80000000, 3, P | RW, P | RW);
	uint64_t good = get(pte, 8);

	/* Bits 51:M reserved, 62:52 ignored (not reserved, unlike PAE). */
	put(pte, 8, good | (1ULL << 51));
	expect_pf(&c, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(pte, 8, good | (1ULL << 36));
	expect_pf(&c, 0x1000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(pte, 8, good | (0x7ffULL << 52));
	expect_ok(&c, 0x1000, GPT_ACCESS_READ, 0x5000, 4 * KIB);
	/* PTE bit 7 is PAT, not a page size. */
	put(pte, 8, good | PS);
	expect_ok(&c, 0x1000, GPT_ACCESS_READ, 0x5000, 4 * KIB);
	put(pte, 8, good);
	/* PS is reserved in a PML4E. */
	put(pml4e, 8, get(pml4e, 8) | PS);
	expect_pf(&c, 0x1000, GPT_ACCESS_USER, GPT_PF_P | GPT_PF_RSVD | GPT_PF_US);
	put(pml4e, 8, get(pml4e, 8) & ~PS);
	/* Large pages reserve their low address bits: 2 MiB 20:13, 1 GiB 29:13. */
	put(e2m, 8, get(e2m, 8) | (1ULL << 20));
	expect_pf(&c, 0x40000000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(e2m, 8, (get(e2m, 8) & ~(1ULL << 20)) | (1ULL << 12)); /* PAT bit: fine */
	expect_ok(&c, 0x40000000, GPT_ACCESS_READ, 0x200000, 2 * MIB);
	put(e1g, 8, get(e1g, 8) | (1ULL << 29));
	expect_pf(&c, 0x80000000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(e1g, 8, (get(e1g, 8) & ~(1ULL << 29)) | (1ULL << 13));
	expect_pf(&c, 0x80000000, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
	put(e1g, 8, (get(e1g, 8) & ~(1ULL << 13)) | (1ULL << 12)); /* PAT bit: fine */
	expect_ok(&c, 0x80000000, GPT_ACCESS_READ, 0x80000000, 1 * GIB);
	/* A reserved bit faults before rights are looked at: RSVD with P, not a rights fault. */
	put(pte, 8, (good & ~US) | (1ULL << 40));
	expect_pf(&c, 0x1000, GPT_ACCESS_USER, GPT_PF_P | GPT_PF_RSVD | GPT_PF_US);
}

static void test_4level_xd_and_canonical(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, 0);
	struct gpt_walk w;

	map64(GPT_MODE_4LEVEL, cr3, 0x1000, 0x5000, 1, P | RW | US | XD, P | RW | US);
	/* XD anywhere on the path forbids fetches. */
	expect_ok(&c, 0x1000, GPT_ACCESS_USER, 0x5000, 4 * KIB);
	expect_pf(&c, 0x1000, GPT_ACCESS_FETCH | GPT_ACCESS_USER, GPT_PF_P | GPT_PF_US | GPT_PF_ID);
	assert_int_equal(xlate(&c, 0x0000800000000000ULL, GPT_ACCESS_READ, &w), GPT_NONCANONICAL);
	assert_int_equal(xlate(&c, 0xfff0000000000000ULL, GPT_ACCESS_READ, &w), GPT_NONCANONICAL);
	assert_true(gpt_canonical(&c, 0xffff800000000000ULL));
	assert_true(gpt_canonical(&c, 0x00007fffffffffffULL));
	assert_false(gpt_canonical(&c, 0x00ff800000000000ULL));
}

static void test_5level(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, CR4_LA57);
	struct gpt_walk w;
	uint64_t la = 0x00ff800000123000ULL; /* canonical only with 57 bits */
	gpa_t pte = map64(GPT_MODE_5LEVEL, cr3, la, 0x9000, 1, P | RW | US, P | RW | US);

	assert_int_equal(c.mode, GPT_MODE_5LEVEL);
	expect_ok(&c, la | 0x45, GPT_ACCESS_WRITE | GPT_ACCESS_USER, 0x9045, 4 * KIB);
	assert_int_equal(get(pte, 8) & (A | D), A | D);
	assert_int_equal(get(entry_at(GPT_MODE_5LEVEL, cr3, la, 5), 8) & A, A);
	assert_true(gpt_canonical(&c, 0xff00000000000000ULL));
	assert_int_equal(xlate(&c, 0x0100000000000000ULL, GPT_ACCESS_READ, &w), GPT_NONCANONICAL);
	/* PS in a PML5E is reserved. */
	put(entry_at(GPT_MODE_5LEVEL, cr3, la, 5), 8,
	    get(entry_at(GPT_MODE_5LEVEL, cr3, la, 5), 8) | PS);
	expect_pf(&c, la, GPT_ACCESS_READ, GPT_PF_P | GPT_PF_RSVD);
}

static void test_ad_not_set_on_fault_or_without_ops(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, 0);
	struct gpt_walk w;
	uint8_t *before = malloc(RAM_SIZE);

	assert_non_null(before);
	map64(GPT_MODE_4LEVEL, cr3, 0x1000, 0x5000, 1, P | RW | US, P | US);
	memcpy(before, ram.mem, RAM_SIZE);
	/* A rights fault after a full walk: nothing written. */
	expect_pf(&c, 0x1000, GPT_ACCESS_WRITE | GPT_ACCESS_USER, GPT_PF_P | GPT_PF_WR | GPT_PF_US);
	assert_memory_equal(before, ram.mem, RAM_SIZE);
	/* No set_bits: translations work and leave memory alone. */
	assert_int_equal(gpt_translate(&c, &ops_no_ad, &ram, 0x1000, GPT_ACCESS_USER, &w), GPT_OK);
	assert_int_equal(w.gpa, 0x5000);
	assert_memory_equal(before, ram.mem, RAM_SIZE);
	free(before);
}

static void test_tables_outside_ram(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3, 0);
	struct gpt_cpu far = CPU_4L(0x40000000, 0);
	struct gpt_cpu far32 = CPU_32(0x7ffff000, 0);
	struct gpt_walk w;
	gpa_t pde;

	assert_int_equal(xlate(&far, 0x1000, GPT_ACCESS_READ, &w), GPT_BAD_GPA);
	assert_int_equal(w.bad_gpa, 0x40000000);
	assert_int_equal(xlate(&far32, 0x00c00000, GPT_ACCESS_READ, &w), GPT_BAD_GPA);
	assert_int_equal(w.bad_gpa, 0x7ffff000 + 3 * 4);
	map64(GPT_MODE_4LEVEL, cr3, 0x1000, 0x5000, 1, P | RW, P | RW);
	pde = entry_at(GPT_MODE_4LEVEL, cr3, 0x1000, 2);
	put(pde, 8, 0x7654000 | P | RW); /* page table beyond RAM */
	assert_int_equal(xlate(&c, 0x1000, GPT_ACCESS_READ, &w), GPT_BAD_GPA);
	assert_int_equal(w.bad_gpa, 0x7654000 + 8);
	/* The data page itself may be anywhere: not the walker's business. */
	put(pde, 8, 0x3000 | P | RW);
	put(0x3000 + 8, 8, 0x456789000ULL | P | RW);
	assert_int_equal(xlate(&c, 0x1000, GPT_ACCESS_READ, &w), GPT_OK);
	assert_int_equal(w.gpa, 0x456789000ULL);
}

/* The CR3 low bits (PCD, PWT, PCID) do not move the tables. */
static void test_cr3_low_bits(void **state)
{
	gpa_t cr3 = new_table();
	struct gpt_cpu c = CPU_4L(cr3 | 0x18 | 0xfff, 0);
	struct gpt_cpu c32 = CPU_32(cr3 | 0x18, 0);

	map64(GPT_MODE_4LEVEL, cr3, 0x2000, 0x6000, 1, P | RW, P | RW);
	expect_ok(&c, 0x2010, GPT_ACCESS_READ, 0x6010, 4 * KIB);
	memset(ram.mem + cr3, 0, 4096);
	map32(cr3, 0x2000, 0x7000, false, P | RW, P | RW);
	expect_ok(&c32, 0x2010, GPT_ACCESS_READ, 0x7010, 4 * KIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode_select, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_4k_and_ad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_4m_pse36, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_pse_off_ignores_ps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_not_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32bit_rights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_smep_smap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_translations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_reserved_and_xd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4level_page_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4level_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4level_xd_and_canonical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_5level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ad_not_set_on_fault_or_without_ops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tables_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cr3_low_bits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
