/* UNIT_SOURCES: vmx/cpu_policy.c */
/*
 * Host tests of what a guest sees of the processor: CPUID as filtered for
 * guests, on the leaves Bochs's corei7_skylake_x reports (bochs 2.7,
 * cpu/cpudb/intel/corei7_skylake-x.cc) and on a host claiming every
 * feature; IA32_MISC_ENABLE's CPU-owned bits (fast strings from the host,
 * BTS/PEBS unavailable).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmx/cpu_policy.h"

#define BIT(n) (1U << (n))

/* Bochs corei7_skylake_x, leaf 1 (APIC enabled, CR4.OSXSAVE clear) and leaf 7 subleaf 0. */
#define SKX_L1_EAX 0x00050654
#define SKX_L1_EBX 0x00010800 /* CLFLUSH 64 bytes, 1 logical processor, APIC id 0 */
/* SSE3 PCLMUL DTES64 MONITOR DS-CPL VMX EST TM2 SSSE3 FMA CX16 xTPR PDCM PCID SSE4.1 SSE4.2
 * X2APIC MOVBE POPCNT TSC-deadline AES XSAVE AVX F16C RDRAND */
#define SKX_L1_ECX 0x77faf3bf
/* everything but bits 10, 18, 20, 30 */
#define SKX_L1_EDX 0xbfebfbff
/* FSGSBASE TSC_ADJUST BMI1 AVX2 FDP SMEP BMI2 ERMS INVPCID FCS/FDS AVX512F/DQ RDSEED ADX SMAP
 * CLFLUSHOPT CLWB AVX512CD/BW/VL */
#define SKX_L7_EBX 0xd19f27eb

static const struct cpu_policy vcpu0 = { .vcpu_id = 0,
					 .vcpu_count = 1,
					 .tsc_hz = 50000000,
					 .invpcid = true,
					 .rdtscp = true };

static struct cpu_policy_regs ask(const struct cpu_policy *p, uint32_t leaf, uint32_t subleaf,
				  struct cpu_policy_regs host)
{
	return cpu_policy_cpuid(p, leaf, subleaf, host);
}

static const struct cpu_policy_regs all_ones = { ~0U, ~0U, ~0U, ~0U };

#define UNAVAIL (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/* At vCPU setup: fast strings exactly as the host has them, nothing else of the host's. */
static void test_misc_enable_reset(void **state)
{
	(void)state;
	/* Bochs: MSR 0x1a0 reads 0 (ignore_bad_msrs), so bare Linux runs without fast strings. */
	assert_int_equal(cpu_policy_misc_enable(0, 0), UNAVAIL);
	/* A typical BIOS setting: fast strings, TM1, speedstep, MONITOR FSM, XD not disabled. */
	assert_int_equal(cpu_policy_misc_enable(0x850089, 0), MISC_ENABLE_FAST_STRING | UNAVAIL);
	/* Host's limit-CPUID-maxval and XD-disable bits stay the host's. */
	assert_int_equal(cpu_policy_misc_enable((1ULL << 22) | (1ULL << 34), 0), UNAVAIL);
}

/* Guest writes: its own bits stick, the CPU-owned ones do not move. */
static void test_misc_enable_write(void **state)
{
	uint64_t off = cpu_policy_misc_enable(0, 0);
	uint64_t on = cpu_policy_misc_enable(MISC_ENABLE_FAST_STRING, 0);

	(void)state;
	/* Turning fast strings on cannot make the CPU's string instructions fast. */
	assert_int_equal(cpu_policy_misc_enable(off, MISC_ENABLE_FAST_STRING), UNAVAIL);
	/* ... nor can turning them off make them slow. */
	assert_int_equal(cpu_policy_misc_enable(on, 0), MISC_ENABLE_FAST_STRING | UNAVAIL);
	/* Clearing BTS/PEBS unavailable does not make a debug store appear. */
	assert_int_equal(cpu_policy_misc_enable(off, 0), UNAVAIL);
	/* Other bits read back as written (Linux clears 22 and 34 if it finds them set). */
	assert_int_equal(cpu_policy_misc_enable(off, 1ULL << 22), (1ULL << 22) | UNAVAIL);
	assert_int_equal(cpu_policy_misc_enable(on, (1ULL << 34) | MISC_ENABLE_FAST_STRING),
			 (1ULL << 34) | MISC_ENABLE_FAST_STRING | UNAVAIL);
}

/* Leaf 1 on Bochs's Skylake-X: what Strata virtualises stays, the rest goes. */
static void test_leaf1_skylake(void **state)
{
	struct cpu_policy_regs host = { SKX_L1_EAX, SKX_L1_EBX, SKX_L1_ECX, SKX_L1_EDX };
	struct cpu_policy p = vcpu0;
	struct cpu_policy_regs c;

	(void)state;
	p.vcpu_id = 2;
	p.vcpu_count = 3;
	c = ask(&p, 1, 0, host);
	assert_int_equal(c.eax, SKX_L1_EAX);
	assert_int_equal(c.ebx, 0x02030800); /* APIC id 2, 3 logical processors, CLFLUSH kept */
	/* SSE3 PCLMUL SSSE3 CX16 xTPR PCID SSE4.1 SSE4.2 X2APIC MOVBE POPCNT TSC-deadline AES
	 * RDRAND + hypervisor. */
	assert_int_equal(c.ecx, 0xc3fa6203);
	assert_true(c.ecx & BIT(17)); /* PCID: CR4.PCIDE is the guest's, tagged by VPID */
	/* Without MCE (7), MCA (14), DS (21), ACPI (22), TM (29). */
	assert_int_equal(c.edx, SKX_L1_EDX & ~(BIT(7) | BIT(14) | BIT(21) | BIT(22) | BIT(29)));
}

/* The virtual APIC's x2APIC and TSC deadline and the hypervisor bit, whatever the host has. */
static void test_leaf1_added(void **state)
{
	struct cpu_policy_regs c = ask(&vcpu0, 1, 0, (struct cpu_policy_regs){ 0 });

	(void)state;
	assert_int_equal(c.ecx, BIT(21) | BIT(24) | BIT(31));
	assert_int_equal(c.ebx, 0x00010000);
}

/* A host claiming everything: nothing whose state or controls Strata lacks gets through. */
static void test_leaf1_never(void **state)
{
	struct cpu_policy_regs c = ask(&vcpu0, 1, 0, all_ones);
	/* DTES64 MONITOR DS-CPL VMX SMX EST TM2 FMA PDCM XSAVE OSXSAVE AVX F16C */
	uint32_t never = BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | BIT(12) |
			 BIT(15) | BIT(26) | BIT(27) | BIT(28) | BIT(29);

	(void)state;
	assert_int_equal(c.ecx & never, 0);
	assert_int_equal(c.ecx | never, ~0U);
	assert_int_equal(c.edx & (BIT(7) | BIT(14) | BIT(21) | BIT(22) | BIT(29)), 0);
}

/* Leaf 7: ERMS, INVPCID and TSC_ADJUST (emulated) pass, XSAVE-state features do not. */
static void test_leaf7_skylake(void **state)
{
	struct cpu_policy_regs host = { 0, SKX_L7_EBX, 0, 0 };
	struct cpu_policy p = vcpu0;
	/* FSGSBASE TSC_ADJUST BMI1 FDP SMEP BMI2 ERMS INVPCID FCS/FDS RDSEED ADX SMAP CLFLUSHOPT
	 * CLWB */
	const uint32_t want = 0x019c27cb;
	struct cpu_policy_regs c;

	(void)state;
	c = ask(&p, 7, 0, host);
	assert_int_equal(c.eax, 0);
	assert_int_equal(c.ebx, want);
	assert_true(c.ebx & BIT(9));
	assert_int_equal(c.ecx, 0);
	assert_int_equal(c.edx, 0);
	/* Without "enable INVPCID" the instruction is #UD: not offered. */
	p.invpcid = false;
	c = ask(&p, 7, 0, host);
	assert_int_equal(c.ebx, want & ~BIT(10));
}

static void test_leaf7_never(void **state)
{
	struct cpu_policy_regs c = ask(&vcpu0, 7, 0, all_ones);
	/* SGX AVX2 RDT-M MPX RDT-A AVX512F/DQ/IFMA PT AVX512PF/ER/CD/BW/VL */
	uint32_t never = BIT(2) | BIT(5) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) |
			 BIT(21) | BIT(25) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31);

	(void)state;
	assert_int_equal(c.eax, 0); /* no subleaf beyond 0 */
	assert_int_equal(c.ebx, ~never);
	assert_int_equal(c.ecx, 0);
	assert_int_equal(c.edx, BIT(4)); /* FSRM only */
	for (uint32_t sub = 1; sub < 4; sub++) {
		c = ask(&vcpu0, 7, sub, all_ones);
		assert_int_equal(c.eax | c.ebx | c.ecx | c.edx, 0);
	}
}

/* MONITOR, thermal, PMU and XSAVE leaves read as absent on every subleaf. */
static void test_zeroed_leaves(void **state)
{
	const uint32_t leaves[] = { 5, 6, 0xa, 0xd };

	(void)state;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		for (uint32_t sub = 0; sub < 3; sub++) {
			struct cpu_policy_regs c = ask(&vcpu0, leaves[i], sub, all_ones);

			assert_int_equal(c.eax | c.ebx | c.ecx | c.edx, 0);
		}
}

static void test_tsc_leaves(void **state)
{
	struct cpu_policy p = vcpu0;
	struct cpu_policy_regs c = ask(&vcpu0, 0x15, 0, all_ones);

	(void)state;
	assert_int_equal(c.eax, 1);
	assert_int_equal(c.ebx, 1);
	assert_int_equal(c.ecx, 50000000);
	assert_int_equal(c.edx, 0);
	c = ask(&vcpu0, 0x16, 0, all_ones);
	assert_int_equal(c.eax, 50);
	assert_int_equal(c.ebx, 50);
	assert_int_equal(c.ecx, 100);
	assert_int_equal(c.edx, 0);
	/* A calibration a little under the rate still names it (Linux's cpu_khz). */
	p.tsc_hz = 49996000;
	assert_int_equal(ask(&p, 0x15, 0, all_ones).ecx, 49996000);
	assert_int_equal(ask(&p, 0x16, 0, all_ones).eax, 50);
	p.tsc_hz = 3499999999ULL;
	assert_int_equal(ask(&p, 0x16, 0, all_ones).eax, 3500);
}

/* The hypervisor range is Strata's alone: the host's answer is never used there. */
static void test_hypervisor_leaves(void **state)
{
	struct cpu_policy_regs c = ask(&vcpu0, 0x40000000, 0, all_ones);

	(void)state;
	assert_true(cpu_policy_hv_leaf(0x40000000));
	assert_true(cpu_policy_hv_leaf(0x4fffffff));
	assert_false(cpu_policy_hv_leaf(0x3fffffff));
	assert_false(cpu_policy_hv_leaf(0x50000000));
	assert_int_equal(c.eax, 0x40000001);
	assert_memory_equal(&c.ebx, "Stra", 4);
	assert_memory_equal(&c.ecx, "taHV", 4);
	assert_memory_equal(&c.edx, "    ", 4);
	for (uint32_t leaf = 0x40000001; leaf < 0x40000004; leaf++) {
		c = ask(&vcpu0, leaf, 0, all_ones);
		assert_int_equal(c.eax | c.ebx | c.ecx | c.edx, 0);
	}
	c = ask(&vcpu0, 0x4fffffff, 0, all_ones);
	assert_int_equal(c.eax | c.ebx | c.ecx | c.edx, 0);
}

static void test_rdtscp(void **state)
{
	struct cpu_policy_regs host = { 0, 0, 0x121, 0x2c100800 }; /* Skylake-X 0x80000001 */
	struct cpu_policy p = vcpu0;

	(void)state;
	assert_int_equal(ask(&p, 0x80000001, 0, host).edx, 0x2c100800);
	assert_int_equal(ask(&p, 0x80000001, 0, host).ecx, 0x121);
	p.rdtscp = false;
	assert_int_equal(ask(&p, 0x80000001, 0, host).edx, 0x2c100800 & ~BIT(27));
}

/* Leaves with nothing to hide pass unchanged. */
static void test_passthrough(void **state)
{
	const uint32_t leaves[] = { 0, 2, 4, 0xb, 0x80000000, 0x80000008 };
	struct cpu_policy_regs host = { 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };

	(void)state;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpu_policy_regs c = ask(&vcpu0, leaves[i], 1, host);

		assert_memory_equal(&c, &host, sizeof(c));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1_skylake),
		cmocka_unit_test(test_leaf1_added),
		cmocka_unit_test(test_leaf1_never),
		cmocka_unit_test(test_leaf7_skylake),
		cmocka_unit_test(test_leaf7_never),
		cmocka_unit_test(test_zeroed_leaves),
		cmocka_unit_test(test_tsc_leaves),
		cmocka_unit_test(test_hypervisor_leaves),
		cmocka_unit_test(test_rdtscp),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_misc_enable_reset),
		cmocka_unit_test(test_misc_enable_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
