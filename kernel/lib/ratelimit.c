#include "kernel/lib/ratelimit.h"

/*
 * Credit is kept in token-microseconds: one token is 1e6 units, time adds
 * per_second units per microsecond, so no division is needed.
 */
#define TOKEN 1000000ull

void ratelimit_init(struct ratelimit *r, uint32_t per_second, uint32_t burst, uint64_t now_us)
{
	r->per_second = per_second;
	r->burst = burst;
	r->tokens_us = (uint64_t)burst * TOKEN;
	r->last_us = now_us;
	r->refused = 0;
}

bool ratelimit_take(struct ratelimit *r, uint64_t now_us, uint64_t *refused_before)
{
	uint64_t cap = (uint64_t)r->burst * TOKEN;

	if (now_us > r->last_us) {
		uint64_t elapsed = now_us - r->last_us;

		/* Past a full refill the exact amount does not matter (and cannot overflow). */
		if (elapsed >= cap / (r->per_second ? r->per_second : 1))
			r->tokens_us = cap;
		else
			r->tokens_us += elapsed * r->per_second;
		if (r->tokens_us > cap)
			r->tokens_us = cap;
		r->last_us = now_us;
	}
	if (r->tokens_us < TOKEN) {
		r->refused++;
		return false;
	}
	r->tokens_us -= TOKEN;
	*refused_before = r->refused;
	r->refused = 0;
	return true;
}
