/* FUZZ_SOURCES: vmx/dev/viobus.c vmx/dev/vuart.c vmx/dev/vexit.c kernel/lib/ring.c */
/*
 * libFuzzer target for the port-I/O device models: a guest's random
 * IN/OUT sequence (port, size, value) against a bus holding a 16550 at
 * 0x3f8 and the test-exit port at 0xf4, mixed with host input and idle
 * ticks, the UART's output going to a console ring and line assembler
 * as in the hypervisor. Besides the sanitizers' checks it asserts what
 * the exit handler and the guest rely on: unclaimed ports read all-ones
 * of the access size and are counted, results fit the size, LSR and IIR
 * only ever read values the PC16550D can produce, the receiver never
 * holds more than it can, the IRQ line agrees with IIR and OUT2, output
 * leaves only outside loopback and DLAB, the exit code is the first
 * write, and log lines stay bounded and printable.
 *
 * Input: 8-byte records
 *	byte 0    bits 2:0 operation, bits 4:3 size (1, 2, 4, or a bad 3)
 *	byte 1    port selector (see fuzz_port)
 *	bytes 2-3 raw port for the raw selectors
 *	bytes 4-7 value, little-endian
 * Seeds: tests/fuzz/corpus/vdev/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/ring.h"
#include "vmx/dev/vexit.h"
#include "vmx/dev/viobus.h"
#include "vmx/dev/vuart.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#define UART_BASE VUART_COM1_BASE
#define EXIT_BASE VEXIT_DEFAULT_BASE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_vm {
	struct viobus bus;
	struct vuart uart;
	struct vexit exit;
	struct ring con;
	struct ring_line line;
	uint8_t con_buf[64];
	char line_buf[24];
	uint64_t sunk;
	unsigned exit_calls;
	uint32_t exit_code;
	bool exit_written;
	uint32_t first_exit_value;
	uint64_t unclaimed_in, unclaimed_out, bad_size;
};

static struct fuzz_vm vm;

static void fuzz_check_line(const char *s)
{
	size_t n = strlen(s);

	FUZZ_CHECK(n < sizeof(vm.line_buf));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(s[i] == '\t' || (s[i] >= 0x20 && s[i] < 0x7f));
}

static void fuzz_tx(void *ctx, uint8_t byte)
{
	struct fuzz_vm *v = ctx;

	/* Loopback holds the serial output marking; DLAB turns THR into DLL. */
	FUZZ_CHECK(!(v->uart.mcr & VUART_MCR_LOOP));
	FUZZ_CHECK(!(v->uart.lcr & VUART_LCR_DLAB));
	v->sunk++;
	ring_put(&v->con, byte);
	if (ring_line_put(&v->line, byte))
		fuzz_check_line(ring_line_text(&v->line));
	FUZZ_CHECK(ring_len(&v->con) <= sizeof(v->con_buf));
}

static void fuzz_request_exit(void *ctx, uint32_t code)
{
	struct fuzz_vm *v = ctx;

	v->exit_calls++;
	v->exit_code = code;
}

static bool fuzz_claimed(uint16_t port)
{
	return (port >= UART_BASE && port < UART_BASE + VUART_PORTS) ||
	       (port >= EXIT_BASE && port < EXIT_BASE + VEXIT_PORTS);
}

/* Mostly the devices and their neighbours, sometimes anywhere. */
static uint16_t fuzz_port(uint8_t sel, uint16_t raw)
{
	switch (sel >> 5) {
	case 0:
	case 1:
	case 2:
		return (uint16_t)(UART_BASE + (sel & 7));
	case 3:
		return (uint16_t)(UART_BASE - 8 + (sel & 0x1f));
	case 4:
		return (uint16_t)(EXIT_BASE - 4 + (sel & 0xf));
	default:
		return raw;
	}
}

static bool fuzz_iir_valid(uint8_t iir, bool fifo)
{
	uint8_t id = iir & 0x0f;

	if ((iir & 0x30) || (iir & 0xc0) != (fifo ? 0xc0 : 0))
		return false;
	return id == VUART_IIR_NONE || id == VUART_IIR_RLS || id == VUART_IIR_RDA ||
	       id == VUART_IIR_TIMEOUT || id == VUART_IIR_THRE || id == VUART_IIR_MSR;
}

/* Check the bytes of an IN that touched UART registers, given the state before. */
static void fuzz_check_uart_read(unsigned offset, unsigned size, uint32_t value,
				 const struct vuart *before)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned reg = offset + i;
		uint8_t b = (uint8_t)(value >> (8 * i));

		if (reg >= VUART_PORTS) {
			FUZZ_CHECK(b == 0xff);
			continue;
		}
		if (before->lcr & VUART_LCR_DLAB && reg <= 1)
			continue;
		switch (reg) {
		case VUART_LSR:
			/* THRE|TEMT always; no PE/FE/BI/FIFO error without line errors. */
			FUZZ_CHECK((b & 0x60) == 0x60 && (b & 0x9c) == 0);
			if (i == 0)
				FUZZ_CHECK(!!(b & VUART_LSR_DR) == (before->rx_count > 0));
			break;
		case VUART_IIR:
			FUZZ_CHECK(fuzz_iir_valid(b, before->fcr & VUART_FCR_ENABLE));
			break;
		case VUART_IER:
			FUZZ_CHECK(b <= 0x0f);
			break;
		case VUART_MCR:
			FUZZ_CHECK(b <= 0x1f);
			break;
		default:
			break;
		}
	}
}

static void fuzz_check_state(void)
{
	const struct vuart *u = &vm.uart;
	bool fifo = u->fcr & VUART_FCR_ENABLE;
	uint8_t iir = vuart_iir_peek(u);

	FUZZ_CHECK(u->rx_count <= (fifo ? VUART_FIFO_SIZE : 1));
	FUZZ_CHECK(u->rx_head < VUART_FIFO_SIZE);
	FUZZ_CHECK(u->ier <= 0x0f && u->mcr <= 0x1f);
	FUZZ_CHECK(fuzz_iir_valid(iir, fifo));
	FUZZ_CHECK(vuart_irq_line(u) ==
		   (!(iir & 1) && (u->mcr & VUART_MCR_OUT2) && !(u->mcr & VUART_MCR_LOOP)));
	FUZZ_CHECK(vuart_can_receive(u) ==
		   (!(u->mcr & VUART_MCR_LOOP) && u->rx_count < (fifo ? VUART_FIFO_SIZE : 1)));
	FUZZ_CHECK(u->tx_bytes == vm.sunk);

	FUZZ_CHECK(vm.bus.unclaimed_in == vm.unclaimed_in);
	FUZZ_CHECK(vm.bus.unclaimed_out == vm.unclaimed_out);
	FUZZ_CHECK(vm.bus.bad_size == vm.bad_size);

	FUZZ_CHECK(vm.exit_calls == (vm.exit_written ? 1u : 0u));
	if (vm.exit_written) {
		uint32_t code;

		FUZZ_CHECK(vexit_requested(&vm.exit, &code));
		FUZZ_CHECK(code == vm.first_exit_value && vm.exit_code == code);
	}
}

static void fuzz_in(uint16_t port, unsigned size)
{
	struct vuart before = vm.uart;
	bool ok = size == 1 || size == 2 || size == 4;
	uint32_t mask = viobus_size_mask(size);
	uint32_t v = viobus_in(&vm.bus, port, size);

	FUZZ_CHECK((v & ~mask) == 0);
	if (!ok) {
		vm.bad_size++;
		FUZZ_CHECK(v == 0xffffffffu);
		return;
	}
	if (!fuzz_claimed(port)) {
		vm.unclaimed_in++;
		FUZZ_CHECK(v == mask);
		FUZZ_CHECK(vm.bus.last_unclaimed_port == port);
	} else if (port >= EXIT_BASE && port < EXIT_BASE + VEXIT_PORTS) {
		FUZZ_CHECK(v == mask);
	} else {
		fuzz_check_uart_read(port - UART_BASE, size, v, &before);
	}
}

static void fuzz_out(uint16_t port, unsigned size, uint32_t value)
{
	bool ok = size == 1 || size == 2 || size == 4;

	viobus_out(&vm.bus, port, size, value);
	if (!ok) {
		vm.bad_size++;
		return;
	}
	if (!fuzz_claimed(port)) {
		vm.unclaimed_out++;
	} else if (port >= EXIT_BASE && port < EXIT_BASE + VEXIT_PORTS && !vm.exit_written) {
		vm.exit_written = true;
		vm.first_exit_value = value & viobus_size_mask(size);
	}
}

static void fuzz_setup(void)
{
	memset(&vm, 0, sizeof(vm));
	viobus_init(&vm.bus);
	vuart_init(&vm.uart, fuzz_tx, &vm);
	vexit_init(&vm.exit, fuzz_request_exit, &vm);
	FUZZ_CHECK(vuart_attach(&vm.bus, &vm.uart, UART_BASE) == 0);
	FUZZ_CHECK(vexit_attach(&vm.bus, &vm.exit, EXIT_BASE) == 0);
	FUZZ_CHECK(ring_init(&vm.con, vm.con_buf, sizeof(vm.con_buf)) == 0);
	FUZZ_CHECK(ring_line_init(&vm.line, vm.line_buf, sizeof(vm.line_buf)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[4] = { 1, 2, 4, 3 };

	fuzz_setup();
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *r = data + i;
		unsigned op = r[0] & 7, len = sizes[(r[0] >> 3) & 3];
		uint16_t port = fuzz_port(r[1], (uint16_t)(r[2] | r[3] << 8));
		uint32_t value = (uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
				 (uint32_t)r[7] << 24;

		switch (op) {
		case 0:
		case 1:
		case 2:
			fuzz_out(port, len, value);
			break;
		case 3:
		case 4:
			fuzz_in(port, len);
			break;
		case 5: {
			/* Host input: a polite feeder checks for room first. */
			bool room = vuart_can_receive(&vm.uart);
			uint64_t overruns = vm.uart.rx_overruns;

			FUZZ_CHECK(vuart_receive(&vm.uart, r[4]) == room);
			if (!room && !(vm.uart.mcr & VUART_MCR_LOOP))
				FUZZ_CHECK(vm.uart.rx_overruns == overruns + 1);
			break;
		}
		case 6:
			vuart_rx_idle(&vm.uart);
			break;
		default:
			if (r[4] == 0x5a)
				vuart_reset(&vm.uart);
			else if (ring_line_flush(&vm.line))
				fuzz_check_line(ring_line_text(&vm.line));
			break;
		}
		fuzz_check_state();
	}
	return 0;
}
