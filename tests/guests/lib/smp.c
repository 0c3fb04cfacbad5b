// SPDX-License-Identifier: MIT
/*
 * Starting the second CPU: lib/smp.h.
 */
#include "smp.h"

#include "apic.h"
#include "cpu.h"
#include "timer.h"

extern const uint8_t smp_trampoline[], smp_trampoline_end[], smp_tramp_gdtr[]; /* lib/smp.S */

/* Read by smp_ap_entry32 (lib/smp.S). */
uint32_t smp_ap_esp;
void smp_ap_start(void) __attribute__((noreturn));

static smp_ap_fn_t ap_fn;
static struct desc_ptr ap_idtr;
static volatile bool ap_online;

void smp_ap_start(void)
{
	lidt(&ap_idtr);
	ap_online = true;
	ap_fn();
	for (;;) {
		cli();
		hlt();
	}
}

static bool wait_online(uint64_t budget)
{
	uint64_t t0 = rdtsc();

	while (!ap_online && rdtsc() - t0 < budget)
		pause();
	return ap_online;
}

bool smp_start_ap(smp_ap_fn_t fn, void *stack_top, uint64_t budget)
{
	uint8_t *dst = (uint8_t *)SMP_TRAMPOLINE_ADDR;
	uint32_t len = (uint32_t)(smp_trampoline_end - smp_trampoline), i;
	struct desc_ptr gdtr;

	for (i = 0; i < len; i++)
		dst[i] = smp_trampoline[i];
	asm volatile("sgdt %0" : "=m"(gdtr));
	asm volatile("sidt %0" : "=m"(ap_idtr));
	*(struct desc_ptr *)(dst + (smp_tramp_gdtr - smp_trampoline)) = gdtr;
	ap_fn = fn;
	smp_ap_esp = (uint32_t)stack_top;
	ap_online = false;

	apic_send_ipi(0, APIC_ICR_SH_OTHERS | APIC_ICR_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	timer_delay_us(10000);
	for (i = 0; i < 2 && !ap_online; i++) {
		apic_send_ipi(0, APIC_ICR_SH_OTHERS | APIC_ICR_SIPI | APIC_ICR_ASSERT |
					 (SMP_TRAMPOLINE_ADDR >> 12));
		timer_delay_us(200);
	}
	return wait_online(budget);
}
