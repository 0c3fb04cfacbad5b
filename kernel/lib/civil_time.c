/*
 * Days from civil: count whole 400-year eras (146097 days each), then the
 * day of the era, with March as the first month so February's leap day
 * comes last.
 */
#include "kernel/lib/civil_time.h"

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 ? leap : 0);
}

int64_t civil_to_unix(int year, int month, int day, int hour, int min, int sec)
{
	int64_t y, era, yoe, doy, doe, days;

	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month) || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 59)
		return -1;
	y = month <= 2 ? year - 1 : year;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
	return days * 86400 + hour * 3600 + min * 60 + sec;
}
