# Strata: top-level, non-recursive Makefile. Output goes under build/.
#
#   make            install missing packages, build kernel, ESP image and ISO
#   make run        boot the ISO under Bochs (VT-x), serial on the terminal
#   make run-qemu   boot the ESP image under QEMU + OVMF (UEFI path)
#   make test       unit tests + emulator boot tests, ends "N passed, N failed"
#   make check      formatting, static analysis, header self-containment
#   make bench      figures (image size, boot path lengths, boot times)
#   make fuzz       run every libFuzzer target for a bounded time
#
# `make iso CONFIG=path/to/strata.conf` (and `esp`) packs that host config
# and every file it names; the default is boot/default.conf.

BUILD   ?= build
CONFIG  ?= boot/default.conf
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GITREV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# V=1 shows full command lines.
Q := $(if $(V),,@)

CC      := gcc
LD      := ld
OBJCOPY := objcopy
HOSTCC  := gcc
CLANG   := clang

.DEFAULT_GOAL := all
.PHONY: all deps kernel esp iso run run-qemu test unit check bench fuzz clean
.DELETE_ON_ERROR:

# Packages come from Debian; the script is idempotent and quick when done.
DEPS_STAMP := $(BUILD)/.deps-ok
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p $(@D)
	@scripts/install-deps.sh
	@touch $@

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wundef -Wvla -Wno-unused-parameter

# ---------------------------------------------------------------- kernel ---
KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -Ikernel/include/libc -I. \
	-fno-stack-protector -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	-mcmodel=kernel -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none $(WARNINGS) -MMD -MP \
	-DSTRATA_VERSION='"$(VERSION)"' -DSTRATA_GITREV='"$(GITREV)"'
KERNEL_ASFLAGS := -I. -Ikernel/include/libc -D__ASSEMBLY__ -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T linker.ld

KERNEL_DIRS := kernel vmx drivers net boot/multiboot2 boot/common
KERNEL_SRCS := $(sort $(shell find $(KERNEL_DIRS) -name '*.c' -o -name '*.S' 2>/dev/null))
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel-obj/%.o,$(KERNEL_SRCS))
KERNEL_ELF  := $(BUILD)/strata.elf

include net/lwip/lwip.mk
KERNEL_OBJS += $(LWIP_OBJS)

kernel: $(KERNEL_ELF)

$(BUILD)/kernel-obj/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

-include $(KERNEL_OBJS:.o=.d)

# Fragments owned by their folders.
include boot/efi/efi.mk
include scripts/conffiles.mk
include scripts/media.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/guests/guests.mk
include tests/tests.mk

all: kernel esp iso $(CONFFILES_TOOL)

clean:
	rm -rf $(BUILD)
