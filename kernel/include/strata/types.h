/*
 * Address kinds. A host-physical, guest-physical and guest-virtual address
 * are different things; separate typedefs make an API say which it takes.
 */
#ifndef STRATA_TYPES_H
#define STRATA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t hpa_t; /* host-physical address */
typedef uint64_t hva_t; /* host-virtual address (hypervisor mappings) */
typedef uint64_t gpa_t; /* guest-physical address */
typedef uint64_t gva_t; /* guest-virtual address */

#define PAGE_SHIFT   12
#define PAGE_SIZE    4096ULL
#define PAGE_SIZE_2M (2ULL << 20)
#define PAGE_SIZE_1G (1ULL << 30)

#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#endif
