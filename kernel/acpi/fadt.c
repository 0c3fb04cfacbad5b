/*
 * FADT decoder (ACPI 6.x section 5.2.9), plus the two small tables that
 * locate fixed platform hardware: HPET (IA-PC HPET Specification 1.0a,
 * section 3.2.4) and MCFG (PCI Firmware Specification 3.2, section 4.1.2).
 */
#include <string.h>

#include "kernel/acpi/acpi_priv.h"

/* Byte offsets of the FADT fields used (5.2.9, Table 5.9). */
enum fadt_off {
	FADT_FIRMWARE_CTRL = 36,
	FADT_DSDT = 40,
	FADT_SCI_INT = 46,
	FADT_SMI_CMD = 48,
	FADT_ACPI_ENABLE = 52,
	FADT_ACPI_DISABLE = 53,
	FADT_PM1A_EVT_BLK = 56,
	FADT_PM1B_EVT_BLK = 60,
	FADT_PM1A_CNT_BLK = 64,
	FADT_PM1B_CNT_BLK = 68,
	FADT_PM_TMR_BLK = 76,
	FADT_PM1_EVT_LEN = 88,
	FADT_PM1_CNT_LEN = 89,
	FADT_PM_TMR_LEN = 91,
	FADT_CENTURY = 108,
	FADT_IAPC_BOOT_ARCH = 109,
	FADT_FLAGS = 112,
	FADT_RESET_REG = 116,
	FADT_RESET_VALUE = 128,
	FADT_X_FIRMWARE_CTRL = 132,
	FADT_X_DSDT = 140,
	FADT_X_PM1A_EVT_BLK = 148,
	FADT_X_PM1B_EVT_BLK = 160,
	FADT_X_PM1A_CNT_BLK = 172,
	FADT_X_PM1B_CNT_BLK = 184,
	FADT_X_PM_TMR_BLK = 208,
	FADT_FULL_LEN = 276, /* ACPI 6.3+: through the hypervisor vendor id */
};

static struct acpi_gas gas_decode(const uint8_t *p)
{
	return (struct acpi_gas){
		.space_id = p[0],
		.bit_width = p[1],
		.bit_offset = p[2],
		.access_size = p[3],
		.address = acpi_get64(p + 4),
	};
}

/*
 * 5.2.9: each X_ block, when its address is non-zero, supersedes the
 * 32-bit I/O port field. Some firmware leaves the X_ width zero: take it
 * from the legacy length byte then.
 */
static struct acpi_gas fadt_block(const uint8_t *f, unsigned int port_off, unsigned int len_off,
				  unsigned int x_off)
{
	struct acpi_gas g = gas_decode(f + x_off);
	uint8_t bytes = f[len_off];

	if (g.address) {
		if (!g.bit_width)
			g.bit_width = (uint8_t)(bytes * 8);
		return g;
	}
	g = (struct acpi_gas){ .space_id = ACPI_GAS_IO };
	g.address = acpi_get32(f + port_off);
	if (g.address)
		g.bit_width = (uint8_t)(bytes * 8);
	return g;
}

/*
 * 4.8.3.6: the reset register is 8 bits wide at bit offset 0 in system
 * I/O, memory or PCI configuration space. Anything else is not used.
 */
static void fadt_reset(struct acpi_info *info, const uint8_t *f, uint32_t len)
{
	struct acpi_fadt_info *fa = &info->fadt;
	struct acpi_gas g = gas_decode(f + FADT_RESET_REG);

	if (!(fa->flags & ACPI_FADT_RESET_REG_SUP))
		return;
	if (len <= FADT_RESET_VALUE || !g.address || g.bit_width != 8 || g.bit_offset != 0 ||
	    g.space_id > ACPI_GAS_PCI_CONFIG) {
		acpi_warn(info, "FADT: reset register unusable (space %u, width %u)", g.space_id,
			  g.bit_width);
		return;
	}
	fa->reset_source = ACPI_RESET_FADT;
	fa->reset_reg = g;
	fa->reset_value = f[FADT_RESET_VALUE];
}

static void fadt_boot_arch(struct acpi_fadt_info *fa, const uint8_t *f)
{
	uint16_t arch = acpi_get16(f + FADT_IAPC_BOOT_ARCH);

	/*
	 * IAPC_BOOT_ARCH appeared in ACPI 2.0 (FADT revision 2+); a revision 1
	 * table has a reserved byte there. Assume a PC-AT then, as OSes do.
	 */
	if (fa->revision < 2) {
		fa->has_8042 = true;
		fa->legacy_devices = true;
		return;
	}
	fa->iapc_boot_arch = arch;
	fa->legacy_devices = arch & ACPI_BOOT_LEGACY_DEVICES;
	fa->has_8042 = arch & ACPI_BOOT_8042;
	fa->no_vga = arch & ACPI_BOOT_NO_VGA;
	fa->no_cmos_rtc = arch & ACPI_BOOT_NO_CMOS_RTC;
}

void acpi_fadt_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len)
{
	struct acpi_fadt_info *fa = &info->fadt;
	uint8_t f[FADT_FULL_LEN];
	hpa_t x;

	/*
	 * The FADT grew with every revision and firmware ships every length:
	 * decode from a zeroed full-size copy, so a field past the end of a
	 * short table reads as 0 ("not present") instead of out of bounds.
	 */
	if (len < FADT_PM_TMR_LEN + 1) {
		acpi_warn(info, "FACP at 0x%llx: %u bytes, too short", (unsigned long long)pa, len);
		return;
	}
	memset(f, 0, sizeof(f));
	memcpy(f, t, MIN(len, (uint32_t)sizeof(f)));

	fa->present = true;
	fa->revision = f[8];
	fa->length = len;
	fa->flags = acpi_get32(f + FADT_FLAGS);
	x = acpi_get64(f + FADT_X_DSDT);
	fa->dsdt = x ? x : acpi_get32(f + FADT_DSDT);
	x = acpi_get64(f + FADT_X_FIRMWARE_CTRL);
	fa->facs = x ? x : acpi_get32(f + FADT_FIRMWARE_CTRL);
	fa->sci_irq = acpi_get16(f + FADT_SCI_INT);
	fa->smi_cmd = acpi_get32(f + FADT_SMI_CMD);
	fa->acpi_enable = f[FADT_ACPI_ENABLE];
	fa->acpi_disable = f[FADT_ACPI_DISABLE];
	fa->century = f[FADT_CENTURY];
	fa->hw_reduced = fa->flags & ACPI_FADT_HW_REDUCED;

	fa->pm1a_evt = fadt_block(f, FADT_PM1A_EVT_BLK, FADT_PM1_EVT_LEN, FADT_X_PM1A_EVT_BLK);
	fa->pm1b_evt = fadt_block(f, FADT_PM1B_EVT_BLK, FADT_PM1_EVT_LEN, FADT_X_PM1B_EVT_BLK);
	fa->pm1a_cnt = fadt_block(f, FADT_PM1A_CNT_BLK, FADT_PM1_CNT_LEN, FADT_X_PM1A_CNT_BLK);
	fa->pm1b_cnt = fadt_block(f, FADT_PM1B_CNT_BLK, FADT_PM1_CNT_LEN, FADT_X_PM1B_CNT_BLK);
	fa->pm_tmr = fadt_block(f, FADT_PM_TMR_BLK, FADT_PM_TMR_LEN, FADT_X_PM_TMR_BLK);
	fa->pm_tmr_32bit = fa->flags & ACPI_FADT_TMR_VAL_EXT;

	/*
	 * 4.8.3.3: the PM timer is always read as a 32-bit register; only the
	 * counter is 24 or 32 bits (TMR_VAL_EXT). Firmware that puts 24 (or
	 * 0) in the width means the same register.
	 */
	if (fa->pm_tmr.address && fa->pm_tmr.bit_width != 32) {
		acpi_warn(info, "FADT: PM timer width %u, using 32", fa->pm_tmr.bit_width);
		fa->pm_tmr.bit_width = 32;
	}
	fadt_reset(info, f, len);
	fadt_boot_arch(fa, f);
	if (!fa->dsdt)
		acpi_warn(info, "FADT: no DSDT");
}

void acpi_hpet_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len)
{
	struct acpi_hpet_info *h = &info->hpet;
	struct acpi_gas g;

	/* HPET table: block id @36, base GAS @40, number @52, min tick @53. */
	if (len < 56) {
		acpi_warn(info, "HPET at 0x%llx: %u bytes, too short", (unsigned long long)pa, len);
		return;
	}
	g = gas_decode(t + 40);
	if (g.space_id != ACPI_GAS_MEMORY || !g.address) {
		acpi_warn(info, "HPET: base not in memory space (space %u)", g.space_id);
		return;
	}
	h->present = true;
	h->block_id = acpi_get32(t + 36);
	h->base = g.address;
	h->number = t[52];
	h->min_tick = acpi_get16(t + 53);
}

void acpi_mcfg_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len)
{
	/* MCFG: 8 reserved bytes after the header, then 16-byte entries. */
	const uint32_t first = 44, size = 16;

	for (uint32_t off = first; off + size <= len; off += size) {
		if (info->mcfg_count >= ACPI_MAX_MCFG) {
			info->mcfg_dropped++;
			continue;
		}
		info->mcfg[info->mcfg_count++] = (struct acpi_mcfg_entry){
			.base = acpi_get64(t + off),
			.segment = acpi_get16(t + off + 8),
			.bus_start = t[off + 10],
			.bus_end = t[off + 11],
		};
	}
	if (len < first || (len - first) % size)
		acpi_warn(info, "MCFG at 0x%llx: length %u is not header + n * 16",
			  (unsigned long long)pa, len);
}
