# Running Strata in the emulators, the test suite, checks and benchmarks.

.PHONY: test check bench run run-qemu demo-media fuzz-build

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
# boot/demo.conf and its e1000 on slirp: the console at 127.0.0.1:2323 and
# HTTP at 127.0.0.1:8080 (README). Serial console on this terminal; Ctrl-C
# stops it. The config and guests/demo.elf are staged in $(BUILD)/demo/ as
# a user's config sits beside its files, then packed (scripts/stage.sh)
# and made into an ISO and an ESP image (only when the staged files
# changed). `make iso` and boot/default.conf are not involved.
DEMO := $(BUILD)/demo
demo-media: $(KERNEL_ELF) $(EFI_LOADER) $(GUEST_OUT)/demo.elf $(CONFFILES_TOOL)
	@mkdir -p $(DEMO)/guests $(DEMO)/media/EFI/BOOT
	@cp boot/demo.conf $(DEMO)/strata.conf
	@cp $(GUEST_OUT)/demo.elf $(DEMO)/guests/demo.elf
	@cp $(EFI_LOADER) $(DEMO)/media/EFI/BOOT/BOOTX64.EFI
	@scripts/stage.sh $(DEMO)/media $(KERNEL_ELF) $(DEMO)/strata.conf $(CONFFILES_TOOL)
	@[ $(DEMO)/strata.iso -nt $(DEMO)/media/.stamp ] || \
		scripts/mkiso.sh $(DEMO)/media/strata $(DEMO)/iso-root $(DEMO)/strata.iso
	@[ $(DEMO)/strata-esp.img -nt $(DEMO)/media/.stamp ] || \
		scripts/mkesp.sh $(DEMO)/media $(DEMO)/strata-esp.img >/dev/null

run: demo-media
	scripts/run-bochs.sh $(DEMO)/strata.iso 2

# make run-qemu: the same ESP image under QEMU + OVMF with user networking
# and the same forwards (QEMU has no VT-x: the VMs are refused there).
run-qemu: demo-media
	cp /usr/share/OVMF/OVMF_VARS.fd $(BUILD)/ovmf-vars.fd
	qemu-system-x86_64 -accel tcg -m 256 -smp 2 \
		-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,file=$(BUILD)/ovmf-vars.fd \
		-drive file=$(DEMO)/strata-esp.img,format=raw,if=ide \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:2323-:23,hostfwd=tcp:127.0.0.1:8080-:80 \
		-device e1000,netdev=n0 \
		-display none -serial mon:stdio -no-reboot

# make check: formatting, static analysis, headers that compile alone.
check: | $(DEPS_STAMP) $(LWIP_STAMP)
	scripts/check.sh

# make bench: figures only; nothing here asserts on time (tests/bench.py).
bench: all linux-assets $(CONFFILES_TOOL) $(GUEST_OUT)/rdtsc.elf
	python3 tests/bench.py
	python3 tests/bench_mgmt.py
