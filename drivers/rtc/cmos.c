/*
 * Reading the host RTC (Motorola MC146818A datasheet, "Address Map" and
 * "Update Cycle"): wait until no update is in progress (register A, UIP),
 * read all fields, and read again until two passes agree, so a rollover
 * between fields cannot tear the time.
 */
#include <stdbool.h>

#include "drivers/rtc/cmos.h"
#include "kernel/arch/x86/cpu.h"
#include "kernel/lib/civil_time.h"

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define NMI_DISABLE 0x80 /* keep NMIs off while the index points somewhere */
#define REG_A_UIP   0x80
#define REG_B_24H   0x02
#define REG_B_BIN   0x04
#define HOUR_PM     0x80

struct rtc_fields {
	uint8_t sec, min, hour, day, mon, year, century;
};

static uint8_t cmos_read(uint8_t reg)
{
	cpu_outb(CMOS_INDEX, NMI_DISABLE | reg);
	return cpu_inb(CMOS_DATA);
}

static void read_fields(struct rtc_fields *f, uint8_t century_reg)
{
	for (int spins = 0; spins < 1000000 && (cmos_read(0x0a) & REG_A_UIP); spins++)
		cpu_relax();
	f->sec = cmos_read(0x00);
	f->min = cmos_read(0x02);
	f->hour = cmos_read(0x04);
	f->day = cmos_read(0x07);
	f->mon = cmos_read(0x08);
	f->year = cmos_read(0x09);
	f->century = century_reg ? cmos_read(century_reg) : 0;
}

static int bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

int64_t cmos_read_time(uint8_t century_reg)
{
	struct rtc_fields a, b;
	uint8_t reg_b;
	bool bin;
	int hour, year;

	read_fields(&a, century_reg);
	for (int tries = 0; tries < 5; tries++) {
		read_fields(&b, century_reg);
		if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
		    a.mon == b.mon && a.year == b.year && a.century == b.century)
			break;
		a = b;
	}
	reg_b = cmos_read(0x0b);
	bin = reg_b & REG_B_BIN;
	hour = bcd(b.hour & ~HOUR_PM, bin);
	if (!(reg_b & REG_B_24H)) /* 12-hour clock: 12 AM is 0, PM adds 12 */
		hour = hour % 12 + ((b.hour & HOUR_PM) ? 12 : 0);
	year = bcd(b.year, bin) + (century_reg ? bcd(b.century, bin) * 100 : 2000);
	cpu_outb(CMOS_INDEX, 0x0d); /* leave NMIs enabled and a harmless index */
	return civil_to_unix(year, bcd(b.mon, bin), bcd(b.day, bin), hour, bcd(b.min, bin),
			     bcd(b.sec, bin));
}
