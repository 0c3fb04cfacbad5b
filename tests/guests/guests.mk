# Test guests (tests/guests/README.md): small Multiboot v1 ELF32 programs and
# one flat real-mode binary that print PASS/FAIL lines on the UART and end
# through the exit port. Included from the top Makefile; output goes to
# $(BUILD)/guests/.
#
#   make guests     build every image listed in GUEST_IMAGES

.PHONY: guests

GUEST_DIR := tests/guests
GUEST_OUT := $(BUILD)/guests

# Each name is one guest: $(GUEST_DIR)/NAME.c -> $(GUEST_OUT)/NAME.elf
GUEST_NAMES := cpuid portio msr rdtsc vmxon memory hlt spin triple strio demo reset \
	apic ioapic pit rtc mmio echo flood nmi cpufeat
GUEST_FLAT  := hello

GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding \
	-fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-I$(GUEST_DIR)/include -I$(GUEST_DIR)/lib \
	-fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-delete-null-pointer-checks \
	$(WARNINGS) -MMD -MP
GUEST_ASFLAGS := -m32 -I$(GUEST_DIR)/include -I$(GUEST_DIR)/lib \
	-D__ASSEMBLY__ -Wa,--fatal-warnings -MMD -MP
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments --build-id=none --fatal-warnings

GUEST_LIB_SRCS := $(sort $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S))
GUEST_LIB_OBJS := $(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/obj/%.o,$(GUEST_LIB_SRCS))
GUEST_ELFS     := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_NAMES))
GUEST_BINS     := $(patsubst %,$(GUEST_OUT)/%.bin,$(GUEST_FLAT))
GUEST_IMAGES   := $(GUEST_ELFS) $(GUEST_BINS)
GUEST_OBJS     := $(GUEST_LIB_OBJS) \
	$(patsubst %,$(GUEST_OUT)/obj/%.c.o,$(GUEST_NAMES)) \
	$(patsubst %,$(GUEST_OUT)/obj/%.S.o,$(GUEST_FLAT))

guests: $(GUEST_IMAGES)

$(GUEST_OUT)/obj/%.c.o: $(GUEST_DIR)/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/obj/%.S.o: $(GUEST_DIR)/%.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_ELFS): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/obj/%.c.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/guest.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/guest.ld -o $@ \
		$< $(GUEST_LIB_OBJS)

# The flat guest is linked at 0x7c00, then stripped to its raw bytes.
$(GUEST_BINS): $(GUEST_OUT)/%.bin: $(GUEST_OUT)/obj/%.S.o $(GUEST_DIR)/flat.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -T $(GUEST_DIR)/flat.ld \
		-o $(GUEST_OUT)/$*.flat.elf $<
	$(Q)$(OBJCOPY) -O binary -j .text $(GUEST_OUT)/$*.flat.elf $@

-include $(GUEST_OBJS:.o=.d)
