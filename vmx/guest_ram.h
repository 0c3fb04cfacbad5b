/*
 * A vCPU's view of its VM's RAM for the hypervisor's own walks of guest
 * page tables (vmx/gpt.h): MMIO emulation and string I/O. The context of
 * every function is the struct vcpu doing the access.
 */
#ifndef STRATA_GUEST_RAM_H
#define STRATA_GUEST_RAM_H

#include "kernel/vm.h"
#include "vmx/gpt.h"

/* True when [gpa, gpa+len) is all RAM of `vm`. */
bool guest_ram_range(const struct vm *vm, gpa_t gpa, uint64_t len);

/* Copy to or from guest RAM; false if the range is not all RAM. */
bool guest_ram_read(void *vcpu, gpa_t gpa, void *buf, unsigned len);
bool guest_ram_write(void *vcpu, gpa_t gpa, const void *buf, unsigned len);

/* Paging-structure entries, read whole and A/D set atomically as the CPU does. */
bool guest_ram_pt_read(void *vcpu, gpa_t gpa, unsigned size, uint64_t *value);
bool guest_ram_pt_set_bits(void *vcpu, gpa_t gpa, unsigned size, uint64_t bits);

/* The two above as gpt_translate() takes them (ctx: the vCPU). */
extern const struct gpt_mem_ops guest_ram_pt_ops;

#endif
