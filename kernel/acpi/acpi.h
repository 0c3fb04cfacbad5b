/*
 * ACPI static table parser: what the hypervisor needs from the firmware's
 * tables to boot every CPU, route legacy interrupts, reset and power off.
 *
 * Pure logic: physical memory is read only through struct acpi_mem_ops, so
 * the same code runs on the host against dumps of real firmware tables
 * (tests/data/acpi, tests/unit/test_acpi.c) and under libFuzzer. Nothing
 * here writes to firmware memory or touches hardware; the kernel acts on
 * the filled struct acpi_info.
 *
 * Trust: every table is checked (mappable, length >= header, signature,
 * checksum) before any field is read; a table that fails is skipped and a
 * warning recorded. Sub-structures (MADT entries, AML) are bounds-checked
 * against the table length. Arrays are fixed-size with the caps below;
 * entries beyond a cap are counted in the matching *_dropped field.
 *
 * Section numbers are those of the ACPI Specification 6.x as numbered in
 * 6.0 (later 6.x revisions keep them for the chapters cited here).
 */
#ifndef STRATA_ACPI_H
#define STRATA_ACPI_H

#include "kernel/include/strata/types.h"

#define ACPI_MAX_TABLES     64 /* root table entries looked at */
#define ACPI_MAX_CPUS       256
#define ACPI_MAX_IOAPICS    16
#define ACPI_MAX_ISOS       32 /* interrupt source overrides */
#define ACPI_MAX_NMI_SRCS   8  /* MADT type 3 */
#define ACPI_MAX_LAPIC_NMIS 32 /* MADT types 4 and 0xA */
#define ACPI_MAX_MCFG       4  /* PCIe ECAM segments */
#define ACPI_MAX_WARNINGS   16
#define ACPI_WARNING_LEN    80

/* Larger tables are refused: bounds what a corrupt length makes us map. */
#define ACPI_TABLE_MAX_LEN (16u << 20)

/* acpi_uid of an NMI entry that applies to every processor (5.2.12.7). */
#define ACPI_UID_ALL 0xffffffffu

/* Defaults of the PC platform, used by acpi_fallback(). */
#define ACPI_DEFAULT_LAPIC_BASE  0xfee00000ull
#define ACPI_DEFAULT_IOAPIC_BASE 0xfec00000ull
#define ACPI_CF9_RESET_PORT      0xcf9
#define ACPI_CF9_RESET_VALUE     0x06 /* RST_CPU | SYS_RST: hard reset */

/*
 * How the parser reaches physical memory. map() returns a pointer through
 * which `len` bytes at `pa` can be read, or NULL if any byte of the range
 * is not accessible (unmapped, MMIO, above what the caller can reach). The
 * parser holds at most one mapping at a time: a pointer need stay valid
 * only until the next map() call, and is only read.
 */
struct acpi_mem_ops {
	const void *(*map)(void *ctx, hpa_t pa, size_t len);
	void *ctx;
};

/* Generic Address Structure (5.2.3.2), decoded. */
enum acpi_gas_space {
	ACPI_GAS_MEMORY = 0,
	ACPI_GAS_IO = 1,
	ACPI_GAS_PCI_CONFIG = 2,
};

struct acpi_gas {
	uint8_t space_id; /* enum acpi_gas_space, or another 5.2.3.2 value */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 0 undefined (legacy), 1 byte ... 4 qword */
	uint64_t address;    /* 0: register absent */
};

/* One table seen through the root table, valid or not. */
enum acpi_table_status {
	ACPI_TABLE_OK = 0,
	ACPI_TABLE_UNMAPPED,      /* map() refused the header or body */
	ACPI_TABLE_BAD_LENGTH,    /* < header, > ACPI_TABLE_MAX_LEN, or wraps */
	ACPI_TABLE_BAD_SIGNATURE, /* not what the pointer promised */
	ACPI_TABLE_BAD_CHECKSUM,
	ACPI_TABLE_DUPLICATE, /* valid, but a second FACP/APIC/...: ignored */
};

struct acpi_table_ref {
	char signature[5]; /* NUL-terminated; unprintable bytes as '?' */
	uint8_t revision;
	uint8_t status; /* enum acpi_table_status */
	uint32_t length;
	hpa_t pa;
};

/*
 * A processor from MADT type 0 (Local APIC, 5.2.12.2) or type 9 (Local
 * x2APIC, 5.2.12.12). Entries with neither flag set are unusable and the
 * spec says OSPM shall ignore them: they are counted, not listed.
 */
struct acpi_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;   /* ACPI processor UID (8 bits for type 0) */
	bool enabled;        /* usable now */
	bool online_capable; /* may be enabled at run time (hot add) */
	bool x2apic;         /* described by a type 9 entry */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t gsi_base; /* first global system interrupt it serves */
	hpa_t address;
};

/* MPS INTI flags (5.2.12.5, Table 5.26): polarity bits 1:0, trigger 3:2. */
/* clang-format off */
#define ACPI_MPS_POLARITY(f)       ((f) & 0x3)
#define ACPI_MPS_TRIGGER(f)        (((f) >> 2) & 0x3)
#define ACPI_MPS_CONFORMS          0 /* as the bus specifies (ISA: high, edge) */
#define ACPI_MPS_POLARITY_HIGH     1
#define ACPI_MPS_POLARITY_LOW      3
#define ACPI_MPS_TRIGGER_EDGE      1
#define ACPI_MPS_TRIGGER_LEVEL     3
/* clang-format on */

/* Interrupt Source Override (5.2.12.5): ISA IRQ `source` is GSI `gsi`. */
struct acpi_iso {
	uint8_t bus; /* 0 = ISA */
	uint8_t source;
	uint16_t flags; /* MPS INTI flags */
	uint32_t gsi;
};

/* NMI Source (5.2.12.6): a GSI wired to NMI. */
struct acpi_nmi_src {
	uint16_t flags;
	uint32_t gsi;
};

/* Local APIC NMI (5.2.12.7) or Local x2APIC NMI (5.2.12.13). */
struct acpi_lapic_nmi {
	uint32_t acpi_uid; /* ACPI_UID_ALL: every processor */
	uint16_t flags;
	uint8_t lint; /* LINT0 or LINT1 */
};

struct acpi_madt_info {
	bool present;        /* a valid MADT was parsed */
	bool guessed;        /* filled by acpi_fallback() instead */
	bool pcat_compat;    /* dual 8259s present: mask them (5.2.12) */
	hpa_t lapic_address; /* after any type 5 override */
	uint32_t cpu_count;
	uint32_t cpus_dropped; /* over ACPI_MAX_CPUS */
	uint32_t cpus_ignored; /* unusable (no flag) or duplicate APIC id */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	uint32_t ioapic_count;
	uint32_t ioapics_dropped;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t iso_count;
	uint32_t isos_dropped;
	struct acpi_iso isos[ACPI_MAX_ISOS];
	uint32_t nmi_src_count;
	uint32_t nmi_srcs_dropped;
	struct acpi_nmi_src nmi_srcs[ACPI_MAX_NMI_SRCS];
	uint32_t lapic_nmi_count;
	uint32_t lapic_nmis_dropped;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
};

/* Where the reset register came from. */
enum acpi_reset_source {
	ACPI_RESET_NONE = 0,
	ACPI_RESET_FADT,  /* FADT RESET_REG, RESET_REG_SUP set (4.8.3.6) */
	ACPI_RESET_GUESS, /* acpi_fallback(): port 0xcf9, not promised */
};

/* IA-PC Boot Architecture Flags (5.2.9.3). */
#define ACPI_BOOT_LEGACY_DEVICES 0x0001
#define ACPI_BOOT_8042           0x0002
#define ACPI_BOOT_NO_VGA         0x0004
#define ACPI_BOOT_NO_MSI         0x0008
#define ACPI_BOOT_NO_ASPM        0x0010
#define ACPI_BOOT_NO_CMOS_RTC    0x0020

/* FADT Fixed Feature Flags (5.2.9, Table 5.10), the ones used here. */
#define ACPI_FADT_TMR_VAL_EXT   (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)

struct acpi_fadt_info {
	bool present;
	uint8_t revision;
	uint32_t length;
	uint32_t flags; /* raw Fixed Feature Flags */
	hpa_t dsdt;     /* X_DSDT when non-zero */
	hpa_t facs;     /* X_FIRMWARE_CTRL when non-zero */
	uint16_t sci_irq;
	uint32_t smi_cmd;    /* 0: no SMI command port (ACPI mode fixed) */
	uint8_t acpi_enable; /* written to smi_cmd to enter ACPI mode */
	uint8_t acpi_disable;
	/* X_ blocks when their address is non-zero, else the 32-bit ports. */
	struct acpi_gas pm1a_evt;
	struct acpi_gas pm1b_evt;
	struct acpi_gas pm1a_cnt;
	struct acpi_gas pm1b_cnt;
	struct acpi_gas pm_tmr;
	bool pm_tmr_32bit; /* TMR_VAL_EXT: else the counter is 24-bit */
	enum acpi_reset_source reset_source;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint8_t century;         /* CMOS index of the century, 0: none */
	uint16_t iapc_boot_arch; /* raw; zero before FADT revision 2 */
	/*
	 * Decoded boot flags. Before revision 2 the field did not exist and
	 * a PC-AT is assumed: 8042 and legacy devices present, VGA present.
	 */
	bool has_8042;
	bool legacy_devices;
	bool no_vga;
	bool no_cmos_rtc;
	bool hw_reduced; /* HW_REDUCED_ACPI: no PM1/PM timer hardware */
};

/* \_S5 sleep type values (7.4.2), written to PM1x_CNT.SLP_TYP to power off. */
struct acpi_s5_info {
	bool valid;
	uint8_t slp_typ_a; /* for PM1a_CNT */
	uint8_t slp_typ_b; /* for PM1b_CNT */
	hpa_t found_in;    /* physical address of the DSDT/SSDT */
};

struct acpi_hpet_info {
	bool present;
	uint8_t number;    /* HPET sequence number */
	uint16_t min_tick; /* minimum clock ticks in periodic mode */
	uint32_t block_id; /* event timer block id (vendor, comparators) */
	hpa_t base;
};

/* PCI Firmware Spec 3.2, 4.1.2: memory-mapped configuration space. */
struct acpi_mcfg_entry {
	hpa_t base;
	uint16_t segment;
	uint8_t bus_start;
	uint8_t bus_end;
};

enum acpi_source {
	ACPI_SOURCE_NONE = 0,
	ACPI_SOURCE_TABLES,   /* acpi_parse() found a valid root table */
	ACPI_SOURCE_FALLBACK, /* no valid root table: all from acpi_fallback() */
};

struct acpi_info {
	enum acpi_source source;
	hpa_t rsdp_pa;
	uint8_t rsdp_revision; /* 0: ACPI 1.0 (RSDT only), 2+: XSDT too */
	char oem_id[7];        /* NUL-terminated; unprintable bytes as '?' */
	bool xsdt_used;        /* else the RSDT */
	hpa_t root_pa;
	/*
	 * Every table looked at, valid or not, in the order visited: the root
	 * table, its entries, then the DSDT. tables_dropped counts those not
	 * listed for lack of room, plus root entries beyond ACPI_MAX_TABLES,
	 * which are not parsed at all (a warning says so).
	 */
	uint32_t table_count;
	uint32_t tables_dropped;
	struct acpi_table_ref tables[ACPI_MAX_TABLES];
	struct acpi_madt_info madt;
	struct acpi_fadt_info fadt;
	struct acpi_s5_info s5;
	struct acpi_hpet_info hpet;
	uint32_t mcfg_count;
	uint32_t mcfg_dropped;
	struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];
	uint32_t warning_count; /* every warning, including those not kept */
	char warnings[ACPI_MAX_WARNINGS][ACPI_WARNING_LEN];
};

/*
 * Look for the RSDP where a legacy BIOS leaves it (5.2.5.1): the first KiB
 * of the EBDA (segment at 0x40E) then 0xE0000-0xFFFFF, on 16-byte
 * boundaries. UEFI systems give the address in the configuration table
 * instead (boot_info.rsdp_phys). Returns 0 and sets *rsdp_pa, or -ENOENT.
 */
int acpi_find_rsdp(const struct acpi_mem_ops *ops, hpa_t *rsdp_pa);

/*
 * Parse everything reachable from the RSDP at rsdp_pa into *info (zeroed
 * first; it owns no pointers). The XSDT is used when the RSDP revision is
 * 2 or more and the XSDT is valid, else the RSDT. Returns 0 once a valid
 * root table was read, even if some tables were skipped (see warnings and
 * the *.present flags); -EINVAL if the RSDP is invalid, -EFAULT if it is
 * not mappable, -ENOENT if neither root table is valid. Never trusts a
 * byte that is not covered by a validated checksum.
 */
int acpi_parse(const struct acpi_mem_ops *ops, hpa_t rsdp_pa, struct acpi_info *info);

/*
 * Fill what a machine without usable ACPI lacks, so the kernel still
 * boots: if there is no MADT with a usable CPU, one enabled CPU with
 * bsp_apic_id, the local APIC at 0xfee00000, one IOAPIC (id 0) at
 * 0xfec00000 serving GSI 0-23 and ISA IRQ0 routed to GSI 2 (the MP spec
 * 1.4 default configuration wires the 8254 to INTIN2); if no reset
 * register is known and the platform is not hardware-reduced, a guessed
 * reset through port 0xcf9 (PIIX/ICH Reset Control Register). Power-off
 * info (PM1x, \_S5) is never invented. Idempotent; keeps what acpi_parse()
 * found and its warnings.
 */
void acpi_fallback(struct acpi_info *info, uint32_t bsp_apic_id);

/*
 * Scan an AML byte stream (a DSDT or SSDT body) for Name(_S5_, Package{..})
 * and decode SLP_TYPa/b (7.4.2; AML encodings 20.2). Returns 0 and the two
 * values (each 0-7), -ENOENT if no such name, -EINVAL if one was found but
 * its package is truncated or not made of integer constants. Only static
 * packages are understood: an \_S5 computed by a method is not.
 */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/*
 * The value to write to PM1x_CNT to enter a sleep state (4.8.3.2.1): the
 * current register value with SLP_TYP (bits 12:10) replaced and SLP_EN
 * (bit 13) set. For S5 write it to PM1a_CNT then, if present, PM1b_CNT
 * (with slp_typ_b).
 */
uint16_t acpi_pm1_cnt_sleep_value(uint16_t current, uint8_t slp_typ);

#endif
