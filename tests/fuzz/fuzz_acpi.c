/*
 * libFuzzer target for the ACPI parser.
 *
 * Input: one control byte, then a memory image placed at physical address
 * 0 with the RSDP at 0 (tables point into the image with small physical
 * addresses; anything outside it is unmapped). Control bit 0 asks the
 * harness to fix up the RSDP and table checksums along the RSDP -> root ->
 * table -> DSDT chain before parsing, so mutations reach the decoders
 * instead of dying at the first checksum. The AML \_S5 scanner also runs
 * on the raw input.
 *
 * Mappings are copied into exact-size heap buffers, freed at the next map,
 * so ASan sees any read past a mapped range or through a stale mapping.
 * Seeds (tests/fuzz/corpus/acpi/) are the real QEMU/Bochs tables,
 * relocated to address 0 by scripts/dump-acpi.py --fuzz-seeds.
 */
/* FUZZ_SOURCES: kernel/acpi/acpi.c kernel/acpi/madt.c kernel/acpi/fadt.c kernel/acpi/aml_s5.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/acpi/acpi.h"

#define CTL_FIX_CHECKSUMS 0x01
#define CTL_FIND_RSDP     0x02

struct fuzz_mem {
	uint8_t *mem;
	size_t size;
	void *bounce;
};

static const void *fuzz_map(void *ctx, hpa_t pa, size_t len)
{
	struct fuzz_mem *m = ctx;

	free(m->bounce);
	m->bounce = NULL;
	if (pa > m->size || len > m->size - pa)
		return NULL;
	m->bounce = malloc(len ? len : 1);
	if (!m->bounce)
		return NULL;
	memcpy(m->bounce, m->mem + pa, len);
	return m->bounce;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void fix_sum(uint8_t *p, size_t len, size_t off)
{
	uint8_t sum = 0;

	p[off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[off] = (uint8_t)-sum;
}

/* Fix the checksum of the table at pa if its header and body fit. */
static uint32_t fix_table(struct fuzz_mem *m, uint64_t pa)
{
	uint32_t len;

	if (pa >= m->size || m->size - pa < 36)
		return 0;
	len = get32(m->mem + pa + 4);
	if (len < 36 || len > m->size - pa)
		return 0;
	fix_sum(m->mem + pa, len, 9);
	return len;
}

static void fix_root(struct fuzz_mem *m, uint64_t root, size_t width)
{
	uint32_t len;

	if (root >= m->size || m->size - root < 36)
		return;
	len = get32(m->mem + root + 4);
	if (len < 36 || len > m->size - root)
		return;
	for (uint64_t off = 36; off + width <= len; off += width) {
		const uint8_t *e = m->mem + root + off;
		uint64_t pa = width == 8 ? get64(e) : get32(e);
		uint32_t tlen = fix_table(m, pa);

		/* FADT: DSDT (and X_DSDT) hang off it. */
		if (tlen >= 44 && memcmp(m->mem + pa, "FACP", 4) == 0) {
			fix_table(m, get32(m->mem + pa + 40));
			if (tlen >= 148)
				fix_table(m, get64(m->mem + pa + 140));
			fix_table(m, pa);
		}
	}
	fix_table(m, root);
}

static void fix_checksums(struct fuzz_mem *m)
{
	uint8_t *r = m->mem;

	if (m->size < 36)
		return;
	fix_root(m, get32(r + 16), 4);
	if (r[15] >= 2)
		fix_root(m, get64(r + 24), 8);
	fix_sum(r, 20, 8);
	if (r[15] >= 2 && get32(r + 20) >= 36 && get32(r + 20) <= m->size)
		fix_sum(r, get32(r + 20), 32);
}

static void check_invariants(const struct acpi_info *info)
{
	const struct acpi_madt_info *mt = &info->madt;
	bool ok = info->table_count <= ACPI_MAX_TABLES && mt->cpu_count <= ACPI_MAX_CPUS &&
		  mt->ioapic_count <= ACPI_MAX_IOAPICS && mt->iso_count <= ACPI_MAX_ISOS &&
		  mt->nmi_src_count <= ACPI_MAX_NMI_SRCS &&
		  mt->lapic_nmi_count <= ACPI_MAX_LAPIC_NMIS && info->mcfg_count <= ACPI_MAX_MCFG &&
		  info->oem_id[6] == '\0';

	if (info->s5.valid)
		ok = ok && info->s5.slp_typ_a <= 7 && info->s5.slp_typ_b <= 7;
	for (uint32_t i = 0; i < info->warning_count && i < ACPI_MAX_WARNINGS; i++)
		ok = ok && memchr(info->warnings[i], '\0', ACPI_WARNING_LEN);
	for (uint32_t i = 0; i < info->table_count; i++)
		ok = ok && info->tables[i].signature[4] == '\0';
	/* No APIC id twice: the kernel would start a CPU twice. */
	for (uint32_t i = 0; i < mt->cpu_count; i++)
		for (uint32_t j = i + 1; j < mt->cpu_count; j++)
			ok = ok && mt->cpus[i].apic_id != mt->cpus[j].apic_id;
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct acpi_info info;
	struct fuzz_mem m = { 0 };
	struct acpi_mem_ops ops = { .map = fuzz_map, .ctx = &m };
	uint8_t a, b;
	hpa_t rsdp = 0;
	int ret;

	if (size < 1 || size > (1u << 20))
		return 0;
	if (acpi_aml_find_s5(data + 1, size - 1, &a, &b) == 0 && (a > 7 || b > 7))
		abort();

	m.size = size - 1;
	m.mem = malloc(m.size ? m.size : 1);
	if (!m.mem)
		return 0;
	memcpy(m.mem, data + 1, m.size);
	if (data[0] & CTL_FIX_CHECKSUMS)
		fix_checksums(&m);
	if (data[0] & CTL_FIND_RSDP)
		(void)acpi_find_rsdp(&ops, &rsdp);

	ret = acpi_parse(&ops, 0, &info);
	check_invariants(&info);
	if (ret == 0 && info.source != ACPI_SOURCE_TABLES)
		abort();
	acpi_fallback(&info, 0);
	if (info.madt.cpu_count == 0)
		abort();
	check_invariants(&info);
	if (info.s5.valid)
		(void)acpi_pm1_cnt_sleep_value(0, info.s5.slp_typ_a);

	free(m.bounce);
	free(m.mem);
	return 0;
}
