/*
 * Emulated 8254 programmable interval timer of the PC at ports 0x40-0x43,
 * with port 0x61 ("NMI Status and Control", System Control Port B) that
 * gates counter 2 and reads back its output. Behaviour follows the Intel
 * 8254 datasheet ("8254 Programmable Interval Timer", order number
 * 231164-005); section names below are the datasheet's.
 *
 *	port   write                             read
 *	0x40   counter 0 count (CR)              counter 0 (CE, latch or status)
 *	0x41   counter 1 count                   counter 1
 *	0x42   counter 2 count                   counter 2
 *	0x43   control word, counter latch,      0xff (no-operation, 3-state)
 *	       read-back command
 *	0x61   bit 0 GATE2, bit 1 speaker data,  bits 3:0 as written, bit 4 refresh
 *	       bits 3:2 NMI enables (stored)     toggle, bit 5 OUT2, bits 7:6 0
 *
 * On the PC the three counters run from one 1.193182 MHz clock. Counter
 * 0's OUT is IRQ0; counter 1 once paced DRAM refresh and drives nothing;
 * counter 2's OUT goes to the speaker and to port 0x61 bit 5, its GATE
 * comes from port 0x61 bit 0. GATE0 and GATE1 are tied high.
 *
 * Modelled: all six modes in binary and BCD, LSB/MSB/LSB-then-MSB access
 * with the datasheet's two-byte rules, the counter latch command, the
 * read-back command (count and status, null count), GATE levels and
 * triggers, and the CLK-exact timing of every mode: a count is loaded on
 * the first CLK after it is written (or after the trigger) and counts on
 * the following ones, so mode 0 raises OUT exactly N + 1 clocks after an
 * N is written. Linux calibrates the TSC with counter 2 in mode 0 (OUT2
 * polled through port 0x61) and by watching the MSB of a free-running
 * count: both see the same sequence as on hardware.
 *
 * Time. The model reads a monotonic nanosecond clock supplied by the
 * owner (the hypervisor's TSC-based clock; a fake in tests) and works in
 * CLK ticks: tick k happens at ceil(k * 10^9 / 1193182) ns after init.
 * Nothing runs in the background: every state is a closed formula of the
 * time, evaluated when the guest reads or writes a port or the owner
 * calls vpit_update(). A clock that steps back is treated as standing
 * still.
 *
 * IRQ0. OUT0's rising edges are what the PIC latches. The owner arms a
 * host timer for vpit_next_event_ns() and calls vpit_update() when it
 * fires; the model then reports OUT0 through the irq0 callback. Edges
 * that happened since the last update are delivered as one low-high
 * pulse (a late timer means lost ticks, not a burst: as on a real PC
 * whose CPU was held off) and counted in irq0_edges / irq0_merged.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one PIT.
 */
#ifndef STRATA_VMX_DEV_VPIT_H
#define STRATA_VMX_DEV_VPIT_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VPIT_BASE     0x40
#define VPIT_PORTS    4
#define VPIT_PORT_B   0x61    /* NMI status and control / system control port B */
#define VPIT_HZ       1193182 /* CLK of all three counters */
#define VPIT_CHANNELS 3
#define VPIT_CONTROL  3 /* offset of the control word register */

/* Control word (8254 "Control Word Format") */
#define VPIT_CW_BCD       0x01
#define VPIT_CW_MODE(m)   ((m) << 1) /* M2-M0 */
#define VPIT_CW_RW_LATCH  0x00       /* counter latch command */
#define VPIT_CW_RW_LSB    0x10
#define VPIT_CW_RW_MSB    0x20
#define VPIT_CW_RW_WORD   0x30 /* LSB first, then MSB */
#define VPIT_CW_RW_MASK   0x30
#define VPIT_CW_SC(c)     ((c) << 6) /* SC1-SC0 */
#define VPIT_CW_READ_BACK 0xc0

/* Read-back command: bits 5 and 4 are active low, bits 3:1 select counters */
#define VPIT_RB_NO_COUNT  0x20
#define VPIT_RB_NO_STATUS 0x10
#define VPIT_RB_CNT(c)    (2u << (c))

/* Status byte ("Read-Back Command", status format): bits 5:0 are CW 5:0 */
#define VPIT_STATUS_OUT  0x80
#define VPIT_STATUS_NULL 0x40 /* null count: CR not yet moved into CE */

/* Port 0x61 */
#define VPIT_PORTB_GATE2   0x01
#define VPIT_PORTB_SPEAKER 0x02 /* speaker data enable */
#define VPIT_PORTB_RW      0x0f /* bits the guest writes (3:2 are NMI enables) */
#define VPIT_PORTB_REFRESH 0x10 /* toggles every 15.085 us (18 CLKs) */
#define VPIT_PORTB_OUT2    0x20

/* A monotonic clock in nanoseconds (any origin). */
typedef uint64_t (*vpit_clock_fn)(void *ctx);

/*
 * OUT0 as the PIC's IRQ0 input sees it. Called from inside vpit calls
 * (port accesses, vpit_update(), vpit_next_event_ns(), vpit_set_gate(),
 * vpit_reset()); the callee forwards it (e.g. vpic_set_irq(pic, 0, level))
 * and must not call back into this vpit.
 */
typedef void (*vpit_irq_fn)(void *ctx, bool level);

/* One counter. Fields are the model's state: read them, change them only through the API. */
struct vpit_channel {
	/* As programmed. */
	uint8_t ctrl;    /* control word bits 5:0 (RW, M, BCD): the status byte's */
	uint8_t mode;    /* 0-5 (modes 6 and 7 are 2 and 3) */
	uint16_t cr;     /* count register, as written (binary or BCD) */
	bool have_count; /* a whole count was written since the control word */
	bool null_count; /* status NULL COUNT, until tick null_until */
	uint64_t null_until;
	bool write_msb; /* two-byte access: the next write is the MSB */
	bool read_msb;  /* two-byte access, unlatched: the next read is the MSB */
	bool gate;
	/* Output latch ("Counter Latch Command") and status latch. */
	bool ol_valid;
	bool ol_msb; /* two-byte access: the LSB was read */
	uint16_t ol;
	bool status_valid;
	uint8_t status;
	/* The counting element: the current run, see vpit.c. */
	bool run; /* CE holds a count, loaded at tick `start` */
	uint64_t start;
	uint32_t n;       /* count in effect, binary: 1..65536 (BCD 1..10000) */
	bool low_first;   /* mode 3: the run begins with its low half-cycle */
	bool counting;    /* CE decrements (GATE in modes 0, 2, 3, 4) */
	uint64_t base;    /* tick from which `counting` holds ... */
	uint64_t base_e;  /* ... and the clocks counted from `start` up to it */
	uint16_t hold_ce; /* CE (binary) and OUT before `start` or without a run */
	bool hold_out;
	bool switch_pending; /* modes 2, 3: a new count enters CE at switch_tick */
	bool switch_low_first;
	uint64_t switch_tick;
};

struct vpit {
	struct vpit_channel ch[VPIT_CHANNELS];
	uint8_t port_b; /* port 0x61 bits 3:0 */
	vpit_clock_fn clock;
	void *clock_ctx;
	vpit_irq_fn irq0;
	void *irq0_ctx;
	uint64_t origin_ns; /* clock reading of tick 0 */
	uint64_t now;       /* latest tick seen */
	uint64_t synced0;   /* tick up to which OUT0's edges are reported */
	bool out0;          /* IRQ0 level as last reported */
	/* Statistics. */
	uint64_t irq0_edges;  /* rising edges of OUT0 */
	uint64_t irq0_merged; /* edges folded into another one's pulse */
};

/*
 * Set up `pit` with `clock` (required) as its time source, tick 0 being
 * the clock's value now, and reset it (vpit_reset()) without calling
 * `irq0`: the IRQ0 level starts low, as the PIC's line does, and the
 * first update reports OUT0. `irq0` may be NULL.
 */
void vpit_init(struct vpit *pit, vpit_clock_fn clock, void *clock_ctx, vpit_irq_fn irq0,
	       void *irq0_ctx);

/*
 * The state a PC BIOS leaves after POST (IBM PC AT Technical Reference,
 * "System Timer"): counter 0 in mode 3 with count 0 (65536: 18.2 Hz on
 * IRQ0), counter 1 in mode 2 with count 18 (15.085 us, the old refresh
 * rate), counter 2 programmed for mode 3 without a count, GATE2 and the
 * speaker off. Reports OUT0 if it changes.
 */
void vpit_reset(struct vpit *pit);

/*
 * Register `pit` on `bus`: 0x40-0x43 and 0x61. Returns 0 or the first
 * error of viobus_register() (ranges registered before it stay).
 */
int vpit_attach(struct viobus *bus, struct vpit *pit);

/* Guest byte accesses: `offset` 0-3 from 0x40; port 0x61. */
uint8_t vpit_read(struct vpit *pit, unsigned offset);
void vpit_write(struct vpit *pit, unsigned offset, uint8_t value);
uint8_t vpit_port_b_read(struct vpit *pit);
void vpit_port_b_write(struct vpit *pit, uint8_t value);

/*
 * Drive GATE of counter `channel` (0-2). GATE0 and GATE1 are high from
 * reset and tied high on a PC; GATE2 follows port 0x61 bit 0, so the
 * owner has no reason to call this for it. Returns 0 or -EINVAL.
 */
int vpit_set_gate(struct vpit *pit, unsigned channel, bool level);

/* Bring OUT0 up to the clock's present and report it through irq0. */
void vpit_update(struct vpit *pit);

/*
 * Clock time (in the clock's own ns) of the next rising edge of OUT0 - the
 * next IRQ0 - or of the next moment the model must look at its state
 * again, whichever comes first; UINT64_MAX when OUT0 will not rise
 * without a guest access. Always later than the present. Updates first
 * (see vpit_update()). Call it again after each guest access to the PIT
 * or port 0x61 and after each update.
 */
uint64_t vpit_next_event_ns(struct vpit *pit);

/* OUT of counter `channel` (0-2) now, without reporting anything. */
bool vpit_out(struct vpit *pit, unsigned channel);

#endif
