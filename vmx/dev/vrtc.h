/*
 * Emulated MC146818A real-time clock with its CMOS RAM, as the PC's RTC
 * at ports 0x70 (index) and 0x71 (data). Behaviour follows the Motorola
 * MC146818A datasheet ("MC146818A Real-Time Clock Plus RAM (RTC)"); the
 * byte layout beyond the chip's 64 is the IBM PC AT's CMOS (128 bytes,
 * century byte at 0x32).
 *
 *	port  write                                read
 *	0x70  bit 7: NMI disable, bits 6:0 index   0xff (write-only on the PC)
 *	0x71  the indexed byte                     the indexed byte
 *
 *	index      contents
 *	0x00-0x09  seconds, seconds alarm, minutes, minutes alarm, hours,
 *	           hours alarm, day of week (1 = Sunday), date, month, year
 *	0x0a-0x0d  registers A-D
 *	0x0e-0x7f  114 bytes of NVRAM, of which 0x32 is the century
 *
 * Modelled: the time and calendar in BCD or binary (register B DM) and in
 * 12- or 24-hour form (B 24/12, PM in hours bit 7), leap years, the SET
 * bit, the divider (A DV2-0: 010 runs, 11x holds the chain in reset, the
 * first update comes 500 ms after the release), the update cycle once a
 * second with UIP high from 244 us before it to its end 1984 us later,
 * periodic interrupts at the RS3-0 rate, the alarm with "don't care"
 * bytes (0xc0-0xff), the update-ended interrupt, register C cleared by
 * reading, IRQF and the IRQ pin, register D's VRT.
 *
 * Not modelled: DSE (the 1980s US daylight-saving jumps; stored only),
 * SQWE and the SQW pin (stored only), the 4.194304 and 1.048576 MHz time
 * bases (DV 000 and 001 stop the chain: the PC's crystal is 32.768 kHz).
 *
 * Time. The model keeps the time as seconds since 1970 plus the phase of
 * the divider chain, advanced by the owner's monotonic nanosecond clock,
 * and formats the registers when they are read. So the calendar is the
 * Gregorian one with the century byte as the upper digits of the year
 * (the chip itself treats every 4th year as a leap year, which agrees
 * from 1901 to 2099), the century byte follows the year as QEMU's does,
 * and changing DM or 24/12 re-expresses the running time at once (a real
 * chip would need the time written again; every guest does that). Bytes
 * written with SET = 1 are read back as written; clearing SET (or a time
 * byte written while SET = 0) makes them the new time, fields out of
 * range carrying over as in mktime() (seconds 60 is the next minute, day
 * 0 the last day of the previous month). The day of week is kept as
 * written, relative to the date.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one RTC.
 */
#ifndef STRATA_VMX_DEV_VRTC_H
#define STRATA_VMX_DEV_VRTC_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VRTC_BASE        0x70
#define VRTC_PORTS       2
#define VRTC_CMOS_SIZE   128
#define VRTC_NMI_DISABLE 0x80 /* index port bit 7 */
#define VRTC_INDEX_MASK  0x7f

/* Register indexes ("Address Map") */
#define VRTC_SECONDS       0x00
#define VRTC_SECONDS_ALARM 0x01
#define VRTC_MINUTES       0x02
#define VRTC_MINUTES_ALARM 0x03
#define VRTC_HOURS         0x04
#define VRTC_HOURS_ALARM   0x05
#define VRTC_DAY_OF_WEEK   0x06
#define VRTC_DAY_OF_MONTH  0x07
#define VRTC_MONTH         0x08
#define VRTC_YEAR          0x09
#define VRTC_REG_A         0x0a
#define VRTC_REG_B         0x0b
#define VRTC_REG_C         0x0c
#define VRTC_REG_D         0x0d
#define VRTC_NVRAM_FIRST   0x0e
#define VRTC_CENTURY       0x32 /* IBM PC AT CMOS layout; ACPI FADT CENTURY */

/* Register A */
#define VRTC_A_UIP      0x80 /* update in progress (read-only) */
#define VRTC_A_DV_MASK  0x70
#define VRTC_A_DV_32K   0x20 /* 32.768 kHz time base, running */
#define VRTC_A_DV_RESET 0x60 /* both bits set: divider chain held in reset */
#define VRTC_A_RS_MASK  0x0f

/* Register B */
#define VRTC_B_SET  0x80 /* stop updates, time may be written */
#define VRTC_B_PIE  0x40 /* periodic interrupt enable */
#define VRTC_B_AIE  0x20 /* alarm interrupt enable */
#define VRTC_B_UIE  0x10 /* update-ended interrupt enable */
#define VRTC_B_SQWE 0x08
#define VRTC_B_DM   0x04 /* 1: binary, 0: BCD */
#define VRTC_B_24H  0x02 /* 1: 24-hour, 0: 12-hour */
#define VRTC_B_DSE  0x01

/* Register C (read-only, cleared by reading) */
#define VRTC_C_IRQF 0x80
#define VRTC_C_PF   0x40
#define VRTC_C_AF   0x20
#define VRTC_C_UF   0x10

/* Register D */
#define VRTC_D_VRT 0x80 /* valid RAM and time */

#define VRTC_HOURS_PM       0x80 /* 12-hour mode */
#define VRTC_ALARM_DONTCARE 0xc0 /* alarm byte with both top bits set matches any value */

/* Latest seed the model accepts: 9999-12-31 23:59:59 UTC. */
#define VRTC_SECONDS_MAX 253402300799LL

/* A monotonic clock in nanoseconds (any origin). */
typedef uint64_t (*vrtc_clock_fn)(void *ctx);

/*
 * IRQ8: the level of the chip's IRQ output (high when register C's IRQF
 * is set; the PC inverts the active-low pin). Called from inside vrtc
 * calls (port accesses, vrtc_update(), vrtc_next_event_ns(),
 * vrtc_reset()); the callee forwards it and must not call back into this
 * vrtc.
 */
typedef void (*vrtc_irq_fn)(void *ctx, bool level);

/* Fields are the model's state: read them, change them only through the API. */
struct vrtc {
	/*
	 * The CMOS bytes as stored: alarms, A (bits 6:0), B, NVRAM. The time
	 * bytes (0, 2, 4, 6-9, 0x32) hold what the guest wrote while SET = 1;
	 * with SET = 0 they are formatted from the time when read.
	 */
	uint8_t cmos[VRTC_CMOS_SIZE];
	uint8_t index;     /* port 0x70 bits 6:0 */
	bool nmi_disabled; /* port 0x70 bit 7 as last written */
	uint8_t flags;     /* register C PF, AF, UF */
	bool irq;          /* IRQ8 as last reported */
	/* Divider chain, in 32.768 kHz ticks: D(h) = d_base + (running ? h - h_base : 0). */
	bool running;
	uint64_t d_base;
	uint64_t h_base;
	uint64_t d_synced; /* D up to which flags have been raised */
	/* Time: s_base seconds at chain count s_dbase, one more per update after it. */
	int64_t s_base;
	uint64_t s_dbase;
	uint8_t dow_adjust; /* day-of-week register minus the date's weekday, mod 7 */
	vrtc_clock_fn clock;
	void *clock_ctx;
	vrtc_irq_fn irq_changed;
	void *irq_ctx;
	uint64_t origin_ns; /* clock reading of h = 0 */
	uint64_t now;       /* latest h seen */
	/* Statistics. */
	uint64_t irqs; /* rising edges of IRQ8 */
};

/*
 * Set up `rtc` with `clock` (required) and the time `unix_seconds` (UTC
 * seconds since 1970-01-01, clamped to 0..VRTC_SECONDS_MAX) as the
 * present, in the state a PC BIOS leaves: A = 0x26 (32.768 kHz, 1024 Hz
 * periodic rate), B = 0x02 (24-hour, BCD, no interrupts), C = 0, D = VRT,
 * NVRAM zero but the century. The first update comes 500 ms after init,
 * as after a divider release. `irq_changed` may be NULL. Does not call it.
 */
void vrtc_init(struct vrtc *rtc, vrtc_clock_fn clock, void *clock_ctx, vrtc_irq_fn irq_changed,
	       void *irq_ctx, int64_t unix_seconds);

/*
 * The chip's RESET pin (a VM reset): clears PIE, AIE, UIE and SQWE in B
 * and the flags in C; the time, the divider and the RAM go on ("RESET
 * does not affect the clock, calendar, or RAM functions"). Reports IRQ8.
 */
void vrtc_reset(struct vrtc *rtc);

/* Register `rtc` on `bus` at 0x70-0x71. Returns what viobus_register() returns. */
int vrtc_attach(struct viobus *bus, struct vrtc *rtc);

/* Guest byte accesses: `offset` 0 (0x70) or 1 (0x71). */
uint8_t vrtc_read(struct vrtc *rtc, unsigned offset);
void vrtc_write(struct vrtc *rtc, unsigned offset, uint8_t value);

/*
 * Owner access to the NVRAM (0x0e-0x7f, the century byte excepted), e.g.
 * to fill in the AT memory-size bytes before the guest starts. Returns 0
 * or -EINVAL for an index outside it.
 */
int vrtc_nvram_write(struct vrtc *rtc, unsigned index, uint8_t value);

/* Raise the flags that came due by the clock's present and report IRQ8. */
void vrtc_update(struct vrtc *rtc);

/*
 * Clock time (in the clock's own ns) at which IRQ8 may next rise - the
 * next periodic interrupt with PIE, the next update end with UIE or AIE
 * (the alarm is checked then) - or UINT64_MAX when it cannot rise without
 * a guest access (IRQF already set: only reading C re-arms it). Always
 * later than the present. Updates first. Call it again after each guest
 * access to the RTC and after each update.
 */
uint64_t vrtc_next_event_ns(struct vrtc *rtc);

/* The RTC's time now, in seconds since 1970 (as written by the guest while SET = 1). */
int64_t vrtc_time(struct vrtc *rtc);

#endif
