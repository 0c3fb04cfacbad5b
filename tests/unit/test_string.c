/* UNIT_SOURCES: */
/*
 * The kernel's string and memory functions (kernel/lib/string.c, strtol.c)
 * against the host C library, over every alignment and length that
 * exercises their word-at-a-time paths. The kernel files are included
 * under other names so both sets can live in one program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define memcpy   k_memcpy
#define memmove  k_memmove
#define memset   k_memset
#define memcmp   k_memcmp
#define strlen   k_strlen
#define strnlen  k_strnlen
#define strcmp   k_strcmp
#define strncmp  k_strncmp
#define strchr   k_strchr
#define strrchr  k_strrchr
#define strtoull k_strtoull
#define strtoll  k_strtoll
#define atoi     k_atoi
#include "kernel/lib/string.c"
#include "kernel/lib/strtol.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strtoull
#undef strtoll
#undef atoi

#define AREA 96

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void test_memset_memcpy_all_alignments(void **state)
{
	for (size_t off = 0; off < 16; off++) {
		for (size_t soff = 0; soff < 16; soff++) {
			for (size_t len = 0; len < 48; len++) {
				uint8_t a[AREA], b[AREA], src[AREA];

				fill(a, AREA, 1);
				memcpy(b, a, AREA);
				fill(src, AREA, 99);
				k_memcpy(a + off, src + soff, len);
				memcpy(b + off, src + soff, len);
				assert_memory_equal(a, b, AREA);
				k_memset(a + off, 0x5a, len);
				memset(b + off, 0x5a, len);
				assert_memory_equal(a, b, AREA);
			}
		}
	}
}

static void test_memmove_overlap(void **state)
{
	for (size_t d = 0; d < 24; d++) {
		for (size_t s = 0; s < 24; s++) {
			uint8_t a[AREA], b[AREA];

			fill(a, AREA, 3);
			memcpy(b, a, AREA);
			k_memmove(a + d, a + s, 40);
			memmove(b + d, b + s, 40);
			assert_memory_equal(a, b, AREA);
		}
	}
}

static void test_strings(void **state)
{
	assert_int_equal(k_strlen(""), 0);
	assert_int_equal(k_strnlen("abcdef", 3), 3);
	assert_true(k_strcmp("abc", "abd") < 0);
	assert_true(k_strncmp("abcx", "abcy", 3) == 0);
	assert_ptr_equal(k_strchr("hello", 'l'), strchr("hello", 'l'));
	assert_ptr_equal(k_strrchr("hello", 'l'), strrchr("hello", 'l'));
	assert_int_equal(k_memcmp("ab", "ac", 2) < 0, 1);
}

static void test_strtol(void **state)
{
	static const char *const inputs[] = { "0",
					      "42",
					      "-42",
					      "0x1f",
					      "017",
					      "  +9z",
					      "18446744073709551615",
					      "18446744073709551616",
					      "0xg",
					      "" };
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *e1, *e2;

		assert_int_equal(k_strtoull(inputs[i], &e1, 0), strtoull(inputs[i], &e2, 0));
		assert_ptr_equal(e1, e2);
	}
	assert_int_equal(k_strtoll("-9223372036854775808", NULL, 10), INT64_MIN);
	assert_int_equal(k_atoi("123abc"), 123);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset_memcpy_all_alignments),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_strtol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
