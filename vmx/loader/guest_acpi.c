/*
 * A VM's ACPI tables: see guest_acpi.h for the layout and the platform
 * they describe. Section and table numbers are those of the ACPI
 * Specification 6.5.
 *
 * Each table is laid out field by field at its documented byte offset
 * (little-endian, unaligned as the spec packs them), then its checksum is
 * set so that all its bytes sum to zero (5.2.6).
 */
#include <errno.h>
#include <string.h>

#include "vmx/loader/guest_acpi.h"

#define SDT_HEADER_LEN 36 /* System Description Table Header, 5.2.6 Table 5.4 */
#define RSDP_V1_LEN    20 /* the ACPI 1.0 part, covered by Checksum */
#define RSDP_LEN       36 /* revision 2: covered by Extended Checksum */
#define RSDT_LEN       (SDT_HEADER_LEN + 2 * 4)
#define XSDT_LEN       (SDT_HEADER_LEN + 2 * 8)
#define FACS_LEN       64
#define FADT_LEN       276 /* 5.2.9 Table 5.9, through Hypervisor Vendor Identity */

/* Table revisions of ACPI 6.5. */
#define RSDP_REVISION       2
#define RSDT_REVISION       1
#define XSDT_REVISION       1
#define FADT_REVISION       6
#define FADT_MINOR_REVISION 5
#define FACS_VERSION        2
#define MADT_REVISION       6
#define DSDT_REVISION       2 /* integers in its AML are 64-bit (5.2.11.1) */

#define OEM_ID           "STRATA"   /* 6 bytes */
#define OEM_TABLE_ID     "STRATAVM" /* 8 bytes */
#define OEM_REVISION     1
#define CREATOR_ID       "STRA" /* 4 bytes */
#define CREATOR_REVISION 1

/* Byte offsets in the FADT (5.2.9, Table 5.9). */
enum fadt_off {
	FADT_FIRMWARE_CTRL = 36,
	FADT_DSDT = 40,
	FADT_PREFERRED_PM_PROFILE = 45,
	FADT_SCI_INT = 46,
	FADT_SMI_CMD = 48,
	FADT_PM1A_EVT_BLK = 56,
	FADT_PM1A_CNT_BLK = 64,
	FADT_PM_TMR_BLK = 76,
	FADT_PM1_EVT_LEN = 88,
	FADT_PM1_CNT_LEN = 89,
	FADT_PM_TMR_LEN = 91,
	FADT_P_LVL2_LAT = 96,
	FADT_P_LVL3_LAT = 98,
	FADT_CENTURY = 108,
	FADT_IAPC_BOOT_ARCH = 109,
	FADT_FLAGS = 112,
	FADT_RESET_REG = 116,
	FADT_RESET_VALUE = 128,
	FADT_MINOR_VERSION = 131,
	FADT_X_FIRMWARE_CTRL = 132,
	FADT_X_DSDT = 140,
	FADT_X_PM1A_EVT_BLK = 148,
	FADT_X_PM1A_CNT_BLK = 172,
	FADT_X_PM_TMR_BLK = 208,
	FADT_HYPERVISOR_VENDOR = 268,
};

/* Register block lengths in bytes (4.8.3.1, 4.8.3.2, 4.8.3.3). */
#define PM1_EVT_LEN 4
#define PM1_CNT_LEN 2
#define PM_TMR_LEN  4

/* Fixed Feature Flags (5.2.9, Table 5.10). */
#define FADT_F_WBINVD        (1u << 0)
#define FADT_F_PROC_C1       (1u << 2)
#define FADT_F_PWR_BUTTON    (1u << 4) /* set: no fixed-feature power button */
#define FADT_F_SLP_BUTTON    (1u << 5) /* set: no fixed-feature sleep button */
#define FADT_F_FIX_RTC       (1u << 6) /* set: no RTC_STS wake in PM1 */
#define FADT_F_TMR_VAL_EXT   (1u << 8) /* 32-bit PM timer counter */
#define FADT_F_RESET_REG_SUP (1u << 10)

/* IA-PC Boot Architecture Flags (5.2.9.3, Table 5.11). */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042           (1u << 1) /* left clear: no keyboard controller */
#define IAPC_NO_VGA         (1u << 2)

/*
 * P_LVL2_LAT above 100 and P_LVL3_LAT above 1000 (microseconds) say the
 * C2 and C3 states are not supported (5.2.9): a vCPU only halts.
 */
#define C2_UNSUPPORTED 101
#define C3_UNSUPPORTED 1001

/* Generic Address Structure (5.2.3.2, Table 5.1). */
#define GAS_LEN          12
#define GAS_SYSTEM_IO    1
#define GAS_ACCESS_BYTE  1
#define GAS_ACCESS_WORD  2
#define GAS_ACCESS_DWORD 3

/* MADT (5.2.12): flags and Interrupt Controller Structure types (Table 5.21). */
#define MADT_PCAT_COMPAT    (1u << 0)
#define MADT_ENTRIES_OFF    44
#define MADT_LAPIC          0
#define MADT_LAPIC_LEN      8
#define MADT_LAPIC_ENABLED  (1u << 0)
#define MADT_IOAPIC         1
#define MADT_IOAPIC_LEN     12
#define MADT_ISO            2
#define MADT_ISO_LEN        10
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_NMI_LEN  6
#define MADT_UID_ALL        0xff /* Local APIC NMI: every processor */
#define MPS_INTI_CONFORMS   0x0
#define MPS_INTI_HIGH_LEVEL 0xd /* polarity 01 active high, trigger 11 level (Table 5.26) */
#define MADT_MAX_LEN                                                                  \
	(MADT_ENTRIES_OFF + GUEST_ACPI_MAX_VCPUS * MADT_LAPIC_LEN + MADT_IOAPIC_LEN + \
	 2 * MADT_ISO_LEN + MADT_LAPIC_NMI_LEN)

/* ISA IRQ 0 (PIT) and the SCI, as the MADT overrides them. */
#define ISA_IRQ_PIT  0
#define GSI_PIT      2
#define LINT_NMI_PIN 1

/*
 * The DSDT's AML (20.2): Name (_S5, Package () { 5, 5, 0, 0 }), the
 * soft-off sleep type values of 7.4.2 (SLP_TYPa, SLP_TYPb, two reserved).
 */
/* clang-format off */
static const uint8_t dsdt_aml[] = {
	0x08,                       /* NameOp: DefName (20.2.5.1) */
	'_', 'S', '5', '_',         /* NameSeg */
	0x12,                       /* PackageOp: DefPackage (20.2.5.4) */
	0x08,                       /* PkgLength (20.2.4): these 8 bytes */
	0x04,                       /* NumElements */
	0x0a, GUEST_ACPI_S5_SLP_TYP, /* BytePrefix: SLP_TYPa (20.2.3) */
	0x0a, GUEST_ACPI_S5_SLP_TYP, /* BytePrefix: SLP_TYPb */
	0x00,                       /* ZeroOp: reserved */
	0x00,                       /* ZeroOp: reserved */
};
/* clang-format on */

#define DSDT_LEN (SDT_HEADER_LEN + sizeof(dsdt_aml))

_Static_assert(GUEST_ACPI_RSDP_ADDR % 16 == 0, "RSDP on a 16-byte boundary (5.2.5.1)");
_Static_assert(GUEST_ACPI_RSDP_ADDR + RSDP_LEN <= GUEST_ACPI_RSDT_ADDR, "RSDP fits");
_Static_assert(GUEST_ACPI_RSDT_ADDR + RSDT_LEN <= GUEST_ACPI_XSDT_ADDR, "RSDT fits");
_Static_assert(GUEST_ACPI_XSDT_ADDR + XSDT_LEN <= GUEST_ACPI_FACS_ADDR, "XSDT fits");
_Static_assert(GUEST_ACPI_FACS_ADDR % 64 == 0, "FACS 64-byte aligned (5.2.10)");
_Static_assert(GUEST_ACPI_FACS_ADDR + FACS_LEN <= GUEST_ACPI_FADT_ADDR, "FACS fits");
_Static_assert(GUEST_ACPI_FADT_ADDR + FADT_LEN <= GUEST_ACPI_MADT_ADDR, "FADT fits");
_Static_assert(GUEST_ACPI_MADT_ADDR + MADT_MAX_LEN <= GUEST_ACPI_DSDT_ADDR, "MADT fits");
_Static_assert(GUEST_ACPI_DSDT_ADDR + DSDT_LEN <= GUEST_ACPI_AREA_END, "DSDT fits");
_Static_assert(GUEST_ACPI_AREA_START >= 0x9fc00 && GUEST_ACPI_AREA_END <= 0x100000,
	       "in the reserved PC hole");
_Static_assert(GUEST_ACPI_S5_SLP_TYP <= 7, "SLP_TYP is 3 bits (4.8.3.2.1)");

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

/* A fixed-width name field (signature, OEM ID...): n characters, no NUL. */
static void put_name(uint8_t *p, const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)name[i];
}

/* The byte that makes p[0..len) sum to zero, given that it is 0 now. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* 5.2.6: the common header; the checksum (offset 9) is set by sdt_seal(). */
static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t revision)
{
	put_name(t, sig, 4);
	put32(t + 4, len);
	t[8] = revision;
	put_name(t + 10, OEM_ID, 6);
	put_name(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, OEM_REVISION);
	put_name(t + 28, CREATOR_ID, 4);
	put32(t + 32, CREATOR_REVISION);
}

static void sdt_seal(uint8_t *t)
{
	uint32_t len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
		       (uint32_t)t[7] << 24;

	t[9] = checksum(t, len);
}

/* 5.2.3.2: Address Space ID, Register Bit Width, Bit Offset, Access Size, Address. */
static void put_gas_io(uint8_t *p, uint8_t bit_width, uint8_t access_size, uint16_t port)
{
	p[0] = GAS_SYSTEM_IO;
	p[1] = bit_width;
	p[2] = 0;
	p[3] = access_size;
	put64(p + 4, port);
}

/* 5.2.5.3, Table 5.3. */
static void build_rsdp(uint8_t *p)
{
	put_name(p, "RSD PTR ", 8);
	put_name(p + 9, OEM_ID, 6);
	p[15] = RSDP_REVISION;
	put32(p + 16, (uint32_t)GUEST_ACPI_RSDT_ADDR);
	put32(p + 20, RSDP_LEN);
	put64(p + 24, GUEST_ACPI_XSDT_ADDR);
	p[8] = checksum(p, RSDP_V1_LEN);
	p[32] = checksum(p, RSDP_LEN);
}

/* 5.2.7 and 5.2.8: the same two tables, as 32- and 64-bit addresses. */
static void build_root(uint8_t *rsdt, uint8_t *xsdt)
{
	sdt_header(rsdt, "RSDT", RSDT_LEN, RSDT_REVISION);
	put32(rsdt + SDT_HEADER_LEN, (uint32_t)GUEST_ACPI_FADT_ADDR);
	put32(rsdt + SDT_HEADER_LEN + 4, (uint32_t)GUEST_ACPI_MADT_ADDR);
	sdt_seal(rsdt);

	sdt_header(xsdt, "XSDT", XSDT_LEN, XSDT_REVISION);
	put64(xsdt + SDT_HEADER_LEN, GUEST_ACPI_FADT_ADDR);
	put64(xsdt + SDT_HEADER_LEN + 8, GUEST_ACPI_MADT_ADDR);
	sdt_seal(xsdt);
}

/*
 * 5.2.10, Table 5.14: no checksum. Hardware signature 0, no waking
 * vector (S5 is the only sleep state), global lock free, no S4BIOS.
 */
static void build_facs(uint8_t *p)
{
	put_name(p, "FACS", 4);
	put32(p + 4, FACS_LEN);
	p[32] = FACS_VERSION;
}

/* 5.2.9: the fixed hardware of guest_acpi.h, each block also as a GAS. */
static void build_fadt(uint8_t *f)
{
	sdt_header(f, "FACP", FADT_LEN, FADT_REVISION);
	/*
	 * Both the 32- and the 64-bit FACS and DSDT addresses, equal: the
	 * spec has the OS prefer the X_ fields, and ACPICA only complains
	 * when the two differ.
	 */
	put32(f + FADT_FIRMWARE_CTRL, (uint32_t)GUEST_ACPI_FACS_ADDR);
	put32(f + FADT_DSDT, (uint32_t)GUEST_ACPI_DSDT_ADDR);
	put64(f + FADT_X_FIRMWARE_CTRL, GUEST_ACPI_FACS_ADDR);
	put64(f + FADT_X_DSDT, GUEST_ACPI_DSDT_ADDR);
	f[FADT_PREFERRED_PM_PROFILE] = 0; /* unspecified */
	put16(f + FADT_SCI_INT, GUEST_ACPI_SCI_IRQ);
	/* SMI_CMD 0: no SMM, the platform is always in ACPI mode. */
	put32(f + FADT_SMI_CMD, 0);

	put32(f + FADT_PM1A_EVT_BLK, GUEST_ACPI_PM1A_EVT_PORT);
	put32(f + FADT_PM1A_CNT_BLK, GUEST_ACPI_PM1A_CNT_PORT);
	put32(f + FADT_PM_TMR_BLK, GUEST_ACPI_PM_TMR_PORT);
	f[FADT_PM1_EVT_LEN] = PM1_EVT_LEN;
	f[FADT_PM1_CNT_LEN] = PM1_CNT_LEN;
	f[FADT_PM_TMR_LEN] = PM_TMR_LEN;
	put_gas_io(f + FADT_X_PM1A_EVT_BLK, PM1_EVT_LEN * 8, GAS_ACCESS_WORD,
		   GUEST_ACPI_PM1A_EVT_PORT);
	put_gas_io(f + FADT_X_PM1A_CNT_BLK, PM1_CNT_LEN * 8, GAS_ACCESS_WORD,
		   GUEST_ACPI_PM1A_CNT_PORT);
	put_gas_io(f + FADT_X_PM_TMR_BLK, PM_TMR_LEN * 8, GAS_ACCESS_DWORD, GUEST_ACPI_PM_TMR_PORT);

	put16(f + FADT_P_LVL2_LAT, C2_UNSUPPORTED);
	put16(f + FADT_P_LVL3_LAT, C3_UNSUPPORTED);
	f[FADT_CENTURY] = 0; /* no CMOS century register promised */
	put16(f + FADT_IAPC_BOOT_ARCH, IAPC_LEGACY_DEVICES | IAPC_NO_VGA);
	put32(f + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
				      FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_TMR_VAL_EXT |
				      FADT_F_RESET_REG_SUP);
	/* 4.8.3.6: an 8-bit register at bit offset 0; byte access. */
	put_gas_io(f + FADT_RESET_REG, 8, GAS_ACCESS_BYTE, GUEST_ACPI_RESET_PORT);
	f[FADT_RESET_VALUE] = GUEST_ACPI_RESET_VALUE;
	f[FADT_MINOR_VERSION] = FADT_MINOR_REVISION;
	put_name(f + FADT_HYPERVISOR_VENDOR, "Strata\0\0", 8);
	sdt_seal(f);
}

/* 5.2.12 and its Interrupt Controller Structures (Table 5.21). */
static void build_madt(uint8_t *m, uint32_t vcpus)
{
	uint32_t off = MADT_ENTRIES_OFF;
	uint8_t *e;

	put32(m + 36, (uint32_t)GUEST_ACPI_LAPIC_ADDR);
	put32(m + 40, MADT_PCAT_COMPAT);

	/* 5.2.12.2 Processor Local APIC Structure: UID i, APIC id i, enabled. */
	for (uint32_t i = 0; i < vcpus; i++, off += MADT_LAPIC_LEN) {
		e = m + off;
		e[0] = MADT_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)i;
		put32(e + 4, MADT_LAPIC_ENABLED);
	}

	/* 5.2.12.3 I/O APIC Structure. */
	e = m + off;
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = GUEST_ACPI_IOAPIC_ID;
	put32(e + 4, (uint32_t)GUEST_ACPI_IOAPIC_ADDR);
	put32(e + 8, 0); /* Global System Interrupt Base */
	off += MADT_IOAPIC_LEN;

	/*
	 * 5.2.12.5 Interrupt Source Overrides: the PIT's IRQ 0 reaches
	 * IOAPIC pin 2 (MP spec 1.4 default wiring), with ISA's edge/high
	 * ("conforms"). The SCI is level-triggered and, without an
	 * override, active low (5.2.9, SCI_INT); it is declared active high
	 * so the vIOAPIC sees a raised line as asserted, as on QEMU.
	 */
	e = m + off;
	e[0] = MADT_ISO;
	e[1] = MADT_ISO_LEN;
	e[2] = 0; /* bus: ISA */
	e[3] = ISA_IRQ_PIT;
	put32(e + 4, GSI_PIT);
	put16(e + 8, MPS_INTI_CONFORMS);
	off += MADT_ISO_LEN;
	e = m + off;
	e[0] = MADT_ISO;
	e[1] = MADT_ISO_LEN;
	e[2] = 0;
	e[3] = GUEST_ACPI_SCI_IRQ;
	put32(e + 4, GUEST_ACPI_SCI_IRQ);
	put16(e + 8, MPS_INTI_HIGH_LEVEL);
	off += MADT_ISO_LEN;

	/* 5.2.12.7 Local APIC NMI Structure: LINT1 of every processor. */
	e = m + off;
	e[0] = MADT_LAPIC_NMI;
	e[1] = MADT_LAPIC_NMI_LEN;
	e[2] = MADT_UID_ALL;
	put16(e + 3, MPS_INTI_CONFORMS);
	e[5] = LINT_NMI_PIN;
	off += MADT_LAPIC_NMI_LEN;

	sdt_header(m, "APIC", off, MADT_REVISION);
	sdt_seal(m);
}

/* 5.2.11.1: a definition block, header plus AML. */
static void build_dsdt(uint8_t *d)
{
	sdt_header(d, "DSDT", DSDT_LEN, DSDT_REVISION);
	memcpy(d + SDT_HEADER_LEN, dsdt_aml, sizeof(dsdt_aml));
	sdt_seal(d);
}

int guest_acpi_build(struct guest_mem *mem, uint32_t vcpus)
{
	uint8_t *base;

	if (!mem || !mem->base || vcpus == 0 || vcpus > GUEST_ACPI_MAX_VCPUS)
		return -EINVAL;
	if (mem->size < GUEST_ACPI_AREA_END)
		return -ERANGE;
	base = mem->base;
	memset(base + GUEST_ACPI_AREA_START, 0, GUEST_ACPI_AREA_END - GUEST_ACPI_AREA_START);
	build_facs(base + GUEST_ACPI_FACS_ADDR);
	build_dsdt(base + GUEST_ACPI_DSDT_ADDR);
	build_fadt(base + GUEST_ACPI_FADT_ADDR);
	build_madt(base + GUEST_ACPI_MADT_ADDR, vcpus);
	build_root(base + GUEST_ACPI_RSDT_ADDR, base + GUEST_ACPI_XSDT_ADDR);
	build_rsdp(base + GUEST_ACPI_RSDP_ADDR);
	return 0;
}
