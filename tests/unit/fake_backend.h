/*
 * A fake of the management backend (net/mgmt/backend.h) for host tests
 * and fuzzers: a small in-memory domain table with start, destroy,
 * define, undefine and a per-domain serial console, plus knobs for what
 * a test needs (refusals, fixed define names, checks on the caller).
 *
 * Lifecycle, as the kernel behaves (kernel/domain.c): an unknown name is
 * -ENOENT "domain 'NAME' is not defined"; start of an active domain (id >
 * 0) is -EBUSY "... is already active"; destroy of an inactive one is
 * -EINVAL "... is not running"; undefine of an active one is -EBUSY
 * "... is active; destroy it first". `define` takes one "[vm NAME]"
 * section (anything after the first ']' is accepted unread) and adds NAME
 * as a shut-off domain of 1 vCPU and 64 MiB if it is new.
 *
 * A broken expectation on the caller (a definition over MGMT_DEFINE_MAX,
 * a name past name_limit, an operation on an unknown name while
 * names_checked is set, more than write_max bytes for the guest) prints
 * what went wrong and aborts: cmocka reports the test binary as failed and
 * libFuzzer reports a crash.
 */
#ifndef STRATA_TESTS_FAKE_BACKEND_H
#define STRATA_TESTS_FAKE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mgmt/backend.h"

#define FAKE_BACKEND_DOMS 20
#define FAKE_BACKEND_RING 4096 /* guest console output held, as the kernel's ring */
#define FAKE_BACKEND_RX   8192 /* guest console input recorded */

struct fake_backend_dom {
	struct mgmt_domain d;
	uint8_t ring[FAKE_BACKEND_RING]; /* what the guest printed, ring[total % size] next */
	uint64_t total;                  /* bytes the guest printed since boot */
	uint8_t rx[FAKE_BACKEND_RX];     /* the first bytes the guest received */
	size_t rx_len;                   /* bytes the guest received (may exceed rx's size) */
	size_t rx_room;                  /* bytes the guest's receiver still takes */
};

struct fake_backend {
	struct mgmt_backend ops; /* the backend to hand out; ctx is this struct */
	struct fake_backend_dom doms[FAKE_BACKEND_DOMS];
	unsigned count;
	struct mgmt_node node; /* what node() reports */
	uint32_t next_id;      /* id of the next domain started */

	/* Knobs. */
	const char *refuse;      /* non-NULL: start/destroy/undefine/define fail with this why */
	int refuse_err;          /* ... and this negative errno (0: -EBUSY) */
	const char *define_name; /* non-NULL: define takes any text, names it this, adds nothing */
	bool keep_domains;       /* undefine always refuses, as if the domain were active */
	bool names_checked;      /* callers look names up first: an op on an unknown one aborts */
	size_t name_limit;       /* non-zero: every name must be shorter than this */
	size_t write_max;        /* non-zero: console_write of more than this aborts */

	/* What it saw. */
	unsigned calls; /* start, destroy, define and undefine calls */
	char defined[MGMT_DEFINE_MAX + 1];
	size_t defined_len;
};

/*
 * Empty table, next_id 1, no knobs set, a node "x86_64" of 1 CPU and
 * 64 MiB, and fb->ops bound to fb. A test may then replace single ops.
 */
void fake_backend_init(struct fake_backend *fb);

/*
 * Add a domain: running if id > 0, else shut off; 1 vCPU, 8 MiB,
 * persistent, receiver room unlimited. Aborts when the table is full.
 */
struct fake_backend_dom *fake_backend_add(struct fake_backend *fb, const char *name, uint32_t id);

/* The domain called `name`, or NULL. */
struct fake_backend_dom *fake_backend_find(struct fake_backend *fb, const char *name);

/* The guest prints n bytes on its console. */
void fake_backend_guest_says(struct fake_backend_dom *f, const void *bytes, size_t n);

/* Exit reason names: 10 "cpuid", 30 "io_instruction", 48 "ept_violation", else NULL. */
const char *fake_backend_exit_reason_name(unsigned reason);

#endif
