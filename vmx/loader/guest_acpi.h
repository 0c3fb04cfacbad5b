/*
 * The ACPI tables a VM's guest finds: a minimal, valid set that describes
 * the virtual PC Strata emulates, so an unmodified OS (Linux first) finds
 * its CPUs, interrupt controllers, PM timer, reset and power-off without
 * firmware. References are to the ACPI Specification 6.5 ("the spec").
 *
 * Guest-physical layout (fixed; in the reserved PC hole of e820.h, where a
 * BIOS keeps its tables and where an OS scans for the RSDP, 5.2.5.1):
 *
 *   0xe0000  RSDP, revision 2 (5.2.5.3): RSDT and XSDT addresses
 *   0xe0040  RSDT (5.2.7): FADT, MADT
 *   0xe0080  XSDT (5.2.8): FADT, MADT
 *   0xe00c0  FACS (5.2.10), 64 bytes, 64-byte aligned as required
 *   0xe0100  FADT (5.2.9), revision 6.5 layout, 276 bytes
 *   0xe0400  MADT (5.2.12), revision 6, up to 0xe0c4a with 255 vCPUs
 *   0xe1000  DSDT (5.2.11.1): the AML below
 *   0xe2000  end of the area (GUEST_ACPI_AREA_END)
 *
 * The platform it describes, which the hypervisor's device models must
 * match:
 *   - vCPU i has local APIC id i and ACPI processor UID i, all enabled;
 *     the local APICs at 0xfee00000. The dual 8259 PICs are present
 *     (MADT PCAT_COMPAT).
 *   - One IOAPIC, id 0 (the vIOAPIC's ID register must read 0), at
 *     0xfec00000, GSI base 0 (24 pins as an 82093AA has).
 *   - ISA IRQ 0 (the 8254 PIT) is GSI 2; ISA IRQ 9 (the SCI) is GSI 9,
 *     level-triggered, active high; other ISA IRQs are GSI = IRQ, edge,
 *     active high. LINT1 of every local APIC is NMI.
 *   - ACPI fixed hardware in I/O space (4.8), as on QEMU's PC machines:
 *       PM1a_EVT_BLK 0x600-0x603: PM1 status (0x600) and enable (0x602)
 *       PM1a_CNT_BLK 0x604-0x605: PM1 control. Reads must return SCI_EN
 *                    (bit 0) set: with SMI_CMD 0 the platform is always
 *                    in ACPI mode (5.2.9, SMI_CMD). A write with SLP_EN
 *                    (bit 13) set and SLP_TYP (bits 12:10) equal to
 *                    GUEST_ACPI_S5_SLP_TYP (5) means power off (S5,
 *                    4.8.3.2.1 and 7.4.2); Linux writes 0x3401 or 0x3400.
 *       PM_TMR_BLK   0x608-0x60b: 32-bit PM timer (TMR_VAL_EXT), 3.579545
 *                    MHz (4.8.3.3)
 *     SCI on IRQ 9. No GPE blocks, no SMI command port, no PM1b.
 *   - Reset: RESET_REG is I/O port 0xcf9, value 0x06 (4.8.3.6).
 *   - IA-PC boot flags (5.2.9.3): legacy devices present (PIT, PIC, RTC,
 *     UART); no 8042 keyboard controller, so Linux does not probe one;
 *     no VGA. The CMOS RTC is present; no century register is named.
 *   - No power or sleep button (fixed-feature flags PWR_BUTTON and
 *     SLP_BUTTON set, no control-method devices either).
 *
 * The DSDT holds only Name (_S5, Package () { 5, 5, 0, 0 }).
 *
 * Pure logic: writes only [GUEST_ACPI_AREA_START, GUEST_ACPI_AREA_END)
 * of guest RAM through struct guest_mem.
 */
#ifndef STRATA_VMX_LOADER_GUEST_ACPI_H
#define STRATA_VMX_LOADER_GUEST_ACPI_H

#include <stdint.h>

#include "kernel/include/strata/types.h"
#include "vmx/loader/multiboot.h"

/* clang-format off */
#define GUEST_ACPI_AREA_START  0xe0000ULL
#define GUEST_ACPI_AREA_END    0xe2000ULL
#define GUEST_ACPI_RSDP_ADDR   0xe0000ULL
#define GUEST_ACPI_RSDT_ADDR   0xe0040ULL
#define GUEST_ACPI_XSDT_ADDR   0xe0080ULL
#define GUEST_ACPI_FACS_ADDR   0xe00c0ULL
#define GUEST_ACPI_FADT_ADDR   0xe0100ULL
#define GUEST_ACPI_MADT_ADDR   0xe0400ULL
#define GUEST_ACPI_DSDT_ADDR   0xe1000ULL

#define GUEST_ACPI_MAX_VCPUS   255 /* xAPIC ids 0-254; 0xff is broadcast */

#define GUEST_ACPI_LAPIC_ADDR  0xfee00000ULL
#define GUEST_ACPI_IOAPIC_ADDR 0xfec00000ULL
#define GUEST_ACPI_IOAPIC_ID   0
#define GUEST_ACPI_SCI_IRQ     9

#define GUEST_ACPI_PM1A_EVT_PORT 0x600 /* 4 bytes: status, enable */
#define GUEST_ACPI_PM1A_CNT_PORT 0x604 /* 2 bytes */
#define GUEST_ACPI_PM_TMR_PORT   0x608 /* 4 bytes */
#define GUEST_ACPI_RESET_PORT    0xcf9
#define GUEST_ACPI_RESET_VALUE   0x06
#define GUEST_ACPI_S5_SLP_TYP    5     /* SLP_TYPa = SLP_TYPb of \_S5 */
/* clang-format on */

/*
 * Write the tables for a VM with `vcpus` vCPUs (1..GUEST_ACPI_MAX_VCPUS)
 * into guest RAM `mem`, which must reach past GUEST_ACPI_AREA_END (any VM
 * of at least 1 MiB does). The whole area is zeroed first. Returns 0,
 * -EINVAL for a NULL argument or a vCPU count out of range, -ERANGE if
 * RAM is too small; nothing is written on error. The OS is pointed at
 * GUEST_ACPI_RSDP_ADDR (Linux: boot_params.acpi_rsdp_addr; it also finds
 * it by scanning 0xe0000-0xfffff). Safe from any context; keeps no state.
 */
int guest_acpi_build(struct guest_mem *mem, uint32_t vcpus);

#endif
