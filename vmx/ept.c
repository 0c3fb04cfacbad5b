#include <errno.h>

#include "kernel/mm/kmem.h"
#include "vmx/ept.h"

/* EPTP: write-back paging structures, 4-level walk (SDM Vol. 3C 25.6.11). */
#define EPTP_MT_WB  6ULL
#define EPTP_WALK_4 (3ULL << 3)

static hpa_t ept_alloc_table(void *ctx)
{
	return kmem_alloc_frames(1, PAGE_SIZE, UINT64_MAX);
}

static uint64_t *ept_table_ptr(void *ctx, hpa_t pa)
{
	return kmem_phys_to_virt(pa);
}

int ept_create(struct ept *ept)
{
	static const struct pt_format ept_format = {
		.table_flags = EPT_RWX,
		.present_mask = EPT_RWX,
	};
	struct pt_ops ops = { .alloc_table = ept_alloc_table, .table_ptr = ept_table_ptr };
	int err = pt_init(&ept->pt, &ept_format, &ops);

	if (err)
		return err;
	ept->eptp = ept->pt.root | EPTP_WALK_4 | EPTP_MT_WB;
	return 0;
}

int ept_map_ram(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	/* 1 GiB EPT pages are optional (EPT_VPID_CAP bit 17): stay with 2 MiB. */
	return pt_map(&ept->pt, gpa, hpa, size, EPT_RWX | EPT_MT_WB, false);
}

static void free_level(hpa_t table, int level)
{
	uint64_t *t = kmem_phys_to_virt(table);

	if (level > 1) {
		for (int i = 0; i < PT_ENTRIES; i++) {
			if ((t[i] & EPT_RWX) && !(t[i] & PT_LARGE))
				free_level(t[i] & PT_ADDR_MASK, level - 1);
		}
	}
	kmem_free_frames(table, 1);
}

void ept_destroy(struct ept *ept)
{
	if (ept->pt.root)
		free_level(ept->pt.root, 4);
	ept->pt.root = 0;
}
