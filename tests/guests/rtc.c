// SPDX-License-Identifier: MIT
/*
 * rtc.elf: the CMOS RTC at ports 0x70/0x71 (Motorola MC146818A datasheet;
 * the century byte at 0x32 of the IBM PC AT CMOS).
 *
 * Registers: D shows valid RAM and time (VRT), A's divider runs the
 * 32.768 kHz time base. The time (seconds, minutes, hours, day of week,
 * date, month, year, century) is read the way Linux's mc146818_get_time()
 * does (UIP clear, read twice until equal), decoded as BCD or binary per
 * register B (DM) in 12- or 24-hour form (24/12), and checked in range,
 * each BCD digit below 10 and the date valid for its month. The guest
 * then polls until the seconds advance (at most ~1 s of guest time: 50M
 * TSC ticks under the Bochs of the tests) and must see UIP set before
 * they do and the seconds move by exactly one.
 *
 * Register C: with the periodic interrupt enabled (PIE) PF and IRQF are
 * set and a read clears them; without PIE PF is still set but not IRQF
 * (S: QEMU sets PF only with PIE, SKIP bare). The periodic interrupt at
 * 256 Hz arrives on IRQ8 through the 8259s (local APIC in virtual-wire
 * mode, LINT0 ExtINT) and through the IOAPIC (GSI 8, edge), the handler
 * reading C to re-arm it; N interrupts take at least 3/4 of N-1 periods.
 * An NVRAM byte (0x40) reads back what was written. Nothing here sets the
 * time.
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "ioapic.h"
#include "irq.h"
#include "pic.h"
#include "test.h"
#include "timer.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_WEEKDAY  0x06
#define RTC_MDAY     0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_REG_A    0x0a
#define RTC_REG_B    0x0b
#define RTC_REG_C    0x0c
#define RTC_REG_D    0x0d
#define RTC_CENTURY  0x32
#define CMOS_SCRATCH 0x40 /* NVRAM past the AT's standard bytes */

#define RTC_A_UIP     0x80
#define RTC_A_DV_MASK 0x70
#define RTC_A_DV_32K  0x20
#define RTC_A_RS_MASK 0x0f
#define RTC_B_PIE     0x40
#define RTC_B_DM_BIN  0x04
#define RTC_B_24H     0x02
#define RTC_C_IRQF    0x80
#define RTC_C_PF      0x40
#define RTC_D_VRT     0x80
#define RTC_HOUR_PM   0x80

#define RTC_RS_1024HZ 6
#define RTC_RS_256HZ  8
#define RTC_256HZ_US  3906 /* period at rate 8 */
#define RTC_IRQ_COUNT 16

#define PIC_BASE     0x20
#define RTC_ISA_IRQ  8
#define VEC_RTC_PIC  (PIC_BASE + RTC_ISA_IRQ)
#define VEC_RTC_IO   0x68
#define VEC_SPURIOUS 0xff

const char guest_name[] = "rtc";

struct rtc_time {
	uint8_t sec, min, hour, wday, mday, month, year, century;
};

static uint8_t rtc_b;
static volatile uint64_t hit_tsc;

static uint64_t ms_to_tsc(uint32_t ms)
{
	return timer_us_to_tsc(ms * 1000);
}

static uint8_t cmos_read(uint8_t index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

static void cmos_write(uint8_t index, uint8_t val)
{
	outb(CMOS_INDEX, index);
	outb(CMOS_DATA, val);
}

static bool rtc_binary(void)
{
	return rtc_b & RTC_B_DM_BIN;
}

/* A register in its mode as a number; false if BCD with a digit above 9. */
static bool rtc_decode(uint8_t raw, uint8_t *val)
{
	if (rtc_binary()) {
		*val = raw;
		return true;
	}
	*val = (raw >> 4) * 10 + (raw & 0xf);
	return (raw >> 4) <= 9 && (raw & 0xf) <= 9;
}

/* Wait (bounded) for UIP clear; true if it was seen set meanwhile. */
static bool rtc_wait_uip_clear(void)
{
	uint64_t start = rdtsc(), budget = ms_to_tsc(10);
	bool seen = false;

	while (cmos_read(RTC_REG_A) & RTC_A_UIP) {
		seen = true;
		if (rdtsc() - start > budget)
			break;
	}
	return seen;
}

static void rtc_read_raw(struct rtc_time *t)
{
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->wday = cmos_read(RTC_WEEKDAY);
	t->mday = cmos_read(RTC_MDAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
}

static bool rtc_same(const struct rtc_time *a, const struct rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->wday == b->wday &&
	       a->mday == b->mday && a->month == b->month && a->year == b->year &&
	       a->century == b->century;
}

/* As Linux's mc146818_get_time(): outside an update, twice the same. */
static bool rtc_read_time(struct rtc_time *t)
{
	struct rtc_time again;
	unsigned int i;

	for (i = 0; i < 10; i++) {
		rtc_wait_uip_clear();
		rtc_read_raw(t);
		rtc_read_raw(&again);
		if (rtc_same(t, &again))
			return true;
	}
	return false;
}

static unsigned int days_in_month(unsigned int month, unsigned int year)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

static void rtc_check_time(void)
{
	struct rtc_time raw;
	uint8_t sec, min, hour, wday, mday, month, year, century, hour_raw;
	bool pm = false, bcd_ok = true, h_ok;

	if (!test_check(rtc_read_time(&raw), "rtc_time_stable",
			"no two equal reads of the time in 10 tries"))
		return;
	hour_raw = raw.hour;
	if (!(rtc_b & RTC_B_24H)) {
		pm = hour_raw & RTC_HOUR_PM;
		hour_raw &= ~RTC_HOUR_PM;
	}
	bcd_ok &= rtc_decode(raw.sec, &sec);
	bcd_ok &= rtc_decode(raw.min, &min);
	bcd_ok &= rtc_decode(hour_raw, &hour);
	bcd_ok &= rtc_decode(raw.wday, &wday);
	bcd_ok &= rtc_decode(raw.mday, &mday);
	bcd_ok &= rtc_decode(raw.month, &month);
	bcd_ok &= rtc_decode(raw.year, &year);
	bcd_ok &= rtc_decode(raw.century, &century);
	test_info("rtc: %02u%02u-%02u-%02u %02u:%02u:%02u%s weekday %u (%s, %s)", century, year,
		  month, mday, hour, min, sec, (rtc_b & RTC_B_24H) ? "" : (pm ? " PM" : " AM"),
		  wday, rtc_binary() ? "binary" : "BCD", (rtc_b & RTC_B_24H) ? "24h" : "12h");
	if (!rtc_binary())
		test_check(bcd_ok, "rtc_time_bcd",
			   "a BCD digit above 9: %02x %02x %02x %02x %02x %02x %02x %02x", raw.sec,
			   raw.min, raw.hour, raw.wday, raw.mday, raw.month, raw.year, raw.century);
	h_ok = (rtc_b & RTC_B_24H) ? hour <= 23 : hour >= 1 && hour <= 12;
	test_check(sec <= 59 && min <= 59 && h_ok && wday >= 1 && wday <= 7 && month >= 1 &&
			   month <= 12 && year <= 99 && (century == 19 || century == 20) &&
			   mday >= 1 && mday <= days_in_month(month, century * 100u + year),
		   "rtc_time_range", "%u%02u-%u-%u %u:%u:%u weekday %u", century, year, month, mday,
		   hour, min, sec, wday);
}

/*
 * Poll until the seconds change (at most ~1 s): UIP must be seen set
 * first (it is high for 244 us before an update and ~2 ms during it),
 * and the new value is the old one plus one.
 */
static void rtc_check_advance(void)
{
	uint64_t start = rdtsc(), budget = ms_to_tsc(1500), took;
	uint8_t first, now = 0, a, b;
	bool uip = false, changed = false;

	rtc_wait_uip_clear();
	first = cmos_read(RTC_SECONDS);
	while (rdtsc() - start < budget) {
		if (cmos_read(RTC_REG_A) & RTC_A_UIP) {
			uip = true;
			continue;
		}
		now = cmos_read(RTC_SECONDS);
		if (now != first) {
			changed = true;
			break;
		}
	}
	took = rdtsc() - start;
	test_info("rtc: seconds %#x -> %#x after %llu TSC ticks", first, now,
		  (unsigned long long)took);
	if (!test_check(changed, "rtc_seconds_advance", "seconds stayed %#x for 1.5 s", first))
		return;
	rtc_decode(first, &a);
	rtc_decode(now, &b);
	test_check(b == (a + 1) % 60, "rtc_seconds_step", "seconds went from %u to %u", a, b);
	test_check(uip, "rtc_uip_seen", "register A UIP never read 1 before the update");
}

/* Register C: PF with and without PIE, IRQF only with it, cleared by reading. */
static void rtc_check_reg_c(void)
{
	uint8_t a = cmos_read(RTC_REG_A), c1, c2;

	cmos_write(RTC_REG_B, rtc_b & ~RTC_B_PIE);
	cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_A, (a & ~RTC_A_RS_MASK) | RTC_RS_1024HZ);
	timer_delay_us(5000);
	c1 = cmos_read(RTC_REG_C);
	test_check_strata((c1 & (RTC_C_PF | RTC_C_IRQF)) == RTC_C_PF, "rtc_reg_c_pf_without_pie",
			  "C=%#x after 5 ms at 1024 Hz, PIE clear: want PF, not IRQF", c1);

	cmos_write(RTC_REG_B, rtc_b | RTC_B_PIE);
	timer_delay_us(5000);
	cmos_write(RTC_REG_A, a & ~RTC_A_RS_MASK); /* no more periods; PF stays latched */
	c1 = cmos_read(RTC_REG_C);
	c2 = cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_B, rtc_b & ~RTC_B_PIE);
	cmos_write(RTC_REG_A, a);
	test_check((c1 & (RTC_C_PF | RTC_C_IRQF)) == (RTC_C_PF | RTC_C_IRQF), "rtc_reg_c_flags",
		   "C=%#x after 5 ms at 1024 Hz with PIE: want PF and IRQF", c1);
	test_check(!(c2 & (RTC_C_PF | RTC_C_IRQF)), "rtc_reg_c_read_clears",
		   "second read of C gave %#x (first %#x)", c2, c1);
}

static void rtc_pic_handler(unsigned int v)
{
	hit_tsc = rdtsc();
	cmos_read(RTC_REG_C);
	pic_eoi(RTC_ISA_IRQ);
}

static void rtc_ioapic_handler(unsigned int v)
{
	hit_tsc = rdtsc();
	cmos_read(RTC_REG_C);
	apic_eoi();
}

/* RTC_IRQ_COUNT periodic interrupts at 256 Hz on @vector. */
static void rtc_periodic(unsigned int vector, const char *name, const char *path)
{
	uint8_t a = cmos_read(RTC_REG_A);
	uint64_t t0, elapsed, min;
	bool arrived;

	min = div_u64_u32(timer_us_to_tsc(RTC_256HZ_US) * (RTC_IRQ_COUNT - 1) * 3, 4);
	cmos_write(RTC_REG_A, (a & ~RTC_A_RS_MASK) | RTC_RS_256HZ);
	cmos_read(RTC_REG_C);
	irq_reset_counts();
	t0 = rdtsc();
	cmos_write(RTC_REG_B, rtc_b | RTC_B_PIE);
	arrived = irq_wait(vector, RTC_IRQ_COUNT, ms_to_tsc(500));
	elapsed = hit_tsc - t0;
	cmos_write(RTC_REG_B, rtc_b & ~RTC_B_PIE);
	cmos_write(RTC_REG_A, a);
	sti();
	timer_delay_us(100);
	cli();
	cmos_read(RTC_REG_C);
	if (arrived)
		test_info("rtc: %u interrupts at 256 Hz through %s in %llu TSC ticks",
			  RTC_IRQ_COUNT, path, (unsigned long long)elapsed);
	test_check(arrived && elapsed >= min, name,
		   "%u of %u periodic interrupts through %s (vector %#x) in %llu TSC ticks "
		   "(want all, in >= %llu)",
		   irq_count[vector], RTC_IRQ_COUNT, path, vector, (unsigned long long)elapsed,
		   (unsigned long long)min);
}

static void rtc_check_nvram(void)
{
	uint8_t old = cmos_read(CMOS_SCRATCH), v1, v2;

	cmos_write(CMOS_SCRATCH, 0x5a);
	v1 = cmos_read(CMOS_SCRATCH);
	cmos_write(CMOS_SCRATCH, 0xa5);
	v2 = cmos_read(CMOS_SCRATCH);
	cmos_write(CMOS_SCRATCH, old);
	test_check(v1 == 0x5a && v2 == 0xa5, "rtc_nvram_rw",
		   "CMOS %#x read %#x, %#x (want 0x5a, 0xa5)", CMOS_SCRATCH, v1, v2);
}

void guest_main(void)
{
	uint8_t a, d;

	irq_init();
	pic_init(PIC_BASE, PIC_BASE + 8);
	apic_sw_enable(VEC_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_virtual_wire();
	irq_set_handler(VEC_RTC_PIC, rtc_pic_handler);
	irq_set_handler(VEC_RTC_IO, rtc_ioapic_handler);
	if (!timer_calibrate("rtc_tsc_calibrate"))
		return;

	a = cmos_read(RTC_REG_A);
	rtc_b = cmos_read(RTC_REG_B) & ~RTC_B_PIE;
	d = cmos_read(RTC_REG_D);
	test_info("rtc: A=%#x B=%#x D=%#x", a, rtc_b, d);
	test_check(d & RTC_D_VRT, "rtc_reg_d_vrt", "register D %#x: VRT clear", d);
	test_check((a & RTC_A_DV_MASK) == RTC_A_DV_32K, "rtc_reg_a_divider",
		   "register A %#x: divider not running the 32.768 kHz time base", a);
	rtc_check_time();
	rtc_check_advance();
	rtc_check_reg_c();

	pic_mask(RTC_ISA_IRQ, false);
	rtc_periodic(VEC_RTC_PIC, "rtc_periodic_irq8_pic", "the 8259s");
	pic_mask(RTC_ISA_IRQ, true);
	ioapic_set_rte(RTC_ISA_IRQ, VEC_RTC_IO, (uint8_t)apic_id());
	rtc_periodic(VEC_RTC_IO, "rtc_periodic_irq8_ioapic", "the IOAPIC");
	ioapic_set_rte(RTC_ISA_IRQ, IOAPIC_RTE_MASKED | VEC_RTC_IO, (uint8_t)apic_id());
	rtc_check_nvram();
}
