// SPDX-License-Identifier: MIT
/*
 * ioapic.elf: the I/O APIC at 0xfec00000 (Intel 82093AA datasheet, 3.2)
 * and the routing of ISA interrupts through it.
 *
 * Registers: the version register (max redirection entry 23; version
 * 0x11 is Strata's, QEMU says 0x20), the ID (0 as Strata's MADT says;
 * QEMU agrees, Bochs says 1) and its read/write bits 27:24, every
 * redirection entry's writable bits read back (every entry masked at
 * entry, as after RESET). Routing: the PIT's IRQ0 arrives on GSI 2
 * (the MADT's interrupt source override, as on every PC) and nothing on
 * pin 0; with counter 0 in rate-generator mode (mode 2) at 1 kHz, GSI 2
 * unmasked to a vector on this CPU delivers N interrupts, not early;
 * masked it delivers nothing; unmasked again it resumes; a logical
 * (flat model) destination reaches this CPU too. A level-triggered pin
 * (the RTC's IRQ8 with periodic interrupts) shows remote IRR set while
 * its interrupt is in service (and the local APIC's TMR bit) and cleared
 * by the EOI.
 *
 * The 8259s are moved to vectors 0x20-0x2f and fully masked, so every
 * interrupt counted came through the IOAPIC. Generic except
 * ioapic_version and ioapic_id (S).
 */
#include <stdbool.h>
#include <stdint.h>

#include "apic.h"
#include "cpu.h"
#include "guest.h"
#include "ioapic.h"
#include "irq.h"
#include "pic.h"
#include "pit.h"
#include "test.h"
#include "timer.h"

#define IOAPIC_PINS    24
#define IOAPIC_VERSION 0x11 /* 82093AA */
#define GSI_PIT        2    /* ISA IRQ0 through the MADT override */
#define GSI_RTC        8

#define VEC_PIT      0x60
#define VEC_PIN0     0x61
#define VEC_LOGICAL  0x62
#define VEC_RTC      0x63
#define VEC_SPURIOUS 0xff
#define PIC_BASE     0x20

#define PIT_1KHZ  1193 /* counter 0 divisor: 1000.15 Hz */
#define PIT_TICKS 10

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_REG_A    0x0a
#define RTC_REG_B    0x0b
#define RTC_REG_C    0x0c
#define RTC_A_1024HZ 0x26 /* 32.768 kHz divider, rate 6 */
#define RTC_B_PIE    0x40

const char guest_name[] = "ioapic";

static uint8_t bsp_id;
static volatile uint64_t hit_tsc[IRQ_VECTORS];
static volatile uint32_t rtc_irr_in_handler, rtc_tmr_in_handler;

static uint64_t ms_to_tsc(uint32_t ms)
{
	return timer_us_to_tsc(ms * 1000);
}

static uint32_t rte_low(unsigned int pin)
{
	return ioapic_read(IOAPIC_REG_REDTBL + 2 * pin);
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

static void ioapic_handler(unsigned int v)
{
	hit_tsc[v] = rdtsc();
	apic_eoi();
}

/* Level-triggered RTC: remote IRR and TMR are set until this EOI. */
static void ioapic_rtc_handler(unsigned int v)
{
	if (rte_low(GSI_RTC) & IOAPIC_RTE_REMOTE_IRR)
		rtc_irr_in_handler++;
	if (apic_vector_bit(APIC_TMR, v))
		rtc_tmr_in_handler++;
	cmos_read(RTC_REG_C); /* deasserts IRQ8 */
	apic_eoi();
}

static void drain(void)
{
	sti();
	timer_delay_us(200);
	cli();
	irq_reset_counts();
}

static void ioapic_check_registers(void)
{
	uint32_t ver = ioapic_read(IOAPIC_REG_VER), id = ioapic_read(IOAPIC_REG_ID), id2;

	test_info("ioapic: ID=%#x version=%#x", id, ver);
	test_check(((ver >> 16) & 0xff) == IOAPIC_PINS - 1, "ioapic_max_redir",
		   "version register %#x: max redirection entry %u, want %u", ver,
		   (ver >> 16) & 0xff, IOAPIC_PINS - 1);
	test_check_strata((ver & 0xff) == IOAPIC_VERSION, "ioapic_version", "version %#x, want %#x",
			  ver & 0xff, IOAPIC_VERSION);
	test_check_strata(((id >> 24) & 0xf) == 0, "ioapic_id",
			  "ID register %#x, Strata's MADT says ID 0", id);
	ioapic_write(IOAPIC_REG_ID, 5u << 24);
	id2 = ioapic_read(IOAPIC_REG_ID);
	ioapic_write(IOAPIC_REG_ID, id);
	test_check(((id2 >> 24) & 0xf) == 5 && ioapic_read(IOAPIC_REG_ID) == id, "ioapic_id_rw",
		   "wrote ID 5: reads %#x; restored: %#x", id2, ioapic_read(IOAPIC_REG_ID));
}

/* Every entry's writable bits (3.2.4), masked all along, then put back. */
static void ioapic_check_rtes(void)
{
	const uint32_t ro = IOAPIC_RTE_STATUS | IOAPIC_RTE_REMOTE_IRR;
	unsigned int pin;
	bool ok = true;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		uint8_t lo_idx = IOAPIC_REG_REDTBL + 2 * pin, hi_idx = lo_idx + 1;
		uint32_t old_lo = ioapic_read(lo_idx), old_hi = ioapic_read(hi_idx);
		uint32_t lo =
			IOAPIC_RTE_MASKED | (0xa0 + pin) | ((pin & 1) ? IOAPIC_RTE_LEVEL : 0) |
			((pin & 2) ? IOAPIC_RTE_LOW_ACTIVE : 0) |
			((pin & 4) ? IOAPIC_RTE_LOGICAL : 0) | ((pin & 8) ? IOAPIC_RTE_LOWEST : 0);
		uint32_t hi = ((pin * 37 + 1) & 0xff) << IOAPIC_RTE_DEST_SHIFT;
		uint32_t got_lo, got_hi;

		if (ok && !(old_lo & IOAPIC_RTE_MASKED)) {
			test_fail("ioapic_rte_rw", "pin %u unmasked at entry: %#x", pin, old_lo);
			ok = false;
		}
		ioapic_write(lo_idx, lo);
		ioapic_write(hi_idx, hi);
		got_lo = ioapic_read(lo_idx);
		got_hi = ioapic_read(hi_idx);
		if (ok && ((got_lo & ~ro) != lo || (got_hi & 0xff000000) != hi)) {
			test_fail("ioapic_rte_rw", "pin %u: wrote %#x:%#x read %#x:%#x", pin, hi,
				  lo, got_hi, got_lo);
			ok = false;
		}
		ioapic_write(hi_idx, old_hi);
		ioapic_write(lo_idx, old_lo);
	}
	if (ok)
		test_pass("ioapic_rte_rw");
}

/* Counter 0 as a rate generator (mode 2) at 1 kHz: IRQ0 once a millisecond. */
static void pit_start(void)
{
	outb(PIT_CONTROL, PIT_SC(0) | PIT_RW_WORD | PIT_MODE(2));
	outb(PIT_CH0, PIT_1KHZ & 0xff);
	outb(PIT_CH0, PIT_1KHZ >> 8);
}

/* Mode 0 waiting for a count: OUT0 stays low, no more IRQ0 edges. */
static void pit_stop(void)
{
	outb(PIT_CONTROL, PIT_SC(0) | PIT_RW_WORD | PIT_MODE(0));
}

static void ioapic_route_pit(void)
{
	uint64_t t0, elapsed, min = timer_us_to_tsc(PIT_TICKS * 500);
	uint32_t stray;
	bool arrived;

	ioapic_set_rte(0, IOAPIC_RTE_MASKED | VEC_PIN0, bsp_id);
	ioapic_set_rte(GSI_PIT, IOAPIC_RTE_MASKED | VEC_PIT, bsp_id);
	pit_start();
	ioapic_set_rte(0, VEC_PIN0, bsp_id);
	drain();
	t0 = rdtsc();
	ioapic_set_rte(GSI_PIT, VEC_PIT, bsp_id);
	arrived = irq_wait(VEC_PIT, PIT_TICKS, ms_to_tsc(200));
	elapsed = hit_tsc[VEC_PIT] - t0;
	stray = irq_count_other(VEC_PIT, VEC_PIN0);
	if (test_check(arrived, "ioapic_pit_gsi2", "%u of %u PIT interrupts on GSI 2 (vector %#x)",
		       irq_count[VEC_PIT], PIT_TICKS, VEC_PIT))
		test_check(elapsed >= min, "ioapic_pit_not_early",
			   "%u PIT periods of 1 ms in %llu TSC ticks (< %llu)", PIT_TICKS,
			   (unsigned long long)elapsed, (unsigned long long)min);
	test_check(irq_count[VEC_PIN0] == 0, "ioapic_pin0_silent",
		   "%u interrupts on pin 0: the PIT must reach GSI 2 only", irq_count[VEC_PIN0]);
	test_check(stray == 0, "ioapic_no_stray",
		   "%u interrupts on other vectors (8259 vectors %#x-%#x included)", stray,
		   PIC_BASE, PIC_BASE + 15);
	ioapic_set_rte(0, IOAPIC_RTE_MASKED | VEC_PIN0, bsp_id);

	/* Masked: the PIT keeps running, the pin delivers nothing. */
	ioapic_set_rte(GSI_PIT, IOAPIC_RTE_MASKED | VEC_PIT, bsp_id);
	drain();
	irq_wait(VEC_PIT, 1, ms_to_tsc(20));
	test_check(irq_count[VEC_PIT] == 0, "ioapic_masked_pin_silent",
		   "%u interrupts in 20 ms from masked GSI 2", irq_count[VEC_PIT]);

	ioapic_set_rte(GSI_PIT, VEC_PIT, bsp_id);
	test_check(irq_wait(VEC_PIT, 5, ms_to_tsc(100)), "ioapic_unmask_resumes",
		   "%u of 5 interrupts after unmasking GSI 2", irq_count[VEC_PIT]);
	ioapic_set_rte(GSI_PIT, IOAPIC_RTE_MASKED | VEC_PIT, bsp_id);

	/* Logical destination, flat model: LDR bit 0 matches destination 0x01. */
	apic_write(APIC_DFR, 0xffffffff); /* flat model */
	apic_write(APIC_LDR, 0x01000000);
	drain();
	ioapic_set_rte(GSI_PIT, IOAPIC_RTE_LOGICAL | VEC_LOGICAL, 0x01);
	test_check(irq_wait(VEC_LOGICAL, 5, ms_to_tsc(100)), "ioapic_logical_flat",
		   "%u of 5 interrupts to logical destination 0x01 (LDR %#x)",
		   irq_count[VEC_LOGICAL], apic_read(APIC_LDR));
	ioapic_set_rte(GSI_PIT, IOAPIC_RTE_MASKED | VEC_PIT, bsp_id);
	pit_stop();
}

/* The RTC's periodic interrupt on a level-triggered pin: remote IRR until EOI. */
static void ioapic_level_rtc(void)
{
	uint8_t a = cmos_read(RTC_REG_A), b = cmos_read(RTC_REG_B);
	uint32_t after;
	bool arrived;

	cmos_write(RTC_REG_A, RTC_A_1024HZ);
	cmos_read(RTC_REG_C);
	ioapic_set_rte(GSI_RTC, IOAPIC_RTE_LEVEL | VEC_RTC, bsp_id);
	drain();
	cmos_write(RTC_REG_B, (b | RTC_B_PIE) & 0x7f);
	arrived = irq_wait(VEC_RTC, 4, ms_to_tsc(100));
	cmos_write(RTC_REG_B, b & ~RTC_B_PIE);
	cmos_read(RTC_REG_C);
	drain();
	after = rte_low(GSI_RTC);
	ioapic_set_rte(GSI_RTC, IOAPIC_RTE_MASKED | VEC_RTC, bsp_id);
	cmos_write(RTC_REG_A, a);

	if (!test_check(arrived, "ioapic_level_rtc", "%u of 4 RTC interrupts on level GSI %u",
			irq_count[VEC_RTC], GSI_RTC))
		return;
	test_check(rtc_irr_in_handler >= 4, "ioapic_level_remote_irr",
		   "remote IRR set in %u of the handlers", rtc_irr_in_handler);
	test_check(rtc_tmr_in_handler >= 4, "ioapic_level_tmr",
		   "local APIC TMR bit set in %u of the handlers", rtc_tmr_in_handler);
	test_check(!(after & IOAPIC_RTE_REMOTE_IRR), "ioapic_level_eoi_clears_irr",
		   "entry %#x keeps remote IRR after the EOI", after);
}

void guest_main(void)
{
	unsigned int v;

	irq_init();
	pic_init(PIC_BASE, PIC_BASE + 8); /* off the exception vectors, all masked */
	for (v = IRQ_FIRST; v < VEC_SPURIOUS; v++)
		irq_set_handler(v, ioapic_handler);
	irq_set_handler(VEC_RTC, ioapic_rtc_handler);
	apic_sw_enable(VEC_SPURIOUS);
	apic_write(APIC_TPR, 0);
	bsp_id = (uint8_t)apic_id();

	ioapic_check_registers();
	ioapic_check_rtes();
	if (!timer_calibrate("ioapic_tsc_calibrate"))
		return;
	ioapic_route_pit();
	ioapic_level_rtc();
}
