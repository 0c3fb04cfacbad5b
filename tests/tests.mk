# Running Strata in the emulators, the test suite, checks and benchmarks.

.PHONY: test check bench run run-qemu fuzz-build

# make test: host unit tests, then every boot test (tests/run_tests.py).
test: all unit guests $(CONFFILES_TOOL)
	python3 tests/run_tests.py

# make run: the ISO under Bochs (VT-x), serial console on this terminal.
run: iso
	scripts/run-bochs.sh $(ISO_IMAGE) 2

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

# make bench: figures only; nothing here asserts on time.
bench: all $(CONFFILES_TOOL)
	python3 tests/bench.py
