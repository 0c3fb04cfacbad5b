/*
 * Guest page-table walker: guest-virtual (linear) to guest-physical, as
 * the CPU translates it (SDM Vol. 3A chapter 4 "Paging"), for the
 * emulators that touch guest memory on the guest's behalf (string I/O).
 *
 * Modes (SDM Vol. 3A 4.1.1, Table 4-1), chosen by gpt_cpu_init() from
 * CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57:
 *  - paging off: the linear address is the physical one (32 bits);
 *  - 32-bit paging (4.3), with 4 MiB pages when CR4.PSE is set (PSE-36:
 *    physical bits 39:32 in PDE bits 20:13);
 *  - PAE paging (4.4), 4 KiB and 2 MiB pages. The four PDPTEs are read
 *    from guest memory at CR3 on every walk, not from the PDPTE registers
 *    the CPU loaded at MOV CR3 (the VMCS GUEST_PDPTRn fields under EPT).
 *    A guest that changes its PDPT without reloading CR3 sees the new
 *    values here; no OS relies on the stale ones. A PDPTE with reserved
 *    bits set, a #GP at MOV CR3 on hardware, shows here as a #PF with
 *    RSVD set;
 *  - 4-level paging (4.5) with 2 MiB and, when the CPU has them, 1 GiB
 *    pages; 5-level paging (CR4.LA57) the same with one more level.
 *
 * Checks: present bits, reserved bits (MAXPHYADDR and the page-size
 * specific ones), then the access rights of SDM 4.6: user/supervisor,
 * read/write with CR0.WP, execute-disable with EFER.NXE, SMEP and SMAP
 * (RFLAGS.AC given with the access). A failure yields the #PF error code
 * of SDM 4.7. Protection keys (CR4.PKE/PKS) and shadow-stack accesses are
 * not checked: Strata's CPUID hides PKU and CET, and the one user, string
 * I/O, makes neither kind of access.
 *
 * Accessed and dirty flags (SDM 4.8): a successful walk sets A in every
 * paging-structure entry it used and, for a write, D in the entry that
 * maps the page, each as one atomic OR through the ops, as the CPU's
 * locked update does. A walk that faults sets nothing (hardware may have
 * set A in the upper levels it read; software cannot tell the
 * difference, and KVM's walker behaves the same way). PAE PDPTEs have no
 * A flag.
 *
 * Pure: guest memory is reached only through struct gpt_mem_ops, so the
 * same file builds into the host unit tests and the fuzzer. Nothing is
 * cached: every call walks the tables as they are in memory now.
 */
#ifndef STRATA_VMX_GPT_H
#define STRATA_VMX_GPT_H

#include "kernel/include/strata/types.h"

/* Kinds of access, the bits they set in a #PF error code (SDM Vol. 3A 4.7). */
#define GPT_ACCESS_READ  0u
#define GPT_ACCESS_WRITE (1u << 1)
#define GPT_ACCESS_USER  (1u << 2) /* CPL 3; without it a supervisor access */
#define GPT_ACCESS_FETCH (1u << 4)
/* RFLAGS.AC = 1 on an explicit supervisor data access: SMAP allows it (SDM 4.6). */
#define GPT_ACCESS_AC (1u << 16)

/* #PF error code bits (SDM Vol. 3A 4.7, Figure 4-12). */
#define GPT_PF_P    (1u << 0) /* 0: not present; 1: protection or reserved bit */
#define GPT_PF_WR   (1u << 1)
#define GPT_PF_US   (1u << 2)
#define GPT_PF_RSVD (1u << 3)
#define GPT_PF_ID   (1u << 4)

/* Paging-structure entry flags (SDM Vol. 3A 4.3 to 4.5, Tables 4-4 to 4-20). */
#define GPT_PTE_P  (1ULL << 0)
#define GPT_PTE_RW (1ULL << 1)
#define GPT_PTE_US (1ULL << 2)
#define GPT_PTE_A  (1ULL << 5)
#define GPT_PTE_D  (1ULL << 6)
#define GPT_PTE_PS (1ULL << 7)
#define GPT_PTE_XD (1ULL << 63)

enum gpt_mode {
	GPT_MODE_NONE,   /* CR0.PG = 0 */
	GPT_MODE_32BIT,  /* SDM 4.3 */
	GPT_MODE_PAE,    /* SDM 4.4 */
	GPT_MODE_4LEVEL, /* SDM 4.5, CR4.LA57 = 0 */
	GPT_MODE_5LEVEL, /* SDM 4.5, CR4.LA57 = 1 */
};

/* The guest's paging state a walk depends on. */
struct gpt_cpu {
	enum gpt_mode mode;
	uint64_t cr3;
	bool pse;            /* CR4.PSE: 4 MiB pages (32-bit paging only) */
	bool nxe;            /* EFER.NXE: the XD bit (PAE, 4- and 5-level) */
	bool wp;             /* CR0.WP: supervisor writes obey R/W */
	bool smep;           /* CR4.SMEP */
	bool smap;           /* CR4.SMAP */
	bool gb_pages;       /* CPUID.80000001H:EDX.Page1GB[26] */
	unsigned maxphyaddr; /* M, CPUID.80000008H:EAX[7:0], 32..52 */
};

/*
 * Guest-physical memory as the walker sees it. Entries are naturally
 * aligned, 4 bytes (32-bit paging) or 8 bytes (the others).
 *
 * `read` stores the entry at `gpa` in *value (zero-extended) and returns
 * true, or returns false when `gpa` is not guest RAM. `set_bits` ORs
 * `bits` into that entry atomically (the A and D flags) and returns false
 * when `gpa` is not RAM; NULL leaves A and D alone.
 */
struct gpt_mem_ops {
	bool (*read)(void *ctx, gpa_t gpa, unsigned size, uint64_t *value);
	bool (*set_bits)(void *ctx, gpa_t gpa, unsigned size, uint64_t bits);
};

enum gpt_status {
	GPT_OK,
	GPT_PAGE_FAULT,   /* error_code is the #PF error code; CR2 would be the address */
	GPT_NONCANONICAL, /* 4/5-level: not canonical, a #GP or #SS, not a #PF (SDM 3.3.7.1) */
	GPT_BAD_GPA,      /* a paging-structure entry lies outside guest RAM (bad_gpa) */
};

struct gpt_walk {
	gpa_t gpa;           /* GPT_OK: the translation */
	uint64_t page_size;  /* GPT_OK: 4 KiB, 2 MiB, 4 MiB or 1 GiB (4 KiB with paging off) */
	uint32_t error_code; /* GPT_PAGE_FAULT */
	gpa_t bad_gpa;       /* GPT_BAD_GPA */
};

/*
 * Fill *cpu from guest control registers: CR0 (PG, WP), CR3, CR4 (PAE,
 * PSE, LA57, SMEP, SMAP), IA32_EFER (LMA, NXE). `maxphyaddr` outside
 * 32..52 is clamped; 0 means 36 (SDM Vol. 2A CPUID, leaf 80000008H
 * absent).
 */
void gpt_cpu_init(struct gpt_cpu *cpu, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer,
		  unsigned maxphyaddr, bool gb_pages);

/*
 * True when `la` is canonical for the mode: bits 63:47 (5-level: 63:56)
 * all equal. The other modes have 32-bit linear addresses and ignore
 * bits 63:32, so every value is accepted.
 */
bool gpt_canonical(const struct gpt_cpu *cpu, gva_t la);

/*
 * Translate linear address `la` for an access of kind `access` (GPT_ACCESS_*).
 * Outside 4/5-level paging bits 63:32 of `la` are ignored. On GPT_OK
 * sets the A/D flags as described above. Fills *walk and returns the
 * status; never fails otherwise.
 */
enum gpt_status gpt_translate(const struct gpt_cpu *cpu, const struct gpt_mem_ops *ops, void *ctx,
			      gva_t la, unsigned access, struct gpt_walk *walk);

#endif
