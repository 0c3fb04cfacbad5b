/* The host's CMOS real-time clock (MC146818-compatible, ports 0x70/0x71). */
#ifndef STRATA_CMOS_H
#define STRATA_CMOS_H

#include <stdint.h>

/*
 * The wall-clock time, in seconds since 1970 (the RTC is taken to keep
 * UTC), or -1 if the clock reads as nonsense. `century_reg` is the CMOS
 * index of the century byte from the FADT, or 0 for none (20xx assumed).
 */
int64_t cmos_read_time(uint8_t century_reg);

#endif
