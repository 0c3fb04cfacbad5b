# lwIP 2.1.3, fetched from Debian's source package at build time
# (scripts/fetch-lwip.sh) and compiled into the kernel with Strata's port
# (net/lwip/: lwipopts.h, arch/cc.h, sys_arch.c). Third-party code: it is
# built with its own warning set, never -Werror on code we do not own.

LWIP_DIR   := $(BUILD)/lwip
LWIP_STAMP := $(LWIP_DIR)/.ok
LWIP_SRC   := $(LWIP_DIR)/src/src

LWIP_FILES := core/def.c core/inet_chksum.c core/init.c core/ip.c core/mem.c core/memp.c \
	core/netif.c core/pbuf.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c apps/lwiperf/lwiperf.c
LWIP_OBJS  := $(patsubst %.c,$(BUILD)/lwip-obj/%.o,$(LWIP_FILES))

LWIP_INCLUDES := -Inet/lwip -isystem $(LWIP_SRC)/include
LWIP_CFLAGS := $(filter-out $(WARNINGS),$(KERNEL_CFLAGS)) $(LWIP_INCLUDES) -Wall \
	-Wno-address -Wno-unused-parameter

$(LWIP_STAMP): scripts/fetch-lwip.sh | $(DEPS_STAMP)
	@scripts/fetch-lwip.sh $(LWIP_DIR)

# The sources appear only once the stamp is made: name them in the recipe,
# and let the .d files track them (and every header) from the first build on.
$(LWIP_OBJS): $(BUILD)/lwip-obj/%.o: net/lwip/lwipopts.h net/lwip/arch/cc.h | $(LWIP_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      lwip/$*.c"
	$(Q)$(CC) $(LWIP_CFLAGS) -c $(LWIP_SRC)/$*.c -o $@

# Strata's own files under net/ include lwIP headers: they wait for the
# unpacked tree (named one by one: a pattern rule cannot add prerequisites).
$(BUILD)/kernel-obj/net/%.c.o: KERNEL_CFLAGS += $(LWIP_INCLUDES)
$(filter $(BUILD)/kernel-obj/net/%,$(KERNEL_OBJS)): | $(LWIP_STAMP)

-include $(LWIP_OBJS:.o=.d)
