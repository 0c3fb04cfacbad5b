#!/usr/bin/env python3
"""Strata's test suite: host unit tests, then boots under QEMU and Bochs.

Usage: tests/run_tests.py [--only SUBSTRING] [--list]

Every boot test builds its own media from a config in tests/configs/,
boots it, and judges the run by the serial log alone: the boot report
lines, the markers a test expects, and a clean power-off. The last line
printed is "N passed, N failed". Logs of every run stay in
build/test-runs/NAME/.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))
import emu  # noqa: E402
import mgmt_tests  # noqa: E402

BUILD = "build"
KERNEL = os.path.join(BUILD, "strata.elf")
LOADER = os.path.join(BUILD, "efi", "BOOTX64.EFI")
CONFFILES = os.path.join(BUILD, "host", "strata-conffiles")

REPORT = [
    ("version", r"strata: version (\S+)"),
    ("boot", r"strata: boot=(uefi|multiboot2)"),
    ("cpus", r"strata: cpus=(\d+)/(\d+)"),
    ("memory", r"strata: memory=(\d+) MiB usable"),
    ("vmx", r"strata: vmx=(yes|no) ept=(yes|no) unrestricted=(yes|no) vpid=(yes|no)"),
    ("ready", r"strata: ready"),
]


class Failure(Exception):
    pass


GUESTS = os.path.join(BUILD, "guests")


def build_media(name, config, guests=(), check_config=True, extra=None):
    """Stage kernel + loader + config (+ guest images) and build both images.

    The config is copied into a folder of its own with the guest images it
    names under guests/, as a user's config sits beside its files. With
    check_config the build's config tool validates it and packs the files it
    names (the normal path); without, the files are packed as given, so a
    config the tool would refuse can still reach the hypervisor.
    """
    out = os.path.join(BUILD, "test-media", name)
    src = os.path.join(out, "src")
    esp_dir = os.path.join(out, "esp")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(esp_dir, "EFI", "BOOT"))
    os.makedirs(os.path.join(src, "guests"))
    shutil.copy(config, os.path.join(src, "strata.conf"))
    for g in guests:
        shutil.copy(os.path.join(GUESTS, g), os.path.join(src, "guests", g))
    for rel, path in (extra or {}).items():
        os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
        shutil.copy(path, os.path.join(src, rel))
    shutil.copy(LOADER, os.path.join(esp_dir, "EFI", "BOOT", "BOOTX64.EFI"))
    cmd = ["scripts/stage.sh", esp_dir, KERNEL, os.path.join(src, "strata.conf")]
    subprocess.run(cmd + ([CONFFILES] if check_config else []), check=True)
    if not check_config and guests:
        os.makedirs(os.path.join(esp_dir, "strata", "guests"), exist_ok=True)
        for g in guests:
            shutil.copy(os.path.join(src, "guests", g),
                        os.path.join(esp_dir, "strata", "guests", g))
        open(os.path.join(esp_dir, ".stamp"), "w").close()
    esp = os.path.join(out, "strata-esp.img")
    iso = os.path.join(out, "strata.iso")
    subprocess.run(["scripts/mkesp.sh", esp_dir, esp], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["scripts/mkiso.sh", os.path.join(esp_dir, "strata"),
                    os.path.join(out, "iso-root"), iso], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return esp, iso


def parse_report(lines):
    """The boot report as a dict; each line must appear exactly once, in order."""
    found = {}
    pos = -1
    for key, pattern in REPORT:
        hits = [i for i, l in enumerate(lines) if re.fullmatch(pattern, l)]
        if len(hits) != 1:
            raise Failure("report line '%s' seen %d times" % (key, len(hits)))
        if hits[0] < pos:
            raise Failure("report line '%s' out of order" % key)
        pos = hits[0]
        found[key] = re.fullmatch(pattern, lines[hits[0]]).groups()
    return found


def check_boot(result, *, boot, cpus, vmx, memory_mib=256, power_off=True, expect=()):
    if result.timed_out and power_off:
        raise Failure("emulator still running at the timeout")
    lines = result.lines
    rep = parse_report(lines)
    if rep["boot"][0] != boot:
        raise Failure("boot=%s, expected %s" % (rep["boot"][0], boot))
    online, found = int(rep["cpus"][0]), int(rep["cpus"][1])
    if (online, found) != cpus:
        raise Failure("cpus=%d/%d, expected %d/%d" % (online, found, cpus[0], cpus[1]))
    usable = int(rep["memory"][0])
    if not memory_mib * 3 // 4 <= usable <= memory_mib:
        raise Failure("memory=%d MiB usable out of %d" % (usable, memory_mib))
    want = "yes" if vmx else "no"
    if rep["vmx"] != (want,) * 4:
        raise Failure("vmx/ept/unrestricted/vpid = %s, expected all %s" % (rep["vmx"], want))
    for pattern in expect:
        if not any(re.search(pattern, l) for l in lines):
            raise Failure("no line matches %r" % pattern)
    bad = [l for l in lines if l.startswith(("PANIC", "EXCEPTION"))]
    if bad and not any("EXCEPTION" in p for p in expect):
        raise Failure("unexpected: %s" % bad[0])
    if power_off and "strata: power off" not in lines:
        raise Failure("no clean power-off")


def t_qemu_ovmf_esp(cpus):
    def run():
        esp, _ = build_media("qemu-ovmf-esp-%d" % cpus, "tests/configs/boot.conf")
        r = emu.run_qemu("qemu-ovmf-esp-%dcpu" % cpus, esp=esp, cpus=cpus, uefi=True)
        check_boot(r, boot="uefi", cpus=(cpus, cpus), vmx=False)
        if r.returncode != 0:
            raise Failure("QEMU exit code %d after power-off" % r.returncode)
    return run


def t_qemu_ovmf_iso():
    _, iso = build_media("qemu-ovmf-iso", "tests/configs/boot.conf")
    r = emu.run_qemu("qemu-ovmf-iso", iso=iso, cpus=2, uefi=True)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=False)


def t_qemu_seabios_iso():
    _, iso = build_media("qemu-seabios-iso", "tests/configs/boot.conf")
    r = emu.run_qemu("qemu-seabios-iso", iso=iso, cpus=2, uefi=False)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=False)


def t_bochs_bios_iso(cpus):
    def run():
        _, iso = build_media("bochs-bios-iso", "tests/configs/boot.conf")
        r = emu.run_bochs("bochs-bios-iso-%dcpu" % cpus, iso=iso, cpus=cpus)
        check_boot(r, boot="multiboot2", cpus=(cpus, cpus), vmx=True,
                   expect=[r"lapic: x2apic"])
    return run


def t_bochs_ovmf_esp():
    """The GNU-EFI loader and VT-x together.

    OVMF under Bochs publishes no ACPI tables, so Strata runs on its
    one-CPU fallback and cannot power off: it says so and halts, and the
    run is stopped at that line.
    """
    esp, _ = build_media("bochs-ovmf-esp", "tests/configs/boot.conf")
    r = emu.run_bochs("bochs-ovmf-esp", esp=esp, cpus=1, ovmf=True, timeout=600,
                      stop_at=[r"^strata: power-off did not happen"])
    check_boot(r, boot="uefi", cpus=(1, 1), vmx=True, power_off=False, expect=[
        r"^warning: acpi: no RSDP found; assuming a single-CPU PC$",
        r"^strata: power off$",
    ])


def t_fault_on_ap():
    esp, _ = build_media("fault", "tests/configs/fault.conf")
    r = emu.run_qemu("fault-on-ap", esp=esp, cpus=4, uefi=True)
    check_boot(r, boot="uefi", cpus=(3, 4), vmx=False, expect=[
        r"^cpu 2: raising #UD as configured$",
        r"^EXCEPTION on cpu 2: vector 6 \(#UD invalid opcode\)",
        r"^  rip=ffffffff8",
        r"^  backtrace: 0xffffffff8",
        r"^cpu 2 parked$",
    ])


def t_bad_config():
    _, iso = build_media("bad-config", "tests/configs/bad.conf")
    r = emu.run_qemu("bad-config", iso=iso, cpus=1, uefi=False)
    check_boot(r, boot="multiboot2", cpus=(1, 1), vmx=False, expect=[
        r'^error: config: line 3: \[host\] log_level: expected error\|warn\|info\|debug, got "loud"$',
        r"^error: config: line 5: .*no_such_key",
    ])


def t_reboot(uefi):
    """The reset path: QEMU's -no-reboot turns the machine reset into an exit."""
    def run():
        esp, iso = build_media("reboot", "tests/configs/reboot.conf")
        name = "reboot-%s" % ("ovmf-esp" if uefi else "seabios-iso")
        r = emu.run_qemu(name, esp=esp if uefi else None, iso=None if uefi else iso,
                         cpus=2, uefi=uefi)
        check_boot(r, boot="uefi" if uefi else "multiboot2", cpus=(2, 2), vmx=False,
                   power_off=False, expect=[r"^strata: reboot$"])
        if r.timed_out:
            raise Failure("the machine did not reset")
    return run


def vm_lines(lines, vm):
    """What VM `vm` printed, without the "[vm] " prefix."""
    prefix = "[%s] " % vm
    return [l[len(prefix):] for l in lines if l.startswith(prefix)]


def expect_guest_passed(lines, vm):
    out = vm_lines(lines, vm)
    fails = [l for l in out if l.startswith("FAIL")]
    if fails:
        raise Failure("vm %s: %s" % (vm, fails[0]))
    result = [l for l in out if l.startswith("RESULT ")]
    if not result or not re.fullmatch(r"RESULT passed=[1-9]\d* failed=0", result[-1]):
        raise Failure("vm %s: no passing RESULT line (got %r)" % (vm, result[-1:]))


def expect_end(lines, vm, pattern):
    ends = [l for l in lines if l.startswith("strata: vm %s " % vm)
            and re.match(r"strata: vm \S+ (exited|stopped|refused)", l)]
    if len(ends) != 1 or not re.fullmatch(pattern, ends[0]):
        raise Failure("vm %s ended with %r, expected /%s/" % (vm, ends, pattern))


ALL_GUESTS = ["cpuid.elf", "portio.elf", "msr.elf", "rdtsc.elf", "vmxon.elf", "memory.elf",
              "hlt.elf", "spin.elf", "triple.elf", "hello.bin", "strio.elf",
              "apic.elf", "ioapic.elf", "pit.elf", "rtc.elf", "mmio.elf", "reset.elf", "nmi.elf",
              "flood.elf"]


def t_vm_guests():
    _, iso = build_media("vm-guests", "tests/configs/vm/guests.conf", ALL_GUESTS)
    r = emu.run_bochs("vm-guests", iso=iso, cpus=2, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
    lines = r.lines
    for vm in ["cpuid", "portio", "msr", "rdtsc", "vmxon", "strio"]:
        expect_guest_passed(lines, vm)
        expect_end(lines, vm, r"strata: vm %s exited code=0" % vm)
    if "PASS flat" not in vm_lines(lines, "flat"):
        raise Failure("vm flat: no 'PASS flat'")
    expect_end(lines, "flat", r"strata: vm flat exited code=0")
    expect_guest_passed(lines, "memory")
    expect_end(lines, "memory", r"strata: vm memory stopped reason=EPT violation: read at "
               r"gpa 0x1000000 outside RAM \(16 MiB\)")
    expect_end(lines, "hlt", r"strata: vm hlt stopped reason=halted with interrupts disabled")
    expect_guest_passed(lines, "reset")
    expect_end(lines, "reset", r"strata: vm reset stopped reason=reset by the guest \(port 0xcf9\)")


def t_vm_platform(conf, vms, stopped=()):
    """The PC platform's self-tests (issue 4 item 6)."""
    def run():
        name = os.path.splitext(os.path.basename(conf))[0]
        _, iso = build_media("vm-" + name, conf, ALL_GUESTS)
        r = emu.run_bochs("vm-" + name, iso=iso, cpus=2, timeout=600)
        check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
        for vm in vms:
            expect_guest_passed(r.lines, vm)
            if vm in stopped:
                expect_end(r.lines, vm, stopped[vm])
            else:
                expect_end(r.lines, vm, r"strata: vm %s exited code=0" % vm)
    return run


def t_vm_isolation():
    _, iso = build_media("vm-isolation", "tests/configs/vm/isolation.conf", ALL_GUESTS)
    r = emu.run_bochs("vm-isolation", iso=iso, cpus=2, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
    lines = r.lines
    expect_end(lines, "triple", r"strata: vm triple stopped reason=triple fault")
    expect_end(lines, "runoff", r"strata: vm runoff stopped reason=EPT violation: .*")
    expect_guest_passed(lines, "worker")
    expect_end(lines, "worker", r"strata: vm worker exited code=0")


def t_vm_sharing():
    _, iso = build_media("vm-sharing", "tests/configs/vm/sharing.conf", ALL_GUESTS)
    r = emu.run_bochs("vm-sharing", iso=iso, cpus=2, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
    lines = r.lines
    for vm in ["spin-a", "spin-b", "spin-c", "spin-d"]:
        expect_guest_passed(lines, vm)
        expect_end(lines, vm, r"strata: vm %s exited code=0" % vm)
    # Time-sliced, not run to completion one after the other: the two VMs
    # of a CPU both report progress before either finishes.
    for a, b in [("spin-a", "spin-b"), ("spin-c", "spin-d")]:
        first_end = min(lines.index("strata: vm %s exited code=0" % v) for v in (a, b))
        for v in (a, b):
            if not any(l == "[%s] tick 1" % v for l in lines[:first_end]):
                raise Failure("vm %s made no progress before the other finished" % v)


def t_vm_flood():
    """A guest printing without pause cannot flood the host log."""
    _, iso = build_media("vm-flood", "tests/configs/vm/flood.conf", ALL_GUESTS)
    r = emu.run_bochs("vm-flood", iso=iso, cpus=1, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(1, 1), vmx=True)
    lines = r.lines
    expect_guest_passed(lines, "cpuid")
    expect_end(lines, "cpuid", r"strata: vm cpuid exited code=0")
    expect_end(lines, "flood", r"strata: vm flood exited code=0")
    logged = sum(1 for l in lines if l.startswith("[flood] flood: line "))
    missed = [int(m.group(1)) for m in
              (re.match(r"\[flood\] \((\d+) lines not logged", l) for l in lines) if m]
    if not missed or not 500 <= logged < 3000 or logged + sum(missed) < 3000:
        raise Failure("flood: %d lines logged, %r reported left out (expected a burst of 500 "
                      "and the rest counted)" % (logged, missed))


def t_vm_refused():
    _, iso = build_media("vm-refused", "tests/configs/vm/refused.conf",
                         ["cpuid.elf", "hello.bin"], check_config=False)
    r = emu.run_bochs("vm-refused", iso=iso, cpus=2, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
    lines = r.lines
    expect_end(lines, "bad-value", r'strata: vm bad-value refused: line \d+: memory: .*"lots".*')
    expect_end(lines, "bad-image", r"strata: vm bad-image refused: kernel: .*")
    expect_end(lines, "too-big", r"strata: vm too-big refused: memory: needs .*")
    expect_end(lines, "no-cpu", r"strata: vm no-cpu refused: cpus: cpu 7 .*")
    expect_end(lines, "no-image", r"strata: vm no-image refused: kernel: .*not on the boot media.*")
    expect_guest_passed(lines, "good")
    expect_end(lines, "good", r"strata: vm good exited code=0")


def t_vm_no_vmx():
    """QEMU's TCG has no VT-x: Strata boots, serves, and refuses the VM clearly."""
    _, iso = build_media("vm-no-vmx", "tests/configs/vm/refused.conf", ["cpuid.elf"],
                         check_config=False)
    r = emu.run_qemu("vm-no-vmx", iso=iso, cpus=2, uefi=False)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=False)
    expect_end(r.lines, "good", r"strata: vm good refused: this CPU cannot run guests .*")


# What cpufeat.elf must have run under Strata on Bochs (corei7_skylake_x offers
# TSC_ADJUST, RDTSCP and INVPCID), so no check can pass by being skipped.
CPUFEAT_PASSES = ["tsc_adjust_starts_at_zero", "tsc_adjust_write_moves_tsc",
                  "tsc_write_moves_adjust_up", "tsc_write_moves_adjust_down",
                  "tsc_adjust_clear_moves_tsc", "misc_enable_fast_strings_host",
                  "misc_enable_bts_pebs_unavailable", "misc_enable_cpu_bits_fixed",
                  "invpcid_type2", "invpcid_type3", "tsc_aux_rdtscp", "tsc_aux_isolation",
                  "tsc_aux_loop_preempted", "tsc_adjust_isolation", "tsc_aux_reserved_gp"]


def t_vm_cpufeat():
    """TSC_ADJUST, TSC_AUX, MISC_ENABLE, INVPCID; two VMs time-sliced on CPU 1."""
    _, iso = build_media("vm-cpufeat", "tests/configs/vm/cpufeat.conf", ["cpufeat.elf"])
    r = emu.run_bochs("vm-cpufeat", iso=iso, cpus=2, timeout=600)
    check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True)
    for vm in ["feat-a", "feat-b"]:
        expect_guest_passed(r.lines, vm)
        expect_end(r.lines, vm, r"strata: vm %s exited code=0" % vm)
        missing = [p for p in CPUFEAT_PASSES if "PASS " + p not in vm_lines(r.lines, vm)]
        if missing:
            raise Failure("vm %s: no PASS line for %s" % (vm, ", ".join(missing)))
    # The config's host_fast_strings=0 rests on Bochs having no MSR 0x1a0.
    with open(os.path.join(r.workdir, "bochs.log"), errors="replace") as f:
        if "RDMSR: Unknown register 0x1a0" not in f.read():
            raise Failure("bochs.log: MSR 0x1a0 not unknown; fix host_fast_strings in the config")


LINUX_FILES = {"linux/vmlinuz": os.path.join(BUILD, "linux", "vmlinuz"),
               "linux/initramfs.cpio.gz": os.path.join(BUILD, "linux", "initramfs.cpio.gz")}


def linux_marker(lines, name):
    """The value of the guest's "LINUX: name=value" line (last one wins)."""
    values = [l.split("=", 1)[1] for l in vm_lines(lines, "linux")
              if l.startswith("LINUX: %s=" % name)]
    if not values:
        raise Failure("vm linux: no 'LINUX: %s=' marker" % name)
    return values[-1]


def t_vm_linux(vcpus):
    """Issue 4's acceptance: Debian's kernel to /init under Strata, beside a test guest."""
    def run():
        conf = "tests/configs/vm/linux.conf" if vcpus == 1 else "tests/configs/vm/linux-smp.conf"
        _, iso = build_media("vm-linux-%d" % vcpus, conf, ["spin.elf"], extra=LINUX_FILES)
        r = emu.run_bochs("vm-linux-%dvcpu" % vcpus, iso=iso, cpus=2, memory=512, timeout=1200,
                          stop_at=[r"Kernel panic"])
        check_boot(r, boot="multiboot2", cpus=(2, 2), vmx=True, memory_mib=512)
        lines = r.lines
        if "LINUX: init started" not in vm_lines(lines, "linux"):
            raise Failure("vm linux: /init never started")
        if linux_marker(lines, "nproc") != str(vcpus):
            raise Failure("vm linux: nproc=%s, expected %d" % (linux_marker(lines, "nproc"), vcpus))
        if linux_marker(lines, "clocksource") != "tsc":
            raise Failure("vm linux: clocksource=%s" % linux_marker(lines, "clocksource"))
        if linux_marker(lines, "console") != "ttyS0":
            raise Failure("vm linux: console=%s" % linux_marker(lines, "console"))
        first, later = int(linux_marker(lines, "timer_irqs")), int(linux_marker(lines, "timer_irqs_later"))
        if not 0 < first < later:
            raise Failure("vm linux: timer interrupts %d then %d do not count up" % (first, later))
        expect_end(lines, "linux", r"strata: vm linux stopped reason=powered off \(ACPI S5\)")
        expect_guest_passed(lines, "worker")
        expect_end(lines, "worker", r"strata: vm worker exited code=0")
    return run


def t_net_ping(nic):
    def run():
        esp, _ = build_media("net-static", "tests/configs/net/static.conf")
        mgmt_tests.ping(esp, nic)
    return run


def t_net_nopassword():
    esp, _ = build_media("net-nopassword", "tests/configs/net/nopassword.conf")
    mgmt_tests.no_password_and_com1(esp)


def t_net_iperf():
    esp, _ = build_media("net-iperf", "tests/configs/net/bench.conf")
    mgmt_tests.iperf_server(esp)


def t_net_manage():
    _, iso = build_media("net-manage", "tests/configs/net/manage.conf", ["echo.elf"])
    mgmt_tests.manage_bochs(iso)


BOOT_TESTS = [
    ("boot/qemu-ovmf-esp-1cpu", t_qemu_ovmf_esp(1)),
    ("boot/qemu-ovmf-esp-4cpu", t_qemu_ovmf_esp(4)),
    ("boot/qemu-ovmf-iso-2cpu", t_qemu_ovmf_iso),
    ("boot/qemu-seabios-iso-2cpu", t_qemu_seabios_iso),
    ("boot/bochs-bios-iso-1cpu", t_bochs_bios_iso(1)),
    ("boot/bochs-bios-iso-2cpu", t_bochs_bios_iso(2)),
    ("boot/bochs-ovmf-esp", t_bochs_ovmf_esp),
    ("fault/exception-on-ap", t_fault_on_ap),
    ("config/errors-reported", t_bad_config),
    ("power/reboot-seabios", t_reboot(False)),
    ("power/reboot-ovmf", t_reboot(True)),
    ("vm/guests", t_vm_guests),
    ("vm/isolation", t_vm_isolation),
    ("vm/sharing", t_vm_sharing),
    ("vm/refused", t_vm_refused),
    ("vm/flood", t_vm_flood),
    ("vm/platform-apic-ioapic-mmio", t_vm_platform(
        "tests/configs/vm/platform.conf", ["apic", "ioapic", "mmio"],
        {"mmio": r"strata: vm mmio stopped reason=EPT violation: read at gpa 0xfed40000 .*"})),
    ("vm/platform-pit-rtc", t_vm_platform("tests/configs/vm/platform2.conf", ["pit", "rtc"])),
    ("vm/platform-nmi", t_vm_platform("tests/configs/vm/nmi.conf", ["nmi"])),
    ("vm/cpufeat", t_vm_cpufeat),
    ("vm/no-vmx", t_vm_no_vmx),
    ("linux/1-vcpu", t_vm_linux(1)),
    ("linux/2-vcpus", t_vm_linux(2)),
    ("net/ping-e1000", t_net_ping("e1000")),
    ("net/ping-virtio-net", t_net_ping("virtio-net-pci,disable-legacy=on")),
    ("net/manage-bochs", t_net_manage),
    ("net/no-password-com1", t_net_nopassword),
    ("net/iperf", t_net_iperf),
]


def run_cli_tests(only):
    """The host CLI's own tests (tests/cli, Python unittest, localhost only)."""
    if only and only not in "cli/strata":
        return 0, 0
    proc = subprocess.run([sys.executable, "-m", "unittest", "discover", "-s", "tests/cli"],
                          capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    ran = re.search(r"Ran (\d+) test", out)
    n = int(ran.group(1)) if ran else 0
    fails = re.search(r"FAILED \((?:failures=(\d+))?(?:, )?(?:errors=(\d+))?", out)
    n_fail = sum(int(x) for x in fails.groups() if x) if fails else 0
    if proc.returncode != 0 and n_fail == 0:
        n_fail = 1
    status = "FAIL" if n_fail else "PASS"
    print("%s cli/strata (%d passed, %d failed)" % (status, n - n_fail, n_fail), flush=True)
    if n_fail:
        print("\n".join("    " + l for l in out.splitlines()[-30:]))
    return n - n_fail, n_fail


def run_unit_tests(only):
    """Each cmocka binary: count its test cases from the summary lines."""
    passed = failed = 0
    for binary in sorted(glob.glob(os.path.join(BUILD, "unit", "test_*"))):
        if binary.endswith(".d") or (only and only not in binary):
            continue
        name = "unit/" + os.path.basename(binary)[5:]
        proc = subprocess.run([binary], capture_output=True, text=True)
        out = proc.stdout + proc.stderr
        p = re.search(r"\[  PASSED  \] (\d+) test", out)
        f = re.search(r"\[  FAILED  \] (\d+) test", out)
        n_pass = int(p.group(1)) if p else 0
        n_fail = int(f.group(1)) if f else 0
        if proc.returncode != 0 and n_fail == 0:
            n_fail = 1  # crashed (sanitizer) before its summary
        passed += n_pass
        failed += n_fail
        status = "PASS" if n_fail == 0 and proc.returncode == 0 else "FAIL"
        print("%s %s (%d passed, %d failed)" % (status, name, n_pass, n_fail), flush=True)
        if status == "FAIL":
            print("\n".join("    " + l for l in out.splitlines()[-30:]))
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--no-unit", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, _ in BOOT_TESTS:
            print(name)
        return 0

    passed = failed = 0
    if not args.no_unit:
        passed, failed = run_unit_tests(args.only)
        p, f = run_cli_tests(args.only)
        passed, failed = passed + p, failed + f
    for name, fn in BOOT_TESTS:
        if args.only and args.only not in name:
            continue
        try:
            fn()
            print("PASS %s" % name, flush=True)
            passed += 1
        except (Failure, mgmt_tests.Failure, mgmt_tests.live.LiveError,
                subprocess.CalledProcessError, OSError) as e:
            print("FAIL %s: %s (logs: build/test-runs/)" % (name, e), flush=True)
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
