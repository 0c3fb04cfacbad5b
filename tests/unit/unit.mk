# Host unit tests (cmocka, ASan + UBSan).
#
# Each tests/unit/test_NAME.c names the production sources it exercises on
# a line of its own:
#     /* UNIT_SOURCES: kernel/mm/pmm.c kernel/lib/string.c */
# and is built, with them, into $(BUILD)/unit/test_NAME. Production code is
# compiled unchanged against the host's libc.

UNIT_CFLAGS := -std=gnu11 -O1 -g -I. -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer $(WARNINGS) \
	-Wno-missing-prototypes -DSTRATA_HOST_TEST -DSTRATA_VERSION='"$(VERSION)"'
UNIT_LIBS   := -lcmocka

UNIT_TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS     := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_TEST_SRCS))

unit_sources = $(shell sed -n 's@.*UNIT_SOURCES:\(.*\)\*/.*@\1@p' $(1))

define UNIT_RULE
$(BUILD)/unit/$(1): tests/unit/$(1).c $(call unit_sources,tests/unit/$(1).c) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(HOSTCC) $$(UNIT_CFLAGS) -MMD -MP -o $$@ $$(filter %.c,$$^) $$(UNIT_LIBS)
endef
$(foreach t,$(UNIT_TEST_SRCS),$(eval $(call UNIT_RULE,$(basename $(notdir $(t))))))
-include $(UNIT_TESTS:=.d)

unit: $(UNIT_TESTS)
