/*
 * Internals shared by the ACPI parser's files (acpi.c, madt.c, fadt.c,
 * aml_s5.c). Not for use outside kernel/acpi/.
 */
#ifndef STRATA_ACPI_PRIV_H
#define STRATA_ACPI_PRIV_H

#include "kernel/acpi/acpi.h"

/* System Description Table Header (5.2.6). */
#define ACPI_SDT_HEADER_LEN 36

/*
 * Little-endian loads byte by byte: table fields are unaligned (MADT
 * entries, packed GAS) and the parser must not assume the host's order.
 */
static inline uint16_t acpi_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t acpi_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static inline uint64_t acpi_get64(const uint8_t *p)
{
	return (uint64_t)acpi_get32(p) | ((uint64_t)acpi_get32(p + 4) << 32);
}

/* Record a warning in info (kept if there is room, always counted). */
void acpi_warn(struct acpi_info *info, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Table decoders. `t` points at a whole validated table of `len` bytes
 * (len >= ACPI_SDT_HEADER_LEN, checksum good); `pa` is only for messages.
 */
void acpi_madt_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len);
void acpi_fadt_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len);
void acpi_hpet_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len);
void acpi_mcfg_parse(struct acpi_info *info, hpa_t pa, const uint8_t *t, uint32_t len);

#endif
