/*
 * Password guessing, slowed per client address. The console already
 * delays each wrong password and drops the session after three; but a
 * client can reconnect, open 16 sessions at once, or send bearer tokens
 * to the HTTP API thousands of times a second. This table remembers the
 * addresses that failed recently: from the third failure on, an address
 * is refused outright (console and API alike) for a lockout that doubles
 * with each further failure, 60 s up to 1 h, without the password even
 * being compared. A success clears the address. Other addresses are never
 * affected, so an attacker cannot lock the operator out from elsewhere.
 *
 * Pure logic: addresses are opaque 32-bit values, time is passed in.
 * Fixed size: when full, an entry whose failures are forgotten is reused,
 * else the one whose lockout ends first. An attacker with more addresses
 * than entries can thus shorten lockouts; each address still gets only
 * LOGIN_THROTTLE_FREE + 1 tries before its first lockout.
 */
#ifndef STRATA_MGMT_LOGIN_THROTTLE_H
#define STRATA_MGMT_LOGIN_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#define LOGIN_THROTTLE_ENTRIES   32
#define LOGIN_THROTTLE_FREE      2                /* failures allowed before a lockout */
#define LOGIN_THROTTLE_FIRST_MS  (60 * 1000)      /* the first lockout */
#define LOGIN_THROTTLE_MAX_MS    (60 * 60 * 1000) /* the longest */
#define LOGIN_THROTTLE_FORGET_MS (60 * 60 * 1000) /* quiet this long after a lockout: forgotten */

struct login_throttle_entry {
	uint32_t addr;
	uint32_t failures;
	uint64_t last_ms;    /* the last failure */
	uint64_t blocked_ms; /* refused until then (0: not blocked) */
};

struct login_throttle {
	struct login_throttle_entry e[LOGIN_THROTTLE_ENTRIES];
};

void login_throttle_init(struct login_throttle *t);

/* 0 when `addr` may try a password now, else the ms until it may. */
uint64_t login_throttle_wait_ms(const struct login_throttle *t, uint32_t addr, uint64_t now_ms);

/* A wrong password or token from `addr`. */
void login_throttle_failed(struct login_throttle *t, uint32_t addr, uint64_t now_ms);

/* A right one: `addr` starts afresh. */
void login_throttle_succeeded(struct login_throttle *t, uint32_t addr);

#endif
