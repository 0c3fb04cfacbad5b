/*
 * Emulated I/O APIC: the Intel 82093AA of the datasheet "82093AA I/O
 * Advanced Programmable Interrupt Controller (IOAPIC)" (May 1996), with
 * 24 interrupt input pins, at 0xfec00000.
 *
 * Two memory-mapped registers (datasheet 3.1, Table 1):
 *	0x00  IOREGSEL  index of the register IOWIN reaches (bits 7:0)
 *	0x10  IOWIN     the selected 32-bit register
 * and behind them (3.2, Table 2):
 *	0x00        IOAPICID   bits 27:24 R/W
 *	0x01        IOAPICVER  0x00170011: version 0x11, 24 entries (max 0x17)
 *	0x02        IOAPICARB  bits 27:24, loaded from the ID when it is written
 *	0x10-0x3f   IOREDTBL[0..23], two registers each (low dword first)
 *
 * Redirection entry (3.2.4): vector 7:0, delivery mode 10:8, destination
 * mode 11, delivery status 12 (RO), polarity 13, remote IRR 14 (RO),
 * trigger mode 15, mask 16, destination 63:56.
 *
 * What the model does and does not do:
 * - Messages are delivered at once through the owner's callback, so the
 *   delivery status bit always reads 0 (idle).
 * - Inputs: vioapic_set_irq() gives whether the source asserts its line.
 *   The polarity bit is stored and read back only: every source here
 *   reports assertion, not voltage (as QEMU and KVM do).
 * - Edge-triggered pins deliver on an assertion (false -> true) while
 *   unmasked; an edge on a masked pin is lost. Level-triggered pins
 *   deliver while asserted, unmasked and remote IRR clear, and set remote
 *   IRR when a local APIC accepted the message; vioapic_eoi() clears it
 *   and delivers again if the line is still asserted.
 * - Reserved delivery modes (011b, 110b) deliver nothing.
 * - The physical destination is the 8-bit xAPIC ID (bits 63:56), not the
 *   82093AA's 4 bits, as on later I/O APICs.
 * - Registers IOWIN reaches that do not exist read all-ones and ignore
 *   writes; offsets other than IOREGSEL and IOWIN read 0.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one IOAPIC. The deliver callback may call into
 * local APICs, whose EOI may come back here (vioapic_eoi()): the model
 * calls it last, with its own state consistent.
 */
#ifndef STRATA_VMX_DEV_VIOAPIC_H
#define STRATA_VMX_DEV_VIOAPIC_H

#include "kernel/include/strata/types.h"

#define VIOAPIC_DEFAULT_BASE 0xfec00000ULL
#define VIOAPIC_MMIO_SIZE    0x1000
#define VIOAPIC_PINS         24
#define VIOAPIC_VERSION      0x11

/* Memory-mapped registers (offsets from the base). */
#define VIOAPIC_IOREGSEL 0x00
#define VIOAPIC_IOWIN    0x10

/* Indirect registers (IOREGSEL values). */
#define VIOAPIC_REG_ID     0x00
#define VIOAPIC_REG_VER    0x01
#define VIOAPIC_REG_ARB    0x02
#define VIOAPIC_REG_REDTBL 0x10 /* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */

/* Redirection entry bits. */
#define VIOAPIC_RTE_VECTOR     0x000000ffull
#define VIOAPIC_RTE_DM_SHIFT   8
#define VIOAPIC_RTE_DM_MASK    0x00000700ull
#define VIOAPIC_RTE_LOGICAL    0x00000800ull
#define VIOAPIC_RTE_STATUS     0x00001000ull
#define VIOAPIC_RTE_POLARITY   0x00002000ull /* 1: active low (stored only) */
#define VIOAPIC_RTE_REMOTE_IRR 0x00004000ull
#define VIOAPIC_RTE_LEVEL      0x00008000ull
#define VIOAPIC_RTE_MASKED     0x00010000ull
#define VIOAPIC_RTE_DEST_SHIFT 56

/* Delivery modes (3.2.4, bits 10:8). */
enum vioapic_delivery {
	VIOAPIC_DM_FIXED = 0,
	VIOAPIC_DM_LOWEST = 1,
	VIOAPIC_DM_SMI = 2,
	VIOAPIC_DM_NMI = 4,
	VIOAPIC_DM_INIT = 5,
	VIOAPIC_DM_EXTINT = 7,
};

enum vioapic_status {
	VIOAPIC_OK,
	VIOAPIC_BAD_ACCESS, /* not a 4-byte aligned 32-bit access: nothing done */
};

/*
 * One interrupt message. `dest` is 8 bits (physical APIC ID or logical
 * set, by `logical`); the owner matches it with vlapic_match_dest(..., wide
 * = false). FIXED and LOWEST go to vlapic_accept(vector, level); the owner
 * delivers LOWEST to the first APIC that matches. EXTINT asks the vCPU to
 * take its vector from the 8259.
 */
struct vioapic_msg {
	unsigned pin;
	uint8_t dest;
	uint8_t vector;
	enum vioapic_delivery mode;
	bool logical;
	bool level; /* trigger mode */
};

/*
 * Deliver `msg`. Returns true when at least one local APIC accepted it;
 * for a level-triggered pin only then is remote IRR set (nothing would
 * ever send its EOI otherwise).
 */
typedef bool (*vioapic_deliver_fn)(void *ctx, const struct vioapic_msg *msg);

/* One I/O APIC. Fields are the model's state: read them, change them only through the API. */
struct vioapic {
	uint32_t id;  /* IOAPICID: bits 27:24 */
	uint32_t arb; /* IOAPICARB: bits 27:24 */
	uint8_t regsel;
	uint64_t rte[VIOAPIC_PINS];
	uint32_t lines; /* bit n: pin n asserted */

	vioapic_deliver_fn deliver;
	void *ctx;

	/* Statistics. */
	uint64_t delivered;    /* messages sent to the callback */
	uint64_t not_accepted; /* ... that no local APIC took */
	uint64_t masked_edges; /* edges lost on masked pins */
	uint64_t eois;         /* EOIs that cleared a remote IRR */
};

/*
 * Set up `io` with I/O APIC ID `id` (0-15: the ID the MADT gives it) and
 * reset it. `deliver` may be NULL (messages are dropped, as if nobody
 * accepted them); `ctx` must outlive `io`.
 */
void vioapic_init(struct vioapic *io, uint8_t id, vioapic_deliver_fn deliver, void *ctx);

/*
 * RESET: every redirection entry masked, its other fields 0 (3.2.4);
 * IOREGSEL 0. The ID, the input levels and the statistics are kept.
 */
void vioapic_reset(struct vioapic *io);

/*
 * A guest read or write at `offset` (< VIOAPIC_MMIO_SIZE) of `size`
 * bytes. The datasheet's registers are 32 bits wide; other sizes and
 * unaligned offsets return VIOAPIC_BAD_ACCESS and do nothing.
 */
enum vioapic_status vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned size,
				      uint32_t *value);
enum vioapic_status vioapic_mmio_write(struct vioapic *io, uint32_t offset, unsigned size,
				       uint32_t value);

/* Register `index` as IOWIN reads it, and a write through IOWIN. */
uint32_t vioapic_reg_read(const struct vioapic *io, uint8_t index);
void vioapic_reg_write(struct vioapic *io, uint8_t index, uint32_t value);

/* Input `pin` (< VIOAPIC_PINS) asserted or not; delivers as described above. */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool asserted);

/*
 * A local APIC broadcast the EOI of level-triggered `vector` (3.2.4
 * Remote IRR: "set to 0 when an EOI message with a matching interrupt
 * vector is received from a local APIC"): every level-triggered entry
 * with that vector and remote IRR set has it cleared, and is delivered
 * again if its line is still asserted.
 */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif
