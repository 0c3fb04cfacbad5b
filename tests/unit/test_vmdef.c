/* UNIT_SOURCES: kernel/config/vmdef.c kernel/config/hostconf.c kernel/config/ini.c */
/*
 * VM definition checks against a described host: every refusal reason
 * with its exact message, the order of the checks, and the running
 * memory total of vmdef_check_all(). VMs come from real config text
 * through hostconf_parse(), as in the kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/config/vmdef.h"

#define MiB (1ULL << 20)

/* The boot media: name -> size. */
struct media {
	const char *names[8];
	int64_t sizes[8];
	int lookups;
};

static int64_t media_size(void *ctx, const char *path)
{
	struct media *m = ctx;

	m->lookups++;
	for (int i = 0; i < 8 && m->names[i]; i++)
		if (strcmp(m->names[i], path) == 0)
			return m->sizes[i];
	return -1;
}

static struct media media = {
	.names = { "web.elf", "web.img", "db.elf", "empty.bin", "huge.elf" },
	.sizes = { 100000, 2000000, 300000, 0, 70 * MiB },
};

/* Four CPUs present, 0, 1 and 3 online; 1 GiB free. */
static struct vmdef_host host4(void)
{
	struct vmdef_host h = {
		.ncpus = 4,
		.free_memory = 1024 * MiB,
		.module_size = media_size,
		.ctx = &media,
	};

	hostconf_cpu_set(&h.online, 0);
	hostconf_cpu_set(&h.online, 1);
	hostconf_cpu_set(&h.online, 3);
	return h;
}

static void parse(const char *text, struct hostconf *conf)
{
	hostconf_parse(text, strlen(text), conf, NULL, NULL);
}

/* Check the first VM of `text` on `h`: expect `result` and `why`. */
static void check(const char *text, const struct vmdef_host *h, enum vmdef_result result,
		  const char *why)
{
	struct hostconf conf;
	char buf[VMDEF_MAX_WHY];

	parse(text, &conf);
	assert_true(conf.vm_count >= 1);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(vmdef_check(&conf.vms[0], h, buf, sizeof(buf)), result);
	assert_string_equal(buf, why);
}

static void test_ok(void **state)
{
	struct vmdef_host h = host4();

	check("[vm web]\nmemory = 64M\nkernel = web.elf\ninitrd = web.img\n", &h, VMDEF_OK, "");
	/* More vCPUs than listed CPUs share them; CPU 0 may be listed. */
	check("[vm web]\nmemory = 64M\nkernel = web.elf\nvcpus = 16\ncpus = 0\n", &h, VMDEF_OK, "");
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 0-1,3\n", &h, VMDEF_OK, "");
	/* Exactly the free memory is enough. */
	check("[vm web]\nmemory = 1G\nkernel = web.elf\n", &h, VMDEF_OK, "");
	/* No cpus line: nothing to check, the kernel places the vCPUs. */
	h.ncpus = 1;
	check("[vm web]\nmemory = 64M\nkernel = web.elf\nvcpus = 4\n", &h, VMDEF_OK, "");
}

static void test_invalid_config(void **state)
{
	struct vmdef_host h = host4();

	check("[vm web]\nkernel = web.elf\nmemory = lots\n", &h, VMDEF_INVALID,
	      "vm web: line 3: memory: expected a size like 64M, got \"lots\"");
	/* Config errors come first, before anything is looked up. */
	media.lookups = 0;
	check("[vm web]\nmemory = 64M\ncpus = 9\n", &h, VMDEF_INVALID,
	      "vm web: line 1: kernel: required key missing (e.g. kernel = guests/web.elf)");
	assert_int_equal(media.lookups, 0);
}

static void test_cpus(void **state)
{
	struct vmdef_host h = host4();

	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 5\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 5 does not exist (cpus 0-3)");
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 0-255\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 2 is offline (online: 0-1,3)");
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 3-4\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 4 does not exist (cpus 0-3)");
	h.ncpus = 2;
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 5\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 5 does not exist (cpus 0-1)");
	h.ncpus = 1;
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 1\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 1 does not exist (cpu 0 only)");
	/* A CPU count beyond the config's range is clamped, never overrun. */
	h.ncpus = 100000;
	memset(&h.online, 0, sizeof(h.online));
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ncpus = 255\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 255 is offline (online: none)");
	/* CPUs are checked before images and memory. */
	h = host4();
	check("[vm web]\nmemory = 64G\nkernel = nope.elf\ncpus = 2\n", &h, VMDEF_BAD_CPU,
	      "vm web: cpus: cpu 2 is offline (online: 0-1,3)");
}

static void test_images(void **state)
{
	struct vmdef_host h = host4();

	check("[vm web]\nmemory = 64M\nkernel = guests/x.elf\n", &h, VMDEF_NO_IMAGE,
	      "vm web: kernel: guests/x.elf is not on the boot media");
	check("[vm web]\nmemory = 64M\nkernel = web.elf\ninitrd = guests/x.img\n", &h,
	      VMDEF_NO_IMAGE, "vm web: initrd: guests/x.img is not on the boot media");
	check("[vm web]\nmemory = 64M\nkernel = empty.bin\n", &h, VMDEF_NO_IMAGE,
	      "vm web: kernel: empty.bin is empty");
	check("[vm web]\nmemory = 64M\nkernel = huge.elf\n", &h, VMDEF_NO_IMAGE,
	      "vm web: kernel: huge.elf (70 MiB) is larger than the VM's memory (64 MiB)");
	check("[vm web]\nmemory = 1M\nkernel = web.elf\ninitrd = web.img\n", &h, VMDEF_NO_IMAGE,
	      "vm web: initrd: web.img (1953 KiB) is larger than the VM's memory (1 MiB)");
	/* No lookup callback: nothing is on the media. */
	h.module_size = NULL;
	check("[vm web]\nmemory = 64M\nkernel = web.elf\n", &h, VMDEF_NO_IMAGE,
	      "vm web: kernel: web.elf is not on the boot media");
	/* Images are checked before memory. */
	h = host4();
	h.free_memory = 0;
	check("[vm web]\nmemory = 64M\nkernel = nope\n", &h, VMDEF_NO_IMAGE,
	      "vm web: kernel: nope is not on the boot media");
}

static void test_memory(void **state)
{
	struct vmdef_host h = host4();

	h.free_memory = 200 * MiB;
	check("[vm web]\nmemory = 512M\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 512 MiB, 200 MiB free");
	h.free_memory = 200 * MiB + 12345;
	check("[vm web]\nmemory = 2G\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 2 GiB, 200 MiB free");
	/* Free RAM is rounded down to whole MiB... */
	h.free_memory = 64 * MiB - 4096;
	check("[vm web]\nmemory = 64M\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 64 MiB, 63 MiB free");
	/* ... unless the need is inside the same MiB: then both in KiB. */
	h.free_memory = 64 * MiB + 4096;
	check("[vm web]\nmemory = 65544K\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 65544 KiB, 65540 KiB free");
	h.free_memory = 0;
	check("[vm web]\nmemory = 1028K\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 1028 KiB, 0 KiB free");
	h.free_memory = 1 * MiB;
	check("[vm web]\nmemory = 1028K\nkernel = web.elf\n", &h, VMDEF_NO_MEMORY,
	      "vm web: memory: needs 1028 KiB, 1024 KiB free");
}

static void test_why_buffer(void **state)
{
	struct vmdef_host h = host4();
	struct hostconf conf;
	char small[12];

	parse("[vm web]\nmemory = 64M\nkernel = nope\n", &conf);
	/* Cut, but terminated; NULL or 0 bytes is fine too. */
	assert_int_equal(vmdef_check(&conf.vms[0], &h, small, sizeof(small)), VMDEF_NO_IMAGE);
	assert_string_equal(small, "vm web: ker");
	assert_int_equal(vmdef_check(&conf.vms[0], &h, small, 5), VMDEF_NO_IMAGE);
	assert_string_equal(small, "vm w");
	assert_int_equal(vmdef_check(&conf.vms[0], &h, NULL, 0), VMDEF_NO_IMAGE);
}

static void test_check_all(void **state)
{
	struct vmdef_host h = host4();
	struct vmdef_verdict v[HOSTCONF_MAX_VMS];
	struct hostconf conf;

	h.free_memory = 300 * MiB;
	parse("[vm a]\nmemory = 128M\nkernel = web.elf\n"
	      "[vm b]\nmemory = 128M\nkernel = db.elf\nautostart = no\n"
	      "[vm c]\nmemory = 128M\nkernel = db.elf\n"
	      "[vm d]\nmemory = 64M\nkernel = db.elf\ncpus = 7\n"
	      "[vm e]\nmemory = 100M\nkernel = db.elf\n"
	      "[vm f]\nmemory = 44M\nkernel = db.elf\n"
	      "[vm g]\nmemory = bad\nkernel = db.elf\n"
	      "[vm h]\nmemory = 1M\nkernel = db.elf\n",
	      &conf);
	assert_int_equal(conf.vm_count, 8);
	assert_int_equal(vmdef_check_all(&conf, &h, v), 3);
	assert_int_equal(v[0].result, VMDEF_OK);
	assert_string_equal(v[0].why, "");
	/* autostart = no reserves nothing. */
	assert_int_equal(v[1].result, VMDEF_NOT_AUTOSTART);
	assert_string_equal(v[1].why, "vm b: autostart: no; not started at boot");
	assert_int_equal(v[2].result, VMDEF_OK);
	assert_int_equal(v[3].result, VMDEF_BAD_CPU);
	assert_string_equal(v[3].why, "vm d: cpus: cpu 7 does not exist (cpus 0-3)");
	/* 300 - 128 - 128 = 44 MiB left: e is refused, f takes exactly the rest. */
	assert_int_equal(v[4].result, VMDEF_NO_MEMORY);
	assert_string_equal(v[4].why, "vm e: memory: needs 100 MiB, 44 MiB free");
	assert_int_equal(v[5].result, VMDEF_OK);
	assert_int_equal(v[6].result, VMDEF_INVALID);
	assert_string_equal(v[6].why,
			    "vm g: line 22: memory: expected a size like 64M, got \"bad\"");
	assert_int_equal(v[7].result, VMDEF_NO_MEMORY);
	assert_string_equal(v[7].why, "vm h: memory: needs 1 MiB, 0 KiB free");
	/* The host description is not changed. */
	assert_int_equal(h.free_memory, 300 * MiB);

	parse("", &conf);
	assert_int_equal(vmdef_check_all(&conf, &h, v), 0);
}

static void test_result_names(void **state)
{
	assert_string_equal(vmdef_result_name(VMDEF_OK), "ok");
	assert_string_equal(vmdef_result_name(VMDEF_INVALID), "invalid config");
	assert_string_equal(vmdef_result_name(VMDEF_BAD_CPU), "bad cpu");
	assert_string_equal(vmdef_result_name(VMDEF_NO_IMAGE), "no image");
	assert_string_equal(vmdef_result_name(VMDEF_NO_MEMORY), "no memory");
	assert_string_equal(vmdef_result_name(VMDEF_NOT_AUTOSTART), "not autostart");
	assert_string_equal(vmdef_result_name((enum vmdef_result)99), "?");
}

/* Operator definitions: one [vm NAME] section, nothing else, errors named. */
static struct hostconf scratch;

static int define(const char *text, struct hostconf_vm *out, char *why)
{
	return vmdef_parse_definition(text, strlen(text), &scratch, out, why, VMDEF_MAX_WHY);
}

static void test_definition_ok(void **state)
{
	struct hostconf_vm vm;
	char why[VMDEF_MAX_WHY];

	assert_int_equal(define("# a comment first\n\n  [vm web]\nmemory = 64M\nvcpus = 2\n"
				"kernel = guests/web.elf\ncmdline = \"console=ttyS0\"\n",
				&vm, why),
			 0);
	assert_string_equal(why, "");
	assert_string_equal(vm.name, "web");
	assert_int_equal(vm.memory, 64ull << 20);
	assert_int_equal(vm.vcpus, 2);
	assert_string_equal(vm.kernel, "guests/web.elf");
	assert_string_equal(vm.cmdline, "console=ttyS0");
	assert_true(vm.autostart); /* the config's default */
	/* CR LF line ends, as a telnet client sends them. */
	assert_int_equal(define("[vm db]\r\nmemory = 8M\r\nkernel = db.elf\r\n", &vm, why), 0);
	assert_string_equal(vm.name, "db");
}

static void test_definition_refused(void **state)
{
	static const char *const not_one[] = {
		"",
		"memory = 8M\n",
		"[host]\nlog_level = debug\n",
		"[network]\npassword = x\n[vm a]\nmemory = 8M\nkernel = a.elf\n",
		"[vm a]\nmemory = 8M\nkernel = a.elf\n[debug]\nfault_cpu = 0\n",
		"[vm a]\nmemory = 8M\nkernel = a.elf\n[vm b]\nmemory = 8M\nkernel = b.elf\n",
		"[vmx a]\nmemory = 8M\n",
	};
	struct hostconf_vm vm;
	char why[VMDEF_MAX_WHY];

	for (size_t i = 0; i < sizeof(not_one) / sizeof(not_one[0]); i++) {
		assert_int_equal(define(not_one[i], &vm, why), -EINVAL);
		assert_string_equal(why, "expected exactly one [vm NAME] section and nothing else");
	}
	assert_int_equal(define("[vm web]\nmemory = lots\nkernel = w.elf\n", &vm, why), -EINVAL);
	assert_non_null(strstr(why, "line 2"));
	assert_non_null(strstr(why, "memory"));
	assert_int_equal(define("[vm web]\nkernel = w.elf\n", &vm, why), -EINVAL);
	assert_non_null(strstr(why, "memory"));
	assert_int_equal(define("[vm bad name!]\nmemory = 8M\nkernel = w.elf\n", &vm, why),
			 -EINVAL);
	assert_true(why[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_invalid_config),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_why_buffer),
		cmocka_unit_test(test_check_all),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_definition_ok),
		cmocka_unit_test(test_definition_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
