/* The guest's view of the processor (cpu_policy.h). Pure. */
#include "vmx/cpu_policy.h"

uint64_t cpu_policy_misc_enable(uint64_t cpu, uint64_t written)
{
	return (written & ~MISC_ENABLE_CPU_OWNED) | (cpu & MISC_ENABLE_FAST_STRING) |
	       MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
}
