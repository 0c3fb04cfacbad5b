/*
 * Emulated 82093AA I/O APIC; see vioapic.h for the register map and what
 * the model leaves out. Section numbers are those of the Intel datasheet
 * "82093AA I/O Advanced Programmable Interrupt Controller (IOAPIC)".
 */
#include <string.h>

#include "vmx/dev/vioapic.h"

#define VIOAPIC_ID_MASK 0x0f000000u /* 3.2.1: bits 27:24 */
/* 3.2.2: maximum redirection entry (23) in bits 23:16, version in 7:0. */
#define VIOAPIC_VER_VALUE ((uint32_t)(VIOAPIC_PINS - 1) << 16 | VIOAPIC_VERSION)

/* Redirection entry bits the guest writes: all but status and remote IRR (3.2.4). */
#define VIOAPIC_RTE_LO_WRITABLE 0x0001afffull
#define VIOAPIC_RTE_HI_WRITABLE 0xff000000ull /* destination; 55:32 reserved */

static unsigned vioapic_rte_mode(uint64_t rte)
{
	return (unsigned)((rte & VIOAPIC_RTE_DM_MASK) >> VIOAPIC_RTE_DM_SHIFT);
}

static bool vioapic_line(const struct vioapic *io, unsigned pin)
{
	return io->lines & (1u << pin);
}

/*
 * Send the message of `pin`. A level-triggered one sets remote IRR once a
 * local APIC accepted it (3.2.4: "set to 1 when local APIC(s) accept the
 * level interrupt sent by the IOAPIC"). The callback comes last.
 */
static void vioapic_send(struct vioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];
	unsigned mode = vioapic_rte_mode(rte);
	struct vioapic_msg msg = {
		.pin = pin,
		.dest = (uint8_t)(rte >> VIOAPIC_RTE_DEST_SHIFT),
		.vector = (uint8_t)(rte & VIOAPIC_RTE_VECTOR),
		.mode = (enum vioapic_delivery)mode,
		.logical = rte & VIOAPIC_RTE_LOGICAL,
		.level = rte & VIOAPIC_RTE_LEVEL,
	};
	bool accepted;

	if (mode == 3 || mode == 6)
		return; /* reserved delivery modes */
	io->delivered++;
	/*
	 * Remote IRR goes up before the call so that an EOI arriving from
	 * inside it (the vCPU ran the handler already) finds it set.
	 */
	if (msg.level)
		io->rte[pin] |= VIOAPIC_RTE_REMOTE_IRR;
	accepted = io->deliver && io->deliver(io->ctx, &msg);
	if (!accepted) {
		io->not_accepted++;
		if (msg.level)
			io->rte[pin] &= ~VIOAPIC_RTE_REMOTE_IRR;
	}
}

/* A level-triggered pin delivers while asserted, unmasked and not waiting for an EOI. */
static void vioapic_level_check(struct vioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];

	if ((rte & VIOAPIC_RTE_LEVEL) && vioapic_line(io, pin) &&
	    !(rte & (VIOAPIC_RTE_MASKED | VIOAPIC_RTE_REMOTE_IRR)))
		vioapic_send(io, pin);
}

void vioapic_reset(struct vioapic *io)
{
	io->regsel = 0;
	for (unsigned i = 0; i < VIOAPIC_PINS; i++)
		io->rte[i] = VIOAPIC_RTE_MASKED;
}

void vioapic_init(struct vioapic *io, uint8_t id, vioapic_deliver_fn deliver, void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->id = ((uint32_t)id << 24) & VIOAPIC_ID_MASK;
	io->arb = io->id;
	io->deliver = deliver;
	io->ctx = ctx;
	vioapic_reset(io);
}

uint32_t vioapic_reg_read(const struct vioapic *io, uint8_t index)
{
	unsigned pin;

	switch (index) {
	case VIOAPIC_REG_ID:
		return io->id;
	case VIOAPIC_REG_VER:
		return VIOAPIC_VER_VALUE;
	case VIOAPIC_REG_ARB:
		return io->arb;
	default:
		break;
	}
	if (index < VIOAPIC_REG_REDTBL || index >= VIOAPIC_REG_REDTBL + 2 * VIOAPIC_PINS)
		return 0xffffffffu;
	pin = (index - VIOAPIC_REG_REDTBL) / 2;
	if (index & 1)
		return (uint32_t)(io->rte[pin] >> 32);
	return (uint32_t)io->rte[pin];
}

static void vioapic_rte_write_low(struct vioapic *io, unsigned pin, uint32_t value)
{
	uint64_t old = io->rte[pin];
	uint64_t rte = (old & ~VIOAPIC_RTE_LO_WRITABLE) | (value & VIOAPIC_RTE_LO_WRITABLE);

	/*
	 * Remote IRR means nothing for an edge-triggered entry; guests clear
	 * a stuck one by switching the entry to edge and back (Linux does on
	 * I/O APICs without an EOI register, such as this one).
	 */
	if (!(rte & VIOAPIC_RTE_LEVEL))
		rte &= ~VIOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	vioapic_level_check(io, pin);
}

void vioapic_reg_write(struct vioapic *io, uint8_t index, uint32_t value)
{
	unsigned pin;

	switch (index) {
	case VIOAPIC_REG_ID:
		/* 3.2.3: "The APIC Arbitration ID ... is loaded when the IOAPICID Register is written." */
		io->id = value & VIOAPIC_ID_MASK;
		io->arb = io->id;
		return;
	case VIOAPIC_REG_VER:
	case VIOAPIC_REG_ARB:
		return; /* read-only */
	default:
		break;
	}
	if (index < VIOAPIC_REG_REDTBL || index >= VIOAPIC_REG_REDTBL + 2 * VIOAPIC_PINS)
		return;
	pin = (index - VIOAPIC_REG_REDTBL) / 2;
	if (index & 1) {
		io->rte[pin] = (io->rte[pin] & 0xffffffffull) |
			       ((uint64_t)value << 32 & (VIOAPIC_RTE_HI_WRITABLE << 32));
		return;
	}
	vioapic_rte_write_low(io, pin, value);
}

enum vioapic_status vioapic_mmio_read(struct vioapic *io, uint32_t offset, unsigned size,
				      uint32_t *value)
{
	*value = 0;
	if (size != 4 || (offset & 3) || offset >= VIOAPIC_MMIO_SIZE)
		return VIOAPIC_BAD_ACCESS;
	if (offset == VIOAPIC_IOREGSEL)
		*value = io->regsel;
	else if (offset == VIOAPIC_IOWIN)
		*value = vioapic_reg_read(io, io->regsel);
	return VIOAPIC_OK;
}

enum vioapic_status vioapic_mmio_write(struct vioapic *io, uint32_t offset, unsigned size,
				       uint32_t value)
{
	if (size != 4 || (offset & 3) || offset >= VIOAPIC_MMIO_SIZE)
		return VIOAPIC_BAD_ACCESS;
	if (offset == VIOAPIC_IOREGSEL)
		io->regsel = (uint8_t)value; /* 3.1.1: bits 7:0, 31:8 reserved */
	else if (offset == VIOAPIC_IOWIN)
		vioapic_reg_write(io, io->regsel, value);
	return VIOAPIC_OK;
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool asserted)
{
	bool was;
	uint64_t rte;

	if (pin >= VIOAPIC_PINS)
		return;
	was = vioapic_line(io, pin);
	if (asserted)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	rte = io->rte[pin];
	if (rte & VIOAPIC_RTE_LEVEL) {
		vioapic_level_check(io, pin);
		return;
	}
	if (!asserted || was)
		return;
	/* 3.2.4 "Interrupt Mask": an edge on a masked pin is not held pending. */
	if (rte & VIOAPIC_RTE_MASKED) {
		io->masked_edges++;
		return;
	}
	vioapic_send(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t rte = io->rte[pin];

		if (!(rte & VIOAPIC_RTE_LEVEL) || !(rte & VIOAPIC_RTE_REMOTE_IRR) ||
		    (rte & VIOAPIC_RTE_VECTOR) != vector)
			continue;
		io->rte[pin] = rte & ~VIOAPIC_RTE_REMOTE_IRR;
		io->eois++;
		vioapic_level_check(io, pin);
	}
}
