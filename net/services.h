/*
 * The management services on the network stack: the console (TCP and
 * COM1), the HTTP API and web page, and the optional iperf server. They
 * act on the hypervisor only through the management backend
 * (net/mgmt/backend.h). Boot CPU only.
 */
#ifndef STRATA_NET_SERVICES_H
#define STRATA_NET_SERVICES_H

#include <stdbool.h>

#include "kernel/config/hostconf.h"
#include "net/mgmt/backend.h"

/*
 * Start the services. `network` says whether the stack is up (else only
 * the COM1 console runs). The config is kept by reference.
 */
void services_start(const struct hostconf_network *cfg, const struct mgmt_backend *backend,
		    bool network);

/* Serve: COM1 input, timeouts, console output. Each management-loop pass. */
void services_poll(void);

#endif
