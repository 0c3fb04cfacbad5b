// SPDX-License-Identifier: MIT
/*
 * msr.elf: the RDMSR/WRMSR allowlist.
 *
 * Allowlisted MSRs read without a fault; the writable ones keep a written
 * value (then get their old one back). Anything else raises #GP(0), which
 * the guest catches. An MSR whose feature CPUID does not report is
 * skipped: it does not exist on such a CPU (e.g. the long-mode MSRs under
 * qemu-system-i386's default qemu32 model).
 *
 * Generic: reads and round trips of CPUID-enumerated MSRs.
 * Strata-specific: IA32_MISC_ENABLE (no CPUID bit), IA32_TSC agreeing
 * with RDTSC, and every "must raise #GP" case (QEMU's TCG ignores
 * unknown MSRs and reads IA32_TSC as 0).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "test.h"
#include "try.h"

#define MSR_IA32_TSC             0x00000010
#define MSR_IA32_APIC_BASE       0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_MTRRCAP         0x000000fe
#define MSR_IA32_SYSENTER_CS     0x00000174
#define MSR_IA32_SYSENTER_ESP    0x00000175
#define MSR_IA32_SYSENTER_EIP    0x00000176
#define MSR_IA32_MISC_ENABLE     0x000001a0
#define MSR_IA32_PAT             0x00000277
#define MSR_IA32_MTRR_DEF_TYPE   0x000002ff
#define MSR_EFER                 0xc0000080
#define MSR_STAR                 0xc0000081
#define MSR_LSTAR                0xc0000082
#define MSR_CSTAR                0xc0000083
#define MSR_SYSCALL_MASK         0xc0000084
#define MSR_FS_BASE              0xc0000100
#define MSR_GS_BASE              0xc0000101
#define MSR_KERNEL_GS_BASE       0xc0000102
#define MSR_BOGUS                0xdeadbeef

/* What must be enumerated for the MSR to exist (SDM Vol. 4, Table 2-2). */
enum msr_need {
	NEED_STRATA, /* no CPUID bit: allowlisted by Strata */
	NEED_TSC,    /* CPUID.1:EDX[4] */
	NEED_APIC,   /* CPUID.1:EDX[9] */
	NEED_SEP,    /* CPUID.1:EDX[11] */
	NEED_MTRR,   /* CPUID.1:EDX[12] */
	NEED_PAT,    /* CPUID.1:EDX[16] */
	NEED_EFER,   /* CPUID.80000001:EDX[29] LM or [20] NX */
	NEED_LM,     /* CPUID.80000001:EDX[29] */
};

/* keep_orig: write back the value read (registers with live effect). */
struct msr_case {
	const char *name;
	uint32_t msr;
	enum msr_need need;
	bool write;
	bool keep_orig;
	uint64_t value;
};

#define MSR_RO(n, m, nd)                        \
	{                                       \
		.name = n, .msr = m, .need = nd \
	}
#define MSR_RW(n, m, nd, v)                                                \
	{                                                                  \
		.name = n, .msr = m, .need = nd, .write = true, .value = v \
	}
#define MSR_RW_SAME(n, m, nd)                                                     \
	{                                                                         \
		.name = n, .msr = m, .need = nd, .write = true, .keep_orig = true \
	}

static const struct msr_case msr_cases[] = {
	MSR_RO("tsc", MSR_IA32_TSC, NEED_TSC),
	MSR_RO("apic_base", MSR_IA32_APIC_BASE, NEED_APIC),
	MSR_RO("misc_enable", MSR_IA32_MISC_ENABLE, NEED_STRATA),
	MSR_RO("mtrrcap", MSR_IA32_MTRRCAP, NEED_MTRR),
	MSR_RW_SAME("mtrr_def_type", MSR_IA32_MTRR_DEF_TYPE, NEED_MTRR),
	/* PA7 from UC- to WC: every entry stays a valid memory type. */
	MSR_RW("pat", MSR_IA32_PAT, NEED_PAT, 0x0107040600070406ull),
	MSR_RW("sysenter_cs", MSR_IA32_SYSENTER_CS, NEED_SEP, 0x08),
	MSR_RW("sysenter_esp", MSR_IA32_SYSENTER_ESP, NEED_SEP, 0x12345670),
	MSR_RW("sysenter_eip", MSR_IA32_SYSENTER_EIP, NEED_SEP, 0x00101230),
	MSR_RW_SAME("efer", MSR_EFER, NEED_EFER),
	MSR_RW("star", MSR_STAR, NEED_LM, 0x0023001000000000ull),
	/* Canonical addresses: a non-canonical base is #GP by design. */
	MSR_RW("lstar", MSR_LSTAR, NEED_LM, 0x12345000),
	MSR_RW("cstar", MSR_CSTAR, NEED_LM, 0x12346000),
	MSR_RW("fmask", MSR_SYSCALL_MASK, NEED_LM, 0x00047700),
	MSR_RW("fs_base", MSR_FS_BASE, NEED_LM, 0x12347000),
	MSR_RW("gs_base", MSR_GS_BASE, NEED_LM, 0x12348000),
	MSR_RW("kernel_gs_base", MSR_KERNEL_GS_BASE, NEED_LM, 0x12349000),
};

const char guest_name[] = "msr";

static uint32_t msr_edx1, msr_edx81;

static bool msr_present(enum msr_need need)
{
	switch (need) {
	case NEED_STRATA:
		return true;
	case NEED_TSC:
		return msr_edx1 & (1u << 4);
	case NEED_APIC:
		return msr_edx1 & (1u << 9);
	case NEED_SEP:
		return msr_edx1 & (1u << 11);
	case NEED_MTRR:
		return msr_edx1 & (1u << 12);
	case NEED_PAT:
		return msr_edx1 & (1u << 16);
	case NEED_EFER:
		return msr_edx81 & ((1u << 29) | (1u << 20));
	case NEED_LM:
		return msr_edx81 & (1u << 29);
	}
	return false;
}

static void msr_name(char *buf, const char *prefix, const char *name)
{
	while (*prefix)
		*buf++ = *prefix++;
	while (*name)
		*buf++ = *name++;
	*buf = '\0';
}

/* Write, read back, restore; one PASS/FAIL line named msr_rw_NAME. */
static void msr_round_trip(const struct msr_case *c, uint64_t orig, const char *name)
{
	uint64_t want = c->keep_orig ? orig : c->value;
	uint64_t got = 0, restored = 0;
	int v_wr, v_rd, v_restore;

	v_wr = try_wrmsr(c->msr, want);
	v_rd = try_rdmsr(c->msr, &got);
	v_restore = try_wrmsr(c->msr, orig);
	try_rdmsr(c->msr, &restored);

	if (v_wr != TRAP_NONE || v_rd != TRAP_NONE || v_restore != TRAP_NONE)
		test_fail(name, "msr %#x: wrmsr %s, rdmsr %s, restore %s", c->msr, trap_name(v_wr),
			  trap_name(v_rd), trap_name(v_restore));
	else
		test_check(got == want && restored == orig, name,
			   "msr %#x wrote %#llx read %#llx, restored %#llx "
			   "read %#llx",
			   c->msr, (unsigned long long)want, (unsigned long long)got,
			   (unsigned long long)orig, (unsigned long long)restored);
}

static void msr_allowed(const struct msr_case *c)
{
	char name[40];
	uint64_t val = 0;
	int vec;

	msr_name(name, "msr_read_", c->name);
	if (!msr_present(c->need)) {
		test_skip(name, "CPUID does not report msr %#x", c->msr);
		return;
	}
	vec = try_rdmsr(c->msr, &val);
	if (c->need == NEED_STRATA)
		test_check_strata(vec == TRAP_NONE, name, "msr %#x: %s", c->msr, trap_name(vec));
	else
		test_check(vec == TRAP_NONE, name, "msr %#x: %s", c->msr, trap_name(vec));
	if (vec != TRAP_NONE)
		return;
	test_info("msr %#x (%s) = %#llx", c->msr, c->name, (unsigned long long)val);
	if (c->write) {
		msr_name(name, "msr_rw_", c->name);
		msr_round_trip(c, val, name);
	}
}

/*
 * IA32_TSC is the counter RDTSC reads (SDM Vol. 3B 18.17). Strata-specific
 * only because QEMU 7.2's TCG returns 0 for it.
 */
static void msr_tsc_matches_rdtsc(void)
{
	uint64_t t0, t1, v = 0;
	int vec;

	if (!msr_present(NEED_TSC))
		return;
	t0 = rdtsc();
	vec = try_rdmsr(MSR_IA32_TSC, &v);
	t1 = rdtsc();
	test_check_strata(vec == TRAP_NONE && t0 <= v && v <= t1, "msr_tsc_matches_rdtsc",
			  "rdtsc %#llx, rdmsr %#llx (%s), rdtsc %#llx", (unsigned long long)t0,
			  (unsigned long long)v, trap_name(vec), (unsigned long long)t1);
}

static void msr_expect_gp(const char *name, int vec)
{
	test_check_strata(vec == TRAP_GP && trap_last.error == 0, name,
			  "got %s error=%#x, want #GP(0)", trap_name(vec), trap_last.error);
}

static void msr_forbidden(void)
{
	uint64_t val = 0;

	msr_expect_gp("msr_rdmsr_bogus_gp", try_rdmsr(MSR_BOGUS, &val));
	msr_expect_gp("msr_wrmsr_bogus_gp", try_wrmsr(MSR_BOGUS, 0));
	/*
	 * Lock + VMX outside SMX: what the host itself writes, so a write
	 * that wrongly reached the hardware would do no harm.
	 */
	msr_expect_gp("msr_wrmsr_feature_control_gp", try_wrmsr(MSR_IA32_FEATURE_CONTROL, 0x5));
	/* Read-only register (SDM Vol. 3A 12.11.1). */
	msr_expect_gp("msr_wrmsr_mtrrcap_gp", try_wrmsr(MSR_IA32_MTRRCAP, 0));
}

void guest_main(void)
{
	unsigned int i;

	msr_edx1 = cpuid(1, 0).edx;
	if (cpuid(0x80000000, 0).eax >= 0x80000001)
		msr_edx81 = cpuid(0x80000001, 0).edx;
	test_info("cpuid 1 edx=%#x, 0x80000001 edx=%#x", msr_edx1, msr_edx81);

	for (i = 0; i < sizeof(msr_cases) / sizeof(msr_cases[0]); i++)
		msr_allowed(&msr_cases[i]);
	msr_tsc_matches_rdtsc();
	msr_forbidden();
}
