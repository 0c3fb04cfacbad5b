/* UNIT_SOURCES: vmx/dev/vuart.c vmx/dev/viobus.c */
/*
 * Host tests of the 16550A model against the National Semiconductor
 * PC16550D datasheet: reset values (Table IV), DLAB switching, FIFO
 * control, receiver FIFO and overrun, interrupt identification and
 * priorities (Table V), THRE interrupt rules, loopback and the MSR
 * mapping, OUT2 gating of the IRQ line, and access through the bus.
 * Most tests drive the UART the way a guest does: IN/OUT through the bus.
 */
#include <setjmp.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/dev/vuart.h"

#define BASE VUART_COM1_BASE

struct sink {
	uint8_t bytes[256];
	size_t n;
};

static struct viobus bus;
static struct vuart uart;
static struct sink sink;

static void sink_tx(void *ctx, uint8_t byte)
{
	struct sink *s = ctx;

	assert_true(s->n < sizeof(s->bytes));
	s->bytes[s->n++] = byte;
}

static int setup(void **state)
{
	memset(&sink, 0, sizeof(sink));
	viobus_init(&bus);
	vuart_init(&uart, sink_tx, &sink);
	assert_int_equal(vuart_attach(&bus, &uart, BASE), 0);
	return 0;
}

static uint8_t in8(unsigned reg)
{
	return (uint8_t)viobus_in(&bus, (uint16_t)(BASE + reg), 1);
}

static void out8(unsigned reg, uint8_t value)
{
	viobus_out(&bus, (uint16_t)(BASE + reg), 1, value);
}

static void rx(const char *s)
{
	while (*s)
		assert_true(vuart_receive(&uart, (uint8_t)*s++));
}

/* PC16550D Table IV "UART Reset Configuration", as the guest reads it. */
static const struct {
	unsigned reg;
	uint8_t value;
	const char *what;
} reset_values[] = {
	{ VUART_IER, 0x00, "IER" },
	{ VUART_IIR, 0x01, "IIR: no interrupt pending, FIFOs off" },
	{ VUART_LCR, 0x00, "LCR" },
	{ VUART_MCR, 0x00, "MCR" },
	{ VUART_LSR, 0x60, "LSR: THRE | TEMT" },
	/* Bits 3:0 low; 7:4 the inputs: CTS, DSR and DCD of a present terminal. */
	{ VUART_MSR, 0xb0, "MSR" },
};

static void check_reset_values(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(reset_values); i++) {
		uint8_t got = in8(reset_values[i].reg);

		if (got != reset_values[i].value)
			fail_msg("%s: got 0x%02x, want 0x%02x", reset_values[i].what, got,
				 reset_values[i].value);
	}
	assert_false(vuart_irq_line(&uart));
}

static void test_reset_values(void **state)
{
	check_reset_values();
	assert_int_equal(in8(VUART_SCR), 0);
}

static void test_master_reset(void **state)
{
	out8(VUART_LCR, 0x80);
	out8(VUART_DLL, 0x0c);
	out8(VUART_DLM, 0x01);
	out8(VUART_LCR, 0x1b);
	out8(VUART_IER, 0x0f);
	out8(VUART_FCR, 0xc7);
	out8(VUART_MCR, 0x1f);
	out8(VUART_SCR, 0x5a);
	out8(VUART_THR, 'x'); /* looped back into the FIFO */

	vuart_reset(&uart);
	check_reset_values();
	/* The reset leaves the scratch register and divisor latch alone. */
	assert_int_equal(in8(VUART_SCR), 0x5a);
	out8(VUART_LCR, 0x80);
	assert_int_equal(in8(VUART_DLL), 0x0c);
	assert_int_equal(in8(VUART_DLM), 0x01);
}

static void test_dlab_switching(void **state)
{
	out8(VUART_IER, 0x05);
	out8(VUART_LCR, 0x83); /* DLAB, 8N1 */
	out8(VUART_DLL, 0x01); /* 115200 baud */
	out8(VUART_DLM, 0x00);
	assert_int_equal(in8(VUART_DLL), 0x01);
	assert_int_equal(in8(VUART_DLM), 0x00);
	assert_int_equal(in8(VUART_LCR), 0x83);
	assert_int_equal(sink.n, 0); /* THR was not written */

	out8(VUART_LCR, 0x03);
	assert_int_equal(in8(VUART_IER), 0x05); /* IER untouched by the DLM write */
	out8(VUART_THR, 'A');
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.bytes[0], 'A');

	out8(VUART_LCR, 0x83);
	assert_int_equal(in8(VUART_DLL), 0x01); /* THR write kept the divisor */
	/* With DLAB set, a received byte waits in RBR behind the latch. */
	rx("z");
	assert_int_equal(in8(VUART_DLL), 0x01);
	out8(VUART_LCR, 0x03);
	assert_int_equal(in8(VUART_RBR), 'z');
}

static void test_register_masks(void **state)
{
	out8(VUART_IER, 0xff);
	assert_int_equal(in8(VUART_IER), 0x0f); /* IER4-7 always 0 */
	out8(VUART_MCR, 0xff);
	assert_int_equal(in8(VUART_MCR), 0x1f); /* MCR5-7 always 0 */
	out8(VUART_LCR, 0x7f);
	assert_int_equal(in8(VUART_LCR), 0x7f);
	/* LSR and MSR ignore writes. */
	out8(VUART_MCR, 0x00);
	out8(VUART_LSR, 0x00);
	out8(VUART_MSR, 0x00);
	in8(VUART_MSR);
	assert_int_equal(in8(VUART_LSR), 0x60);
	assert_int_equal(in8(VUART_MSR), 0xb0);
	out8(VUART_SCR, 0xa5);
	assert_int_equal(in8(VUART_SCR), 0xa5);
}

static void test_fifo_enable_iir_bits(void **state)
{
	/* clang-format off */
	static const struct {
		uint8_t fcr;
		uint8_t iir;
	} cases[] = {
		{ 0x01, 0xc1 },
		{ 0x00, 0x01 },
		{ 0xc7, 0xc1 },
		{ 0xc6, 0x01 }, /* FCR0 clear: FIFOs off, other bits not programmed */
		{ 0x07, 0xc1 },
	};
	/* clang-format on */

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out8(VUART_FCR, cases[i].fcr);
		assert_int_equal(in8(VUART_IIR), cases[i].iir);
	}
}

static void test_rx_fifo_fill_and_overrun(void **state)
{
	out8(VUART_FCR, 0x07);
	for (int i = 0; i < VUART_FIFO_SIZE; i++) {
		assert_true(vuart_can_receive(&uart));
		assert_true(vuart_receive(&uart, (uint8_t)('a' + i)));
	}
	assert_false(vuart_can_receive(&uart));
	/* "Overrun Error": the new character is not transferred to the FIFO. */
	assert_false(vuart_receive(&uart, '!'));
	assert_int_equal(uart.rx_overruns, 1);
	assert_int_equal(in8(VUART_LSR), 0x60 | VUART_LSR_OE | VUART_LSR_DR);
	assert_int_equal(in8(VUART_LSR), 0x60 | VUART_LSR_DR); /* OE cleared by the read */
	for (int i = 0; i < VUART_FIFO_SIZE; i++)
		assert_int_equal(in8(VUART_RBR), 'a' + i);
	assert_int_equal(in8(VUART_LSR), 0x60);
	/* An empty RBR reads its last character again. */
	assert_int_equal(in8(VUART_RBR), 'a' + VUART_FIFO_SIZE - 1);
	assert_true(vuart_can_receive(&uart));
}

static void test_rx_16450_overrun(void **state)
{
	/* FIFOs off: one RBR, and overrun destroys the previous character. */
	assert_true(vuart_receive(&uart, 'a'));
	assert_false(vuart_can_receive(&uart));
	assert_false(vuart_receive(&uart, 'b'));
	assert_int_equal(in8(VUART_LSR), 0x60 | VUART_LSR_OE | VUART_LSR_DR);
	assert_int_equal(in8(VUART_RBR), 'b');
	assert_int_equal(in8(VUART_LSR), 0x60);
}

static void test_fifo_resets(void **state)
{
	out8(VUART_FCR, 0x01);
	rx("abc");
	out8(VUART_FCR, 0x03); /* RCVR FIFO reset, self-clearing */
	assert_int_equal(in8(VUART_LSR), 0x60);
	assert_int_equal(in8(VUART_IIR), 0xc1);
	rx("def");
	out8(VUART_FCR, 0x00); /* leaving FIFO mode clears the FIFO */
	assert_int_equal(in8(VUART_LSR), 0x60);
	rx("g");
	out8(VUART_FCR, 0x01); /* and so does entering it */
	assert_int_equal(in8(VUART_LSR), 0x60);
	rx("h");
	out8(VUART_FCR, 0x05); /* XMIT reset only: the receiver keeps its data */
	assert_int_equal(in8(VUART_RBR), 'h');
}

/* "RCVR FIFO Trigger Level" and the character timeout. */
static void test_trigger_levels(void **state)
{
	static const struct {
		uint8_t fcr;
		unsigned level;
	} cases[] = {
		{ 0x01, 1 },
		{ 0x41, 4 },
		{ 0x81, 8 },
		{ 0xc1, 14 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		setup(NULL);
		out8(VUART_FCR, cases[i].fcr | VUART_FCR_RX_RESET);
		out8(VUART_IER, VUART_IER_ERBFI);
		for (unsigned n = 0; n + 1 < cases[i].level; n++) {
			assert_true(vuart_receive(&uart, (uint8_t)n));
			assert_int_equal(in8(VUART_IIR), 0xc1);
		}
		assert_true(vuart_receive(&uart, 0xee));
		assert_int_equal(in8(VUART_IIR), 0xc4);
		assert_true(vuart_irq_line(&uart) == false); /* OUT2 is off */
		/* Reading one byte takes the FIFO below the trigger. */
		in8(VUART_RBR);
		if (cases[i].level > 1) {
			assert_int_equal(in8(VUART_IIR), 0xc1);
			vuart_rx_idle(&uart);
			assert_int_equal(in8(VUART_IIR), 0xcc);
			/* Reading RBR clears the timeout... */
			in8(VUART_RBR);
			assert_int_equal(in8(VUART_IIR), 0xc1);
			/* ...and so does a new character (the timer restarts). */
			vuart_rx_idle(&uart);
			assert_true(vuart_receive(&uart, 0x11));
			assert_int_equal(in8(VUART_IIR), cases[i].level > 2 ? 0xc1 : 0xc4);
		}
	}
}

static void test_timeout_needs_data_and_fifo(void **state)
{
	out8(VUART_IER, VUART_IER_ERBFI);
	out8(VUART_FCR, 0xc1);
	vuart_rx_idle(&uart); /* empty FIFO: nothing to time out */
	assert_int_equal(in8(VUART_IIR), 0xc1);
	out8(VUART_FCR, 0x00);
	rx("a");
	vuart_rx_idle(&uart); /* 16450 mode: plain data available */
	assert_int_equal(in8(VUART_IIR), 0x04);
}

/*
 * Table V priorities, all four sources at once: each read that clears
 * the highest one reveals the next. Built in loopback so the modem
 * status change and the overrun come from the guest's own writes.
 */
static void test_interrupt_priority_sequence(void **state)
{
	out8(VUART_MCR, VUART_MCR_LOOP);
	in8(VUART_MSR); /* entering loopback changed the inputs: clear deltas */
	out8(VUART_IER, 0x0f);
	assert_int_equal(in8(VUART_IIR), VUART_IIR_THRE); /* ETBEI just enabled */

	out8(VUART_THR, 'a');
	out8(VUART_THR, 'b');                            /* 16450 mode: overrun */
	out8(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_DTR); /* DSR changes */

	assert_int_equal(in8(VUART_IIR), VUART_IIR_RLS);
	assert_int_equal(in8(VUART_LSR), 0x60 | VUART_LSR_OE | VUART_LSR_DR);
	assert_int_equal(in8(VUART_IIR), VUART_IIR_RDA);
	assert_int_equal(in8(VUART_RBR), 'b');
	assert_int_equal(in8(VUART_IIR), VUART_IIR_THRE);
	/* Reading IIR while THRE is the source cleared it. */
	assert_int_equal(in8(VUART_IIR), VUART_IIR_MSR);
	assert_int_equal(in8(VUART_MSR), VUART_MSR_DSR | VUART_MSR_DDSR);
	assert_int_equal(in8(VUART_IIR), VUART_IIR_NONE);
}

static void test_sources_need_enable(void **state)
{
	static const struct {
		uint8_t ier;
		uint8_t iir;
	} cases[] = {
		{ 0x00, 0x01 },
		{ VUART_IER_ELSI, VUART_IIR_RLS },
		{ VUART_IER_ERBFI, VUART_IIR_RDA },
		{ VUART_IER_EDSSI, VUART_IIR_MSR },
		{ VUART_IER_ERBFI | VUART_IER_EDSSI, VUART_IIR_RDA },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		setup(NULL);
		out8(VUART_MCR, VUART_MCR_LOOP | VUART_MCR_RTS); /* a CTS delta */
		out8(VUART_THR, 1);
		out8(VUART_THR, 2); /* overrun, data ready */
		out8(VUART_IER, cases[i].ier);
		assert_int_equal(vuart_iir_peek(&uart), cases[i].iir);
		assert_int_equal(in8(VUART_IIR), cases[i].iir);
	}
}

static void test_thre_interrupt(void **state)
{
	out8(VUART_MCR, VUART_MCR_OUT2);
	assert_int_equal(in8(VUART_IIR), 0x01);
	/* Enabling ETBEI with THR empty raises THRE at once. */
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_true(vuart_irq_line(&uart));
	assert_int_equal(in8(VUART_IIR), 0x02);
	/* Reading IIR with THRE the source cleared it. */
	assert_false(vuart_irq_line(&uart));
	assert_int_equal(in8(VUART_IIR), 0x01);
	/* Writing IER again without an ETBEI change does not re-raise it. */
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_int_equal(in8(VUART_IIR), 0x01);
	/* THR written, sent at once, empty again: a new THRE interrupt. */
	out8(VUART_THR, 'x');
	assert_true(vuart_irq_line(&uart));
	/* Disabling ETBEI drops it; enabling it again brings it back. */
	out8(VUART_IER, 0);
	assert_false(vuart_irq_line(&uart));
	out8(VUART_IER, VUART_IER_ETBEI);
	assert_int_equal(in8(VUART_IIR), 0x02);

	/* A higher-priority source hides THRE; reading IIR then keeps it. */
	out8(VUART_IER, 0);
	out8(VUART_IER, VUART_IER_ETBEI | VUART_IER_ERBFI);
	rx("q");
	assert_int_equal(in8(VUART_IIR), 0x04);
	in8(VUART_RBR);
	assert_int_equal(in8(VUART_IIR), 0x02);
	assert_int_equal(in8(VUART_IIR), 0x01);
}

static void test_transmit(void **state)
{
	static const char msg[] = "hello, 16550\r\n";

	out8(VUART_LCR, 0x03);
	for (size_t i = 0; i < sizeof(msg) - 1; i++) {
		out8(VUART_THR, (uint8_t)msg[i]);
		assert_int_equal(in8(VUART_LSR), 0x60); /* THRE | TEMT right away */
	}
	assert_int_equal(sink.n, sizeof(msg) - 1);
	assert_memory_equal(sink.bytes, msg, sizeof(msg) - 1);
	assert_int_equal(uart.tx_bytes, sizeof(msg) - 1);

	/* Reset LCR (5-bit words): the sink still gets all 8 bits, as in QEMU. */
	vuart_reset(&uart);
	out8(VUART_THR, 0xff);
	assert_int_equal(sink.bytes[sink.n - 1], 0xff);
}

static void test_loopback_echo(void **state)
{
	out8(VUART_FCR, 0x01);
	out8(VUART_MCR, VUART_MCR_LOOP);
	for (const char *p = "ping"; *p; p++)
		out8(VUART_THR, (uint8_t)*p);
	assert_int_equal(sink.n, 0); /* serial output held marking */
	assert_int_equal(in8(VUART_LSR), 0x61);
	for (const char *p = "ping"; *p; p++)
		assert_int_equal(in8(VUART_RBR), *p);
	assert_int_equal(in8(VUART_LSR), 0x60);

	/* The serial input is disconnected: host bytes are dropped. */
	assert_false(vuart_can_receive(&uart));
	assert_false(vuart_receive(&uart, 'x'));
	assert_int_equal(uart.rx_dropped, 1);
	assert_int_equal(in8(VUART_LSR), 0x60);

	/* Out of loopback the output reaches the sink again. */
	out8(VUART_MCR, 0);
	out8(VUART_THR, '!');
	assert_int_equal(sink.n, 1);
	assert_true(vuart_receive(&uart, 'y'));
}

/* Loopback: DTR -> DSR, RTS -> CTS, OUT1 -> RI, OUT2 -> DCD. */
static void test_loopback_msr_mapping(void **state)
{
	static const struct {
		uint8_t mcr;
		uint8_t msr_high;
	} cases[] = {
		{ 0x00, 0x00 },
		{ VUART_MCR_DTR, VUART_MSR_DSR },
		{ VUART_MCR_RTS, VUART_MSR_CTS },
		{ VUART_MCR_OUT1, VUART_MSR_RI },
		{ VUART_MCR_OUT2, VUART_MSR_DCD },
		{ 0x0a, 0x90 }, /* Linux's 8250 autoconfig probe: RTS|OUT2 -> CTS|DCD */
		{ 0x0f, 0xf0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out8(VUART_MCR, VUART_MCR_LOOP | cases[i].mcr);
		assert_int_equal(in8(VUART_MSR) & 0xf0, cases[i].msr_high);
	}
}

static void test_msr_deltas(void **state)
{
	static const struct {
		uint8_t from, to; /* MCR low bits, in loopback */
		uint8_t delta;
	} cases[] = {
		{ 0x00, VUART_MCR_RTS, VUART_MSR_DCTS },
		{ VUART_MCR_RTS, 0x00, VUART_MSR_DCTS },
		{ 0x00, VUART_MCR_DTR, VUART_MSR_DDSR },
		{ 0x00, VUART_MCR_OUT2, VUART_MSR_DDCD },
		/* TERI: only the trailing edge of RI (on -> off). */
		{ 0x00, VUART_MCR_OUT1, 0 },
		{ VUART_MCR_OUT1, 0x00, VUART_MSR_TERI },
		{ 0x05, 0x0a, 0x0f },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out8(VUART_MCR, VUART_MCR_LOOP | cases[i].from);
		in8(VUART_MSR);
		out8(VUART_MCR, VUART_MCR_LOOP | cases[i].to);
		assert_int_equal(in8(VUART_MSR) & 0x0f, cases[i].delta);
		assert_int_equal(in8(VUART_MSR) & 0x0f, 0); /* cleared by the read */
	}
}

static void test_irq_line_out2(void **state)
{
	static const struct {
		uint8_t mcr;
		bool line;
	} cases[] = {
		{ 0x00, false },
		{ VUART_MCR_OUT1, false },
		{ VUART_MCR_OUT2, true },
		{ 0x0b, true },
		{ VUART_MCR_OUT2 | VUART_MCR_LOOP, false }, /* outputs forced inactive */
	};

	out8(VUART_IER, VUART_IER_ERBFI);
	rx("a");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out8(VUART_MCR, cases[i].mcr);
		assert_int_equal(vuart_irq_line(&uart), cases[i].line);
	}
	/* Nothing pending: low whatever OUT2 says. */
	out8(VUART_MCR, VUART_MCR_OUT2);
	in8(VUART_RBR);
	assert_false(vuart_irq_line(&uart));
}

/* Wider accesses become byte cycles, lowest port first. */
static void test_multibyte_access(void **state)
{
	out8(VUART_SCR, 0x77);
	out8(VUART_MCR, 0x03);
	/* MCR, LSR, MSR (CTS|DSR|DCD, no deltas: loopback is off), SCR. */
	assert_int_equal(viobus_in(&bus, BASE + 4, 4), 0x77b06003u);
	out8(VUART_IER, 0x05);
	rx("k");
	assert_int_equal(viobus_in(&bus, BASE, 2), 0x056b); /* RBR 'k', IER */
	/* Past the UART's 8 ports: all-ones. */
	assert_int_equal(viobus_in(&bus, BASE + 6, 4), 0xffff77b0u);
	/* A 16-bit write to LCR+MCR. */
	viobus_out(&bus, BASE + 3, 2, 0x0b83);
	assert_int_equal(in8(VUART_LCR), 0x83);
	assert_int_equal(in8(VUART_MCR), 0x0b);
	/* A 32-bit write to DLL/DLM/FCR/LCR with DLAB set. */
	viobus_out(&bus, BASE, 4, 0x03c70100);
	assert_int_equal(in8(VUART_LCR), 0x03);
	assert_int_equal(in8(VUART_IIR) & 0xc0, 0xc0);
	out8(VUART_LCR, 0x83);
	assert_int_equal(in8(VUART_DLL), 0x00);
	assert_int_equal(in8(VUART_DLM), 0x01);
	assert_int_equal(sink.n, 0);
}

static void test_attach_conflict(void **state)
{
	struct vuart other;

	vuart_init(&other, NULL, NULL);
	assert_int_equal(vuart_attach(&bus, &other, BASE + 4), -EBUSY);
	assert_int_equal(vuart_attach(&bus, &other, 0x2f8), 0);
	/* A NULL sink discards output. */
	viobus_out(&bus, 0x2f8, 1, 'n');
	assert_int_equal(other.tx_bytes, 1);
	assert_int_equal(sink.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_master_reset, setup),
		cmocka_unit_test_setup(test_dlab_switching, setup),
		cmocka_unit_test_setup(test_register_masks, setup),
		cmocka_unit_test_setup(test_fifo_enable_iir_bits, setup),
		cmocka_unit_test_setup(test_rx_fifo_fill_and_overrun, setup),
		cmocka_unit_test_setup(test_rx_16450_overrun, setup),
		cmocka_unit_test_setup(test_fifo_resets, setup),
		cmocka_unit_test_setup(test_trigger_levels, setup),
		cmocka_unit_test_setup(test_timeout_needs_data_and_fifo, setup),
		cmocka_unit_test_setup(test_interrupt_priority_sequence, setup),
		cmocka_unit_test_setup(test_sources_need_enable, setup),
		cmocka_unit_test_setup(test_thre_interrupt, setup),
		cmocka_unit_test_setup(test_transmit, setup),
		cmocka_unit_test_setup(test_loopback_echo, setup),
		cmocka_unit_test_setup(test_loopback_msr_mapping, setup),
		cmocka_unit_test_setup(test_msr_deltas, setup),
		cmocka_unit_test_setup(test_irq_line_out2, setup),
		cmocka_unit_test_setup(test_multibyte_access, setup),
		cmocka_unit_test_setup(test_attach_conflict, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
