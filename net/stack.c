#include <string.h>

#include "drivers/net/nic.h"
#include "kernel/log.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "net/stack.h"
#include "netif/ethernet.h"

#define RX_BUDGET 64 /* frames per NIC per poll: bounds one poll's time */

static struct netif mgmt_netif;
static struct nic *mgmt_nic;
static bool announced;

/* lwIP's link output: one frame, possibly in a pbuf chain. */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
	static uint8_t frame[NIC_MAX_FRAME];
	struct nic *nic = netif->state;

	if (p->tot_len > sizeof(frame)) {
		nic->stats.tx_dropped++;
		return ERR_BUF;
	}
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	return nic->ops->transmit(nic, frame, p->tot_len) ? ERR_MEM : ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
	struct nic *nic = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = link_output;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, nic->mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif_set_hostname(netif, "strata");
	return ERR_OK;
}

static void deliver(struct nic *nic, const void *frame, size_t len, void *ctx)
{
	struct netif *netif = ctx;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

	if (!p) {
		nic->stats.rx_dropped++;
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

/* Log the address once the interface has one (at once, or when DHCP binds). */
static void status_changed(struct netif *netif)
{
	char addr[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX];
	uint32_t mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(netif)));
	int prefix = 0;

	if (ip4_addr_isany(netif_ip4_addr(netif)) || announced)
		return;
	announced = true;
	while (prefix < 32 && (mask << prefix) & 0x80000000u)
		prefix++;
	ip4addr_ntoa_r(netif_ip4_addr(netif), addr, sizeof(addr));
	ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof(gw));
	log_report("strata: net %s %s/%d gw %s (%s)", mgmt_nic->name, addr, prefix, gw,
		   dhcp_supplied_address(netif) ? "dhcp" : "static");
}

bool net_init(const struct hostconf_network *cfg)
{
	ip4_addr_t addr = { 0 }, mask = { 0 }, gw = { 0 };

	if (nic_probe_all() == 0) {
		log_warn("net: no supported NIC (e1000, virtio-net); no management network");
		return false;
	}
	mgmt_nic = nic_table[0];
	lwip_init();
	if (!cfg->dhcp) {
		uint32_t m = cfg->prefix_len ? 0xffffffffu << (32 - cfg->prefix_len) : 0;

		IP4_ADDR(&addr, cfg->address[0], cfg->address[1], cfg->address[2], cfg->address[3]);
		ip4_addr_set_u32(&mask, lwip_htonl(m));
		if (cfg->has_gateway)
			IP4_ADDR(&gw, cfg->gateway[0], cfg->gateway[1], cfg->gateway[2],
				 cfg->gateway[3]);
	}
	netif_add(&mgmt_netif, &addr, &mask, &gw, mgmt_nic, netif_setup, ethernet_input);
	netif_set_default(&mgmt_netif);
	netif_set_status_callback(&mgmt_netif, status_changed);
	netif_set_up(&mgmt_netif);
	netif_set_link_up(&mgmt_netif);
	if (cfg->dhcp) {
		log_info("net: %s: asking DHCP for an address", mgmt_nic->name);
		dhcp_start(&mgmt_netif);
	} else {
		status_changed(&mgmt_netif);
	}
	return true;
}

void net_poll(void)
{
	mgmt_nic->ops->poll(mgmt_nic, RX_BUDGET, deliver, &mgmt_netif);
	sys_check_timeouts();
}
