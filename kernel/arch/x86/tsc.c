#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"

#define PM_TIMER_HZ  3579545ULL /* ACPI 6.4, 4.8.3.3 "Power Management Timer" */
#define PIT_HZ       1193182ULL /* 8254 input clock on the PC */
#define CALIBRATE_MS 10

/* 8254 ports and the PC's port 0x61 gate bits (Intel 8254 datasheet). */
#define PIT_CH2        0x42
#define PIT_CMD        0x43
#define PORT_B         0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2    0x20

static uint64_t tsc_freq;
static enum tsc_source tsc_src;

static uint64_t tsc_from_cpuid(void)
{
	struct cpuid_regs r;

	if (cpu_cpuid(0, 0).eax < 0x15)
		return 0;
	/* TSC = crystal * EBX / EAX (SDM Vol. 3B 18.7.3); ECX = 0: crystal not enumerated. */
	r = cpu_cpuid(0x15, 0);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax;
}

static uint64_t tsc_against_pm_timer(uint16_t port, bool wide)
{
	uint32_t mask = wide ? UINT32_MAX : 0xffffff;
	uint32_t ticks = (uint32_t)(PM_TIMER_HZ * CALIBRATE_MS / 1000);
	uint32_t start = cpu_inl(port) & mask, now;
	uint64_t t0 = cpu_rdtsc(), t1;

	do {
		now = cpu_inl(port) & mask;
	} while (((now - start) & mask) < ticks);
	t1 = cpu_rdtsc();
	return (t1 - t0) * PM_TIMER_HZ / ((now - start) & mask);
}

static uint64_t tsc_against_pit(void)
{
	uint32_t count = (uint32_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t b = cpu_inb(PORT_B);
	uint64_t t0, t1;

	/* Channel 2, mode 0 (interrupt on terminal count), gate on, speaker off. */
	cpu_outb(PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	cpu_outb(PIT_CMD, 0xb0);
	cpu_outb(PIT_CH2, count & 0xff);
	cpu_outb(PIT_CH2, count >> 8);
	t0 = cpu_rdtsc();
	for (uint64_t spins = 0; !(cpu_inb(PORT_B) & PORT_B_OUT2); spins++) {
		if (spins > 100000000ULL) { /* no PIT answers */
			cpu_outb(PORT_B, b);
			return 0;
		}
	}
	t1 = cpu_rdtsc();
	cpu_outb(PORT_B, b);
	return (t1 - t0) * 1000 / CALIBRATE_MS;
}

uint64_t tsc_calibrate(uint16_t pm_timer_port, bool pm_timer_32bit)
{
	tsc_freq = tsc_from_cpuid();
	tsc_src = TSC_SOURCE_CPUID;
	if (!tsc_freq && pm_timer_port) {
		tsc_freq = tsc_against_pm_timer(pm_timer_port, pm_timer_32bit);
		tsc_src = TSC_SOURCE_PMTIMER;
	}
	if (!tsc_freq) {
		tsc_freq = tsc_against_pit();
		tsc_src = TSC_SOURCE_PIT;
	}
	if (!tsc_freq)
		tsc_freq = 1000000000ULL;
	return tsc_freq;
}

uint64_t tsc_hz(void)
{
	return tsc_freq;
}

enum tsc_source tsc_source(void)
{
	return tsc_src;
}

const char *tsc_source_name(enum tsc_source src)
{
	static const char *const names[] = {
		[TSC_SOURCE_CPUID] = "cpuid",
		[TSC_SOURCE_PMTIMER] = "acpi-pm-timer",
		[TSC_SOURCE_PIT] = "pit",
	};

	return names[src];
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = cpu_rdtsc() + us * tsc_freq / 1000000;

	while (cpu_rdtsc() < end)
		cpu_relax();
}

uint64_t tsc_now_us(void)
{
	return tsc_freq ? cpu_rdtsc() / (tsc_freq / 1000000 ? tsc_freq / 1000000 : 1) : 0;
}
