#include "net/mgmt/backend.h"

const char *mgmt_state_name(enum mgmt_state state)
{
	static const char *const names[] = {
		[MGMT_SHUT_OFF] = "shut off",
		[MGMT_RUNNING] = "running",
		[MGMT_SHUTDOWN] = "in shutdown",
		[MGMT_CRASHED] = "crashed",
	};

	if ((unsigned)state >= sizeof(names) / sizeof(names[0]))
		return "no state";
	return names[state];
}
