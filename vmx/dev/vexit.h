/*
 * Test-exit port: lets a guest end its own VM with an exit code, after
 * QEMU's isa-debug-exit device (hw/misc/debugexit.c). Test guests finish
 * with one OUT and the run is judged on the code.
 *
 * Strata puts it at port 0xf4 with 4 ports (QEMU's default is 0x501,
 * 2 ports; test suites commonly configure iobase=0xf4,iosize=0x04). A
 * write of V of any size (1, 2 or 4 bytes) to any of its ports asks for
 * the VM to end with exit code V. Unlike QEMU, which exits the emulator
 * process with status (V << 1) | 1, Strata reports V exactly as written:
 * `strata: vm NAME exited code=V`. Reads return all-ones, like an empty
 * port (QEMU's return 0): the port is write-only and not meant to be
 * probed.
 *
 * The first write wins: later ones (another vCPU racing to the port
 * before it is stopped) are counted and otherwise ignored until
 * vexit_reset().
 *
 * Pure logic: no allocation, no hardware; the caller serialises calls.
 */
#ifndef STRATA_VMX_DEV_VEXIT_H
#define STRATA_VMX_DEV_VEXIT_H

#include "kernel/include/strata/types.h"
#include "vmx/dev/viobus.h"

#define VEXIT_DEFAULT_BASE 0xf4
#define VEXIT_PORTS        4

/*
 * Called once, from inside viobus_out() on the guest's OUT (the VM-exit
 * path, vCPU context), when the guest first asks to end. The owner
 * records the request (and may mark the VM to stop) and returns; the
 * exit handler then sees it, e.g. through a flag or vexit_requested(),
 * and ends the VM. The bus and this device must stay valid until the
 * OUT has returned.
 */
typedef void (*vexit_request_fn)(void *ctx, uint32_t code);

struct vexit {
	vexit_request_fn request_exit;
	void *ctx;
	bool requested;  /* a write was seen since init/reset */
	uint32_t code;   /* its value, zero-extended from the write's size */
	uint64_t writes; /* every write, the ignored ones included */
};

/* Set up `vx`; `request_exit` may be NULL (poll vexit_requested()). */
void vexit_init(struct vexit *vx, vexit_request_fn request_exit, void *ctx);

/* Forget a request, for a VM that is started again. Keeps the callback. */
void vexit_reset(struct vexit *vx);

/*
 * Register `vx` on `bus` as VEXIT_PORTS ports from `base`
 * (VEXIT_DEFAULT_BASE). Returns what viobus_register() returns.
 */
int vexit_attach(struct viobus *bus, struct vexit *vx, uint16_t base);

/* A guest write of `value` (already masked to its size). */
void vexit_write(struct vexit *vx, uint32_t value);

/* True once the guest asked to end; its code goes to *code if non-NULL. */
bool vexit_requested(const struct vexit *vx, uint32_t *code);

#endif
