/*
 * 16550 UART, polled. Register layout and bits from the National
 * Semiconductor PC16550D datasheet, "Register Description".
 */
#include "drivers/serial/uart.h"
#include "kernel/arch/x86/cpu.h"

enum {
	UART_THR = 0, /* transmit holding (write), DLAB=0 */
	UART_RBR = 0, /* receive buffer (read), DLAB=0 */
	UART_DLL = 0, /* divisor latch low, DLAB=1 */
	UART_IER = 1,
	UART_DLM = 1,
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
};

#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear RX and TX */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20
#define LSR_TX_IDLE      0x40

/* The loop bound keeps a missing UART from hanging the kernel forever. */
#define UART_SPIN_LIMIT 1000000

void uart_init(uint16_t port)
{
	cpu_outb(port + UART_IER, 0x00);
	cpu_outb(port + UART_LCR, LCR_DLAB);
	cpu_outb(port + UART_DLL, 1); /* 115200 baud = 1.8432 MHz / 16 / 1 */
	cpu_outb(port + UART_DLM, 0);
	cpu_outb(port + UART_LCR, LCR_8N1);
	cpu_outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	cpu_outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
}

void uart_putc(uint16_t port, char c)
{
	for (int i = 0; i < UART_SPIN_LIMIT; i++) {
		if (cpu_inb(port + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	cpu_outb(port + UART_THR, (uint8_t)c);
}

int uart_getc(uint16_t port)
{
	if (!(cpu_inb(port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return cpu_inb(port + UART_RBR);
}

void uart_flush(uint16_t port)
{
	for (int i = 0; i < UART_SPIN_LIMIT; i++) {
		if (cpu_inb(port + UART_LSR) & LSR_TX_IDLE)
			return;
		cpu_relax();
	}
}
