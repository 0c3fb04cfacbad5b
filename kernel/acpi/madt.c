/*
 * MADT decoder (ACPI 6.x section 5.2.12): processors, IOAPICs, interrupt
 * source overrides and NMI wiring of an APIC-based PC.
 */
#include <string.h>

#include "kernel/acpi/acpi_priv.h"

#define MADT_ENTRIES_OFF 44 /* after the header, LAPIC address and flags */
#define MADT_PCAT_COMPAT 0x1

/* Interrupt controller structure types (5.2.12, Table 5.21). */
enum madt_type {
	MADT_LOCAL_APIC = 0,
	MADT_IOAPIC = 1,
	MADT_ISO = 2,
	MADT_NMI_SRC = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_OVERRIDE = 5,
	MADT_LOCAL_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

/* Local APIC flags (5.2.12.2, Table 5.23). */
#define LAPIC_ENABLED        0x1
#define LAPIC_ONLINE_CAPABLE 0x2

/* Minimum length of each structure we decode; longer is allowed (newer revisions). */
/* clang-format off */
static const uint8_t madt_min_len[] = {
	[MADT_LOCAL_APIC] = 8,
	[MADT_IOAPIC] = 12,
	[MADT_ISO] = 10,
	[MADT_NMI_SRC] = 8,
	[MADT_LAPIC_NMI] = 6,
	[MADT_LAPIC_OVERRIDE] = 12,
	[MADT_LOCAL_X2APIC] = 16,
	[MADT_X2APIC_NMI] = 12,
};
/* clang-format on */

static void madt_add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags,
			 bool x2apic)
{
	/*
	 * 5.2.12.2: with neither Enabled nor Online Capable set the processor
	 * is unusable and OSPM shall ignore the entry. A second entry for the
	 * same APIC id (firmware listing a CPU as both type 0 and type 9) is
	 * dropped too: starting one CPU twice would be fatal.
	 */
	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE))) {
		m->cpus_ignored++;
		return;
	}
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		if (m->cpus[i].apic_id == apic_id) {
			m->cpus_ignored++;
			return;
		}
	}
	if (m->cpu_count >= ACPI_MAX_CPUS) {
		m->cpus_dropped++;
		return;
	}
	m->cpus[m->cpu_count++] = (struct acpi_cpu){
		.apic_id = apic_id,
		.acpi_uid = uid,
		.enabled = flags & LAPIC_ENABLED,
		/* Reserved (zero) when Enabled is set; meaningful otherwise. */
		.online_capable = !(flags & LAPIC_ENABLED) && (flags & LAPIC_ONLINE_CAPABLE),
		.x2apic = x2apic,
	};
}

static void madt_add_lapic_nmi(struct acpi_madt_info *m, uint32_t uid, uint16_t flags, uint8_t lint)
{
	if (m->lapic_nmi_count >= ACPI_MAX_LAPIC_NMIS) {
		m->lapic_nmis_dropped++;
		return;
	}
	m->lapic_nmis[m->lapic_nmi_count++] = (struct acpi_lapic_nmi){
		.acpi_uid = uid,
		.flags = flags,
		.lint = lint,
	};
}

static void madt_entry(struct acpi_info *info, const uint8_t *e, bool *lapic_override)
{
	struct acpi_madt_info *m = &info->madt;

	switch (e[0]) {
	case MADT_LOCAL_APIC: /* 5.2.12.2 */
		madt_add_cpu(m, e[3], e[2], acpi_get32(e + 4), false);
		break;
	case MADT_LOCAL_X2APIC: /* 5.2.12.12 */
		madt_add_cpu(m, acpi_get32(e + 4), acpi_get32(e + 12), acpi_get32(e + 8), true);
		break;
	case MADT_IOAPIC: /* 5.2.12.3 */
		if (m->ioapic_count >= ACPI_MAX_IOAPICS) {
			m->ioapics_dropped++;
			break;
		}
		m->ioapics[m->ioapic_count++] = (struct acpi_ioapic){
			.id = e[2],
			.address = acpi_get32(e + 4),
			.gsi_base = acpi_get32(e + 8),
		};
		break;
	case MADT_ISO: /* 5.2.12.5 */
		if (m->iso_count >= ACPI_MAX_ISOS) {
			m->isos_dropped++;
			break;
		}
		m->isos[m->iso_count++] = (struct acpi_iso){
			.bus = e[2],
			.source = e[3],
			.gsi = acpi_get32(e + 4),
			.flags = acpi_get16(e + 8),
		};
		break;
	case MADT_NMI_SRC: /* 5.2.12.6 */
		if (m->nmi_src_count >= ACPI_MAX_NMI_SRCS) {
			m->nmi_srcs_dropped++;
			break;
		}
		m->nmi_srcs[m->nmi_src_count++] = (struct acpi_nmi_src){
			.flags = acpi_get16(e + 2),
			.gsi = acpi_get32(e + 4),
		};
		break;
	case MADT_LAPIC_NMI: /* 5.2.12.7: UID 0xFF means all processors */
		madt_add_lapic_nmi(m, e[2] == 0xff ? ACPI_UID_ALL : e[2], acpi_get16(e + 3), e[5]);
		break;
	case MADT_X2APIC_NMI: /* 5.2.12.13: UID 0xFFFFFFFF means all */
		madt_add_lapic_nmi(m, acpi_get32(e + 4), acpi_get16(e + 2), e[8]);
		break;
	case MADT_LAPIC_OVERRIDE: /* 5.2.12.8: at most one, 64-bit address */
		if (*lapic_override) {
			acpi_warn(info, "MADT: extra local APIC address override ignored");
			break;
		}
		*lapic_override = true;
		m->lapic_address = acpi_get64(e + 4);
		break;
	}
}

void acpi_madt_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len)
{
	struct acpi_madt_info *m = &info->madt;
	bool lapic_override = false;
	uint32_t off;

	if (len < MADT_ENTRIES_OFF) {
		acpi_warn(info, "APIC at 0x%llx: %u bytes, too short", (unsigned long long)pa, len);
		return;
	}
	m->present = true;
	m->lapic_address = acpi_get32(t + 36);
	m->pcat_compat = acpi_get32(t + 40) & MADT_PCAT_COMPAT;

	/*
	 * Entries are Type, Length, body. A length below 2 would loop
	 * forever and one running past the table cannot be trusted: both end
	 * the walk (what came before is kept). A known type that is shorter
	 * than its structure is skipped alone.
	 */
	for (off = MADT_ENTRIES_OFF; off + 2 <= len;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0], elen = e[1];

		if (elen < 2 || elen > len - off) {
			acpi_warn(info,
				  "MADT: entry type %u at offset %u has length %u, "
				  "walk stopped",
				  type, off, elen);
			return;
		}
		if (type < sizeof(madt_min_len) && madt_min_len[type] && elen < madt_min_len[type])
			acpi_warn(info, "MADT: type %u entry of %u bytes skipped", type, elen);
		else
			madt_entry(info, e, &lapic_override);
		off += elen;
	}
	if (off != len)
		acpi_warn(info, "MADT: %u trailing bytes", len - off);
}
