/*
 * Host serial port driver (8250/16550-compatible UART on the PC's COM
 * ports). The hypervisor's console and log go here.
 */
#ifndef STRATA_UART_H
#define STRATA_UART_H

#include "kernel/include/strata/types.h"

#define UART_COM1_PORT 0x3f8

/* Program `port` for 115200 8N1 with FIFOs, polled (no interrupts). */
void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
/* A received byte, or -1 when none is waiting. */
int uart_getc(uint16_t port);
/* Wait until every queued byte has left the transmitter. */
void uart_flush(uint16_t port);

#endif
