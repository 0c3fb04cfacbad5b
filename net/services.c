#include <string.h>

#include "kernel/log.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/ip_addr.h"
#include "net/services.h"

static const struct hostconf_network *config;
static const struct mgmt_backend *domains;
static bool network_up;

static void iperf_report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
			 u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port,
			 u32_t bytes_transferred, u32_t ms_duration, u32_t bandwidth_kbitpsec)
{
	log_info("net: iperf: %u bytes in %u ms, %u kbit/s (report type %d)",
		 (unsigned)bytes_transferred, (unsigned)ms_duration, (unsigned)bandwidth_kbitpsec,
		 (int)type);
}

void services_start(const struct hostconf_network *cfg, const struct mgmt_backend *backend,
		    bool network)
{
	config = cfg;
	domains = backend;
	network_up = network;
	if (!network)
		return;
	if (cfg->iperf && lwiperf_start_tcp_server_default(iperf_report, NULL))
		log_info("net: iperf server on TCP port %d", LWIPERF_TCP_PORT_DEFAULT);
}

void services_poll(void)
{
}
