/*
 * lwIP's configuration for Strata (lwIP's src/include/lwip/opt.h lists
 * every option and its default). The stack runs without an OS (NO_SYS):
 * the boot CPU polls the NICs and lwIP's timers from its management loop
 * (net/stack.c), and nothing else ever calls into lwIP, so no locking.
 */
#ifndef STRATA_LWIPOPTS_H
#define STRATA_LWIPOPTS_H

#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0
#define LWIP_IPV4            1
#define LWIP_IPV6            0
#define LWIP_ARP             1
#define LWIP_ETHERNET        1
#define LWIP_ICMP            1
#define LWIP_RAW             0
#define LWIP_UDP             1
#define LWIP_TCP             1
#define LWIP_DHCP            1
#define LWIP_AUTOIP          0
#define LWIP_IGMP            0
#define LWIP_DNS             0
#define DHCP_DOES_ARP_CHECK \
	0 /* saves seconds of boot; the lease comes from a DHCP server we trust */
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_HOSTNAME        1
#define LWIP_SINGLE_NETIF          0
#define LWIP_CHECKSUM_ON_COPY      0

/* Memory: lwIP's own heap and pools, statically allocated in .bss. */
#define MEM_ALIGNMENT     8
#define MEM_SIZE          (512 * 1024)
#define PBUF_POOL_SIZE    128
#define PBUF_POOL_BUFSIZE 1536
#define MEMP_NUM_PBUF     64
#define MEMP_NUM_UDP_PCB  6
/* 16 console + 16 HTTP clients at once, the listeners, lwiperf, TIME_WAIT. */
#define MEMP_NUM_TCP_PCB        48
#define MEMP_NUM_TCP_PCB_LISTEN 6
#define MEMP_NUM_SYS_TIMEOUT    12

/* TCP: a window that keeps an emulated gigabit link busy, within the pools. */
#define TCP_MSS            1460
#define TCP_WND            (16 * TCP_MSS)
#define TCP_SND_BUF        (16 * TCP_MSS)
#define TCP_SND_QUEUELEN   (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG   (2 * TCP_SND_QUEUELEN)
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1

/* Counters for /metrics; no debug output. */
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define LWIP_DEBUG         0

#define LWIP_RAND() ((u32_t)lwip_port_rand())

#endif
