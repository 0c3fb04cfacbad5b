/*
 * Guest page-table walker (see gpt.h). Section numbers are those of the
 * SDM Vol. 3A chapter 4 "Paging".
 */
#include "vmx/gpt.h"

/* Control-register bits the walk depends on (SDM Vol. 3A 2.5, 2.2.1). */
#define CR0_WP   (1ULL << 16)
#define CR0_PG   (1ULL << 31)
#define CR4_PSE  (1ULL << 4)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define BITS(hi, lo) ((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

#define ADDR_32BIT_MAX_M 40 /* 32-bit paging reaches 40 physical bits at most (4.3) */

/* What the walk found, for the permission check and the A/D update. */
struct walk_state {
	gpa_t entry_gpa[5];
	uint64_t entry[5];
	unsigned count; /* entries used, top level first */
	unsigned entry_size;
	bool user;     /* U/S = 1 at every level: a user-mode address */
	bool writable; /* R/W = 1 at every level */
	bool nx;       /* XD = 1 at some level (with EFER.NXE) */
	gpa_t gpa;
	uint64_t page_size;
};

void gpt_cpu_init(struct gpt_cpu *cpu, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer,
		  unsigned maxphyaddr, bool gb_pages)
{
	if (!(cr0 & CR0_PG))
		cpu->mode = GPT_MODE_NONE;
	else if (!(cr4 & CR4_PAE))
		cpu->mode = GPT_MODE_32BIT;
	else if (!(efer & EFER_LMA))
		cpu->mode = GPT_MODE_PAE;
	else
		cpu->mode = cr4 & CR4_LA57 ? GPT_MODE_5LEVEL : GPT_MODE_4LEVEL;
	cpu->cr3 = cr3;
	cpu->pse = cr4 & CR4_PSE;
	cpu->nxe = efer & EFER_NXE;
	cpu->wp = cr0 & CR0_WP;
	cpu->smep = cr4 & CR4_SMEP;
	cpu->smap = cr4 & CR4_SMAP;
	cpu->gb_pages = gb_pages;
	if (maxphyaddr == 0)
		maxphyaddr = 36;
	cpu->maxphyaddr = maxphyaddr < 32 ? 32 : maxphyaddr > 52 ? 52 : maxphyaddr;
}

bool gpt_canonical(const struct gpt_cpu *cpu, gva_t la)
{
	unsigned bits;

	if (cpu->mode == GPT_MODE_4LEVEL)
		bits = 48;
	else if (cpu->mode == GPT_MODE_5LEVEL)
		bits = 57;
	else
		return true;
	/* Bits 63:bits-1 all equal (SDM Vol. 1 3.3.7.1 "Canonical Addressing"). */
	return (uint64_t)((int64_t)(la << (64 - bits)) >> (64 - bits)) == la;
}

static unsigned maxphy(const struct gpt_cpu *cpu)
{
	unsigned m = cpu->maxphyaddr;

	return m < 32 ? 32 : m > 52 ? 52 : m;
}

/*
 * The #PF error code (4.7). I/D is reported only when instruction fetches
 * can be told apart: with SMEP, or with NXE under PAE, 4- or 5-level paging.
 */
static enum gpt_status page_fault(const struct gpt_cpu *cpu, unsigned access, uint32_t why,
				  struct gpt_walk *walk)
{
	uint32_t code = why | (access & (GPT_ACCESS_WRITE | GPT_ACCESS_USER));

	if ((access & GPT_ACCESS_FETCH) &&
	    (cpu->smep || (cpu->nxe && cpu->mode != GPT_MODE_32BIT && cpu->mode != GPT_MODE_NONE)))
		code |= GPT_PF_ID;
	walk->error_code = code;
	return GPT_PAGE_FAULT;
}

static bool read_entry(const struct gpt_mem_ops *ops, void *ctx, struct walk_state *ws, gpa_t gpa,
		       uint64_t *e, struct gpt_walk *walk)
{
	if (!ops->read(ctx, gpa, ws->entry_size, e)) {
		walk->bad_gpa = gpa;
		return false;
	}
	if (ws->entry_size == 4)
		*e &= 0xffffffffULL;
	return true;
}

/* Record a present, valid entry of the walk and fold its rights in (4.6). */
static void use_entry(const struct gpt_cpu *cpu, struct walk_state *ws, gpa_t gpa, uint64_t e)
{
	ws->entry_gpa[ws->count] = gpa;
	ws->entry[ws->count] = e;
	ws->count++;
	ws->user &= !!(e & GPT_PTE_US);
	ws->writable &= !!(e & GPT_PTE_RW);
	if (cpu->nxe && ws->entry_size == 8)
		ws->nx |= !!(e & GPT_PTE_XD);
}

/*
 * 32-bit paging (4.3): a page directory at CR3[31:12] and page tables;
 * a PDE with PS = 1 maps 4 MiB when CR4.PSE = 1 (Table 4-4), else PS is
 * ignored. No bit is reserved except in a 4 MiB PDE: bits 21:(M-19),
 * with M at most 40 here.
 */
static enum gpt_status walk_32bit(const struct gpt_cpu *cpu, const struct gpt_mem_ops *ops,
				  void *ctx, uint32_t la, unsigned access, struct walk_state *ws,
				  struct gpt_walk *walk)
{
	unsigned m = maxphy(cpu) < ADDR_32BIT_MAX_M ? maxphy(cpu) : ADDR_32BIT_MAX_M;
	gpa_t pde_gpa = (cpu->cr3 & 0xfffff000ULL) + ((la >> 22) & 0x3ff) * 4;
	gpa_t pte_gpa;
	uint64_t pde, pte;

	if (!read_entry(ops, ctx, ws, pde_gpa, &pde, walk))
		return GPT_BAD_GPA;
	if (!(pde & GPT_PTE_P))
		return page_fault(cpu, access, 0, walk);
	if (cpu->pse && (pde & GPT_PTE_PS)) {
		if (pde & BITS(21, m - 19))
			return page_fault(cpu, access, GPT_PF_P | GPT_PF_RSVD, walk);
		use_entry(cpu, ws, pde_gpa, pde);
		ws->page_size = 4ULL << 20;
		ws->gpa = (pde & 0xffc00000ULL) | (((pde >> 13) & ((1ULL << (m - 32)) - 1)) << 32) |
			  (la & 0x3fffff);
		return GPT_OK;
	}
	use_entry(cpu, ws, pde_gpa, pde);
	pte_gpa = (pde & 0xfffff000ULL) + ((la >> 12) & 0x3ff) * 4;
	if (!read_entry(ops, ctx, ws, pte_gpa, &pte, walk))
		return GPT_BAD_GPA;
	if (!(pte & GPT_PTE_P))
		return page_fault(cpu, access, 0, walk);
	use_entry(cpu, ws, pte_gpa, pte);
	ws->page_size = PAGE_SIZE;
	ws->gpa = (pte & 0xfffff000ULL) | (la & 0xfff);
	return GPT_OK;
}

/*
 * Bits reserved in an entry of `level` (1 = PTE ... 5 = PML5E) of PAE,
 * 4- or 5-level paging that maps (`leaf`) or references the next level.
 * Beyond MAXPHYADDR: bits 62:M under PAE (Tables 4-8 to 4-11), 51:M
 * under 4/5-level (Tables 4-15 to 4-20, whose bits 62:52 are ignored or
 * protection keys); XD without EFER.NXE; PS in a PML4E or PML5E; the
 * low address bits of a large page (1 GiB: 29:13, 2 MiB: 20:13).
 */
static uint64_t reserved_bits(const struct gpt_cpu *cpu, unsigned level, bool leaf)
{
	unsigned m = maxphy(cpu);
	uint64_t r = cpu->mode == GPT_MODE_PAE ? BITS(62, m) : BITS(51, m);

	if (!cpu->nxe)
		r |= GPT_PTE_XD;
	if (level >= 4)
		r |= GPT_PTE_PS;
	if (leaf && level == 3)
		r |= BITS(29, 13);
	if (leaf && level == 2)
		r |= BITS(20, 13);
	return r;
}

/*
 * PAE (4.4.1): the PDPTE selected by bits 31:30 from the 32-byte aligned
 * table at CR3[31:5]. It has no A, R/W, U/S or XD flag; bits 2:1, 8:5
 * and 63:M are reserved (Table 4-8).
 */
static enum gpt_status pae_pdpte(const struct gpt_cpu *cpu, const struct gpt_mem_ops *ops,
				 void *ctx, uint32_t la, unsigned access, struct walk_state *ws,
				 struct gpt_walk *walk, gpa_t *table)
{
	gpa_t gpa = (cpu->cr3 & 0xffffffe0ULL) + ((la >> 30) & 3) * 8;
	uint64_t e;

	if (!read_entry(ops, ctx, ws, gpa, &e, walk))
		return GPT_BAD_GPA;
	if (!(e & GPT_PTE_P))
		return page_fault(cpu, access, 0, walk);
	if (e & (BITS(63, maxphy(cpu)) | BITS(8, 5) | BITS(2, 1)))
		return page_fault(cpu, access, GPT_PF_P | GPT_PF_RSVD, walk);
	*table = e & BITS(maxphy(cpu) - 1, 12);
	return GPT_OK;
}

/* PAE, 4-level and 5-level paging: 8-byte entries, 9 index bits a level. */
static enum gpt_status walk_long(const struct gpt_cpu *cpu, const struct gpt_mem_ops *ops,
				 void *ctx, gva_t la, unsigned access, struct walk_state *ws,
				 struct gpt_walk *walk)
{
	uint64_t addr_mask = BITS(maxphy(cpu) - 1, 12);
	unsigned level;
	gpa_t table;

	if (cpu->mode == GPT_MODE_PAE) {
		enum gpt_status st =
			pae_pdpte(cpu, ops, ctx, (uint32_t)la, access, ws, walk, &table);

		if (st != GPT_OK)
			return st;
		level = 2;
	} else {
		table = cpu->cr3 & addr_mask;
		level = cpu->mode == GPT_MODE_5LEVEL ? 5 : 4;
	}
	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		gpa_t gpa = table + ((la >> shift) & 0x1ff) * 8;
		bool leaf;
		uint64_t e;

		if (!read_entry(ops, ctx, ws, gpa, &e, walk))
			return GPT_BAD_GPA;
		if (!(e & GPT_PTE_P))
			return page_fault(cpu, access, 0, walk);
		/* PS at level 3 maps 1 GiB only on CPUs with Page1GB, else it is reserved. */
		leaf = level == 1 ||
		       (level <= 3 && (e & GPT_PTE_PS) && (level == 2 || cpu->gb_pages));
		if ((e & reserved_bits(cpu, level, leaf)) ||
		    (level == 3 && !leaf && (e & GPT_PTE_PS)))
			return page_fault(cpu, access, GPT_PF_P | GPT_PF_RSVD, walk);
		use_entry(cpu, ws, gpa, e);
		if (leaf) {
			ws->page_size = 1ULL << shift;
			ws->gpa = (e & addr_mask & ~(ws->page_size - 1)) |
				  (la & (ws->page_size - 1));
			return GPT_OK;
		}
		table = e & addr_mask;
	}
}

/* Access rights of a translation (4.6), after a walk without faults. */
static bool access_allowed(const struct gpt_cpu *cpu, const struct walk_state *ws, unsigned access)
{
	bool user_access = access & GPT_ACCESS_USER;

	if (access & GPT_ACCESS_FETCH) {
		if (ws->nx)
			return false;
		/* User fetches need a user-mode address; SMEP bars supervisor fetches from one. */
		return user_access ? ws->user : !(cpu->smep && ws->user);
	}
	if (user_access)
		return ws->user && (!(access & GPT_ACCESS_WRITE) || ws->writable);
	/* Supervisor data access to a user-mode address: SMAP, unless RFLAGS.AC allows it. */
	if (ws->user && cpu->smap && !(access & GPT_ACCESS_AC))
		return false;
	/* Supervisor writes ignore R/W when CR0.WP = 0. */
	return !(access & GPT_ACCESS_WRITE) || ws->writable || !cpu->wp;
}

/* A in every entry used, D in the one that maps the page on a write (4.8). */
static bool set_accessed_dirty(const struct gpt_mem_ops *ops, void *ctx,
			       const struct walk_state *ws, unsigned access, struct gpt_walk *walk)
{
	if (!ops->set_bits)
		return true;
	for (unsigned i = 0; i < ws->count; i++) {
		uint64_t bits = GPT_PTE_A;

		if (i == ws->count - 1 && (access & GPT_ACCESS_WRITE))
			bits |= GPT_PTE_D;
		if ((ws->entry[i] & bits) == bits)
			continue;
		if (!ops->set_bits(ctx, ws->entry_gpa[i], ws->entry_size, bits)) {
			walk->bad_gpa = ws->entry_gpa[i];
			return false;
		}
	}
	return true;
}

enum gpt_status gpt_translate(const struct gpt_cpu *cpu, const struct gpt_mem_ops *ops, void *ctx,
			      gva_t la, unsigned access, struct gpt_walk *walk)
{
	struct walk_state ws = { .user = true, .writable = true };
	enum gpt_status st;

	walk->gpa = 0;
	walk->page_size = 0;
	walk->error_code = 0;
	walk->bad_gpa = 0;
	switch (cpu->mode) {
	case GPT_MODE_32BIT:
		ws.entry_size = 4;
		st = walk_32bit(cpu, ops, ctx, (uint32_t)la, access, &ws, walk);
		break;
	case GPT_MODE_PAE:
		ws.entry_size = 8;
		st = walk_long(cpu, ops, ctx, (uint32_t)la, access, &ws, walk);
		break;
	case GPT_MODE_4LEVEL:
	case GPT_MODE_5LEVEL:
		if (!gpt_canonical(cpu, la))
			return GPT_NONCANONICAL;
		ws.entry_size = 8;
		st = walk_long(cpu, ops, ctx, la, access, &ws, walk);
		break;
	default:
		/* Paging off: linear addresses are 32 bits and map 1:1 (4.1.1). */
		walk->gpa = (uint32_t)la;
		walk->page_size = PAGE_SIZE;
		return GPT_OK;
	}
	if (st != GPT_OK)
		return st;
	if (!access_allowed(cpu, &ws, access))
		return page_fault(cpu, access, GPT_PF_P, walk);
	if (!set_accessed_dirty(ops, ctx, &ws, access, walk))
		return GPT_BAD_GPA;
	walk->gpa = ws.gpa;
	walk->page_size = ws.page_size;
	return GPT_OK;
}
