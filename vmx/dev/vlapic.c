/*
 * Emulated local APIC; see vlapic.h for the register map and what the
 * model leaves out. Section, figure and table numbers are those of Intel
 * SDM Vol. 3A chapter 11 "Advanced Programmable Interrupt Controller
 * (APIC)".
 *
 * Values the guest reads are either stored as written (masked to the
 * register's writable bits) or computed when read (PPR, APR, the current
 * count, the x2APIC LDR), so derived registers never disagree with the
 * state they come from. The timer keeps no counter: it keeps the TSC at
 * which a count started and derives the current count from `now`.
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/vlapic.h"

#define VLAPIC_MAXPHYADDR_DEFAULT 36

/* Writable bits of each register in xAPIC mode (11.4 - 11.6 figures). */
#define VLAPIC_ID_MASK        0xff000000u
#define VLAPIC_TPR_MASK       0x000000ffu
#define VLAPIC_LDR_MASK       0xff000000u
#define VLAPIC_DFR_MASK       0xf0000000u /* bits 27:0 read as 1 */
#define VLAPIC_SVR_MASK       0x000003ffu /* vector, enable, focus checking */
#define VLAPIC_ICR_LO_MASK    0x000ccfffu /* vector, mode, dest mode, level, trigger, shorthand */
#define VLAPIC_ICR_HI_MASK    0xff000000u
#define VLAPIC_LVT_TIMER_MASK 0x000300ffu /* + bit 18 with TSC-deadline */
#define VLAPIC_LVT_LOCAL_MASK 0x000107ffu /* thermal, perf: vector, mode, mask */
#define VLAPIC_LVT_LINT_MASK  0x0001a7ffu /* + polarity, trigger */
#define VLAPIC_LVT_ERROR_MASK 0x000100ffu
#define VLAPIC_DCR_MASK       0x0000000bu /* bits 0, 1, 3 */
#define VLAPIC_SELF_IPI_MASK  0x000000ffu

/*
 * x2APIC ICR bits that raise #GP when set (11.12.9, Figure 11-28: bits
 * 13, 17:16 and 31:20 are reserved). Bit 12, the xAPIC delivery status,
 * has no meaning in x2APIC mode and is ignored, as KVM does.
 */
#define VLAPIC_X2APIC_ICR_RESERVED 0xfff32000ull

/* Vectors 0-15 are not valid interrupts (11.5.2). */
#define VLAPIC_FIRST_VALID_VECTOR 16

/*
 * Access rights of each 16-byte register slot, by offset >> 4, in xAPIC
 * mode (Table 11-1) and x2APIC mode (Table 11-6). A slot with no right in
 * a mode is reserved there.
 */
#define XR   0x1 /* xAPIC readable */
#define XW   0x2 /* xAPIC writable */
#define X2R  0x4 /* x2APIC readable */
#define X2W  0x8 /* x2APIC writable */
#define XALL (XR | XW | X2R | X2W)

#define VLAPIC_SLOTS 64 /* offsets 0x000-0x3f0 */

/* clang-format off */
static const uint8_t vlapic_access[VLAPIC_SLOTS] = {
	[0x02] = XR | XW | X2R,		/* ID: read-only in x2APIC mode */
	[0x03] = XR | X2R,		/* version */
	[0x08] = XALL,			/* TPR */
	[0x09] = XR,			/* APR: not in x2APIC mode */
	[0x0a] = XR | X2R,		/* PPR */
	[0x0b] = XR | XW | X2W,		/* EOI: write-only; an xAPIC read gives 0 */
	[0x0c] = XR,			/* RRD */
	[0x0d] = XR | XW | X2R,		/* LDR: derived in x2APIC mode */
	[0x0e] = XR | XW,		/* DFR: not in x2APIC mode */
	[0x0f] = XALL,			/* SVR */
	[0x10 ... 0x27] = XR | X2R,	/* ISR, TMR, IRR */
	[0x28] = XALL,			/* ESR */
	[0x30] = XALL,			/* ICR (64 bits in x2APIC mode) */
	[0x31] = XR | XW,		/* ICR high: not in x2APIC mode */
	[0x32 ... 0x37] = XALL,		/* LVT timer .. error */
	[0x38] = XALL,			/* initial count */
	[0x39] = XR | X2R,		/* current count */
	[0x3e] = XALL,			/* divide configuration */
	[0x3f] = X2W,			/* SELF IPI: x2APIC only */
};
/* clang-format on */

static void vlapic_lvt_fire(struct vlapic *l, enum vlapic_lvt which);

/* ------------------------------------------------------------ helpers -- */

static bool vlapic_test(const uint32_t *bits, unsigned v)
{
	return bits[v / 32] & (1u << (v % 32));
}

static void vlapic_set(uint32_t *bits, unsigned v)
{
	bits[v / 32] |= 1u << (v % 32);
}

static void vlapic_clear(uint32_t *bits, unsigned v)
{
	bits[v / 32] &= ~(1u << (v % 32));
}

/* The highest vector set in a 256-bit IRR/ISR/TMR, or -1. */
static int vlapic_highest(const uint32_t *bits)
{
	for (int i = 7; i >= 0; i--) {
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	}
	return -1;
}

static uint64_t vlapic_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/*
 * a * b / c rounded down or up, saturated at UINT64_MAX; c != 0. The
 * product is formed in 128 bits from 32-bit halves and divided bit by
 * bit: the kernel has no libgcc for a 128-bit division.
 */
static uint64_t vlapic_muldiv(uint64_t a, uint64_t b, uint64_t c, bool round_up)
{
	uint64_t ll = (a & 0xffffffffu) * (b & 0xffffffffu);
	uint64_t lh = (a & 0xffffffffu) * (b >> 32);
	uint64_t hl = (a >> 32) * (b & 0xffffffffu);
	uint64_t hh = (a >> 32) * (b >> 32);
	uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
	uint64_t lo = (mid << 32) | (ll & 0xffffffffu);
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	uint64_t q, r;

	if (hi == 0) {
		q = lo / c;
		r = lo % c;
	} else if (hi >= c) {
		return UINT64_MAX; /* the quotient needs more than 64 bits */
	} else {
		q = 0;
		r = hi;
		for (int i = 63; i >= 0; i--) {
			bool carry = r >> 63;

			r = (r << 1) | ((lo >> i) & 1);
			q <<= 1;
			if (carry || r >= c) {
				r -= c;
				q |= 1;
			}
		}
	}
	if (round_up && r) {
		if (q == UINT64_MAX)
			return UINT64_MAX;
		q++;
	}
	return q;
}

/* --------------------------------------------------------- mode, IDs -- */

enum vlapic_mode vlapic_mode(const struct vlapic *l)
{
	if (!(l->apic_base & VLAPIC_BASE_EN))
		return VLAPIC_MODE_DISABLED;
	return (l->apic_base & VLAPIC_BASE_EXTD) ? VLAPIC_MODE_X2APIC : VLAPIC_MODE_XAPIC;
}

static bool vlapic_x2apic(const struct vlapic *l)
{
	return vlapic_mode(l) == VLAPIC_MODE_X2APIC;
}

/* Globally enabled and software-enabled (11.4.3, 11.4.7.2). */
static bool vlapic_sw_enabled(const struct vlapic *l)
{
	return vlapic_mode(l) != VLAPIC_MODE_DISABLED && (l->svr & VLAPIC_SVR_ENABLE);
}

gpa_t vlapic_mmio_base(const struct vlapic *l)
{
	return l->apic_base & VLAPIC_BASE_ADDR;
}

/*
 * 11.12.10.2 "Deriving Logical x2APIC ID from the Local x2APIC ID":
 * cluster ID (x2APIC ID[19:4]) in bits 31:16, bit (x2APIC ID[3:0]) of
 * bits 15:0.
 */
static uint32_t vlapic_x2apic_ldr(const struct vlapic *l)
{
	uint32_t id = l->cfg.apic_id;

	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* ------------------------------------------------------------ priority -- */

uint8_t vlapic_tpr(const struct vlapic *l)
{
	return (uint8_t)l->tpr;
}

/*
 * 11.8.3.1 "Task and Processor Priorities":
 * IF TPR[7:4] >= ISRV[7:4] THEN PPR[7:0] = TPR[7:0]
 * ELSE PPR[7:4] = ISRV[7:4], PPR[3:0] = 0
 * where ISRV is the highest vector in service, 0 if none.
 */
uint8_t vlapic_ppr(const struct vlapic *l)
{
	int isrv = vlapic_highest(l->isr);
	uint32_t tpr = l->tpr & 0xff;

	if (isrv < 0 || (tpr & 0xf0) >= ((uint32_t)isrv & 0xf0))
		return (uint8_t)tpr;
	return (uint8_t)(isrv & 0xf0);
}

/*
 * 11.6.2.4, Figure 11-15 "Arbitration Priority Register (APR)": TPR when
 * its class is at least the highest requested and above the highest in
 * service, else the highest of the three classes.
 */
static uint8_t vlapic_apr(const struct vlapic *l)
{
	int irrv = vlapic_highest(l->irr);
	int isrv = vlapic_highest(l->isr);
	uint32_t tpr = l->tpr & 0xff;
	uint32_t tpc = tpr & 0xf0;
	uint32_t irc = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
	uint32_t isc = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	if (tpc >= irc && tpc > isc)
		return (uint8_t)tpr;
	return (uint8_t)MAX(tpc, MAX(irc, isc));
}

void vlapic_set_tpr(struct vlapic *l, uint8_t tpr)
{
	l->tpr = tpr;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int v;

	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED)
		return -1;
	v = vlapic_highest(l->irr);
	/* 11.8.3.1: only a priority class above the processor's is delivered. */
	if (v < 0 || ((unsigned)v & 0xf0) <= (vlapic_ppr(l) & 0xf0u))
		return -1;
	return v;
}

int vlapic_ack(struct vlapic *l)
{
	int v = vlapic_pending_vector(l);

	if (v < 0)
		return -1;
	/* 11.8.4: the vector moves from IRR to ISR when the processor takes it. */
	vlapic_clear(l->irr, (unsigned)v);
	vlapic_set(l->isr, (unsigned)v);
	l->delivered++;
	return v;
}

/* ---------------------------------------------- errors, acceptance --- */

/*
 * 11.5.3 "Error Handling": errors collect until the guest writes ESR,
 * and each raises the LVT error interrupt. `fire` is false for an error
 * found while delivering the error interrupt itself, which would loop.
 */
static void vlapic_error(struct vlapic *l, uint32_t bits, bool fire)
{
	l->esr_pending |= bits;
	l->errors++;
	if (fire)
		vlapic_lvt_fire(l, VLAPIC_LVT_ERROR);
}

/*
 * A fixed interrupt reaches IRR (11.8.4), if the APIC is software-enabled
 * (11.4.7.2) and the vector valid (11.5.2, ESR bit 6: "the local APIC
 * will never set an IRR bit in the range 0 to 15").
 */
static bool vlapic_deliver_fixed(struct vlapic *l, uint8_t vector, bool trigger_level,
				 bool error_fires)
{
	if (!vlapic_sw_enabled(l))
		return false;
	if (vector < VLAPIC_FIRST_VALID_VECTOR) {
		vlapic_error(l, VLAPIC_ESR_RECV_ILLEGAL_VECTOR, error_fires);
		return false;
	}
	vlapic_set(l->irr, vector);
	if (trigger_level)
		vlapic_set(l->tmr, vector);
	else
		vlapic_clear(l->tmr, vector);
	l->accepted++;
	return true;
}

bool vlapic_accept(struct vlapic *l, uint8_t vector, bool trigger_level)
{
	return vlapic_deliver_fixed(l, vector, trigger_level, true);
}

static unsigned vlapic_lvt_mode(uint32_t lvt)
{
	return (lvt & VLAPIC_LVT_DM_MASK) >> VLAPIC_LVT_DM_SHIFT;
}

/*
 * An LVT source fires (11.5.1). The timer and error entries have no
 * delivery mode field: always fixed. NMI, SMI and INIT are edge-triggered
 * events for the owner; ExtINT is a level polled through
 * vlapic_extint_pending(), so firing it does nothing here. Reserved modes
 * deliver nothing.
 */
static void vlapic_lvt_fire(struct vlapic *l, enum vlapic_lvt which)
{
	uint32_t lvt = l->lvt[which];
	unsigned mode = vlapic_lvt_mode(lvt);

	if (lvt & VLAPIC_LVT_MASKED)
		return;
	if (which == VLAPIC_LVT_TIMER || which == VLAPIC_LVT_ERROR)
		mode = VLAPIC_DM_FIXED;
	switch (mode) {
	case VLAPIC_DM_FIXED:
		vlapic_deliver_fixed(l, (uint8_t)(lvt & VLAPIC_LVT_VECTOR), false,
				     which != VLAPIC_LVT_ERROR);
		break;
	case VLAPIC_DM_NMI:
		l->events |= VLAPIC_EVENT_NMI;
		break;
	case VLAPIC_DM_SMI:
		l->events |= VLAPIC_EVENT_SMI;
		break;
	case VLAPIC_DM_INIT:
		l->events |= VLAPIC_EVENT_INIT;
		break;
	default:
		break;
	}
}

/* --------------------------------------------------------------- LINT -- */

static bool vlapic_lint0_level_fixed(uint32_t lvt)
{
	return vlapic_lvt_mode(lvt) == VLAPIC_DM_FIXED && (lvt & VLAPIC_LVT_LEVEL);
}

/*
 * A level-triggered fixed LINT0 (11.5.1 "Remote IRR flag ... set when the
 * local APIC accepts the interrupt for servicing and is reset when an EOI
 * command is received"): delivered while the input is asserted and no
 * earlier delivery waits for its EOI. LINT1 is always edge-triggered
 * ("level-sensitive interrupts for LINT1 are not supported").
 */
static void vlapic_lint0_level(struct vlapic *l)
{
	uint32_t lvt = l->lvt[VLAPIC_LVT_LINT0];

	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED || !l->lint[0] ||
	    (lvt & (VLAPIC_LVT_MASKED | VLAPIC_LVT_REMOTE_IRR)) || !vlapic_lint0_level_fixed(lvt))
		return;
	if (vlapic_deliver_fixed(l, (uint8_t)(lvt & VLAPIC_LVT_VECTOR), true, true))
		l->lvt[VLAPIC_LVT_LINT0] |= VLAPIC_LVT_REMOTE_IRR;
}

void vlapic_set_lint(struct vlapic *l, unsigned pin, bool asserted)
{
	bool rising;
	uint32_t lvt;

	if (pin > 1)
		return;
	rising = asserted && !l->lint[pin];
	l->lint[pin] = asserted;
	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED) {
		/* 11.4.3: without the APIC, LINT0 is INTR and LINT1 is NMI. */
		if (pin == 1 && rising)
			l->events |= VLAPIC_EVENT_NMI;
		return;
	}
	lvt = l->lvt[VLAPIC_LVT_LINT0 + pin];
	if (pin == 0 && vlapic_lint0_level_fixed(lvt)) {
		vlapic_lint0_level(l);
		return;
	}
	if (rising)
		vlapic_lvt_fire(l, VLAPIC_LVT_LINT0 + pin);
}

bool vlapic_extint_pending(const struct vlapic *l)
{
	uint32_t lvt = l->lvt[VLAPIC_LVT_LINT0];

	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED)
		return l->lint[0];
	return l->lint[0] && !(lvt & VLAPIC_LVT_MASKED) && vlapic_lvt_mode(lvt) == VLAPIC_DM_EXTINT;
}

uint32_t vlapic_take_events(struct vlapic *l)
{
	uint32_t ev = l->events;

	l->events = 0;
	return ev;
}

/* ---------------------------------------------------------------- EOI -- */

/*
 * 11.8.5 "Signaling Interrupt Servicing Completion": an EOI ends the
 * highest-priority vector in service. For a level-triggered one (its TMR
 * bit set) the EOI is broadcast to the I/O APICs, and a LINT0 waiting on
 * that vector has its remote IRR cleared. An EOI with nothing in service
 * does nothing.
 */
static void vlapic_eoi(struct vlapic *l)
{
	int v = vlapic_highest(l->isr);
	uint32_t *lint0 = &l->lvt[VLAPIC_LVT_LINT0];

	if (v < 0)
		return;
	vlapic_clear(l->isr, (unsigned)v);
	l->eois++;
	if (!vlapic_test(l->tmr, (unsigned)v))
		return;
	if ((*lint0 & VLAPIC_LVT_REMOTE_IRR) && (*lint0 & VLAPIC_LVT_VECTOR) == (unsigned)v) {
		*lint0 &= ~VLAPIC_LVT_REMOTE_IRR;
		vlapic_lint0_level(l);
	}
	if (l->ops && l->ops->eoi_level)
		l->ops->eoi_level(l->ctx, l, (uint8_t)v);
}

/* -------------------------------------------------------------- timer -- */

static uint32_t vlapic_timer_mode(const struct vlapic *l)
{
	return l->lvt[VLAPIC_LVT_TIMER] & VLAPIC_LVT_TIMER_MODE;
}

/*
 * 11.5.4, Figure 11-10 "Divide Configuration Register": bits 3, 1:0 give
 * 000 -> 2, 001 -> 4 ... 110 -> 128, 111 -> 1. Returns log2 of the divisor.
 */
static unsigned vlapic_timer_shift(const struct vlapic *l)
{
	unsigned v = ((l->timer_dcr & 8) >> 1) | (l->timer_dcr & 3);

	return (v + 1) & 7;
}

/* Counter decrements in `tsc` TSC ticks: tsc * timer_hz / (tsc_hz * divisor), down. */
static uint64_t vlapic_tsc_to_ticks(const struct vlapic *l, uint64_t tsc)
{
	return vlapic_muldiv(tsc, l->cfg.timer_hz, l->cfg.tsc_hz << vlapic_timer_shift(l), false);
}

/* The fewest TSC ticks in which the counter decrements `ticks` times (rounded up). */
static uint64_t vlapic_ticks_to_tsc(const struct vlapic *l, uint64_t ticks)
{
	return vlapic_muldiv(ticks, l->cfg.tsc_hz << vlapic_timer_shift(l), l->cfg.timer_hz, true);
}

/*
 * Current count (11.5.4): counting down from timer_base_count since
 * timer_base; in periodic mode reloaded from the initial count when it
 * reaches 0 (so it reads initial .. 1), in one-shot mode left at 0. Reads
 * 0 in TSC-deadline mode (11.5.4.1).
 */
static uint32_t vlapic_timer_ccr(const struct vlapic *l, uint64_t now)
{
	uint64_t e;

	if (!l->timer_armed || vlapic_timer_mode(l) == VLAPIC_TIMER_TSC_DEADLINE)
		return 0;
	e = now > l->timer_base ? vlapic_tsc_to_ticks(l, now - l->timer_base) : 0;
	if (e < l->timer_base_count)
		return (uint32_t)(l->timer_base_count - e);
	if (vlapic_timer_mode(l) != VLAPIC_TIMER_PERIODIC)
		return 0;
	return l->timer_initial - (uint32_t)((e - l->timer_base_count) % l->timer_initial);
}

/* Start counting down from `count` at `now`; 0 stops the timer. */
static void vlapic_timer_start(struct vlapic *l, uint32_t count, uint64_t now)
{
	if (count == 0) {
		l->timer_armed = false;
		return;
	}
	l->timer_armed = true;
	l->timer_base = now;
	l->timer_base_count = count;
	l->timer_next = vlapic_add_sat(now, vlapic_ticks_to_tsc(l, count));
}

/*
 * Bring the timer up to `now` under the current LVT: fire what expired.
 * Called before any change to the timer's configuration, so an expiry
 * that happened while the LVT was masked is dropped, as on hardware, and
 * one that happened before the guest masked it is still delivered.
 *
 * A periodic count restarts at the first TSC tick at or after the end of
 * the previous period; several elapsed periods give one interrupt (IRR
 * holds one per vector anyway) and count as missed.
 */
static void vlapic_timer_update(struct vlapic *l, uint64_t now)
{
	uint64_t e, periods, last;

	if (vlapic_timer_mode(l) == VLAPIC_TIMER_TSC_DEADLINE) {
		/* 11.5.4.1: the timer fires once TSC >= deadline, then disarms. */
		if (l->tsc_deadline && now >= l->tsc_deadline) {
			l->tsc_deadline = 0;
			l->timer_fired++;
			vlapic_lvt_fire(l, VLAPIC_LVT_TIMER);
		}
		return;
	}
	if (!l->timer_armed || now < l->timer_next)
		return;
	if (vlapic_timer_mode(l) != VLAPIC_TIMER_PERIODIC) {
		l->timer_armed = false;
	} else {
		e = vlapic_tsc_to_ticks(l, now - l->timer_base);
		if (e < l->timer_base_count)
			return; /* only when a saturated deadline was reached */
		periods = (e - l->timer_base_count) / l->timer_initial;
		last = l->timer_base_count + periods * l->timer_initial;
		l->timer_missed += periods;
		l->timer_base = vlapic_add_sat(l->timer_base, vlapic_ticks_to_tsc(l, last));
		l->timer_base_count = l->timer_initial;
		l->timer_next =
			vlapic_add_sat(l->timer_base, vlapic_ticks_to_tsc(l, l->timer_initial));
	}
	l->timer_fired++;
	vlapic_lvt_fire(l, VLAPIC_LVT_TIMER);
}

static void vlapic_timer_write_initial(struct vlapic *l, uint32_t value, uint64_t now)
{
	vlapic_timer_update(l, now);
	/* 11.5.4.1: "In TSC-deadline mode, writes to the initial-count register are ignored". */
	if (vlapic_timer_mode(l) == VLAPIC_TIMER_TSC_DEADLINE)
		return;
	/* 11.5.4: a write starts a new count; "A write of 0 ... effectively stops" it. */
	l->timer_initial = value;
	vlapic_timer_start(l, value, now);
}

/* A new divisor applies from `now`, to the count left. */
static void vlapic_timer_write_dcr(struct vlapic *l, uint32_t value, uint64_t now)
{
	uint32_t left;

	vlapic_timer_update(l, now);
	left = vlapic_timer_ccr(l, now);
	l->timer_dcr = value & VLAPIC_DCR_MASK;
	if (l->timer_armed && vlapic_timer_mode(l) != VLAPIC_TIMER_TSC_DEADLINE)
		vlapic_timer_start(l, left, now);
}

static void vlapic_timer_write_deadline(struct vlapic *l, uint64_t value, uint64_t now)
{
	/* 11.5.4.1: outside TSC-deadline mode the MSR "reads zero and writes are ignored". */
	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED ||
	    vlapic_timer_mode(l) != VLAPIC_TIMER_TSC_DEADLINE)
		return;
	vlapic_timer_update(l, now);
	/* A deadline already passed fires at once; 0 disarms. */
	l->tsc_deadline = value;
	vlapic_timer_update(l, now);
}

uint64_t vlapic_timer_next_deadline(const struct vlapic *l)
{
	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED ||
	    (l->lvt[VLAPIC_LVT_TIMER] & VLAPIC_LVT_MASKED))
		return VLAPIC_NO_DEADLINE;
	if (vlapic_timer_mode(l) == VLAPIC_TIMER_TSC_DEADLINE)
		return l->tsc_deadline ? l->tsc_deadline : VLAPIC_NO_DEADLINE;
	return l->timer_armed ? l->timer_next : VLAPIC_NO_DEADLINE;
}

void vlapic_tick(struct vlapic *l, uint64_t now)
{
	if (vlapic_mode(l) != VLAPIC_MODE_DISABLED)
		vlapic_timer_update(l, now);
}

/* --------------------------------------------------------------- LVTs -- */

static uint32_t vlapic_lvt_writable(const struct vlapic *l, enum vlapic_lvt which)
{
	switch (which) {
	case VLAPIC_LVT_TIMER:
		return VLAPIC_LVT_TIMER_MASK |
		       (l->cfg.tsc_deadline ? VLAPIC_TIMER_TSC_DEADLINE : 0);
	case VLAPIC_LVT_LINT0:
	case VLAPIC_LVT_LINT1:
		return VLAPIC_LVT_LINT_MASK;
	case VLAPIC_LVT_ERROR:
		return VLAPIC_LVT_ERROR_MASK;
	default:
		return VLAPIC_LVT_LOCAL_MASK;
	}
}

/* Read-only LVT bits: delivery status, and remote IRR for LINT0/1. */
static uint32_t vlapic_lvt_readonly(enum vlapic_lvt which)
{
	if (which == VLAPIC_LVT_LINT0 || which == VLAPIC_LVT_LINT1)
		return VLAPIC_LVT_STATUS | VLAPIC_LVT_REMOTE_IRR;
	return VLAPIC_LVT_STATUS;
}

static void vlapic_lvt_write(struct vlapic *l, enum vlapic_lvt which, uint32_t value, uint64_t now)
{
	uint32_t old = l->lvt[which];

	value &= vlapic_lvt_writable(l, which);
	/* 11.4.7.2: while software-disabled "Attempts to reset these bits will be ignored". */
	if (!vlapic_sw_enabled(l))
		value |= VLAPIC_LVT_MASKED;
	if (which == VLAPIC_LVT_TIMER) {
		/* Mode 11b is reserved (Table 11-2): taken as one-shot. */
		if ((value & VLAPIC_LVT_TIMER_MODE) == VLAPIC_LVT_TIMER_MODE)
			value &= ~VLAPIC_LVT_TIMER_MODE;
		vlapic_timer_update(l, now);
		/*
		 * 11.5.4.1: "Transitioning between TSC-deadline mode and other
		 * timer modes also disarms the timer." One-shot <-> periodic
		 * keeps the count going; the new mode applies when it ends.
		 */
		if (((old & VLAPIC_LVT_TIMER_MODE) == VLAPIC_TIMER_TSC_DEADLINE) !=
		    ((value & VLAPIC_LVT_TIMER_MODE) == VLAPIC_TIMER_TSC_DEADLINE)) {
			l->timer_initial = 0;
			l->timer_armed = false;
			l->tsc_deadline = 0;
		}
	}
	/* Remote IRR stays only for a level-triggered fixed LINT0 waiting for its EOI. */
	if (which == VLAPIC_LVT_LINT0 && vlapic_lint0_level_fixed(value))
		value |= old & VLAPIC_LVT_REMOTE_IRR;
	l->lvt[which] = value;
	if (which == VLAPIC_LVT_LINT0)
		vlapic_lint0_level(l);
}

/* ---------------------------------------------------------------- IPI -- */

/*
 * 11.6.1 "Interrupt Command Register (ICR)": the write of ICR low (xAPIC)
 * or of the ICR MSR (x2APIC) sends. Dropped: INIT level de-assert ("not
 * supported in the Pentium 4 and Intel Xeon processors"), the reserved
 * modes 011b and 111b, fixed or lowest-priority with a vector 0-15 (ESR
 * "Send Illegal Vector", 11.5.3).
 */
static void vlapic_send_ipi(struct vlapic *l)
{
	uint64_t icr = l->icr;
	bool x2 = vlapic_x2apic(l);
	struct vlapic_ipi ipi = {
		.source = l,
		.dest = x2 ? (uint32_t)(icr >> 32)
			   : (uint32_t)(icr >> VLAPIC_ICR_DEST_SHIFT) & 0xff,
		.vector = (uint8_t)(icr & VLAPIC_ICR_VECTOR),
		.shorthand = (enum vlapic_shorthand)((icr >> VLAPIC_ICR_SH_SHIFT) & 3),
		.logical = icr & VLAPIC_ICR_LOGICAL,
		.wide = x2,
		.trigger_level = icr & VLAPIC_ICR_LEVEL,
	};

	switch ((icr >> VLAPIC_ICR_DM_SHIFT) & 7) {
	case VLAPIC_DM_LOWEST:
		ipi.first_match = true;
		/* fall through */
	case VLAPIC_DM_FIXED:
		ipi.mode = VLAPIC_DM_FIXED;
		if (ipi.vector < VLAPIC_FIRST_VALID_VECTOR) {
			l->ipis_dropped++;
			vlapic_error(l, VLAPIC_ESR_SEND_ILLEGAL_VECTOR, true);
			return;
		}
		break;
	case VLAPIC_DM_INIT:
		if (ipi.trigger_level && !(icr & VLAPIC_ICR_ASSERT)) {
			l->ipis_dropped++;
			return;
		}
		ipi.mode = VLAPIC_DM_INIT;
		break;
	case VLAPIC_DM_SMI:
		ipi.mode = VLAPIC_DM_SMI;
		break;
	case VLAPIC_DM_NMI:
		ipi.mode = VLAPIC_DM_NMI;
		break;
	case VLAPIC_DM_SIPI:
		ipi.mode = VLAPIC_DM_SIPI;
		break;
	default:
		l->ipis_dropped++;
		return;
	}
	l->ipis++;
	if (ipi.shorthand == VLAPIC_SH_SELF && ipi.mode == VLAPIC_DM_FIXED) {
		vlapic_deliver_fixed(l, ipi.vector, ipi.trigger_level, true);
		return;
	}
	if (l->ops && l->ops->send_ipi)
		l->ops->send_ipi(l->ctx, l, &ipi);
}

/* 11.12.11 "SELF IPI Register": a fixed, edge-triggered IPI to this APIC. */
static void vlapic_self_ipi(struct vlapic *l, uint8_t vector)
{
	if (vector < VLAPIC_FIRST_VALID_VECTOR) {
		l->ipis_dropped++;
		vlapic_error(l, VLAPIC_ESR_SEND_ILLEGAL_VECTOR, true);
		return;
	}
	l->ipis++;
	vlapic_deliver_fixed(l, vector, false, true);
}

/*
 * 11.6.2.1 physical and 11.6.2.2 logical destination mode; in x2APIC mode
 * 11.12.10.1 "Logical Destination Mode in x2APIC Mode". All-ones is the
 * broadcast (11.6.2.3 for 8 bits, 11.12.9 for 32).
 */
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical, bool wide)
{
	uint32_t ldr;

	if (vlapic_mode(l) == VLAPIC_MODE_DISABLED)
		return false;
	if (wide ? dest == 0xffffffffu : (dest & 0xff) == 0xff)
		return true;
	if (!wide)
		dest &= 0xff;
	if (vlapic_x2apic(l)) {
		if (!logical)
			return dest == l->cfg.apic_id;
		ldr = vlapic_x2apic_ldr(l);
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	if (!logical)
		return dest == l->id >> 24;
	ldr = l->ldr >> 24;
	if (dest > 0xff)
		return false;
	/* DFR model 1111b is flat (a bitmap of 8), 0000b cluster (4-bit cluster, 4-bit bitmap). */
	if ((l->dfr >> 28) == 0xf)
		return (dest & ldr) != 0;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic_ipi *ipi)
{
	if (vlapic_mode(target) == VLAPIC_MODE_DISABLED)
		return false;
	switch (ipi->shorthand) {
	case VLAPIC_SH_SELF:
		return target == ipi->source;
	case VLAPIC_SH_ALL:
		return true;
	case VLAPIC_SH_OTHERS:
		return target != ipi->source;
	default:
		return vlapic_match_dest(target, ipi->dest, ipi->logical, ipi->wide);
	}
}

/* ---------------------------------------------------------- registers -- */

/* The register at `reg` (a multiple of 16 with a read right in this mode). */
static uint32_t vlapic_reg_read(struct vlapic *l, uint32_t reg, uint64_t now)
{
	bool x2 = vlapic_x2apic(l);

	switch (reg) {
	case VLAPIC_REG_ID:
		/* 11.12.5.1: in x2APIC mode the ID is the 32-bit x2APIC ID. */
		return x2 ? l->cfg.apic_id : l->id;
	case VLAPIC_REG_VERSION:
		return VLAPIC_VERSION;
	case VLAPIC_REG_TPR:
		return l->tpr;
	case VLAPIC_REG_APR:
		return vlapic_apr(l);
	case VLAPIC_REG_PPR:
		return vlapic_ppr(l);
	case VLAPIC_REG_LDR:
		return x2 ? vlapic_x2apic_ldr(l) : l->ldr;
	case VLAPIC_REG_DFR:
		return l->dfr;
	case VLAPIC_REG_SVR:
		return l->svr;
	case VLAPIC_REG_ESR:
		return l->esr;
	case VLAPIC_REG_ICR_LO:
		return (uint32_t)l->icr;
	case VLAPIC_REG_ICR_HI:
		return (uint32_t)(l->icr >> 32);
	case VLAPIC_REG_LVT_TIMER:
	case VLAPIC_REG_LVT_THERMAL:
	case VLAPIC_REG_LVT_PERF:
	case VLAPIC_REG_LVT_LINT0:
	case VLAPIC_REG_LVT_LINT1:
	case VLAPIC_REG_LVT_ERROR:
		return l->lvt[(reg - VLAPIC_REG_LVT_TIMER) >> 4];
	case VLAPIC_REG_TIMER_ICR:
		return l->timer_initial;
	case VLAPIC_REG_TIMER_CCR:
		return vlapic_timer_ccr(l, now);
	case VLAPIC_REG_TIMER_DCR:
		return l->timer_dcr;
	default:
		break;
	}
	if (reg >= VLAPIC_REG_ISR && reg < VLAPIC_REG_ISR + 0x80)
		return l->isr[(reg - VLAPIC_REG_ISR) >> 4];
	if (reg >= VLAPIC_REG_TMR && reg < VLAPIC_REG_TMR + 0x80)
		return l->tmr[(reg - VLAPIC_REG_TMR) >> 4];
	if (reg >= VLAPIC_REG_IRR && reg < VLAPIC_REG_IRR + 0x80)
		return l->irr[(reg - VLAPIC_REG_IRR) >> 4];
	return 0; /* EOI, RRD: read as 0 */
}

/*
 * Whether `value` may be written to a register with `writable` and
 * read-only bits `ro`. In xAPIC mode other bits are ignored; in x2APIC
 * mode "Non-zero writes (by WRMSR instruction) to reserved bits to these
 * registers will raise a general protection fault" (11.12.1.3).
 */
static bool vlapic_bits_ok(const struct vlapic *l, uint32_t value, uint32_t writable, uint32_t ro)
{
	return !vlapic_x2apic(l) || !(value & ~(writable | ro));
}

/*
 * Write register `reg` (a multiple of 16 with a write right in this
 * mode). Returns false, with nothing changed, for an x2APIC write that
 * must raise #GP.
 */
static bool vlapic_reg_write(struct vlapic *l, uint32_t reg, uint32_t value, uint64_t now)
{
	enum vlapic_lvt lvt;

	switch (reg) {
	case VLAPIC_REG_ID:
		l->id = value & VLAPIC_ID_MASK;
		return true;
	case VLAPIC_REG_TPR:
		if (!vlapic_bits_ok(l, value, VLAPIC_TPR_MASK, 0))
			return false;
		l->tpr = value & VLAPIC_TPR_MASK;
		return true;
	case VLAPIC_REG_EOI:
		/* Table 11-6: "WRMSR of a non-zero value causes #GP(0)". */
		if (!vlapic_bits_ok(l, value, 0, 0))
			return false;
		vlapic_eoi(l);
		return true;
	case VLAPIC_REG_LDR:
		l->ldr = value & VLAPIC_LDR_MASK;
		return true;
	case VLAPIC_REG_DFR:
		l->dfr = (value & VLAPIC_DFR_MASK) | ~VLAPIC_DFR_MASK;
		return true;
	case VLAPIC_REG_SVR:
		if (!vlapic_bits_ok(l, value, VLAPIC_SVR_MASK, 0))
			return false;
		l->svr = value & VLAPIC_SVR_MASK;
		/* 11.4.7.2: software disable sets the mask bit of every LVT. */
		if (!(l->svr & VLAPIC_SVR_ENABLE)) {
			for (int i = 0; i < VLAPIC_LVT_COUNT; i++)
				l->lvt[i] |= VLAPIC_LVT_MASKED;
		}
		return true;
	case VLAPIC_REG_ESR:
		/* 11.5.3: a write latches the errors since the last one; x2APIC takes only 0. */
		if (!vlapic_bits_ok(l, value, 0, 0))
			return false;
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return true;
	case VLAPIC_REG_ICR_LO:
		/* xAPIC only: the x2APIC ICR is written whole by vlapic_msr_write(). */
		l->icr = (l->icr & 0xffffffff00000000ull) | (value & VLAPIC_ICR_LO_MASK);
		vlapic_send_ipi(l);
		return true;
	case VLAPIC_REG_ICR_HI:
		l->icr = (l->icr & 0xffffffffull) | ((uint64_t)(value & VLAPIC_ICR_HI_MASK) << 32);
		return true;
	case VLAPIC_REG_LVT_TIMER:
	case VLAPIC_REG_LVT_THERMAL:
	case VLAPIC_REG_LVT_PERF:
	case VLAPIC_REG_LVT_LINT0:
	case VLAPIC_REG_LVT_LINT1:
	case VLAPIC_REG_LVT_ERROR:
		lvt = (enum vlapic_lvt)((reg - VLAPIC_REG_LVT_TIMER) >> 4);
		if (!vlapic_bits_ok(l, value, vlapic_lvt_writable(l, lvt),
				    vlapic_lvt_readonly(lvt)))
			return false;
		vlapic_lvt_write(l, lvt, value, now);
		return true;
	case VLAPIC_REG_TIMER_ICR:
		vlapic_timer_write_initial(l, value, now);
		return true;
	case VLAPIC_REG_TIMER_DCR:
		if (!vlapic_bits_ok(l, value, VLAPIC_DCR_MASK, 0))
			return false;
		vlapic_timer_write_dcr(l, value, now);
		return true;
	case VLAPIC_REG_SELF_IPI:
		if (!vlapic_bits_ok(l, value, VLAPIC_SELF_IPI_MASK, 0))
			return false;
		vlapic_self_ipi(l, (uint8_t)value);
		return true;
	default:
		/* Not reached: vlapic_access lets only writable registers through. */
		return true;
	}
}

/* ---------------------------------------------------------------- MMIO -- */

/*
 * Common checks of an xAPIC access. Returns VLAPIC_OK with *reg the
 * register slot's offset, or *reg = 0 when the access touches no register
 * (the padding of a slot, or a reserved one: ESR "Illegal Register
 * Address", 11.5.3).
 */
static enum vlapic_status vlapic_mmio_check(struct vlapic *l, uint32_t offset, unsigned size,
					    uint32_t *reg)
{
	*reg = 0;
	if (vlapic_mode(l) != VLAPIC_MODE_XAPIC)
		return VLAPIC_NOT_MAPPED; /* 11.4.3, 11.12.2 */
	if (size != 4 || (offset & 3) || offset >= VLAPIC_MMIO_SIZE)
		return VLAPIC_BAD_ACCESS;
	if (offset & 0xf)
		return VLAPIC_OK;
	if (offset >= VLAPIC_SLOTS * 16 || !(vlapic_access[offset >> 4] & (XR | XW))) {
		vlapic_error(l, VLAPIC_ESR_ILLEGAL_REG_ADDRESS, true);
		return VLAPIC_OK;
	}
	*reg = offset;
	return VLAPIC_OK;
}

enum vlapic_status vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned size,
				    uint32_t *value, uint64_t now)
{
	uint32_t reg;
	enum vlapic_status st = vlapic_mmio_check(l, offset, size, &reg);

	*value = 0;
	if (st == VLAPIC_OK && reg && (vlapic_access[reg >> 4] & XR))
		*value = vlapic_reg_read(l, reg, now);
	return st;
}

enum vlapic_status vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned size,
				     uint32_t value, uint64_t now)
{
	uint32_t reg;
	enum vlapic_status st = vlapic_mmio_check(l, offset, size, &reg);

	if (st == VLAPIC_OK && reg && (vlapic_access[reg >> 4] & XW))
		vlapic_reg_write(l, reg, value, now);
	return st;
}

/* ---------------------------------------------------- reset, APIC base -- */

/*
 * 11.4.7.1 "Local APIC State After Power-Up or Reset": IRR, ISR, TMR,
 * ICR, LDR, TPR, timer counts and divide configuration 0; DFR all ones;
 * LVT entries masked; SVR 0xff. The input levels are wires and stay.
 */
static void vlapic_regs_reset(struct vlapic *l)
{
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->esr = 0;
	l->esr_pending = 0;
	l->icr = 0;
	for (int i = 0; i < VLAPIC_LVT_COUNT; i++)
		l->lvt[i] = VLAPIC_LVT_MASKED;
	if (l->cfg.virtual_wire) {
		l->lvt[VLAPIC_LVT_LINT0] = VLAPIC_DM_EXTINT << VLAPIC_LVT_DM_SHIFT;
		l->lvt[VLAPIC_LVT_LINT1] = VLAPIC_DM_NMI << VLAPIC_LVT_DM_SHIFT;
	}
	l->events = 0;
	l->timer_initial = 0;
	l->timer_dcr = 0;
	l->tsc_deadline = 0;
	l->timer_armed = false;
	l->timer_base = 0;
	l->timer_base_count = 0;
	l->timer_next = 0;
}

void vlapic_init_reset(struct vlapic *l)
{
	vlapic_regs_reset(l);
}

void vlapic_reset(struct vlapic *l)
{
	/* 11.4.4: base 0xfee00000, enabled, BSP flag on the boot processor. */
	l->apic_base = VLAPIC_DEFAULT_BASE | VLAPIC_BASE_EN | (l->cfg.bsp ? VLAPIC_BASE_BSP : 0);
	l->id = (l->cfg.apic_id & 0xff) << 24;
	vlapic_regs_reset(l);
}

int vlapic_init(struct vlapic *l, const struct vlapic_config *cfg, const struct vlapic_ops *ops,
		void *ctx)
{
	uint8_t maxphy = cfg->maxphyaddr ? cfg->maxphyaddr : VLAPIC_MAXPHYADDR_DEFAULT;

	/* tsc_hz is shifted left by up to 7 (the divider): keep it below 2^56. */
	if (cfg->apic_id == 0xffffffffu || cfg->tsc_hz == 0 || cfg->tsc_hz >> 56 ||
	    cfg->timer_hz == 0 || maxphy < 32 || maxphy > 52)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	l->cfg.maxphyaddr = maxphy;
	l->ops = ops;
	l->ctx = ctx;
	vlapic_reset(l);
	return 0;
}

static enum vlapic_mode vlapic_mode_of(uint64_t base)
{
	if (!(base & VLAPIC_BASE_EN))
		return VLAPIC_MODE_DISABLED;
	return (base & VLAPIC_BASE_EXTD) ? VLAPIC_MODE_X2APIC : VLAPIC_MODE_XAPIC;
}

/*
 * WRMSR IA32_APIC_BASE. Reserved: bits 7:0 and 9, the address bits at and
 * above MAXPHYADDR, EXTD without x2APIC support (11.4.4, 11.12.1). Legal
 * transitions (11.12.5, Figure 11-27): disabled <-> xAPIC, xAPIC ->
 * x2APIC, x2APIC -> disabled; EN=0 with EXTD=1 is invalid. The BSP flag
 * is the platform's and ignores writes.
 */
static enum vlapic_status vlapic_base_write(struct vlapic *l, uint64_t value)
{
	uint64_t reserved = 0x2ffull | ~((1ull << l->cfg.maxphyaddr) - 1);
	enum vlapic_mode from = vlapic_mode(l);
	enum vlapic_mode to;

	if (!l->cfg.x2apic)
		reserved |= VLAPIC_BASE_EXTD;
	if (value & reserved)
		return VLAPIC_GP;
	if ((value & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == VLAPIC_BASE_EXTD)
		return VLAPIC_GP;
	to = vlapic_mode_of(value);
	if ((from == VLAPIC_MODE_X2APIC && to == VLAPIC_MODE_XAPIC) ||
	    (from == VLAPIC_MODE_DISABLED && to == VLAPIC_MODE_X2APIC))
		return VLAPIC_GP;
	l->apic_base = (value & ~VLAPIC_BASE_BSP) | (l->apic_base & VLAPIC_BASE_BSP);
	if (to == VLAPIC_MODE_DISABLED && from != VLAPIC_MODE_DISABLED) {
		/*
		 * 11.4.3: once globally disabled the APIC "may return to the
		 * state described in Section 11.4.7.1"; 11.12.5.1: register
		 * state is not kept across x2APIC -> disabled except the ID.
		 */
		l->id = (l->cfg.apic_id & 0xff) << 24;
		vlapic_regs_reset(l);
	} else if (to == VLAPIC_MODE_X2APIC && from == VLAPIC_MODE_XAPIC) {
		/* 11.12.5.1: ICR high is not preserved; ID and LDR become the x2APIC ones. */
		l->icr &= 0xffffffffull;
	}
	return VLAPIC_OK;
}

/* ---------------------------------------------------------------- MSRs -- */

bool vlapic_msr_handled(uint32_t msr)
{
	return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
	       (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

/*
 * The register offset of an x2APIC MSR with `right` in x2APIC mode, or 0
 * when the access raises #GP (11.12.2: not in x2APIC mode; Table 11-6:
 * no such register, or not readable/writable).
 */
static uint32_t vlapic_x2apic_reg(const struct vlapic *l, uint32_t msr, uint8_t right)
{
	uint32_t slot = msr - VLAPIC_MSR_X2APIC_FIRST;

	if (!vlapic_x2apic(l) || msr < VLAPIC_MSR_X2APIC_FIRST || slot >= VLAPIC_SLOTS ||
	    !(vlapic_access[slot] & right))
		return 0;
	return slot << 4;
}

enum vlapic_status vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t *value, uint64_t now)
{
	uint32_t reg;

	*value = 0;
	if (msr == VLAPIC_MSR_APIC_BASE) {
		*value = l->apic_base;
		return VLAPIC_OK;
	}
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		if (!l->cfg.tsc_deadline)
			return VLAPIC_GP;
		if (vlapic_mode(l) != VLAPIC_MODE_DISABLED)
			vlapic_timer_update(l, now);
		if (vlapic_timer_mode(l) == VLAPIC_TIMER_TSC_DEADLINE)
			*value = l->tsc_deadline;
		return VLAPIC_OK;
	}
	reg = vlapic_x2apic_reg(l, msr, X2R);
	if (!reg)
		return VLAPIC_GP;
	if (reg == VLAPIC_REG_ICR_LO)
		*value = l->icr; /* 11.12.9: one 64-bit register */
	else
		*value = vlapic_reg_read(l, reg, now);
	return VLAPIC_OK;
}

enum vlapic_status vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t value, uint64_t now)
{
	uint32_t reg;

	if (msr == VLAPIC_MSR_APIC_BASE)
		return vlapic_base_write(l, value);
	if (msr == VLAPIC_MSR_TSC_DEADLINE) {
		if (!l->cfg.tsc_deadline)
			return VLAPIC_GP;
		vlapic_timer_write_deadline(l, value, now);
		return VLAPIC_OK;
	}
	reg = vlapic_x2apic_reg(l, msr, X2W);
	if (!reg)
		return VLAPIC_GP;
	if (reg == VLAPIC_REG_ICR_LO) {
		if (value & VLAPIC_X2APIC_ICR_RESERVED)
			return VLAPIC_GP;
		l->icr = value & ~(uint64_t)VLAPIC_ICR_STATUS;
		vlapic_send_ipi(l);
		return VLAPIC_OK;
	}
	/* 11.12.1.2: bits 63:32 of every other register are reserved. */
	if (value >> 32)
		return VLAPIC_GP;
	return vlapic_reg_write(l, reg, (uint32_t)value, now) ? VLAPIC_OK : VLAPIC_GP;
}
