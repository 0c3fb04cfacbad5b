// SPDX-License-Identifier: MIT
/*
 * cpufeat.elf: the processor features Strata gives its guests through the
 * CPU policy (vmx/cpu_policy.c) and the MSR allowlist (vmx/vmx_msr.c):
 *
 *  - IA32_TSC_ADJUST (0x3b), emulated per vCPU through the TSC offset:
 *    it reads 0 at start; writing it moves the TSC by the same delta, and
 *    writing IA32_TIME_STAMP_COUNTER (0x10) moves it by the TSC's delta,
 *    both ways (SDM Vol. 3B 18.17.3 "Time-Stamp Counter Adjustment").
 *  - IA32_TSC_AUX (0xc0000103), read by RDTSCP: the vCPU's own value,
 *    also while another VM on the same physical CPU keeps writing its
 *    own (isolation: run two of these pinned to one CPU, each with its
 *    own "tsc_aux=0xVALUE" on the command line).
 *  - IA32_MISC_ENABLE (0x1a0): fast strings (bit 0) as the host CPU has
 *    them, given as "host_fast_strings=0|1" on the command line since a
 *    guest cannot read the host's MSR; BTS and PEBS unavailable (bits
 *    11, 12); none of the three changes on a guest WRMSR.
 *  - INVPCID: runs (types 2 and 3) when CPUID.7.0:EBX[10] offers it,
 *    raises #UD when not (SDM Vol. 2A "INVPCID").
 *
 * Where bare hardware behaves otherwise each check says so. Behaviour a
 * bare QEMU does not model uses test_check_strata() (SKIP in bare mode).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "guest.h"
#include "test.h"
#include "trap.h"
#include "try.h"

#define MSR_IA32_TSC         0x00000010
#define MSR_IA32_TSC_ADJUST  0x0000003b
#define MSR_IA32_MISC_ENABLE 0x000001a0
#define MSR_TSC_AUX          0xc0000103

#define CPUID_7_EBX_TSC_ADJUST (1u << 1)
#define CPUID_7_EBX_INVPCID    (1u << 10)
#define CPUID_81_EDX_RDTSCP    (1u << 27)

#define MISC_ENABLE_FAST_STRING  (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAIL  (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_MONITOR_FSM  (1ull << 18) /* a guest-owned bit, harmless to flip */
#define MISC_ENABLE_CPU_OWNED \
	(MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/*
 * TSC deltas. A write exits to the hypervisor and may be preempted by
 * another VM's whole slice (10 ms, 500k ticks under the Bochs of the
 * tests, where a tick is one instruction): any move within SLACK of the
 * expected one is "about" it; the deltas themselves are far larger.
 */
#define TSC_SLACK        5000000ull
#define ADJUST_STEP      (1ull << 32) /* TSC_ADJUST += 2^32: the high half moves too */
#define TSC_STEP_UP      (1ull << 31)
#define TSC_STEP_DOWN    (1ull << 32)
#define ADJUST_ISOLATION 0x0000000300000000ull

/*
 * The RDTSCP loop: a gap of more than AUX_GAP_TICKS between two reads
 * means the vCPU was descheduled (an exit to the hypervisor alone takes a
 * few thousand ticks; another VM's slice 500k under Bochs). It stops after
 * AUX_GAPS_WANT gaps or AUX_LOOP_MAX reads (~12 instructions each: 4M
 * reads are ~1 emulated second alone on a CPU, ~100 slices).
 */
#define AUX_GAP_TICKS 100000ull
#define AUX_GAPS_WANT 20
#define AUX_GAPS_MIN  4
#define AUX_LOOP_MAX  4000000u
#define AUX_DEFAULT   0x5a5a0001u

const char guest_name[] = "cpufeat";

static uint32_t own_aux = AUX_DEFAULT;
static bool have_rdtscp;

/* The value of "key=" on the command line (hex with 0x, else decimal). */
static bool cmdline_value(const char *key, uint32_t *val)
{
	const char *p = guest_boot.cmdline;

	while (*p) {
		const char *k = key, *q = p;
		uint32_t v = 0, base = 10;

		while (*k && *q == *k)
			k++, q++;
		if (!*k && *q == '=' && (p == guest_boot.cmdline || p[-1] == ' ')) {
			q++;
			if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
				base = 16;
				q += 2;
			}
			for (;; q++) {
				uint32_t d;

				if (*q >= '0' && *q <= '9')
					d = *q - '0';
				else if (base == 16 && (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f')
					d = (*q | 0x20) - 'a' + 10;
				else
					break;
				v = v * base + d;
			}
			*val = v;
			return true;
		}
		p++;
	}
	return false;
}

/* RDTSCP (SDM Vol. 2B): the TSC and IA32_TSC_AUX[31:0] in ECX. */
static inline uint64_t rdtscp(uint32_t *aux)
{
	uint32_t lo, hi;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
	return ((uint64_t)hi << 32) | lo;
}

static inline int try_rdtscp(uint32_t *aux)
{
	uint32_t lo, hi, c = 0;

	trap_arm();
	asm volatile(TRAP_TRY("rdtscp") : "=a"(lo), "=d"(hi), "+c"(c) : : "memory");
	*aux = c;
	return trap_vector();
}

/* INVPCID r32, m128 (valid outside 64-bit mode, SDM Vol. 2A "INVPCID"). */
static inline int try_invpcid(uint32_t type, const uint64_t desc[2])
{
	trap_arm();
	asm volatile(TRAP_TRY("invpcid (%0), %1") : : "r"(desc), "r"(type) : "memory");
	return trap_vector();
}

static uint64_t msr_or_zero(uint32_t msr)
{
	uint64_t v = 0;

	try_rdmsr(msr, &v);
	return v;
}

/*
 * IA32_TSC_ADJUST, SDM Vol. 3B 18.17.3: "If an execution of WRMSR to the
 * IA32_TIME_STAMP_COUNTER MSR adds (or subtracts) value X from the TSC,
 * the logical processor also adds (or subtracts) value X from the
 * IA32_TSC_ADJUST MSR", and a WRMSR that moves IA32_TSC_ADJUST by X
 * moves the TSC by X. Strata allows both writes (vmx_msr.c tsc_write()).
 * Bare QEMU 7.2's TCG keeps the MSR as plain storage: Strata-specific.
 */
static void tsc_adjust_write_adjust(void)
{
	uint64_t t0, t1, adj = ~0ull;
	int v;

	t0 = rdtsc();
	v = try_wrmsr(MSR_IA32_TSC_ADJUST, ADJUST_STEP);
	t1 = rdtsc();
	try_rdmsr(MSR_IA32_TSC_ADJUST, &adj);
	test_check_strata(v == TRAP_NONE && adj == ADJUST_STEP, "tsc_adjust_write_reads_back",
			  "wrmsr %s, read %#llx, want %#llx", trap_name(v), (unsigned long long)adj,
			  (unsigned long long)ADJUST_STEP);
	test_check_strata(t1 - t0 >= ADJUST_STEP && t1 - t0 - ADJUST_STEP < TSC_SLACK,
			  "tsc_adjust_write_moves_tsc",
			  "rdtsc %#llx -> %#llx, moved %#llx, want ~%#llx", (unsigned long long)t0,
			  (unsigned long long)t1, (unsigned long long)(t1 - t0),
			  (unsigned long long)ADJUST_STEP);
}

/*
 * WRMSR IA32_TSC = T: the hypervisor moves the TSC from its value at the
 * exit (a little past the guest's last read) to T, and TSC_ADJUST by the
 * same delta. So TSC_ADJUST moves by the intended step minus the ticks in
 * between: (step - SLACK, step] up, [-step - SLACK, -step) down.
 */
static void tsc_write_moves_adjust(const char *name, bool up, uint64_t step)
{
	uint64_t a0 = msr_or_zero(MSR_IA32_TSC_ADJUST), a1 = 0, t0, t1;
	uint64_t moved;
	int v;

	t0 = rdtsc();
	v = try_wrmsr(MSR_IA32_TSC, up ? t0 + step : t0 - step);
	t1 = rdtsc();
	try_rdmsr(MSR_IA32_TSC_ADJUST, &a1);
	moved = up ? a1 - a0 : a0 - a1; /* the adjust's move in the direction written */
	if (v != TRAP_NONE) {
		test_check_strata(false, name, "wrmsr IA32_TSC raised %s", trap_name(v));
		return;
	}
	test_check_strata(up ? moved <= step && step - moved < TSC_SLACK
			     : moved >= step && moved - step < TSC_SLACK,
			  name, "tsc_adjust %#llx -> %#llx after tsc %#llx -> %#llx (rdtsc %#llx)",
			  (unsigned long long)a0, (unsigned long long)a1, (unsigned long long)t0,
			  (unsigned long long)(up ? t0 + step : t0 - step), (unsigned long long)t1);
}

/* Back to 0: the TSC falls by what TSC_ADJUST held. */
static void tsc_adjust_clear(void)
{
	uint64_t adj = msr_or_zero(MSR_IA32_TSC_ADJUST), t0, t1, after = ~0ull;

	t0 = rdtsc();
	try_wrmsr(MSR_IA32_TSC_ADJUST, 0);
	t1 = rdtsc();
	try_rdmsr(MSR_IA32_TSC_ADJUST, &after);
	/* t1 = t0 - adj + the ticks of the write itself. */
	test_check_strata(after == 0 && t1 - (t0 - adj) < TSC_SLACK, "tsc_adjust_clear_moves_tsc",
			  "tsc_adjust %#llx -> %#llx, rdtsc %#llx -> %#llx",
			  (unsigned long long)adj, (unsigned long long)after,
			  (unsigned long long)t0, (unsigned long long)t1);
}

static void tsc_adjust_tests(uint32_t ebx7)
{
	uint64_t adj = ~0ull;
	int v;

	if (!(ebx7 & CPUID_7_EBX_TSC_ADJUST)) {
		test_check_strata(false, "tsc_adjust_cpuid", "CPUID.7.0:EBX[1] clear");
		return;
	}
	/*
	 * 0 from reset (SDM 18.17.3); bare hardware shows what firmware
	 * wrote to IA32_TSC (or to the MSR itself) since.
	 */
	v = try_rdmsr(MSR_IA32_TSC_ADJUST, &adj);
	if (!test_check(v == TRAP_NONE, "tsc_adjust_read", "rdmsr 0x3b raised %s", trap_name(v)))
		return;
	test_check_strata(adj == 0, "tsc_adjust_starts_at_zero", "read %#llx",
			  (unsigned long long)adj);
	tsc_adjust_write_adjust();
	tsc_write_moves_adjust("tsc_write_moves_adjust_up", true, TSC_STEP_UP);
	tsc_write_moves_adjust("tsc_write_moves_adjust_down", false, TSC_STEP_DOWN);
	tsc_adjust_clear();
}

/* The vCPU's own TSC_AUX, as RDMSR and RDTSCP read it. */
static void tsc_aux_tests(void)
{
	uint64_t rd = 0, t0, t1, t2, high = 0;
	uint32_t aux = 0;
	int v;

	v = try_rdtscp(&aux);
	test_check(v == TRAP_NONE, "rdtscp_runs", "CPUID offers RDTSCP but it raised %s",
		   trap_name(v));
	try_rdmsr(MSR_TSC_AUX, &rd);
	test_check(rd == own_aux, "tsc_aux_rdmsr", "wrote %#x, rdmsr %#llx", own_aux,
		   (unsigned long long)rd);
	t0 = rdtsc();
	t1 = rdtscp(&aux);
	t2 = rdtsc();
	test_check(aux == own_aux, "tsc_aux_rdtscp", "wrote %#x, rdtscp ecx %#x", own_aux, aux);
	test_check(t0 <= t1 && t1 <= t2, "rdtscp_tsc", "rdtsc %#llx, rdtscp %#llx, rdtsc %#llx",
		   (unsigned long long)t0, (unsigned long long)t1, (unsigned long long)t2);
	/* Bits 63:32 are reserved: #GP(0), the value unchanged (SDM Vol. 4, table 2-2). */
	v = try_wrmsr(MSR_TSC_AUX, (1ull << 32) | own_aux);
	try_rdmsr(MSR_TSC_AUX, &high);
	test_check(v == TRAP_GP && high == own_aux, "tsc_aux_reserved_gp",
		   "wrmsr with bit 32 set: %s, reads %#llx", trap_name(v),
		   (unsigned long long)high);
	try_wrmsr(MSR_TSC_AUX, own_aux);
}

/*
 * Isolation: RDTSCP runs without exits and reads the CPU's TSC_AUX, which
 * VMX does not switch; Strata loads each vCPU's own at every switch. Spin
 * over RDTSCP across many slices of this VM and the other one sharing the
 * CPU: ECX must always be ours. TSC_ADJUST, held in the VMCS's TSC
 * offset, must survive the other VM's slices too.
 */
static void tsc_aux_isolation(uint32_t ebx7)
{
	uint64_t adjust_own = ADJUST_ISOLATION + own_aux, adj = 0, prev, now;
	uint32_t aux, bad_aux = 0, bad = 0, gaps = 0, n;
	bool adjust = ebx7 & CPUID_7_EBX_TSC_ADJUST;

	if (adjust)
		try_wrmsr(MSR_IA32_TSC_ADJUST, adjust_own);
	prev = rdtscp(&aux);
	for (n = 0; n < AUX_LOOP_MAX && gaps < AUX_GAPS_WANT; n++) {
		now = rdtscp(&aux);
		if (aux != own_aux && bad++ == 0)
			bad_aux = aux;
		if (now - prev > AUX_GAP_TICKS)
			gaps++;
		prev = now;
	}
	test_info("tsc_aux loop: %u rdtscp, %u gaps over %llu ticks", n, gaps,
		  (unsigned long long)AUX_GAP_TICKS);
	test_check(bad == 0, "tsc_aux_isolation", "%u of %u rdtscp read ecx != %#x (first %#x)",
		   bad, n, own_aux, bad_aux);
	/* Bare, nothing else shares the CPU: a gap is at most an SMI or the host's scheduler. */
	test_check_strata(gaps >= AUX_GAPS_MIN, "tsc_aux_loop_preempted",
			  "%u gaps: the loop did not span other VMs' slices", gaps);
	if (!adjust)
		return;
	try_rdmsr(MSR_IA32_TSC_ADJUST, &adj);
	test_check_strata(adj == adjust_own, "tsc_adjust_isolation", "wrote %#llx, read %#llx",
			  (unsigned long long)adjust_own, (unsigned long long)adj);
	try_wrmsr(MSR_IA32_TSC_ADJUST, 0);
}

/*
 * IA32_MISC_ENABLE's CPU-owned bits (vmx/cpu_policy.h). Bare hardware:
 * bit 0 is the OS's to set (R/W); bits 11 and 12 are read-only and clear
 * on a CPU whose debug store has BTS/PEBS. Strata shows the host's bit 0
 * (the MSR is not switched, so the guest's string instructions run with
 * it) and never offers a debug store.
 */
static void misc_enable_tests(void)
{
	uint64_t v = 0, flipped = ~0ull, guest_bit = 0, restored = ~0ull;
	uint32_t host_fast;
	int vec;

	vec = try_rdmsr(MSR_IA32_MISC_ENABLE, &v);
	if (!test_check_strata(vec == TRAP_NONE, "misc_enable_read", "rdmsr 0x1a0 raised %s",
			       trap_name(vec)))
		return;
	test_info("misc_enable = %#llx", (unsigned long long)v);
	if (cmdline_value("host_fast_strings", &host_fast))
		test_check_strata(!!(v & MISC_ENABLE_FAST_STRING) == !!host_fast,
				  "misc_enable_fast_strings_host", "bit 0 = %u, host's = %u",
				  (unsigned int)(v & MISC_ENABLE_FAST_STRING), host_fast);
	else
		test_info("no host_fast_strings= on the command line: bit 0 not judged");
	test_check_strata((v & MISC_ENABLE_BTS_UNAVAIL) && (v & MISC_ENABLE_PEBS_UNAVAIL),
			  "misc_enable_bts_pebs_unavailable", "misc_enable %#llx, want bits 11, 12",
			  (unsigned long long)v);

	/* Flip the CPU-owned bits: none may move. */
	vec = try_wrmsr(MSR_IA32_MISC_ENABLE, v ^ MISC_ENABLE_CPU_OWNED);
	try_rdmsr(MSR_IA32_MISC_ENABLE, &flipped);
	test_check_strata(vec == TRAP_NONE && flipped == v, "misc_enable_cpu_bits_fixed",
			  "wrote %#llx (%s), read %#llx, want %#llx",
			  (unsigned long long)(v ^ MISC_ENABLE_CPU_OWNED), trap_name(vec),
			  (unsigned long long)flipped, (unsigned long long)v);
	/* ...while a guest-owned bit does: the write was not simply dropped. */
	try_wrmsr(MSR_IA32_MISC_ENABLE, v ^ MISC_ENABLE_MONITOR_FSM);
	try_rdmsr(MSR_IA32_MISC_ENABLE, &guest_bit);
	try_wrmsr(MSR_IA32_MISC_ENABLE, v);
	try_rdmsr(MSR_IA32_MISC_ENABLE, &restored);
	test_check_strata(guest_bit == (v ^ MISC_ENABLE_MONITOR_FSM) && restored == v,
			  "misc_enable_guest_bit_sticks",
			  "flipped bit 18: read %#llx, restored %#llx",
			  (unsigned long long)guest_bit, (unsigned long long)restored);
}

/*
 * INVPCID types 2 (all contexts, globals too) and 3 (all but globals)
 * ignore the descriptor and need no CR4.PCIDE; an invalid type (> 3) and
 * types 0/1 naming a PCID other than 0 with CR4.PCIDE = 0 raise #GP(0)
 * (SDM Vol. 2A "INVPCID", protected-mode exceptions), which shows the
 * instruction really ran. Without CPUID.7.0:EBX[10] it is #UD; under VMX
 * also when "enable INVPCID" is clear (SDM Vol. 3C 25.6.2).
 */
static void invpcid_tests(uint32_t ebx7)
{
	static const uint64_t zero[2], pcid1[2] = { 1, 0 };
	int v;

	if (!(ebx7 & CPUID_7_EBX_INVPCID)) {
		v = try_invpcid(2, zero);
		test_check(v == TRAP_UD, "invpcid_absent_ud", "CPUID.7.0:EBX[10] clear, got %s",
			   trap_name(v));
		return;
	}
	v = try_invpcid(2, zero);
	test_check(v == TRAP_NONE, "invpcid_type2", "got %s", trap_name(v));
	v = try_invpcid(3, zero);
	test_check(v == TRAP_NONE, "invpcid_type3", "got %s", trap_name(v));
	v = try_invpcid(4, zero);
	test_check(v == TRAP_GP && trap_last.error == 0, "invpcid_bad_type_gp",
		   "type 4: got %s error=%#x", trap_name(v), trap_last.error);
	if (!(read_cr4() & (1u << 17))) {
		v = try_invpcid(1, pcid1);
		test_check(v == TRAP_GP && trap_last.error == 0, "invpcid_pcid_without_pcide_gp",
			   "type 1 pcid 1 with CR4.PCIDE=0: got %s", trap_name(v));
	}
}

void guest_main(void)
{
	uint32_t max = cpuid(0, 0).eax, ebx7 = 0, edx81 = 0;

	if (max >= 7)
		ebx7 = cpuid(7, 0).ebx;
	if (cpuid(0x80000000, 0).eax >= 0x80000001)
		edx81 = cpuid(0x80000001, 0).edx;
	have_rdtscp = edx81 & CPUID_81_EDX_RDTSCP;
	cmdline_value("tsc_aux", &own_aux);
	test_info("cpuid 7.0 ebx=%#x, 0x80000001 edx=%#x, tsc_aux=%#x", ebx7, edx81, own_aux);

	/* First, so the other VM of the pair meets our value for as long as possible. */
	if (have_rdtscp)
		test_check(try_wrmsr(MSR_TSC_AUX, own_aux) == TRAP_NONE, "tsc_aux_write",
			   "wrmsr 0xc0000103 faulted");

	tsc_adjust_tests(ebx7);
	misc_enable_tests();
	invpcid_tests(ebx7);
	if (!have_rdtscp) {
		test_info("CPUID.80000001:EDX.RDTSCP clear: TSC_AUX checks skipped");
		return;
	}
	tsc_aux_tests();
	tsc_aux_isolation(ebx7);
}
