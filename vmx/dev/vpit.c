/*
 * Emulated 8254; see vpit.h for the port map and the time model. Quotes
 * and section names are those of the Intel 8254 datasheet (231164-005).
 *
 * How a counter is represented. The counting element (CE) is described by
 * a "run": the CLK tick `start` at which CE was (or will be) loaded with
 * the count n, and from then on the number of clocks it has counted,
 *
 *	e(t) = base_e + (counting ? t - base : 0)      for t >= base >= start
 *
 * Gate changes in the modes where GATE suspends counting re-base the run
 * (base_e, base, counting) so e(t) stays continuous. Each mode is then a
 * closed formula of e: the CE value, OUT, and the elapsed counts at which
 * OUT rises. Before `start` (the count was written but the loading CLK has
 * not come yet) and when there is no run (control word written, no count
 * yet) CE and OUT hold the values in hold_ce / hold_out. In modes 2 and 3
 * a count written while counting enters CE at the next reload (or
 * half-cycle end): that is a scheduled switch to a new run at
 * switch_tick, applied when time reaches it.
 *
 * Every entry point reads the clock once, brings the touched counter up
 * to that tick (applying a due switch and, for counter 0, reporting the
 * OUT0 edges in between), applies the guest's access, and reports OUT0 if
 * the access changed it.
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/vpit.h"

#define VPIT_NSEC        1000000000ull
#define VPIT_NEVER       UINT64_MAX
#define VPIT_REFRESH_CLK 18 /* 18 / 1.193182 MHz = 15.085 us */

/* -------------------------------------------------------------- time --- */

/* Ticks that have happened by `ns` after tick 0: floor(ns * HZ / 10^9). */
static uint64_t vpit_ns_to_tick(uint64_t ns)
{
	return ns / VPIT_NSEC * VPIT_HZ + ns % VPIT_NSEC * VPIT_HZ / VPIT_NSEC;
}

/* The first nanosecond at which tick `t` has happened: ceil(t * 10^9 / HZ). */
static uint64_t vpit_tick_to_ns(uint64_t t)
{
	uint64_t q = t / VPIT_HZ, r = t % VPIT_HZ;

	if (q >= (VPIT_NEVER - VPIT_NSEC) / VPIT_NSEC)
		return VPIT_NEVER;
	return q * VPIT_NSEC + (r * VPIT_NSEC + VPIT_HZ - 1) / VPIT_HZ;
}

static uint64_t vpit_now(struct vpit *pit)
{
	uint64_t ns = pit->clock(pit->clock_ctx);
	uint64_t t = ns > pit->origin_ns ? vpit_ns_to_tick(ns - pit->origin_ns) : 0;

	if (t > pit->now)
		pit->now = t;
	return pit->now;
}

/* --------------------------------------------------------- counting --- */

static bool vpit_bcd(const struct vpit_channel *c)
{
	return c->ctrl & VPIT_CW_BCD;
}

/* CE wraps at 2^16 in binary and at 10^4 in BCD. */
static uint32_t vpit_modulus(const struct vpit_channel *c)
{
	return vpit_bcd(c) ? 10000 : 0x10000;
}

/*
 * The count in CR as a number of clocks: "the largest possible initial
 * count" is 0, meaning 2^16 in binary and 10^4 in BCD. A BCD digit above
 * 9 counts as its binary value and the result wraps at 10^4: the chip's
 * behaviour there is undefined, this keeps it bounded.
 */
static uint32_t vpit_count(const struct vpit_channel *c)
{
	uint32_t m = vpit_modulus(c), v = c->cr;

	if (vpit_bcd(c))
		v = (v >> 12 & 15) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
	v %= m;
	return v ? v : m;
}

static uint16_t vpit_encode(const struct vpit_channel *c, uint32_t v)
{
	if (!vpit_bcd(c))
		return (uint16_t)v;
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
			  v % 10);
}

static uint64_t vpit_elapsed(const struct vpit_channel *c, uint64_t t)
{
	if (!c->counting || t <= c->base)
		return c->base_e;
	return c->base_e + (t - c->base);
}

/*
 * Mode 3 ("Square Wave Mode"): for an even count OUT is high for n/2
 * clocks and low for n/2, CE loads n and counts down by two; for an odd
 * count CE loads n - 1, OUT is high for (n + 1)/2 clocks ("one CLK pulse
 * after the count expires, OUT goes low") and low for (n - 1)/2. A run
 * that starts after a half-cycle switch may begin with its low half.
 */
static bool vpit_mode3(const struct vpit_channel *c, uint64_t e, uint32_t *ce)
{
	uint32_t n = c->n, hi = (n + 1) / 2, lo = n / 2;
	uint32_t p = (uint32_t)(e % n), k;
	bool low;

	if (c->low_first) {
		low = p < lo;
		k = low ? p : p - lo;
	} else {
		low = p >= hi;
		k = low ? p - hi : p;
	}
	*ce = ((n & 1 ? n - 1 : n) - 2 * k) % vpit_modulus(c);
	return !low;
}

/* CE (binary) at tick t. */
static uint32_t vpit_ch_ce(const struct vpit_channel *c, uint64_t t)
{
	uint32_t m = vpit_modulus(c), ce;
	uint64_t e;

	if (!c->run || t < c->start)
		return c->hold_ce;
	e = vpit_elapsed(c, t);
	switch (c->mode) {
	case 2:
		/* "Rate Generator": n, n-1, ..., 1, reload. */
		return (uint32_t)((c->n - e % c->n) % m);
	case 3:
		vpit_mode3(c, e, &ce);
		return ce;
	default:
		/* Modes 0, 1, 4, 5 keep counting through 0 and wrap. */
		return (uint32_t)((c->n + m - e % m) % m);
	}
}

/* OUT at tick t. */
static bool vpit_ch_out(const struct vpit_channel *c, uint64_t t)
{
	uint32_t ce;
	uint64_t e;

	if (!c->run || t < c->start)
		return c->hold_out;
	e = vpit_elapsed(c, t);
	switch (c->mode) {
	case 0: /* high from terminal count until a new count or control word */
	case 1: /* low from the clock after the trigger until terminal count */
		return e >= c->n;
	case 2:
		/* Low for the one clock CE holds 1; GATE low forces OUT high. */
		return !c->counting || e % c->n != c->n - 1;
	case 3:
		return !c->counting || vpit_mode3(c, e, &ce);
	default:
		/* Modes 4, 5: low for one clock when the count reaches 0. */
		return e != c->n;
	}
}

/*
 * The elapsed counts at which OUT rises form a progression first, first +
 * step, ... (step 0: a single edge). Returns false when OUT never rises
 * during the run (mode 2 and 3 with a count of 1 keep OUT constant).
 */
static bool vpit_rises(const struct vpit_channel *c, uint64_t *first, uint64_t *step)
{
	switch (c->mode) {
	case 0:
	case 1:
		*first = c->n;
		*step = 0;
		return true;
	case 2:
		*first = c->n;
		*step = c->n;
		return c->n > 1;
	case 3:
		*first = c->low_first ? c->n / 2 : c->n;
		*step = c->n;
		return c->n > 1;
	default:
		*first = (uint64_t)c->n + 1;
		*step = 0;
		return true;
	}
}

/* Rising edges at elapsed counts <= e. */
static uint64_t vpit_rises_upto(const struct vpit_channel *c, uint64_t e)
{
	uint64_t first, step;

	if (!vpit_rises(c, &first, &step) || e < first)
		return 0;
	return step ? (e - first) / step + 1 : 1;
}

/*
 * Rising edges of OUT in ticks (t0, t1] during the current run. Loading
 * the count can itself raise OUT (a mode 4 or 5 retrigger during the
 * strobe); the progression covers the edges after the load.
 */
static uint64_t vpit_rising(const struct vpit_channel *c, uint64_t t0, uint64_t t1)
{
	uint64_t edges = 0, e0;

	if (!c->run || t1 < c->start || t1 <= t0)
		return 0;
	if (t0 < c->start) {
		if (!c->hold_out && vpit_ch_out(c, c->start))
			edges++;
		e0 = vpit_elapsed(c, c->start);
	} else {
		e0 = vpit_elapsed(c, t0);
	}
	return edges + vpit_rises_upto(c, vpit_elapsed(c, t1)) - vpit_rises_upto(c, e0);
}

/* The first tick after t at which OUT rises in the current run, or VPIT_NEVER. */
static uint64_t vpit_next_rise(const struct vpit_channel *c, uint64_t t)
{
	uint64_t first, step, e, x;

	if (!c->run)
		return VPIT_NEVER;
	if (t < c->start && !c->hold_out && vpit_ch_out(c, c->start))
		return c->start;
	if (!c->counting || !vpit_rises(c, &first, &step))
		return VPIT_NEVER;
	e = vpit_elapsed(c, t < c->start ? c->start : t);
	if (e < first)
		x = first;
	else if (step)
		x = first + ((e - first) / step + 1) * step;
	else
		return VPIT_NEVER;
	return c->base + (x - c->base_e);
}

/* ------------------------------------------------------- transitions --- */

/*
 * Bring the counter to tick t: apply a due switch (modes 2 and 3) and let
 * a null count expire. Returns OUT's rising edges in (from, t].
 */
static uint64_t vpit_advance(struct vpit_channel *c, uint64_t from, uint64_t t)
{
	uint64_t edges = 0;

	if (c->switch_pending && t >= c->switch_tick) {
		uint64_t s = c->switch_tick;

		edges += vpit_rising(c, from, s);
		from = s;
		c->hold_ce = (uint16_t)vpit_ch_ce(c, s);
		c->hold_out = vpit_ch_out(c, s);
		c->start = s;
		c->base = s;
		c->base_e = 0;
		c->n = vpit_count(c);
		c->low_first = c->switch_low_first;
		c->switch_pending = false;
	}
	edges += vpit_rising(c, from, t);
	if (c->null_count && t >= c->null_until)
		c->null_count = false;
	return edges;
}

/* Report OUT0 to the owner: missed edges as one pulse, then the level. */
static void vpit_report(struct vpit *pit, uint64_t edges, bool level)
{
	if (edges) {
		pit->irq0_edges += edges;
		pit->irq0_merged += edges - 1;
		if (pit->out0 && pit->irq0)
			pit->irq0(pit->irq0_ctx, false);
		pit->out0 = true;
		if (pit->irq0)
			pit->irq0(pit->irq0_ctx, true);
	}
	if (level != pit->out0) {
		pit->out0 = level;
		if (pit->irq0)
			pit->irq0(pit->irq0_ctx, level);
	}
}

/* Bring counter `i` to tick t; for counter 0 report what OUT0 did. */
static void vpit_sync(struct vpit *pit, unsigned i, uint64_t t)
{
	struct vpit_channel *c = &pit->ch[i];

	if (i != 0) {
		vpit_advance(c, t, t);
		return;
	}
	vpit_report(pit, vpit_advance(c, pit->synced0, t), vpit_ch_out(c, t));
	pit->synced0 = t;
}

/* After a guest access changed counter `i` at tick t: report a new OUT0 level. */
static void vpit_settle(struct vpit *pit, unsigned i, uint64_t t)
{
	if (i == 0)
		vpit_report(pit, 0, vpit_ch_out(&pit->ch[0], t));
}

/*
 * GATE suspends or resumes counting: keep e(t) continuous from here on.
 * A change before the loading clock takes effect at the load.
 */
static void vpit_rebase(struct vpit_channel *c, uint64_t t, bool counting)
{
	uint64_t b = t > c->start ? t : c->start;

	if (!c->run)
		return;
	c->base_e = vpit_elapsed(c, b);
	c->base = b;
	c->counting = counting;
}

/*
 * CR goes to CE on the first CLK after tick t (a count written in modes 0
 * and 4 and the first one in modes 2 and 3, or a trigger in modes 1, 2,
 * 3 and 5). Until then CE and OUT keep their present values; mode 0's OUT
 * went low when the count was written.
 */
static void vpit_load_next_clk(struct vpit_channel *c, uint64_t t)
{
	c->hold_ce = (uint16_t)vpit_ch_ce(c, t);
	c->hold_out = c->mode != 0 && vpit_ch_out(c, t);
	c->run = true;
	c->start = t + 1;
	c->base = c->start;
	c->base_e = 0;
	c->n = vpit_count(c);
	c->low_first = false;
	c->counting = c->mode == 1 || c->mode == 5 || c->gate;
	c->switch_pending = false;
	if (c->null_count)
		c->null_until = c->start;
}

/*
 * A count written to a mode 2 or 3 counter that is counting: "Writing a
 * new count while counting does not affect the current counting
 * sequence"; it is loaded at the end of the current period (mode 2) or
 * half-cycle (mode 3), unless a trigger comes first.
 */
static void vpit_schedule_switch(struct vpit_channel *c, uint64_t t)
{
	uint64_t e = vpit_elapsed(c, t), x;
	uint32_t n = c->n, hi = (n + 1) / 2, lo = n / 2;
	uint32_t p = (uint32_t)(e % n);

	if (c->mode == 2) {
		x = e - p + n;
		c->switch_low_first = false;
	} else if (c->low_first) {
		x = e - p + (p < lo ? lo : n);
		c->switch_low_first = p >= lo;
	} else {
		x = e - p + (p < hi ? hi : n);
		c->switch_low_first = p < hi;
	}
	c->switch_pending = true;
	c->switch_tick = c->base + (x - c->base_e);
	c->null_until = c->switch_tick;
}

/* The whole count is in CR. */
static void vpit_count_written(struct vpit_channel *c, uint64_t t)
{
	c->have_count = true;
	c->null_count = true;
	c->null_until = VPIT_NEVER;
	switch (c->mode) {
	case 0:
	case 4:
		/* "If a new count is written ... it will be loaded on the next CLK pulse". */
		vpit_load_next_clk(c, t);
		break;
	case 2:
	case 3:
		if (!c->run) {
			vpit_load_next_clk(c, t);
		} else if (t < c->start) {
			/* Not loaded yet: the loading clock takes the new CR. */
			c->n = vpit_count(c);
			c->null_until = c->start;
		} else if (c->counting) {
			vpit_schedule_switch(c, t);
		}
		/* GATE low: the next trigger loads the new count. */
		break;
	default:
		/* Modes 1 and 5 wait for a trigger; the current one-shot goes on. */
		break;
	}
}

/*
 * "Write Operations": with LSB-then-MSB access the count is complete after
 * the second byte. In mode 0 "writing the first byte disables counting.
 * OUT is set low immediately"; in the other modes the first byte alone
 * changes nothing.
 */
static void vpit_write_counter(struct vpit_channel *c, uint8_t v, uint64_t t)
{
	switch (c->ctrl & VPIT_CW_RW_MASK) {
	case VPIT_CW_RW_LSB:
		c->cr = v;
		break;
	case VPIT_CW_RW_MSB:
		c->cr = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->cr = (uint16_t)((c->cr & 0xff00) | v);
			c->write_msb = true;
			if (c->mode == 0) {
				c->hold_ce = (uint16_t)vpit_ch_ce(c, t);
				c->hold_out = false;
				c->run = false;
				c->switch_pending = false;
			}
			return;
		}
		c->cr = (uint16_t)((c->cr & 0x00ff) | v << 8);
		c->write_msb = false;
		break;
	}
	vpit_count_written(c, t);
}

/*
 * A control word: "all Control Logic is immediately reset and OUT goes to
 * a known initial state" (low in mode 0, high in the others). CE holds
 * until a count is written; a pending latch is dropped.
 */
static void vpit_write_control(struct vpit_channel *c, uint8_t v, uint64_t t)
{
	c->hold_ce = (uint16_t)vpit_ch_ce(c, t);
	c->ctrl = v & 0x3f;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* M2 is "don't care" for modes 2 and 3 */
	c->hold_out = c->mode != 0;
	c->run = false;
	c->have_count = false;
	c->null_count = true;
	c->null_until = VPIT_NEVER;
	c->switch_pending = false;
	c->write_msb = false;
	c->read_msb = false;
	c->ol_valid = false;
	c->ol_msb = false;
	c->status_valid = false;
}

/* "If a Counter is latched and then, some time later, latched again before the count is read,
 * the second Counter Latch Command is ignored." */
static void vpit_latch_count(struct vpit_channel *c, uint64_t t)
{
	if (c->ol_valid)
		return;
	c->ol = vpit_encode(c, vpit_ch_ce(c, t));
	c->ol_valid = true;
	c->ol_msb = false;
}

static void vpit_latch_status(struct vpit_channel *c, uint64_t t)
{
	if (c->status_valid)
		return;
	c->status = (uint8_t)((vpit_ch_out(c, t) ? VPIT_STATUS_OUT : 0) |
			      (c->null_count ? VPIT_STATUS_NULL : 0) | c->ctrl);
	c->status_valid = true;
}

/*
 * "Read Operations": a latched status goes first, then a latched count,
 * else CE as it is at the moment of each read (the two bytes of an
 * unlatched two-byte read may come from different counts).
 */
static uint8_t vpit_read_counter(struct vpit_channel *c, uint64_t t)
{
	unsigned rw = c->ctrl & VPIT_CW_RW_MASK;
	uint16_t v;
	bool msb;

	if (c->status_valid) {
		c->status_valid = false;
		return c->status;
	}
	if (c->ol_valid) {
		v = c->ol;
		msb = rw == VPIT_CW_RW_MSB || (rw == VPIT_CW_RW_WORD && c->ol_msb);
		if (rw == VPIT_CW_RW_WORD && !c->ol_msb)
			c->ol_msb = true;
		else
			c->ol_valid = false;
	} else {
		v = vpit_encode(c, vpit_ch_ce(c, t));
		msb = rw == VPIT_CW_RW_MSB || (rw == VPIT_CW_RW_WORD && c->read_msb);
		if (rw == VPIT_CW_RW_WORD)
			c->read_msb = !c->read_msb;
	}
	return (uint8_t)(msb ? v >> 8 : v);
}

/* GATE: levels in modes 0, 2, 3, 4; rising edges (triggers) in 1, 2, 3, 5. */
static void vpit_gate(struct vpit_channel *c, bool level, uint64_t t)
{
	if (level == c->gate)
		return;
	c->gate = level;
	switch (c->mode) {
	case 0:
	case 4:
		vpit_rebase(c, t, level);
		break;
	case 2:
	case 3:
		/* GATE low stops counting and forces OUT high; a rising edge reloads. */
		if (!level) {
			vpit_rebase(c, t, false);
			c->switch_pending = false;
		} else if (c->have_count) {
			vpit_load_next_clk(c, t);
		}
		break;
	default:
		if (level && c->have_count)
			vpit_load_next_clk(c, t);
		break;
	}
}

/* ---------------------------------------------------------- entries --- */

uint8_t vpit_read(struct vpit *pit, unsigned offset)
{
	uint64_t t;

	if (offset >= VPIT_CONTROL)
		return 0xff; /* A1 A0 = 11 read: "No-Operation (3-State)" */
	t = vpit_now(pit);
	vpit_sync(pit, offset, t);
	return vpit_read_counter(&pit->ch[offset], t);
}

static void vpit_read_back(struct vpit *pit, uint8_t v, uint64_t t)
{
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		if (!(v & VPIT_RB_CNT(i)))
			continue;
		vpit_sync(pit, i, t);
		/* Count before status in the latches; reads give status first. */
		if (!(v & VPIT_RB_NO_COUNT))
			vpit_latch_count(&pit->ch[i], t);
		if (!(v & VPIT_RB_NO_STATUS))
			vpit_latch_status(&pit->ch[i], t);
	}
}

void vpit_write(struct vpit *pit, unsigned offset, uint8_t value)
{
	uint64_t t = vpit_now(pit);
	unsigned i = value >> 6;

	if (offset < VPIT_CONTROL) {
		vpit_sync(pit, offset, t);
		vpit_write_counter(&pit->ch[offset], value, t);
		vpit_settle(pit, offset, t);
	} else if (offset == VPIT_CONTROL) {
		if ((value & VPIT_CW_READ_BACK) == VPIT_CW_READ_BACK) {
			vpit_read_back(pit, value, t);
			return;
		}
		vpit_sync(pit, i, t);
		if ((value & VPIT_CW_RW_MASK) == VPIT_CW_RW_LATCH)
			vpit_latch_count(&pit->ch[i], t);
		else
			vpit_write_control(&pit->ch[i], value, t);
		vpit_settle(pit, i, t);
	}
}

int vpit_set_gate(struct vpit *pit, unsigned channel, bool level)
{
	uint64_t t;

	if (channel >= VPIT_CHANNELS)
		return -EINVAL;
	t = vpit_now(pit);
	vpit_sync(pit, channel, t);
	vpit_gate(&pit->ch[channel], level, t);
	vpit_settle(pit, channel, t);
	return 0;
}

/*
 * Port 0x61 (PIIX "NMI Status and Control Register"): bits 3:0 read back
 * as written, bit 4 is the refresh cycle toggle (it flips every 15.085 us
 * on the CLK's time base), bit 5 is OUT2, bits 7:6 (SERR#, IOCHK# status)
 * read 0: this machine raises neither.
 */
uint8_t vpit_port_b_read(struct vpit *pit)
{
	uint64_t t = vpit_now(pit);
	uint8_t v = pit->port_b;

	vpit_sync(pit, 2, t);
	if ((t / VPIT_REFRESH_CLK) & 1)
		v |= VPIT_PORTB_REFRESH;
	if (vpit_ch_out(&pit->ch[2], t))
		v |= VPIT_PORTB_OUT2;
	return v;
}

void vpit_port_b_write(struct vpit *pit, uint8_t value)
{
	pit->port_b = value & VPIT_PORTB_RW;
	vpit_set_gate(pit, 2, value & VPIT_PORTB_GATE2);
}

bool vpit_out(struct vpit *pit, unsigned channel)
{
	struct vpit_channel c;
	uint64_t t = vpit_now(pit);

	if (channel >= VPIT_CHANNELS)
		return false;
	/* On a copy: reporting OUT0's edges is vpit_update()'s job. */
	c = pit->ch[channel];
	vpit_advance(&c, t, t);
	return vpit_ch_out(&c, t);
}

void vpit_update(struct vpit *pit)
{
	vpit_sync(pit, 0, vpit_now(pit));
}

uint64_t vpit_next_event_ns(struct vpit *pit)
{
	const struct vpit_channel *c = &pit->ch[0];
	uint64_t t = vpit_now(pit), next, ns;

	vpit_sync(pit, 0, t);
	next = vpit_next_rise(c, t);
	if (c->switch_pending && c->switch_tick < next)
		next = c->switch_tick;
	if (next == VPIT_NEVER)
		return VPIT_NEVER;
	ns = vpit_tick_to_ns(next);
	return ns > VPIT_NEVER - pit->origin_ns ? VPIT_NEVER : pit->origin_ns + ns;
}

void vpit_reset(struct vpit *pit)
{
	uint64_t t = vpit_now(pit);

	for (unsigned i = 0; i < VPIT_CHANNELS; i++)
		vpit_sync(pit, i, t);
	memset(pit->ch, 0, sizeof(pit->ch));
	pit->port_b = 0;
	pit->ch[0].gate = true;
	pit->ch[1].gate = true;
	vpit_write_control(&pit->ch[0], VPIT_CW_RW_WORD | VPIT_CW_MODE(3), t);
	vpit_write_counter(&pit->ch[0], 0, t);
	vpit_write_counter(&pit->ch[0], 0, t);
	vpit_write_control(&pit->ch[1], VPIT_CW_RW_LSB | VPIT_CW_MODE(2), t);
	vpit_write_counter(&pit->ch[1], 18, t);
	vpit_write_control(&pit->ch[2], VPIT_CW_RW_WORD | VPIT_CW_MODE(3), t);
	vpit_settle(pit, 0, t);
}

void vpit_init(struct vpit *pit, vpit_clock_fn clock, void *clock_ctx, vpit_irq_fn irq0,
	       void *irq0_ctx)
{
	memset(pit, 0, sizeof(*pit));
	pit->clock = clock;
	pit->clock_ctx = clock_ctx;
	pit->origin_ns = clock(clock_ctx);
	vpit_reset(pit);
	/* The owner's IRQ0 line starts low: the first update reports OUT0. */
	pit->out0 = false;
	pit->irq0 = irq0;
	pit->irq0_ctx = irq0_ctx;
}

/* 8-bit ISA device: wider accesses become byte cycles, as in vuart.c. */
static uint32_t vpit_io_read(void *opaque, uint16_t offset, unsigned size)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = reg < VPIT_PORTS ? vpit_read(opaque, reg) : 0xff;

		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void vpit_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;

		if (reg < VPIT_PORTS)
			vpit_write(opaque, reg, (uint8_t)(value >> (8 * i)));
	}
}

static uint32_t vpit_port_b_io_read(void *opaque, uint16_t offset, unsigned size)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		uint8_t b = offset + i == 0 ? vpit_port_b_read(opaque) : 0xff;

		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void vpit_port_b_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	if (offset == 0)
		vpit_port_b_write(opaque, (uint8_t)value);
}

int vpit_attach(struct viobus *bus, struct vpit *pit)
{
	const struct viobus_dev devs[] = {
		{ "vpit", VPIT_BASE, VPIT_PORTS, vpit_io_read, vpit_io_write, pit },
		{ "vpit-port61", VPIT_PORT_B, 1, vpit_port_b_io_read, vpit_port_b_io_write, pit },
	};

	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		int err = viobus_register(bus, &devs[i]);

		if (err)
			return err;
	}
	return 0;
}
