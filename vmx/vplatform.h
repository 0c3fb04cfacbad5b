/*
 * The PC a VM sees beyond its serial port: the 8259 pair, the 8254 PIT
 * with port 0x61, the CMOS/RTC, PCI configuration space (a host bridge), an IOAPIC, a local APIC per vCPU, the
 * ACPI PM registers (timer, PM1 control for power-off) and the reset
 * port, wired together as on a PC: ISA IRQs to both the 8259s and the
 * IOAPIC (IRQ0 to pin 2, as the MADT override says), the 8259 output to
 * the boot vCPU's LINT0 (virtual wire), IOAPIC messages and IPIs to local
 * APICs. The device models are pure (vmx/dev/); this file owns their
 * time, locking and wake-ups.
 *
 * Every device of a VM is behind one lock (struct vplatform.lock): port
 * and MMIO accesses, interrupt acknowledgement and timer updates take it,
 * and the models' callbacks run under it.
 */
#ifndef STRATA_VPLATFORM_H
#define STRATA_VPLATFORM_H

#include "kernel/vm.h"

/* ACPI PM register block (vmx/loader/guest_acpi.h must describe the same ports). */
#define VPLAT_PM1A_EVT    0x600 /* PM1a status (2 bytes) + enable (2 bytes) */
#define VPLAT_PM1A_CNT    0x604 /* PM1a control, 2 bytes */
#define VPLAT_PM_TMR      0x608 /* PM timer, 4 bytes, 32 bits (FADT TMR_VAL_EXT) */
#define VPLAT_PM_PORTS    12
#define VPLAT_RESET_PORT  0xcf9
#define VPLAT_IOAPIC_BASE 0xfec00000ULL
#define VPLAT_S5_SLP_TYP  5 /* the \_S5 value guest_acpi's DSDT gives */

/* Create and attach every device; before any vCPU runs. 0 or -errno. */
int vplat_init(struct vm *vm);

/*
 * The vector the vCPU should take now, or -1: ExtINT from the 8259s
 * through LINT0 first, then the local APIC's highest pending interrupt
 * above its processor priority. With `ack` the vCPU takes it (INTA).
 */
int vplat_pending_interrupt(struct vcpu *vcpu, bool ack);
/* An NMI is waiting (LINT1, IPI, IOAPIC); with `ack` it is taken. */
bool vplat_pending_nmi(struct vcpu *vcpu, bool ack);

/* INIT: the vCPU's local APIC goes to its INIT state (SDM Vol. 3A 11.4.7.3). */
void vplat_init_reset(struct vcpu *vcpu);

/* Advance the vCPU's timers (and, on vCPU 0, the PIT and RTC) to `now_tsc`. */
void vplat_update(struct vcpu *vcpu, uint64_t now_tsc);
/* TSC of the next timer event this vCPU must wake up for, or UINT64_MAX. */
uint64_t vplat_next_deadline(struct vcpu *vcpu);

/* Port I/O through the VM's bus, serialised, with IRQ lines resynchronised. */
uint32_t vplat_port_in(struct vcpu *vcpu, uint16_t port, unsigned size);
void vplat_port_out(struct vcpu *vcpu, uint16_t port, unsigned size, uint32_t value);

/* MMIO to the local APIC or IOAPIC page. Returns false if no device is at `gpa`. */
bool vplat_mmio_claims(struct vcpu *vcpu, gpa_t gpa);
bool vplat_mmio_read(struct vcpu *vcpu, gpa_t gpa, unsigned size, uint64_t *value);
bool vplat_mmio_write(struct vcpu *vcpu, gpa_t gpa, unsigned size, uint64_t value);

/* Local APIC MSRs (APIC base, TSC deadline, x2APIC). Returns false for #GP. */
bool vplat_msr_handled(uint32_t msr);
bool vplat_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value);
bool vplat_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value);

/*
 * Bytes from the host for the guest's COM1 (a management `console`
 * session): as many as its receiver holds, raising its interrupt as the
 * guest programmed it. Any CPU. Returns the count taken.
 */
size_t vplat_console_input(struct vm *vm, const uint8_t *bytes, size_t n);

#endif
