/*
 * The VM manager: the table of VMs, creating one from a definition,
 * stopping it, and finishing it once every vCPU has left its CPU.
 */
#ifndef STRATA_VMM_H
#define STRATA_VMM_H

#include "kernel/vm.h"

enum vm_image_type {
	VM_IMAGE_MULTIBOOT,
	VM_IMAGE_FLAT,
	VM_IMAGE_LINUX,
};

/* A validated definition with its images located in memory. */
struct vm_config {
	const char *name;
	uint64_t memory; /* bytes, multiple of 4 KiB */
	uint32_t vcpus;
	uint32_t cpu_count;          /* physical CPUs to run on ... */
	uint32_t cpus[VM_MAX_VCPUS]; /* ... vCPU i runs on cpus[i % cpu_count] */
	enum vm_image_type type;
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	const char *initrd_name;
	const char *cmdline;
};

/*
 * Allocate, load and start a VM. On failure nothing stays allocated and
 * `why` says what went wrong, naming the field where one is at fault.
 * Boot CPU only (it owns the guest RAM windows). Returns the VM or NULL.
 */
struct vm *vmm_start(const struct vm_config *cfg, char *why, size_t why_len);

/* Ask a VM to stop (any CPU). `reason` NULL keeps vm->stop_reason. */
void vmm_stop(struct vm *vm, const char *reason);

/* A vCPU of a stopping VM leaves its CPU for good (called on that CPU). */
void vmm_vcpu_leave(struct vcpu *vcpu);

/*
 * Boot CPU housekeeping: report and free every VM whose vCPUs have all
 * left. Returns the number of VMs still running or stopping.
 */
uint32_t vmm_reap(void);

#endif
