/* The few stdlib functions the freestanding kernel provides (kernel/lib/). */
#ifndef STRATA_LIBC_STDLIB_H
#define STRATA_LIBC_STDLIB_H

#include <stddef.h>

int atoi(const char *s);
unsigned long long strtoull(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);

#endif
