#include <string.h>

#include "net/mgmt/login_throttle.h"

void login_throttle_init(struct login_throttle *t)
{
	memset(t, 0, sizeof(*t));
}

static struct login_throttle_entry *lookup(const struct login_throttle *t, uint32_t addr)
{
	for (unsigned i = 0; i < LOGIN_THROTTLE_ENTRIES; i++)
		if (t->e[i].failures && t->e[i].addr == addr)
			return (struct login_throttle_entry *)&t->e[i];
	return NULL;
}

uint64_t login_throttle_wait_ms(const struct login_throttle *t, uint32_t addr, uint64_t now_ms)
{
	const struct login_throttle_entry *e = lookup(t, addr);

	return e && e->blocked_ms > now_ms ? e->blocked_ms - now_ms : 0;
}

/* Quiet for LOGIN_THROTTLE_FORGET_MS after its last failure and its lockout. */
static bool forgotten(const struct login_throttle_entry *e, uint64_t now_ms)
{
	uint64_t since = e->blocked_ms > e->last_ms ? e->blocked_ms : e->last_ms;

	return now_ms >= since && now_ms - since >= LOGIN_THROTTLE_FORGET_MS;
}

/*
 * A slot for a new address: a free one, one whose failures are forgotten,
 * else the one whose lockout ends first (an unblocked entry before any
 * blocked one).
 */
static struct login_throttle_entry *victim(struct login_throttle *t, uint64_t now_ms)
{
	struct login_throttle_entry *best = &t->e[0];

	for (unsigned i = 0; i < LOGIN_THROTTLE_ENTRIES; i++) {
		struct login_throttle_entry *e = &t->e[i];

		if (!e->failures || forgotten(e, now_ms))
			return e;
		if (e->blocked_ms < best->blocked_ms ||
		    (e->blocked_ms == best->blocked_ms && e->last_ms < best->last_ms))
			best = e;
	}
	return best;
}

void login_throttle_failed(struct login_throttle *t, uint32_t addr, uint64_t now_ms)
{
	struct login_throttle_entry *e = lookup(t, addr);
	uint64_t lock = LOGIN_THROTTLE_FIRST_MS;

	if (e && forgotten(e, now_ms))
		e->failures = 0;
	if (!e) {
		e = victim(t, now_ms);
		*e = (struct login_throttle_entry){ .addr = addr };
	}
	e->failures++;
	e->last_ms = now_ms;
	if (e->failures <= LOGIN_THROTTLE_FREE)
		return;
	for (uint32_t n = e->failures - LOGIN_THROTTLE_FREE - 1;
	     n > 0 && lock < LOGIN_THROTTLE_MAX_MS; n--)
		lock *= 2;
	if (lock > LOGIN_THROTTLE_MAX_MS)
		lock = LOGIN_THROTTLE_MAX_MS;
	e->blocked_ms = now_ms + lock;
}

void login_throttle_succeeded(struct login_throttle *t, uint32_t addr)
{
	struct login_throttle_entry *e = lookup(t, addr);

	if (e)
		memset(e, 0, sizeof(*e));
}
