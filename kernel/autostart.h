/* Starting the VMs of the host config at boot. */
#ifndef STRATA_AUTOSTART_H
#define STRATA_AUTOSTART_H

#include "kernel/config/hostconf.h"
#include "kernel/include/strata/boot_info.h"

/*
 * Check every [vm NAME] with autostart = yes against this machine
 * (kernel/config/vmdef.h) and start those that pass, in file order. Each
 * refusal is logged as "strata: vm NAME refused: WHY"; the other VMs
 * still start. `vmx_ready` false refuses them all with the reason.
 * Returns the number of VMs started.
 */
unsigned autostart_vms(const struct hostconf *conf, const struct boot_module *mods,
		       uint32_t module_count, bool vmx_ready);

#endif
