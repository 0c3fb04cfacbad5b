/*
 * A token bucket: at most `burst` events at once and `per_second` on
 * average, counting what it refuses. Used to keep a guest that prints
 * without pause from filling the host log (and the serial line every CPU
 * shares). Pure logic: time is passed in microseconds; integer math only.
 */
#ifndef STRATA_LIB_RATELIMIT_H
#define STRATA_LIB_RATELIMIT_H

#include "kernel/include/strata/types.h"

struct ratelimit {
	uint32_t per_second;
	uint32_t burst;
	uint64_t tokens_us; /* credit in microseconds of refill: per_second tokens per 1e6 */
	uint64_t last_us;
	uint64_t refused; /* events refused since the last allowed one */
};

/* A full bucket at time now_us. */
void ratelimit_init(struct ratelimit *r, uint32_t per_second, uint32_t burst, uint64_t now_us);

/*
 * Take one token at now_us (never earlier than the last call's). Returns
 * true when the event may happen; then *refused_before gets how many were
 * refused since the last allowed one (and that count restarts).
 */
bool ratelimit_take(struct ratelimit *r, uint64_t now_us, uint64_t *refused_before);

#endif
