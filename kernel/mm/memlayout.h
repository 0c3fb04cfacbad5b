/*
 * The hypervisor's virtual memory layout (x86-64, 4-level paging, 48-bit):
 *
 *   0x0000000000000000 - 0x00007fffffffffff  unmapped (NULL and user half)
 *   0xffff800000000000 - 0xffffbfffffffffff  direct map: hpa + DIRECT_MAP_BASE,
 *                                             RAM write-back, device MMIO uncached
 *   0xffffc00000000000 - 0xffffcfffffffffff  guest RAM windows: VM slot N's RAM,
 *                                             mapped contiguously at
 *                                             GUEST_WINDOW_BASE + N * GUEST_WINDOW_SIZE
 *   0xffffffff80000000 -                      kernel image: KERNEL_VIRT_BASE +
 *                                             KERNEL_LINK_PHYS maps kernel_phys_base
 *
 * Guests never see any of it: their memory is described by EPT alone.
 * Until kmem_init() switches to the hypervisor's own tables the boot
 * tables also identity-map 0-4 GiB (boot_info.h), which the early code
 * uses to read boot data.
 */
#ifndef STRATA_MEMLAYOUT_H
#define STRATA_MEMLAYOUT_H

#define DIRECT_MAP_BASE   0xffff800000000000ULL
#define DIRECT_MAP_SIZE   (64ULL << 40) /* 64 TiB of physical address space */
#define GUEST_WINDOW_BASE 0xffffc00000000000ULL
#define GUEST_WINDOW_SIZE (1ULL << 40) /* the most RAM one VM can have */

#endif
