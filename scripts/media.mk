# Boot media: the UEFI ESP image and the hybrid BIOS/UEFI GRUB ISO.
#
#   make esp [CONFIG=...]   $(ESP_IMAGE): FAT image, \EFI\BOOT\BOOTX64.EFI is
#                           our loader, \strata\ holds kernel, config, files
#   make iso [CONFIG=...]   $(ISO_IMAGE): grub-mkrescue ISO, GRUB loads the
#                           same \strata\ folder through multiboot2
#
# Both share one staged strata/ folder ($(ESP_DIR)/strata). Staging runs on
# every make (it is a few file copies) and touches $(MEDIA_STAMP) only when
# the content changed: a new kernel, another CONFIG, or an edited file the
# config names all rebuild the images, and nothing else does.

ESP_DIR     := $(BUILD)/esp
ESP_IMAGE   := $(BUILD)/strata-esp.img
ISO_ROOT    := $(BUILD)/iso-root
ISO_IMAGE   := $(BUILD)/strata.iso
MEDIA_STAMP := $(ESP_DIR)/.stamp

# Host tool that lists the files a config names (one path per line,
# relative to the config's folder); scripts/conffiles.mk builds it. With
# CONFFILES_TOOL= (empty) only the config itself is staged.
CONFFILES_TOOL ?= $(BUILD)/host/strata-conffiles

.PHONY: media-stage
$(MEDIA_STAMP): media-stage $(KERNEL_ELF) scripts/stage.sh \
		| $(DEPS_STAMP) $(CONFFILES_TOOL)
	@scripts/stage.sh $(ESP_DIR) $(KERNEL_ELF) $(CONFIG) $(CONFFILES_TOOL)

$(ESP_DIR)/EFI/BOOT/BOOTX64.EFI: $(EFI_LOADER)
	@mkdir -p $(@D)
	cp $< $@

$(ESP_IMAGE): $(MEDIA_STAMP) $(ESP_DIR)/EFI/BOOT/BOOTX64.EFI scripts/mkesp.sh
	scripts/mkesp.sh $(ESP_DIR) $@

$(ISO_IMAGE): $(MEDIA_STAMP) scripts/mkiso.sh
	scripts/mkiso.sh $(ESP_DIR)/strata $(ISO_ROOT) $@

esp: $(ESP_IMAGE)
iso: $(ISO_IMAGE)
