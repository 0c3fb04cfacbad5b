/* UNIT_SOURCES: vmx/loader/guest_acpi.c kernel/acpi/acpi.c kernel/acpi/madt.c kernel/acpi/fadt.c kernel/acpi/aml_s5.c */
/*
 * The guest's ACPI tables (vmx/loader/guest_acpi.c), read back with the
 * hypervisor's own ACPI parser (kernel/acpi/): what an OS finds must be
 * what guest_acpi.h promises the device models. Guest RAM is a heap
 * buffer of its exact size filled with a marker byte, so ASan catches a
 * write past it and the tests catch a write outside the ACPI area.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/acpi/acpi.h"
#include "vmx/loader/guest_acpi.h"

#define RAM_SIZE (1ULL << 20)
#define MARK     0xcc

static struct guest_mem ram_new(uint64_t size)
{
	struct guest_mem mem = { malloc(size), size };

	assert_non_null(mem.base);
	memset(mem.base, MARK, size);
	return mem;
}

static const void *ram_map(void *ctx, hpa_t pa, size_t len)
{
	const struct guest_mem *mem = ctx;

	if (pa > mem->size || len > mem->size - pa)
		return NULL;
	return mem->base + pa;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Build for `vcpus` and parse it back; returns the parser's verdict. */
static int build_and_parse(struct guest_mem *mem, uint32_t vcpus, struct acpi_info *info)
{
	struct acpi_mem_ops ops = { ram_map, mem };

	assert_int_equal(guest_acpi_build(mem, vcpus), 0);
	return acpi_parse(&ops, GUEST_ACPI_RSDP_ADDR, info);
}

static void test_parses_clean(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_info *info = calloc(1, sizeof(*info));

	(void)state;
	assert_non_null(info);
	assert_int_equal(build_and_parse(&mem, 1, info), 0);
	assert_int_equal(info->source, ACPI_SOURCE_TABLES);
	assert_int_equal(info->rsdp_revision, 2);
	assert_string_equal(info->oem_id, "STRATA");
	assert_true(info->xsdt_used);
	assert_int_equal(info->root_pa, GUEST_ACPI_XSDT_ADDR);
	/* XSDT, FACP, APIC, DSDT: every one valid, nothing to warn about. */
	assert_int_equal(info->table_count, 4);
	for (uint32_t i = 0; i < info->table_count; i++)
		assert_int_equal(info->tables[i].status, ACPI_TABLE_OK);
	assert_string_equal(info->tables[0].signature, "XSDT");
	assert_string_equal(info->tables[1].signature, "FACP");
	assert_int_equal(info->tables[1].revision, 6);
	assert_string_equal(info->tables[2].signature, "APIC");
	assert_int_equal(info->tables[2].revision, 6);
	assert_string_equal(info->tables[3].signature, "DSDT");
	assert_int_equal(info->tables_dropped, 0);
	assert_int_equal(info->warning_count, 0);
	free(info);
	free(mem.base);
}

static void test_madt(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_info *info = calloc(1, sizeof(*info));
	const struct acpi_madt_info *m = &info->madt;

	(void)state;
	assert_non_null(info);
	assert_int_equal(build_and_parse(&mem, 2, info), 0);
	assert_true(m->present);
	assert_true(m->pcat_compat);
	assert_int_equal(m->lapic_address, GUEST_ACPI_LAPIC_ADDR);
	assert_int_equal(m->cpu_count, 2);
	assert_int_equal(m->cpus_ignored, 0);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(m->cpus[i].apic_id, i);
		assert_int_equal(m->cpus[i].acpi_uid, i);
		assert_true(m->cpus[i].enabled);
		assert_false(m->cpus[i].x2apic);
	}
	assert_int_equal(m->ioapic_count, 1);
	assert_int_equal(m->ioapics[0].id, GUEST_ACPI_IOAPIC_ID);
	assert_int_equal(m->ioapics[0].address, 0xfec00000);
	assert_int_equal(m->ioapics[0].gsi_base, 0);
	/* ISA IRQ 0 -> GSI 2 as ISA wants it; the SCI level, active high. */
	assert_int_equal(m->iso_count, 2);
	assert_int_equal(m->isos[0].bus, 0);
	assert_int_equal(m->isos[0].source, 0);
	assert_int_equal(m->isos[0].gsi, 2);
	assert_int_equal(m->isos[0].flags, 0);
	assert_int_equal(m->isos[1].source, 9);
	assert_int_equal(m->isos[1].gsi, 9);
	assert_int_equal(ACPI_MPS_POLARITY(m->isos[1].flags), ACPI_MPS_POLARITY_HIGH);
	assert_int_equal(ACPI_MPS_TRIGGER(m->isos[1].flags), ACPI_MPS_TRIGGER_LEVEL);
	assert_int_equal(m->lapic_nmi_count, 1);
	assert_int_equal(m->lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
	assert_int_equal(m->lapic_nmis[0].lint, 1);
	assert_int_equal(m->nmi_src_count, 0);
	free(info);
	free(mem.base);
}

static void test_vcpu_counts(void **state)
{
	static const uint32_t counts[] = { 1, 3, 4, 64, GUEST_ACPI_MAX_VCPUS };
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_info *info = calloc(1, sizeof(*info));

	(void)state;
	assert_non_null(info);
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		assert_int_equal(build_and_parse(&mem, counts[k], info), 0);
		assert_int_equal(info->warning_count, 0);
		assert_int_equal(info->madt.cpu_count, counts[k]);
		assert_int_equal(info->madt.cpus_dropped, 0);
		for (uint32_t i = 0; i < counts[k]; i++) {
			assert_int_equal(info->madt.cpus[i].apic_id, i);
			assert_true(info->madt.cpus[i].enabled);
		}
		/* The IOAPIC and the overrides follow the CPUs whatever their number. */
		assert_int_equal(info->madt.ioapic_count, 1);
		assert_int_equal(info->madt.iso_count, 2);
		assert_int_equal(info->madt.lapic_nmi_count, 1);
	}
	free(info);
	free(mem.base);
}

static void test_fadt(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_info *info = calloc(1, sizeof(*info));
	const struct acpi_fadt_info *f = &info->fadt;

	(void)state;
	assert_non_null(info);
	assert_int_equal(build_and_parse(&mem, 1, info), 0);
	assert_true(f->present);
	assert_int_equal(f->revision, 6);
	assert_int_equal(f->length, 276);
	assert_false(f->hw_reduced);
	assert_int_equal(f->dsdt, GUEST_ACPI_DSDT_ADDR);
	assert_int_equal(f->facs, GUEST_ACPI_FACS_ADDR);
	assert_int_equal(f->sci_irq, 9);
	assert_int_equal(f->smi_cmd, 0);

	assert_int_equal(f->pm1a_evt.space_id, ACPI_GAS_IO);
	assert_int_equal(f->pm1a_evt.address, 0x600);
	assert_int_equal(f->pm1a_evt.bit_width, 32);
	assert_int_equal(f->pm1a_cnt.space_id, ACPI_GAS_IO);
	assert_int_equal(f->pm1a_cnt.address, 0x604);
	assert_int_equal(f->pm1a_cnt.bit_width, 16);
	assert_int_equal(f->pm_tmr.space_id, ACPI_GAS_IO);
	assert_int_equal(f->pm_tmr.address, 0x608);
	assert_int_equal(f->pm_tmr.bit_width, 32);
	assert_true(f->pm_tmr_32bit);
	assert_int_equal(f->pm1b_evt.address, 0);
	assert_int_equal(f->pm1b_cnt.address, 0);

	assert_int_equal(f->reset_source, ACPI_RESET_FADT);
	assert_int_equal(f->reset_reg.space_id, ACPI_GAS_IO);
	assert_int_equal(f->reset_reg.address, 0xcf9);
	assert_int_equal(f->reset_reg.bit_width, 8);
	assert_int_equal(f->reset_reg.bit_offset, 0);
	assert_int_equal(f->reset_value, 0x06);

	assert_false(f->has_8042);
	assert_true(f->legacy_devices);
	assert_true(f->no_vga);
	assert_false(f->no_cmos_rtc);
	assert_int_equal(f->century, 0);
	free(info);
	free(mem.base);
}

/*
 * \_S5 and what it means for the PM1a_CNT model: Linux keeps the bits it
 * read (SCI_EN) and writes SLP_TYP 5 with SLP_EN.
 */
static void test_s5(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_info *info = calloc(1, sizeof(*info));

	(void)state;
	assert_non_null(info);
	assert_int_equal(build_and_parse(&mem, 1, info), 0);
	assert_true(info->s5.valid);
	assert_int_equal(info->s5.slp_typ_a, GUEST_ACPI_S5_SLP_TYP);
	assert_int_equal(info->s5.slp_typ_b, GUEST_ACPI_S5_SLP_TYP);
	assert_int_equal(info->s5.found_in, GUEST_ACPI_DSDT_ADDR);
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x0001, info->s5.slp_typ_a), 0x3401);
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x0000, info->s5.slp_typ_a), 0x3400);
	free(info);
	free(mem.base);
}

/* Checksums and fixed fields checked here, not only through the parser. */
static void test_raw_tables(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	const uint8_t *rsdp = mem.base + GUEST_ACPI_RSDP_ADDR;
	const uint8_t *facs = mem.base + GUEST_ACPI_FACS_ADDR;
	static const gpa_t sdts[] = { GUEST_ACPI_RSDT_ADDR, GUEST_ACPI_XSDT_ADDR,
				      GUEST_ACPI_FADT_ADDR, GUEST_ACPI_MADT_ADDR,
				      GUEST_ACPI_DSDT_ADDR };

	(void)state;
	assert_int_equal(guest_acpi_build(&mem, 8), 0);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(get32(rsdp + 20), 36);
	assert_int_equal(sum(rsdp, 36), 0);
	assert_int_equal(rsdp[15], 2);
	assert_int_equal(get32(rsdp + 16), GUEST_ACPI_RSDT_ADDR);
	assert_int_equal(get32(rsdp + 24), GUEST_ACPI_XSDT_ADDR);
	assert_int_equal(get32(rsdp + 28), 0);
	for (size_t i = 0; i < sizeof(sdts) / sizeof(sdts[0]); i++) {
		const uint8_t *t = mem.base + sdts[i];
		uint32_t len = get32(t + 4);

		assert_true(len >= 36 && sdts[i] + len <= GUEST_ACPI_AREA_END);
		assert_int_equal(sum(t, len), 0);
		assert_memory_equal(t + 10, "STRATA", 6);
	}
	/* MADT: header, LAPIC address and flags, 8 CPUs, IOAPIC, 2 ISOs, NMI. */
	assert_int_equal(get32(mem.base + GUEST_ACPI_MADT_ADDR + 4), 44 + 8 * 8 + 12 + 20 + 6);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(get32(facs + 4), 64);
	assert_int_equal(GUEST_ACPI_FACS_ADDR % 64, 0);
	assert_int_equal(get32(facs + 16), 0); /* global lock free */
	free(mem.base);
}

/* An OS without boot_params.acpi_rsdp_addr finds the RSDP by its scan. */
static void test_rsdp_found_by_scan(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_mem_ops ops = { ram_map, &mem };
	hpa_t pa = 0;

	(void)state;
	memset(mem.base + 0x400, 0, 0x100); /* a zeroed BDA: no EBDA */
	assert_int_equal(guest_acpi_build(&mem, 1), 0);
	assert_int_equal(acpi_find_rsdp(&ops, &pa), 0);
	assert_int_equal(pa, GUEST_ACPI_RSDP_ADDR);
	free(mem.base);
}

/* An ACPI 1.0 reader takes the RSDT: it must say the same. */
static void test_rsdt_matches(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct acpi_mem_ops ops = { ram_map, &mem };
	struct acpi_info *info = calloc(1, sizeof(*info));

	(void)state;
	assert_non_null(info);
	assert_int_equal(guest_acpi_build(&mem, 2), 0);
	mem.base[GUEST_ACPI_XSDT_ADDR + 9] ^= 0xff; /* break the XSDT's checksum */
	assert_int_equal(acpi_parse(&ops, GUEST_ACPI_RSDP_ADDR, info), 0);
	assert_false(info->xsdt_used);
	assert_int_equal(info->root_pa, GUEST_ACPI_RSDT_ADDR);
	assert_int_equal(info->madt.cpu_count, 2);
	assert_true(info->fadt.present);
	assert_true(info->s5.valid);
	free(info);
	free(mem.base);
}

/* Only the area is written; a rebuild over old tables gives the same bytes. */
static void test_writes_only_area(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	uint8_t *first = malloc(GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START);

	(void)state;
	assert_non_null(first);
	assert_int_equal(guest_acpi_build(&mem, 255), 0);
	memcpy(first, mem.base + GUEST_ACPI_AREA_START,
	       GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START);
	assert_int_equal(guest_acpi_build(&mem, 1), 0);
	assert_int_equal(guest_acpi_build(&mem, 255), 0);
	assert_memory_equal(first, mem.base + GUEST_ACPI_AREA_START,
			    GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START);
	for (uint64_t a = 0; a < RAM_SIZE; a++) {
		if (a >= GUEST_ACPI_AREA_START && a < GUEST_ACPI_AREA_END)
			continue;
		if (mem.base[a] != MARK)
			fail_msg("byte 0x%llx written outside the ACPI area",
				 (unsigned long long)a);
	}
	free(first);
	free(mem.base);
}

static void test_refused(void **state)
{
	struct guest_mem mem = ram_new(RAM_SIZE);
	struct guest_mem small = ram_new(GUEST_ACPI_AREA_END - 1);
	struct guest_mem none = { NULL, RAM_SIZE };

	(void)state;
	assert_int_equal(guest_acpi_build(&mem, 0), -EINVAL);
	assert_int_equal(guest_acpi_build(&mem, GUEST_ACPI_MAX_VCPUS + 1), -EINVAL);
	assert_int_equal(guest_acpi_build(NULL, 1), -EINVAL);
	assert_int_equal(guest_acpi_build(&none, 1), -EINVAL);
	assert_int_equal(guest_acpi_build(&small, 1), -ERANGE);
	for (uint64_t a = 0; a < RAM_SIZE; a++)
		assert_int_equal(mem.base[a], MARK);
	for (uint64_t a = 0; a < small.size; a++)
		assert_int_equal(small.base[a], MARK);
	free(small.base);
	free(mem.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_clean),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_vcpu_counts),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_s5),
		cmocka_unit_test(test_raw_tables),
		cmocka_unit_test(test_rsdp_found_by_scan),
		cmocka_unit_test(test_rsdt_matches),
		cmocka_unit_test(test_writes_only_area),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
