/*
 * Prometheus text format 0.0.4; see metrics.h. The format asks that all
 * samples of one metric family come as one group after its HELP and TYPE
 * lines, so the domains are walked once per family rather than once in
 * all; each walk takes fresh snapshots, which costs a few microseconds
 * and keeps no large array of domains on the stack.
 */
#include <string.h>

#include "net/mgmt/metrics.h"

#define NS_PER_SEC 1000000000ULL

void mgmt_metrics_label_value(struct textbuf *tb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			textbuf_puts(tb, "\\\\");
		else if (*s == '"')
			textbuf_puts(tb, "\\\"");
		else if (*s == '\n')
			textbuf_puts(tb, "\\n");
		else
			textbuf_putc(tb, *s);
	}
}

static void metrics_family(struct textbuf *tb, const char *name, const char *type, const char *help)
{
	textbuf_printf(tb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void metrics_seconds(struct textbuf *tb, uint64_t ns)
{
	textbuf_printf(tb, "%llu.%09llu\n", (unsigned long long)(ns / NS_PER_SEC),
		       (unsigned long long)(ns % NS_PER_SEC));
}

static void metrics_gauge(struct textbuf *tb, const char *name, const char *help, uint64_t v)
{
	metrics_family(tb, name, "gauge", help);
	textbuf_printf(tb, "%s %llu\n", name, (unsigned long long)v);
}

/* ---------------------------------------------------------------- node -- */

static void metrics_node(struct textbuf *tb, const struct mgmt_node *node)
{
	metrics_family(tb, "strata_node_info", "gauge", "Strata version, as a label.");
	textbuf_puts(tb, "strata_node_info{version=\"");
	mgmt_metrics_label_value(tb, node->version);
	textbuf_puts(tb, "\"} 1\n");
	metrics_gauge(tb, "strata_node_cpus", "Online physical CPUs.", node->cpus);
	metrics_gauge(tb, "strata_node_memory_total_bytes", "Memory the hypervisor manages.",
		      node->memory_total);
	metrics_gauge(tb, "strata_node_memory_free_bytes", "Memory free for new domains.",
		      node->memory_free);
	metrics_family(tb, "strata_node_uptime_seconds", "gauge",
		       "Time since the hypervisor booted.");
	textbuf_puts(tb, "strata_node_uptime_seconds ");
	metrics_seconds(tb, node->uptime_ns);
	metrics_gauge(tb, "strata_mgmt_console_sessions", "Open management console connections.",
		      node->console_sessions);
	metrics_gauge(tb, "strata_mgmt_http_connections", "Open management HTTP connections.",
		      node->http_connections);
	metrics_gauge(tb, "strata_mgmt_tcp_pcbs_used", "lwIP TCP control blocks in use.",
		      node->tcp_pcbs_used);
	metrics_family(tb, "strata_mgmt_failed_logins_total", "counter",
		       "Console and API authentication failures since boot.");
	textbuf_printf(tb, "strata_mgmt_failed_logins_total %llu\n",
		       (unsigned long long)node->failed_logins);
}

/* ---------------------------------------------------------------- NICs -- */

enum metrics_nic_value {
	NIC_RX_PACKETS,
	NIC_RX_BYTES,
	NIC_RX_DROPPED,
	NIC_TX_PACKETS,
	NIC_TX_BYTES,
	NIC_TX_DROPPED
};

static uint64_t metrics_nic_value(const struct mgmt_nic *nic, enum metrics_nic_value v)
{
	switch (v) {
	case NIC_RX_PACKETS:
		return nic->rx_packets;
	case NIC_RX_BYTES:
		return nic->rx_bytes;
	case NIC_RX_DROPPED:
		return nic->rx_dropped;
	case NIC_TX_PACKETS:
		return nic->tx_packets;
	case NIC_TX_BYTES:
		return nic->tx_bytes;
	case NIC_TX_DROPPED:
		return nic->tx_dropped;
	}
	return 0;
}

/* nic="NAME", or nic="NAME-I" for a NIC whose name an earlier one has: series stay distinct. */
static void metrics_nic_label(struct textbuf *tb, const struct mgmt_node *node, unsigned i)
{
	char name[sizeof(node->nics[i].name) + 1];
	bool repeated = false;

	memcpy(name, node->nics[i].name, sizeof(node->nics[i].name));
	name[sizeof(node->nics[i].name)] = '\0';
	for (unsigned j = 0; j < i; j++)
		if (strncmp(node->nics[j].name, node->nics[i].name, sizeof(name) - 1) == 0)
			repeated = true;
	textbuf_puts(tb, "{nic=\"");
	mgmt_metrics_label_value(tb, name);
	if (repeated)
		textbuf_printf(tb, "-%u", i);
	textbuf_puts(tb, "\"}");
}

static void metrics_nics(struct textbuf *tb, const struct mgmt_node *node)
{
	static const struct {
		const char *name;
		const char *help;
	} counters[] = {
		[NIC_RX_PACKETS] = { "strata_nic_rx_packets_total", "Packets received." },
		[NIC_RX_BYTES] = { "strata_nic_rx_bytes_total", "Bytes received." },
		[NIC_RX_DROPPED] = { "strata_nic_rx_dropped_total", "Received packets dropped." },
		[NIC_TX_PACKETS] = { "strata_nic_tx_packets_total", "Packets sent." },
		[NIC_TX_BYTES] = { "strata_nic_tx_bytes_total", "Bytes sent." },
		[NIC_TX_DROPPED] = { "strata_nic_tx_dropped_total",
				     "Packets dropped instead of sent." },
	};
	unsigned count = node->nic_count < MGMT_NICS_MAX ? node->nic_count : MGMT_NICS_MAX;

	if (count == 0)
		return;
	metrics_family(tb, "strata_nic_link_up", "gauge", "1 if the NIC's link is up.");
	for (unsigned i = 0; i < count; i++) {
		textbuf_puts(tb, "strata_nic_link_up");
		metrics_nic_label(tb, node, i);
		textbuf_printf(tb, " %d\n", node->nics[i].link_up ? 1 : 0);
	}
	for (unsigned c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
		metrics_family(tb, counters[c].name, "counter", counters[c].help);
		for (unsigned i = 0; i < count; i++) {
			textbuf_puts(tb, counters[c].name);
			metrics_nic_label(tb, node, i);
			textbuf_printf(tb, " %llu\n",
				       (unsigned long long)
					       metrics_nic_value(&node->nics[i],
								 (enum metrics_nic_value)c));
		}
	}
}

/* ------------------------------------------------------------- domains -- */

enum metrics_domain_family { DOM_STATE, DOM_VCPUS, DOM_MEMORY, DOM_CPU, DOM_EXITS };

static void metrics_domain_label(struct textbuf *tb, const char *metric,
				 const struct mgmt_domain *d)
{
	char name[MGMT_NAME_MAX];

	memcpy(name, d->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	textbuf_printf(tb, "%s{domain=\"", metric);
	mgmt_metrics_label_value(tb, name);
	textbuf_putc(tb, '"');
}

static void metrics_domain_exits(struct textbuf *tb, const struct mgmt_backend *be,
				 const struct mgmt_domain *d)
{
	for (unsigned r = 0; r < MGMT_EXIT_REASONS; r++) {
		const char *reason = be->exit_reason_name ? be->exit_reason_name(r) : NULL;

		if (!d->exits[r])
			continue;
		metrics_domain_label(tb, "strata_domain_exits_total", d);
		textbuf_puts(tb, ",reason=\"");
		if (reason)
			mgmt_metrics_label_value(tb, reason);
		else
			textbuf_printf(tb, "%u", r);
		textbuf_printf(tb, "\"} %llu\n", (unsigned long long)d->exits[r]);
	}
}

static void metrics_domain(struct textbuf *tb, const struct mgmt_backend *be,
			   const struct mgmt_domain *d, enum metrics_domain_family f)
{
	switch (f) {
	case DOM_STATE:
		/* One sample per state, 1 for the current one: the usual enum-as-gauge shape. */
		for (unsigned s = MGMT_SHUT_OFF; s <= MGMT_CRASHED; s++) {
			metrics_domain_label(tb, "strata_domain_state", d);
			textbuf_puts(tb, ",state=\"");
			mgmt_metrics_label_value(tb, mgmt_state_name((enum mgmt_state)s));
			textbuf_printf(tb, "\"} %d\n", d->state == (enum mgmt_state)s ? 1 : 0);
		}
		break;
	case DOM_VCPUS:
		metrics_domain_label(tb, "strata_domain_vcpus", d);
		textbuf_printf(tb, "} %u\n", d->vcpus);
		break;
	case DOM_MEMORY:
		metrics_domain_label(tb, "strata_domain_memory_bytes", d);
		textbuf_printf(tb, "} %llu\n", (unsigned long long)d->memory);
		break;
	case DOM_CPU:
		metrics_domain_label(tb, "strata_domain_cpu_seconds_total", d);
		textbuf_puts(tb, "} ");
		metrics_seconds(tb, d->cpu_time_ns);
		break;
	case DOM_EXITS:
		metrics_domain_exits(tb, be, d);
		break;
	}
}

static void metrics_domains(struct textbuf *tb, const struct mgmt_backend *be)
{
	static const struct {
		const char *name;
		const char *type;
		const char *help;
	} families[] = {
		[DOM_STATE] = { "strata_domain_state", "gauge",
				"1 for the domain's current state." },
		[DOM_VCPUS] = { "strata_domain_vcpus", "gauge", "Virtual CPUs of the domain." },
		[DOM_MEMORY] = { "strata_domain_memory_bytes", "gauge",
				 "Guest RAM of the domain." },
		[DOM_CPU] = { "strata_domain_cpu_seconds_total", "counter",
			      "Run time of the domain's vCPUs in this run." },
		[DOM_EXITS] = { "strata_domain_exits_total", "counter",
				"VM exits by basic exit reason in this run." },
	};
	unsigned count = be->domain_count(be->ctx);
	struct mgmt_domain d;

	for (unsigned f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		metrics_family(tb, families[f].name, families[f].type, families[f].help);
		for (unsigned i = 0; i < count; i++) {
			if (!be->domain_at(be->ctx, i, &d))
				break; /* undefined meanwhile */
			metrics_domain(tb, be, &d, (enum metrics_domain_family)f);
		}
	}
}

void mgmt_metrics_format(const struct mgmt_backend *be, struct textbuf *tb)
{
	struct mgmt_node node;

	memset(&node, 0, sizeof(node));
	be->node(be->ctx, &node);
	node.version[sizeof(node.version) - 1] = '\0';
	metrics_node(tb, &node);
	metrics_nics(tb, &node);
	textbuf_printf(tb,
		       "# HELP strata_domains Defined domains.\n# TYPE strata_domains gauge\n"
		       "strata_domains %u\n",
		       be->domain_count(be->ctx));
	metrics_domains(tb, be);
}
