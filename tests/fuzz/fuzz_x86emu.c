/* FUZZ_SOURCES: vmx/emul/x86emu.c vmx/emul/decode.c vmx/emul/exec.c */
/*
 * libFuzzer target for the MMIO instruction emulator: random bytes as the
 * instruction, in a random mode, with random registers, flags, segment
 * bases and exit information, against ops that accept any access (and,
 * when the input asks, fail one with a #PF, a retry or a refusal).
 *
 * Besides the sanitizers' checks it asserts what the exit handler relies
 * on: the result is one of the four; instruction bytes are fetched in
 * order from CS.base + IP (wrapping as the mode does), never across a
 * page and never more than 15; device accesses are 1, 2, 4 or 8 bytes
 * inside the faulting guest-physical page; after X86EMU_OK the
 * instruction was 1..15 bytes and RIP moved past it (or, for a REP string
 * instruction stopped at the page end, stayed); after anything else RIP
 * did not move; faults are #UD, #SS, #GP or the ops' #PF, with error codes
 * only where the architecture has them; reports are NUL-terminated and
 * say something when they must.
 *
 * Input:
 *	byte 0      mode (modulo 5)
 *	byte 1      bit 0 gla valid, bits 3:1 access kind, bit 4 LA57,
 *	            bits 7:5 which op fails (0 none, see fuzz_fail)
 *	byte 2      RFLAGS: CF PF AF ZF SF DF OF TF from bits 0-7
 *	byte 3      bit 0 RF, bits 7:4 index of the access that fails
 *	bytes 4-11  guest linear address of the exit
 *	bytes 12-19 guest-physical address of the exit
 *	bytes 20-34 instruction bytes
 *	then        RIP, 16 registers, 6 segment bases, 8 bytes each
 *	            (missing ones are small fixed values)
 * Seeds: tests/fuzz/corpus/x86emu/.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmx/emul/x86emu.h"

#define FUZZ_CHECK(cond)                  \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum fuzz_fail { FAIL_NONE, FAIL_FETCH, FAIL_READ, FAIL_WRITE, FAIL_MMIO_RETRY, FAIL_MMIO_REFUSE };

static struct fuzz_vcpu {
	struct x86emu_request req;
	uint64_t gpr[X86EMU_NR_GPRS], rip, rflags, seg[X86EMU_NR_SEGS];
	uint8_t insn[X86EMU_MAX_INSN_LEN];
	unsigned int fetched, calls, fail_at;
	enum fuzz_fail fail;
	bool injected_pf;
	unsigned int mmio_calls;
} v;

static uint64_t fuzz_u64(const uint8_t *p)
{
	uint64_t x = 0;

	for (unsigned int i = 8; i-- > 0;)
		x = x << 8 | p[i];
	return x;
}

static uint64_t fuzz_ip_mask(enum x86emu_mode mode)
{
	return mode == X86EMU_MODE_LONG64   ? ~0ULL
	       : mode == X86EMU_MODE_PROT32 ? 0xffffffffULL
					    : 0xffffULL;
}

/* Whether this op call is the one the input wants to fail. */
static bool fuzz_fails(enum fuzz_fail kind)
{
	v.calls++;
	return v.fail == kind && v.calls == v.fail_at;
}

static enum x86emu_result fuzz_pf(struct x86emu_exception *exc, gva_t la, uint32_t error)
{
	exc->vector = X86EMU_EXC_PF;
	exc->has_error_code = true;
	exc->error_code = error;
	exc->cr2 = la;
	v.injected_pf = true;
	return X86EMU_FAULT;
}

static enum x86emu_result fuzz_fetch(void *opaque, gva_t la, uint8_t *buf, unsigned int len,
				     struct x86emu_exception *exc)
{
	uint64_t off = (v.rip + v.fetched) & fuzz_ip_mask(v.req.mode);
	gva_t want = v.req.mode == X86EMU_MODE_LONG64 ? off
						      : (v.seg[X86EMU_CS] + off) & 0xffffffffULL;

	FUZZ_CHECK(len >= 1 && v.fetched + len <= X86EMU_MAX_INSN_LEN);
	FUZZ_CHECK((la & (X86EMU_PAGE_SIZE - 1)) + len <= X86EMU_PAGE_SIZE);
	FUZZ_CHECK(la == want);
	if (fuzz_fails(FAIL_FETCH))
		return fuzz_pf(exc, la, 0x10);
	memcpy(buf, v.insn + v.fetched, len);
	v.fetched += len;
	return X86EMU_OK;
}

static enum x86emu_result fuzz_read_mem(void *opaque, gva_t la, uint8_t *buf, unsigned int size,
					struct x86emu_exception *exc)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	if (fuzz_fails(FAIL_READ))
		return fuzz_pf(exc, la, 0);
	for (unsigned int i = 0; i < size; i++)
		buf[i] = (uint8_t)((la + i) * 0x9d);
	return X86EMU_OK;
}

static enum x86emu_result fuzz_write_mem(void *opaque, gva_t la, const uint8_t *buf,
					 unsigned int size, struct x86emu_exception *exc)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	if (fuzz_fails(FAIL_WRITE))
		return fuzz_pf(exc, la, 2);
	return X86EMU_OK;
}

static enum x86emu_result fuzz_mmio(gpa_t gpa, unsigned int size)
{
	FUZZ_CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	FUZZ_CHECK((gpa & ~(uint64_t)(X86EMU_PAGE_SIZE - 1)) ==
		   (v.req.gpa & ~(uint64_t)(X86EMU_PAGE_SIZE - 1)));
	FUZZ_CHECK((gpa & (X86EMU_PAGE_SIZE - 1)) + size <= X86EMU_PAGE_SIZE);
	v.mmio_calls++;
	if (fuzz_fails(FAIL_MMIO_RETRY))
		return X86EMU_RETRY;
	if (v.fail == FAIL_MMIO_REFUSE && v.calls == v.fail_at)
		return X86EMU_UNSUPPORTED;
	return X86EMU_OK;
}

static enum x86emu_result fuzz_mmio_read(void *opaque, gpa_t gpa, unsigned int size,
					 uint64_t *value)
{
	*value = gpa * 0x9e3779b97f4a7c15ULL; /* wider than size: the emulator masks */
	return fuzz_mmio(gpa, size);
}

static enum x86emu_result fuzz_mmio_write(void *opaque, gpa_t gpa, unsigned int size,
					  uint64_t value)
{
	FUZZ_CHECK(size == 8 || value >> (8 * size) == 0);
	return fuzz_mmio(gpa, size);
}

static uint64_t fuzz_read_gpr(void *opaque, enum x86emu_gpr reg)
{
	FUZZ_CHECK(reg < X86EMU_NR_GPRS);
	return v.gpr[reg];
}

static void fuzz_write_gpr(void *opaque, enum x86emu_gpr reg, uint64_t value)
{
	FUZZ_CHECK(reg < X86EMU_NR_GPRS);
	v.gpr[reg] = value;
}

static uint64_t fuzz_read_rip(void *opaque)
{
	return v.rip;
}

static void fuzz_write_rip(void *opaque, uint64_t rip)
{
	v.rip = rip;
}

static uint64_t fuzz_read_rflags(void *opaque)
{
	return v.rflags;
}

static void fuzz_write_rflags(void *opaque, uint64_t rflags)
{
	v.rflags = rflags;
}

static uint64_t fuzz_seg_base(void *opaque, enum x86emu_seg seg)
{
	FUZZ_CHECK(seg < X86EMU_NR_SEGS);
	if (v.req.mode == X86EMU_MODE_LONG64)
		FUZZ_CHECK(seg == X86EMU_FS || seg == X86EMU_GS);
	return v.seg[seg];
}

static const struct x86emu_ops fuzz_ops = {
	.fetch = fuzz_fetch,
	.read_mem = fuzz_read_mem,
	.write_mem = fuzz_write_mem,
	.mmio_read = fuzz_mmio_read,
	.mmio_write = fuzz_mmio_write,
	.read_gpr = fuzz_read_gpr,
	.write_gpr = fuzz_write_gpr,
	.read_rip = fuzz_read_rip,
	.write_rip = fuzz_write_rip,
	.read_rflags = fuzz_read_rflags,
	.write_rflags = fuzz_write_rflags,
	.seg_base = fuzz_seg_base,
};

static void fuzz_setup(const uint8_t *data, size_t size)
{
	static const uint64_t flag_bits[8] = { X86EMU_FLAG_CF, X86EMU_FLAG_PF, X86EMU_FLAG_AF,
					       X86EMU_FLAG_ZF, X86EMU_FLAG_SF, X86EMU_FLAG_DF,
					       X86EMU_FLAG_OF, X86EMU_FLAG_TF };
	uint8_t head[35] = { 0 };
	size_t pos = sizeof(head);
	uint64_t *vals[1 + X86EMU_NR_GPRS + X86EMU_NR_SEGS];
	unsigned int n = 0;

	memset(&v, 0, sizeof(v));
	memcpy(head, data, size < sizeof(head) ? size : sizeof(head));
	v.req.mode = (enum x86emu_mode)(head[0] % 5);
	v.req.gla_valid = head[1] & 1;
	v.req.access = (head[1] >> 1) & 7;
	v.req.la57 = head[1] & 0x10;
	v.fail = (enum fuzz_fail)(head[1] >> 5);
	v.fail_at = 1 + (head[3] >> 4);
	v.rflags = 0x2;
	for (unsigned int i = 0; i < 8; i++)
		if (head[2] & (1u << i))
			v.rflags |= flag_bits[i];
	if (head[3] & 1)
		v.rflags |= X86EMU_FLAG_RF;
	v.req.gla = fuzz_u64(head + 4);
	v.req.gpa = fuzz_u64(head + 12);
	memcpy(v.insn, head + 20, sizeof(v.insn));

	vals[n++] = &v.rip;
	for (unsigned int i = 0; i < X86EMU_NR_GPRS; i++)
		vals[n++] = &v.gpr[i];
	for (unsigned int i = 0; i < X86EMU_NR_SEGS; i++)
		vals[n++] = &v.seg[i];
	for (unsigned int i = 0; i < n; i++, pos += 8)
		*vals[i] = pos + 8 <= size ? fuzz_u64(data + pos) : 0x1000 + 0x100 * i;
	if (v.req.mode != X86EMU_MODE_LONG64)
		v.rip &= fuzz_ip_mask(v.req.mode); /* VM entry keeps RIP in range */
}

static void fuzz_check(enum x86emu_result rc, const struct x86emu_report *rep, uint64_t rip,
		       uint64_t rflags)
{
	bool rep_prefix = memchr(rep->insn, 0xf3, rep->insn_len) ||
			  memchr(rep->insn, 0xf2, rep->insn_len);

	FUZZ_CHECK(rep->insn_len <= X86EMU_MAX_INSN_LEN);
	FUZZ_CHECK(v.fetched <= X86EMU_MAX_INSN_LEN);
	FUZZ_CHECK(memchr(rep->reason, '\0', sizeof(rep->reason)));
	FUZZ_CHECK(rep->mmio_accesses == v.mmio_calls);
	FUZZ_CHECK(!rep->single_step || (rc == X86EMU_OK && (rflags & X86EMU_FLAG_TF)));
	switch (rc) {
	case X86EMU_OK:
		FUZZ_CHECK(rep->insn_len >= 1);
		FUZZ_CHECK(!memcmp(rep->insn, v.insn, rep->insn_len));
		FUZZ_CHECK(rep->reason[0] == '\0');
		FUZZ_CHECK(v.rip == ((rip + rep->insn_len) & fuzz_ip_mask(v.req.mode)) ||
			   (v.rip == rip && rep_prefix));
		FUZZ_CHECK(!(v.rflags & X86EMU_FLAG_RF) || v.rip == rip);
		break;
	case X86EMU_FAULT:
		FUZZ_CHECK(v.rip == rip);
		FUZZ_CHECK(rep->exc.vector == X86EMU_EXC_UD || rep->exc.vector == X86EMU_EXC_SS ||
			   rep->exc.vector == X86EMU_EXC_GP ||
			   (rep->exc.vector == X86EMU_EXC_PF && v.injected_pf));
		FUZZ_CHECK(rep->exc.has_error_code ==
			   (rep->exc.vector != X86EMU_EXC_UD && v.req.mode != X86EMU_MODE_REAL));
		FUZZ_CHECK(rep->reason[0] == '\0');
		break;
	case X86EMU_UNSUPPORTED:
	case X86EMU_RETRY:
		FUZZ_CHECK(v.rip == rip);
		FUZZ_CHECK(rep->reason[0] != '\0');
		break;
	default:
		FUZZ_CHECK(false);
	}
	if (rc != X86EMU_OK)
		FUZZ_CHECK(v.rflags == rflags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x86emu_report rep;
	enum x86emu_result rc;
	uint64_t rip, rflags;

	fuzz_setup(data, size);
	rip = v.rip;
	rflags = v.rflags;
	rc = x86emu_emulate(&fuzz_ops, &v, &v.req, &rep);
	fuzz_check(rc, &rep, rip, rflags);
	return 0;
}
