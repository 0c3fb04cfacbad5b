/*
 * Emulated MC146818A RTC and CMOS RAM; see vrtc.h for the map and for the
 * time model. Quotes are from the Motorola MC146818A datasheet.
 *
 * Everything runs on the 32.768 kHz time base. The divider chain count D
 * (in time-base ticks) advances with the owner's clock while DV = 010;
 * each multiple of 32768 is an update boundary ("the update cycle ...
 * once every second"), each multiple of the RS period a periodic flag.
 * After a divider reset D restarts at 16384, so the first update comes
 * "500 ms later". The time shown is s_base plus the update boundaries
 * passed since s_dbase, with no updates counted while SET = 1.
 *
 * Timing of an update, in time-base ticks around a boundary b (32.768 kHz
 * figures of "Update Cycle" and Figure 16):
 *	b - 8 .. b       UIP = 1 (tBUC = 244 us before the cycle)
 *	b                the time registers step
 *	b .. b + 65      UIP = 1 (tUC = 1984 us, the cycle itself)
 *	b + 65           UF set, and AF if the alarm matches
 * The registers read as the new time during the cycle: the datasheet
 * says they are "not available"; guests wait for UIP = 0.
 *
 * Flags are raised lazily: every entry point first raises what came due
 * between the last synchronisation and the present, then acts.
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/vrtc.h"

#define VRTC_NSEC       1000000000ull
#define VRTC_NEVER      UINT64_MAX
#define VRTC_TB_HZ      32768u /* time base */
#define VRTC_UIP_BEFORE 8u     /* 244 us in time-base ticks */
#define VRTC_UPDATE_LEN 65u    /* 1984 us */
#define VRTC_RELEASE_D  16384u /* divider released: first update 500 ms later */
#define VRTC_DAY        86400
#define VRTC_A_RW       0x7f

/* Bytes that are the time (the rest of the CMOS is stored as written). */
static bool vrtc_is_time(unsigned index)
{
	switch (index) {
	case VRTC_SECONDS:
	case VRTC_MINUTES:
	case VRTC_HOURS:
	case VRTC_DAY_OF_WEEK:
	case VRTC_DAY_OF_MONTH:
	case VRTC_MONTH:
	case VRTC_YEAR:
	case VRTC_CENTURY:
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------------ calendar --- */

static int64_t vrtc_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t vrtc_mod(int64_t a, int64_t b)
{
	return a - vrtc_div(a, b) * b;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (m 1-12). */
static int64_t vrtc_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = vrtc_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct vrtc_tm {
	int64_t year;
	unsigned mon, mday, hour, min, sec, wday; /* mon 1-12, mday 1-31, wday 0 = Sunday */
};

static void vrtc_civil_from_secs(int64_t s, struct vrtc_tm *tm)
{
	int64_t days = vrtc_div(s, VRTC_DAY), sod = s - days * VRTC_DAY;
	int64_t z = days + 719468, era = vrtc_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	tm->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = yoe + era * 400 + (tm->mon <= 2);
	tm->hour = (unsigned)(sod / 3600);
	tm->min = (unsigned)(sod / 60 % 60);
	tm->sec = (unsigned)(sod % 60);
	tm->wday = (unsigned)vrtc_mod(days + 4, 7); /* 1970-01-01 was a Thursday */
}

/* ----------------------------------------------------------- formats --- */

static bool vrtc_binary(const struct vrtc *rtc)
{
	return rtc->cmos[VRTC_REG_B] & VRTC_B_DM;
}

/* A value in the data mode of register B DM: BCD holds two decimal digits. */
static uint8_t vrtc_encode(const struct vrtc *rtc, int64_t v)
{
	if (vrtc_binary(rtc))
		return (uint8_t)v;
	v = vrtc_mod(v, 100);
	return (uint8_t)(v / 10 << 4 | v % 10);
}

/* A byte in the data mode; a BCD nibble above 9 counts as its binary value. */
static int64_t vrtc_decode(const struct vrtc *rtc, uint8_t b)
{
	return vrtc_binary(rtc) ? b : (b >> 4) * 10 + (b & 15);
}

/* Hours: 0-23, or 1-12 with bit 7 for PM in 12-hour mode. */
static uint8_t vrtc_encode_hour(const struct vrtc *rtc, unsigned hour)
{
	unsigned h12 = hour % 12 ? hour % 12 : 12;

	if (rtc->cmos[VRTC_REG_B] & VRTC_B_24H)
		return vrtc_encode(rtc, hour);
	return (uint8_t)(vrtc_encode(rtc, h12) | (hour >= 12 ? VRTC_HOURS_PM : 0));
}

static int64_t vrtc_decode_hour(const struct vrtc *rtc, uint8_t b)
{
	if (rtc->cmos[VRTC_REG_B] & VRTC_B_24H)
		return vrtc_decode(rtc, b);
	return vrtc_decode(rtc, b & 0x7f) % 12 + (b & VRTC_HOURS_PM ? 12 : 0);
}

/* Write the time bytes for `s` into `r` (indexed like the CMOS). */
static void vrtc_format(const struct vrtc *rtc, int64_t s, uint8_t *r)
{
	struct vrtc_tm tm;

	vrtc_civil_from_secs(s, &tm);
	r[VRTC_SECONDS] = vrtc_encode(rtc, tm.sec);
	r[VRTC_MINUTES] = vrtc_encode(rtc, tm.min);
	r[VRTC_HOURS] = vrtc_encode_hour(rtc, tm.hour);
	r[VRTC_DAY_OF_WEEK] = vrtc_encode(rtc, (tm.wday + rtc->dow_adjust) % 7 + 1);
	r[VRTC_DAY_OF_MONTH] = vrtc_encode(rtc, tm.mday);
	r[VRTC_MONTH] = vrtc_encode(rtc, tm.mon);
	r[VRTC_YEAR] = vrtc_encode(rtc, vrtc_mod(tm.year, 100));
	r[VRTC_CENTURY] = vrtc_encode(rtc, vrtc_div(tm.year, 100));
}

/*
 * The time the bytes in `r` say, fields out of range carrying over, and
 * the day-of-week byte's offset from that date's weekday.
 */
static int64_t vrtc_parse(const struct vrtc *rtc, const uint8_t *r, uint8_t *dow_adjust)
{
	int64_t year = vrtc_decode(rtc, r[VRTC_CENTURY]) * 100 + vrtc_decode(rtc, r[VRTC_YEAR]);
	int64_t mon = vrtc_decode(rtc, r[VRTC_MONTH]) - 1;
	int64_t days, wday;

	year += vrtc_div(mon, 12);
	mon = vrtc_mod(mon, 12);
	days = vrtc_days_from_civil(year, mon + 1, 1) + vrtc_decode(rtc, r[VRTC_DAY_OF_MONTH]) - 1;
	wday = vrtc_mod(days + 4, 7);
	*dow_adjust = (uint8_t)vrtc_mod(vrtc_decode(rtc, r[VRTC_DAY_OF_WEEK]) - 1 - wday, 7);
	return days * VRTC_DAY + vrtc_decode_hour(rtc, r[VRTC_HOURS]) * 3600 +
	       vrtc_decode(rtc, r[VRTC_MINUTES]) * 60 + vrtc_decode(rtc, r[VRTC_SECONDS]);
}

/* ------------------------------------------------------------- time --- */

/* Time-base ticks that have happened by `ns` after h = 0. */
static uint64_t vrtc_ns_to_tick(uint64_t ns)
{
	return ns / VRTC_NSEC * VRTC_TB_HZ + ns % VRTC_NSEC * VRTC_TB_HZ / VRTC_NSEC;
}

/* The first nanosecond at which tick h has happened. */
static uint64_t vrtc_tick_to_ns(uint64_t h)
{
	uint64_t q = h / VRTC_TB_HZ, r = h % VRTC_TB_HZ;

	if (q >= (VRTC_NEVER - VRTC_NSEC) / VRTC_NSEC)
		return VRTC_NEVER;
	return q * VRTC_NSEC + (r * VRTC_NSEC + VRTC_TB_HZ - 1) / VRTC_TB_HZ;
}

static uint64_t vrtc_now(struct vrtc *rtc)
{
	uint64_t ns = rtc->clock(rtc->clock_ctx);
	uint64_t h = ns > rtc->origin_ns ? vrtc_ns_to_tick(ns - rtc->origin_ns) : 0;

	if (h > rtc->now)
		rtc->now = h;
	return rtc->now;
}

static uint64_t vrtc_chain(const struct vrtc *rtc, uint64_t h)
{
	return rtc->running ? rtc->d_base + (h - rtc->h_base) : rtc->d_base;
}

/* Seconds shown once the chain has reached d (d >= s_dbase). */
static int64_t vrtc_secs_at(const struct vrtc *rtc, uint64_t d)
{
	return rtc->s_base + (int64_t)(d / VRTC_TB_HZ) - (int64_t)(rtc->s_dbase / VRTC_TB_HZ);
}

static bool vrtc_set_mode(const struct vrtc *rtc)
{
	return rtc->cmos[VRTC_REG_B] & VRTC_B_SET;
}

/* Updates happen: the chain runs and SET is clear. */
static bool vrtc_updating(const struct vrtc *rtc)
{
	return rtc->running && !vrtc_set_mode(rtc);
}

/* The first update boundary after the time was last set. */
static uint64_t vrtc_first_boundary(const struct vrtc *rtc)
{
	return (rtc->s_dbase / VRTC_TB_HZ + 1) * VRTC_TB_HZ;
}

/* Update cycles that have ended by chain count d. */
static uint64_t vrtc_updates_upto(const struct vrtc *rtc, uint64_t d)
{
	uint64_t first_end = vrtc_first_boundary(rtc) + VRTC_UPDATE_LEN;

	return d >= first_end ? (d - first_end) / VRTC_TB_HZ + 1 : 0;
}

/* Periodic interrupt period in time-base ticks, 0 for none (RS3-0 table, 32.768 kHz column). */
static uint64_t vrtc_period(const struct vrtc *rtc)
{
	unsigned rs = rtc->cmos[VRTC_REG_A] & VRTC_A_RS_MASK;

	if (rs == 0)
		return 0;
	if (rs <= 2)
		rs += 7; /* 1 and 2 repeat 8 and 9: 3.90625 ms and 7.8125 ms */
	return 1ull << (rs - 1);
}

/*
 * "Alarm": AF is set at an update when the seconds, minutes and hours
 * match their alarm bytes; a "don't care" byte (11XXXXXX) matches all.
 * Bytes compare as formatted, so a 12-hour alarm names its PM bit.
 */
static bool vrtc_alarm_byte(const struct vrtc *rtc, unsigned index, uint8_t now)
{
	uint8_t a = rtc->cmos[index];

	return (a & VRTC_ALARM_DONTCARE) == VRTC_ALARM_DONTCARE || a == now;
}

/* Can any time of day match the alarm bytes? (0x13 in 12-hour BCD cannot.) */
static bool vrtc_alarm_possible(const struct vrtc *rtc)
{
	bool sec = false, min = false, hour = false;

	for (unsigned v = 0; v < 60; v++) {
		sec |= vrtc_alarm_byte(rtc, VRTC_SECONDS_ALARM, vrtc_encode(rtc, v));
		min |= vrtc_alarm_byte(rtc, VRTC_MINUTES_ALARM, vrtc_encode(rtc, v));
		if (v < 24)
			hour |= vrtc_alarm_byte(rtc, VRTC_HOURS_ALARM, vrtc_encode_hour(rtc, v));
	}
	return sec && min && hour;
}

/*
 * Did the time pass through a match in seconds s0..s1 (one update each)?
 * Skips whole hours and minutes that cannot match, so a day of updates
 * costs a few dozen steps; a day covers every time of day.
 */
static bool vrtc_alarm_between(const struct vrtc *rtc, int64_t s0, int64_t s1)
{
	if (!vrtc_alarm_possible(rtc))
		return false;
	if (s1 - s0 >= VRTC_DAY)
		return true;
	for (int64_t s = s0; s <= s1;) {
		int64_t sod = vrtc_mod(s, VRTC_DAY);

		if (!vrtc_alarm_byte(rtc, VRTC_HOURS_ALARM,
				     vrtc_encode_hour(rtc, (unsigned)(sod / 3600))))
			s += 3600 - sod % 3600;
		else if (!vrtc_alarm_byte(rtc, VRTC_MINUTES_ALARM, vrtc_encode(rtc, sod / 60 % 60)))
			s += 60 - sod % 60;
		else if (!vrtc_alarm_byte(rtc, VRTC_SECONDS_ALARM, vrtc_encode(rtc, sod % 60)))
			s++;
		else
			return true;
	}
	return false;
}

/* Did any of the updates numbered k0 .. k1-1 match the alarm? */
static bool vrtc_alarm_in(const struct vrtc *rtc, uint64_t k0, uint64_t k1)
{
	uint64_t b0 = vrtc_first_boundary(rtc);

	return vrtc_alarm_between(rtc, vrtc_secs_at(rtc, b0 + k0 * VRTC_TB_HZ),
				  vrtc_secs_at(rtc, b0 + (k1 - 1) * VRTC_TB_HZ));
}

/* "IRQF = PF * PIE + AF * AIE + UF * UIE"; the IRQ pin follows it. */
static bool vrtc_irqf(const struct vrtc *rtc)
{
	uint8_t b = rtc->cmos[VRTC_REG_B];

	return ((rtc->flags & VRTC_C_PF) && (b & VRTC_B_PIE)) ||
	       ((rtc->flags & VRTC_C_AF) && (b & VRTC_B_AIE)) ||
	       ((rtc->flags & VRTC_C_UF) && (b & VRTC_B_UIE));
}

static void vrtc_report(struct vrtc *rtc)
{
	bool level = vrtc_irqf(rtc);

	if (level == rtc->irq)
		return;
	rtc->irq = level;
	if (level)
		rtc->irqs++;
	if (rtc->irq_changed)
		rtc->irq_changed(rtc->irq_ctx, level);
}

/* Raise PF, UF and AF for what the chain did up to tick h. */
static void vrtc_sync(struct vrtc *rtc, uint64_t h)
{
	uint64_t d0 = rtc->d_synced, d1 = vrtc_chain(rtc, h), p = vrtc_period(rtc);

	if (d1 <= d0)
		return;
	rtc->d_synced = d1;
	if (p && d1 / p > d0 / p)
		rtc->flags |= VRTC_C_PF;
	if (vrtc_updating(rtc)) {
		uint64_t k0 = vrtc_updates_upto(rtc, d0), k1 = vrtc_updates_upto(rtc, d1);

		if (k1 > k0) {
			rtc->flags |= VRTC_C_UF;
			if (!(rtc->flags & VRTC_C_AF) && vrtc_alarm_in(rtc, k0, k1))
				rtc->flags |= VRTC_C_AF;
		}
	}
}

/* The time now, from the chain (SET = 0) or the bytes written (SET = 1). */
static int64_t vrtc_secs_now(const struct vrtc *rtc)
{
	uint8_t dow;

	if (vrtc_set_mode(rtc))
		return vrtc_parse(rtc, rtc->cmos, &dow);
	return vrtc_secs_at(rtc, rtc->d_synced);
}

/* The time becomes `s` at the present chain count; updates count from here. */
static void vrtc_set_time(struct vrtc *rtc, int64_t s)
{
	rtc->s_base = s;
	rtc->s_dbase = rtc->d_synced;
}

/* Copy the running time into the time bytes (before SET, or to change one byte). */
static void vrtc_capture(struct vrtc *rtc)
{
	vrtc_format(rtc, vrtc_secs_now(rtc), rtc->cmos);
}

/*
 * Register A: DV2-DV0 and RS3-RS0; UIP is read-only. The chain runs with
 * DV = 010, is held at 0 with DV = 11x and restarts half a second before
 * its first update when released; other DV values stop it here.
 */
static void vrtc_write_a(struct vrtc *rtc, uint8_t v, uint64_t h)
{
	uint8_t dv = v & VRTC_A_DV_MASK;
	bool was_reset = (rtc->cmos[VRTC_REG_A] & VRTC_A_DV_RESET) == VRTC_A_DV_RESET;
	int64_t s = vrtc_secs_now(rtc);
	uint64_t d = rtc->d_synced;

	rtc->cmos[VRTC_REG_A] = v & VRTC_A_RW;
	if ((dv & VRTC_A_DV_RESET) == VRTC_A_DV_RESET)
		d = 0;
	else if (was_reset && dv == VRTC_A_DV_32K)
		d = VRTC_RELEASE_D;
	rtc->running = dv == VRTC_A_DV_32K;
	rtc->d_base = d;
	rtc->h_base = h;
	rtc->d_synced = d;
	if (!vrtc_set_mode(rtc))
		vrtc_set_time(rtc, s); /* the chain count may have jumped */
}

/*
 * Register B. "SET = 1 ... any update cycle in progress is aborted" and
 * UIE is cleared; the time bytes then read back as written until SET is
 * cleared, which makes them the time.
 */
static void vrtc_write_b(struct vrtc *rtc, uint8_t v)
{
	bool was_set = vrtc_set_mode(rtc);

	if (v & VRTC_B_SET)
		v &= (uint8_t)~VRTC_B_UIE;
	if (!was_set && (v & VRTC_B_SET)) {
		int64_t s = vrtc_secs_now(rtc);

		rtc->cmos[VRTC_REG_B] = v;
		vrtc_format(rtc, s, rtc->cmos); /* in the new format */
	} else if (was_set && !(v & VRTC_B_SET)) {
		rtc->cmos[VRTC_REG_B] = v;
		vrtc_set_time(rtc, vrtc_parse(rtc, rtc->cmos, &rtc->dow_adjust));
	} else {
		rtc->cmos[VRTC_REG_B] = v;
	}
}

static uint8_t vrtc_uip(const struct vrtc *rtc)
{
	uint64_t d = rtc->d_synced, r = d % VRTC_TB_HZ;

	if (!vrtc_updating(rtc))
		return 0;
	if (r >= VRTC_TB_HZ - VRTC_UIP_BEFORE)
		return VRTC_A_UIP;
	if (r < VRTC_UPDATE_LEN && d - r >= vrtc_first_boundary(rtc))
		return VRTC_A_UIP;
	return 0;
}

static uint8_t vrtc_read_data(struct vrtc *rtc)
{
	unsigned i = rtc->index;
	uint8_t r[VRTC_CMOS_SIZE], v;

	if (vrtc_is_time(i) && !vrtc_set_mode(rtc)) {
		vrtc_format(rtc, vrtc_secs_now(rtc), r);
		return r[i];
	}
	switch (i) {
	case VRTC_REG_A:
		return rtc->cmos[i] | vrtc_uip(rtc);
	case VRTC_REG_C:
		/* "All flag bits are cleared after Register C is read". */
		v = rtc->flags | (vrtc_irqf(rtc) ? VRTC_C_IRQF : 0);
		rtc->flags = 0;
		vrtc_report(rtc);
		return v;
	case VRTC_REG_D:
		return VRTC_D_VRT;
	default:
		return rtc->cmos[i];
	}
}

static void vrtc_write_data(struct vrtc *rtc, uint8_t v, uint64_t h)
{
	unsigned i = rtc->index;

	if (vrtc_is_time(i)) {
		if (vrtc_set_mode(rtc)) {
			rtc->cmos[i] = v;
			return;
		}
		/* Running: the new byte and the others as they are now are the time. */
		vrtc_capture(rtc);
		rtc->cmos[i] = v;
		vrtc_set_time(rtc, vrtc_parse(rtc, rtc->cmos, &rtc->dow_adjust));
		return;
	}
	switch (i) {
	case VRTC_REG_A:
		vrtc_write_a(rtc, v, h);
		break;
	case VRTC_REG_B:
		vrtc_write_b(rtc, v);
		break;
	case VRTC_REG_C:
	case VRTC_REG_D:
		break; /* read-only */
	default:
		rtc->cmos[i] = v;
		break;
	}
}

uint8_t vrtc_read(struct vrtc *rtc, unsigned offset)
{
	uint8_t v;

	if (offset != 1)
		return 0xff;
	vrtc_sync(rtc, vrtc_now(rtc));
	v = vrtc_read_data(rtc);
	vrtc_report(rtc);
	return v;
}

void vrtc_write(struct vrtc *rtc, unsigned offset, uint8_t value)
{
	uint64_t h;

	if (offset == 0) {
		rtc->index = value & VRTC_INDEX_MASK;
		rtc->nmi_disabled = value & VRTC_NMI_DISABLE;
		return;
	}
	if (offset != 1)
		return;
	h = vrtc_now(rtc);
	vrtc_sync(rtc, h);
	vrtc_write_data(rtc, value, h);
	vrtc_report(rtc);
}

int vrtc_nvram_write(struct vrtc *rtc, unsigned index, uint8_t value)
{
	if (index < VRTC_NVRAM_FIRST || index >= VRTC_CMOS_SIZE || index == VRTC_CENTURY)
		return -EINVAL;
	rtc->cmos[index] = value;
	return 0;
}

void vrtc_update(struct vrtc *rtc)
{
	vrtc_sync(rtc, vrtc_now(rtc));
	vrtc_report(rtc);
}

/* Next chain count > d at which an enabled source sets its flag, or VRTC_NEVER. */
static uint64_t vrtc_next_flag(const struct vrtc *rtc, uint64_t d)
{
	uint8_t b = rtc->cmos[VRTC_REG_B];
	uint64_t next = VRTC_NEVER, p = vrtc_period(rtc);

	if ((b & VRTC_B_PIE) && p)
		next = (d / p + 1) * p;
	if ((b & (VRTC_B_UIE | VRTC_B_AIE)) && vrtc_updating(rtc)) {
		uint64_t end = vrtc_first_boundary(rtc) + VRTC_UPDATE_LEN;

		if (d >= end)
			end += ((d - end) / VRTC_TB_HZ + 1) * VRTC_TB_HZ;
		next = MIN(next, end);
	}
	return next;
}

uint64_t vrtc_next_event_ns(struct vrtc *rtc)
{
	uint64_t h = vrtc_now(rtc), d, ns;

	vrtc_sync(rtc, h);
	vrtc_report(rtc);
	if (rtc->irq || !rtc->running)
		return VRTC_NEVER;
	d = vrtc_next_flag(rtc, rtc->d_synced);
	if (d == VRTC_NEVER)
		return VRTC_NEVER;
	ns = vrtc_tick_to_ns(rtc->h_base + (d - rtc->d_base));
	return ns > VRTC_NEVER - rtc->origin_ns ? VRTC_NEVER : rtc->origin_ns + ns;
}

int64_t vrtc_time(struct vrtc *rtc)
{
	vrtc_sync(rtc, vrtc_now(rtc));
	return vrtc_secs_now(rtc);
}

void vrtc_reset(struct vrtc *rtc)
{
	vrtc_sync(rtc, vrtc_now(rtc));
	rtc->cmos[VRTC_REG_B] &= (uint8_t) ~(VRTC_B_PIE | VRTC_B_AIE | VRTC_B_UIE | VRTC_B_SQWE);
	rtc->flags = 0;
	vrtc_report(rtc);
}

void vrtc_init(struct vrtc *rtc, vrtc_clock_fn clock, void *clock_ctx, vrtc_irq_fn irq_changed,
	       void *irq_ctx, int64_t unix_seconds)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clock = clock;
	rtc->clock_ctx = clock_ctx;
	rtc->irq_changed = irq_changed;
	rtc->irq_ctx = irq_ctx;
	rtc->origin_ns = clock(clock_ctx);
	rtc->cmos[VRTC_REG_A] = VRTC_A_DV_32K | 6;
	rtc->cmos[VRTC_REG_B] = VRTC_B_24H;
	rtc->running = true;
	rtc->d_base = VRTC_RELEASE_D;
	rtc->d_synced = VRTC_RELEASE_D;
	rtc->index = VRTC_REG_D;
	unix_seconds = MAX(unix_seconds, 0);
	unix_seconds = MIN(unix_seconds, VRTC_SECONDS_MAX);
	vrtc_set_time(rtc, unix_seconds);
}

/* 8-bit ISA device: wider accesses become byte cycles, as in vuart.c. */
static uint32_t vrtc_io_read(void *opaque, uint16_t offset, unsigned size)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = reg < VRTC_PORTS ? vrtc_read(opaque, reg) : 0xff;

		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void vrtc_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;

		if (reg < VRTC_PORTS)
			vrtc_write(opaque, reg, (uint8_t)(value >> (8 * i)));
	}
}

int vrtc_attach(struct viobus *bus, struct vrtc *rtc)
{
	struct viobus_dev dev = {
		.name = "vrtc",
		.base = VRTC_BASE,
		.count = VRTC_PORTS,
		.read = vrtc_io_read,
		.write = vrtc_io_write,
		.opaque = rtc,
	};

	return viobus_register(bus, &dev);
}
