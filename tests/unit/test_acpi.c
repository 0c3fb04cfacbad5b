/*
 * ACPI parser tests: real firmware tables dumped from QEMU (SeaBIOS and
 * OVMF) and Bochs (tests/data/acpi, captured by scripts/dump-acpi.py),
 * then synthetic tables built here and broken one way at a time.
 *
 * The memory backend copies every mapping into a fresh heap buffer of
 * exactly the length asked for and frees it at the next map(): ASan then
 * catches any read past a mapped range and any use of a stale mapping,
 * which is the parser's contract in acpi.h.
 */
/* UNIT_SOURCES: kernel/acpi/acpi.c kernel/acpi/madt.c kernel/acpi/fadt.c kernel/acpi/aml_s5.c */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/acpi/acpi.h"

/* ------------------------------------------------------ memory backend --- */

#define MAX_REGIONS 8

struct region {
	hpa_t base;
	size_t len;
	uint8_t *data;
	bool owned;
};

struct test_mem {
	struct region regions[MAX_REGIONS];
	int count;
	void *bounce; /* the one live mapping */
	unsigned int maps;
	hpa_t rsdp; /* from memory.txt */
};

static const void *test_map(void *ctx, hpa_t pa, size_t len)
{
	struct test_mem *m = ctx;

	m->maps++;
	free(m->bounce);
	m->bounce = NULL;
	for (int i = 0; i < m->count; i++) {
		const struct region *r = &m->regions[i];

		if (pa >= r->base && len <= r->len && pa - r->base <= r->len - len) {
			m->bounce = malloc(len ? len : 1);
			assert_non_null(m->bounce);
			memcpy(m->bounce, r->data + (pa - r->base), len);
			return m->bounce;
		}
	}
	return NULL;
}

static void mem_add(struct test_mem *m, hpa_t base, void *data, size_t len, bool owned)
{
	assert_true(m->count < MAX_REGIONS);
	m->regions[m->count++] = (struct region){ base, len, data, owned };
}

static void mem_free(struct test_mem *m)
{
	for (int i = 0; i < m->count; i++)
		if (m->regions[i].owned)
			free(m->regions[i].data);
	free(m->bounce);
	memset(m, 0, sizeof(*m));
}

static struct acpi_mem_ops mem_ops(struct test_mem *m)
{
	return (struct acpi_mem_ops){ .map = test_map, .ctx = m };
}

/* Load tests/data/acpi/<platform>/memory.txt and the region files it names. */
static void mem_load(struct test_mem *m, const char *platform)
{
	char path[256], line[256], file[128];
	unsigned long long base, len;
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "tests/data/acpi/%s/memory.txt", platform);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "rsdp %llx", &base) == 1) {
			m->rsdp = base;
		} else if (sscanf(line, "region %llx %llx %127s", &base, &len, file) == 3) {
			char bin[400];
			uint8_t *data = malloc(len);
			FILE *b;

			snprintf(bin, sizeof(bin), "tests/data/acpi/%s/%s", platform, file);
			b = fopen(bin, "rb");
			assert_non_null(b);
			assert_non_null(data);
			assert_int_equal(fread(data, 1, len, b), len);
			fclose(b);
			mem_add(m, base, data, len, true);
		}
	}
	fclose(f);
	assert_true(m->rsdp != 0);
	assert_true(m->count > 0);
}

static struct acpi_info *parse_platform(struct test_mem *m, const char *platform)
{
	struct acpi_info *info = calloc(1, sizeof(*info));
	struct acpi_mem_ops ops;

	mem_load(m, platform);
	ops = mem_ops(m);
	assert_non_null(info);
	assert_int_equal(acpi_parse(&ops, m->rsdp, info), 0);
	for (uint32_t i = 0; i < info->warning_count && i < ACPI_MAX_WARNINGS; i++)
		print_message("warning: %s\n", info->warnings[i]);
	return info;
}

/* ----------------------------------------------------------- helpers --- */

static const struct acpi_table_ref *find_ref(const struct acpi_info *info, const char *sig)
{
	for (uint32_t i = 0; i < info->table_count; i++)
		if (strcmp(info->tables[i].signature, sig) == 0)
			return &info->tables[i];
	return NULL;
}

static bool has_warning(const struct acpi_info *info, const char *needle)
{
	for (uint32_t i = 0; i < info->warning_count && i < ACPI_MAX_WARNINGS; i++)
		if (strstr(info->warnings[i], needle))
			return true;
	return false;
}

static void assert_gas(const struct acpi_gas *g, uint8_t space, uint8_t width, uint64_t addr)
{
	assert_int_equal(g->space_id, space);
	assert_int_equal(g->bit_width, width);
	assert_int_equal(g->address, addr);
}

static void assert_iso(const struct acpi_iso *iso, uint8_t src, uint32_t gsi, uint16_t flags)
{
	assert_int_equal(iso->bus, 0);
	assert_int_equal(iso->source, src);
	assert_int_equal(iso->gsi, gsi);
	assert_int_equal(iso->flags, flags);
}

/* What QEMU 7.2 generates for both its pc and q35 MADT with -smp 4. */
static void assert_qemu_madt(const struct acpi_madt_info *m)
{
	assert_true(m->present);
	assert_true(m->pcat_compat);
	assert_int_equal(m->lapic_address, 0xfee00000);
	assert_int_equal(m->cpu_count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(m->cpus[i].apic_id, i);
		assert_int_equal(m->cpus[i].acpi_uid, i);
		assert_true(m->cpus[i].enabled);
		assert_false(m->cpus[i].online_capable);
		assert_false(m->cpus[i].x2apic);
	}
	assert_int_equal(m->cpus_ignored + m->cpus_dropped, 0);
	assert_int_equal(m->ioapic_count, 1);
	assert_int_equal(m->ioapics[0].id, 0);
	assert_int_equal(m->ioapics[0].address, 0xfec00000);
	assert_int_equal(m->ioapics[0].gsi_base, 0);
	/* IRQ0 -> GSI2 edge/high; PCI link IRQs 5, 9, 10, 11 level/high. */
	assert_int_equal(m->iso_count, 5);
	assert_iso(&m->isos[0], 0, 2, 0);
	assert_iso(&m->isos[1], 5, 5, 0xd);
	assert_iso(&m->isos[2], 9, 9, 0xd);
	assert_iso(&m->isos[3], 10, 10, 0xd);
	assert_iso(&m->isos[4], 11, 11, 0xd);
	assert_int_equal(ACPI_MPS_TRIGGER(m->isos[1].flags), ACPI_MPS_TRIGGER_LEVEL);
	assert_int_equal(ACPI_MPS_POLARITY(m->isos[1].flags), ACPI_MPS_POLARITY_HIGH);
	assert_int_equal(m->nmi_src_count, 0);
	assert_int_equal(m->lapic_nmi_count, 1);
	assert_int_equal(m->lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
	assert_int_equal(m->lapic_nmis[0].lint, 1);
}

static void assert_hpet_fed00000(const struct acpi_info *info)
{
	assert_true(info->hpet.present);
	assert_int_equal(info->hpet.base, 0xfed00000);
	assert_int_equal(info->hpet.block_id, 0x8086a201);
	assert_int_equal(info->hpet.number, 0);
}

/* ------------------------------------------------- real firmware dumps --- */

static void test_qemu_i440fx_seabios(void **state)
{
	struct test_mem m;
	struct acpi_info *info = parse_platform(&m, "qemu-i440fx-seabios");
	struct acpi_mem_ops ops = mem_ops(&m);
	const struct acpi_fadt_info *f = &info->fadt;
	hpa_t found = 0;

	/* SeaBIOS leaves the RSDP in the BIOS area, where the spec's search finds it. */
	assert_int_equal(acpi_find_rsdp(&ops, &found), 0);
	assert_int_equal(found, 0xf59d0);
	assert_int_equal(info->warning_count, 0);
	assert_int_equal(info->source, ACPI_SOURCE_TABLES);
	assert_int_equal(info->rsdp_revision, 0);
	assert_string_equal(info->oem_id, "BOCHS ");
	assert_false(info->xsdt_used);
	assert_int_equal(info->root_pa, 0x7fe1b60);
	/* RSDT, FACP, APIC, HPET, WAET, DSDT */
	assert_int_equal(info->table_count, 6);
	assert_non_null(find_ref(info, "WAET"));

	assert_qemu_madt(&info->madt);

	assert_true(f->present);
	assert_int_equal(f->revision, 1);
	assert_int_equal(f->length, 116);
	assert_int_equal(f->dsdt, 0x7fe0040);
	assert_int_equal(f->facs, 0x7fe0000);
	assert_int_equal(f->sci_irq, 9);
	assert_int_equal(f->smi_cmd, 0xb2);
	assert_int_equal(f->acpi_enable, 0xf1);
	assert_int_equal(f->acpi_disable, 0xf0);
	assert_gas(&f->pm1a_evt, ACPI_GAS_IO, 32, 0x600);
	assert_gas(&f->pm1a_cnt, ACPI_GAS_IO, 16, 0x604);
	assert_int_equal(f->pm1b_evt.address, 0);
	assert_int_equal(f->pm1b_cnt.address, 0);
	assert_gas(&f->pm_tmr, ACPI_GAS_IO, 32, 0x608);
	assert_false(f->pm_tmr_32bit);
	/* A revision 1 FADT has no reset register; boot flags assumed PC-AT. */
	assert_int_equal(f->reset_source, ACPI_RESET_NONE);
	assert_int_equal(f->century, 0x32);
	assert_int_equal(f->iapc_boot_arch, 0);
	assert_true(f->has_8042);
	assert_true(f->legacy_devices);
	assert_false(f->no_vga);
	assert_false(f->hw_reduced);

	assert_true(info->s5.valid);
	assert_int_equal(info->s5.slp_typ_a, 0);
	assert_int_equal(info->s5.slp_typ_b, 0);
	assert_int_equal(info->s5.found_in, 0x7fe0040);
	assert_hpet_fed00000(info);
	assert_int_equal(info->mcfg_count, 0);

	/* The fallback keeps all of that and only adds the 0xCF9 hint. */
	acpi_fallback(info, 7);
	assert_int_equal(info->source, ACPI_SOURCE_TABLES);
	assert_false(info->madt.guessed);
	assert_int_equal(info->madt.cpu_count, 4);
	assert_int_equal(f->reset_source, ACPI_RESET_GUESS);
	assert_gas(&f->reset_reg, ACPI_GAS_IO, 8, 0xcf9);
	assert_int_equal(f->reset_value, 0x06);

	free(info);
	mem_free(&m);
}

static void test_qemu_q35_ovmf(void **state)
{
	struct test_mem m;
	struct acpi_info *info = parse_platform(&m, "qemu-q35-ovmf");
	struct acpi_mem_ops ops = mem_ops(&m);
	const struct acpi_fadt_info *f = &info->fadt;
	hpa_t found = 0;

	/* OVMF publishes the RSDP only in the EFI configuration table. */
	assert_int_equal(acpi_find_rsdp(&ops, &found), -ENOENT);
	assert_int_equal(info->warning_count, 0);
	assert_int_equal(info->rsdp_revision, 2);
	assert_string_equal(info->oem_id, "BOCHS ");
	assert_true(info->xsdt_used);
	assert_int_equal(info->root_pa, 0xf77d0e8);
	/* XSDT, FACP, APIC, HPET, MCFG, WAET, DSDT */
	assert_int_equal(info->table_count, 7);
	assert_string_equal(info->tables[0].signature, "XSDT");

	assert_qemu_madt(&info->madt);

	assert_true(f->present);
	assert_int_equal(f->revision, 3);
	assert_int_equal(f->length, 244);
	assert_int_equal(f->dsdt, 0xf77a000);
	assert_int_equal(f->facs, 0xf7dd000);
	assert_int_equal(f->smi_cmd, 0xb2);
	assert_int_equal(f->acpi_enable, 0x02);
	assert_int_equal(f->acpi_disable, 0x03);
	/* X_ blocks are filled and preferred: same ports, widths from the GAS. */
	assert_gas(&f->pm1a_evt, ACPI_GAS_IO, 32, 0x600);
	assert_gas(&f->pm1a_cnt, ACPI_GAS_IO, 16, 0x604);
	assert_int_equal(f->pm1b_cnt.address, 0);
	assert_gas(&f->pm_tmr, ACPI_GAS_IO, 32, 0x608);
	assert_false(f->pm_tmr_32bit);
	assert_int_equal(f->reset_source, ACPI_RESET_FADT);
	assert_gas(&f->reset_reg, ACPI_GAS_IO, 8, 0xcf9);
	assert_int_equal(f->reset_reg.bit_offset, 0);
	assert_int_equal(f->reset_value, 0x0f);
	assert_int_equal(f->century, 0x32);
	assert_int_equal(f->iapc_boot_arch, ACPI_BOOT_8042);
	assert_true(f->has_8042);
	assert_false(f->legacy_devices);
	assert_false(f->no_vga);
	assert_false(f->hw_reduced);

	assert_true(info->s5.valid);
	assert_int_equal(info->s5.slp_typ_a, 0);
	assert_int_equal(info->s5.slp_typ_b, 0);
	assert_int_equal(info->s5.found_in, 0xf77a000);
	assert_hpet_fed00000(info);
	assert_int_equal(info->mcfg_count, 1);
	assert_int_equal(info->mcfg[0].base, 0xb0000000);
	assert_int_equal(info->mcfg[0].segment, 0);
	assert_int_equal(info->mcfg[0].bus_start, 0);
	assert_int_equal(info->mcfg[0].bus_end, 255);

	/* The fallback keeps the FADT's reset register. */
	acpi_fallback(info, 0);
	assert_int_equal(f->reset_source, ACPI_RESET_FADT);
	assert_int_equal(f->reset_value, 0x0f);

	free(info);
	mem_free(&m);
}

/* OVMF also installs an ACPI 1.0 RSDP (RSDT only) next to the 2.0 one. */
static void test_qemu_q35_ovmf_rsdp_v1(void **state)
{
	struct test_mem m;
	struct acpi_info *info = calloc(1, sizeof(*info));
	struct acpi_mem_ops ops;

	mem_load(&m, "qemu-q35-ovmf");
	ops = mem_ops(&m);
	assert_int_equal(acpi_parse(&ops, 0xf77e000, info), 0);
	assert_int_equal(info->warning_count, 0);
	assert_int_equal(info->rsdp_revision, 0);
	assert_false(info->xsdt_used);
	assert_int_equal(info->root_pa, 0xf77d000);
	assert_qemu_madt(&info->madt);
	assert_int_equal(info->fadt.pm1a_cnt.address, 0x604);
	assert_true(info->s5.valid);
	free(info);
	mem_free(&m);
}

static void test_bochs_i440fx(void **state)
{
	struct test_mem m;
	struct acpi_info *info = parse_platform(&m, "bochs-i440fx");
	struct acpi_mem_ops ops = mem_ops(&m);
	const struct acpi_madt_info *mt = &info->madt;
	const struct acpi_fadt_info *f = &info->fadt;
	hpa_t found = 0;

	assert_int_equal(acpi_find_rsdp(&ops, &found), 0);
	assert_int_equal(found, 0xf9fe0);
	assert_int_equal(info->warning_count, 0);
	assert_int_equal(info->rsdp_revision, 0);
	assert_string_equal(info->oem_id, "BOCHS ");
	assert_false(info->xsdt_used);
	assert_int_equal(info->root_pa, 0x1ff0000);
	/* RSDT, FACP, SSDT, APIC, HPET, DSDT */
	assert_int_equal(info->table_count, 6);
	assert_non_null(find_ref(info, "SSDT"));

	assert_true(mt->present);
	assert_true(mt->pcat_compat);
	assert_int_equal(mt->lapic_address, 0xfee00000);
	assert_int_equal(mt->cpu_count, 2);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(mt->cpus[i].apic_id, i);
		assert_int_equal(mt->cpus[i].acpi_uid, i);
		assert_true(mt->cpus[i].enabled);
	}
	assert_int_equal(mt->ioapic_count, 1);
	assert_int_equal(mt->ioapics[0].id, 2);
	assert_int_equal(mt->ioapics[0].address, 0xfec00000);
	assert_int_equal(mt->ioapics[0].gsi_base, 0);
	assert_int_equal(mt->iso_count, 1);
	assert_iso(&mt->isos[0], 0, 2, 0);
	assert_int_equal(mt->nmi_src_count, 0);
	assert_int_equal(mt->lapic_nmi_count, 0);

	assert_true(f->present);
	assert_int_equal(f->revision, 1);
	assert_int_equal(f->dsdt, 0x1ff0100);
	assert_int_equal(f->facs, 0x1ff00c0);
	assert_int_equal(f->smi_cmd, 0xb2);
	assert_int_equal(f->acpi_enable, 0xf1);
	assert_gas(&f->pm1a_evt, ACPI_GAS_IO, 32, 0xb000);
	assert_gas(&f->pm1a_cnt, ACPI_GAS_IO, 16, 0xb004);
	assert_int_equal(f->pm1b_cnt.address, 0);
	assert_gas(&f->pm_tmr, ACPI_GAS_IO, 32, 0xb008);
	assert_false(f->pm_tmr_32bit);
	assert_int_equal(f->reset_source, ACPI_RESET_NONE);
	assert_int_equal(f->century, 0);
	assert_true(f->has_8042);

	assert_true(info->s5.valid);
	assert_int_equal(info->s5.slp_typ_a, 0);
	assert_int_equal(info->s5.slp_typ_b, 0);
	assert_int_equal(info->s5.found_in, 0x1ff0100);
	assert_hpet_fed00000(info);

	free(info);
	mem_free(&m);
}

/* ---------------------------------------------------- synthetic tables --- */

#define SYN_BASE     0x40000ull
#define SYN_SIZE     0x10000
#define SYN_RSDP     0x40000ull
#define SYN_RSDT     0x40100ull
#define SYN_XSDT     0x40800ull
#define SYN_FACP     0x41000ull
#define SYN_APIC     0x42000ull
#define SYN_HPET     0x43000ull
#define SYN_SSDT     0x44000ull
#define SYN_DSDT     0x45000ull
#define SYN_MCFG     0x46000ull
#define SYN_FREE     0x48000ull /* scratch for extra tables */
#define SYN_UNMAPPED 0xdead0000ull

struct syn {
	uint8_t mem[SYN_SIZE];
	struct test_mem tm;
	struct acpi_mem_ops ops;
	struct acpi_info info;
};

static uint8_t *at(struct syn *s, hpa_t pa)
{
	assert_true(pa >= SYN_BASE && pa < SYN_BASE + SYN_SIZE);
	return s->mem + (pa - SYN_BASE);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void put_gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
	p[0] = space;
	p[1] = width;
	p[2] = 0;
	p[3] = 0;
	put64(p + 4, addr);
}

static void fix_sum(uint8_t *p, size_t len, size_t sum_off)
{
	uint8_t sum = 0;

	p[sum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[sum_off] = (uint8_t)-sum;
}

/* Re-checksum the table at pa after a test changed it. */
static void syn_resum(struct syn *s, hpa_t pa)
{
	uint8_t *t = at(s, pa);
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;

	fix_sum(t, len, 9);
}

static uint32_t put_table(struct syn *s, hpa_t pa, const char *sig, uint8_t rev, const void *body,
			  size_t body_len)
{
	uint8_t *t = at(s, pa);
	uint32_t len = (uint32_t)(36 + body_len);

	memset(t, 0, 36);
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "STRATA", 6);
	memcpy(t + 16, "UNITTEST", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "TEST", 4);
	put32(t + 32, 1);
	if (body_len)
		memcpy(t + 36, body, body_len);
	fix_sum(t, len, 9);
	return len;
}

static void put_rsdp(struct syn *s, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t *p = at(s, SYN_RSDP);

	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "STRATA", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	put32(p + 20, 36);
	put64(p + 24, xsdt);
	/* The 1.0 checksum first: the extended one covers it. */
	fix_sum(p, 20, 8);
	if (rev >= 2)
		fix_sum(p, 36, 32);
}

static void put_roots(struct syn *s, const hpa_t *tables, size_t n)
{
	uint8_t rsdt[4 * 80], xsdt[8 * 80];

	assert_true(n <= 80);
	for (size_t i = 0; i < n; i++) {
		put32(rsdt + 4 * i, (uint32_t)tables[i]);
		put64(xsdt + 8 * i, tables[i]);
	}
	put_table(s, SYN_RSDT, "RSDT", 1, rsdt, 4 * n);
	put_table(s, SYN_XSDT, "XSDT", 1, xsdt, 8 * n);
}

/* A revision 6 FADT whose X_ fields disagree with the legacy ones. */
static void put_facp(struct syn *s)
{
	uint8_t f[276] = { 0 };

	put32(f + 36, 0x48000); /* FIRMWARE_CTRL */
	put32(f + 40, 0x47000); /* DSDT, superseded by X_DSDT */
	put16(f + 46, 9);
	put32(f + 48, 0xb2);
	f[52] = 0xa0;
	f[53] = 0xa1;
	put32(f + 56, 0x400); /* PM1a_EVT_BLK, no X_ */
	put32(f + 64, 0x404); /* PM1a_CNT_BLK, X_ says 0x1004 */
	put32(f + 76, 0x408); /* PM_TMR_BLK, X_ says 0x1008 */
	f[88] = 4;
	f[89] = 2;
	f[91] = 4;
	f[108] = 0x32;
	put16(f + 109, ACPI_BOOT_8042 | ACPI_BOOT_NO_VGA);
	put32(f + 112, ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP);
	put_gas(f + 116, ACPI_GAS_MEMORY, 8, 0xfe000cf9);
	f[128] = 0x42;
	put64(f + 140, SYN_DSDT); /* X_DSDT */
	put_gas(f + 172, ACPI_GAS_IO, 16, 0x1004);
	put_gas(f + 208, ACPI_GAS_IO, 32, 0x1008);
	put_table(s, SYN_FACP, "FACP", 6, f + 36, sizeof(f) - 36);
}

/* clang-format off */
static const uint8_t syn_madt_body[] = {
	0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, /* LAPIC 0xfee00000, PCAT */
	0, 8, 0, 0, 1, 0, 0, 0,                     /* uid 0 apic 0 enabled */
	0, 8, 1, 2, 1, 0, 0, 0,                     /* uid 1 apic 2 enabled */
	0, 8, 2, 4, 0, 0, 0, 0,                     /* uid 2 apic 4 unusable */
	0, 8, 3, 6, 2, 0, 0, 0,                     /* uid 3 apic 6 online-capable */
	9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 0x10, 0, 0, 0, /* x2apic 0x100 */
	9, 16, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x11, 0, 0, 0, /* x2apic 0: duplicate */
	1, 12, 1, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0,  /* IOAPIC 1 gsi 0 */
	1, 12, 2, 0, 0x00, 0x10, 0xc0, 0xfe, 24, 0, 0, 0, /* IOAPIC 2 gsi 24 */
	2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0x00,        /* ISO IRQ0 -> GSI2 */
	2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0x00,        /* ISO IRQ9 level high */
	3, 8, 0x05, 0x00, 23, 0, 0, 0,              /* NMI source GSI 23 */
	4, 6, 0xff, 0x00, 0x00, 1,                  /* LAPIC NMI all, LINT1 */
	10, 12, 0x0d, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, /* x2APIC NMI uid 0x10 LINT0 */
	5, 12, 0, 0, 0x00, 0x00, 0xe0, 0xfe, 1, 0, 0, 0, /* LAPIC 0x1fee00000 */
	0x7f, 4, 0xaa, 0xbb,                        /* unknown type: skipped */
};
/* clang-format on */

/* DSDT: a Scope, then Name(\_S5_, Package(4){5, 7, Zero, Zero}). */
/* clang-format off */
static const uint8_t syn_dsdt_aml[] = {
	0x10, 0x0b, '_', 'S', 'B', '_', 0x08, 'F', 'O', 'O', '_', 0x01,
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00,
};
/* clang-format on */

/* SSDT: "_S5_" inside a string (not a DefName), no \_S5. */
static const uint8_t syn_ssdt_aml[] = {
	0x08, 'S', 'T', 'R', '_', 0x0d, '_', 'S', '5', '_', 0x00,
};

static void syn_build(struct syn *s)
{
	const hpa_t tables[] = { SYN_FACP, SYN_APIC, SYN_HPET, SYN_SSDT, SYN_MCFG };
	uint8_t hpet[20] = { 0 }, mcfg[24] = { 0 };

	free(s->tm.bounce);
	memset(s, 0, sizeof(*s));
	put_rsdp(s, 2, SYN_RSDT, SYN_XSDT);
	put_roots(s, tables, sizeof(tables) / sizeof(tables[0]));
	put_facp(s);
	put_table(s, SYN_APIC, "APIC", 5, syn_madt_body, sizeof(syn_madt_body));
	put32(hpet, 0x8086a201);
	put_gas(hpet + 4, ACPI_GAS_MEMORY, 64, 0xfed00000);
	hpet[16] = 1;
	put16(hpet + 17, 0x80);
	put_table(s, SYN_HPET, "HPET", 1, hpet, sizeof(hpet));
	put_table(s, SYN_SSDT, "SSDT", 2, syn_ssdt_aml, sizeof(syn_ssdt_aml));
	put_table(s, SYN_DSDT, "DSDT", 2, syn_dsdt_aml, sizeof(syn_dsdt_aml));
	put64(mcfg + 8, 0xe0000000);
	mcfg[19] = 0x3f;
	put_table(s, SYN_MCFG, "MCFG", 1, mcfg, sizeof(mcfg));
	mem_add(&s->tm, SYN_BASE, s->mem, SYN_SIZE, false);
	s->ops = mem_ops(&s->tm);
}

static int syn_parse(struct syn *s)
{
	return acpi_parse(&s->ops, SYN_RSDP, &s->info);
}

static struct syn *syn_new(void)
{
	struct syn *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	syn_build(s);
	return s;
}

static void syn_free(struct syn *s)
{
	free(s->tm.bounce);
	free(s);
}

static void test_syn_good(void **state)
{
	struct syn *s = syn_new();
	const struct acpi_madt_info *m = &s->info.madt;
	const struct acpi_fadt_info *f = &s->info.fadt;

	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.warning_count, 0);
	assert_true(s->info.xsdt_used);
	assert_string_equal(s->info.oem_id, "STRATA");
	assert_int_equal(s->info.table_count, 7);

	/* MADT: duplicates and unusable entries out, override applied. */
	assert_int_equal(m->lapic_address, 0x1fee00000ull);
	assert_int_equal(m->cpu_count, 4);
	assert_int_equal(m->cpus_ignored, 2);
	assert_int_equal(m->cpus[1].apic_id, 2);
	assert_int_equal(m->cpus[1].acpi_uid, 1);
	assert_int_equal(m->cpus[2].apic_id, 6);
	assert_false(m->cpus[2].enabled);
	assert_true(m->cpus[2].online_capable);
	assert_int_equal(m->cpus[3].apic_id, 0x100);
	assert_int_equal(m->cpus[3].acpi_uid, 0x10);
	assert_true(m->cpus[3].x2apic);
	assert_int_equal(m->ioapic_count, 2);
	assert_int_equal(m->ioapics[1].id, 2);
	assert_int_equal(m->ioapics[1].address, 0xfec01000);
	assert_int_equal(m->ioapics[1].gsi_base, 24);
	assert_int_equal(m->iso_count, 2);
	assert_iso(&m->isos[0], 0, 2, 0);
	assert_iso(&m->isos[1], 9, 9, 0xd);
	assert_int_equal(m->nmi_src_count, 1);
	assert_int_equal(m->nmi_srcs[0].gsi, 23);
	assert_int_equal(m->nmi_srcs[0].flags, 5);
	assert_int_equal(m->lapic_nmi_count, 2);
	assert_int_equal(m->lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
	assert_int_equal(m->lapic_nmis[0].lint, 1);
	assert_int_equal(m->lapic_nmis[1].acpi_uid, 0x10);
	assert_int_equal(m->lapic_nmis[1].lint, 0);
	assert_int_equal(m->lapic_nmis[1].flags, 0xd);

	/* FADT: X_ preferred where non-zero, legacy elsewhere. */
	assert_int_equal(f->dsdt, SYN_DSDT);
	assert_int_equal(f->facs, 0x48000);
	assert_gas(&f->pm1a_evt, ACPI_GAS_IO, 32, 0x400);
	assert_gas(&f->pm1a_cnt, ACPI_GAS_IO, 16, 0x1004);
	assert_gas(&f->pm_tmr, ACPI_GAS_IO, 32, 0x1008);
	assert_true(f->pm_tmr_32bit);
	assert_int_equal(f->reset_source, ACPI_RESET_FADT);
	assert_gas(&f->reset_reg, ACPI_GAS_MEMORY, 8, 0xfe000cf9);
	assert_int_equal(f->reset_value, 0x42);
	assert_true(f->has_8042);
	assert_true(f->no_vga);
	assert_false(f->legacy_devices);
	assert_int_equal(f->acpi_enable, 0xa0);

	/* \_S5 from the DSDT; the SSDT's string is not a candidate. */
	assert_true(s->info.s5.valid);
	assert_int_equal(s->info.s5.slp_typ_a, 5);
	assert_int_equal(s->info.s5.slp_typ_b, 7);
	assert_int_equal(s->info.s5.found_in, SYN_DSDT);

	assert_int_equal(s->info.hpet.number, 1);
	assert_int_equal(s->info.hpet.min_tick, 0x80);
	assert_int_equal(s->info.mcfg_count, 1);
	assert_int_equal(s->info.mcfg[0].base, 0xe0000000);
	assert_int_equal(s->info.mcfg[0].bus_end, 0x3f);
	syn_free(s);
}

static void test_syn_bad_checksum(void **state)
{
	struct syn *s = syn_new();

	at(s, SYN_APIC)[40] ^= 1; /* flip the PCAT bit, keep the old sum */
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.madt.present);
	assert_int_equal(find_ref(&s->info, "APIC")->status, ACPI_TABLE_BAD_CHECKSUM);
	assert_true(has_warning(&s->info, "APIC at 0x42000: bad checksum"));
	assert_int_equal(s->info.warning_count, 1);
	/* The rest is still parsed. */
	assert_true(s->info.fadt.present);
	assert_true(s->info.s5.valid);
	syn_free(s);
}

/* A table whose length runs past accessible memory is never read. */
static void test_syn_truncated_length(void **state)
{
	struct syn *s = syn_new();
	const hpa_t tail = SYN_BASE + SYN_SIZE - 64;
	const hpa_t tables[] = { SYN_FACP, tail };

	memcpy(at(s, tail), at(s, SYN_APIC), 64);
	put_roots(s, tables, 2);
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.madt.present);
	assert_int_equal(find_ref(&s->info, "APIC")->status, ACPI_TABLE_UNMAPPED);
	assert_true(has_warning(&s->info, "not mappable"));
	syn_free(s);
}

static void test_syn_length_below_header(void **state)
{
	struct syn *s = syn_new();

	put32(at(s, SYN_APIC) + 4, 20);
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.madt.present);
	assert_int_equal(find_ref(&s->info, "APIC")->status, ACPI_TABLE_BAD_LENGTH);
	assert_true(has_warning(&s->info, "bad length 20"));

	/* Just the header, checksum right: valid table, too short a MADT. */
	syn_build(s);
	put32(at(s, SYN_APIC) + 4, 40);
	syn_resum(s, SYN_APIC);
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.madt.present);
	assert_true(has_warning(&s->info, "too short"));

	/* Same for the FADT: a header alone is not a FADT. */
	syn_build(s);
	put32(at(s, SYN_FACP) + 4, 36);
	syn_resum(s, SYN_FACP);
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.fadt.present);
	assert_false(s->info.s5.valid);
	syn_free(s);
}

static void test_syn_madt_entry_len_zero(void **state)
{
	struct syn *s = syn_new();
	uint8_t body[sizeof(syn_madt_body)];

	/* Zero the length of the IOAPIC 1 entry (offset 8 + 4*8 + 2*16). */
	memcpy(body, syn_madt_body, sizeof(body));
	assert_int_equal(body[72], 1);
	body[73] = 0;
	put_table(s, SYN_APIC, "APIC", 5, body, sizeof(body));
	assert_int_equal(syn_parse(s), 0);
	assert_true(s->info.madt.present);
	assert_int_equal(s->info.madt.cpu_count, 4); /* entries before it kept */
	assert_int_equal(s->info.madt.ioapic_count, 0);
	assert_int_equal(s->info.madt.lapic_address, 0xfee00000); /* no override */
	assert_true(has_warning(&s->info, "length 0, walk stopped"));

	/* Length 1 is no better. */
	body[73] = 1;
	put_table(s, SYN_APIC, "APIC", 5, body, sizeof(body));
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.madt.ioapic_count, 0);
	syn_free(s);
}

static void test_syn_madt_entry_past_end(void **state)
{
	struct syn *s = syn_new();
	uint8_t body[8 + 8 + 8];

	/* Second processor entry claims 16 bytes; only 8 remain. */
	memcpy(body, syn_madt_body, sizeof(body));
	body[17] = 16;
	put_table(s, SYN_APIC, "APIC", 5, body, sizeof(body));
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.madt.cpu_count, 1);
	assert_true(has_warning(&s->info, "walk stopped"));

	/* A known type shorter than its structure is skipped alone. */
	memcpy(body, syn_madt_body, sizeof(body));
	body[9] = 4;     /* first LAPIC entry: 4 bytes... */
	body[12] = 0x7e; /* ...then a 4-byte entry of an unknown type */
	body[13] = 4;
	put_table(s, SYN_APIC, "APIC", 5, body, sizeof(body));
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.madt.cpu_count, 1);
	assert_int_equal(s->info.madt.cpus[0].apic_id, 2);
	assert_true(has_warning(&s->info, "type 0 entry of 4 bytes skipped"));
	syn_free(s);
}

static void test_syn_rsdt_unmapped(void **state)
{
	struct syn *s = syn_new();

	/* ACPI 1.0 RSDP whose RSDT is nowhere. */
	put_rsdp(s, 0, (uint32_t)SYN_UNMAPPED, 0);
	assert_int_equal(syn_parse(s), -ENOENT);
	assert_int_equal(s->info.source, ACPI_SOURCE_NONE);
	assert_int_equal(s->info.tables[0].status, ACPI_TABLE_UNMAPPED);
	assert_true(has_warning(&s->info, "RSDT at 0xdead0000: not mappable"));

	/* The fallback then describes a uniprocessor PC. */
	acpi_fallback(&s->info, 3);
	assert_int_equal(s->info.source, ACPI_SOURCE_FALLBACK);
	assert_true(s->info.madt.guessed);
	assert_false(s->info.madt.present);
	assert_int_equal(s->info.madt.cpu_count, 1);
	assert_int_equal(s->info.madt.cpus[0].apic_id, 3);
	assert_true(s->info.madt.cpus[0].enabled);
	assert_int_equal(s->info.madt.lapic_address, 0xfee00000);
	assert_int_equal(s->info.madt.ioapic_count, 1);
	assert_int_equal(s->info.madt.ioapics[0].address, 0xfec00000);
	assert_int_equal(s->info.madt.ioapics[0].gsi_base, 0);
	assert_int_equal(s->info.madt.iso_count, 1);
	assert_iso(&s->info.madt.isos[0], 0, 2, 0);
	assert_false(s->info.fadt.present);
	assert_int_equal(s->info.fadt.pm1a_cnt.address, 0);
	assert_false(s->info.s5.valid);
	assert_int_equal(s->info.fadt.reset_source, ACPI_RESET_GUESS);
	assert_gas(&s->info.fadt.reset_reg, ACPI_GAS_IO, 8, 0xcf9);

	/* An entry of a good RSDT pointing nowhere only loses that table. */
	syn_build(s);
	{
		const hpa_t tables[] = { SYN_UNMAPPED, SYN_FACP, SYN_APIC };

		put_roots(s, tables, 3);
	}
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.tables[1].status, ACPI_TABLE_UNMAPPED);
	assert_true(s->info.fadt.present);
	assert_true(s->info.madt.present);
	syn_free(s);
}

static void test_syn_xsdt_bad_checksum(void **state)
{
	struct syn *s = syn_new();
	const hpa_t tables[] = { SYN_FACP, SYN_APIC };

	/* The XSDT lists everything but is corrupt; the RSDT lists two. */
	put_table(s, SYN_RSDT, "RSDT", 1, (uint32_t[]){ SYN_FACP, SYN_APIC }, 8);
	at(s, SYN_XSDT)[36] ^= 0x10;
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.xsdt_used);
	assert_int_equal(s->info.root_pa, SYN_RSDT);
	assert_int_equal(s->info.tables[0].status, ACPI_TABLE_BAD_CHECKSUM);
	assert_string_equal(s->info.tables[0].signature, "XSDT");
	assert_string_equal(s->info.tables[1].signature, "RSDT");
	assert_true(has_warning(&s->info, "falling back to the RSDT"));
	assert_true(s->info.madt.present);
	assert_true(s->info.fadt.present);
	assert_false(s->info.hpet.present);

	/* XSDT with a wrong signature: same. */
	syn_build(s);
	put_roots(s, tables, 2);
	memcpy(at(s, SYN_XSDT), "XSDX", 4);
	syn_resum(s, SYN_XSDT);
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.xsdt_used);
	assert_int_equal(s->info.tables[0].status, ACPI_TABLE_BAD_SIGNATURE);

	/* RSDP extended checksum bad: the XSDT address is not believed. */
	syn_build(s);
	at(s, SYN_RSDP)[24] ^= 0x01;
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.xsdt_used);
	assert_int_equal(s->info.root_pa, SYN_RSDT);
	assert_true(has_warning(&s->info, "extended part invalid"));
	syn_free(s);
}

static void test_syn_rsdp_invalid(void **state)
{
	struct syn *s = syn_new();

	at(s, SYN_RSDP)[16] ^= 1;
	assert_int_equal(syn_parse(s), -EINVAL);
	assert_int_equal(acpi_parse(&s->ops, SYN_UNMAPPED, &s->info), -EFAULT);
	syn_build(s);
	memcpy(at(s, SYN_RSDP), "RSD PTX ", 8);
	assert_int_equal(syn_parse(s), -EINVAL);
	syn_free(s);
}

static void test_syn_s5_truncated(void **state)
{
	struct syn *s = syn_new();
	/* PkgLength says 8 bytes, the table ends after 5 of them. */
	static const uint8_t aml[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a,
	};

	put_table(s, SYN_DSDT, "DSDT", 2, aml, sizeof(aml));
	assert_int_equal(syn_parse(s), 0);
	assert_false(s->info.s5.valid);
	assert_true(has_warning(&s->info, "DSDT at 0x45000: malformed \\_S5 package"));
	assert_true(has_warning(&s->info, "no usable \\_S5"));
	syn_free(s);
}

/* \_S5 in an SSDT counts when the DSDT has none. */
static void test_syn_s5_in_ssdt(void **state)
{
	struct syn *s = syn_new();
	static const uint8_t aml[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x06,
	};

	put_table(s, SYN_DSDT, "DSDT", 2, NULL, 0);
	put_table(s, SYN_SSDT, "SSDT", 2, aml, sizeof(aml));
	assert_int_equal(syn_parse(s), 0);
	assert_true(s->info.s5.valid);
	assert_int_equal(s->info.s5.slp_typ_a, 1);
	assert_int_equal(s->info.s5.slp_typ_b, 6);
	assert_int_equal(s->info.s5.found_in, SYN_SSDT);
	syn_free(s);
}

static void test_syn_duplicates_and_caps(void **state)
{
	struct syn *s = syn_new();
	hpa_t tables[70];
	uint8_t facp2[116 - 36] = { 0 };

	/* A second FACP is recorded as a duplicate and ignored. */
	put_table(s, SYN_FREE, "FACP", 1, facp2, sizeof(facp2));
	tables[0] = SYN_FACP;
	tables[1] = SYN_FREE;
	put_roots(s, tables, 2);
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.tables[2].status, ACPI_TABLE_DUPLICATE);
	assert_int_equal(s->info.fadt.revision, 6);

	/* 70 root entries: 64 parsed, the rest counted. */
	syn_build(s);
	for (int i = 0; i < 70; i++)
		tables[i] = SYN_UNMAPPED + 0x1000 * (hpa_t)i;
	put_roots(s, tables, 70);
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.table_count, ACPI_MAX_TABLES);
	/* 6 entries not parsed + 1 XSDT-listed table with no inventory room. */
	assert_int_equal(s->info.tables_dropped, 6 + 1);
	assert_true(s->info.warning_count > ACPI_MAX_WARNINGS);
	assert_true(has_warning(&s->info, "70 entries, only 64 parsed"));
	syn_free(s);
}

static void test_syn_madt_caps(void **state)
{
	struct syn *s = syn_new();
	size_t n_cpu = 300, n_iso = 40, n_io = 20;
	size_t len = 8 + n_cpu * 16 + n_iso * 10 + n_io * 12;
	uint8_t *body = calloc(1, len), *e;

	assert_non_null(body);
	put32(body, 0xfee00000);
	e = body + 8;
	for (size_t i = 0; i < n_cpu; i++, e += 16) {
		e[0] = 9;
		e[1] = 16;
		put32(e + 4, (uint32_t)i);
		put32(e + 8, 1);
		put32(e + 12, (uint32_t)i);
	}
	for (size_t i = 0; i < n_iso; i++, e += 10) {
		e[0] = 2;
		e[1] = 10;
		e[3] = (uint8_t)i;
		put32(e + 4, (uint32_t)i);
	}
	for (size_t i = 0; i < n_io; i++, e += 12) {
		e[0] = 1;
		e[1] = 12;
		e[2] = (uint8_t)i;
	}
	/* Too big for the fixed slot at SYN_APIC: put it at SYN_FREE. */
	put_table(s, SYN_FREE, "APIC", 5, body, len);
	put_roots(s, (hpa_t[]){ SYN_FREE }, 1);
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.madt.cpu_count, ACPI_MAX_CPUS);
	assert_int_equal(s->info.madt.cpus_dropped, n_cpu - ACPI_MAX_CPUS);
	assert_int_equal(s->info.madt.cpus[255].apic_id, 255);
	assert_int_equal(s->info.madt.iso_count, ACPI_MAX_ISOS);
	assert_int_equal(s->info.madt.isos_dropped, n_iso - ACPI_MAX_ISOS);
	assert_int_equal(s->info.madt.ioapic_count, ACPI_MAX_IOAPICS);
	assert_int_equal(s->info.madt.ioapics_dropped, n_io - ACPI_MAX_IOAPICS);
	free(body);
	syn_free(s);
}

static void test_syn_fadt_reset_unusable(void **state)
{
	struct syn *s = syn_new();

	/* 16-bit reset register: 4.8.3.6 requires 8. */
	at(s, SYN_FACP)[117] = 16;
	syn_resum(s, SYN_FACP);
	assert_int_equal(syn_parse(s), 0);
	assert_int_equal(s->info.fadt.reset_source, ACPI_RESET_NONE);
	assert_true(has_warning(&s->info, "reset register unusable"));

	/* Hardware-reduced: no 0xCF9 guess either. */
	syn_build(s);
	put32(at(s, SYN_FACP) + 112, ACPI_FADT_HW_REDUCED);
	syn_resum(s, SYN_FACP);
	assert_int_equal(syn_parse(s), 0);
	assert_true(s->info.fadt.hw_reduced);
	acpi_fallback(&s->info, 0);
	assert_int_equal(s->info.fadt.reset_source, ACPI_RESET_NONE);
	assert_false(s->info.madt.guessed);
	syn_free(s);
}

/* Firmware quirks that are tolerated, each with a warning where it matters. */
static void test_syn_quirks(void **state)
{
	struct syn *s = syn_new();
	uint8_t body[sizeof(syn_madt_body) + 13];
	uint8_t *f = at(s, SYN_FACP);

	/* X_PM1a_CNT with width 0 takes PM1_CNT_LEN; X_PM_TMR says 24 bits. */
	f[173] = 0;
	f[209] = 24;
	syn_resum(s, SYN_FACP);
	/* A second LAPIC override is ignored; a lone trailing byte noted. */
	memcpy(body, syn_madt_body, sizeof(syn_madt_body));
	memcpy(body + sizeof(syn_madt_body),
	       (uint8_t[]){ 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 2, 0, 0, 0, 0xcc }, 13);
	put_table(s, SYN_APIC, "APIC", 5, body, sizeof(body));
	assert_int_equal(syn_parse(s), 0);
	assert_gas(&s->info.fadt.pm1a_cnt, ACPI_GAS_IO, 16, 0x1004);
	assert_gas(&s->info.fadt.pm_tmr, ACPI_GAS_IO, 32, 0x1008);
	assert_true(has_warning(&s->info, "PM timer width 24, using 32"));
	assert_int_equal(s->info.madt.lapic_address, 0x1fee00000ull);
	assert_true(has_warning(&s->info, "extra local APIC address override"));
	assert_true(has_warning(&s->info, "MADT: 1 trailing bytes"));
	assert_int_equal(s->info.madt.cpu_count, 4);
	syn_free(s);
}

static void test_find_rsdp(void **state)
{
	static uint8_t low[0x100000];
	struct test_mem m = { 0 };
	struct acpi_mem_ops ops = mem_ops(&m);
	hpa_t pa = 0;
	uint8_t *p;

	mem_add(&m, 0, low, sizeof(low), false);
	memset(low, 0, sizeof(low));
	assert_int_equal(acpi_find_rsdp(&ops, &pa), -ENOENT);

	/* In the BIOS area, on a 16-byte boundary. */
	p = low + 0xf1230;
	memcpy(p, "RSD PTR ", 8);
	fix_sum(p, 20, 8);
	assert_int_equal(acpi_find_rsdp(&ops, &pa), 0);
	assert_int_equal(pa, 0xf1230);

	/* The EBDA is searched first. */
	put16(low + 0x40e, 0x9fc0);
	memcpy(low + 0x9fc10, p, 20);
	assert_int_equal(acpi_find_rsdp(&ops, &pa), 0);
	assert_int_equal(pa, 0x9fc10);

	/* Bad checksum or misalignment: not an RSDP. */
	low[0x9fc10 + 8] ^= 1;
	memset(p, 0, 20);
	memcpy(low + 0xf1238, "RSD PTR ", 8);
	fix_sum(low + 0xf1238, 20, 8);
	assert_int_equal(acpi_find_rsdp(&ops, &pa), -ENOENT);
	free(m.bounce);
}

static void test_aml_s5_encodings(void **state)
{
	/* clang-format off */
	static const struct {
		const char *what;
		uint8_t aml[24];
		size_t len;
		int ret;
		uint8_t a, b;
	} v[] = {
		{ "zero/one", { 8, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 1, 0, 0 }, 12, 0, 0, 1 },
		{ "byte", { 8, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 7, 0x0a, 3 }, 12, 0, 7, 3 },
		{ "word/dword", { 8, '_', 'S', '5', '_', 0x12, 0x0a, 0x02, 0x0b, 5, 0,
				  0x0c, 6, 0, 0, 0 }, 16, 0, 5, 6 },
		{ "qword", { 8, '_', 'S', '5', '_', 0x12, 0x0c, 0x02, 0x0e, 2, 0, 0, 0,
			     0, 0, 0, 0, 1 }, 18, 0, 2, 1 },
		{ "root prefix", { 8, '\\', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 1, 1 },
		  11, 0, 1, 1 },
		{ "parent prefix", { 8, '^', '^', '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0, 1 },
		  12, 0, 0, 1 },
		{ "2-byte PkgLength", { 8, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 4,
					0x0a, 4 }, 13, 0, 4, 4 },
		{ "one packed integer", { 8, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05,
					  0x06 }, 11, 0, 5, 6 },
		{ "value above 7", { 8, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 8, 0 },
		  11, -EINVAL, 0, 0 },
		{ "ones", { 8, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0 }, 10, -EINVAL, 0, 0 },
		{ "no elements", { 8, '_', 'S', '5', '_', 0x12, 0x02, 0x00 }, 8, -EINVAL, 0, 0 },
		{ "name reference", { 8, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 'S', 'L', 'P',
				      'A', 0 }, 13, -EINVAL, 0, 0 },
		{ "element past package", { 8, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0a,
					    5, 0x0a, 5 }, 12, -EINVAL, 0, 0 },
		{ "PkgLength smaller than itself", { 8, '_', 'S', '5', '_', 0x12, 0x01, 0x02,
						     0, 0 }, 10, -EINVAL, 0, 0 },
		{ "truncated PkgLength", { 8, '_', 'S', '5', '_', 0x12, 0xc0, 0x00 }, 8,
		  -EINVAL, 0, 0 },
		{ "truncated at PackageOp", { 8, '_', 'S', '5', '_', 0x12 }, 6, -EINVAL, 0, 0 },
		{ "not a package", { 8, '_', 'S', '5', '_', 0x0a, 5 }, 7, -EINVAL, 0, 0 },
		{ "method, not a name", { 0x14, 0x09, '_', 'S', '5', '_', 0x00, 0xa4, 0x0a,
					  5 }, 10, -ENOENT, 0, 0 },
		{ "absent", { 8, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0, 0 }, 10, -ENOENT, 0, 0 },
		{ "name at offset 0", { '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0, 0 }, 9,
		  -ENOENT, 0, 0 },
		{ "bad then good", { 8, '_', 'S', '5', '_', 0x0a, 1, 8, '_', 'S', '5', '_',
				     0x12, 0x04, 0x02, 1, 0 }, 17, 0, 1, 0 },
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* Exact-size heap copy: ASan flags any read past the end. */
		uint8_t *aml = malloc(v[i].len);
		uint8_t a = 0xee, b = 0xee;
		int ret;

		assert_non_null(aml);
		memcpy(aml, v[i].aml, v[i].len);
		ret = acpi_aml_find_s5(aml, v[i].len, &a, &b);
		if (ret != v[i].ret)
			fail_msg("%s: returned %d, expected %d", v[i].what, ret, v[i].ret);
		if (ret == 0 && (a != v[i].a || b != v[i].b))
			fail_msg("%s: got %u/%u, expected %u/%u", v[i].what, a, b, v[i].a, v[i].b);
		if (ret != 0 && (a != 0xee || b != 0xee))
			fail_msg("%s: outputs written on failure", v[i].what);
		free(aml);
	}
	assert_int_equal(acpi_aml_find_s5(NULL, 0, NULL, NULL), -ENOENT);
}

static void test_pm1_cnt_sleep_value(void **state)
{
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x0000, 0), 0x2000);
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x0001, 5), 0x3401);
	/* Old SLP_TYP bits are cleared; only 3 bits of slp_typ are used. */
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x1c01, 0), 0x2001);
	assert_int_equal(acpi_pm1_cnt_sleep_value(0x0000, 0x0f), 0x3c00);
}

static void test_fallback_empty(void **state)
{
	struct acpi_info *info = calloc(1, sizeof(*info));

	assert_non_null(info);
	acpi_fallback(info, 0);
	assert_int_equal(info->source, ACPI_SOURCE_FALLBACK);
	assert_true(info->madt.guessed);
	assert_true(info->madt.pcat_compat);
	assert_int_equal(info->madt.cpu_count, 1);
	assert_int_equal(info->madt.lapic_nmi_count, 1);
	assert_int_equal(info->madt.lapic_nmis[0].lint, 1);
	assert_int_equal(info->warning_count, 0);
	/* Idempotent. */
	acpi_fallback(info, 5);
	assert_int_equal(info->madt.cpu_count, 1);
	assert_int_equal(info->madt.cpus[0].apic_id, 0);
	free(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_i440fx_seabios),
		cmocka_unit_test(test_qemu_q35_ovmf),
		cmocka_unit_test(test_qemu_q35_ovmf_rsdp_v1),
		cmocka_unit_test(test_bochs_i440fx),
		cmocka_unit_test(test_syn_good),
		cmocka_unit_test(test_syn_bad_checksum),
		cmocka_unit_test(test_syn_truncated_length),
		cmocka_unit_test(test_syn_length_below_header),
		cmocka_unit_test(test_syn_madt_entry_len_zero),
		cmocka_unit_test(test_syn_madt_entry_past_end),
		cmocka_unit_test(test_syn_rsdt_unmapped),
		cmocka_unit_test(test_syn_xsdt_bad_checksum),
		cmocka_unit_test(test_syn_rsdp_invalid),
		cmocka_unit_test(test_syn_s5_truncated),
		cmocka_unit_test(test_syn_s5_in_ssdt),
		cmocka_unit_test(test_syn_duplicates_and_caps),
		cmocka_unit_test(test_syn_madt_caps),
		cmocka_unit_test(test_syn_fadt_reset_unusable),
		cmocka_unit_test(test_syn_quirks),
		cmocka_unit_test(test_find_rsdp),
		cmocka_unit_test(test_aml_s5_encodings),
		cmocka_unit_test(test_pm1_cnt_sleep_value),
		cmocka_unit_test(test_fallback_empty),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
