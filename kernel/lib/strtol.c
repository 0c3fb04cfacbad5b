/* String to integer conversions for the freestanding kernel (C99 7.20.1). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * Unsigned conversion core. Saturates at UINT64_MAX on overflow (as strtoull
 * does, minus errno, which the kernel does not have: callers that care
 * compare against UINT64_MAX).
 */
static unsigned long long convert(const char *s, char **end, int base, bool *negative)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false, overflow = false;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	*negative = false;
	if (*p == '+' || *p == '-')
		*negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*p) < base; p++) {
		unsigned d = (unsigned)digit_value(*p);

		any = true;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			overflow = true;
		else
			v = v * (unsigned)base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return overflow ? UINT64_MAX : v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	bool negative;
	unsigned long long v = convert(s, end, base, &negative);

	return negative ? 0 - v : v;
}

long long strtoll(const char *s, char **end, int base)
{
	bool negative;
	unsigned long long v = convert(s, end, base, &negative);

	/* -(long long)v overflows for 2^63 itself: that one is INT64_MIN exactly. */
	if (negative)
		return v >= (unsigned long long)INT64_MAX + 1 ? INT64_MIN : -(long long)v;
	return v > INT64_MAX ? INT64_MAX : (long long)v;
}

int atoi(const char *s)
{
	return (int)strtoll(s, NULL, 10);
}
