// SPDX-License-Identifier: MIT
/*
 * apic.elf: the local APIC of the (only) vCPU (Intel SDM Vol. 3A chapter
 * 11, section numbers below are that chapter's).
 *
 * xAPIC mode through the MMIO page at 0xfee00000: IA32_APIC_BASE, the ID
 * and version registers, software enable through the SVR, TPR read/write
 * and the PPR it gives (11.8.3.1); the timer (11.5.4) calibrated against
 * the TSC, in one-shot mode (one interrupt, the current count ends at 0,
 * not before its time, ISR set in the handler and cleared by EOI), in
 * periodic mode (N interrupts, the current count decreases, writing 0 to
 * the initial count stops it), masked (counts down, no interrupt), and in
 * TSC-deadline mode (11.5.4.1) when CPUID.1:ECX[24] says so;
 * self-IPIs through the ICR (11.6.1) by destination and by shorthand, and
 * an all-excluding-self IPI that reaches nobody; TPR blocking an
 * interrupt of its priority class until lowered. Then, when CPUID.1:ECX[21]
 * offers x2APIC, the same through MSRs (11.12): enable with
 * IA32_APIC_BASE bit 10, ID, version, derived LDR, state kept, TPR, SELF
 * IPI, ICR, timer, #GP on a register that does not exist in x2APIC mode,
 * on a write to the read-only ID and on the x2APIC -> xAPIC transition.
 * Last, a one-shot must end a HLT (with IF=1): that check cannot be
 * bounded, so a platform that never wakes the vCPU hangs there.
 *
 * Every check is generic: bare QEMU and Strata must agree. The 8259s are
 * reprogrammed to vectors 0x20-0x2f and masked first, and every wait is a
 * TSC budget from lib/timer.h, so a missing interrupt is a FAIL, never a
 * hang (except the HLT check, last and only once the timer was seen to
 * work).
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "irq.h"
#include "msr.h"
#include "pic.h"
#include "test.h"
#include "timer.h"
#include "try.h"

#define VEC_ONESHOT   0x40
#define VEC_PERIODIC  0x41
#define VEC_DEADLINE  0x42
#define VEC_MASKED    0x43
#define VEC_IPI_DEST  0x50
#define VEC_IPI_SELF  0x51
#define VEC_IPI_OTHER 0x52
#define VEC_TPR       0x65 /* priority class 6 */
#define VEC_X2_SELF   0x70
#define VEC_X2_ICR    0x71
#define VEC_X2_TIMER  0x72
#define VEC_SPURIOUS  0xff

#define PERIODIC_TICKS 10 /* periods counted in periodic mode */
#define PERIODIC_MS    2  /* its period */

const char guest_name[] = "apic";

/* What the handler saw at its last interrupt on each vector. */
static volatile uint64_t hit_tsc[IRQ_VECTORS];
static volatile uint32_t hit_ppr[IRQ_VECTORS];
static volatile bool hit_isr[IRQ_VECTORS];

static volatile uint32_t spurious_count; /* never reset */
static uint32_t apic_ticks_per_ms;       /* timer clock with divide-by-1 */
static bool oneshot_ok;

static void apic_handler(unsigned int v)
{
	hit_tsc[v] = rdtsc();
	hit_ppr[v] = apic_read(APIC_PPR);
	hit_isr[v] = apic_vector_bit(APIC_ISR, v);
	apic_eoi();
}

/* The spurious vector sets no ISR bit and takes no EOI (11.9). */
static void apic_spurious(unsigned int v)
{
	spurious_count++;
}

/* Interrupts still in the IRR are taken, then the counters start at 0. */
static void apic_drain(void)
{
	sti();
	timer_delay_us(100);
	cli();
	irq_reset_counts();
}

static uint64_t ms_to_tsc(uint32_t ms)
{
	return timer_us_to_tsc(ms * 1000);
}

static void apic_check_base(void)
{
	uint32_t base = (uint32_t)rdmsr(MSR_IA32_APIC_BASE);

	test_check((base & (APIC_BASE_EN | APIC_BASE_BSP | APIC_BASE_EXTD)) ==
				   (APIC_BASE_EN | APIC_BASE_BSP) &&
			   (base & APIC_BASE_ADDR) == APIC_DEFAULT_PHYS,
		   "apic_base_msr", "IA32_APIC_BASE=%#x, want EN, BSP, xAPIC, base %#x", base,
		   APIC_DEFAULT_PHYS);
}

static void apic_check_registers(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t id = apic_read(APIC_ID), ver = apic_read(APIC_VERSION), svr;
	unsigned int maxlvt = (ver >> 16) & 0xff;

	test_info("apic: ID=%#x version=%#x", id, ver);
	test_check(id >> 24 == r.ebx >> 24, "apic_id", "ID register %#x, CPUID.1:EBX[31:24]=%#x",
		   id, r.ebx >> 24);
	test_check((ver & 0xff) >= 0x10 && (ver & 0xff) <= 0x15 && maxlvt >= 4, "apic_version",
		   "version %#x: want an integrated APIC (0x10-0x15), max LVT >= 4", ver);

	apic_sw_enable(VEC_SPURIOUS);
	svr = apic_read(APIC_SVR);
	test_check((svr & 0x1ff) == (APIC_SVR_ENABLE | VEC_SPURIOUS), "apic_svr_enable",
		   "SVR reads %#x after writing %#x", svr, APIC_SVR_ENABLE | VEC_SPURIOUS);

	/* ESR: a write arms it, the read gives the errors since (11.5.3). */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	test_check(apic_read(APIC_ESR) == 0, "apic_esr_clear", "ESR=%#x", apic_read(APIC_ESR));
}

/* TPR is read/write in bits 7:0; with nothing in service PPR = TPR (11.8.3.1). */
static void apic_check_tpr(void)
{
	static const uint8_t values[] = { 0x00, 0x10, 0x5a, 0xa5, 0xff, 0x01, 0x00 };
	bool tpr_ok = true, ppr_ok = true;
	unsigned int i;

	for (i = 0; i < sizeof(values); i++) {
		uint32_t tpr, ppr;

		apic_write(APIC_TPR, values[i]);
		tpr = apic_read(APIC_TPR);
		ppr = apic_read(APIC_PPR);
		if (tpr_ok && tpr != values[i]) {
			test_fail("apic_tpr_rw", "wrote %#x read %#x", values[i], tpr);
			tpr_ok = false;
		}
		if (ppr_ok && ppr != values[i]) {
			test_fail("apic_ppr_equals_tpr", "TPR %#x, ISR empty, PPR %#x", values[i],
				  ppr);
			ppr_ok = false;
		}
	}
	if (tpr_ok)
		test_pass("apic_tpr_rw");
	if (ppr_ok)
		test_pass("apic_ppr_equals_tpr");
}

/* Timer clock against the TSC: 1 ms of a masked one-shot from 0xffffffff. */
static bool apic_timer_calibrate(void)
{
	uint32_t c0, c1;

	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_ONESHOT);
	apic_write(APIC_TIMER_DCR, APIC_DCR_DIV1);
	apic_write(APIC_TIMER_ICR, 0xffffffff);
	timer_delay_us(1000);
	c0 = apic_read(APIC_TIMER_CCR);
	timer_delay_us(100);
	c1 = apic_read(APIC_TIMER_CCR);
	apic_write(APIC_TIMER_ICR, 0);
	apic_ticks_per_ms = 0xffffffff - c0;
	test_info("apic: timer %u ticks/ms (divide by 1)", apic_ticks_per_ms);
	return test_check(c0 < 0xffffffff && c1 < c0 && apic_ticks_per_ms >= 100,
			  "apic_timer_counts",
			  "current count %#x after 1 ms, %#x 100 us later (initial 0xffffffff)", c0,
			  c1);
}

static void apic_timer_oneshot(void)
{
	uint64_t t0, elapsed, min = timer_us_to_tsc(500);
	uint32_t ccr;
	bool arrived, isr_after;

	apic_drain();
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | VEC_ONESHOT);
	t0 = rdtsc();
	apic_write(APIC_TIMER_ICR, apic_ticks_per_ms);
	arrived = irq_wait(VEC_ONESHOT, 1, ms_to_tsc(100));
	elapsed = hit_tsc[VEC_ONESHOT] - t0;
	irq_wait(VEC_ONESHOT, 2, ms_to_tsc(3)); /* a second one must not come */
	ccr = apic_read(APIC_TIMER_CCR);
	isr_after = apic_vector_bit(APIC_ISR, VEC_ONESHOT);

	oneshot_ok = test_check(arrived && irq_count[VEC_ONESHOT] == 1 && ccr == 0,
				"apic_timer_oneshot",
				"%u interrupts on vector %#x (want 1), current count %#x",
				irq_count[VEC_ONESHOT], VEC_ONESHOT, ccr);
	if (!arrived)
		return;
	test_check(elapsed >= min, "apic_timer_oneshot_not_early",
		   "1 ms one-shot fired after %llu TSC ticks (< %llu)", (unsigned long long)elapsed,
		   (unsigned long long)min);
	test_check(hit_isr[VEC_ONESHOT], "apic_isr_in_handler",
		   "ISR bit %#x clear inside its handler", VEC_ONESHOT);
	test_check(!isr_after, "apic_eoi_clears_isr", "ISR bit %#x still set after EOI",
		   VEC_ONESHOT);
}

static void apic_timer_periodic(void)
{
	uint64_t t0, elapsed, min = timer_us_to_tsc(PERIODIC_TICKS * PERIODIC_MS * 500);
	uint32_t initial = apic_ticks_per_ms * PERIODIC_MS, ccr[4], before;
	unsigned int i, down = 0;
	bool arrived, in_range = true;

	apic_drain();
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | VEC_PERIODIC);
	t0 = rdtsc();
	apic_write(APIC_TIMER_ICR, initial);
	arrived = irq_wait(VEC_PERIODIC, PERIODIC_TICKS, ms_to_tsc(400));
	elapsed = hit_tsc[VEC_PERIODIC] - t0;

	/* Still running: the count goes down, reloading at most once here. */
	for (i = 0; i < 4; i++) {
		ccr[i] = apic_read(APIC_TIMER_CCR);
		if (ccr[i] > initial)
			in_range = false;
		if (i && ccr[i] < ccr[i - 1])
			down++;
		timer_delay_us(20);
	}

	if (test_check(arrived, "apic_timer_periodic", "%u of %u interrupts on vector %#x",
		       irq_count[VEC_PERIODIC], PERIODIC_TICKS, VEC_PERIODIC))
		test_check(elapsed >= min, "apic_timer_periodic_not_early",
			   "%u periods of %u ms in %llu TSC ticks (< %llu)", PERIODIC_TICKS,
			   PERIODIC_MS, (unsigned long long)elapsed, (unsigned long long)min);
	test_check(in_range && down >= 2, "apic_timer_periodic_ccr",
		   "current count %#x %#x %#x %#x (initial %#x)", ccr[0], ccr[1], ccr[2], ccr[3],
		   initial);

	/* Initial count 0 stops the timer (11.5.4). */
	apic_write(APIC_TIMER_ICR, 0);
	apic_drain();
	before = irq_count[VEC_PERIODIC];
	irq_wait(VEC_PERIODIC, before + 1, ms_to_tsc(3));
	test_check(irq_count[VEC_PERIODIC] == before && apic_read(APIC_TIMER_CCR) == 0,
		   "apic_timer_stop", "%u interrupts after initial count 0, current count %#x",
		   irq_count[VEC_PERIODIC] - before, apic_read(APIC_TIMER_CCR));
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_PERIODIC);
}

/* A masked LVT still counts down; it only inhibits the interrupt. */
static void apic_timer_masked(void)
{
	uint32_t ccr;

	apic_drain();
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_LVT_TIMER_ONESHOT | VEC_MASKED);
	apic_write(APIC_TIMER_ICR, apic_ticks_per_ms / 4);
	irq_wait(VEC_MASKED, 1, ms_to_tsc(2));
	ccr = apic_read(APIC_TIMER_CCR);
	test_check(irq_count[VEC_MASKED] == 0 && ccr == 0, "apic_timer_masked",
		   "masked one-shot: %u interrupts, current count %#x after 2 ms",
		   irq_count[VEC_MASKED], ccr);
}

/*
 * HLT with IF=1 ends at the timer interrupt. Nothing else would end it,
 * so a platform that does not wake a halted vCPU for its timer hangs
 * here: the INFO line says so first.
 */
static void apic_timer_hlt(void)
{
	uint64_t t0;

	test_info("apic: HLT until a 1 ms one-shot fires (a hang here: the timer never woke HLT)");
	apic_drain();
	apic_write(APIC_TIMER_DCR, APIC_DCR_DIV1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | VEC_ONESHOT);
	t0 = rdtsc();
	apic_write(APIC_TIMER_ICR, apic_ticks_per_ms);
	while (irq_count[VEC_ONESHOT] == 0 && rdtsc() - t0 < ms_to_tsc(100))
		sti_hlt();
	cli();
	test_check(irq_count[VEC_ONESHOT] == 1, "apic_timer_hlt_wakeup",
		   "%u timer interrupts ended HLT", irq_count[VEC_ONESHOT]);
}

static void apic_timer_deadline(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint64_t deadline, left;
	bool arrived;

	if (!(r.ecx & CPUID_1_ECX_TSC_DEADLINE)) {
		test_skip("apic_tsc_deadline", "CPUID.1:ECX[24] clear: no TSC-deadline mode");
		return;
	}
	apic_drain();
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSC_DEADLINE | VEC_DEADLINE);
	deadline = rdtsc() + ms_to_tsc(1);
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	arrived = irq_wait(VEC_DEADLINE, 1, ms_to_tsc(100));
	irq_wait(VEC_DEADLINE, 2, ms_to_tsc(2));
	left = rdmsr(MSR_IA32_TSC_DEADLINE);
	if (test_check(arrived && irq_count[VEC_DEADLINE] == 1, "apic_tsc_deadline",
		       "%u interrupts on vector %#x (want 1)", irq_count[VEC_DEADLINE],
		       VEC_DEADLINE)) {
		test_check(hit_tsc[VEC_DEADLINE] >= deadline, "apic_tsc_deadline_not_early",
			   "interrupt at TSC %#llx, deadline %#llx",
			   (unsigned long long)hit_tsc[VEC_DEADLINE], (unsigned long long)deadline);
		test_check(left == 0, "apic_tsc_deadline_cleared",
			   "IA32_TSC_DEADLINE reads %#llx after firing", (unsigned long long)left);
	}

	/* Writing 0 disarms it (11.5.4.1). */
	apic_drain();
	wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + ms_to_tsc(1));
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	irq_wait(VEC_DEADLINE, 1, ms_to_tsc(3));
	test_check(irq_count[VEC_DEADLINE] == 0, "apic_tsc_deadline_disarm",
		   "%u interrupts after the deadline was set to 0", irq_count[VEC_DEADLINE]);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_DEADLINE);
}

/* The ICR's delivery status returns to idle (xAPIC only: no such bit in x2APIC). */
static bool apic_icr_idle(void)
{
	unsigned int i;

	for (i = 0; i < 1000; i++)
		if (!(apic_read(APIC_ICR_LO) & APIC_ICR_BUSY))
			return true;
	return false;
}

static void apic_ipis(void)
{
	uint32_t id = apic_id();
	bool idle;

	apic_drain();
	apic_send_ipi(id, APIC_ICR_FIXED | APIC_ICR_ASSERT | VEC_IPI_DEST);
	idle = apic_icr_idle();
	test_check(irq_wait(VEC_IPI_DEST, 1, ms_to_tsc(10)) && irq_count[VEC_IPI_DEST] == 1,
		   "apic_ipi_self_dest", "%u interrupts on vector %#x from an IPI to APIC ID %u",
		   irq_count[VEC_IPI_DEST], VEC_IPI_DEST, id);
	test_check(idle, "apic_icr_idle", "ICR delivery status still pending: %#x",
		   apic_read(APIC_ICR_LO));

	apic_send_ipi(0, APIC_ICR_SH_SELF | APIC_ICR_FIXED | APIC_ICR_ASSERT | VEC_IPI_SELF);
	test_check(irq_wait(VEC_IPI_SELF, 1, ms_to_tsc(10)) && irq_count[VEC_IPI_SELF] == 1,
		   "apic_ipi_shorthand_self", "%u interrupts on vector %#x from a self IPI",
		   irq_count[VEC_IPI_SELF], VEC_IPI_SELF);

	/* One vCPU: "all excluding self" reaches nobody. */
	apic_send_ipi(0, APIC_ICR_SH_OTHERS | APIC_ICR_FIXED | APIC_ICR_ASSERT | VEC_IPI_OTHER);
	irq_wait(VEC_IPI_OTHER, 1, ms_to_tsc(2));
	test_check(irq_count[VEC_IPI_OTHER] == 0, "apic_ipi_others_none",
		   "%u interrupts on vector %#x from an all-excluding-self IPI",
		   irq_count[VEC_IPI_OTHER], VEC_IPI_OTHER);
}

/*
 * An interrupt is taken only if its priority class is above PPR's (11.8.3):
 * TPR 0x60 holds vector 0x65 in the IRR, TPR 0x5f lets it in, and while
 * it is in service PPR is its class, 0x60.
 */
static void apic_tpr_blocking(void)
{
	bool irr;

	apic_drain();
	apic_write(APIC_TPR, 0x60);
	apic_send_ipi(0, APIC_ICR_SH_SELF | APIC_ICR_FIXED | APIC_ICR_ASSERT | VEC_TPR);
	irq_wait(VEC_TPR, 1, ms_to_tsc(2));
	irr = apic_vector_bit(APIC_IRR, VEC_TPR);
	test_check(irq_count[VEC_TPR] == 0 && irr, "apic_tpr_blocks",
		   "TPR 0x60: vector %#x taken %u times, IRR bit %s", VEC_TPR, irq_count[VEC_TPR],
		   irr ? "set" : "clear");
	apic_write(APIC_TPR, 0x5f);
	test_check(irq_wait(VEC_TPR, 1, ms_to_tsc(10)), "apic_tpr_unblocks",
		   "TPR 0x5f: vector %#x still not taken", VEC_TPR);
	if (irq_count[VEC_TPR])
		test_check(hit_ppr[VEC_TPR] == 0x60, "apic_ppr_in_service",
			   "PPR %#x in the handler of vector %#x with TPR 0x5f (want 0x60)",
			   hit_ppr[VEC_TPR], VEC_TPR);
	apic_write(APIC_TPR, 0);
}

/* The same through the x2APIC MSRs (11.12). */
static void apic_x2apic_checks(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t xid = apic_id(), xver = apic_read(APIC_VERSION), id, ldr, want_ldr;
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE), val;
	int vec;

	if (!(r.ecx & CPUID_1_ECX_X2APIC)) {
		test_skip("apic_x2apic", "CPUID.1:ECX[21] clear: no x2APIC");
		return;
	}
	vec = try_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	if (!test_check(vec == TRAP_NONE && (rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD),
			"apic_x2apic_enable", "WRMSR IA32_APIC_BASE |= EXTD: %s, reads %#llx",
			trap_name(vec), (unsigned long long)rdmsr(MSR_IA32_APIC_BASE)))
		return;
	apic_set_x2apic(true);

	id = apic_read(APIC_ID);
	test_check(id == xid, "apic_x2apic_id", "x2APIC ID %#x, xAPIC ID %#x", id, xid);
	test_check(apic_read(APIC_VERSION) == xver, "apic_x2apic_version",
		   "version %#x, xAPIC's %#x", apic_read(APIC_VERSION), xver);
	/* 11.12.10.2: cluster in 31:16, one bit of 16 in 15:0. */
	ldr = apic_read(APIC_LDR);
	want_ldr = ((id >> 4) << 16) | (1u << (id & 0xf));
	test_check(ldr == want_ldr, "apic_x2apic_ldr", "LDR %#x, want %#x", ldr, want_ldr);
	test_check((apic_read(APIC_SVR) & 0x1ff) == (APIC_SVR_ENABLE | VEC_SPURIOUS),
		   "apic_x2apic_state_kept", "SVR %#x after the switch to x2APIC",
		   apic_read(APIC_SVR));
	apic_write(APIC_TPR, 0x3c);
	test_check(apic_read(APIC_TPR) == 0x3c && apic_read(APIC_PPR) == 0x3c, "apic_x2apic_tpr",
		   "TPR %#x PPR %#x after writing 0x3c", apic_read(APIC_TPR), apic_read(APIC_PPR));
	apic_write(APIC_TPR, 0);

	apic_drain();
	wrmsr(APIC_X2APIC_MSR(APIC_SELF_IPI), VEC_X2_SELF);
	test_check(irq_wait(VEC_X2_SELF, 1, ms_to_tsc(10)) && irq_count[VEC_X2_SELF] == 1,
		   "apic_x2apic_self_ipi", "%u interrupts on vector %#x from SELF IPI",
		   irq_count[VEC_X2_SELF], VEC_X2_SELF);
	apic_send_ipi(id, APIC_ICR_FIXED | APIC_ICR_ASSERT | VEC_X2_ICR);
	test_check(irq_wait(VEC_X2_ICR, 1, ms_to_tsc(10)) && irq_count[VEC_X2_ICR] == 1,
		   "apic_x2apic_icr", "%u interrupts on vector %#x from the 64-bit ICR",
		   irq_count[VEC_X2_ICR], VEC_X2_ICR);

	if (apic_ticks_per_ms) {
		apic_write(APIC_TIMER_DCR, APIC_DCR_DIV1);
		apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | VEC_X2_TIMER);
		apic_write(APIC_TIMER_ICR, apic_ticks_per_ms);
		test_check(irq_wait(VEC_X2_TIMER, 1, ms_to_tsc(100)) &&
				   apic_read(APIC_TIMER_CCR) == 0,
			   "apic_x2apic_timer", "one-shot through MSRs: %u interrupts, count %#x",
			   irq_count[VEC_X2_TIMER], apic_read(APIC_TIMER_CCR));
		apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_X2_TIMER);
	}

	/* 11.12.1.2: no ICR high half in x2APIC mode; the ID is read-only. */
	vec = try_rdmsr(APIC_X2APIC_MSR(APIC_ICR_HI), &val);
	test_check(vec == TRAP_GP, "apic_x2apic_icr_hi_gp", "RDMSR 0x831: %s", trap_name(vec));
	vec = try_wrmsr(APIC_X2APIC_MSR(APIC_ID), id);
	test_check(vec == TRAP_GP, "apic_x2apic_id_ro_gp", "WRMSR 0x802: %s", trap_name(vec));
	/* 11.12.5: x2APIC -> xAPIC directly is an illegal transition. */
	vec = try_wrmsr(MSR_IA32_APIC_BASE, (base | APIC_BASE_EN) & ~(uint64_t)APIC_BASE_EXTD);
	test_check(vec == TRAP_GP, "apic_x2apic_to_xapic_gp",
		   "WRMSR IA32_APIC_BASE x2APIC -> xAPIC: %s", trap_name(vec));
}

void guest_main(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	unsigned int v;

	if (!test_check(r.edx & CPUID_1_EDX_APIC, "apic_cpuid", "CPUID.1:EDX[9] clear: no APIC"))
		return;
	irq_init();
	pic_init(0x20, 0x28); /* off the exception vectors, all masked */
	for (v = IRQ_FIRST; v < VEC_SPURIOUS; v++)
		irq_set_handler(v, apic_handler);
	irq_set_handler(VEC_SPURIOUS, apic_spurious);

	apic_check_base();
	apic_check_registers();
	apic_check_tpr();
	if (!timer_calibrate("apic_tsc_calibrate"))
		return;
	if (apic_timer_calibrate()) {
		apic_timer_oneshot();
		apic_timer_periodic();
		apic_timer_masked();
	}
	apic_timer_deadline();
	apic_ipis();
	apic_tpr_blocking();
	test_check(spurious_count == 0, "apic_no_spurious", "%u interrupts on the spurious vector",
		   spurious_count);
	apic_x2apic_checks();
	/* Last: HLT cannot be bounded, a platform that never wakes it hangs here. */
	if (oneshot_ok)
		apic_timer_hlt();
}
