#include <errno.h>
#include <stdlib.h>

#include "kernel/hypercall.h"

/* STRATA_VERSION is "major.minor.patch". */
static int64_t version_word(void)
{
	const char *s = STRATA_VERSION;
	char *end;
	int64_t major = (int64_t)strtoull(s, &end, 10);
	int64_t minor = *end == '.' ? (int64_t)strtoull(end + 1, &end, 10) : 0;
	int64_t patch = *end == '.' ? (int64_t)strtoull(end + 1, &end, 10) : 0;

	return (major << 16) | (minor << 8) | patch;
}

int64_t hypercall_dispatch(struct vcpu *vcpu, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	switch (nr) {
	case STRATA_HC_VERSION:
		return version_word();
	case STRATA_HC_VCPU_ID:
		return vcpu->id;
	default:
		return -ENOSYS;
	}
}
