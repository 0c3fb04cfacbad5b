/*
 * Generic 4-level page-table builder (see pagetable.h).
 *
 * Levels are numbered by what their entries map: 3 = PML4 (512 GiB per
 * entry), 2 = PDPT (1 GiB), 1 = PD (2 MiB), 0 = PT (4 KiB). Bit 7 makes a
 * PDPTE or PDE a leaf in both formats (SDM Vol. 3A 4.5, Tables 4-15 to 4-20;
 * Vol. 3C 29.3.2, "EPT Translation Mechanism"); it is reserved in a PML4E
 * and is the PAT bit in a 4 KiB PTE, so the builder owns it and callers may
 * not pass it in leaf flags.
 *
 * Consistency under failure: a table is always filled completely before
 * the single store that links it into the tree, and splitting a large page
 * builds the 512 replacement entries first. So an -ENOMEM in the middle of
 * pt_map()/pt_unmap() leaves a tree in which every address translates
 * either as before the call or as the call asked: the range is applied in
 * ascending address order up to the failure point, the rest is unchanged.
 * The caller may retry, or undo with pt_unmap(). As with any change to a
 * live tree, the caller invalidates TLBs (SDM Vol. 3A 4.10.4) or EPT
 * caches (INVEPT, Vol. 3C 29.4.3) afterwards.
 *
 * There is no free_table op, so tables are never released: unmapping
 * leaves empty tables in place, and a large-page request over an existing
 * table fills that table with smaller pages instead of dropping it.
 */
#include <errno.h>

#include "kernel/mm/pagetable.h"

#define PT_LEVELS   4
#define PT_TOP      (PT_LEVELS - 1)
#define PT_IDX_BITS 9

/*
 * Physical addresses fit in 52 bits (MAXPHYADDR <= 52, SDM Vol. 3A
 * 4.1.4); an entry cannot hold more.
 */
#define PT_PHYS_LIMIT (1ULL << 52)

static unsigned int level_shift(int level)
{
	return PAGE_SHIFT + PT_IDX_BITS * (unsigned int)level;
}

static uint64_t level_size(int level)
{
	return 1ULL << level_shift(level);
}

static unsigned int level_index(uint64_t va, int level)
{
	return (unsigned int)(va >> level_shift(level)) & (PT_ENTRIES - 1);
}

/* Address bits of a leaf at `level`: 51:30, 51:21 or 51:12. */
static uint64_t leaf_addr_mask(int level)
{
	return PT_ADDR_MASK & ~(level_size(level) - 1);
}

static bool entry_present(const struct pagetable *pt, uint64_t e)
{
	return (e & pt->fmt.present_mask) != 0;
}

static bool entry_is_leaf(int level, uint64_t e)
{
	return level == 0 || ((level == 1 || level == 2) && (e & PT_LARGE));
}

/*
 * 4-level paging translates 48-bit linear addresses; bits 63:47 must all
 * equal bit 47 (SDM Vol. 3A 4.5, and 3.3.7.1 "Canonical Addressing").
 * The same test is applied to EPT guest-physical addresses, which only
 * costs GPAs at or above 128 TiB.
 */
static bool va_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

static int check_range(uint64_t va, uint64_t size)
{
	uint64_t last;

	if (size == 0 || ((va | size) & (PAGE_SIZE - 1)))
		return -EINVAL;
	last = va + size - 1;
	if (last < va || !va_canonical(va) || !va_canonical(last))
		return -EINVAL;
	/* Both ends canonical but on either side of the hole. */
	if ((va >> 47) != (last >> 47))
		return -EINVAL;
	return 0;
}

static uint64_t *table_of(const struct pagetable *pt, hpa_t pa)
{
	return pt->ops.table_ptr(pt->ops.ctx, pa);
}

/* A zeroed table linked to nothing yet, or 0. */
static hpa_t new_table(struct pagetable *pt)
{
	hpa_t pa = pt->ops.alloc_table(pt->ops.ctx);

	/*
	 * A misaligned or >52-bit table cannot be linked; treat it as out of
	 * memory (the allocator is broken, and the frame is leaked).
	 */
	if (pa & ~PT_ADDR_MASK)
		return 0;
	return pa;
}

static uint64_t table_entry(const struct pagetable *pt, hpa_t table)
{
	return table | pt->fmt.table_flags;
}

/*
 * Replace the large leaf at *slot (level 2 or 1) by a table of 512
 * leaves one level down that map the same addresses with the same bits.
 */
static int split_large(struct pagetable *pt, uint64_t *slot, int level)
{
	uint64_t e = *slot;
	uint64_t child = level_size(level - 1);
	uint64_t base = e & leaf_addr_mask(level);
	uint64_t bits = e & ~leaf_addr_mask(level) & ~PT_ADDR_MASK;
	uint64_t *t;
	hpa_t pa;
	int i;

	pa = new_table(pt);
	if (!pa)
		return -ENOMEM;
	t = table_of(pt, pa);
	/* A 4 KiB PTE uses bit 7 for PAT, not as a size bit (Table 4-20). */
	if (level - 1 == 0)
		bits &= ~PT_LARGE;
	for (i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + (uint64_t)i * child) | bits;
	*slot = table_entry(pt, pa);
	return 0;
}

/*
 * Walk to the slot where a leaf of level `*level` for `va` belongs,
 * creating tables and splitting large pages on the way. If that slot
 * already holds a table, a large leaf there would orphan it, so *level is
 * lowered and the walk continues. Returns the slot or NULL on -ENOMEM.
 */
static uint64_t *walk_create(struct pagetable *pt, uint64_t va, int *level)
{
	uint64_t *t = table_of(pt, pt->root);
	int l;

	for (l = PT_TOP;; l--) {
		uint64_t *slot = &t[level_index(va, l)];
		hpa_t pa;

		if (l == *level) {
			if (!entry_present(pt, *slot) || entry_is_leaf(l, *slot))
				return slot;
			*level = l - 1;
		} else if (!entry_present(pt, *slot)) {
			pa = new_table(pt);
			if (!pa)
				return NULL;
			*slot = table_entry(pt, pa);
		} else if (entry_is_leaf(l, *slot)) {
			if (split_large(pt, slot, l))
				return NULL;
		}
		t = table_of(pt, *slot & PT_ADDR_MASK);
	}
}

/* The largest page that fits va, pa and the remaining size. */
static int pick_level(uint64_t va, hpa_t pa, uint64_t size, bool allow_1g)
{
	int l;

	for (l = allow_1g ? 2 : 1; l > 0; l--) {
		uint64_t s = level_size(l);

		if (!((va | pa) & (s - 1)) && size >= s)
			return l;
	}
	return 0;
}

int pt_init(struct pagetable *pt, const struct pt_format *fmt, const struct pt_ops *ops)
{
	if (!fmt->present_mask || !(fmt->table_flags & fmt->present_mask) ||
	    (fmt->table_flags & (PT_ADDR_MASK | PT_LARGE)))
		return -EINVAL;
	pt->fmt = *fmt;
	pt->ops = *ops;
	pt->root = new_table(pt);
	return pt->root ? 0 : -ENOMEM;
}

int pt_map(struct pagetable *pt, uint64_t va, hpa_t pa, uint64_t size, uint64_t leaf_flags,
	   bool allow_1g)
{
	int rc = check_range(va, size);

	if (rc)
		return rc;
	if ((pa & (PAGE_SIZE - 1)) || pa >= PT_PHYS_LIMIT || size > PT_PHYS_LIMIT - pa)
		return -EINVAL;
	if (!(leaf_flags & pt->fmt.present_mask) || (leaf_flags & (PT_ADDR_MASK | PT_LARGE)))
		return -EINVAL;

	while (size) {
		int level = pick_level(va, pa, size, allow_1g);
		uint64_t *slot = walk_create(pt, va, &level);
		uint64_t step;

		if (!slot)
			return -ENOMEM;
		step = level_size(level);
		*slot = pa | leaf_flags | (level ? PT_LARGE : 0);
		va += step;
		pa += step;
		size -= step;
	}
	return 0;
}

int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size)
{
	int rc = check_range(va, size);

	if (rc)
		return rc;
	while (size) {
		uint64_t *t = table_of(pt, pt->root);
		uint64_t step = 0;
		int l;

		for (l = PT_TOP; !step; l--) {
			uint64_t *slot = &t[level_index(va, l)];
			uint64_t span = level_size(l);
			bool whole = !(va & (span - 1)) && size >= span;

			if (!entry_present(pt, *slot)) {
				/* Nothing here: skip to the end of this entry's span. */
				step = MIN(span - (va & (span - 1)), size);
			} else if (entry_is_leaf(l, *slot) && whole) {
				*slot = 0;
				step = span;
			} else if (entry_is_leaf(l, *slot)) {
				if (split_large(pt, slot, l))
					return -ENOMEM;
				t = table_of(pt, *slot & PT_ADDR_MASK);
			} else {
				t = table_of(pt, *slot & PT_ADDR_MASK);
			}
		}
		va += step;
		size -= step;
	}
	return 0;
}

bool pt_lookup(const struct pagetable *pt, uint64_t va, hpa_t *pa, uint64_t *leaf_flags,
	       uint64_t *page_size)
{
	const uint64_t *t;
	int l;

	if (!va_canonical(va))
		return false;
	t = table_of(pt, pt->root);
	for (l = PT_TOP; l >= 0; l--) {
		uint64_t e = t[level_index(va, l)];

		if (!entry_present(pt, e))
			return false;
		if (entry_is_leaf(l, e)) {
			uint64_t mask = leaf_addr_mask(l);

			if (pa)
				*pa = (e & mask) | (va & (level_size(l) - 1));
			if (leaf_flags)
				*leaf_flags = e & ~mask & ~(l ? PT_LARGE : 0);
			if (page_size)
				*page_size = level_size(l);
			return true;
		}
		t = table_of(pt, e & PT_ADDR_MASK);
	}
	return false; /* not reached: level 0 entries are leaves */
}
