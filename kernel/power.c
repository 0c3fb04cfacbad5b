#include "kernel/arch/x86/cpu.h"
#include "kernel/arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/platform.h"
#include "kernel/power.h"

#define PM1_CNT_SCI_EN  0x0001 /* ACPI 6.5, 4.8.3.2.1 Table 4.16 */
#define KBC_STATUS      0x64
#define KBC_PULSE_RESET 0xfe

static uint16_t gas_io_port(const struct acpi_gas *g)
{
	if (g->space_id != ACPI_GAS_IO || !g->address || g->address > 0xffff)
		return 0;
	return (uint16_t)g->address;
}

/* Firmware in legacy mode must hand over the PM registers first (16.3.1). */
static void acpi_enter_acpi_mode(uint16_t pm1a_cnt)
{
	const struct acpi_fadt_info *f = &platform.acpi.fadt;

	if (cpu_inw(pm1a_cnt) & PM1_CNT_SCI_EN || !f->smi_cmd || f->smi_cmd > 0xffff)
		return;
	cpu_outb((uint16_t)f->smi_cmd, f->acpi_enable);
	for (int i = 0; i < 300 && !(cpu_inw(pm1a_cnt) & PM1_CNT_SCI_EN); i++)
		tsc_delay_us(10000);
}

void power_off(void)
{
	const struct acpi_info *a = &platform.acpi;
	uint16_t pm1a = gas_io_port(&a->fadt.pm1a_cnt);
	uint16_t pm1b = gas_io_port(&a->fadt.pm1b_cnt);

	log_printf(LOG_ALWAYS, "strata: power off");
	log_flush();
	cpu_irq_disable();
	if (a->s5.valid && pm1a) {
		acpi_enter_acpi_mode(pm1a);
		cpu_outw(pm1a, acpi_pm1_cnt_sleep_value(cpu_inw(pm1a), a->s5.slp_typ_a));
		if (pm1b)
			cpu_outw(pm1b, acpi_pm1_cnt_sleep_value(cpu_inw(pm1b), a->s5.slp_typ_b));
		tsc_delay_us(1000000);
	}
	log_printf(LOG_ALWAYS, "strata: power-off did not happen; halting");
	cpu_halt_forever();
}

static void reset_via_fadt(void)
{
	const struct acpi_fadt_info *f = &platform.acpi.fadt;
	const struct acpi_gas *r = &f->reset_reg;

	if (f->reset_source == ACPI_RESET_NONE || !r->address)
		return;
	if (r->space_id == ACPI_GAS_IO && r->address <= 0xffff) {
		cpu_outb((uint16_t)r->address, f->reset_value);
	} else if (r->space_id == ACPI_GAS_MEMORY) {
		volatile uint8_t *reg = kmem_map_mmio(r->address, 1);

		if (reg)
			*reg = f->reset_value;
	}
	tsc_delay_us(100000);
}

void power_reboot(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	log_printf(LOG_ALWAYS, "strata: reboot");
	log_flush();
	cpu_irq_disable();
	reset_via_fadt();
	/* PIIX/ICH Reset Control Register: SYS_RST then SYS_RST|RST_CPU. */
	cpu_outb(0xcf9, 0x02);
	cpu_outb(0xcf9, 0x06);
	tsc_delay_us(100000);
	cpu_outb(KBC_STATUS, KBC_PULSE_RESET);
	tsc_delay_us(100000);
	/* An exception with no IDT escalates to a triple fault and a reset. */
	cpu_lidt(&no_idt);
	__asm__ volatile("int3");
	cpu_halt_forever();
}
