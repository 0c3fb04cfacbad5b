/*
 * Extended page tables: a VM's guest-physical address space (SDM Vol. 3C
 * 29.3 "The Extended Page Table Mechanism"). Built with the generic
 * kernel/mm/pagetable.c in the EPT entry format; only the VM's own RAM
 * chunks are ever mapped, so nothing of the hypervisor or of another VM
 * is reachable from the guest.
 */
#ifndef STRATA_EPT_H
#define STRATA_EPT_H

#include "kernel/mm/pagetable.h"

/* EPT entry bits (SDM Vol. 3C 29.3.2, Tables 29-1 ff.). */
#define EPT_READ  (1ULL << 0)
#define EPT_WRITE (1ULL << 1)
#define EPT_EXEC  (1ULL << 2)
#define EPT_RWX   (EPT_READ | EPT_WRITE | EPT_EXEC)
#define EPT_MT_WB (6ULL << 3) /* memory type of a leaf */

struct ept {
	struct pagetable pt;
	uint64_t eptp; /* the EPT pointer VM-execution field */
};

/* An empty EPT. Returns 0 or -ENOMEM. */
int ept_create(struct ept *ept);
/* Map guest-physical [gpa, gpa+size) to host [hpa, ...) as write-back RAM. */
int ept_map_ram(struct ept *ept, gpa_t gpa, hpa_t hpa, uint64_t size);
/* Free every table of the EPT (the mapped RAM is the caller's). */
void ept_destroy(struct ept *ept);

#endif
