/*
 * Emulated 16550A UART, the register set of the National Semiconductor
 * PC16550D datasheet ("PC16550D Universal Asynchronous
 * Receiver/Transmitter with FIFOs", June 1995), as the guest's COM port.
 *
 *	offset  DLAB=0 read   DLAB=0 write   DLAB=1
 *	0       RBR           THR            DLL
 *	1       IER           IER            DLM
 *	2       IIR           FCR            (IIR / FCR)
 *	3       LCR           LCR
 *	4       MCR           MCR
 *	5       LSR           (ignored)
 *	6       MSR           (ignored)
 *	7       SCR           SCR
 *
 * What the model does and does not do:
 * - Transmit is instantaneous: a byte written to THR goes straight to the
 *   owner's `tx` sink, so LSR always reads THRE|TEMT and the transmitter
 *   FIFO never holds anything.
 * - Receive: the owner pushes host bytes with vuart_receive(). The
 *   receiver holds 16 bytes in FIFO mode (FCR bit 0) and 1 (the RBR) in
 *   16450 mode; what happens on overrun follows the datasheet (LSR.OE).
 * - Baud rate, word length, parity and stop bits are stored and read back
 *   but do not shape the data: the sink sees the 8 bits the guest wrote,
 *   as in QEMU, because minimal guests write THR without programming LCR
 *   and the reset LCR means 5-bit words. There are therefore no parity,
 *   framing or break errors: LSR bits 2-4 and 7 read 0.
 * - The modem inputs, outside loopback, are those of a terminal that is
 *   always there: CTS, DSR and DCD asserted, RI not (MSR[7:4] = 1011b).
 * - The datasheet's character timeout ("no characters have been removed
 *   from or input to the RCVR FIFO during the last 4 character times")
 *   needs a clock the model does not have: the owner calls vuart_rx_idle()
 *   when it has no more input to deliver for now.
 *
 * Pure logic: no allocation, no hardware, no locking; the caller
 * serialises all calls on one UART.
 */
#ifndef STRATA_VMX_DEV_VUART_H
#define STRATA_VMX_DEV_VUART_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VUART_COM1_BASE 0x3f8
#define VUART_PORTS     8  /* register offsets 0-7 */
#define VUART_FIFO_SIZE 16 /* PC16550D receiver FIFO depth */

/* Register offsets from the base port (PC16550D Table II). */
#define VUART_RBR 0 /* receiver buffer (read, DLAB=0) */
#define VUART_THR 0 /* transmitter holding (write, DLAB=0) */
#define VUART_DLL 0 /* divisor latch LSB (DLAB=1) */
#define VUART_IER 1 /* interrupt enable (DLAB=0) */
#define VUART_DLM 1 /* divisor latch MSB (DLAB=1) */
#define VUART_IIR 2 /* interrupt identification (read) */
#define VUART_FCR 2 /* FIFO control (write) */
#define VUART_LCR 3 /* line control */
#define VUART_MCR 4 /* modem control */
#define VUART_LSR 5 /* line status */
#define VUART_MSR 6 /* modem status */
#define VUART_SCR 7 /* scratch */

/* IER bits */
#define VUART_IER_ERBFI 0x01 /* received data available */
#define VUART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define VUART_IER_ELSI  0x04 /* receiver line status */
#define VUART_IER_EDSSI 0x08 /* modem status */

/* IIR: interrupt identification in bits 3:0, FIFOs enabled in 7:6 */
#define VUART_IIR_NONE    0x01 /* bit 0 set: no interrupt pending */
#define VUART_IIR_RLS     0x06 /* receiver line status (highest) */
#define VUART_IIR_RDA     0x04 /* received data available */
#define VUART_IIR_TIMEOUT 0x0c /* character timeout */
#define VUART_IIR_THRE    0x02 /* transmitter holding register empty */
#define VUART_IIR_MSR     0x00 /* modem status (lowest) */
#define VUART_IIR_ID_MASK 0x0f
#define VUART_IIR_FIFO_ON 0xc0

/* FCR bits */
#define VUART_FCR_ENABLE    0x01
#define VUART_FCR_RX_RESET  0x02
#define VUART_FCR_TX_RESET  0x04
#define VUART_FCR_DMA_MODE  0x08
#define VUART_FCR_TRIG_MASK 0xc0

/* LCR bits */
#define VUART_LCR_DLAB  0x80
#define VUART_LCR_BREAK 0x40

/* MCR bits */
#define VUART_MCR_DTR  0x01
#define VUART_MCR_RTS  0x02
#define VUART_MCR_OUT1 0x04
#define VUART_MCR_OUT2 0x08
#define VUART_MCR_LOOP 0x10
#define VUART_MCR_MASK 0x1f /* bits 7:5 are always 0 */

/* LSR bits */
#define VUART_LSR_DR       0x01 /* data ready */
#define VUART_LSR_OE       0x02 /* overrun error */
#define VUART_LSR_PE       0x04 /* parity error */
#define VUART_LSR_FE       0x08 /* framing error */
#define VUART_LSR_BI       0x10 /* break interrupt */
#define VUART_LSR_THRE     0x20 /* transmitter holding register empty */
#define VUART_LSR_TEMT     0x40 /* transmitter empty */
#define VUART_LSR_FIFO_ERR 0x80 /* error in RCVR FIFO */

/* MSR bits */
#define VUART_MSR_DCTS   0x01
#define VUART_MSR_DDSR   0x02
#define VUART_MSR_TERI   0x04 /* trailing edge of ring indicator */
#define VUART_MSR_DDCD   0x08
#define VUART_MSR_CTS    0x10
#define VUART_MSR_DSR    0x20
#define VUART_MSR_RI     0x40
#define VUART_MSR_DCD    0x80
#define VUART_MSR_DELTAS 0x0f

/* The owner's transmit sink; called once per byte the guest sends. */
typedef void (*vuart_tx_fn)(void *ctx, uint8_t byte);

/* One UART. Fields are the model's state: read them, change them only through the API. */
struct vuart {
	uint8_t ier; /* bits 3:0 */
	uint8_t lcr;
	uint8_t mcr; /* bits 4:0 */
	uint8_t fcr; /* last programmed FCR bits 0, 3, 7:6 */
	uint8_t dll, dlm;
	uint8_t scr;
	uint8_t rbr;       /* last byte the guest read (read again when empty) */
	uint8_t msr_delta; /* MSR bits 3:0, cleared by reading MSR */
	uint8_t modem_in;  /* MSR bits 7:4 seen outside loopback */
	bool overrun;      /* LSR.OE */
	bool thre_pending; /* THR-empty interrupt latched, see vuart.c */
	bool timeout;      /* character timeout indication */

	uint8_t rx[VUART_FIFO_SIZE];
	uint8_t rx_head;  /* index of the oldest byte */
	uint8_t rx_count; /* bytes held: <= 16 in FIFO mode, <= 1 otherwise */

	vuart_tx_fn tx;
	void *tx_ctx;

	/* Statistics. */
	uint64_t tx_bytes;    /* bytes handed to the sink */
	uint64_t rx_bytes;    /* bytes stored in the receiver */
	uint64_t rx_overruns; /* overruns, one byte lost each */
	uint64_t rx_dropped;  /* host bytes offered while in loopback */
};

/*
 * Set up `u` with the register state after a master reset and every
 * register the reset leaves alone (SCR, DLL, DLM) at 0. `tx` may be NULL
 * to discard output.
 */
void vuart_init(struct vuart *u, vuart_tx_fn tx, void *tx_ctx);

/*
 * Master reset (PC16550D Table IV "UART Reset Configuration"): IER=0,
 * IIR=0x01, FCR=0, LCR=0, MCR=0, LSR=0x60, MSR deltas cleared, both
 * FIFOs emptied. SCR and the divisor latch keep their values, as on the
 * chip. The sink and statistics are kept.
 */
void vuart_reset(struct vuart *u);

/*
 * Register `u` on `bus` as VUART_PORTS ports from `base` (VUART_COM1_BASE
 * for COM1). Returns what viobus_register() returns.
 */
int vuart_attach(struct viobus *bus, struct vuart *u, uint16_t base);

/* A guest byte read of register `offset` (0-7), with its side effects. */
uint8_t vuart_read(struct vuart *u, unsigned offset);

/* A guest byte write of `value` to register `offset` (0-7). */
void vuart_write(struct vuart *u, unsigned offset, uint8_t value);

/*
 * Deliver a byte from the host side to the receiver. Returns true when
 * it was stored. Returns false when a byte was lost: the receiver was
 * full (overrun: LSR.OE is set; in FIFO mode the new byte is lost, in
 * 16450 mode it replaces the unread RBR), or the UART is in loopback,
 * where the serial input is disconnected and the byte is dropped.
 */
bool vuart_receive(struct vuart *u, uint8_t byte);

/* True when vuart_receive() would store a byte without losing one. */
bool vuart_can_receive(const struct vuart *u);

/*
 * The host side has no more input for now: stands for the datasheet's
 * "4 character times" without a character. In FIFO mode with bytes
 * waiting, raises the character timeout indication (IIR 0x0c), which
 * reading RBR or receiving a byte clears. Harmless to call often (each
 * console poll that found nothing, each timer tick).
 */
void vuart_rx_idle(struct vuart *u);

/*
 * IIR as the guest would read it (identification | FIFO bits), without
 * the read's side effect. For the owner's diagnostics and for tests.
 */
uint8_t vuart_iir_peek(const struct vuart *u);

/*
 * The level of the UART's IRQ line at the interrupt controller. The chip
 * raises INTR whenever IIR bit 0 is 0; on the PC the line reaches the PIC
 * only through a buffer enabled by the OUT2 output (MCR bit 3). In
 * loopback the output pins are forced inactive (PC16550D MCR bit 4), so
 * the PC sees no interrupt then even though IIR reports one.
 */
bool vuart_irq_line(const struct vuart *u);

#endif
