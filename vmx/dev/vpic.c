/*
 * Emulated 8259A pair; see vpic.h for the port map and what is left out.
 * Quotes and section names are those of the Intel 8259A datasheet (order
 * number 231468-003).
 *
 * Each chip keeps its programmed registers and two kinds of request: the
 * IR line levels and, for edge-triggered inputs, a latch set by a rising
 * edge. IRR is computed from both when needed, so a level-triggered
 * request can never outlive its line. After every change vpic_update()
 * recomputes the slave's INT, feeds it to the master's IR2 as any other
 * input, and reports the master's INT when it changes.
 */
#include <errno.h>
#include <string.h>

#include "vmx/dev/vpic.h"

#define VPIC_MASTER 0
#define VPIC_SLAVE  1

/* What one INTA would do, worked out without side effects. */
struct vpic_answer {
	int master_ir; /* request the master takes, or -1 (default IR7) */
	int slave_ir;  /* request the slave takes, or -1 */
	bool cascade;  /* master_ir has a slave: the slave supplies the vector */
	int vector;
};

/* ICW1 LTIM makes every input level-triggered; otherwise the ELCR decides. */
static uint8_t vpic_level_mask(const struct vpic_chip *c)
{
	return (c->icw1 & VPIC_ICW1_LTIM) ? 0xff : c->elcr;
}

uint8_t vpic_irr(const struct vpic_chip *c)
{
	uint8_t level = vpic_level_mask(c);

	return (uint8_t)((c->edge & ~level) | (c->lines & level));
}

/*
 * "Priority Resolver": rank 0 is the highest priority. The IR after the
 * lowest priority one is the highest ("Rotation"); after ICW1 IR7 is the
 * lowest, so IR0 is the highest ("Fully Nested Mode").
 */
static unsigned vpic_rank(const struct vpic_chip *c, unsigned ir)
{
	return (ir - c->lowest - 1u) & 7u;
}

/* The IR of highest priority among `bits`, or -1. */
static int vpic_highest(const struct vpic_chip *c, uint8_t bits)
{
	for (unsigned k = 0; k < 8; k++) {
		unsigned ir = (c->lowest + 1u + k) & 7u;

		if (bits & (1u << ir))
			return (int)ir;
	}
	return -1;
}

/* Master inputs with a slave on them (ICW3 S7-S0), none in single mode. */
static uint8_t vpic_slave_inputs(const struct vpic_chip *c)
{
	return (c->icw1 & VPIC_ICW1_SNGL) ? 0 : c->icw3;
}

/*
 * The request this chip signals on its INT pin, or -1: the highest
 * priority unmasked IRR bit, if no ISR bit of equal or higher priority
 * inhibits it. In special mask mode a masked level does not inhibit
 * anything ("enables interrupts from all other levels (lower as well as
 * higher) that are not masked"). In special fully nested mode the master
 * lets a slave interrupt again while the slave's input is in service, so
 * "further interrupt requests from higher priority IR's within the slave
 * will be recognized by the master"; that in-service input still holds
 * off the master's lower levels (QEMU lets those through too).
 */
static int vpic_chip_pending(const struct vpic_chip *c, bool master)
{
	uint8_t inhibit = c->isr;
	int ir = vpic_highest(c, vpic_irr(c) & (uint8_t)~c->imr);
	int cur;

	if (ir < 0)
		return -1;
	if (c->smm)
		inhibit &= (uint8_t)~c->imr;
	if (master && (c->icw4 & VPIC_ICW4_SFNM) && (vpic_slave_inputs(c) & (1u << ir)))
		inhibit &= (uint8_t) ~(1u << ir);
	cur = vpic_highest(c, inhibit);
	if (cur >= 0 && vpic_rank(c, (unsigned)cur) <= vpic_rank(c, (unsigned)ir))
		return -1;
	return ir;
}

/*
 * An IR input changes level. A rising edge of an edge-triggered input
 * latches a request ("Edge Triggered Mode"); the latch stays until INTA
 * or ICW1 clears it (see vpic.h).
 */
static void vpic_drive(struct vpic_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (level && !(c->lines & bit) && !(vpic_level_mask(c) & bit))
		c->edge |= bit;
	if (level)
		c->lines |= bit;
	else
		c->lines &= (uint8_t)~bit;
}

/* Slave INT -> master IR2 -> master INT -> the owner. */
static void vpic_update(struct vpic *pic)
{
	bool slave_int = vpic_chip_pending(&pic->chip[VPIC_SLAVE], false) >= 0;
	bool intr;

	vpic_drive(&pic->chip[VPIC_MASTER], VPIC_CASCADE_IRQ, slave_int);
	intr = vpic_chip_pending(&pic->chip[VPIC_MASTER], true) >= 0;
	if (intr != pic->intr) {
		pic->intr = intr;
		if (pic->intr_changed)
			pic->intr_changed(pic->ctx, intr);
	}
}

/*
 * One chip's part of INTA (or a poll): "the highest priority ISR bit is
 * set and the corresponding IRR bit is reset". In AEOI mode the ISR bit
 * is reset again at the end of the sequence, so it never shows; with
 * rotate in AEOI mode the level just served becomes the lowest.
 */
static void vpic_chip_intack(struct vpic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	c->edge &= (uint8_t)~bit;
	if (c->icw4 & VPIC_ICW4_AEOI) {
		if (c->rotate_aeoi)
			c->lowest = (uint8_t)ir;
	} else {
		c->isr |= bit;
	}
}

/*
 * "Interrupt Sequence" in 8086 mode. First INTA: the master resolves its
 * highest request; if that input has a slave (ICW3), the master sends the
 * IR number on CAS0-2 and the slave whose ICW3 ID matches resolves its own
 * request and drives the vector at the second INTA. A chip with nothing
 * left to serve answers with its IR7 vector.
 */
static struct vpic_answer vpic_resolve(const struct vpic *pic)
{
	const struct vpic_chip *m = &pic->chip[VPIC_MASTER];
	const struct vpic_chip *s = &pic->chip[VPIC_SLAVE];
	struct vpic_answer a = { .master_ir = -1, .slave_ir = -1 };

	a.master_ir = vpic_chip_pending(m, true);
	if (a.master_ir < 0) {
		a.vector = m->base | 7;
		return a;
	}
	if (!(vpic_slave_inputs(m) & (1u << a.master_ir))) {
		a.vector = m->base | a.master_ir;
		return a;
	}
	a.cascade = true;
	if ((s->icw1 & VPIC_ICW1_SNGL) || (s->icw3 & 7) != (unsigned)a.master_ir) {
		a.vector = 0xff; /* nobody drives the data bus */
		return a;
	}
	a.slave_ir = vpic_chip_pending(s, false);
	a.vector = s->base | (a.slave_ir < 0 ? 7 : a.slave_ir);
	return a;
}

bool vpic_intr(const struct vpic *pic)
{
	return vpic_chip_pending(&pic->chip[VPIC_MASTER], true) >= 0;
}

int vpic_pending_vector(const struct vpic *pic)
{
	struct vpic_answer a = vpic_resolve(pic);

	return a.master_ir < 0 ? -1 : a.vector;
}

int vpic_ack(struct vpic *pic)
{
	struct vpic_answer a = vpic_resolve(pic);

	pic->acks++;
	if (a.master_ir < 0) {
		pic->spurious++;
		return a.vector;
	}
	vpic_chip_intack(&pic->chip[VPIC_MASTER], (unsigned)a.master_ir);
	if (a.slave_ir >= 0)
		vpic_chip_intack(&pic->chip[VPIC_SLAVE], (unsigned)a.slave_ir);
	else if (a.cascade && a.vector != 0xff)
		pic->spurious++;
	vpic_update(pic);
	return a.vector;
}

int vpic_set_irq(struct vpic *pic, unsigned irq, bool level)
{
	if (irq >= VPIC_IRQS || irq == VPIC_CASCADE_IRQ)
		return -EINVAL;
	vpic_drive(&pic->chip[irq >> 3], irq & 7, level);
	vpic_update(pic);
	return 0;
}

/*
 * ICW1 starts the initialization sequence. "Whenever a command is issued
 * with A0 = 0 and D4 = 1, this is interpreted as Initialization Command
 * Word 1": a. the edge sense circuit is reset (a line already high must
 * go low and high again); b. the IMR is cleared; c. IR7 gets priority 7;
 * d. the slave mode address is set to 7; e. special mask mode is cleared
 * and status read is set to IRR; f. without IC4, ICW4's functions are
 * zero. The ISR is cleared too, as every PC emulator does: nothing in
 * service survives a re-initialization.
 */
static void vpic_icw1(struct vpic_chip *c, uint8_t v)
{
	c->icw1 = v;
	c->init = VPIC_ICW2;
	c->edge = 0;
	c->imr = 0;
	c->isr = 0;
	c->lowest = 7;
	c->icw3 = 7;
	c->smm = false;
	c->read_isr = false;
	c->poll = false;
	c->rotate_aeoi = false;
	if (!(v & VPIC_ICW1_IC4))
		c->icw4 = 0;
}

/* ICW2-ICW4 in order, ICW3 only in cascade mode, ICW4 only with IC4; then OCW1. */
static void vpic_write_data(struct vpic_chip *c, uint8_t v)
{
	switch (c->init) {
	case VPIC_ICW2:
		c->base = v & 0xf8; /* T7-T3; the IR number fills bits 2:0 */
		if (!(c->icw1 & VPIC_ICW1_SNGL))
			c->init = VPIC_ICW3;
		else
			c->init = (c->icw1 & VPIC_ICW1_IC4) ? VPIC_ICW4 : VPIC_READY;
		break;
	case VPIC_ICW3:
		c->icw3 = v;
		c->init = (c->icw1 & VPIC_ICW1_IC4) ? VPIC_ICW4 : VPIC_READY;
		break;
	case VPIC_ICW4:
		c->icw4 = v & 0x1f; /* D7-D5 are 0 */
		c->init = VPIC_READY;
		break;
	default:
		c->imr = v; /* OCW1 */
		break;
	}
}

/*
 * OCW2, "Operation Command Word 2": R, SL, EOI select the command, L2-L0
 * the level for the specific ones. A non-specific EOI resets the highest
 * priority ISR bit; with R that level then becomes the lowest priority.
 */
static void vpic_ocw2(struct vpic_chip *c, uint8_t v)
{
	unsigned level = v & 7;
	int ir;

	switch (v & 0xe0) {
	case VPIC_OCW2_NONSPEC_EOI:
	case VPIC_OCW2_ROT_NONSPEC:
		ir = vpic_highest(c, c->isr);
		if (ir < 0)
			break;
		c->isr &= (uint8_t) ~(1u << ir);
		if (v & 0x80)
			c->lowest = (uint8_t)ir;
		break;
	case VPIC_OCW2_SPEC_EOI:
	case VPIC_OCW2_ROT_SPEC:
		c->isr &= (uint8_t) ~(1u << level);
		if (v & 0x80)
			c->lowest = (uint8_t)level;
		break;
	case VPIC_OCW2_ROT_AEOI_SET:
		c->rotate_aeoi = true;
		break;
	case VPIC_OCW2_ROT_AEOI_CLR:
		c->rotate_aeoi = false;
		break;
	case VPIC_OCW2_SET_PRIORITY:
		c->lowest = (uint8_t)level;
		break;
	default: /* VPIC_OCW2_NOP */
		break;
	}
}

/*
 * OCW3: ESMM/SMM set or reset special mask mode, P requests a poll on the
 * next read (it "overrides" RR), RR/RIS select what the command port
 * reads. Each field acts only when its enable bit is set.
 */
static void vpic_ocw3(struct vpic_chip *c, uint8_t v)
{
	if (v & VPIC_OCW3_P)
		c->poll = true;
	if (v & VPIC_OCW3_RR)
		c->read_isr = v & VPIC_OCW3_RIS;
	if (v & VPIC_OCW3_ESMM)
		c->smm = v & VPIC_OCW3_SMM;
}

/*
 * "Poll Command": the read is an interrupt acknowledge for this chip
 * alone; it returns I (bit 7) and the highest priority request W2-W0, or
 * 0 when nothing is requesting.
 */
static uint8_t vpic_poll(struct vpic *pic, unsigned chip)
{
	struct vpic_chip *c = &pic->chip[chip];
	int ir = vpic_chip_pending(c, chip == VPIC_MASTER);

	c->poll = false;
	if (ir < 0)
		return 0;
	vpic_chip_intack(c, (unsigned)ir);
	vpic_update(pic);
	return (uint8_t)(VPIC_POLL_INT | ir);
}

uint8_t vpic_read(struct vpic *pic, unsigned chip, unsigned offset)
{
	struct vpic_chip *c = &pic->chip[chip & 1];

	if (c->poll)
		return vpic_poll(pic, chip & 1);
	if (offset == 0)
		return c->read_isr ? c->isr : vpic_irr(c);
	return c->imr;
}

void vpic_write(struct vpic *pic, unsigned chip, unsigned offset, uint8_t value)
{
	struct vpic_chip *c = &pic->chip[chip & 1];

	if (offset != 0)
		vpic_write_data(c, value);
	else if (value & VPIC_ICW1_INIT)
		vpic_icw1(c, value);
	else if (value & VPIC_OCW3)
		vpic_ocw3(c, value);
	else
		vpic_ocw2(c, value);
	vpic_update(pic);
}

/*
 * PIIX3 "ELCR1/ELCR2 - Edge/Level Control Registers": 1 = level. An input
 * switched to level mode drops its edge latch: the line now speaks for
 * itself.
 */
static void vpic_write_elcr(struct vpic *pic, unsigned chip, uint8_t value)
{
	struct vpic_chip *c = &pic->chip[chip];

	c->elcr = value & (chip == VPIC_MASTER ? VPIC_ELCR1_MASK : VPIC_ELCR2_MASK);
	c->edge &= (uint8_t)~c->elcr;
	vpic_update(pic);
}

void vpic_reset(struct vpic *pic)
{
	static const uint8_t base[2] = { 0x08, 0x70 };
	static const uint8_t icw3[2] = { 1u << VPIC_CASCADE_IRQ, VPIC_CASCADE_IRQ };
	static const uint8_t imr[2] = { (uint8_t) ~(1u << VPIC_CASCADE_IRQ), 0xff };

	for (unsigned i = 0; i < 2; i++) {
		struct vpic_chip *c = &pic->chip[i];
		uint8_t lines = c->lines;

		memset(c, 0, sizeof(*c));
		c->lines = lines;
		vpic_icw1(c, VPIC_ICW1_INIT | VPIC_ICW1_IC4);
		vpic_write_data(c, base[i]);
		vpic_write_data(c, icw3[i]);
		vpic_write_data(c, VPIC_ICW4_UPM);
		vpic_write_data(c, imr[i]);
	}
	vpic_update(pic);
}

void vpic_init(struct vpic *pic, vpic_intr_fn intr_changed, void *ctx)
{
	memset(pic, 0, sizeof(*pic));
	pic->intr_changed = intr_changed;
	pic->ctx = ctx;
	vpic_reset(pic);
}

/*
 * The 8259A and the ELCR are 8-bit devices: a wider access becomes one
 * byte cycle per port, lowest first; ports past the device's two read
 * all-ones and ignore writes (as in vuart.c).
 */
static uint32_t vpic_io_read(struct vpic *pic, unsigned chip, bool elcr, uint16_t offset,
			     unsigned size)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = 0xff;

		if (reg < VPIC_PORTS)
			b = elcr ? pic->chip[reg].elcr : vpic_read(pic, chip, reg);
		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void vpic_io_write(struct vpic *pic, unsigned chip, bool elcr, uint16_t offset,
			  unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = (uint8_t)(value >> (8 * i));

		if (reg >= VPIC_PORTS)
			continue;
		if (elcr)
			vpic_write_elcr(pic, reg, b);
		else
			vpic_write(pic, chip, reg, b);
	}
}

static uint32_t vpic_master_read(void *opaque, uint16_t offset, unsigned size)
{
	return vpic_io_read(opaque, VPIC_MASTER, false, offset, size);
}

static void vpic_master_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	vpic_io_write(opaque, VPIC_MASTER, false, offset, size, value);
}

static uint32_t vpic_slave_read(void *opaque, uint16_t offset, unsigned size)
{
	return vpic_io_read(opaque, VPIC_SLAVE, false, offset, size);
}

static void vpic_slave_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	vpic_io_write(opaque, VPIC_SLAVE, false, offset, size, value);
}

static uint32_t vpic_elcr_read(void *opaque, uint16_t offset, unsigned size)
{
	return vpic_io_read(opaque, VPIC_MASTER, true, offset, size);
}

static void vpic_elcr_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	vpic_io_write(opaque, VPIC_MASTER, true, offset, size, value);
}

int vpic_attach(struct viobus *bus, struct vpic *pic)
{
	const struct viobus_dev devs[] = {
		{ "vpic-master", VPIC_MASTER_BASE, VPIC_PORTS, vpic_master_read, vpic_master_write,
		  pic },
		{ "vpic-slave", VPIC_SLAVE_BASE, VPIC_PORTS, vpic_slave_read, vpic_slave_write,
		  pic },
		{ "vpic-elcr", VPIC_ELCR_BASE, VPIC_PORTS, vpic_elcr_read, vpic_elcr_write, pic },
	};

	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		int err = viobus_register(bus, &devs[i]);

		if (err)
			return err;
	}
	return 0;
}
