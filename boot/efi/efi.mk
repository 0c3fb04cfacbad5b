# The GNU-EFI loader: $(EFI_LOADER) = \EFI\BOOT\BOOTX64.EFI of the ESP.
#
# GNU-EFI builds an ordinary x86-64 ELF shared object against its own
# start-up code (crt0 applies the relocations at run time) and objcopy
# rewrites it as a PE32+ EFI application (subsystem 10). Flags follow
# Debian's gnu-efi 3.0.15 (docs: TESTING.md). GNU_EFI_USE_MS_ABI makes
# the EFI function pointers ms_abi so the firmware is called directly,
# without uefi_call_wrapper().

EFI_INC ?= /usr/include/efi
EFI_LIB ?= /usr/lib

EFI_LOADER := $(BUILD)/efi/BOOTX64.EFI
EFI_SO     := $(BUILD)/efi/loader.so

EFI_CFLAGS := -std=gnu11 -O2 -g -fpic -ffreestanding -fno-stack-protector \
	-fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 \
	-I. $(WARNINGS) -MMD -MP -DSTRATA_VERSION='"$(VERSION)"'
EFI_ASFLAGS := -I. -D__ASSEMBLY__ -MMD -MP
EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-z noexecstack -T $(EFI_LIB)/elf_x86_64_efi.lds
EFI_SECTIONS := .text .sdata .data .rodata .dynamic .dynsym .rel .rela \
	.rel.* .rela.* .reloc

EFI_SRCS := $(sort $(wildcard boot/efi/*.c boot/efi/*.S)) boot/common/elf.c
EFI_OBJS := $(patsubst %,$(BUILD)/efi-obj/%.o,$(EFI_SRCS))

$(BUILD)/efi-obj/%.c.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(EFI_ASFLAGS) -c $< -o $@

# crt0 must come first: it holds the PE entry point _start.
$(EFI_SO): $(EFI_OBJS) boot/efi/efi.mk
	@mkdir -p $(@D)
	$(LD) $(EFI_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-L$(EFI_LIB) -lefi -lgnuefi -o $@

$(EFI_LOADER): $(EFI_SO)
	$(OBJCOPY) $(addprefix -j ,$(EFI_SECTIONS)) --target efi-app-x86_64 \
		--subsystem=10 $< $@

.PHONY: efi
efi: $(EFI_LOADER)

-include $(EFI_OBJS:.o=.d)
