/*
 * What lwIP needs from the kernel with NO_SYS = 1: a millisecond clock,
 * random numbers (TCP initial sequence numbers, DHCP transaction IDs and
 * ports must not be guessable), diagnostics and assertions.
 */
#include <stdarg.h>

#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
	return (u32_t)(tsc_now_us() / 1000);
}

/*
 * xorshift64* seeded from RDRAND when the CPU has it, else from the TSC,
 * whose low bits at boot differ from run to run on real hardware. Not a
 * cryptographic generator; it only has to keep remote guessing hard.
 */
uint32_t lwip_port_rand(void)
{
	static uint64_t state;

	if (!state) {
		uint64_t seed = cpu_rdtsc();

		if (cpu_cpuid(1, 0).ecx & (1u << 30)) {
			uint64_t r;

			if (cpu_rdrand(&r))
				seed ^= r;
		}
		state = seed | 1;
	}
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545f4914f6cdd1dull) >> 32);
}

void lwip_port_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
	panic("lwip: assertion \"%s\" failed at %s:%d", msg, file, line);
}
