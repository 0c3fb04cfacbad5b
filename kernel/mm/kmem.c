/*
 * Hypervisor memory set-up: frame allocator and page tables.
 *
 * kmem_init() runs on the boot CPU on the boot path's tables (low 4 GiB
 * identity-mapped). It places the allocator bitmap in free RAM, builds the
 * final tables of memlayout.h with frames below 4 GiB (still reachable
 * through the identity map while we build), loads CR3 and from then on
 * reaches physical memory through the direct map only.
 */
#include <errno.h>
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pagetable.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"

#define FOUR_GIB   (4ULL << 30)
#define LOW_MEMORY (1ULL << 20)
/* The real-mode IVT and BIOS data area live in the first page. */
#define LOW_PAGE_MIN 0x1000ULL
/* The EBDA may start as low as 0x80000 and is not always in the map. */
#define LOW_PAGE_MAX 0x80000ULL

extern char __kernel_link_start[], __kernel_link_end[];
extern char __text_start[], __text_end[];
extern char __data_start[];
extern char __bss_end[];

static struct pmm kmem_pmm;
/* Two locks: building page tables allocates frames. */
static struct spinlock kmem_lock = SPINLOCK_INIT;    /* the frame allocator */
static struct spinlock kmem_pt_lock = SPINLOCK_INIT; /* the page tables */
static struct pagetable kmem_pt;
static hpa_t kmem_kernel_phys;   /* where KERNEL_LINK_PHYS landed */
static uint64_t kmem_p2v_offset; /* 0 on the boot tables, then DIRECT_MAP_BASE */
static hpa_t kmem_low;

void *kmem_phys_to_virt(hpa_t pa)
{
	return (void *)(uintptr_t)(pa + kmem_p2v_offset);
}

hpa_t kmem_virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)(uintptr_t)va;

	if (v >= KERNEL_VIRT_BASE)
		return v - KERNEL_VIRT_BASE - KERNEL_LINK_PHYS + kmem_kernel_phys;
	if (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + DIRECT_MAP_SIZE)
		return v - DIRECT_MAP_BASE;
	return v; /* identity-mapped boot data before the switch */
}

static hpa_t kmem_alloc_table(void *ctx)
{
	/* Below 4 GiB: the AP start-up code loads CR3 from 32-bit mode. */
	return kmem_alloc_frames(1, PAGE_SIZE, FOUR_GIB);
}

static uint64_t *kmem_table_ptr(void *ctx, hpa_t pa)
{
	return kmem_phys_to_virt(pa);
}

hpa_t kmem_alloc_frames(uint64_t count, uint64_t align, hpa_t limit)
{
	hpa_t pa;

	spin_lock(&kmem_lock);
	pa = count == 1 && align == PAGE_SIZE && limit == UINT64_MAX
		     ? pmm_alloc(&kmem_pmm)
		     : pmm_alloc_contig(&kmem_pmm, count, align, limit);
	spin_unlock(&kmem_lock);
	if (pa)
		memset(kmem_phys_to_virt(pa), 0, count * PAGE_SIZE);
	return pa;
}

void kmem_free_frames(hpa_t pa, uint64_t count)
{
	spin_lock(&kmem_lock);
	pmm_free(&kmem_pmm, pa, count);
	spin_unlock(&kmem_lock);
}

void *kmem_alloc_pages(uint64_t count)
{
	hpa_t pa = kmem_alloc_frames(count, PAGE_SIZE, UINT64_MAX);

	return pa ? kmem_phys_to_virt(pa) : NULL;
}

void pmm_bug(const char *what, hpa_t addr)
{
	panic("frame allocator: %s at %#llx", what, (unsigned long long)addr);
}

uint64_t kmem_usable_bytes(void)
{
	return kmem_pmm.total_usable * PAGE_SIZE;
}

uint64_t kmem_free_bytes(void)
{
	return kmem_pmm.free_frames * PAGE_SIZE;
}

hpa_t kmem_page_table_root(void)
{
	return kmem_pt.root;
}

hpa_t kmem_low_page(void)
{
	return kmem_low;
}

void *kmem_map_mmio(hpa_t pa, uint64_t size)
{
	hpa_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	int err;

	spin_lock(&kmem_pt_lock);
	err = pt_map(&kmem_pt, DIRECT_MAP_BASE + base, base, len,
		     PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_NX | PTE_G, false);
	spin_unlock(&kmem_pt_lock);
	if (err)
		return NULL;
	/* The range may have been mapped write-back before: drop stale entries. */
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		cpu_invlpg(DIRECT_MAP_BASE + base + off);
	return kmem_phys_to_virt(pa);
}

int kmem_map(uint64_t va, hpa_t pa, uint64_t size)
{
	int err;

	spin_lock(&kmem_pt_lock);
	err = pt_map(&kmem_pt, va, pa, size, PTE_P | PTE_RW | PTE_NX | PTE_G, false);
	spin_unlock(&kmem_pt_lock);
	return err;
}

int kmem_unmap(uint64_t va, uint64_t size)
{
	int err;

	spin_lock(&kmem_pt_lock);
	err = pt_unmap(&kmem_pt, va, size);
	spin_unlock(&kmem_pt_lock);
	/*
	 * Global entries survive CR3 loads: flush them here. Other CPUs never
	 * touch a VM's window once its vCPUs have left them.
	 */
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		cpu_invlpg(va + off);
	return err;
}

static bool range_overlaps(hpa_t base, uint64_t len, const struct pmm_range *r, size_t n,
			   hpa_t *end_of_hit)
{
	for (size_t i = 0; i < n; i++) {
		if (base < r[i].base + r[i].length && r[i].base < base + len) {
			*end_of_hit = r[i].base + r[i].length;
			return true;
		}
	}
	return false;
}

/* First page-aligned stretch of `len` usable bytes below 4 GiB avoiding `avoid`. */
static hpa_t find_free_range(const struct boot_mem_region *map, size_t count, uint64_t len,
			     const struct pmm_range *avoid, size_t navoid)
{
	for (size_t i = 0; i < count; i++) {
		hpa_t start, end, hit;

		if (map[i].type != BOOT_MEM_USABLE)
			continue;
		start = ALIGN_UP(MAX(map[i].base, LOW_MEMORY), PAGE_SIZE);
		end = ALIGN_DOWN(MIN(map[i].base + map[i].length, FOUR_GIB), PAGE_SIZE);
		while (start + len <= end) {
			if (!range_overlaps(start, len, avoid, navoid, &hit))
				return start;
			start = ALIGN_UP(hit, PAGE_SIZE);
		}
	}
	return 0;
}

/* Highest usable page in [LOW_PAGE_MIN, LOW_PAGE_MAX) for the SIPI vector. */
static hpa_t find_low_page(const struct boot_mem_region *map, size_t count)
{
	hpa_t best = 0;

	for (size_t i = 0; i < count; i++) {
		hpa_t start = ALIGN_UP(MAX(map[i].base, LOW_PAGE_MIN), PAGE_SIZE);
		hpa_t end = ALIGN_DOWN(MIN(map[i].base + map[i].length, LOW_PAGE_MAX), PAGE_SIZE);

		if (map[i].type != BOOT_MEM_USABLE || end <= start)
			continue;
		if (end - PAGE_SIZE > best)
			best = end - PAGE_SIZE;
	}
	return best;
}

/* The map with usable RAM beyond the direct map (unreachable) left out. */
static const struct boot_mem_region *clip_usable(const struct boot_mem_region *map, size_t count)
{
	static struct boot_mem_region clipped[BOOT_INFO_MAX_MMAP];

	for (size_t i = 0; i < count && i < BOOT_INFO_MAX_MMAP; i++) {
		clipped[i] = map[i];
		if (map[i].type != BOOT_MEM_USABLE)
			continue;
		if (map[i].base >= DIRECT_MAP_SIZE)
			clipped[i].type = BOOT_MEM_RESERVED;
		else if (map[i].length > DIRECT_MAP_SIZE - map[i].base)
			clipped[i].length = DIRECT_MAP_SIZE - map[i].base;
	}
	return clipped;
}

static void map_or_panic(uint64_t va, hpa_t pa, uint64_t size, uint64_t flags, bool allow_1g)
{
	int err = pt_map(&kmem_pt, va, pa, size, flags, allow_1g);

	if (err)
		panic("kmem: cannot map %#llx+%#llx: error %d", (unsigned long long)va,
		      (unsigned long long)size, err);
}

static void map_kernel_image(void)
{
	uint64_t link_base = KERNEL_VIRT_BASE + KERNEL_LINK_PHYS;
	uint64_t text = (uint64_t)(uintptr_t)__text_start;
	uint64_t text_end = ALIGN_UP((uint64_t)(uintptr_t)__text_end, PAGE_SIZE);
	uint64_t data = (uint64_t)(uintptr_t)__data_start;
	uint64_t end = (uint64_t)(uintptr_t)__bss_end;
	uint64_t phys = kmem_kernel_phys;

	/*
	 * W^X: code read-only and executable, constants read-only, data not
	 * executable. .boot (multiboot2 header, 32-bit entry) is left out.
	 */
	map_or_panic(text, phys + (text - link_base), text_end - text, PTE_P | PTE_G, false);
	map_or_panic(text_end, phys + (text_end - link_base), data - text_end,
		     PTE_P | PTE_G | PTE_NX, false);
	map_or_panic(data, phys + (data - link_base), end - data, PTE_P | PTE_RW | PTE_G | PTE_NX,
		     false);
}

static void build_direct_map(const struct boot_mem_region *map, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		hpa_t start = ALIGN_DOWN(map[i].base, PAGE_SIZE);
		hpa_t end = ALIGN_UP(map[i].base + map[i].length, PAGE_SIZE);

		if (map[i].type == BOOT_MEM_BAD || end > DIRECT_MAP_SIZE)
			continue;
		map_or_panic(DIRECT_MAP_BASE + start, start, end - start,
			     PTE_P | PTE_RW | PTE_G | PTE_NX, true);
	}
}

void kmem_init(const struct boot_info *bi, const struct boot_mem_region *map,
	       const struct pmm_range *extra, size_t extra_count)
{
	static const struct pt_format x86_format = {
		.table_flags = PTE_P | PTE_RW,
		.present_mask = PTE_P,
	};
	struct pt_ops ops = { .alloc_table = kmem_alloc_table, .table_ptr = kmem_table_ptr };
	struct pmm_range reserved[KMEM_MAX_RESERVED];
	size_t n = 0, bitmap_bytes;
	hpa_t bitmap;
	uint64_t image_end;

	kmem_kernel_phys = bi->kernel_phys_base;
	image_end = bi->kernel_phys_end;
	if (bi->boot_method == BOOT_METHOD_MULTIBOOT2)
		image_end = (uint64_t)(uintptr_t)__kernel_link_end;

	reserved[n++] = (struct pmm_range){ 0, LOW_MEMORY };
	reserved[n++] = (struct pmm_range){ kmem_kernel_phys, image_end - kmem_kernel_phys };
	for (size_t i = 0; i < extra_count && n < KMEM_MAX_RESERVED - 1; i++)
		reserved[n++] = extra[i];

	kmem_low = find_low_page(map, bi->mmap_count);
	bitmap_bytes = ALIGN_UP(pmm_bitmap_bytes(map, bi->mmap_count, DIRECT_MAP_SIZE), PAGE_SIZE);
	bitmap = find_free_range(map, bi->mmap_count, bitmap_bytes, reserved, n);
	if (!bitmap)
		panic("kmem: no room for a %zu-byte frame bitmap below 4 GiB", bitmap_bytes);
	reserved[n++] = (struct pmm_range){ bitmap, bitmap_bytes };

	if (pmm_init(&kmem_pmm, (uint64_t *)(uintptr_t)bitmap, bitmap_bytes,
		     clip_usable(map, bi->mmap_count), bi->mmap_count, reserved, n))
		panic("kmem: frame allocator refused the memory map");

	ops.ctx = NULL;
	if (pt_init(&kmem_pt, &x86_format, &ops))
		panic("kmem: out of memory for page tables");
	build_direct_map(map, bi->mmap_count);
	map_kernel_image();

	/* NX in our entries needs EFER.NXE (SDM Vol. 3A 4.1.1); PGE keeps global entries. */
	cpu_wrmsr(MSR_IA32_EFER, cpu_rdmsr(MSR_IA32_EFER) | EFER_NXE);
	cpu_write_cr4(cpu_read_cr4() | CR4_PGE);
	cpu_write_cr3(kmem_pt.root);
	kmem_p2v_offset = DIRECT_MAP_BASE;
	kmem_pmm.bitmap = kmem_phys_to_virt(bitmap);
}
