/* Calendar dates to seconds since 1970-01-01 00:00:00 UTC (proleptic Gregorian). */
#ifndef STRATA_CIVIL_TIME_H
#define STRATA_CIVIL_TIME_H

#include <stdint.h>

/*
 * Seconds since the Unix epoch for the given date and time, or -1 if a
 * field is out of range (month 1-12, day 1-days in that month, hour 0-23,
 * minute and second 0-59, year 1970-9999).
 */
int64_t civil_to_unix(int year, int month, int day, int hour, int min, int sec);

#endif
