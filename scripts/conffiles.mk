# Host tool: list the files a host config names (kernel, initrd and disk of
# each [vm NAME]), one path per line relative to the config's folder, for
# scripts/stage.sh to pack beside the config. Built from the hypervisor's
# own tokenizer, so it also stops the media build on a malformed config
# (exit 1, the parser's messages on stderr).
#
#	$(CONFFILES_TOOL) $(CONFIG)
#
# scripts/media.mk names the same path with `?=`; include this fragment
# before it if a rule there lists $(CONFFILES_TOOL) as a prerequisite.

CONFFILES_TOOL := $(BUILD)/host/strata-conffiles
CONFFILES_SRCS := scripts/conffiles.c kernel/config/ini.c
CONFFILES_HDRS := kernel/config/ini.h kernel/config/hostconf.h

$(CONFFILES_TOOL): $(CONFFILES_SRCS) $(CONFFILES_HDRS) scripts/conffiles.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -O2 -g -I. $(WARNINGS) -o $@ $(CONFFILES_SRCS)
