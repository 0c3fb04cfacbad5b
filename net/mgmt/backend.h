/*
 * What the management services (the console, the HTTP API, /metrics, the
 * web page) see of the hypervisor: plain snapshots of domains and of the
 * node, and the lifecycle operations, behind one ops struct.
 *
 * The kernel implements it (kernel/domain.c); host tests give a fake.
 * Everything that parses or formats for an operator is pure logic on top
 * of this seam, so it builds unchanged on the host under ASan/UBSan and
 * libFuzzer.
 */
#ifndef STRATA_MGMT_BACKEND_H
#define STRATA_MGMT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MGMT_NAME_MAX     32  /* domain name with its NUL (HOSTCONF_MAX_VM_NAME + 1) */
#define MGMT_REASON_MAX   96  /* why a domain stopped, NUL included */
#define MGMT_WHY_MAX      320 /* an operation's refusal, NUL included */
#define MGMT_EXIT_REASONS 80  /* per-reason exit counters (VM_EXIT_COUNTERS) */
#define MGMT_NICS_MAX     4
#define MGMT_DEFINE_MAX   4096 /* bytes of one inline definition */

/* virsh's domain states, as `list` and `dominfo` print them. */
enum mgmt_state {
	MGMT_SHUT_OFF = 0, /* defined, not running ("shut off") */
	MGMT_RUNNING,      /* "running" */
	MGMT_SHUTDOWN,     /* stopping: vCPUs leaving their CPUs ("in shutdown") */
	MGMT_CRASHED,      /* stopped by a fault (triple fault, failed entry...) ("crashed") */
};

struct mgmt_domain {
	char name[MGMT_NAME_MAX];
	uint32_t id; /* > 0 while it runs or stops; 0 when inactive (virsh prints "-") */
	enum mgmt_state state;
	uint32_t vcpus;
	uint64_t memory;      /* bytes of guest RAM */
	uint64_t cpu_time_ns; /* run time of all its vCPUs, this run */
	bool autostart;
	bool persistent;                   /* from the boot config or `define` (always, for now) */
	char stop_reason[MGMT_REASON_MAX]; /* "" while running or never run */
	uint64_t exits[MGMT_EXIT_REASONS]; /* VM exits by basic exit reason, this run */
};

struct mgmt_nic {
	char name[16]; /* "e1000", "virtio-net" */
	uint8_t mac[6];
	bool link_up;
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};

struct mgmt_node {
	char cpu_model[48]; /* "x86_64" */
	uint32_t cpus;      /* online */
	uint32_t cpu_mhz;
	uint64_t memory_total; /* bytes the hypervisor manages */
	uint64_t memory_free;  /* bytes free for new domains */
	uint64_t uptime_ns;
	char version[32];
	uint32_t nic_count;
	struct mgmt_nic nics[MGMT_NICS_MAX];
	/* The management services' own resources, for leak checks in /metrics. */
	uint32_t console_sessions; /* open console connections */
	uint32_t http_connections; /* open HTTP connections */
	uint32_t tcp_pcbs_used;    /* lwIP TCP control blocks in use (listeners included) */
	uint64_t failed_logins;    /* console and API authentication failures since boot */
};

/*
 * The operations. Each returns 0 on success or a negative errno with a
 * one-line reason in why[0..why_len) (always NUL-terminated), e.g.
 * "domain 'web' is already active" or "vm web: memory: needs 512 MiB,
 * 200 MiB free". Names are untrusted bytes: the backend looks them up,
 * it never trusts their length or content.
 */
struct mgmt_backend {
	void *ctx;
	/* Domains in a stable order (definition order). */
	unsigned (*domain_count)(void *ctx);
	bool (*domain_at)(void *ctx, unsigned index, struct mgmt_domain *out);
	bool (*domain_find)(void *ctx, const char *name, struct mgmt_domain *out);
	void (*node)(void *ctx, struct mgmt_node *out);
	int (*start)(void *ctx, const char *name, char *why, size_t why_len);
	int (*destroy)(void *ctx, const char *name, char *why, size_t why_len);
	/*
	 * `text` is a Strata definition: one `[vm NAME]` section in the
	 * strata.conf syntax (docs/CONFIG.md), validated as at boot. On
	 * success writes the domain's name to name_out (MGMT_NAME_MAX bytes).
	 */
	int (*define)(void *ctx, const char *text, size_t len, char *name_out, char *why,
		      size_t why_len);
	int (*undefine)(void *ctx, const char *name, char *why, size_t why_len);
	/*
	 * A domain's serial console (COM1 of the guest), for `console NAME`.
	 * console_read copies up to `cap` bytes of its output from byte number
	 * *cursor on and advances the cursor (start it at 0 to replay what the
	 * hypervisor still holds, or at the value console_read(..., cap 0)
	 * leaves for new output only); returns the count, or -ENOENT when no
	 * such domain runs. console_write queues bytes for the guest to read;
	 * returns how many it took (the guest's receiver may be full), or
	 * -ENOENT.
	 */
	long (*console_read)(void *ctx, const char *name, uint64_t *cursor, uint8_t *buf,
			     size_t cap);
	long (*console_write)(void *ctx, const char *name, const uint8_t *bytes, size_t n);
	/* Name of basic exit reason `reason` ("cpuid", "io_instruction"), NULL if unused. */
	const char *(*exit_reason_name)(unsigned reason);
};

/* virsh's word for a state: "running", "shut off", "in shutdown", "crashed". */
const char *mgmt_state_name(enum mgmt_state state);

#endif
