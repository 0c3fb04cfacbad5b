/*
 * The management web page served at GET /: one self-contained HTML
 * document (inline CSS and JavaScript, nothing fetched from elsewhere)
 * that asks for the password, keeps it in sessionStorage, and drives the
 * JSON API with it as a bearer token. It holds no data itself, so it is
 * served without authentication.
 *
 * Stable hooks for browser tests: input#password, button#login,
 * #error, table#domains with one tr[data-domain=NAME] per domain whose
 * cells carry the classes name, id, state, vcpus, memory, exits, cputime,
 * and buttons .start and .destroy.
 */
#ifndef STRATA_MGMT_WEBPAGE_H
#define STRATA_MGMT_WEBPAGE_H

#include <stddef.h>

extern const char mgmt_webpage[];
extern const size_t mgmt_webpage_len; /* strlen(mgmt_webpage) */

#endif
