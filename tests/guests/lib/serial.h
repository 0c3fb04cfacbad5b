/* SPDX-License-Identifier: MIT */
/*
 * Polled output on the 16550A UART at STRATA_UART_BASE. The runtime does
 * not program the UART: the contract is only "write THR when LSR bit 5
 * (THRE) is set", which Strata's model and QEMU both honour from reset.
 */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include "strata_hv.h"

/* 16550A register offsets (PC16550D datasheet, Table 2). */
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_RBR 0 /* receive buffer (read, DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_LCR 3 /* line control; bit 7 = DLAB */
#define UART_MCR 4
#define UART_LSR 5 /* line status */
#define UART_MSR 6
#define UART_SCR 7 /* scratch */

#define UART_LCR_DLAB  0x80
#define UART_LCR_8N1   0x03
#define UART_LSR_DR    0x01 /* data ready */
#define UART_LSR_THRE  0x20 /* transmit holding register empty */
#define UART_LSR_TEMT  0x40 /* transmitter empty */
#define UART_LSR_FIFOE 0x80 /* error in receiver FIFO */

/* Send one byte; a UART that never reports THRE is written anyway. */
void serial_putc(char c);
void serial_puts(const char *s);

#endif /* GUEST_SERIAL_H */
