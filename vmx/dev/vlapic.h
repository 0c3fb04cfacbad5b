/*
 * Emulated local APIC, one per vCPU: the xAPIC register page and the
 * x2APIC MSR view of Intel SDM Vol. 3A chapter 11 "Advanced Programmable
 * Interrupt Controller (APIC)". Section numbers below are that chapter's.
 *
 *	offset  x2APIC MSR  register (Table 11-1, Table 11-6)
 *	0x020   0x802       local APIC ID           (x2APIC: read-only)
 *	0x030   0x803       version                 read-only
 *	0x080   0x808       TPR  task priority
 *	0x090   -           APR  arbitration priority, read-only
 *	0x0a0   0x80a       PPR  processor priority, read-only
 *	0x0b0   0x80b       EOI                     write-only
 *	0x0c0   -           RRD  remote read, read-only
 *	0x0d0   0x80d       LDR  logical destination (x2APIC: read-only, derived)
 *	0x0e0   -           DFR  destination format
 *	0x0f0   0x80f       SVR  spurious interrupt vector
 *	0x100   0x810-817   ISR  in-service, 8 x 32 bits, read-only
 *	0x180   0x818-81f   TMR  trigger mode, read-only
 *	0x200   0x820-827   IRR  interrupt request, read-only
 *	0x280   0x828       ESR  error status
 *	0x300   0x830       ICR  interrupt command (x2APIC: one 64-bit MSR)
 *	0x310   -           ICR high half (destination)
 *	0x320   0x832       LVT timer
 *	0x330   0x833       LVT thermal sensor
 *	0x340   0x834       LVT performance monitoring counters
 *	0x350   0x835       LVT LINT0
 *	0x360   0x836       LVT LINT1
 *	0x370   0x837       LVT error
 *	0x380   0x838       timer initial count
 *	0x390   0x839       timer current count, read-only
 *	0x3e0   0x83e       timer divide configuration
 *	-       0x83f       SELF IPI                write-only
 *
 * What the model does and does not do:
 * - Version 0x14 with six LVT entries (no CMCI, so 0x2f0/0x82f are
 *   reserved) and no EOI-broadcast suppression (SVR bit 12 reserved).
 * - IPIs and interrupts are delivered at once: the delivery status bits
 *   of the ICR and the LVT entries always read 0 (idle).
 * - Fixed and lowest-priority interrupts go through IRR/ISR with the
 *   priority rules of 11.8. NMI, SMI and INIT from the LVT become events
 *   for the owner (vlapic_take_events()); ExtINT on LINT0 is a level the
 *   owner polls (vlapic_extint_pending()) before asking the 8259 for its
 *   vector. IPIs to other APICs go to the owner's send_ipi callback,
 *   decoded; vlapic_ipi_matches() tells which APICs a decoded IPI reaches.
 * - Lowest-priority delivery is not arbitrated: the owner delivers it as
 *   fixed to the first APIC that matches (struct vlapic_ipi.first_match).
 * - The timer counts an injected clock, never the hardware's: every call
 *   that depends on time takes `now`, the vCPU's guest TSC (host TSC plus
 *   the VM's offset). The timer's input clock runs at a configured
 *   frequency; the owner arms a host timer for vlapic_timer_next_deadline()
 *   and calls vlapic_tick() when it expires.
 * - Guest writes to IA32_APIC_BASE change only this model (11.4.4,
 *   11.12.5); the physical local APIC is never touched.
 * - The thermal and performance-monitoring LVTs are stored but have no
 *   source: the vCPU has no thermal sensor or PMU interrupt.
 *
 * Pure logic: no allocation, no hardware, no locking. The owner
 * serialises all calls on one APIC; calls on different APICs may come
 * from callbacks of this one (an IPI to another vCPU, an EOI reaching the
 * IOAPIC that re-delivers to this APIC), so a callback may call back into
 * any APIC, this one included: the model makes its callbacks last, after
 * its own state is consistent.
 */
#ifndef STRATA_VMX_DEV_VLAPIC_H
#define STRATA_VMX_DEV_VLAPIC_H

#include "kernel/include/strata/types.h"

#define VLAPIC_DEFAULT_BASE 0xfee00000ULL /* 11.4.1 "default physical address" */
#define VLAPIC_MMIO_SIZE    0x1000

/* Register offsets in the xAPIC page (Table 11-1). */
#define VLAPIC_REG_ID          0x020
#define VLAPIC_REG_VERSION     0x030
#define VLAPIC_REG_TPR         0x080
#define VLAPIC_REG_APR         0x090
#define VLAPIC_REG_PPR         0x0a0
#define VLAPIC_REG_EOI         0x0b0
#define VLAPIC_REG_RRD         0x0c0
#define VLAPIC_REG_LDR         0x0d0
#define VLAPIC_REG_DFR         0x0e0
#define VLAPIC_REG_SVR         0x0f0
#define VLAPIC_REG_ISR         0x100 /* 8 registers, 0x10 apart */
#define VLAPIC_REG_TMR         0x180
#define VLAPIC_REG_IRR         0x200
#define VLAPIC_REG_ESR         0x280
#define VLAPIC_REG_LVT_CMCI    0x2f0 /* not implemented: reserved here */
#define VLAPIC_REG_ICR_LO      0x300
#define VLAPIC_REG_ICR_HI      0x310
#define VLAPIC_REG_LVT_TIMER   0x320
#define VLAPIC_REG_LVT_THERMAL 0x330
#define VLAPIC_REG_LVT_PERF    0x340
#define VLAPIC_REG_LVT_LINT0   0x350
#define VLAPIC_REG_LVT_LINT1   0x360
#define VLAPIC_REG_LVT_ERROR   0x370
#define VLAPIC_REG_TIMER_ICR   0x380 /* initial count */
#define VLAPIC_REG_TIMER_CCR   0x390 /* current count */
#define VLAPIC_REG_TIMER_DCR   0x3e0 /* divide configuration */
#define VLAPIC_REG_SELF_IPI    0x3f0 /* x2APIC only (11.12.11) */

/* MSRs (SDM Vol. 4 and 11.12.1.2: MSR = 0x800 + offset / 16). */
#define VLAPIC_MSR_APIC_BASE    0x01b
#define VLAPIC_MSR_TSC_DEADLINE 0x6e0
#define VLAPIC_MSR_X2APIC_FIRST 0x800
#define VLAPIC_MSR_X2APIC_LAST  0x8ff
#define VLAPIC_MSR_ICR          0x830

/* IA32_APIC_BASE (11.4.4, Figure 11-5). */
#define VLAPIC_BASE_BSP  (1ULL << 8)
#define VLAPIC_BASE_EXTD (1ULL << 10) /* x2APIC mode */
#define VLAPIC_BASE_EN   (1ULL << 11) /* APIC global enable */
#define VLAPIC_BASE_ADDR 0xfffffffffffff000ULL

#define VLAPIC_VERSION 0x00050014 /* version 0x14, max LVT entry 5 (11.4.8) */

/* SVR (11.9, Figure 11-23). */
#define VLAPIC_SVR_ENABLE 0x100 /* APIC software enable */

/* LVT bits (11.5.1, Figure 11-8). */
#define VLAPIC_LVT_VECTOR         0x000ff
#define VLAPIC_LVT_DM_SHIFT       8
#define VLAPIC_LVT_DM_MASK        0x00700
#define VLAPIC_LVT_STATUS         0x01000 /* delivery status: always idle here */
#define VLAPIC_LVT_POLARITY       0x02000 /* LINT: active low (stored only) */
#define VLAPIC_LVT_REMOTE_IRR     0x04000 /* LINT: level interrupt in service */
#define VLAPIC_LVT_LEVEL          0x08000 /* LINT: level-triggered */
#define VLAPIC_LVT_MASKED         0x10000
#define VLAPIC_LVT_TIMER_MODE     0x60000 /* bits 18:17 */
#define VLAPIC_TIMER_ONESHOT      0x00000
#define VLAPIC_TIMER_PERIODIC     0x20000
#define VLAPIC_TIMER_TSC_DEADLINE 0x40000

/* ICR (11.6.1, Figure 11-12; x2APIC: Figure 11-28). */
#define VLAPIC_ICR_VECTOR     0x000ff
#define VLAPIC_ICR_DM_SHIFT   8
#define VLAPIC_ICR_LOGICAL    0x00800
#define VLAPIC_ICR_STATUS     0x01000
#define VLAPIC_ICR_ASSERT     0x04000
#define VLAPIC_ICR_LEVEL      0x08000
#define VLAPIC_ICR_SH_SHIFT   18
#define VLAPIC_ICR_DEST_SHIFT 56 /* xAPIC: ICR high bits 31:24 */

/* ESR bits (11.5.3, Figure 11-9). */
#define VLAPIC_ESR_SEND_ILLEGAL_VECTOR 0x20
#define VLAPIC_ESR_RECV_ILLEGAL_VECTOR 0x40
#define VLAPIC_ESR_ILLEGAL_REG_ADDRESS 0x80

/* Delivery modes of the ICR and LVT entries (11.6.1, 11.5.1). */
enum vlapic_delivery {
	VLAPIC_DM_FIXED = 0,
	VLAPIC_DM_LOWEST = 1,
	VLAPIC_DM_SMI = 2,
	VLAPIC_DM_NMI = 4,
	VLAPIC_DM_INIT = 5,
	VLAPIC_DM_SIPI = 6,   /* ICR only */
	VLAPIC_DM_EXTINT = 7, /* LVT only */
};

/* ICR destination shorthand, bits 19:18 (11.6.1). */
enum vlapic_shorthand {
	VLAPIC_SH_NONE = 0,
	VLAPIC_SH_SELF = 1,
	VLAPIC_SH_ALL = 2,    /* all including self */
	VLAPIC_SH_OTHERS = 3, /* all excluding self */
};

/* LVT entries, in register order. */
enum vlapic_lvt {
	VLAPIC_LVT_TIMER,
	VLAPIC_LVT_THERMAL,
	VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0,
	VLAPIC_LVT_LINT1,
	VLAPIC_LVT_ERROR,
	VLAPIC_LVT_COUNT
};

/* Events the owner takes with vlapic_take_events() (edge-triggered, 11.5.1). */
#define VLAPIC_EVENT_NMI  0x1 /* from LINT0/1, the perf or thermal LVT */
#define VLAPIC_EVENT_SMI  0x2
#define VLAPIC_EVENT_INIT 0x4

/* APIC mode from IA32_APIC_BASE EN and EXTD (11.12.5, Figure 11-27). */
enum vlapic_mode {
	VLAPIC_MODE_DISABLED, /* EN=0: no APIC, LINT0/LINT1 are INTR/NMI */
	VLAPIC_MODE_XAPIC,    /* EN=1 EXTD=0: MMIO page */
	VLAPIC_MODE_X2APIC,   /* EN=1 EXTD=1: MSRs 0x800-0x8ff */
};

/* The outcome of a guest register access. */
enum vlapic_status {
	VLAPIC_OK,         /* done; a read's value is in *value */
	VLAPIC_BAD_ACCESS, /* MMIO not 32 bits wide and 4-byte aligned: nothing done */
	VLAPIC_NOT_MAPPED, /* MMIO while not in xAPIC mode: the page is not the APIC's */
	VLAPIC_GP,         /* MSR access that raises #GP(0): inject it */
};

#define VLAPIC_NO_DEADLINE UINT64_MAX

struct vlapic;

/*
 * An IPI from an ICR write, decoded (11.6.1). `dest` is 32 bits when the
 * sender is in x2APIC mode (`wide`), else the 8 bits of ICR[63:56].
 * Lowest priority arrives as VLAPIC_DM_FIXED with `first_match` set:
 * the owner delivers it to the first APIC that matches. `trigger_level`
 * and `vector` matter for fixed IPIs (vlapic_accept()); `vector` is the
 * start-up page for SIPI.
 */
struct vlapic_ipi {
	const struct vlapic *source;
	uint32_t dest;
	uint8_t vector;
	enum vlapic_delivery mode; /* FIXED, SMI, NMI, INIT or SIPI */
	enum vlapic_shorthand shorthand;
	bool logical;
	bool wide;
	bool trigger_level;
	bool first_match;
};

/*
 * The owner's hooks; either may be NULL.
 * - send_ipi: the guest wrote the ICR. Called for every IPI except a
 *   fixed one to the sender alone (Self shorthand, x2APIC SELF IPI), which
 *   the model accepts itself. The owner delivers to each APIC for which
 *   vlapic_ipi_matches() is true: vlapic_accept() for FIXED, its vCPU's
 *   NMI, SMI, INIT (vlapic_init_reset() and wait-for-SIPI) or SIPI handling
 *   for the others.
 * - eoi_level: the guest ended a level-triggered interrupt; the owner
 *   broadcasts the EOI to the IOAPICs (vioapic_eoi(), 11.8.5).
 */
struct vlapic_ops {
	void (*send_ipi)(void *ctx, struct vlapic *source, const struct vlapic_ipi *ipi);
	void (*eoi_level)(void *ctx, struct vlapic *lapic, uint8_t vector);
};

/* Fixed at vlapic_init(). */
struct vlapic_config {
	uint32_t apic_id;  /* initial APIC ID (CPUID); 0xffffffff is invalid */
	bool bsp;          /* IA32_APIC_BASE.BSP */
	bool x2apic;       /* CPUID.1:ECX.x2APIC[21] offered to the guest */
	bool tsc_deadline; /* CPUID.1:ECX.TSC_Deadline[24] offered */
	/*
	 * Reset LINT0 to ExtINT and LINT1 to NMI, unmasked: the "virtual wire
	 * mode" a PC BIOS leaves the boot CPU in (MP Spec 1.4, 3.6.2.2), so a
	 * guest that never touches its APIC still gets the 8259's interrupts.
	 */
	bool virtual_wire;
	uint8_t maxphyaddr; /* physical address bits (reserved-bit check); 0: 36 */
	uint64_t tsc_hz;    /* frequency of `now` */
	uint64_t timer_hz;  /* the timer's input clock before the divider */
};

/* One local APIC. Fields are the model's state: read them, change them only through the API. */
struct vlapic {
	struct vlapic_config cfg;
	const struct vlapic_ops *ops;
	void *ctx;

	uint64_t apic_base; /* IA32_APIC_BASE */
	uint32_t id;        /* xAPIC ID register (bits 31:24) */
	uint32_t tpr;
	uint32_t ldr; /* xAPIC; x2APIC derives it from the ID */
	uint32_t dfr;
	uint32_t svr;
	uint32_t irr[8], isr[8], tmr[8]; /* bit v%32 of word v/32 is vector v */
	uint32_t esr;                    /* as the guest reads it */
	uint32_t esr_pending;            /* errors since the last ESR write */
	uint64_t icr;                    /* xAPIC: low | high << 32; x2APIC: the MSR */
	uint32_t lvt[VLAPIC_LVT_COUNT];
	bool lint[2]; /* LINT0/LINT1 input asserted */
	uint32_t events;

	/* Timer (11.5.4). */
	uint32_t timer_initial;
	uint32_t timer_dcr;
	uint64_t tsc_deadline; /* IA32_TSC_DEADLINE; 0 = disarmed */
	bool timer_armed;      /* one-shot/periodic count in progress */
	uint64_t timer_base;   /* TSC at which the count was timer_base_count */
	uint32_t timer_base_count;
	uint64_t timer_next; /* TSC of the next expiry while armed */

	/* Statistics. */
	uint64_t accepted;  /* fixed interrupts set in IRR */
	uint64_t delivered; /* vectors moved to ISR by vlapic_ack() */
	uint64_t eois;
	uint64_t ipis;         /* ICR writes that sent something */
	uint64_t ipis_dropped; /* INIT de-assert, reserved modes, illegal vectors */
	uint64_t timer_fired;
	uint64_t timer_missed; /* periodic expiries coalesced into one */
	uint64_t errors;       /* ESR bits recorded */
};

/*
 * Set up `l` for `cfg` and apply the power-up reset. Returns 0, or
 * -EINVAL for an APIC ID of 0xffffffff, a zero tsc_hz or timer_hz, or a
 * maxphyaddr outside 32..52. `ops` (may be NULL) and `ctx` must outlive
 * `l`.
 */
int vlapic_init(struct vlapic *l, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
		void *ctx);

/*
 * Power-up or RESET (11.4.7.1): IA32_APIC_BASE back to 0xfee00000 with
 * EN (and BSP), xAPIC mode, every register at its reset value, the
 * timer stopped, events dropped. Statistics are kept.
 */
void vlapic_reset(struct vlapic *l);

/*
 * INIT (11.4.7.3): as vlapic_reset() but the APIC ID, IA32_APIC_BASE and
 * so the mode are kept. The owner calls it when its vCPU takes an INIT.
 */
void vlapic_init_reset(struct vlapic *l);

enum vlapic_mode vlapic_mode(const struct vlapic *l);

/* Guest-physical address of the xAPIC page (meaningful in xAPIC mode). */
gpa_t vlapic_mmio_base(const struct vlapic *l);

/*
 * A guest read or write of `size` bytes at `offset` into the APIC page
 * (offset < VLAPIC_MMIO_SIZE). Only 4-byte aligned 32-bit accesses are
 * done (11.4.1: "All 32-bit registers should be accessed using 128-bit
 * aligned 32-bit loads or stores"); the bytes at offsets 4-15 of each
 * 16-byte slot read 0 and ignore writes. A reserved register reads 0,
 * ignores writes and sets ESR "Illegal Register Address". Returns
 * VLAPIC_OK, VLAPIC_BAD_ACCESS or VLAPIC_NOT_MAPPED (then nothing was
 * done and the owner treats the access as one to no device).
 */
enum vlapic_status vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned size,
				    uint32_t *value, uint64_t now);
enum vlapic_status vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned size,
				     uint32_t value, uint64_t now);

/* True for the MSRs vlapic_msr_read/write handle: APIC base, TSC deadline, 0x800-0x8ff. */
bool vlapic_msr_handled(uint32_t msr);

/*
 * RDMSR/WRMSR of a handled MSR. Returns VLAPIC_OK or VLAPIC_GP: x2APIC
 * MSRs outside x2APIC mode (11.12.2), reserved or absent registers (APR,
 * DFR, ICR high...), reads of write-only and writes of read-only
 * registers, and writes that set reserved bits (11.12.1.3); IA32_APIC_BASE
 * writes with reserved bits or an illegal mode transition (11.12.5);
 * IA32_TSC_DEADLINE when the CPU does not offer it.
 */
enum vlapic_status vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *value, uint64_t now);
enum vlapic_status vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t value, uint64_t now);

/*
 * A fixed interrupt `vector` arrives (from an IPI, the IOAPIC, an LVT):
 * set IRR, and TMR when `trigger_level` (11.8.4). Returns false, with
 * nothing set, when the APIC is disabled (globally, or by SVR: 11.4.7.2)
 * or the vector is 0-15 (then ESR "Receive Illegal Vector", 11.5.2).
 * A vector already in IRR is merged.
 */
bool vlapic_accept(struct vlapic *l, uint8_t vector, bool trigger_level);

/*
 * The vector the vCPU would take now: the highest in IRR whose priority
 * class (bits 7:4) is above PPR's (11.8.3.1), or -1. Does not look at
 * RFLAGS.IF or interrupt shadows: that is the owner's part.
 */
int vlapic_pending_vector(const struct vlapic *l);

/*
 * The vCPU takes its pending interrupt: the vector moves from IRR to ISR
 * and is returned for injection; -1 when none is pending.
 */
int vlapic_ack(struct vlapic *l);

/* Processor priority (11.8.3.1) and task priority (CR8 is TPR[7:4]). */
uint8_t vlapic_ppr(const struct vlapic *l);
uint8_t vlapic_tpr(const struct vlapic *l);
void vlapic_set_tpr(struct vlapic *l, uint8_t tpr);

/*
 * Timer: the guest TSC at which vlapic_tick() next has something to do,
 * or VLAPIC_NO_DEADLINE (timer stopped, masked, or APIC disabled).
 */
uint64_t vlapic_timer_next_deadline(const struct vlapic *l);

/*
 * Fire what is due at `now`: a one-shot count that reached 0, a periodic
 * one (several elapsed periods give one interrupt), a TSC deadline
 * passed. Safe to call at any time, early or late.
 */
void vlapic_tick(struct vlapic *l, uint64_t now);

/*
 * Level of the LINT0 (pin 0) or LINT1 (pin 1) input: true when its
 * source asserts it (the polarity bit is stored only, as every source
 * here reports assertion rather than voltage). Edge-triggered LVTs fire
 * on false -> true; a level-triggered fixed LINT0 fires while asserted
 * and its remote IRR is clear. When the APIC is globally disabled, LINT1
 * is the CPU's NMI pin.
 */
void vlapic_set_lint(struct vlapic *l, unsigned pin, bool asserted);

/*
 * True when the vCPU should take an interrupt from the 8259: LINT0
 * asserted with its LVT unmasked in ExtINT mode (always level, 11.5.1),
 * or the APIC globally disabled (LINT0 is then INTR).
 */
bool vlapic_extint_pending(const struct vlapic *l);

/* The VLAPIC_EVENT_* bits raised since the last call, cleared. */
uint32_t vlapic_take_events(struct vlapic *l);

/*
 * Whether an APIC in `l`'s state is a destination of `dest` (11.6.2):
 * physical (APIC ID) or logical (LDR; flat or cluster by DFR in xAPIC
 * mode, cluster << 16 | bit in x2APIC mode, 11.12.10), broadcast all-ones.
 * `wide` says `dest` is a 32-bit x2APIC destination, else 8 bits (an
 * xAPIC sender or the IOAPIC). A globally disabled APIC matches nothing;
 * a software-disabled one still matches (INIT and SIPI reach it).
 */
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical, bool wide);

/* Whether `ipi` reaches `target`, with its shorthand (11.6.2.3). */
bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic_ipi *ipi);

#endif
