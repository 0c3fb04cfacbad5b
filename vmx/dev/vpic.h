/*
 * Emulated 8259A programmable interrupt controller pair of the PC: the
 * master at ports 0x20-0x21, the slave at 0xa0-0xa1 cascaded into the
 * master's IR2, and the edge/level control registers (ELCR) of the PIIX
 * south bridge at 0x4d0-0x4d1. Behaviour follows the Intel 8259A datasheet
 * ("8259A Programmable Interrupt Controller", order number 231468-003);
 * section names below are the datasheet's.
 *
 *	port   write                          read
 *	0x20   ICW1 (bit 4 = 1), OCW2, OCW3   IRR or ISR (OCW3 RR/RIS), poll word
 *	0x21   ICW2-ICW4 during init, OCW1    IMR (OCW1)
 *	0x4d0  ELCR1: IRQ0-7 edge/level       ELCR1
 *	0x4d1  ELCR2: IRQ8-15 edge/level      ELCR2
 *	(0xa0, 0xa1: the same for the slave)
 *
 * Modelled: the ICW1-ICW4 initialization sequence, OCW1 masking, OCW2
 * EOI (non-specific, specific, rotate on EOI, rotate in automatic EOI
 * mode, set priority), OCW3 (read IRR/ISR, poll, special mask mode),
 * fully nested and special fully nested mode, automatic EOI, edge and
 * level triggered inputs (ICW1 LTIM or ELCR), priority rotation, the
 * cascade through IR2 and the default IR7 ("spurious") vector of both
 * chips.
 *
 * Not modelled, each because no x86 guest can see it: MCS-80/85 mode
 * (ICW4 uPM = 0; the model always answers an INTA with the 8086 vector
 * byte), buffered mode and the SP/EN pin (ICW4 BUF, M/S: stored only).
 *
 * How the inputs latch. The datasheet's edge-triggered input wants the
 * IR line held high until the first INTA; here a rising edge stays
 * latched in the IRR until it is acknowledged (or ICW1 resets the edge
 * sense), as in QEMU, bhyve and KVM, because a device model pulses its
 * line (high then low) at one instant. A level-triggered input is simply
 * read: IRR follows the line.
 *
 * INTA. The hypervisor does the CPU's interrupt acknowledge in one step:
 * vpic_ack() resolves the master, and through it the slave, as the two
 * INTA pulses would and returns the vector byte the CPU would read.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one pair.
 */
#ifndef STRATA_VMX_DEV_VPIC_H
#define STRATA_VMX_DEV_VPIC_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VPIC_MASTER_BASE 0x20
#define VPIC_SLAVE_BASE  0xa0
#define VPIC_ELCR_BASE   0x4d0
#define VPIC_PORTS       2  /* command (A0 = 0) and data (A0 = 1) */
#define VPIC_IRQS        16 /* IRQ0-7 on the master, IRQ8-15 on the slave */
#define VPIC_CASCADE_IRQ 2  /* the master input the slave's INT drives */

/* ICW1 (port A0 = 0, D4 = 1) */
#define VPIC_ICW1_IC4  0x01 /* ICW4 will be written */
#define VPIC_ICW1_SNGL 0x02 /* single 8259A, no ICW3 */
#define VPIC_ICW1_ADI  0x04 /* call address interval (MCS-80 only) */
#define VPIC_ICW1_LTIM 0x08 /* level triggered mode for every input */
#define VPIC_ICW1_INIT 0x10 /* identifies ICW1 */

/* ICW4 */
#define VPIC_ICW4_UPM  0x01 /* 8086/8088 mode */
#define VPIC_ICW4_AEOI 0x02 /* automatic end of interrupt */
#define VPIC_ICW4_MS   0x04 /* buffered mode master/slave */
#define VPIC_ICW4_BUF  0x08 /* buffered mode */
#define VPIC_ICW4_SFNM 0x10 /* special fully nested mode */

/* OCW2: R, SL, EOI in bits 7:5, the level in 2:0 */
#define VPIC_OCW2_NONSPEC_EOI  0x20
#define VPIC_OCW2_SPEC_EOI     0x60
#define VPIC_OCW2_ROT_NONSPEC  0xa0 /* rotate on non-specific EOI */
#define VPIC_OCW2_ROT_AEOI_SET 0x80 /* rotate in automatic EOI mode (set) */
#define VPIC_OCW2_ROT_AEOI_CLR 0x00 /* rotate in automatic EOI mode (clear) */
#define VPIC_OCW2_ROT_SPEC     0xe0 /* rotate on specific EOI */
#define VPIC_OCW2_SET_PRIORITY 0xc0
#define VPIC_OCW2_NOP          0x40

/* OCW3 (D4 = 0, D3 = 1) */
#define VPIC_OCW3          0x08
#define VPIC_OCW3_RIS      0x01 /* with RR: read ISR, else IRR */
#define VPIC_OCW3_RR       0x02 /* act on RIS */
#define VPIC_OCW3_P        0x04 /* poll */
#define VPIC_OCW3_SMM      0x20 /* with ESMM: set, else reset special mask */
#define VPIC_OCW3_ESMM     0x40 /* act on SMM */
#define VPIC_OCW3_READ_IRR (VPIC_OCW3 | VPIC_OCW3_RR)
#define VPIC_OCW3_READ_ISR (VPIC_OCW3 | VPIC_OCW3_RR | VPIC_OCW3_RIS)

/* Poll word: I (an interrupt was pending) and W2-W0 */
#define VPIC_POLL_INT 0x80

/*
 * PIIX3 ELCR: IRQ0, 1, 2, 8 and 13 are wired edge-triggered on the
 * board; their ELCR bits are reserved and read 0.
 */
#define VPIC_ELCR1_MASK 0xf8
#define VPIC_ELCR2_MASK 0xde

/*
 * The master's INT output changed: the level of the CPU's INTR pin. Called
 * from inside the vpic call that changed it (a port access, vpic_set_irq(),
 * vpic_ack()); the callee records it (e.g. requests an interrupt window)
 * and must not call back into this vpic.
 */
typedef void (*vpic_intr_fn)(void *ctx, bool level);

/* Initialization sequence: what the next write to the data port is. */
enum vpic_init_state {
	VPIC_READY, /* initialized: data port writes are OCW1 */
	VPIC_ICW2,
	VPIC_ICW3,
	VPIC_ICW4,
};

/* One 8259A. Fields are the model's state: read them, change them only through the API. */
struct vpic_chip {
	uint8_t lines;  /* IR input levels */
	uint8_t edge;   /* requests latched by a rising edge (edge mode) */
	uint8_t isr;    /* in-service register */
	uint8_t imr;    /* interrupt mask register */
	uint8_t elcr;   /* edge/level control: 1 = level */
	uint8_t lowest; /* IR with the lowest priority (7 after ICW1) */
	uint8_t icw1;
	uint8_t base; /* ICW2 T7-T3: vector of IR0 */
	uint8_t icw3; /* master: inputs with a slave; slave: its ID */
	uint8_t icw4;
	enum vpic_init_state init;
	bool read_isr; /* OCW3: the command port reads ISR, else IRR */
	bool poll;     /* OCW3 P: the next read is a poll */
	bool smm;      /* special mask mode */
	bool rotate_aeoi;
};

struct vpic {
	struct vpic_chip chip[2]; /* [0] master, [1] slave */
	bool intr;                /* master INT as last reported */
	vpic_intr_fn intr_changed;
	void *ctx;
	/* Statistics. */
	uint64_t acks;     /* vpic_ack() calls */
	uint64_t spurious; /* INTAs answered with a default IR7 (master or slave) */
};

/*
 * Set up `pic` and reset it (vpic_reset()). `intr_changed` may be NULL;
 * the owner can then poll vpic_intr().
 */
void vpic_init(struct vpic *pic, vpic_intr_fn intr_changed, void *ctx);

/*
 * Put both chips in the state a PC BIOS leaves after POST, so a guest
 * started without firmware finds the usual machine: initialized with ICW1
 * = 0x11 (edge, cascade, ICW4), vector bases 0x08 and 0x70, the slave on
 * IR2 (ICW3 0x04 / 0x02), ICW4 = 0x01 (8086 mode), every input masked but
 * the cascade, ELCR all edge, no request or service pending. The input
 * levels are kept: they belong to the devices, not to the PIC. Reports an
 * INTR change if one was high.
 */
void vpic_reset(struct vpic *pic);

/*
 * Register `pic` on `bus`: the master at 0x20, the slave at 0xa0 (2 ports
 * each) and the ELCR at 0x4d0 (2 ports). Returns 0 or the first error
 * of viobus_register(); ranges registered before it stay (the bus has no
 * removal), so a failure means a broken VM build, not a guest problem.
 */
int vpic_attach(struct viobus *bus, struct vpic *pic);

/*
 * Drive interrupt input `irq` (0-15, IRQ8-15 on the slave) to `level`. An
 * edge-triggered input latches a request on a low-to-high change; a
 * level-triggered one requests while high. A device that signals an edge
 * calls this with true then false (or leaves the line high, as the PIT's
 * OUT0 does half the time). Returns 0, or -EINVAL for IRQ2 (the cascade
 * input, driven only by the slave) or an irq above 15.
 */
int vpic_set_irq(struct vpic *pic, unsigned irq, bool level);

/* The master's INT output: an unmasked request the CPU should take. */
bool vpic_intr(const struct vpic *pic);

/*
 * The vector vpic_ack() would return now, or -1 when INT is low. No side
 * effect: use it to decide whether to inject.
 */
int vpic_pending_vector(const struct vpic *pic);

/*
 * The CPU's interrupt acknowledge cycle: resolves the highest priority
 * request, moves it from IRR to ISR (not in AEOI mode) on the master and,
 * for the cascade input, on the slave, and returns the vector byte the
 * CPU reads (0-255). With no request left at that moment the chip answers
 * with its IR7 vector and sets no ISR bit (datasheet, "Interrupt
 * Sequence": the default IR7 of a vanished request); the slave does the
 * same (IRQ15) when the master took IR2 but the slave has nothing. When
 * the master names a cascade address no slave answers to, the data bus
 * floats and the CPU reads 0xff.
 */
int vpic_ack(struct vpic *pic);

/* Guest byte accesses, `chip` 0 (master) or 1 (slave), `offset` 0 or 1. */
uint8_t vpic_read(struct vpic *pic, unsigned chip, unsigned offset);
void vpic_write(struct vpic *pic, unsigned chip, unsigned offset, uint8_t value);

/* IRR as the guest would read it (edge latches and level-triggered lines). */
uint8_t vpic_irr(const struct vpic_chip *c);

#endif
