/*
 * Emulated 16550A UART; see vuart.h for the register map and for what
 * the model leaves out. Section and table names below are those of the
 * National Semiconductor PC16550D datasheet (June 1995).
 *
 * Every register value the guest can read is either stored as written
 * (IER, LCR, MCR, DLL, DLM, SCR) or computed from the state when read
 * (IIR, LSR, MSR), so the interrupt identification can never disagree
 * with the status it is derived from.
 */
#include <string.h>

#include "vmx/dev/vuart.h"

/* MSR[7:4] of a terminal that is always present: CTS, DSR, DCD; no RI. */
#define VUART_MODEM_IN_DEFAULT (VUART_MSR_CTS | VUART_MSR_DSR | VUART_MSR_DCD)

static bool vuart_fifo_on(const struct vuart *u)
{
	return u->fcr & VUART_FCR_ENABLE;
}

static bool vuart_loopback(const struct vuart *u)
{
	return u->mcr & VUART_MCR_LOOP;
}

/* "RCVR FIFO Trigger Level" (FCR bits 7:6): 1, 4, 8 or 14 bytes. */
static unsigned vuart_rx_trigger(const struct vuart *u)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return level[(u->fcr & VUART_FCR_TRIG_MASK) >> 6];
}

/* In 16450 mode the receiver is the one-byte RBR. */
static unsigned vuart_rx_capacity(const struct vuart *u)
{
	return vuart_fifo_on(u) ? VUART_FIFO_SIZE : 1;
}

static void vuart_rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->timeout = false;
}

/*
 * MSR[7:4] as the chip sees its modem inputs. In loopback (MCR bit 4) the
 * outputs are wired to the inputs: DTR -> DSR, RTS -> CTS, OUT1 -> RI,
 * OUT2 -> DCD.
 */
static uint8_t vuart_modem_inputs(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!vuart_loopback(u))
		return u->modem_in;
	return (uint8_t)(((m & VUART_MCR_DTR) ? VUART_MSR_DSR : 0) |
			 ((m & VUART_MCR_RTS) ? VUART_MSR_CTS : 0) |
			 ((m & VUART_MCR_OUT1) ? VUART_MSR_RI : 0) |
			 ((m & VUART_MCR_OUT2) ? VUART_MSR_DCD : 0));
}

/*
 * MSR bits 3:0 record changes of the inputs since MSR was last read.
 * TERI is set only when RI goes from on to off ("the RI input to the
 * chip has changed from a low to a high state"; the pin is active low).
 */
static void vuart_modem_changed(struct vuart *u, uint8_t before, uint8_t after)
{
	uint8_t diff = before ^ after;

	if (diff & VUART_MSR_CTS)
		u->msr_delta |= VUART_MSR_DCTS;
	if (diff & VUART_MSR_DSR)
		u->msr_delta |= VUART_MSR_DDSR;
	if ((before & VUART_MSR_RI) && !(after & VUART_MSR_RI))
		u->msr_delta |= VUART_MSR_TERI;
	if (diff & VUART_MSR_DCD)
		u->msr_delta |= VUART_MSR_DDCD;
}

void vuart_reset(struct vuart *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->fcr = 0;
	u->rbr = 0;
	u->msr_delta = 0;
	u->overrun = false;
	u->thre_pending = false;
	vuart_rx_clear(u);
}

void vuart_init(struct vuart *u, vuart_tx_fn tx, void *tx_ctx)
{
	memset(u, 0, sizeof(*u));
	u->modem_in = VUART_MODEM_IN_DEFAULT;
	u->tx = tx;
	u->tx_ctx = tx_ctx;
	vuart_reset(u);
}

/*
 * A character reaches the receiver, from the host or looped back from
 * the transmitter. "Overrun Error": in FIFO mode the character in the
 * shift register "is overwritten, but it is not transferred to the
 * FIFO"; in 16450 mode it is transferred into the RBR, "thereby
 * destroying the previous character". A new character also restarts the
 * character timeout.
 */
static bool vuart_rx_push(struct vuart *u, uint8_t byte)
{
	u->timeout = false;
	if (u->rx_count >= vuart_rx_capacity(u)) {
		u->overrun = true;
		u->rx_overruns++;
		if (!vuart_fifo_on(u)) {
			u->rx[u->rx_head] = byte;
			u->rx_bytes++;
		}
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = byte;
	u->rx_count++;
	u->rx_bytes++;
	return true;
}

static uint8_t vuart_rx_pop(struct vuart *u)
{
	/* "Timeout interrupt ... reset: reading the Receiver Buffer Register". */
	u->timeout = false;
	if (u->rx_count == 0)
		return u->rbr; /* an empty RBR still holds the last character */
	u->rbr = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % VUART_FIFO_SIZE);
	u->rx_count--;
	return u->rbr;
}

bool vuart_receive(struct vuart *u, uint8_t byte)
{
	/* Loopback: "the receiver Serial Input is disconnected". */
	if (vuart_loopback(u)) {
		u->rx_dropped++;
		return false;
	}
	return vuart_rx_push(u, byte);
}

bool vuart_can_receive(const struct vuart *u)
{
	return !vuart_loopback(u) && u->rx_count < vuart_rx_capacity(u);
}

void vuart_rx_idle(struct vuart *u)
{
	if (vuart_fifo_on(u) && u->rx_count > 0)
		u->timeout = true;
}

static uint8_t vuart_lsr(const struct vuart *u)
{
	uint8_t lsr = VUART_LSR_THRE | VUART_LSR_TEMT; /* transmit is instantaneous */

	if (u->rx_count > 0)
		lsr |= VUART_LSR_DR;
	if (u->overrun)
		lsr |= VUART_LSR_OE;
	return lsr;
}

/*
 * Table V "Interrupt Control Functions", highest priority first:
 * receiver line status (OE, PE, FE, BI), received data available (FIFO at
 * or above its trigger level; any data in 16450 mode) or character
 * timeout, THR empty, modem status.
 */
static uint8_t vuart_iir_id(const struct vuart *u)
{
	if ((u->ier & VUART_IER_ELSI) &&
	    (vuart_lsr(u) & (VUART_LSR_OE | VUART_LSR_PE | VUART_LSR_FE | VUART_LSR_BI)))
		return VUART_IIR_RLS;
	if ((u->ier & VUART_IER_ERBFI) && u->rx_count > 0) {
		if (!vuart_fifo_on(u) || u->rx_count >= vuart_rx_trigger(u))
			return VUART_IIR_RDA;
		if (u->timeout)
			return VUART_IIR_TIMEOUT;
	}
	if ((u->ier & VUART_IER_ETBEI) && u->thre_pending)
		return VUART_IIR_THRE;
	if ((u->ier & VUART_IER_EDSSI) && u->msr_delta)
		return VUART_IIR_MSR;
	return VUART_IIR_NONE;
}

uint8_t vuart_iir_peek(const struct vuart *u)
{
	/* "IIR6, IIR7: These two bits are set when FCR0 = 1." */
	return (uint8_t)(vuart_iir_id(u) | (vuart_fifo_on(u) ? VUART_IIR_FIFO_ON : 0));
}

bool vuart_irq_line(const struct vuart *u)
{
	return vuart_iir_id(u) != VUART_IIR_NONE && (u->mcr & VUART_MCR_OUT2) && !vuart_loopback(u);
}

/*
 * The transmitter takes the byte at once, so THR is empty again right
 * after the write: writing THR clears a pending THRE interrupt and the
 * emptied THR latches a new one. In loopback "the transmitter Serial
 * Output is set to the Marking (logic 1) state" and the byte goes to the
 * receiver instead of the sink.
 */
static void vuart_write_thr(struct vuart *u, uint8_t byte)
{
	u->thre_pending = false;
	if (vuart_loopback(u)) {
		vuart_rx_push(u, byte);
	} else {
		u->tx_bytes++;
		if (u->tx)
			u->tx(u->tx_ctx, byte);
	}
	u->thre_pending = true;
}

/*
 * The THRE interrupt also fires when ETBEI is turned on while THR is
 * empty (which it always is here); turning ETBEI off drops it.
 */
static void vuart_write_ier(struct vuart *u, uint8_t value)
{
	uint8_t old = u->ier;

	u->ier = value & 0x0f; /* "IER4-IER7: always logic 0" */
	if ((u->ier ^ old) & VUART_IER_ETBEI)
		u->thre_pending = u->ier & VUART_IER_ETBEI;
}

/*
 * "FCR0 ... must be a 1 when other FCR bits are written to or they will
 * not be programmed." Changing FCR0 clears both FIFOs; FCR1 clears the
 * receiver FIFO and FCR2 the (always empty) transmitter FIFO, both
 * self-clearing. FCR3 (DMA mode) is stored only: there is no DMA here.
 */
static void vuart_write_fcr(struct vuart *u, uint8_t value)
{
	bool on = value & VUART_FCR_ENABLE;

	if (on != vuart_fifo_on(u))
		vuart_rx_clear(u);
	if (!on) {
		u->fcr &= (uint8_t)~VUART_FCR_ENABLE;
		return;
	}
	u->fcr = value & (VUART_FCR_ENABLE | VUART_FCR_DMA_MODE | VUART_FCR_TRIG_MASK);
	if (value & VUART_FCR_RX_RESET)
		vuart_rx_clear(u);
}

static void vuart_write_mcr(struct vuart *u, uint8_t value)
{
	uint8_t before = vuart_modem_inputs(u);

	u->mcr = value & VUART_MCR_MASK;
	vuart_modem_changed(u, before, vuart_modem_inputs(u));
}

uint8_t vuart_read(struct vuart *u, unsigned offset)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;
	uint8_t v;

	switch (offset) {
	case VUART_RBR:
		return dlab ? u->dll : vuart_rx_pop(u);
	case VUART_IER:
		return dlab ? u->dlm : u->ier;
	case VUART_IIR:
		v = vuart_iir_peek(u);
		/* "Reading the IIR register (if source of interrupt)" clears THRE. */
		if ((v & VUART_IIR_ID_MASK) == VUART_IIR_THRE)
			u->thre_pending = false;
		return v;
	case VUART_LCR:
		return u->lcr;
	case VUART_MCR:
		return u->mcr;
	case VUART_LSR:
		/* Reading LSR clears OE and with it the line status interrupt. */
		v = vuart_lsr(u);
		u->overrun = false;
		return v;
	case VUART_MSR:
		v = vuart_modem_inputs(u) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	case VUART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

void vuart_write(struct vuart *u, unsigned offset, uint8_t value)
{
	bool dlab = u->lcr & VUART_LCR_DLAB;

	switch (offset) {
	case VUART_THR:
		if (dlab)
			u->dll = value;
		else
			vuart_write_thr(u, value);
		break;
	case VUART_IER:
		if (dlab)
			u->dlm = value;
		else
			vuart_write_ier(u, value);
		break;
	case VUART_FCR:
		vuart_write_fcr(u, value);
		break;
	case VUART_LCR:
		u->lcr = value;
		break;
	case VUART_MCR:
		vuart_write_mcr(u, value);
		break;
	case VUART_SCR:
		u->scr = value;
		break;
	default:
		/* LSR writes are "only used for factory testing"; MSR is read-only. */
		break;
	}
}

/*
 * The bus hands multi-byte accesses over whole. The 16550 is an 8-bit
 * device: on an ISA bus a wider access becomes one byte cycle per port,
 * lowest port first, so do the same; ports past the UART read all-ones
 * and ignore writes, as nothing here claims them.
 */
static uint32_t vuart_io_read(void *opaque, uint16_t offset, unsigned size)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = reg < VUART_PORTS ? vuart_read(opaque, reg) : 0xff;

		value |= (uint32_t)b << (8 * i);
	}
	return value;
}

static void vuart_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;

		if (reg < VUART_PORTS)
			vuart_write(opaque, reg, (uint8_t)(value >> (8 * i)));
	}
}

int vuart_attach(struct viobus *bus, struct vuart *u, uint16_t base)
{
	struct viobus_dev dev = {
		.name = "vuart",
		.base = base,
		.count = VUART_PORTS,
		.read = vuart_io_read,
		.write = vuart_io_write,
		.opaque = u,
	};

	return viobus_register(bus, &dev);
}
