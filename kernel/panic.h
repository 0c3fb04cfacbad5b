/* Broken invariants: report with context and stop this CPU. */
#ifndef STRATA_PANIC_H
#define STRATA_PANIC_H

/*
 * Print "PANIC (cpu N): message" and a backtrace, then halt this CPU with
 * interrupts off. Other CPUs go on: a guest on another CPU is not the
 * victim of this CPU's bug. Use only for bugs and broken platforms, never
 * for bad input (return an error) or guest misbehaviour (stop the VM).
 */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define BUG_ON(cond)                                                             \
	do {                                                                     \
		if (__builtin_expect(!!(cond), 0))                               \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
