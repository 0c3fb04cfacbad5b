/*
 * ACPI table discovery and validation: RSDP, RSDT/XSDT, the checksum and
 * length checks every table passes before a decoder sees it, the \_S5
 * search across DSDT and SSDTs, and the no-ACPI fallback.
 *
 * Section numbers are those of the ACPI Specification 6.x as numbered in
 * 6.0 (later 6.x revisions keep them for the chapters cited here).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/acpi/acpi_priv.h"

#define RSDP_V1_LEN    20 /* ACPI 1.0 part, covered by Checksum */
#define RSDP_V2_LEN    36
#define RSDP_MAX_LEN   4096 /* sanity bound on the RSDP Length field */
#define BDA_EBDA_SEG   0x40e
#define EBDA_SCAN_LEN  1024
#define BIOS_AREA_BASE 0xe0000
#define BIOS_AREA_LEN  0x20000
#define LOW_MEMORY_END 0xa0000

void acpi_warn(struct acpi_info *info, const char *fmt, ...)
{
	va_list ap;

	if (info->warning_count < ACPI_MAX_WARNINGS) {
		va_start(ap, fmt);
		vsnprintf(info->warnings[info->warning_count], ACPI_WARNING_LEN, fmt, ap);
		va_end(ap);
	}
	info->warning_count++;
}

static uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

/* Copy n raw bytes as a printable, NUL-terminated string (for messages). */
static void acpi_printable(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

/* 5.2.5.3: signature and the checksum of the ACPI 1.0 part. */
static bool acpi_rsdp_v1_ok(const uint8_t *p)
{
	return memcmp(p, "RSD PTR ", 8) == 0 && acpi_sum(p, RSDP_V1_LEN) == 0;
}

static bool acpi_scan_rsdp(const struct acpi_mem_ops *ops, hpa_t base, size_t len, hpa_t *rsdp_pa)
{
	const uint8_t *p = ops->map(ops->ctx, base, len);

	if (!p)
		return false;
	for (size_t off = 0; off + RSDP_V1_LEN <= len; off += 16) {
		if (acpi_rsdp_v1_ok(p + off)) {
			*rsdp_pa = base + off;
			return true;
		}
	}
	return false;
}

int acpi_find_rsdp(const struct acpi_mem_ops *ops, hpa_t *rsdp_pa)
{
	const uint8_t *bda = ops->map(ops->ctx, BDA_EBDA_SEG, 2);

	/*
	 * 5.2.5.1: the EBDA segment is a real-mode word at 0x40E. Ignore a
	 * value that points into the BDA/IVT or past conventional memory:
	 * it is garbage on machines without an EBDA.
	 */
	if (bda) {
		hpa_t ebda = (hpa_t)acpi_get16(bda) << 4;

		if (ebda >= 0x500 && ebda < LOW_MEMORY_END &&
		    acpi_scan_rsdp(ops, ebda, MIN(EBDA_SCAN_LEN, LOW_MEMORY_END - ebda), rsdp_pa))
			return 0;
	}
	if (acpi_scan_rsdp(ops, BIOS_AREA_BASE, BIOS_AREA_LEN, rsdp_pa))
		return 0;
	return -ENOENT;
}

static struct acpi_table_ref *acpi_record(struct acpi_info *info, hpa_t pa)
{
	struct acpi_table_ref *ref;

	if (info->table_count >= ACPI_MAX_TABLES) {
		info->tables_dropped++;
		return NULL;
	}
	ref = &info->tables[info->table_count++];
	memset(ref, 0, sizeof(*ref));
	memcpy(ref->signature, "????", 5);
	ref->pa = pa;
	return ref;
}

static void acpi_set_status(struct acpi_table_ref *ref, enum acpi_table_status s)
{
	if (ref)
		ref->status = (uint8_t)s;
}

/*
 * Map the table at pa and check it (5.2.6): header mappable, length at
 * least the header and at most ACPI_TABLE_MAX_LEN, signature `want` (if
 * not NULL), whole table mappable, checksum zero. Records it in
 * info->tables (*ref_out, may be NULL when the list is full). Returns the
 * table, valid until the next map(), or NULL after a warning.
 */
static const uint8_t *acpi_load_table(const struct acpi_mem_ops *ops, struct acpi_info *info,
				      hpa_t pa, const char *want, uint32_t *len_out,
				      struct acpi_table_ref **ref_out)
{
	struct acpi_table_ref *ref = acpi_record(info, pa);
	unsigned long long where = pa;
	const uint8_t *t;
	char sig[5];
	uint32_t len;

	*ref_out = ref;
	t = ops->map(ops->ctx, pa, ACPI_SDT_HEADER_LEN);
	if (!t) {
		acpi_set_status(ref, ACPI_TABLE_UNMAPPED);
		acpi_warn(info, "%s at 0x%llx: not mappable", want ? want : "table", where);
		return NULL;
	}
	acpi_printable(sig, t, 4);
	len = acpi_get32(t + 4);
	if (ref) {
		memcpy(ref->signature, sig, sizeof(sig));
		ref->length = len;
		ref->revision = t[8];
	}
	if (want && memcmp(t, want, 4) != 0) {
		acpi_set_status(ref, ACPI_TABLE_BAD_SIGNATURE);
		acpi_warn(info, "%s at 0x%llx: signature is '%s'", want, where, sig);
		return NULL;
	}
	if (len < ACPI_SDT_HEADER_LEN || len > ACPI_TABLE_MAX_LEN || pa > UINT64_MAX - len) {
		acpi_set_status(ref, ACPI_TABLE_BAD_LENGTH);
		acpi_warn(info, "%s at 0x%llx: bad length %u", sig, where, len);
		return NULL;
	}
	t = ops->map(ops->ctx, pa, len);
	if (!t) {
		acpi_set_status(ref, ACPI_TABLE_UNMAPPED);
		acpi_warn(info, "%s at 0x%llx: %u bytes not mappable", sig, where, len);
		return NULL;
	}
	/* A second read of the length must agree: the checksum covers it. */
	if (acpi_get32(t + 4) != len || acpi_sum(t, len) != 0) {
		acpi_set_status(ref, ACPI_TABLE_BAD_CHECKSUM);
		acpi_warn(info, "%s at 0x%llx: bad checksum", sig, where);
		return NULL;
	}
	*len_out = len;
	return t;
}

/*
 * Read the RSDT (5.2.7, 32-bit entries) or XSDT (5.2.8, 64-bit entries)
 * into entries[]. Returns the number of entries, or -EINVAL if the table
 * is not valid.
 */
static int acpi_read_root(const struct acpi_mem_ops *ops, struct acpi_info *info, hpa_t pa,
			  bool xsdt, hpa_t *entries)
{
	const char *sig = xsdt ? "XSDT" : "RSDT";
	size_t width = xsdt ? 8 : 4;
	struct acpi_table_ref *ref;
	const uint8_t *t;
	uint32_t len, n;

	t = acpi_load_table(ops, info, pa, sig, &len, &ref);
	if (!t)
		return -EINVAL;
	n = (uint32_t)((len - ACPI_SDT_HEADER_LEN) / width);
	if ((len - ACPI_SDT_HEADER_LEN) % width)
		acpi_warn(info, "%s: length %u is not a whole number of entries", sig, len);
	if (n > ACPI_MAX_TABLES) {
		acpi_warn(info, "%s: %u entries, only %u parsed", sig, n, ACPI_MAX_TABLES);
		info->tables_dropped += n - ACPI_MAX_TABLES;
		n = ACPI_MAX_TABLES;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + ACPI_SDT_HEADER_LEN + i * width;

		entries[i] = xsdt ? acpi_get64(e) : acpi_get32(e);
	}
	return (int)n;
}

/* Read and check the RSDP; fills the rsdp_* fields and the root addresses. */
static int acpi_read_rsdp(const struct acpi_mem_ops *ops, struct acpi_info *info, hpa_t pa,
			  hpa_t *rsdt, hpa_t *xsdt)
{
	const uint8_t *p = ops->map(ops->ctx, pa, RSDP_V1_LEN);
	uint32_t len;

	if (!p) {
		acpi_warn(info, "RSDP at 0x%llx: not mappable", (unsigned long long)pa);
		return -EFAULT;
	}
	if (!acpi_rsdp_v1_ok(p)) {
		acpi_warn(info, "RSDP at 0x%llx: bad signature or checksum",
			  (unsigned long long)pa);
		return -EINVAL;
	}
	info->rsdp_revision = p[15];
	acpi_printable(info->oem_id, p + 9, 6);
	*rsdt = acpi_get32(p + 16);
	*xsdt = 0;
	if (info->rsdp_revision < 2)
		return 0;

	/*
	 * 5.2.5.3: revision 2 adds Length, XsdtAddress and an Extended
	 * Checksum over the whole structure. The XSDT address is only
	 * believed if that checksum holds; otherwise the RSDT still is.
	 */
	p = ops->map(ops->ctx, pa, RSDP_V2_LEN);
	len = p ? acpi_get32(p + 20) : 0;
	if (len >= RSDP_V2_LEN && len <= RSDP_MAX_LEN)
		p = ops->map(ops->ctx, pa, len);
	if (!p || len < RSDP_V2_LEN || len > RSDP_MAX_LEN || acpi_sum(p, len) != 0 ||
	    acpi_get32(p + 20) != len) {
		acpi_warn(info, "RSDP: extended part invalid, XSDT ignored");
		return 0;
	}
	*xsdt = acpi_get64(p + 24);
	return 0;
}

/* Look for \_S5 in a definition block (DSDT 5.2.11.1, SSDT 5.2.11.2). */
static void acpi_scan_s5(struct acpi_info *info, struct acpi_s5_info *s5, hpa_t pa,
			 const uint8_t *t, uint32_t len)
{
	int ret = acpi_aml_find_s5(t + ACPI_SDT_HEADER_LEN, len - ACPI_SDT_HEADER_LEN,
				   &s5->slp_typ_a, &s5->slp_typ_b);

	if (ret == 0) {
		s5->valid = true;
		s5->found_in = pa;
	} else if (ret == -EINVAL) {
		acpi_warn(info, "%.4s at 0x%llx: malformed \\_S5 package", (const char *)t,
			  (unsigned long long)pa);
	}
}

/* Is this the first table with that signature? Later ones are ignored. */
static bool acpi_first(struct acpi_info *info, bool seen, const char *sig, hpa_t pa,
		       struct acpi_table_ref *ref)
{
	if (!seen)
		return true;
	acpi_set_status(ref, ACPI_TABLE_DUPLICATE);
	acpi_warn(info, "%s at 0x%llx: duplicate ignored", sig, (unsigned long long)pa);
	return false;
}

static void acpi_dispatch(struct acpi_info *info, struct acpi_s5_info *ssdt_s5, hpa_t pa,
			  const uint8_t *t, uint32_t len, struct acpi_table_ref *ref)
{
	if (memcmp(t, "FACP", 4) == 0) {
		if (acpi_first(info, info->fadt.present, "FACP", pa, ref))
			acpi_fadt_parse(info, pa, t, len);
	} else if (memcmp(t, "APIC", 4) == 0) {
		if (acpi_first(info, info->madt.present, "APIC", pa, ref))
			acpi_madt_parse(info, pa, t, len);
	} else if (memcmp(t, "HPET", 4) == 0) {
		if (acpi_first(info, info->hpet.present, "HPET", pa, ref))
			acpi_hpet_parse(info, pa, t, len);
	} else if (memcmp(t, "MCFG", 4) == 0) {
		if (acpi_first(info, info->mcfg_count != 0, "MCFG", pa, ref))
			acpi_mcfg_parse(info, pa, t, len);
	} else if (memcmp(t, "SSDT", 4) == 0 && !ssdt_s5->valid) {
		acpi_scan_s5(info, ssdt_s5, pa, t, len);
	}
}

int acpi_parse(const struct acpi_mem_ops *ops, hpa_t rsdp_pa, struct acpi_info *info)
{
	hpa_t entries[ACPI_MAX_TABLES];
	struct acpi_s5_info ssdt_s5 = { 0 };
	struct acpi_table_ref *ref;
	const uint8_t *t;
	hpa_t rsdt, xsdt;
	uint32_t len;
	int n = -EINVAL, ret;

	memset(info, 0, sizeof(*info));
	info->rsdp_pa = rsdp_pa;
	ret = acpi_read_rsdp(ops, info, rsdp_pa, &rsdt, &xsdt);
	if (ret)
		return ret;

	/* 5.2.8: on revision 2+ the XSDT supersedes the RSDT. */
	if (xsdt) {
		n = acpi_read_root(ops, info, xsdt, true, entries);
		if (n >= 0) {
			info->xsdt_used = true;
			info->root_pa = xsdt;
		} else {
			acpi_warn(info, "XSDT unusable, falling back to the RSDT");
		}
	}
	if (n < 0 && rsdt) {
		n = acpi_read_root(ops, info, rsdt, false, entries);
		info->root_pa = rsdt;
	}
	if (n < 0) {
		info->root_pa = 0;
		return -ENOENT;
	}
	info->source = ACPI_SOURCE_TABLES;

	/* One table mapped at a time: decode each while it is mapped. */
	for (int i = 0; i < n; i++) {
		if (!entries[i])
			continue;
		t = acpi_load_table(ops, info, entries[i], NULL, &len, &ref);
		if (t)
			acpi_dispatch(info, &ssdt_s5, entries[i], t, len, ref);
	}

	/* The DSDT holds \_S5 on most machines; an SSDT may instead. */
	if (info->fadt.present && info->fadt.dsdt) {
		t = acpi_load_table(ops, info, info->fadt.dsdt, "DSDT", &len, &ref);
		if (t)
			acpi_scan_s5(info, &info->s5, info->fadt.dsdt, t, len);
	}
	if (!info->s5.valid && ssdt_s5.valid)
		info->s5 = ssdt_s5;
	if (info->fadt.present && !info->s5.valid)
		acpi_warn(info, "no usable \\_S5: ACPI power-off unavailable");
	return 0;
}

void acpi_fallback(struct acpi_info *info, uint32_t bsp_apic_id)
{
	struct acpi_madt_info *m = &info->madt;
	struct acpi_fadt_info *f = &info->fadt;

	if (info->source == ACPI_SOURCE_NONE)
		info->source = ACPI_SOURCE_FALLBACK;
	if (!m->guessed && (!m->present || m->cpu_count == 0)) {
		memset(m, 0, sizeof(*m));
		m->guessed = true;
		m->pcat_compat = true;
		m->lapic_address = ACPI_DEFAULT_LAPIC_BASE;
		m->cpu_count = 1;
		m->cpus[0] = (struct acpi_cpu){ .apic_id = bsp_apic_id, .enabled = true };
		m->ioapic_count = 1;
		m->ioapics[0] = (struct acpi_ioapic){
			.address = ACPI_DEFAULT_IOAPIC_BASE,
		};
		/* MP spec 1.4 section 5.3: the 8254 drives IOAPIC INTIN2. */
		m->iso_count = 1;
		m->isos[0] = (struct acpi_iso){ .source = 0, .gsi = 2 };
		/* ... and LINT1 of every local APIC is NMI. */
		m->lapic_nmi_count = 1;
		m->lapic_nmis[0] = (struct acpi_lapic_nmi){
			.acpi_uid = ACPI_UID_ALL,
			.lint = 1,
		};
	}
	/*
	 * Without a FADT reset register, port 0xCF9 (Reset Control Register
	 * of the PIIX/ICH south bridges, also emulated by QEMU and Bochs) is
	 * the usual way to reset a PC. A guess: the kernel should still fall
	 * back to the 8042 or a triple fault if it does nothing.
	 */
	if (f->reset_source == ACPI_RESET_NONE && !f->hw_reduced) {
		f->reset_source = ACPI_RESET_GUESS;
		f->reset_reg = (struct acpi_gas){
			.space_id = ACPI_GAS_IO,
			.bit_width = 8,
			.address = ACPI_CF9_RESET_PORT,
		};
		f->reset_value = ACPI_CF9_RESET_VALUE;
	}
}

uint16_t acpi_pm1_cnt_sleep_value(uint16_t current, uint8_t slp_typ)
{
	/* 4.8.3.2.1, PM1 Control: SLP_TYPx bits 12:10, SLP_EN bit 13. */
	const uint16_t slp_typ_mask = 7u << 10, slp_en = 1u << 13;

	return (uint16_t)((current & ~(slp_typ_mask | slp_en)) | ((slp_typ & 7u) << 10) | slp_en);
}
