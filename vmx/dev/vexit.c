/*
 * Test-exit port after QEMU's isa-debug-exit; see vexit.h for the
 * convention and how Strata's exit code differs from QEMU's.
 */
#include <string.h>

#include "vmx/dev/vexit.h"

void vexit_init(struct vexit *vx, vexit_request_fn request_exit, void *ctx)
{
	memset(vx, 0, sizeof(*vx));
	vx->request_exit = request_exit;
	vx->ctx = ctx;
}

void vexit_reset(struct vexit *vx)
{
	vx->requested = false;
	vx->code = 0;
	vx->writes = 0;
}

void vexit_write(struct vexit *vx, uint32_t value)
{
	vx->writes++;
	if (vx->requested)
		return;
	vx->requested = true;
	vx->code = value;
	if (vx->request_exit)
		vx->request_exit(vx->ctx, value);
}

bool vexit_requested(const struct vexit *vx, uint32_t *code)
{
	if (vx->requested && code)
		*code = vx->code;
	return vx->requested;
}

/* Write-only: reads float high like an empty port (QEMU's read 0, see vexit.h). */
static uint32_t vexit_io_read(void *opaque, uint16_t offset, unsigned size)
{
	return 0xffffffffu;
}

/* Any port of the range and any size: the bus has masked `value` to `size`. */
static void vexit_io_write(void *opaque, uint16_t offset, unsigned size, uint32_t value)
{
	vexit_write(opaque, value);
}

int vexit_attach(struct viobus *bus, struct vexit *vx, uint16_t base)
{
	struct viobus_dev dev = {
		.name = "vexit",
		.base = base,
		.count = VEXIT_PORTS,
		.read = vexit_io_read,
		.write = vexit_io_write,
		.opaque = vx,
	};

	return viobus_register(bus, &dev);
}
