/*
 * strata-conffiles: list the files a Strata config names, so the media
 * scripts (scripts/media.mk) can pack them beside it.
 *
 *	strata-conffiles CONFIG
 *
 * Prints, one per line and once each, the values of the `kernel` and
 * `initrd` keys of every [vm NAME] section, as written: paths relative to
 * the directory holding CONFIG (at most CONFFILES_MAX of them). A
 * host-only config prints nothing; a bad one prints nothing on stdout,
 * only its errors on stderr.
 *
 * Built on the host from the same tokenizer the hypervisor runs
 * (kernel/config/ini.c), so a config that passes here is one the kernel
 * reads the same way. Syntax errors are reported exactly as the kernel
 * would word them, and make the build fail rather than produce media
 * that boot with defaults; so does a path the kernel would refuse
 * (hostconf_path_ok(), the one rule both use). Other mistakes in a
 * [vm NAME] (a bad memory size...) are the kernel's to report at boot,
 * where the VM is refused and the rest still runs. Exit status: 0
 * success, 1 the config is bad, 2 usage or I/O error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/config/hostconf.h"
#include "kernel/config/ini.h"

/* Distinct paths one config may name; a documented limit of this tool. */
#define CONFFILES_MAX 256

/* The [vm NAME] keys that name files (kernel/config/hostconf.h, struct hostconf_vm). */
static const char *const conffiles_keys[] = { "kernel", "initrd" };

static char conffiles_list[CONFFILES_MAX][INI_MAX_VALUE + 1];
static size_t conffiles_count;

static bool conffiles_is_file_key(const char *key)
{
	for (size_t i = 0; i < sizeof(conffiles_keys) / sizeof(conffiles_keys[0]); i++)
		if (strcmp(key, conffiles_keys[i]) == 0)
			return true;
	return false;
}

/* Remember `path` unless it is listed already; false if the list is full. */
static bool conffiles_add(const char *path)
{
	for (size_t i = 0; i < conffiles_count; i++)
		if (strcmp(conffiles_list[i], path) == 0)
			return true;
	if (conffiles_count == CONFFILES_MAX)
		return false;
	snprintf(conffiles_list[conffiles_count], sizeof(conffiles_list[0]), "%s", path);
	conffiles_count++;
	return true;
}

/* Read the whole file into buf; returns its length or -1 with errno set. */
static long conffiles_read(const char *name, char *buf, size_t size)
{
	FILE *f = fopen(name, "rb");
	size_t len;

	if (!f)
		return -1;
	len = fread(buf, 1, size, f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	return (long)len;
}

int main(int argc, char **argv)
{
	/* One byte more than the limit tells "too big" from "exactly the limit". */
	static char text[HOSTCONF_MAX_FILE_SIZE + 1];
	struct ini_parser p;
	struct ini_event ev;
	char where[128];
	int errors = 0;
	long len;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: strata-conffiles CONFIG\n"
				"Prints the files CONFIG names (kernel and initrd in [vm NAME]),\n"
				"one per line, relative to CONFIG's directory.\n");
		return 2;
	}
	len = conffiles_read(argv[1], text, sizeof(text));
	if (len < 0) {
		fprintf(stderr, "strata-conffiles: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (len > HOSTCONF_MAX_FILE_SIZE) {
		fprintf(stderr, "%s: larger than the %d-byte limit for a config\n", argv[1],
			HOSTCONF_MAX_FILE_SIZE);
		return 1;
	}

	ini_init(&p, text, (size_t)len);
	while (ini_next(&p, &ev)) {
		if (ev.type == INI_ERROR) {
			ini_where(where, sizeof(where), &ev);
			fprintf(stderr, "%s: %s: %s\n", argv[1], where, ev.reason);
			errors++;
			continue;
		}
		if (ev.type != INI_KEY || strcmp(ev.section, "vm") != 0 || ev.name[0] == '\0' ||
		    !conffiles_is_file_key(ev.key))
			continue;
		/*
		 * The boot paths look files up by this name relative to the
		 * config on their own volume: it must stay inside that folder
		 * and fit a boot module name.
		 */
		if (!hostconf_path_ok(ev.value)) {
			ini_where(where, sizeof(where), &ev);
			fprintf(stderr,
				"%s: %s: expected a relative path of at most %d bytes of "
				"A-Z a-z 0-9 . _ + - / without '..', got \"%s\"\n",
				argv[1], where, HOSTCONF_MAX_PATH, ev.value);
			errors++;
			continue;
		}
		if (!conffiles_add(ev.value)) {
			ini_where(where, sizeof(where), &ev);
			fprintf(stderr, "%s: %s: more than %d distinct files named\n", argv[1],
				where, CONFFILES_MAX);
			errors++;
		}
	}
	/* Nothing on stdout unless the whole config is good: no half lists. */
	if (errors)
		return 1;
	for (size_t i = 0; i < conffiles_count; i++)
		puts(conffiles_list[i]);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "strata-conffiles: writing the list: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
