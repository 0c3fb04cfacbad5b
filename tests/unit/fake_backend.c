/*
 * The shared fake management backend of the host tests and fuzzers; see
 * fake_backend.h for its behaviour and knobs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/fake_backend.h"

#define FAKE_CHECK(cond)                                               \
	do {                                                           \
		if (!(cond))                                           \
			fake_backend_abort(#cond, __FILE__, __LINE__); \
	} while (0)

static void fake_backend_abort(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: fake backend: expected %s\n", file, line, what);
	abort();
}

struct fake_backend_dom *fake_backend_find(struct fake_backend *fb, const char *name)
{
	if (fb->name_limit)
		FAKE_CHECK(strnlen(name, fb->name_limit) < fb->name_limit);
	for (unsigned i = 0; i < fb->count; i++) {
		if (!strcmp(fb->doms[i].d.name, name))
			return &fb->doms[i];
	}
	return NULL;
}

struct fake_backend_dom *fake_backend_add(struct fake_backend *fb, const char *name, uint32_t id)
{
	struct fake_backend_dom *f;

	FAKE_CHECK(fb->count < FAKE_BACKEND_DOMS);
	f = &fb->doms[fb->count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->d.name, sizeof(f->d.name), "%s", name);
	f->d.id = id;
	f->d.state = id ? MGMT_RUNNING : MGMT_SHUT_OFF;
	f->d.vcpus = 1;
	f->d.memory = 8 << 20;
	f->d.persistent = true;
	f->rx_room = SIZE_MAX;
	return f;
}

void fake_backend_guest_says(struct fake_backend_dom *f, const void *bytes, size_t n)
{
	const uint8_t *b = bytes;

	for (size_t i = 0; i < n; i++)
		f->ring[f->total++ % sizeof(f->ring)] = b[i];
}

const char *fake_backend_exit_reason_name(unsigned reason)
{
	switch (reason) {
	case 10:
		return "cpuid";
	case 30:
		return "io_instruction";
	case 48:
		return "ept_violation";
	default:
		return NULL;
	}
}

/* ------------------------------------------------------------------ ops -- */

static unsigned fake_count(void *ctx)
{
	return ((struct fake_backend *)ctx)->count;
}

static bool fake_at(void *ctx, unsigned i, struct mgmt_domain *out)
{
	struct fake_backend *fb = ctx;

	if (i >= fb->count)
		return false;
	*out = fb->doms[i].d;
	return true;
}

static bool fake_find(void *ctx, const char *name, struct mgmt_domain *out)
{
	struct fake_backend_dom *f = fake_backend_find(ctx, name);

	if (f)
		*out = f->d;
	return f != NULL;
}

static void fake_node(void *ctx, struct mgmt_node *out)
{
	*out = ((struct fake_backend *)ctx)->node;
}

/*
 * The checks every lifecycle operation starts with: count the call, look
 * the name up, apply the refusal knob. Returns the domain, or NULL with
 * *err set.
 */
static struct fake_backend_dom *fake_op_begin(struct fake_backend *fb, const char *name, char *why,
					      size_t why_len, int *err)
{
	struct fake_backend_dom *f = fake_backend_find(fb, name);

	fb->calls++;
	if (!f) {
		FAKE_CHECK(!fb->names_checked);
		snprintf(why, why_len, "domain '%s' is not defined", name);
		*err = -ENOENT;
		return NULL;
	}
	if (fb->refuse) {
		snprintf(why, why_len, "%s", fb->refuse);
		*err = fb->refuse_err ? fb->refuse_err : -EBUSY;
		return NULL;
	}
	return f;
}

static int fake_start(void *ctx, const char *name, char *why, size_t why_len)
{
	struct fake_backend *fb = ctx;
	int err;
	struct fake_backend_dom *f = fake_op_begin(fb, name, why, why_len, &err);

	if (!f)
		return err;
	if (f->d.id) {
		snprintf(why, why_len, "domain '%s' is already active", name);
		return -EBUSY;
	}
	f->d.id = fb->next_id++;
	f->d.state = MGMT_RUNNING;
	f->d.stop_reason[0] = '\0';
	return 0;
}

static int fake_destroy(void *ctx, const char *name, char *why, size_t why_len)
{
	int err;
	struct fake_backend_dom *f = fake_op_begin(ctx, name, why, why_len, &err);

	if (!f)
		return err;
	if (!f->d.id) {
		snprintf(why, why_len, "domain '%s' is not running", name);
		return -EINVAL;
	}
	f->d.id = 0;
	f->d.state = MGMT_SHUT_OFF;
	snprintf(f->d.stop_reason, sizeof(f->d.stop_reason), "destroyed");
	return 0;
}

static int fake_undefine(void *ctx, const char *name, char *why, size_t why_len)
{
	struct fake_backend *fb = ctx;
	int err;
	struct fake_backend_dom *f = fake_op_begin(fb, name, why, why_len, &err);

	if (!f)
		return err;
	if (f->d.id || fb->keep_domains) {
		snprintf(why, why_len, "domain '%s' is active; destroy it first", name);
		return -EBUSY;
	}
	memmove(f, f + 1, (size_t)(&fb->doms[fb->count] - (f + 1)) * sizeof(*f));
	fb->count--;
	return 0;
}

static int fake_define(void *ctx, const char *text, size_t len, char *name_out, char *why,
		       size_t why_len)
{
	struct fake_backend *fb = ctx;
	struct fake_backend_dom *f;
	const char *end;

	fb->calls++;
	FAKE_CHECK(len <= MGMT_DEFINE_MAX);
	memcpy(fb->defined, text, len);
	fb->defined[len] = '\0';
	fb->defined_len = len;
	if (fb->refuse) {
		snprintf(why, why_len, "%s", fb->refuse);
		return fb->refuse_err ? fb->refuse_err : -EBUSY;
	}
	if (fb->define_name) {
		snprintf(name_out, MGMT_NAME_MAX, "%s", fb->define_name);
		return 0;
	}
	/* "[vm NAME]": enough of a parser for the tests. */
	end = len >= 4 && !memcmp(text, "[vm ", 4) ? memchr(text, ']', len) : NULL;
	if (!end) {
		snprintf(why, why_len, "expected exactly one [vm NAME] section and nothing else");
		return -EINVAL;
	}
	snprintf(name_out, MGMT_NAME_MAX, "%.*s", (int)(end - text - 4), text + 4);
	if (!fake_backend_find(fb, name_out) && fb->count < FAKE_BACKEND_DOMS) {
		f = fake_backend_add(fb, name_out, 0);
		f->d.memory = 64 << 20;
	}
	return 0;
}

static long fake_console_read(void *ctx, const char *name, uint64_t *cursor, uint8_t *buf,
			      size_t cap)
{
	struct fake_backend_dom *f = fake_backend_find(ctx, name);
	uint64_t oldest;
	size_t n;

	if (!f || !f->d.id)
		return -ENOENT;
	if (cap == 0)
		*cursor = f->total;
	oldest = f->total > sizeof(f->ring) ? f->total - sizeof(f->ring) : 0;
	if (*cursor < oldest)
		*cursor = oldest;
	if (*cursor > f->total)
		*cursor = f->total;
	n = (size_t)(f->total - *cursor);
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++)
		buf[i] = f->ring[(*cursor + i) % sizeof(f->ring)];
	*cursor += n;
	return (long)n;
}

static long fake_console_write(void *ctx, const char *name, const uint8_t *bytes, size_t n)
{
	struct fake_backend *fb = ctx;
	struct fake_backend_dom *f = fake_backend_find(fb, name);

	if (!f || !f->d.id)
		return -ENOENT;
	if (fb->write_max)
		FAKE_CHECK(n <= fb->write_max);
	if (n > f->rx_room)
		n = f->rx_room;
	f->rx_room -= n;
	for (size_t i = 0; i < n && f->rx_len + i < sizeof(f->rx); i++)
		f->rx[f->rx_len + i] = bytes[i];
	f->rx_len += n;
	return (long)n;
}

void fake_backend_init(struct fake_backend *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->next_id = 1;
	snprintf(fb->node.cpu_model, sizeof(fb->node.cpu_model), "x86_64");
	fb->node.cpus = 1;
	fb->node.memory_total = 64ull << 20;
	fb->ops = (struct mgmt_backend){
		.ctx = fb,
		.domain_count = fake_count,
		.domain_at = fake_at,
		.domain_find = fake_find,
		.node = fake_node,
		.start = fake_start,
		.destroy = fake_destroy,
		.define = fake_define,
		.undefine = fake_undefine,
		.console_read = fake_console_read,
		.console_write = fake_console_write,
		.exit_reason_name = fake_backend_exit_reason_name,
	};
}
