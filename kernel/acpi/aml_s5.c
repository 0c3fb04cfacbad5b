/*
 * Find the \_S5 (soft-off) sleep type values in AML without an AML
 * interpreter.
 *
 * Almost every firmware declares \_S5 as a static package:
 *     Name (_S5, Package (0x04) { 0x07, Zero, Zero, Zero })
 * which encodes (ACPI 6.x section 20.2) as
 *     NameOp '_S5_' PackageOp PkgLength NumElements DataRefObject...
 * so a byte scan for that shape recovers SLP_TYPa/SLP_TYPb (7.4.2), which
 * is all a kernel needs to power off through PM1x_CNT. The name may sit
 * inside If/Scope blocks (the scan does not care) and may carry a root
 * '\' or parent '^' prefix. Anything that needs evaluation (a Method, a
 * reference to another object) is reported as malformed.
 */
#include <errno.h>
#include <string.h>

#include "kernel/acpi/acpi_priv.h"

/* AML opcodes and prefixes (20.2.2, 20.2.3, 20.2.5). */
#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_NAME_OP    0x08
#define AML_BYTE_PFX   0x0a
#define AML_WORD_PFX   0x0b
#define AML_DWORD_PFX  0x0c
#define AML_QWORD_PFX  0x0e
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR  0x5c /* '\' */
#define AML_PARENT_PFX 0x5e /* '^' */
#define AML_ONES_OP    0xff

#define SLP_TYP_MAX 7 /* SLP_TYPx is a 3-bit field (4.8.3.2.1) */

/* Is the NameSeg at aml[i] the name of a DefName (NameOp NameString)? */
static bool s5_is_defname(const uint8_t *aml, size_t i)
{
	size_t j = i;

	while (j > 0 && aml[j - 1] == AML_PARENT_PFX)
		j--;
	if (j == i && j > 0 && aml[j - 1] == AML_ROOT_CHAR)
		j--;
	return j > 0 && aml[j - 1] == AML_NAME_OP;
}

/*
 * Decode one integer constant (20.2.3 ComputationalData: ZeroOp, OneOp,
 * OnesOp, Byte/Word/DWord/QWordConst). Returns the bytes used, or 0 if
 * p does not hold one within avail bytes.
 */
static size_t aml_integer(const uint8_t *p, size_t avail, uint64_t *val)
{
	size_t size;

	if (avail < 1)
		return 0;
	switch (p[0]) {
	case AML_ZERO_OP:
		*val = 0;
		return 1;
	case AML_ONE_OP:
		*val = 1;
		return 1;
	case AML_ONES_OP:
		*val = UINT64_MAX;
		return 1;
	case AML_BYTE_PFX:
		size = 1;
		break;
	case AML_WORD_PFX:
		size = 2;
		break;
	case AML_DWORD_PFX:
		size = 4;
		break;
	case AML_QWORD_PFX:
		size = 8;
		break;
	default:
		return 0;
	}
	if (avail < 1 + size)
		return 0;
	*val = 0;
	for (size_t k = 0; k < size; k++)
		*val |= (uint64_t)p[1 + k] << (8 * k);
	return 1 + size;
}

/*
 * Decode the DefPackage at p (avail bytes to the end of the table). The
 * package must fit: PkgLength (20.2.4) counts from its own first byte to
 * the end of the package, and every element read must lie inside it.
 */
static int s5_package(const uint8_t *p, size_t avail, uint8_t *a, uint8_t *b)
{
	size_t pos = 1, nbytes, end, used;
	uint32_t pkglen;
	uint64_t v[2] = { 0, 0 };
	unsigned int count, want;

	if (avail < 2 || p[0] != AML_PACKAGE_OP)
		return -EINVAL;
	/* Lead byte bits 7:6 = extra bytes; 1 byte: bits 5:0, else 3:0 + 8 each. */
	nbytes = p[pos] >> 6;
	if (pos + 1 + nbytes > avail)
		return -EINVAL;
	if (nbytes == 0) {
		pkglen = p[pos] & 0x3f;
	} else {
		pkglen = p[pos] & 0x0f;
		for (size_t k = 0; k < nbytes; k++)
			pkglen |= (uint32_t)p[pos + 1 + k] << (4 + 8 * k);
	}
	end = pos + pkglen;
	if (pkglen < nbytes + 2 || end > avail)
		return -EINVAL;
	pos += 1 + nbytes;
	count = p[pos++];

	/*
	 * 7.4.2: Package { SLP_TYPa, SLP_TYPb, Reserved, Reserved }. ACPI
	 * 1.0-era firmware also ships a single integer holding a in bits 7:0
	 * and b in bits 15:8; OSes accept it, so do we.
	 */
	if (count == 0)
		return -EINVAL;
	want = count == 1 ? 1 : 2;
	for (unsigned int k = 0; k < want; k++) {
		used = aml_integer(p + pos, end - pos, &v[k]);
		if (!used)
			return -EINVAL;
		pos += used;
	}
	if (count == 1) {
		v[1] = (v[0] >> 8) & 0xff;
		v[0] &= 0xff;
	}
	if (v[0] > SLP_TYP_MAX || v[1] > SLP_TYP_MAX)
		return -EINVAL;
	*a = (uint8_t)v[0];
	*b = (uint8_t)v[1];
	return 0;
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	int result = -ENOENT;

	/*
	 * Every "_S5_" preceded by NameOp is a candidate; the first whose
	 * package decodes wins. A malformed one does not stop the scan (the
	 * bytes may belong to a buffer or string), but is reported if no
	 * good one follows.
	 */
	for (size_t i = 1; i + 4 <= len; i++) {
		if (aml[i] != '_' || memcmp(aml + i, "_S5_", 4) != 0 || !s5_is_defname(aml, i))
			continue;
		if (s5_package(aml + i + 4, len - i - 4, slp_typ_a, slp_typ_b) == 0)
			return 0;
		result = -EINVAL;
	}
	return result;
}
