/* FUZZ_SOURCES: vmx/dev/viobus.c vmx/dev/vpic.c vmx/dev/vpit.c vmx/dev/vrtc.c */
/*
 * libFuzzer target for the PC's legacy timer and interrupt models: a
 * guest's random IN/OUT sequence against a bus holding the 8259A pair
 * (0x20, 0xa0, ELCR 0x4d0), the 8254 (0x40-0x43, 0x61) and the MC146818A
 * (0x70-0x71), mixed with clock advances (small, large, and exactly to the
 * next event each model announces), interrupt acknowledges, other IRQ
 * lines and gate changes. The models are wired as the hypervisor wires
 * them: OUT0 to IRQ0, the RTC's IRQ to IRQ8, the PIC's INT to a recorded
 * INTR line.
 *
 * Besides the sanitizers' checks it asserts what the exit and injection
 * paths rely on: unclaimed ports read all-ones and results fit the size;
 * the PIC's INT, its callback and vpic_pending_vector() agree, an INTA
 * returns the predicted vector and marks it in service, edge latches
 * never sit on level inputs; IRQ0 and IRQ8 at the PIC are the levels the
 * PIT and RTC last reported; PIT status bytes carry the programmed bits,
 * BCD counts hold decimal digits, port 0x61 reads its stored bits and
 * OUT2; each next_event_ns() lies in the future, nothing rises before it
 * and, where a rise is promised, it happens at it; RTC register C reads
 * as the datasheet allows and clears, D reads VRT, UIP only shows while
 * updating, and the time bytes read with SET = 0 are valid in the
 * programmed format.
 *
 * Input: 8-byte records
 *	byte 0    bits 3:0 operation, bits 5:4 size (1, 2, 4, or a bad 3)
 *	byte 1    port selector (see fuzz_port), or an argument
 *	bytes 2-3 raw port for the raw selector
 *	bytes 4-7 value or time, little-endian
 * Seeds: tests/fuzz/corpus/vlegacy/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmx/dev/viobus.h"
#include "vmx/dev/vpic.h"
#include "vmx/dev/vpit.h"
#include "vmx/dev/vrtc.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

/* At most this far in the future for an advance to an announced event. */
#define FUZZ_MAX_JUMP (3600ull * 1000000000ull)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_vm {
	struct viobus bus;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	uint64_t now_ns;
	bool intr; /* INTR as the PIC last reported it */
	unsigned intr_calls;
	bool irq0, irq8; /* as the PIT and RTC last reported them */
	unsigned irq0_calls, irq8_calls;
	uint64_t unclaimed_in, unclaimed_out, bad_size;
};

static struct fuzz_vm vm;

static uint64_t fuzz_clock(void *ctx)
{
	return ((struct fuzz_vm *)ctx)->now_ns;
}

static void fuzz_intr(void *ctx, bool level)
{
	struct fuzz_vm *v = ctx;

	FUZZ_CHECK(v->intr_calls == 0 || level != v->intr); /* changes only */
	v->intr = level;
	v->intr_calls++;
}

static void fuzz_irq0(void *ctx, bool level)
{
	struct fuzz_vm *v = ctx;

	FUZZ_CHECK(v->irq0_calls == 0 || level != v->irq0);
	v->irq0 = level;
	v->irq0_calls++;
	FUZZ_CHECK(vpic_set_irq(&v->pic, 0, level) == 0);
}

static void fuzz_irq8(void *ctx, bool level)
{
	struct fuzz_vm *v = ctx;

	FUZZ_CHECK(v->irq8_calls == 0 || level != v->irq8);
	v->irq8 = level;
	v->irq8_calls++;
	FUZZ_CHECK(vpic_set_irq(&v->pic, 8, level) == 0);
}

static bool fuzz_claimed(uint16_t port)
{
	return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 || port == 0x4d0 ||
	       port == 0x4d1 || (port >= 0x40 && port <= 0x43) || port == 0x61 || port == 0x70 ||
	       port == 0x71;
}

/* Mostly the devices, sometimes their neighbours or anywhere. */
static uint16_t fuzz_port(uint8_t sel, uint16_t raw)
{
	static const uint16_t near[8] = { 0x1f, 0x22, 0x3f, 0x44, 0x60, 0x62, 0x6f, 0x72 };

	switch (sel >> 4) {
	case 0:
	case 1:
		return (uint16_t)(0x20 + (sel & 1));
	case 2:
	case 3:
		return (uint16_t)(0xa0 + (sel & 1));
	case 4:
		return (uint16_t)(0x4d0 + (sel & 1));
	case 5:
	case 6:
	case 7:
		return (uint16_t)(0x40 + (sel & 3));
	case 8:
	case 9:
		return 0x61;
	case 10:
	case 11:
	case 12:
		return (uint16_t)(0x70 + (sel & 1));
	case 13:
		return near[sel & 7];
	case 14:
		return (uint16_t)(0x4ce + (sel & 7));
	default:
		return raw;
	}
}

static bool fuzz_bcd_ok(uint8_t b)
{
	return (b & 0x0f) <= 9 && (b >> 4) <= 9;
}

/* A time byte read with SET = 0: a valid value in the format of register B. */
static void fuzz_check_time_byte(unsigned index, uint8_t v, uint8_t b)
{
	bool bin = b & VRTC_B_DM;
	unsigned x = v;

	if (index == VRTC_CENTURY) {
		FUZZ_CHECK(bin || fuzz_bcd_ok(v));
		return;
	}
	if (index == VRTC_HOURS && !(b & VRTC_B_24H))
		x &= 0x7f;
	if (!bin) {
		FUZZ_CHECK(fuzz_bcd_ok((uint8_t)x));
		x = (x >> 4) * 10 + (x & 15);
	}
	switch (index) {
	case VRTC_SECONDS:
	case VRTC_MINUTES:
		FUZZ_CHECK(x < 60);
		break;
	case VRTC_HOURS:
		FUZZ_CHECK((b & VRTC_B_24H) ? x < 24 : x >= 1 && x <= 12);
		break;
	case VRTC_DAY_OF_WEEK:
		FUZZ_CHECK(x >= 1 && x <= 7);
		break;
	case VRTC_DAY_OF_MONTH:
		FUZZ_CHECK(x >= 1 && x <= 31);
		break;
	case VRTC_MONTH:
		FUZZ_CHECK(x >= 1 && x <= 12);
		break;
	default: /* year */
		FUZZ_CHECK(x <= 99);
		break;
	}
}

static void fuzz_check_rtc_read(uint8_t v, uint8_t index, const struct vrtc *before)
{
	uint8_t b = before->cmos[VRTC_REG_B];
	uint8_t dv = before->cmos[VRTC_REG_A] & VRTC_A_DV_MASK;

	switch (index) {
	case VRTC_REG_A:
		FUZZ_CHECK((v & 0x7f) == before->cmos[VRTC_REG_A]);
		if (v & VRTC_A_UIP)
			FUZZ_CHECK(!(b & VRTC_B_SET) && dv == VRTC_A_DV_32K);
		break;
	case VRTC_REG_B:
		FUZZ_CHECK(v == b);
		break;
	case VRTC_REG_C: {
		bool irqf = ((v & VRTC_C_PF) && (b & VRTC_B_PIE)) ||
			    ((v & VRTC_C_AF) && (b & VRTC_B_AIE)) ||
			    ((v & VRTC_C_UF) && (b & VRTC_B_UIE));

		FUZZ_CHECK((v & 0x0f) == 0);
		FUZZ_CHECK(!!(v & VRTC_C_IRQF) == irqf);
		FUZZ_CHECK(vm.rtc.flags == 0 && !vm.rtc.irq);
		/* Flags only grow between reads: whatever was there is still there. */
		FUZZ_CHECK((v & before->flags) == before->flags);
		break;
	}
	case VRTC_REG_D:
		FUZZ_CHECK(v == VRTC_D_VRT);
		break;
	default:
		if (index == VRTC_SECONDS || index == VRTC_MINUTES || index == VRTC_HOURS ||
		    (index >= VRTC_DAY_OF_WEEK && index <= VRTC_YEAR) || index == VRTC_CENTURY) {
			if (!(b & VRTC_B_SET))
				fuzz_check_time_byte(index, v, b);
			else
				FUZZ_CHECK(v == before->cmos[index]);
		} else {
			FUZZ_CHECK(v == before->cmos[index]);
		}
		break;
	}
}

/* One byte read from `port`, given the state before the read. */
static void fuzz_check_byte(uint16_t port, uint8_t v, const struct fuzz_vm *before)
{
	const struct vpit_channel *c;

	switch (port) {
	case 0x21:
	case 0xa1: {
		const struct vpic_chip *chip = &before->pic.chip[port == 0xa1];

		if (chip->poll)
			FUZZ_CHECK((v & 0x78) == 0);
		else
			FUZZ_CHECK(v == chip->imr);
		break;
	}
	case 0x20:
	case 0xa0: {
		const struct vpic_chip *chip = &before->pic.chip[port == 0xa0];

		if (chip->poll)
			FUZZ_CHECK((v & 0x78) == 0);
		else
			FUZZ_CHECK(v == (chip->read_isr ? chip->isr : vpic_irr(chip)));
		break;
	}
	case 0x4d0:
		FUZZ_CHECK((v & ~VPIC_ELCR1_MASK) == 0);
		break;
	case 0x4d1:
		FUZZ_CHECK((v & ~VPIC_ELCR2_MASK) == 0);
		break;
	case 0x40:
	case 0x41:
	case 0x42:
		c = &before->pit.ch[port - 0x40];
		if (c->status_valid)
			FUZZ_CHECK((v & 0x3f) == c->ctrl);
		else if (c->ctrl & VPIT_CW_BCD)
			FUZZ_CHECK(fuzz_bcd_ok(v));
		break;
	case 0x43:
	case 0x70:
		FUZZ_CHECK(v == 0xff);
		break;
	case 0x61:
		FUZZ_CHECK((v & 0xc0) == 0);
		FUZZ_CHECK((v & 0x0f) == before->pit.port_b);
		FUZZ_CHECK(!!(v & VPIT_PORTB_OUT2) == vpit_out(&vm.pit, 2));
		break;
	case 0x71:
		fuzz_check_rtc_read(v, before->rtc.index, &before->rtc);
		break;
	default:
		FUZZ_CHECK(v == 0xff);
		break;
	}
}

static void fuzz_in(uint16_t port, unsigned size)
{
	static struct fuzz_vm before;
	bool ok = size == 1 || size == 2 || size == 4;
	uint32_t mask = viobus_size_mask(size), v;

	before = vm;
	v = viobus_in(&vm.bus, port, size);
	FUZZ_CHECK((v & ~mask) == 0);
	if (!ok) {
		vm.bad_size++;
		FUZZ_CHECK(v == 0xffffffffu);
		return;
	}
	if (!fuzz_claimed(port)) {
		vm.unclaimed_in++;
		FUZZ_CHECK(v == mask);
		return;
	}
	if (size == 1)
		fuzz_check_byte(port, (uint8_t)v, &before);
}

static void fuzz_out(uint16_t port, unsigned size, uint32_t value)
{
	bool ok = size == 1 || size == 2 || size == 4;

	viobus_out(&vm.bus, port, size, value);
	if (!ok)
		vm.bad_size++;
	else if (!fuzz_claimed(port))
		vm.unclaimed_out++;
}

/* Move the clock; callbacks may fire at the next access or update. */
static void fuzz_advance(uint64_t ns)
{
	vm.now_ns += ns;
}

static void fuzz_ack(void)
{
	int expect = vpic_pending_vector(&vm.pic);
	const struct vpic_chip *m = &vm.pic.chip[0];
	uint8_t base = m->base;
	int v = vpic_ack(&vm.pic);

	FUZZ_CHECK(v >= 0 && v <= 0xff);
	if (expect < 0)
		FUZZ_CHECK(v == (base | 7));
	else
		FUZZ_CHECK(v == expect);
}

/*
 * Jump to the PIT's announced event: nothing before it, and at it a rising
 * edge of OUT0 unless the event was a scheduled count switch.
 */
static void fuzz_pit_event(void)
{
	uint64_t ev = vpit_next_event_ns(&vm.pit), edges;
	bool switching = vm.pit.ch[0].switch_pending;

	if (ev == UINT64_MAX)
		return;
	FUZZ_CHECK(ev > vm.now_ns);
	if (ev - vm.now_ns > FUZZ_MAX_JUMP)
		return;
	edges = vm.pit.irq0_edges;
	if (ev - 1 > vm.now_ns) {
		vm.now_ns = ev - 1;
		vpit_update(&vm.pit);
		FUZZ_CHECK(vm.pit.irq0_edges == edges);
	}
	vm.now_ns = ev;
	vpit_update(&vm.pit);
	FUZZ_CHECK(vm.pit.irq0_edges > edges || switching);
}

/* Jump to the RTC's announced event: IRQ8 rises there when PIE or UIE promised it. */
static void fuzz_rtc_event(void)
{
	uint8_t b = vm.rtc.cmos[VRTC_REG_B];
	bool promised = (b & VRTC_B_UIE) ||
			((b & VRTC_B_PIE) && (vm.rtc.cmos[VRTC_REG_A] & VRTC_A_RS_MASK) &&
			 !(b & VRTC_B_AIE));
	uint64_t ev = vrtc_next_event_ns(&vm.rtc);

	if (ev == UINT64_MAX)
		return;
	FUZZ_CHECK(!vm.rtc.irq);
	FUZZ_CHECK(ev > vm.now_ns);
	if (ev - vm.now_ns > FUZZ_MAX_JUMP)
		return;
	if (ev - 1 > vm.now_ns) {
		vm.now_ns = ev - 1;
		vrtc_update(&vm.rtc);
		FUZZ_CHECK(!vm.rtc.irq); /* every source that could raise it is in ev */
	}
	vm.now_ns = ev;
	vrtc_update(&vm.rtc);
	if (promised)
		FUZZ_CHECK(vm.rtc.irq);
}

static void fuzz_check_pic(void)
{
	bool intr = vpic_intr(&vm.pic);
	int vec = vpic_pending_vector(&vm.pic);

	FUZZ_CHECK(vm.pic.intr == intr);
	FUZZ_CHECK(vm.intr_calls == 0 ? !intr : vm.intr == intr);
	FUZZ_CHECK((vec >= 0) == intr && vec <= 0xff);
	for (unsigned i = 0; i < 2; i++) {
		const struct vpic_chip *c = &vm.pic.chip[i];
		uint8_t level = (c->icw1 & VPIC_ICW1_LTIM) ? 0xff : c->elcr;

		FUZZ_CHECK(c->lowest < 8 && (c->base & 7) == 0 && c->icw4 <= 0x1f);
		FUZZ_CHECK(c->init <= VPIC_ICW4);
		FUZZ_CHECK((c->edge & level) == 0);
		FUZZ_CHECK((c->elcr & ~(i ? VPIC_ELCR2_MASK : VPIC_ELCR1_MASK)) == 0);
	}
	/* The devices' lines are what they last reported. */
	FUZZ_CHECK(!!(vm.pic.chip[0].lines & 1) == (vm.irq0_calls ? vm.irq0 : false));
	FUZZ_CHECK(!!(vm.pic.chip[1].lines & 1) == (vm.irq8_calls ? vm.irq8 : false));
}

static void fuzz_check_pit(void)
{
	FUZZ_CHECK(vm.pit.out0 == (vm.irq0_calls ? vm.irq0 : false));
	FUZZ_CHECK(vm.pit.irq0_merged <= vm.pit.irq0_edges);
	FUZZ_CHECK((vm.pit.port_b & ~VPIT_PORTB_RW) == 0);
	FUZZ_CHECK(vm.pit.ch[2].gate == !!(vm.pit.port_b & VPIT_PORTB_GATE2));
	for (unsigned i = 0; i < VPIT_CHANNELS; i++) {
		const struct vpit_channel *c = &vm.pit.ch[i];
		uint32_t m = (c->ctrl & VPIT_CW_BCD) ? 10000 : 0x10000;

		FUZZ_CHECK(c->mode <= 5 && (c->ctrl & VPIT_CW_RW_MASK) != 0);
		FUZZ_CHECK((c->ctrl & 0xc0) == 0);
		if (c->run)
			FUZZ_CHECK(c->n >= 1 && c->n <= m && c->base >= c->start);
		if (c->switch_pending)
			FUZZ_CHECK(c->run && c->counting && (c->mode == 2 || c->mode == 3));
	}
}

static void fuzz_check_rtc(void)
{
	FUZZ_CHECK(vm.rtc.irq == (vm.irq8_calls ? vm.irq8 : false));
	FUZZ_CHECK((vm.rtc.flags & ~(VRTC_C_PF | VRTC_C_AF | VRTC_C_UF)) == 0);
	FUZZ_CHECK((vm.rtc.cmos[VRTC_REG_A] & VRTC_A_UIP) == 0);
	FUZZ_CHECK(vm.rtc.index < VRTC_CMOS_SIZE);
	FUZZ_CHECK(vm.rtc.d_synced >= vm.rtc.s_dbase || (vm.rtc.cmos[VRTC_REG_B] & VRTC_B_SET));
}

static void fuzz_setup(const uint8_t *seed, size_t size)
{
	int64_t t = 0;

	memset(&vm, 0, sizeof(vm));
	/* The RTC's seed: the first 4 bytes as seconds since 1970 (up to 2106). */
	for (size_t i = 0; i < 4 && i < size; i++)
		t |= (int64_t)seed[i] << (8 * i);
	vm.now_ns = 1000;
	viobus_init(&vm.bus);
	vpic_init(&vm.pic, fuzz_intr, &vm);
	vpit_init(&vm.pit, fuzz_clock, &vm, fuzz_irq0, &vm);
	vrtc_init(&vm.rtc, fuzz_clock, &vm, fuzz_irq8, &vm, t);
	FUZZ_CHECK(vpic_attach(&vm.bus, &vm.pic) == 0);
	FUZZ_CHECK(vpit_attach(&vm.bus, &vm.pit) == 0);
	FUZZ_CHECK(vrtc_attach(&vm.bus, &vm.rtc) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[4] = { 1, 2, 4, 3 };

	fuzz_setup(data, size);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *r = data + i;
		unsigned op = r[0] & 15, len = sizes[(r[0] >> 4) & 3];
		uint16_t port = fuzz_port(r[1], (uint16_t)(r[2] | r[3] << 8));
		uint32_t value = (uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
				 (uint32_t)r[7] << 24;

		switch (op) {
		case 0:
		case 1:
		case 2:
		case 3:
			fuzz_out(port, len, value);
			break;
		case 4:
		case 5:
		case 6:
			fuzz_in(port, len);
			break;
		case 7:
			fuzz_advance(value & 0xffff); /* up to 65 us: a few PIT clocks */
			break;
		case 8:
			fuzz_advance((uint64_t)value * (r[1] & 1 ? 1000 : 1)); /* up to 72 min */
			break;
		case 9:
			fuzz_pit_event();
			break;
		case 10:
			fuzz_rtc_event();
			break;
		case 11:
			fuzz_ack();
			break;
		case 12: {
			/* Another device's IRQ line; 0 and 8 are wired: a glitch, then back. */
			unsigned irq = r[1] & 15;
			bool wired = irq ? vm.irq8 : vm.irq0;
			int err = vpic_set_irq(&vm.pic, irq, r[4] & 1);

			FUZZ_CHECK(irq == 2 ? err != 0 : err == 0);
			if (irq == 0 || irq == 8)
				FUZZ_CHECK(vpic_set_irq(&vm.pic, irq, wired) == 0);
			break;
		}
		case 13:
			FUZZ_CHECK(vpit_set_gate(&vm.pit, r[1] & 3, r[4] & 1) ==
				   ((r[1] & 3) == 3 ? -EINVAL : 0));
			if ((r[1] & 3) == 2) /* port 0x61 owns GATE2: put it back */
				vpit_set_gate(&vm.pit, 2, vm.pit.port_b & VPIT_PORTB_GATE2);
			break;
		case 14:
			if (r[4] == 0x5a)
				vpic_reset(&vm.pic);
			else if (r[4] == 0xa5)
				vpit_reset(&vm.pit);
			else if (r[4] == 0x55)
				vrtc_reset(&vm.rtc);
			else
				vrtc_update(&vm.rtc);
			break;
		default:
			vpit_update(&vm.pit);
			break;
		}
		FUZZ_CHECK(vm.bus.unclaimed_in == vm.unclaimed_in);
		FUZZ_CHECK(vm.bus.unclaimed_out == vm.unclaimed_out);
		FUZZ_CHECK(vm.bus.bad_size == vm.bad_size);
		fuzz_check_pic();
		fuzz_check_pit();
		fuzz_check_rtc();
	}
	return 0;
}
