# libFuzzer targets for every parser of untrusted bytes.
#
# Each tests/fuzz/fuzz_NAME.c names its production sources on a line:
#     /* FUZZ_SOURCES: kernel/config/ini.c */
# `make fuzz` builds each into $(BUILD)/fuzz/fuzz_NAME and runs it for
# FUZZ_SECONDS from its seed corpus tests/fuzz/corpus/NAME/ (if any).

FUZZ_SECONDS ?= 30
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -I. -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-unused-parameter \
	-DSTRATA_HOST_TEST -DSTRATA_VERSION='"$(VERSION)"'

FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

fuzz_sources = $(shell sed -n 's@.*FUZZ_SOURCES:\(.*\)\*/.*@\1@p' $(1))

define FUZZ_RULE
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $(call fuzz_sources,tests/fuzz/$(1).c) | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(CLANG) $$(FUZZ_CFLAGS) -o $$@ $$(filter %.c,$$^)
endef
$(foreach t,$(FUZZ_SRCS),$(eval $(call FUZZ_RULE,$(basename $(notdir $(t))))))

fuzz-build: $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS)
	@set -e; for f in $(FUZZ_TARGETS); do \
		name=$${f##*/fuzz_}; corpus=$(BUILD)/fuzz/corpus-$$name; \
		mkdir -p $$corpus; \
		seeds=tests/fuzz/corpus/$$name; [ -d $$seeds ] || seeds=; \
		echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$corpus $$seeds \
			2>$(BUILD)/fuzz/$$name.log || { tail -40 $(BUILD)/fuzz/$$name.log; exit 1; }; \
		grep -E "stat::number_of_executed_units|stat::new_units_added" $(BUILD)/fuzz/$$name.log; \
	done
