/*
 * Domains: the VMs the host knows by name, whether they run or not.
 *
 * A domain is a definition (a [vm NAME] section, from strata.conf at boot
 * or sent by an operator with `define`) plus, while it runs, the VM the
 * manager (kernel/vmm.h) created for it. Starting creates a VM from the
 * definition; the VM's end (exit port, power-off, destroy, a fault) makes
 * the domain inactive again, "shut off" or "crashed", ready to start
 * anew. This is what the management plane shows and acts on
 * (net/mgmt/backend.h, implemented by domain_backend).
 *
 * Boot CPU only: the management loop and the boot sequence call it.
 */
#ifndef STRATA_DOMAIN_H
#define STRATA_DOMAIN_H

#include "kernel/config/hostconf.h"
#include "kernel/include/strata/boot_info.h"
#include "net/mgmt/backend.h"

/*
 * Register every valid [vm NAME] of `conf` as a domain and start those
 * with autostart = yes, in file order, logging each refusal
 * ("strata: vm NAME refused: why"). The boot modules stay the images
 * `start` finds by path. Returns the number started.
 */
unsigned domain_boot(const struct hostconf *conf, const struct boot_module *mods,
		     uint32_t module_count, bool vmx_ready);

/* Notice domains whose VM has finished (after vmm_reap()). */
void domain_sync(void);

/* The domains as the management services see them. */
extern const struct mgmt_backend domain_backend;

#endif
