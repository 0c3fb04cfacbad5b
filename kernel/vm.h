/*
 * Virtual machines as the kernel sees them: generic state, lifecycle and
 * accounting. What is VT-x specific lives behind the arch hooks of
 * kernel/vm_arch.h, implemented in vmx/.
 *
 * Lifecycle (this version): DEFINED -> RUNNING -> STOPPED. A VM stops when
 * its guest asks (test-exit port), misbehaves beyond repair (triple fault,
 * access outside its RAM, failed VM entry) or can never run again (every
 * vCPU halted with interrupts disabled). Stopping one VM never affects
 * another or the hypervisor.
 */
#ifndef STRATA_VM_H
#define STRATA_VM_H

#include "kernel/include/strata/types.h"
#include "kernel/lib/ratelimit.h"
#include "kernel/lib/ring.h"
#include "kernel/spinlock.h"
#include "vmx/dev/vexit.h"
#include "vmx/dev/vioapic.h"
#include "vmx/dev/viobus.h"
#include "vmx/dev/vlapic.h"
#include "vmx/dev/vpci.h"
#include "vmx/dev/vpic.h"
#include "vmx/dev/vpit.h"
#include "vmx/dev/vrtc.h"
#include "vmx/dev/vuart.h"

#define VM_MAX           16
#define VM_NAME_MAX      32
#define VM_MAX_VCPUS     16
#define VM_CONSOLE_RING  4096 /* bytes of guest serial output kept per VM */
#define VM_EXIT_COUNTERS 80   /* one per basic exit reason (vmx: 65), with room */
#define VM_LINE_MAX      160
/* Guest serial lines copied to the host log: a burst, then a rate (the rest stay in the ring). */
#define VM_LOG_BURST      500
#define VM_LOG_PER_SECOND 50
#define VM_LOG_MISSED_US  5000000 /* at most one "lines not logged" line per 5 s */

enum vm_state {
	VM_DEFINED = 0,
	VM_RUNNING,
	VM_STOPPING, /* asked to stop; vCPUs are leaving their CPUs */
	VM_STOPPED,
};

enum vcpu_state {
	VCPU_RUNNABLE = 0,
	VCPU_HALTED,    /* HLT: waits for an interrupt */
	VCPU_WAIT_SIPI, /* an application processor before its start-up IPI */
	VCPU_DONE,      /* left its CPU for good */
};

/* How a vCPU starts (filled by the guest loaders). */
enum vcpu_mode {
	VCPU_MODE_REAL16,      /* flat binaries: CS:IP = 0:rip */
	VCPU_MODE_PROTECTED32, /* multiboot: flat 32-bit segments, paging off */
	VCPU_MODE_LONG64,      /* Linux: 64-bit code segment, paging on (cr0/cr3/cr4/efer) */
};

struct vcpu_boot_state {
	enum vcpu_mode mode;
	uint16_t cs_selector; /* real mode: CS (base = selector << 4) */
	uint64_t rip, rsp, rax, rbx, rdx;
	uint64_t rsi;
	uint64_t gdtr_base; /* protected and long mode: the GDT the loader built */
	uint16_t gdtr_limit;
	uint16_t cs_sel, ds_sel;      /* protected and long mode selectors */
	uint64_t cr0, cr3, cr4, efer; /* long mode only */
};

struct vmx_vcpu; /* arch state, vmx/vmx_vcpu.h */
struct vmx_vm;

struct vcpu {
	struct vm *vm;
	struct vlapic lapic;
	volatile bool nmi_pending;
	volatile bool irq_check;    /* devices changed: look for an interrupt before entering */
	volatile bool init_pending; /* INIT received: reset, then wait for SIPI */
	volatile bool halt_noirq;   /* halted with interrupts disabled */
	uint32_t id;                /* 0 = boot vCPU */
	uint32_t cpu;               /* physical CPU index it is pinned to */
	volatile uint32_t state;    /* enum vcpu_state */
	struct vcpu *next_on_cpu;   /* run queue link */
	struct vcpu_boot_state boot;
	uint64_t run_ticks; /* TSC ticks spent in the guest and its exits, this run */
	struct vmx_vcpu *arch;
};

struct vm_mem_chunk {
	hpa_t hpa;
	gpa_t gpa;
	uint64_t size;
};

#define VM_MAX_CHUNKS 512 /* 2 MiB chunks: 1 GiB; larger VMs use larger chunks */

struct vm {
	char name[VM_NAME_MAX];
	uint32_t id;
	volatile uint32_t state; /* enum vm_state */
	struct spinlock lock;

	/* Guest RAM: chunks of host frames, mapped contiguously for the hypervisor at `hva`. */
	uint64_t mem_size;
	uint8_t *hva;
	uint32_t chunk_count;
	struct vm_mem_chunk chunks[VM_MAX_CHUNKS];

	uint32_t vcpu_count;
	struct vcpu vcpus[VM_MAX_VCPUS];
	volatile uint32_t vcpus_live; /* vCPUs not yet VCPU_DONE */

	/* Devices (vmx/vplatform.c wires them; one lock serialises them all). */
	struct spinlock dev_lock;
	struct viobus iobus;
	struct vuart uart;
	struct vexit exitdev;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vioapic ioapic;
	struct vpci pci;
	bool uart_irq; /* the UART's interrupt line as last routed */
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint64_t clock_base; /* TSC when the VM started: its clocks count from here */

	/* Serial output: a replay ring and the line being assembled for the log. */
	struct ring console;
	uint8_t console_buf[VM_CONSOLE_RING];
	struct ring_line line;
	char line_buf[VM_LINE_MAX];
	struct ratelimit log_limit;
	uint64_t log_missed;    /* lines left out of the log, not yet reported */
	uint64_t log_missed_us; /* when that was last reported */

	/* How it ended. */
	bool exited; /* through the exit port, with exit_code */
	uint32_t exit_code;
	char stop_reason[96];

	uint64_t exits[VM_EXIT_COUNTERS];
	struct vmx_vm *arch;
};

#endif
