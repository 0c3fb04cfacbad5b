/*
 * The hypervisor log: lines on COM1 (and on the emulator debug port 0xE9
 * when one answers), filtered by level. Safe to call from any CPU; lines
 * from different CPUs never interleave.
 */
#ifndef STRATA_LOG_H
#define STRATA_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_ALWAYS = 0, /* the boot report and answers to the operator */
	LOG_ERROR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
};

/* Serial port up; call once on the boot CPU before anything logs. */
void log_init(void);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* One message; a trailing newline is added if missing. */
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Raw output without level or lock, for panic paths only. */
void log_write_raw(const char *s);
/* Wait until the serial transmitter is empty (before power-off). */
void log_flush(void);

#define log_error(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
/* The stable, script-readable lines ("strata: ready"). */
#define log_report(...) log_printf(LOG_ALWAYS, __VA_ARGS__)

#endif
