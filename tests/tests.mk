# Running Strata in the emulators, the test suite, checks and benchmarks.

.PHONY: test check bench run run-qemu fuzz-build

# The Linux guest of the acceptance tests: Debian's kernel and busybox,
# fetched at test time (never committed) into $(BUILD)/linux/.
LINUX_DIR := $(BUILD)/linux
$(LINUX_DIR)/vmlinuz $(LINUX_DIR)/busybox: tests/linux/fetch.sh | $(DEPS_STAMP)
	tests/linux/fetch.sh $(LINUX_DIR)
$(LINUX_DIR)/initramfs.cpio.gz: $(LINUX_DIR)/busybox tests/linux/mkinitramfs.py tests/linux/init.sh
	python3 tests/linux/mkinitramfs.py --busybox $(LINUX_DIR)/busybox --init tests/linux/init.sh --out $@
.PHONY: linux-assets
linux-assets: $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/initramfs.cpio.gz

# make test: host unit tests, then every boot test (tests/run_tests.py).
test: all unit guests linux-assets $(CONFFILES_TOOL)
	python3 tests/run_tests.py

# make run: Strata under Bochs (VT-x, 2 CPUs) with the two demo VMs of
# boot/demo.conf, serial console on this terminal; Ctrl-C stops it. The
# config and guests/demo.elf are staged in $(BUILD)/demo/ as a user's config
# sits beside its files, then packed (scripts/stage.sh) and made into
# $(BUILD)/demo/strata.iso (scripts/mkiso.sh, only when the staged files
# changed). `make iso` and boot/default.conf are not involved.
run: $(KERNEL_ELF) $(GUEST_OUT)/demo.elf $(CONFFILES_TOOL)
	@mkdir -p $(BUILD)/demo/guests
	@cp boot/demo.conf $(BUILD)/demo/strata.conf
	@cp $(GUEST_OUT)/demo.elf $(BUILD)/demo/guests/demo.elf
	@scripts/stage.sh $(BUILD)/demo/media $(KERNEL_ELF) $(BUILD)/demo/strata.conf \
		$(CONFFILES_TOOL)
	@[ $(BUILD)/demo/strata.iso -nt $(BUILD)/demo/media/.stamp ] || \
		scripts/mkiso.sh $(BUILD)/demo/media/strata $(BUILD)/demo/iso-root \
			$(BUILD)/demo/strata.iso
	scripts/run-bochs.sh $(BUILD)/demo/strata.iso 2

# make run-qemu: the ESP image under QEMU + OVMF, serial on stdio.
run-qemu: esp
	cp /usr/share/OVMF/OVMF_VARS.fd $(BUILD)/ovmf-vars.fd
	qemu-system-x86_64 -accel tcg -m 256 -smp 2 \
		-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,file=$(BUILD)/ovmf-vars.fd \
		-drive file=$(ESP_IMAGE),format=raw,if=ide \
		-display none -serial mon:stdio -no-reboot

# make check: formatting, static analysis, headers that compile alone.
check: | $(DEPS_STAMP)
	scripts/check.sh

# make bench: figures only; nothing here asserts on time (tests/bench.py).
bench: all linux-assets $(CONFFILES_TOOL) $(GUEST_OUT)/rdtsc.elf
	python3 tests/bench.py
