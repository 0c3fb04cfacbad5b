#include <string.h>

#include "kernel/arch/x86/percpu.h"
#include "kernel/log.h"
#include "kernel/mm/kmem.h"
#include "kernel/platform.h"

struct platform platform;

struct acpi_map_ctx {
	const struct boot_mem_region *map;
	size_t count;
};

/*
 * ACPI tables normally sit in regions of the memory map, which the direct
 * map covers; anything else (a table in an unlisted hole) is mapped
 * uncached on demand.
 */
static const void *acpi_map(void *opaque, hpa_t pa, size_t len)
{
	const struct acpi_map_ctx *ctx = opaque;

	if (len == 0 || pa + len < pa)
		return NULL;
	for (size_t i = 0; i < ctx->count; i++) {
		const struct boot_mem_region *r = &ctx->map[i];

		if (r->type != BOOT_MEM_BAD && pa >= r->base && pa + len <= r->base + r->length)
			return kmem_phys_to_virt(pa);
	}
	if (pa + len > (4ULL << 30))
		return NULL;
	return kmem_map_mmio(pa, len);
}

static void log_acpi_summary(const struct acpi_info *a)
{
	const struct acpi_madt_info *m = &a->madt;

	if (a->source == ACPI_SOURCE_TABLES)
		log_info("acpi: RSDP rev %u OEM \"%s\" via %s, %u CPU(s), %u IOAPIC(s)",
			 a->rsdp_revision, a->oem_id, a->xsdt_used ? "XSDT" : "RSDT", m->cpu_count,
			 m->ioapic_count);
	for (uint32_t i = 0; i < a->warning_count && i < ACPI_MAX_WARNINGS; i++)
		log_warn("acpi: %s", a->warnings[i]);
	if (a->warning_count > ACPI_MAX_WARNINGS)
		log_warn("acpi: %u more warnings not shown", a->warning_count - ACPI_MAX_WARNINGS);
	if (!a->s5.valid)
		log_warn("acpi: no \\_S5 sleep type found: power-off will halt instead");
}

void platform_init(hpa_t rsdp, const struct boot_mem_region *map, size_t count)
{
	struct acpi_map_ctx ctx = { map, count };
	struct acpi_mem_ops ops = { acpi_map, &ctx };
	struct acpi_info *a = &platform.acpi;
	int err = -1;

	if (!rsdp && acpi_find_rsdp(&ops, &rsdp))
		rsdp = 0;
	if (rsdp)
		err = acpi_parse(&ops, rsdp, a);
	if (err)
		log_warn("acpi: %s; assuming a single-CPU PC",
			 rsdp ? "tables unusable" : "no RSDP found");
	/* The BSP's APIC id is only needed when the MADT lists no usable CPU. */
	acpi_fallback(a, 0);
	log_acpi_summary(a);

	platform.lapic_phys = a->madt.lapic_address;
	if (a->fadt.present && !a->fadt.hw_reduced && a->fadt.pm_tmr.space_id == ACPI_GAS_IO &&
	    a->fadt.pm_tmr.address && a->fadt.pm_tmr.address <= 0xffff) {
		platform.pm_timer_port = (uint16_t)a->fadt.pm_tmr.address;
		platform.pm_timer_32bit = a->fadt.pm_tmr_32bit;
	}
}

void platform_register_cpus(uint32_t bsp_apic_id)
{
	const struct acpi_madt_info *m = &platform.acpi.madt;
	uint32_t n = 1;

	pcpu_table[0].apic_id = bsp_apic_id;
	pcpu_count = 1;
	if (m->guessed) /* no MADT: the boot CPU is all we know of */
		return;
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		const struct acpi_cpu *c = &m->cpus[i];

		if (c->apic_id == bsp_apic_id) {
			pcpu_table[0].acpi_uid = c->acpi_uid;
			continue;
		}
		if (!c->enabled)
			continue;
		if (n == MAX_CPUS) {
			log_warn("smp: more than %u CPUs; the rest stay unused", MAX_CPUS);
			break;
		}
		pcpu_table[n] = (struct pcpu){
			.index = n,
			.apic_id = c->apic_id,
			.acpi_uid = c->acpi_uid,
			.state = CPU_OFFLINE,
		};
		n++;
	}
	pcpu_count = n;
}
