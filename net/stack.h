/*
 * The management network: lwIP on the first NIC the drivers found,
 * configured from [network]. Everything runs on the boot CPU from its
 * management loop (net_poll()); no other CPU ever enters lwIP.
 */
#ifndef STRATA_NET_STACK_H
#define STRATA_NET_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/config/hostconf.h"

/*
 * Probe the NICs, start lwIP and bring the interface up (static address
 * or DHCP). Returns false, with the reason logged, when there is no NIC.
 */
bool net_init(const struct hostconf_network *cfg);

/* Receive what the NICs hold, run lwIP's timers. Cheap when idle. */
void net_poll(void);

#endif
