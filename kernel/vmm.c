/*
 * Creating, stopping and finishing VMs. Guest RAM is a set of 2 MiB
 * chunks of host frames (4 KiB frames for a tail), mapped into the VM's
 * EPT and, contiguously, into the hypervisor's window for that VM slot so
 * the loaders can write the images. Only the boot CPU creates and
 * finishes VMs, so the windows change on one CPU only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/percpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/mm/memlayout.h"
#include "kernel/sched.h"
#include "kernel/vm_arch.h"
#include "kernel/vmm.h"
#include "vmx/loader/bzimage.h"
#include "vmx/loader/flat.h"
#include "vmx/loader/guest_acpi.h"
#include "vmx/loader/multiboot.h"
#include "vmx/vplatform.h"

#define CHUNK_SIZE    PAGE_SIZE_2M
#define LOG_EXIT_LINE 400
#define COM1_BASE     0x3f8

static struct vm vm_table[VM_MAX];
static struct spinlock vmm_lock = SPINLOCK_INIT;

/* Say how many lines the rate left out: at most every VM_LOG_MISSED_US, and at the end. */
static void log_missed(struct vm *vm, uint64_t now_us, bool last)
{
	if (!vm->log_missed || (!last && now_us - vm->log_missed_us < VM_LOG_MISSED_US))
		return;
	log_info("[%s] (%llu lines not logged: more than %d a second; `console %s` shows the last "
		 "%d bytes)",
		 vm->name, (unsigned long long)vm->log_missed, VM_LOG_PER_SECOND, vm->name,
		 VM_CONSOLE_RING);
	vm->log_missed = 0;
	vm->log_missed_us = now_us;
}

/*
 * Serial output of a guest: raw in its ring (for replay), and line by line
 * in the log with anything unprintable replaced, so a guest cannot send
 * escape sequences to the operator's terminal. The log takes a guest's
 * lines at a bounded rate: the serial line is shared by every CPU and
 * slow (115200 baud), and a guest printing without pause must not hold
 * up the hypervisor's own messages or the other VMs'.
 */
static void console_tx(void *ctx, uint8_t byte)
{
	struct vm *vm = ctx;
	uint64_t missed, now;

	ring_put(&vm->console, byte);
	if (!ring_line_put(&vm->line, byte))
		return;
	now = tsc_now_us();
	if (!ratelimit_take(&vm->log_limit, now, &missed))
		return;
	vm->log_missed += missed;
	log_missed(vm, now, false);
	log_info("[%s] %s", vm->name, ring_line_text(&vm->line));
}

static void exit_request(void *ctx, uint32_t code)
{
	struct vm *vm = ctx;

	if (vm->exited)
		return;
	vm->exited = true;
	vm->exit_code = code;
	vmm_stop(vm, "exit port");
}

static void free_memory(struct vm *vm)
{
	if (vm->hva)
		kmem_unmap((uint64_t)(uintptr_t)vm->hva, ALIGN_UP(vm->mem_size, PAGE_SIZE));
	for (uint32_t i = 0; i < vm->chunk_count; i++)
		kmem_free_frames(vm->chunks[i].hpa, vm->chunks[i].size / PAGE_SIZE);
	vm->chunk_count = 0;
	vm->hva = NULL;
}

static int alloc_memory(struct vm *vm, char *why, size_t why_len)
{
	uint64_t window = GUEST_WINDOW_BASE + (uint64_t)vm->id * GUEST_WINDOW_SIZE;
	gpa_t gpa = 0;

	vm->hva = (uint8_t *)(uintptr_t)window; /* unmapped whole on failure */
	while (gpa < vm->mem_size) {
		uint64_t size = vm->mem_size - gpa >= CHUNK_SIZE ? CHUNK_SIZE : vm->mem_size - gpa;
		hpa_t hpa;

		if (vm->chunk_count == VM_MAX_CHUNKS) {
			snprintf(why, why_len, "memory: more than %u MiB is not supported yet",
				 (unsigned)(VM_MAX_CHUNKS * (CHUNK_SIZE >> 20)));
			return -E2BIG;
		}
		hpa = kmem_alloc_frames(size / PAGE_SIZE,
					size == CHUNK_SIZE ? CHUNK_SIZE : PAGE_SIZE, UINT64_MAX);
		if (!hpa) {
			snprintf(why, why_len, "memory: %llu MiB not available (%llu MiB free)",
				 (unsigned long long)(vm->mem_size >> 20),
				 (unsigned long long)(kmem_free_bytes() >> 20));
			return -ENOMEM;
		}
		vm->chunks[vm->chunk_count++] = (struct vm_mem_chunk){ hpa, gpa, size };
		if (kmem_map(window + gpa, hpa, size)) {
			snprintf(why, why_len, "memory: cannot map guest RAM for loading");
			return -ENOMEM;
		}
		gpa += size;
	}
	return 0;
}

static int attach_devices(struct vm *vm)
{
	int err;

	viobus_init(&vm->iobus);
	err = ring_init(&vm->console, vm->console_buf, sizeof(vm->console_buf));
	if (!err)
		err = ring_line_init(&vm->line, vm->line_buf, sizeof(vm->line_buf));
	if (err)
		return err;
	ratelimit_init(&vm->log_limit, VM_LOG_PER_SECOND, VM_LOG_BURST, tsc_now_us());
	vm->log_missed_us = tsc_now_us();
	vuart_init(&vm->uart, console_tx, vm);
	vexit_init(&vm->exitdev, exit_request, vm);
	err = vuart_attach(&vm->iobus, &vm->uart, COM1_BASE);
	if (!err)
		err = vexit_attach(&vm->iobus, &vm->exitdev, VEXIT_DEFAULT_BASE);
	if (!err)
		err = vplat_init(vm);
	return err;
}

/* Linux: ACPI tables first (the zero page points at them), then the kernel. */
static int load_linux(struct vm *vm, const struct vm_config *cfg, char *why, size_t why_len)
{
	struct guest_mem mem = { vm->hva, vm->mem_size };
	struct bz_params p = {
		.image = cfg->kernel,
		.image_size = cfg->kernel_size,
		.initrd = cfg->initrd,
		.initrd_size = cfg->initrd_size,
		.cmdline = cfg->cmdline,
		.acpi_rsdp = GUEST_ACPI_RSDP_ADDR,
	};
	struct bz_entry e;
	enum bz_error err;

	if (guest_acpi_build(&mem, cfg->vcpus)) {
		snprintf(why, why_len, "memory: too small for the ACPI tables");
		return -ENOMEM;
	}
	err = bz_load(&mem, &p, &e);
	if (err) {
		snprintf(why, why_len, "kernel: %s", bz_strerror(err));
		return -EINVAL;
	}
	vm->vcpus[0].boot = (struct vcpu_boot_state){
		.mode = VCPU_MODE_LONG64,
		.rip = e.rip,
		.rsi = e.rsi,
		.rsp = e.rsp,
		.gdtr_base = e.gdt_base,
		.gdtr_limit = e.gdt_limit,
		.cs_sel = e.cs.selector,
		.ds_sel = e.data.selector,
		.cr0 = e.cr0,
		.cr3 = e.cr3,
		.cr4 = e.cr4,
		.efer = e.efer,
	};
	return 0;
}

static int load_image(struct vm *vm, const struct vm_config *cfg, char *why, size_t why_len)
{
	struct guest_mem mem = { vm->hva, vm->mem_size };
	struct vcpu_boot_state *b = &vm->vcpus[0].boot;

	if (cfg->type == VM_IMAGE_LINUX)
		return load_linux(vm, cfg, why, why_len);

	if (cfg->type == VM_IMAGE_FLAT) {
		struct flat_entry e;
		enum flat_error err = flat_load(&mem, cfg->kernel, cfg->kernel_size, &e);

		if (err) {
			snprintf(why, why_len, "kernel: %s", flat_strerror(err));
			return err;
		}
		*b = (struct vcpu_boot_state){ .mode = VCPU_MODE_REAL16,
					       .rip = e.ip,
					       .rsp = e.sp,
					       .rdx = e.dl };
		return 0;
	}

	struct mb_entry e;
	enum mb_error err = mb_load(&mem, cfg->kernel, cfg->kernel_size, cfg->initrd,
				    cfg->initrd_size, cfg->initrd_name, cfg->cmdline, &e);

	if (err) {
		snprintf(why, why_len, "kernel: %s", mb_strerror(err));
		return err;
	}
	*b = (struct vcpu_boot_state){ .mode = VCPU_MODE_PROTECTED32,
				       .rip = e.eip,
				       .rax = e.eax,
				       .rbx = e.ebx,
				       .gdtr_base = e.gdt_base,
				       .gdtr_limit = e.gdt_limit };
	return 0;
}

static struct vm *slot_alloc(void)
{
	struct vm *found = NULL;

	spin_lock(&vmm_lock);
	for (uint32_t i = 0; i < VM_MAX; i++) {
		if (vm_table[i].name[0] == '\0' || vm_table[i].state == VM_STOPPED) {
			found = &vm_table[i];
			memset(found, 0, sizeof(*found));
			found->id = i;
			found->name[0] = '?'; /* taken */
			break;
		}
	}
	spin_unlock(&vmm_lock);
	return found;
}

static void destroy_partial(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		vcpu_arch_destroy(&vm->vcpus[i]);
	vm_arch_destroy(vm);
	free_memory(vm);
	vm->state = VM_STOPPED;
	vm->name[0] = '\0';
}

struct vm *vmm_start(const struct vm_config *cfg, char *why, size_t why_len)
{
	uint64_t start_tsc = cpu_rdtsc(), free_before = kmem_free_bytes();
	struct vm *vm = slot_alloc();

	if (!vm) {
		snprintf(why, why_len, "no free VM slot (at most %d VMs)", VM_MAX);
		return NULL;
	}
	snprintf(vm->name, sizeof(vm->name), "%s", cfg->name);
	vm->mem_size = cfg->memory;
	vm->vcpu_count = cfg->vcpus;
	if (alloc_memory(vm, why, why_len) || load_image(vm, cfg, why, why_len))
		goto fail;
	if (attach_devices(vm)) {
		snprintf(why, why_len, "cannot attach its devices");
		goto fail;
	}
	if (vm_arch_create(vm)) {
		snprintf(why, why_len, "memory: no room for its EPT tables");
		goto fail;
	}
	for (uint32_t i = 0; i < cfg->vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->cpu = cfg->cpus[i % cfg->cpu_count];
		v->state = i == 0 ? VCPU_RUNNABLE : VCPU_WAIT_SIPI;
		if (vcpu_arch_create(v)) {
			snprintf(why, why_len, "memory: no room for vCPU %u", i);
			goto fail;
		}
	}
	vm->vcpus_live = cfg->vcpus;
	vm->state = VM_RUNNING;
	/* For `make bench`: creation time, and allocations besides guest RAM (EPT, VMCS...). */
	log_info("strata: vm %s start tsc=%llu setup_ticks=%llu hypervisor_bytes=%llu", vm->name,
		 (unsigned long long)start_tsc, (unsigned long long)(cpu_rdtsc() - start_tsc),
		 (unsigned long long)(free_before - kmem_free_bytes() - vm->mem_size));
	log_info("strata: vm %s started: %llu MiB, %u vCPU(s) on cpu %u", vm->name,
		 (unsigned long long)(vm->mem_size >> 20), vm->vcpu_count, vm->vcpus[0].cpu);
	for (uint32_t i = 0; i < cfg->vcpus; i++)
		sched_add(&vm->vcpus[i]);
	return vm;
fail:
	destroy_partial(vm);
	return NULL;
}

void vmm_stop(struct vm *vm, const char *reason)
{
	bool first = false;

	spin_lock(&vm->lock);
	if (vm->state == VM_RUNNING) {
		vm->state = VM_STOPPING;
		first = true;
		if (reason && !vm->stop_reason[0])
			snprintf(vm->stop_reason, sizeof(vm->stop_reason), "%s", reason);
	}
	spin_unlock(&vm->lock);
	if (!first)
		return;
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		sched_kick(vm->vcpus[i].cpu);
}

void vmm_vcpu_leave(struct vcpu *vcpu)
{
	vcpu_arch_destroy(vcpu);
	vcpu->state = VCPU_DONE;
	__atomic_fetch_sub(&vcpu->vm->vcpus_live, 1, __ATOMIC_ACQ_REL);
	sched_kick(0); /* the boot CPU reports and frees the VM */
}

/* The VM's exit counters by reason, in exit-reason order: "CPUID=11 HLT=2 ...". */
static void log_exit_counts(const struct vm *vm)
{
	char line[LOG_EXIT_LINE];
	size_t len = 0;

	for (unsigned r = 0; r < VM_EXIT_COUNTERS && len < sizeof(line); r++) {
		const char *name = vm_arch_exit_name(r);

		if (!vm->exits[r])
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s=%llu",
					name ? name : "?", (unsigned long long)vm->exits[r]);
	}
	if (len)
		log_info("strata: vm %s exits:%s", vm->name, line);
}

static void finish(struct vm *vm)
{
	vm->log_missed += vm->log_limit.refused;
	log_missed(vm, tsc_now_us(), true);
	if (ring_line_flush(&vm->line)) /* a last line without its newline */
		log_info("[%s] %s", vm->name, ring_line_text(&vm->line));
	log_exit_counts(vm);
	if (vm->exited)
		log_report("strata: vm %s exited code=%u", vm->name, vm->exit_code);
	else
		log_report("strata: vm %s stopped reason=%s", vm->name,
			   vm->stop_reason[0] ? vm->stop_reason : "unknown");
	vm_arch_destroy(vm);
	free_memory(vm);
	vm->state = VM_STOPPED;
}

uint32_t vmm_reap(void)
{
	uint32_t alive = 0;

	for (uint32_t i = 0; i < VM_MAX; i++) {
		struct vm *vm = &vm_table[i];

		if (vm->state == VM_STOPPING && vm->vcpus_live == 0)
			finish(vm);
		if (vm->state == VM_RUNNING || vm->state == VM_STOPPING)
			alive++;
	}
	return alive;
}
