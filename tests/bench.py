#!/usr/bin/env python3
"""Strata's benchmarks: figures only, nothing here asserts on time.

Usage: tests/bench.py [--skip-bochs] [--skip-qemu]

Prints one line per figure, stable for scripts:

    bench: NAME VALUE UNIT (context)

1. Image sizes: build/strata.elf as a file, its loadable parts from the
   ELF program headers, and the GNU-EFI loader build/efi/BOOTX64.EFI.
2. Instructions from kernel entry to "strata: ready" under Bochs (BIOS +
   ISO, corei7_skylake_x, clock sync=none), 1 and 2 CPUs, each run twice.
   The kernel prints "strata: boot took N tsc ticks from kernel entry"; with
   sync=none Bochs's TSC advances one tick per instruction, so N counts the
   boot CPU's instructions (HLT skips ahead, so idle waits count as ticks).
3. QEMU + OVMF (TCG) wall time from process start to "strata: ready" on
   serial, 1 and 4 CPUs, median of 3 runs. Wall time on this machine only:
   it moves with host load.

Media are built as tests/run_tests.py builds them, with
tests/configs/boot.conf (exit_when_idle = yes: every run ends by itself).
Logs stay in build/test-runs/bench-*/. Exit status is 1 if a figure could
not be taken (a run did not reach ready), never because of its value.
"""
import argparse
import os
import re
import statistics
import struct
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
    ap.add_argument("--skip-bochs", action="store_true")
    ap.add_argument("--skip-qemu", action="store_true")
    args = ap.parse_args()

    bench_sizes()
    esp, iso = run_tests.build_media("bench", CONFIG)
    if not args.skip_bochs:
        bench_bochs(iso)
    if not args.skip_qemu:
        bench_qemu(esp)
    if problems:
        print("bench: %d figure(s) missing: %s" % (len(problems), " ".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
