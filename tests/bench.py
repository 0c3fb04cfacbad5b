#!/usr/bin/env python3
"""Strata's benchmarks: figures only, nothing here asserts on time.

Usage: tests/bench.py [--skip-bochs] [--skip-vm] [--skip-qemu]

Prints one line per figure, stable for scripts:

    bench: NAME VALUE UNIT (context)

1. Image sizes: build/strata.elf as a file, its loadable parts from the
   ELF program headers, and the GNU-EFI loader build/efi/BOOTX64.EFI.
2. Instructions from kernel entry to "strata: ready" under Bochs (BIOS +
   ISO, corei7_skylake_x, clock sync=none), 1 and 2 CPUs, each run twice.
   The kernel prints "strata: boot took N tsc ticks from kernel entry"; with
   sync=none Bochs's TSC advances one tick per instruction, so N counts the
   boot CPU's instructions (HLT skips ahead, so idle waits count as ticks).
3. VM figures under Bochs with ONE CPU and clock sync=none, where the TSC
   advances one tick per instruction on the only CPU (two CPUs make it
   coarse: tests/guests/README.md), each run twice to show repeatability:
   - exit round trips measured by the guest: rdtsc.elf's BENCH lines, the
     minimum over 1000 rounds of RDTSC-to-RDTSC around one CPUID (leaf 0),
     one OUT to the UART (scratch register) and one VMCALL (unknown number).
     Each includes the probe's own few guest instructions (empty_ticks).
   - instructions from VM start to the guest's first instruction: a 43-byte
     multiboot kernel (a.out-kludge header, built here) whose first
     instruction is RDTSC and whose second act writes the TSC's low 32 bits
     to the exit port, so Strata logs "exited code=TSC". The kernel logs
     "strata: vm NAME start tsc=T setup_ticks=S hypervisor_bytes=B" with T
     read on entry to vmm_start(); the figure is (code - T) mod 2^32.
     S, vmm_start()'s own part, is printed as vm.create, also for 64 MiB.
   - hypervisor memory per VM: B from the same line, the free memory
     (kmem_free_bytes()) before vmm_start() minus after, minus guest RAM:
     EPT tables, the VMCS page, page tables of the hypervisor's loading
     window. Plus the static per-VM-slot state (struct vm with its console
     ring, the VT-x per-VM and per-vCPU structs), reserved in .bss for all
     VM_MAX slots at build time, read from the kernel's symbol table.
4. QEMU + OVMF (TCG) wall time from process start to "strata: ready" on
   serial, 1 and 4 CPUs, median of 3 runs. Wall time on this machine only:
   it moves with host load.

Media are built as tests/run_tests.py builds them, with
tests/configs/boot.conf (exit_when_idle = yes: every run ends by itself);
the VM runs use configs written to build/bench/. Logs stay in
build/test-runs/bench-*/. Exit status is 1 if a figure could not be taken
(a run did not reach ready, a line was missing), never because of its value.
"""
import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "integration"))
os.chdir(os.path.dirname(HERE))  # run_tests and emu use paths relative to the repo

import emu  # noqa: E402
import run_tests  # noqa: E402

CONFIG = "tests/configs/boot.conf"
BOOT_TICKS = re.compile(r"^strata: boot took (\d+) tsc ticks from kernel entry$")
READY = r"^strata: ready\r?$"

PT_LOAD = 1
PF_X, PF_W = 1, 2

problems = []


def emit(name, value, unit, context):
    print("bench: %s %s %s (%s)" % (name, value, unit, context), flush=True)


def missing(name, why):
    print("bench: %s n/a (%s)" % (name, why), flush=True)
    problems.append(name)


def elf_load_sizes(path):
    """Bytes of text, rodata, data and bss from an ELF64's PT_LOAD headers.

    Executable segments count as text, read-only ones as rodata, writable
    ones as data (file size) plus bss (memory size beyond the file size).
    """
    with open(path, "rb") as f:
        ident = f.read(64)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            raise ValueError("%s: not a little-endian ELF64 file" % path)
        e_phoff, = struct.unpack_from("<Q", ident, 0x20)
        e_phentsize, e_phnum = struct.unpack_from("<HH", ident, 0x36)
        f.seek(e_phoff)
        table = f.read(e_phentsize * e_phnum)
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for i in range(e_phnum):
        p_type, p_flags, _off, _va, _pa, filesz, memsz, _align = struct.unpack_from(
            "<IIQQQQQQ", table, i * e_phentsize)
        if p_type != PT_LOAD:
            continue
        if p_flags & PF_X:
            sizes["text"] += filesz
        elif p_flags & PF_W:
            sizes["data"] += filesz
        else:
            sizes["rodata"] += filesz
        sizes["bss"] += memsz - filesz
    return sizes


def bench_sizes():
    kernel, loader = run_tests.KERNEL, run_tests.LOADER
    emit("kernel.file", os.path.getsize(kernel), "bytes", kernel + ", with symbols and debug info")
    s = elf_load_sizes(kernel)
    emit("kernel.text", s["text"], "bytes", "PT_LOAD executable, file size")
    emit("kernel.rodata", s["rodata"], "bytes", "PT_LOAD read-only, file size")
    emit("kernel.data", s["data"], "bytes", "PT_LOAD writable, file size")
    emit("kernel.loadable", s["text"] + s["rodata"] + s["data"], "bytes",
         "text+rodata+data, what a loader copies")
    emit("kernel.bss", s["bss"], "bytes", "PT_LOAD memory size beyond file size, zero-filled")
    emit("loader.file", os.path.getsize(loader), "bytes", loader + ", GNU-EFI PE32+")


def bochs_ticks(iso, cpus, attempt):
    name = "bench-bochs-%dcpu-%d" % (cpus, attempt)
    r = emu.run_bochs(name, iso=iso, cpus=cpus)
    for line in r.lines:
        m = BOOT_TICKS.match(line)
        if m:
            return int(m.group(1)), None
    why = "timed out" if r.timed_out else "exit %s" % r.returncode
    return None, "no boot-time line, %s; logs: build/test-runs/%s/" % (why, name)


def bench_bochs(iso):
    for cpus in (1, 2):
        name = "bochs.instructions_to_ready.%dcpu" % cpus
        runs = []
        for attempt in (1, 2):
            ticks, why = bochs_ticks(iso, cpus, attempt)
            if ticks is None:
                missing(name, why)
                break
            runs.append(ticks)
        else:
            same = "equal" if runs[0] == runs[1] else "NOT equal, differ by %d" % abs(
                runs[0] - runs[1])
            emit(name, runs[0], "instructions",
                 "Bochs BIOS+ISO corei7_skylake_x sync=none, boot CPU, kernel entry to "
                 "ready; run 2: %d, %s" % (runs[1], same))


# --- VM figures (Bochs, 1 CPU) ------------------------------------------

BENCH_DIR = os.path.join(run_tests.BUILD, "bench")
VM_START = re.compile(r"^strata: vm (\S+) start tsc=(\d+) setup_ticks=(\d+) "
                      r"hypervisor_bytes=(\d+)$")
VM_EXITED = re.compile(r"^strata: vm (\S+) exited code=(\d+)$")
GUEST_BENCH = re.compile(r"^BENCH (\w+)=(\d+)$")

# The reference points of issue 3 and the bench brief, printed as context.
CPUID_MINIMAL_HANDLER = 92
CPUID_TARGET = 120
KVM_CPUID = "958"
KVM_PORT_WRITE_USER = "2,959"
# TESTING.md: Bochs paces COM1 at about this many instructions per character.
SERIAL_TICKS_PER_CHAR = 4300

RDTSC_CONF = """\
# Written by tests/bench.py: exit path lengths (rdtsc.elf), and the
# hypervisor memory of an 8 MiB and a 64 MiB VM.
[host]
log_level = info
exit_when_idle = yes

[vm rdtsc]
memory = 8M
cpus = 0
kernel = guests/rdtsc.elf

[vm big]
memory = 64M
cpus = 0
kernel = guests/entry.bin
"""

ENTRY_CONF = """\
# Written by tests/bench.py: VM start to the guest's first instruction. One
# VM only, so nothing else is created between its start and its entry.
[host]
log_level = info
exit_when_idle = yes

[vm entry]
memory = 8M
cpus = 0
kernel = guests/entry.bin
"""


def entry_image():
    """A multiboot kernel whose first instruction is RDTSC.

    Multiboot 0.6.96 section 3.1.3: with flags bit 16 the header's address
    fields place the file at load_addr and name the entry, so no ELF is
    needed and nothing runs before the RDTSC. Strata enters it in 32-bit
    protected mode (EAX = magic, EBX = info); it reports the TSC's low 32
    bits through the exit port (STRATA_EXIT_PORT, a 32-bit OUT).
    """
    magic, flags, base = 0x1BADB002, 0x00010000, 0x100000
    header = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xFFFFFFFF,
                         base,          # header_addr: the header is the file's first byte
                         base,          # load_addr
                         0,             # load_end_addr: the whole file
                         0,             # bss_end_addr: no bss
                         base + 32)     # entry_addr: right after this header
    code = bytes([
        0x0F, 0x31,                     # rdtsc              the guest's first instruction
        0xBA, 0xF4, 0x00, 0x00, 0x00,   # mov  $0xf4, %edx   STRATA_EXIT_PORT
        0xEF,                           # out  %eax, (%dx)   exit code = TSC[31:0]
        0xF4,                           # 1: hlt             (the VM is stopped by now)
        0xEB, 0xFD,                     # jmp  1b
    ])
    return header + code


def build_vm_media(name, conf_text, guests, extra):
    """build_media() with a generated config and guest files.

    guests are copied from build/guests/ as usual; extra maps file names
    to bytes written beside them in build/bench/guests/.
    """
    gdir = os.path.join(BENCH_DIR, "guests")
    os.makedirs(gdir, exist_ok=True)
    for g in guests:
        shutil.copy(os.path.join(run_tests.GUESTS, g), os.path.join(gdir, g))
    for g, data in extra.items():
        with open(os.path.join(gdir, g), "wb") as f:
            f.write(data)
    conf = os.path.join(BENCH_DIR, name + ".conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    saved = run_tests.GUESTS
    run_tests.GUESTS = gdir  # build_media copies the named guests from here
    try:
        return run_tests.build_media(name, conf, list(guests) + list(extra))
    finally:
        run_tests.GUESTS = saved


def vm_run(iso, run, stop_vm):
    """One 1-CPU Bochs run; (lines, None) or (None, why)."""
    r = emu.run_bochs(run, iso=iso, cpus=1, timeout=300)
    if any(re.match(r"^strata: vm %s (exited|stopped)" % re.escape(stop_vm), l)
           for l in r.lines):
        return r.lines, None
    why = "timed out" if r.timed_out else "exit %s" % r.returncode
    return None, "vm %s did not end, %s; logs: build/test-runs/%s/" % (stop_vm, why, run)


def start_line(lines, vm):
    for line in lines:
        m = VM_START.match(line)
        if m and m.group(1) == vm:
            return int(m.group(2)), int(m.group(3)), int(m.group(4))
    return None


def repeat_note(values):
    a, b = values
    return "run 2: %s, %s" % (b, "equal" if a == b else "NOT equal, differ by %d" % abs(a - b))


def bench_vm_exits():
    _, iso = build_vm_media("bench-vm-rdtsc", RDTSC_CONF, ["rdtsc.elf"],
                            {"entry.bin": entry_image()})
    runs = []
    for attempt in (1, 2):
        run = "bench-vm-rdtsc-%d" % attempt
        lines, why = vm_run(iso, run, "rdtsc")
        if lines is None:
            for n in ("vm.cpuid_exit", "vm.out_exit", "vm.vmcall_exit",
                      "vm.hypervisor_memory.8mib", "vm.hypervisor_memory.64mib"):
                missing(n, why)
            return None
        figures = {}
        for line in run_tests.vm_lines(lines, "rdtsc"):
            m = GUEST_BENCH.match(line)
            if m:
                figures[m.group(1)] = int(m.group(2))
        for vm in ("rdtsc", "big"):
            s = start_line(lines, vm)
            if s:
                figures["setup_" + vm] = s[1]
                figures["hv_bytes_" + vm] = s[2]
        figures["log"] = "build/test-runs/%s/" % run
        runs.append(figures)

    where = ("guest RDTSC-to-RDTSC, min of 1000, Bochs 1 CPU sync=none: 1 tick = 1 "
             "instruction, hypervisor exit path included")

    def exit_figure(name, key, what, reference):
        vals = [f.get(key) for f in runs]
        if None in vals:
            missing(name, "no 'BENCH %s=' line from rdtsc.elf; logs: %s" % (key, runs[0]["log"]))
            return
        empty = runs[0].get("empty_ticks", 0)
        emit(name, vals[0], "ticks", "%s; %s; %s; net of the probe's own %d (empty_ticks): %d; "
             "%s" % (what, where, repeat_note(vals), empty, vals[0] - empty, reference))

    exit_figure("vm.cpuid_exit", "cpuid_ticks", "CPUID leaf 0 exit round trip",
                "reference: minimal handler %d, target <= %d; KVM %s (hardware cycles, "
                "another unit)" % (CPUID_MINIMAL_HANDLER, CPUID_TARGET, KVM_CPUID))
    exit_figure("vm.out_exit", "out_ticks", "OUT of one byte to the UART scratch register "
                "(device model in the hypervisor)",
                "reference: KVM port write handled in user space %s (hardware cycles, "
                "another unit)" % KVM_PORT_WRITE_USER)
    exit_figure("vm.vmcall_exit", "vmcall_ticks", "VMCALL with an unknown number "
                "(returns an error code)", "no reference figure")

    for vm, mib in (("rdtsc", 8), ("big", 64)):
        name = "vm.hypervisor_memory.%dmib" % mib
        vals = [f.get("hv_bytes_" + vm) for f in runs]
        if None in vals:
            missing(name, "no 'strata: vm %s start' line; logs: %s" % (vm, runs[0]["log"]))
            continue
        emit(name, vals[0], "bytes",
             "%d MiB 1-vCPU VM: kmem free before vmm_start() minus after, minus guest RAM "
             "(EPT tables, VMCS page, page tables of the loading window); %s"
             % (mib, repeat_note(vals)))
    big = [f.get("setup_big") for f in runs]
    return None if None in big else big


def bench_vm_entry(big_setups):
    """big_setups: setup_ticks of the 64 MiB VM of the rdtsc runs, or None."""
    _, iso = build_vm_media("bench-vm-entry", ENTRY_CONF, [], {"entry.bin": entry_image()})
    totals, setups, logged = [], [], None
    for attempt in (1, 2):
        run = "bench-vm-entry-%d" % attempt
        lines, why = vm_run(iso, run, "entry")
        start = start_line(lines, "entry") if lines else None
        code = None
        for line in lines or []:
            m = VM_EXITED.match(line)
            if m and m.group(1) == "entry":
                code = int(m.group(2))
        if start is None or code is None:
            missing("vm.start_to_first_instruction",
                    why or "no start or exited line for vm entry; logs: build/test-runs/%s/"
                    % run)
            return
        totals.append((code - start[0]) % (1 << 32))
        setups.append(start[1])
        if logged is None:
            # Host log lines printed between vmm_start() and the guest's entry.
            i = next(i for i, l in enumerate(lines) if VM_START.match(l))
            j = next((j for j, l in enumerate(lines) if l == "strata: ready"), i)
            logged = sum(len(l) + 2 for l in lines[i:j + 1])  # with CR LF
    emit("vm.start_to_first_instruction", totals[0], "instructions",
         "Bochs 1 CPU sync=none, 8 MiB 1-vCPU VM of a %d-byte multiboot image, the only VM: "
         "TSC at the guest's first instruction (RDTSC) minus TSC on entry to vmm_start(); "
         "%d of it is vm.create.8mib, the other %d mostly the boot CPU writing ~%d characters "
         "of host log to polled COM1 (Bochs paces it at roughly %d instructions per "
         "character) before its scheduler runs, then the first pick, VMCS setup (done at "
         "the first run) and VMLAUNCH; %s"
         % (len(entry_image()), setups[0], totals[0] - setups[0], logged,
            SERIAL_TICKS_PER_CHAR, repeat_note(totals)))
    what = ("vmm_start() alone (its setup_ticks): slot, guest RAM frames (zeroed by the "
            "allocator) and their hypervisor mapping, image load and multiboot info, devices, "
            "EPT build, VMCS page")
    emit("vm.create.8mib", setups[0], "instructions",
         "%s; 8 MiB VM of vm.start_to_first_instruction; %s" % (what, repeat_note(setups)))
    if big_setups:
        emit("vm.create.64mib", big_setups[0], "instructions",
             "the same for the 64 MiB VM of the exit runs (grows with RAM: zeroing); %s"
             % repeat_note(big_setups))
    else:
        missing("vm.create.64mib", "no setup_ticks for vm big (see the exit runs above)")


def bench_vm_static():
    """Per-slot .bss of the VM tables: nm -S on the kernel, VM_MAX from kernel/vm.h."""
    name = "vm.static_per_slot"
    tables = ("vm_table", "vm_arch_store", "vcpu_arch_store")
    try:
        out = subprocess.run(["nm", "-S", run_tests.KERNEL], capture_output=True, text=True,
                             check=True).stdout
        with open("kernel/vm.h") as f:
            vm_max = int(re.search(r"^#define VM_MAX\s+(\d+)", f.read(), re.M).group(1))
    except (OSError, subprocess.CalledProcessError, AttributeError) as e:
        missing(name, "cannot read the symbol table or VM_MAX: %s" % e)
        return
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in tables:
            sizes[parts[3]] = int(parts[1], 16)
    if set(sizes) != set(tables):
        missing(name, "symbols not found in %s: %s" % (
            run_tests.KERNEL, " ".join(t for t in tables if t not in sizes)))
        return
    emit(name, sum(sizes.values()) // vm_max, "bytes",
         "static, reserved in .bss for all %d slots at build time: %s, divided by VM_MAX"
         % (vm_max, " + ".join("%s %d" % (t, sizes[t]) for t in tables)))


def bench_qemu(esp):
    for cpus in (1, 4):
        name = "qemu_ovmf.wall_to_ready.%dcpu" % cpus
        times = []
        for attempt in (1, 2, 3):
            run = "bench-qemu-ovmf-%dcpu-%d" % (cpus, attempt)
            r, elapsed = emu.run_qemu_timed(run, READY, esp=esp, cpus=cpus, uefi=True)
            if elapsed is None:
                why = "timed out" if r.timed_out else "exit %s" % r.returncode
                missing(name, "no ready line, %s; logs: build/test-runs/%s/" % (why, run))
                break
            times.append(elapsed)
        else:
            emit(name, "%.2f" % statistics.median(times), "s",
                 "median of 3, wall time on this machine, QEMU TCG + OVMF from the ESP "
                 "image, process start to ready on serial; runs: %s" %
                 " ".join("%.2f" % t for t in times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-bochs", action="store_true", help="no Bochs runs at all")
    ap.add_argument("--skip-vm", action="store_true", help="no VM figures")
    ap.add_argument("--skip-qemu", action="store_true")
    args = ap.parse_args()

    bench_sizes()
    esp, iso = run_tests.build_media("bench", CONFIG)
    if not args.skip_bochs:
        bench_bochs(iso)
    if not args.skip_bochs and not args.skip_vm:
        big_setups = bench_vm_exits()
        bench_vm_entry(big_setups)
    if not args.skip_vm:
        bench_vm_static()
    if not args.skip_qemu:
        bench_qemu(esp)
    if problems:
        print("bench: %d figure(s) missing: %s" % (len(problems), " ".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
