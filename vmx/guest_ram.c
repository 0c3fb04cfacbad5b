#include <string.h>

#include "vmx/guest_ram.h"

bool guest_ram_range(const struct vm *vm, gpa_t gpa, uint64_t len)
{
	return gpa < vm->mem_size && len <= vm->mem_size - gpa;
}

bool guest_ram_read(void *ctx, gpa_t gpa, void *buf, unsigned len)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	if (!guest_ram_range(vm, gpa, len))
		return false;
	memcpy(buf, vm->hva + gpa, len);
	return true;
}

bool guest_ram_write(void *ctx, gpa_t gpa, const void *buf, unsigned len)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	if (!guest_ram_range(vm, gpa, len))
		return false;
	memcpy(vm->hva + gpa, buf, len);
	return true;
}

/* Entries are read once, whole: another vCPU may be changing them. */
bool guest_ram_pt_read(void *ctx, gpa_t gpa, unsigned size, uint64_t *value)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	if (!guest_ram_range(vm, gpa, size) || (gpa & (size - 1)))
		return false;
	if (size == 4)
		*value = __atomic_load_n((uint32_t *)(vm->hva + gpa), __ATOMIC_RELAXED);
	else
		*value = __atomic_load_n((uint64_t *)(vm->hva + gpa), __ATOMIC_RELAXED);
	return true;
}

/* A and D as the CPU sets them: a locked OR (SDM Vol. 3A 4.8). */
bool guest_ram_pt_set_bits(void *ctx, gpa_t gpa, unsigned size, uint64_t bits)
{
	struct vm *vm = ((struct vcpu *)ctx)->vm;

	if (!guest_ram_range(vm, gpa, size) || (gpa & (size - 1)))
		return false;
	if (size == 4)
		__atomic_fetch_or((uint32_t *)(vm->hva + gpa), (uint32_t)bits, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_or((uint64_t *)(vm->hva + gpa), bits, __ATOMIC_SEQ_CST);
	return true;
}

const struct gpt_mem_ops guest_ram_pt_ops = { .read = guest_ram_pt_read,
					      .set_bits = guest_ram_pt_set_bits };
