/* UNIT_SOURCES: boot/common/elf.c */
/*
 * Host tests of the ELF executable parser. Each malformation is a row of
 * a table: a valid image is built here (an ELF64 kernel shaped like
 * linker.ld's output, or an ELF32 multiboot guest), a few fields are
 * patched, and the parser must report the expected error. Every image is
 * parsed from a heap buffer of its exact size so ASan flags any read past
 * the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "boot/common/elf.h"

#define KVIRT 0xffffffff80000000ULL

/* ELF64 layout: header at 0, 4 program headers at 64 (56 bytes each). */
#define E64_PH(i, off) (64 + 56 * (i) + (off))
#define P64_TYPE       0
#define P64_FLAGS      4
#define P64_OFFSET     8
#define P64_VADDR      16
#define P64_PADDR      24
#define P64_FILESZ     32
#define P64_MEMSZ      40
#define P64_ALIGN      48
#define E64_SIZE       0x3100

/* ELF32 layout: header at 0, 2 program headers at 52 (32 bytes each). */
#define E32_PH(i, off) (52 + 32 * (i) + (off))
#define P32_OFFSET     4
#define P32_VADDR      8
#define P32_PADDR      12
#define P32_FILESZ     16
#define P32_MEMSZ      20
#define P32_FLAGS      24
#define E32_SIZE       0x2100

static void put(uint8_t *b, size_t off, unsigned int width, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_phdr64(uint8_t *b, int i, uint32_t type, uint32_t flags, uint64_t off,
		       uint64_t vaddr, uint64_t paddr, uint64_t filesz, uint64_t memsz,
		       uint64_t align)
{
	put(b, E64_PH(i, P64_TYPE), 4, type);
	put(b, E64_PH(i, P64_FLAGS), 4, flags);
	put(b, E64_PH(i, P64_OFFSET), 8, off);
	put(b, E64_PH(i, P64_VADDR), 8, vaddr);
	put(b, E64_PH(i, P64_PADDR), 8, paddr);
	put(b, E64_PH(i, P64_FILESZ), 8, filesz);
	put(b, E64_PH(i, P64_MEMSZ), 8, memsz);
	put(b, E64_PH(i, P64_ALIGN), 8, align);
}

/*
 * The kernel's shape: an identity-linked .boot segment, high-half text,
 * data with .bss, and a PT_GNU_STACK entry that must be ignored.
 */
static void build_elf64(uint8_t *b)
{
	memset(b, 0, E64_SIZE);
	memcpy(b, "\177ELF", 4);
	b[4] = 2;                        /* ELFCLASS64 */
	b[5] = 1;                        /* ELFDATA2LSB */
	b[6] = 1;                        /* EV_CURRENT */
	put(b, 16, 2, 2);                /* ET_EXEC */
	put(b, 18, 2, 62);               /* EM_X86_64 */
	put(b, 20, 4, 1);                /* e_version */
	put(b, 24, 8, KVIRT + 0x201000); /* e_entry */
	put(b, 32, 8, 64);               /* e_phoff */
	put(b, 52, 2, 64);               /* e_ehsize */
	put(b, 54, 2, 56);               /* e_phentsize */
	put(b, 56, 2, 4);                /* e_phnum */
	put_phdr64(b, 0, 1, ELF_PF_R | ELF_PF_X, 0x1000, 0x200000, 0x200000, 0x100, 0x100, 0x1000);
	put_phdr64(b, 1, 1, ELF_PF_R | ELF_PF_X, 0x2000, KVIRT + 0x201000, 0x201000, 0x800, 0x800,
		   0x1000);
	put_phdr64(b, 2, 1, ELF_PF_R | ELF_PF_W, 0x3000, KVIRT + 0x202000, 0x202000, 0x100, 0x4000,
		   0x1000);
	put_phdr64(b, 3, 0x6474e551, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 0, 16);
}

/* A multiboot guest: two segments at 1 MiB, identity linked. */
static void build_elf32(uint8_t *b)
{
	memset(b, 0, E32_SIZE);
	memcpy(b, "\177ELF", 4);
	b[4] = 1; /* ELFCLASS32 */
	b[5] = 1;
	b[6] = 1;
	put(b, 16, 2, 2); /* ET_EXEC */
	put(b, 18, 2, 3); /* EM_386 */
	put(b, 20, 4, 1);
	put(b, 24, 4, 0x100010); /* e_entry */
	put(b, 28, 4, 52);       /* e_phoff */
	put(b, 40, 2, 52);       /* e_ehsize */
	put(b, 42, 2, 32);       /* e_phentsize */
	put(b, 44, 2, 2);        /* e_phnum */
	put(b, E32_PH(0, 0), 4, 1);
	put(b, E32_PH(0, P32_OFFSET), 4, 0x1000);
	put(b, E32_PH(0, P32_VADDR), 4, 0x100000);
	put(b, E32_PH(0, P32_PADDR), 4, 0x100000);
	put(b, E32_PH(0, P32_FILESZ), 4, 0x200);
	put(b, E32_PH(0, P32_MEMSZ), 4, 0x200);
	put(b, E32_PH(0, P32_FLAGS), 4, ELF_PF_R | ELF_PF_X);
	put(b, E32_PH(0, 28), 4, 0x1000);
	put(b, E32_PH(1, 0), 4, 1);
	put(b, E32_PH(1, P32_OFFSET), 4, 0x2000);
	put(b, E32_PH(1, P32_VADDR), 4, 0x101000);
	put(b, E32_PH(1, P32_PADDR), 4, 0x101000);
	put(b, E32_PH(1, P32_FILESZ), 4, 0x100);
	put(b, E32_PH(1, P32_MEMSZ), 4, 0x1000);
	put(b, E32_PH(1, P32_FLAGS), 4, ELF_PF_R | ELF_PF_W);
	put(b, E32_PH(1, 28), 4, 0x1000);
}

/* Parse exactly `size` bytes from a private heap copy (ASan-bounded). */
static enum elf_error parse_copy(const uint8_t *b, size_t size, unsigned int accept,
				 struct elf_image *img)
{
	uint8_t *copy = malloc(size ? size : 1);
	enum elf_error err;

	assert_non_null(copy);
	memcpy(copy, b, size);
	err = elf_parse(copy, size, accept, img);
	free(copy);
	return err;
}

struct patch {
	size_t off;
	unsigned int width; /* 0 ends the list */
	uint64_t val;
};

struct elf_case {
	const char *name;
	int cls; /* 64 or 32 */
	unsigned int accept;
	size_t size; /* 0: the full image */
	struct patch p[4];
	enum elf_error want;
};

#define A64 ELF_ACCEPT_X86_64
#define A32 ELF_ACCEPT_I386
#define AB  (ELF_ACCEPT_X86_64 | ELF_ACCEPT_I386)

/* clang-format off */
static const struct elf_case elf_cases[] = {
	{ "valid elf64", 64, A64, 0, { { 0 } }, ELF_OK },
	{ "valid elf64, both accepted", 64, AB, 0, { { 0 } }, ELF_OK },
	{ "valid elf32", 32, A32, 0, { { 0 } }, ELF_OK },
	{ "no kind accepted", 64, 0, 0, { { 0 } }, ELF_ERR_ARGS },
	{ "ident only", 64, A64, 16, { { 0 } }, ELF_ERR_TRUNCATED },
	{ "header cut short", 64, A64, 63, { { 0 } }, ELF_ERR_TRUNCATED },
	{ "elf32 header cut short", 32, A32, 51, { { 0 } }, ELF_ERR_TRUNCATED },
	{ "bad magic", 64, A64, 0, { { 1, 1, 'X' } }, ELF_ERR_MAGIC },
	{ "bad magic byte 0", 64, A64, 0, { { 0, 1, 0x7e } }, ELF_ERR_MAGIC },
	{ "class none", 64, A64, 0, { { 4, 1, 0 } }, ELF_ERR_CLASS },
	{ "class 3", 64, AB, 0, { { 4, 1, 3 } }, ELF_ERR_CLASS },
	{ "elf32 not accepted", 32, A64, 0, { { 0 } }, ELF_ERR_CLASS },
	{ "elf64 not accepted", 64, A32, 0, { { 0 } }, ELF_ERR_CLASS },
	{ "big endian", 64, A64, 0, { { 5, 1, 2 } }, ELF_ERR_DATA },
	{ "ident version 0", 64, A64, 0, { { 6, 1, 0 } }, ELF_ERR_VERSION },
	{ "e_version 2", 64, A64, 0, { { 20, 4, 2 } }, ELF_ERR_VERSION },
	{ "ET_REL", 64, A64, 0, { { 16, 2, 1 } }, ELF_ERR_TYPE },
	{ "ET_DYN", 64, A64, 0, { { 16, 2, 3 } }, ELF_ERR_TYPE },
	{ "elf64 EM_386", 64, A64, 0, { { 18, 2, 3 } }, ELF_ERR_MACHINE },
	{ "elf64 EM_AARCH64", 64, A64, 0, { { 18, 2, 183 } }, ELF_ERR_MACHINE },
	{ "elf32 EM_X86_64", 32, A32, 0, { { 18, 2, 62 } }, ELF_ERR_MACHINE },
	{ "e_ehsize small", 64, A64, 0, { { 52, 2, 52 } }, ELF_ERR_EHSIZE },
	{ "e_phentsize small", 64, A64, 0, { { 54, 2, 32 } },
	  ELF_ERR_PHENTSIZE },
	{ "e_phnum 0", 64, A64, 0, { { 56, 2, 0 } }, ELF_ERR_NO_SEGMENTS },
	{ "e_phnum PN_XNUM", 64, A64, 0, { { 56, 2, 0xffff } },
	  ELF_ERR_TOO_MANY_SEGMENTS },
	{ "phdrs past the end", 64, A64, 0, { { 32, 8, E64_SIZE - 100 } },
	  ELF_ERR_PHDR_RANGE },
	{ "e_phoff wraps", 64, A64, 0, { { 32, 8, 0xfffffffffffffff0ULL } },
	  ELF_ERR_PHDR_RANGE },
	{ "phdrs cut by file size", 64, A64, 64 + 56 * 3, { { 0 } },
	  ELF_ERR_PHDR_RANGE },
	{ "e_phnum too big for file", 64, A64, 0, { { 56, 2, 300 } },
	  ELF_ERR_PHDR_RANGE },
	{ "segment past the end", 64, A64, 0,
	  { { E64_PH(2, P64_OFFSET), 8, E64_SIZE - 0x80 } },
	  ELF_ERR_SEG_FILE_RANGE },
	{ "segment data cut by file size", 64, A64, E64_SIZE - 1, { { 0 } },
	  ELF_ERR_SEG_FILE_RANGE },
	{ "segment offset+filesz wraps", 64, A64, 0,
	  { { E64_PH(1, P64_FILESZ), 8, 0xffffffffffffffffULL },
	    { E64_PH(1, P64_MEMSZ), 8, 0xffffffffffffffffULL } },
	  ELF_ERR_SEG_FILE_RANGE },
	{ "memsz < filesz", 64, A64, 0, { { E64_PH(1, P64_MEMSZ), 8, 0x7ff } },
	  ELF_ERR_SEG_MEMSZ },
	{ "vaddr + memsz wraps", 64, A64, 0,
	  { { E64_PH(2, P64_VADDR), 8, 0xfffffffffffff000ULL } },
	  ELF_ERR_SEG_ADDR_OVERFLOW },
	{ "paddr + memsz wraps", 64, A64, 0,
	  { { E64_PH(2, P64_PADDR), 8, 0xfffffffffffff000ULL } },
	  ELF_ERR_SEG_ADDR_OVERFLOW },
	{ "elf32 vaddr past 4 GiB", 32, A32, 0,
	  { { E32_PH(1, P32_VADDR), 4, 0xfffff000 },
	    { E32_PH(1, P32_MEMSZ), 4, 0x1001 } },
	  ELF_ERR_SEG_ADDR_OVERFLOW },
	{ "elf32 paddr past 4 GiB", 32, A32, 0,
	  { { E32_PH(1, P32_PADDR), 4, 0xfffff000 },
	    { E32_PH(1, P32_MEMSZ), 4, 0x1001 } },
	  ELF_ERR_SEG_ADDR_OVERFLOW },
	{ "elf32 segment ends at 4 GiB", 32, A32, 0,
	  { { E32_PH(1, P32_VADDR), 4, 0xfffff000 },
	    { E32_PH(1, P32_PADDR), 4, 0xfffff000 } },
	  ELF_OK },
	{ "elf32 memsz < filesz", 32, A32, 0,
	  { { E32_PH(0, P32_MEMSZ), 4, 0x1ff } }, ELF_ERR_SEG_MEMSZ },
	{ "elf32 segment past the end", 32, A32, 0,
	  { { E32_PH(1, P32_FILESZ), 4, 0x101 } }, ELF_ERR_SEG_FILE_RANGE },
	{ "align not a power of two", 64, A64, 0,
	  { { E64_PH(1, P64_ALIGN), 8, 0x1800 } }, ELF_ERR_SEG_ALIGN },
	{ "vaddr incongruent with offset", 64, A64, 0,
	  { { E64_PH(2, P64_VADDR), 8, KVIRT + 0x202800 } },
	  ELF_ERR_SEG_ALIGN },
	{ "align 0 means none", 64, A64, 0,
	  { { E64_PH(2, P64_ALIGN), 8, 0 },
	    { E64_PH(2, P64_VADDR), 8, KVIRT + 0x202800 } },
	  ELF_OK },
	{ "virtual overlap", 64, A64, 0,
	  { { E64_PH(2, P64_VADDR), 8, KVIRT + 0x201000 } },
	  ELF_ERR_SEG_OVERLAP },
	{ "physical overlap", 64, A64, 0,
	  { { E64_PH(2, P64_PADDR), 8, 0x201000 } }, ELF_ERR_SEG_OVERLAP },
	{ "bss runs into the next segment", 64, A64, 0,
	  { { E64_PH(0, P64_MEMSZ), 8, 0x1001 } }, ELF_ERR_SEG_OVERLAP },
	{ "elf32 overlap", 32, A32, 0,
	  { { E32_PH(0, P32_MEMSZ), 4, 0x1001 } }, ELF_ERR_SEG_OVERLAP },
	{ "PT_INTERP", 64, A64, 0, { { E64_PH(3, P64_TYPE), 4, 3 } },
	  ELF_ERR_INTERP },
	{ "no PT_LOAD", 64, A64, 0,
	  { { E64_PH(0, P64_TYPE), 4, 4 }, { E64_PH(1, P64_TYPE), 4, 4 },
	    { E64_PH(2, P64_TYPE), 4, 4 } },
	  ELF_ERR_NO_SEGMENTS },
	{ "entry outside segments", 64, A64, 0, { { 24, 8, 0x1000 } },
	  ELF_ERR_ENTRY },
	{ "entry just past text", 64, A64, 0, { { 24, 8, KVIRT + 0x201800 } },
	  ELF_ERR_ENTRY },
	{ "entry in non-executable data", 64, A64, 0,
	  { { 24, 8, KVIRT + 0x202000 } }, ELF_ERR_ENTRY },
	{ "elf32 entry outside", 32, A32, 0, { { 24, 4, 0x200000 } },
	  ELF_ERR_ENTRY },
};
/* clang-format on */

static void test_table(void **state)
{
	static uint8_t buf[E64_SIZE > E32_SIZE ? E64_SIZE : E32_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(elf_cases) / sizeof(elf_cases[0]); i++) {
		const struct elf_case *c = &elf_cases[i];
		size_t full = c->cls == 64 ? E64_SIZE : E32_SIZE;
		size_t size = c->size ? c->size : full;
		struct elf_image img;
		enum elf_error got;
		const struct patch *p;

		if (c->cls == 64)
			build_elf64(buf);
		else
			build_elf32(buf);
		for (p = c->p; p < c->p + 4 && p->width; p++)
			put(buf, p->off, p->width, p->val);
		got = parse_copy(buf, size, c->accept, &img);
		if (got != c->want)
			fail_msg("case '%s': got %d (%s), want %d (%s)", c->name, got,
				 elf_strerror(got), c->want, elf_strerror(c->want));
	}
}

static void test_elf64_fields(void **state)
{
	static uint8_t buf[E64_SIZE];
	struct elf_image img;
	uint64_t start, end;

	(void)state;
	build_elf64(buf);
	assert_int_equal(parse_copy(buf, sizeof(buf), ELF_ACCEPT_X86_64, &img), ELF_OK);
	assert_int_equal(img.kind, ELF_KIND_X86_64);
	assert_int_equal(img.entry, KVIRT + 0x201000);
	/* PT_GNU_STACK is not a load segment. */
	assert_int_equal(img.nsegs, 3);
	assert_int_equal(img.segs[0].vaddr, 0x200000);
	assert_int_equal(img.segs[0].flags, ELF_PF_R | ELF_PF_X);
	assert_int_equal(img.segs[2].offset, 0x3000);
	assert_int_equal(img.segs[2].filesz, 0x100);
	assert_int_equal(img.segs[2].memsz, 0x4000);
	assert_int_equal(img.segs[2].paddr, 0x202000);
	assert_int_equal(img.segs[2].vaddr, KVIRT + 0x202000);
	elf_phys_span(&img, &start, &end);
	assert_int_equal(start, 0x200000);
	assert_int_equal(end, 0x206000);
}

static void test_elf32_fields(void **state)
{
	static uint8_t buf[E32_SIZE];
	struct elf_image img;

	(void)state;
	build_elf32(buf);
	assert_int_equal(parse_copy(buf, sizeof(buf), ELF_ACCEPT_I386, &img), ELF_OK);
	assert_int_equal(img.kind, ELF_KIND_I386);
	assert_int_equal(img.entry, 0x100010);
	assert_int_equal(img.nsegs, 2);
	assert_int_equal(img.segs[1].offset, 0x2000);
	assert_int_equal(img.segs[1].filesz, 0x100);
	assert_int_equal(img.segs[1].memsz, 0x1000);
	assert_int_equal(img.segs[1].flags, ELF_PF_R | ELF_PF_W);
}

/* A zero-sized PT_LOAD is legal and simply not reported. */
static void test_empty_segment_skipped(void **state)
{
	static uint8_t buf[E64_SIZE];
	struct elf_image img;

	(void)state;
	build_elf64(buf);
	put_phdr64(buf, 3, 1, ELF_PF_R, 0x3100, 0, 0, 0, 0, 0);
	assert_int_equal(parse_copy(buf, sizeof(buf), ELF_ACCEPT_X86_64, &img), ELF_OK);
	assert_int_equal(img.nsegs, 3);
}

/* n disjoint PT_LOAD segments sharing one page of file data. */
static enum elf_error parse_n_segments(unsigned int n, struct elf_image *img)
{
	size_t size = 0x2000;
	uint8_t *b = calloc(1, size);
	unsigned int i;
	enum elf_error err;

	assert_non_null(b);
	assert_true(64 + 56 * n <= 0x1000);
	memcpy(b, "\177ELF", 4);
	b[4] = 2;
	b[5] = 1;
	b[6] = 1;
	put(b, 16, 2, 2);
	put(b, 18, 2, 62);
	put(b, 20, 4, 1);
	put(b, 24, 8, 0x400000);
	put(b, 32, 8, 64);
	put(b, 52, 2, 64);
	put(b, 54, 2, 56);
	put(b, 56, 2, n);
	for (i = 0; i < n; i++)
		put_phdr64(b, (int)i, 1, ELF_PF_R | ELF_PF_X, 0x1000, 0x400000 + 0x1000ULL * i,
			   0x400000 + 0x1000ULL * i, 0x1000, 0x1000, 0x1000);
	err = elf_parse(b, size, ELF_ACCEPT_X86_64, img);
	free(b);
	return err;
}

static void test_segment_limit(void **state)
{
	struct elf_image img;

	(void)state;
	assert_int_equal(parse_n_segments(ELF_MAX_SEGMENTS, &img), ELF_OK);
	assert_int_equal(img.nsegs, ELF_MAX_SEGMENTS);
	assert_int_equal(parse_n_segments(ELF_MAX_SEGMENTS + 1, &img), ELF_ERR_TOO_MANY_SEGMENTS);
}

/* Every prefix of a valid image fails cleanly and never reads past it. */
static void test_every_truncation(void **state)
{
	static uint8_t b64[E64_SIZE], b32[E32_SIZE];
	struct elf_image img;
	size_t n;

	(void)state;
	build_elf64(b64);
	build_elf32(b32);
	for (n = 0; n < E64_SIZE; n++)
		assert_int_not_equal(parse_copy(b64, n, AB, &img), ELF_OK);
	for (n = 0; n < E32_SIZE; n++)
		assert_int_not_equal(parse_copy(b32, n, AB, &img), ELF_OK);
}

static void test_null_args(void **state)
{
	static uint8_t buf[E64_SIZE];
	struct elf_image img;

	(void)state;
	build_elf64(buf);
	assert_int_equal(elf_parse(NULL, 100, A64, &img), ELF_ERR_ARGS);
	assert_int_equal(elf_parse(buf, sizeof(buf), A64, NULL), ELF_ERR_ARGS);
}

static void test_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < ELF_ERR_COUNT; i++) {
		const char *msg = elf_strerror((enum elf_error)i);

		assert_non_null(msg);
		for (j = 0; j < i; j++)
			assert_string_not_equal(msg, elf_strerror((enum elf_error)j));
	}
	assert_string_equal(elf_strerror(ELF_ERR_COUNT), "unknown ELF error");
	assert_string_equal(elf_strerror((enum elf_error)(-1)), "unknown ELF error");
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_elf64_fields),
		cmocka_unit_test(test_elf32_fields),
		cmocka_unit_test(test_empty_segment_skipped),
		cmocka_unit_test(test_segment_limit),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_strerror),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
