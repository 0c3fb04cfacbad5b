#!/usr/bin/env python3
"""Boot the Linux test guest bare (no Strata) and report what it printed.

Usage: tests/linux/boot_bare.py [--emu bochs|qemu] [--cpus N] [--timeout S]
                                [--name NAME] [KERNEL-ARG ...]

Builds build/linux/NAME.iso (default bare.iso) with tests/linux/mkiso.sh
(kernel command line: the KERNEL-ARGs given, else mkiso.sh's default),
boots it with tests/integration/emu.py's run_bochs or run_qemu (BIOS, GRUB,
Linux) and prints the "LINUX: " markers and the wall time of the whole
emulator run. Under Bochs it also prints ticks from bochs.log, whose every
line starts with the tick it was logged at: the kernel's entry and, when
the command line has strata_bochsmark=1, the moments /init marked. Exits 0
when every marker of a good boot was seen. Logs stay in
build/test-runs/linux-NAME-EMU-Ncpu/.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import emu  # noqa: E402

REQUIRED = [
    r"^LINUX: init started$",
    r"^LINUX: uname=\S+$",
    r"^LINUX: nproc=\d+$",
    r"^LINUX: console=\S+$",
    r"^LINUX: timer_irqs=\d+$",
    r"^LINUX: clocksource=\S+$",
    r"^LINUX: timer_irqs_later=\d+$",
    r"^LINUX: powering off$",
]
STOP = [r"Kernel panic - not syncing", r"^LINUX: poweroff failed"]


def bochs_ticks(log_path):
    """(entry, marks) from bochs.log.

    entry: the tick of the first "RDMSR: Unknown register 0x1a0", which is
    the kernel's verify_cpu reading MSR_IA32_MISC_ENABLE a few hundred
    instructions after startup_32, the bzImage's first instruction (the
    Bochs BIOS and GRUB never read that MSR); None if not seen.
    marks: the ticks of the empty lines logged for the BIOS message port
    0x402 after entry, which /init writes with strata_bochsmark=1.
    """
    entry = None
    marks = []
    try:
        with open(log_path, "rb") as f:
            for raw in f:
                line = raw.decode("latin-1").rstrip()
                m = re.match(r"^(\d+)[a-z]\[(\w*) *\] ?(.*)$", line)
                if not m:
                    continue
                tick, dev, text = int(m.group(1)), m.group(2), m.group(3).strip()
                if entry is None:
                    if dev.startswith("CPU") and text == "RDMSR: Unknown register 0x1a0":
                        entry = tick
                elif dev == "BIOS" and text == "":
                    marks.append(tick)
    except FileNotFoundError:
        pass
    return entry, marks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emu", choices=("bochs", "qemu"), default="bochs")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--name", default="bare")
    ap.add_argument("cmdline", nargs="*")
    args = ap.parse_args()

    iso = os.path.join("build", "linux", args.name + ".iso")
    subprocess.run([os.path.join(HERE, "mkiso.sh"), "-o", iso] + args.cmdline, check=True)
    run = "linux-%s-%s-%dcpu" % (args.name, args.emu, args.cpus)
    start = time.monotonic()
    if args.emu == "bochs":
        r = emu.run_bochs(run, iso=iso, cpus=args.cpus, timeout=args.timeout, stop_at=STOP)
    else:
        r = emu.run_qemu(run, iso=iso, cpus=args.cpus, uefi=False, timeout=args.timeout,
                         stop_at=STOP)
    wall = time.monotonic() - start
    lines = r.lines
    for l in lines:
        if l.startswith("LINUX: ") or "Kernel panic" in l:
            print(l)
    print("wall: %.1f s (%s, %d cpu, exit code %s%s)" % (
        wall, args.emu, args.cpus, r.returncode, ", TIMED OUT" if r.timed_out else ""))

    if args.emu == "bochs":
        entry, marks = bochs_ticks(os.path.join(r.workdir, "bochs.log"))
        if entry is not None:
            print("bochs tick %d: kernel entry (verify_cpu's MISC_ENABLE read)" % entry)
        names = ["init started"]
        if any(l.startswith("LINUX: workload start") for l in lines):
            names += ["workload start", "workload done"]
        names.append("powering off")
        if marks and len(marks) != len(names):
            print("warning: %d Bochs marks for %d moments" % (len(marks), len(names)))
        for tick, name in zip(marks, names):
            print("bochs tick %d: %s (+%d since kernel entry)" % (tick, name, tick - entry))
        if len(marks) == len(names) == 4:
            print("bochs ticks in the workload: %d" % (marks[2] - marks[1]))

    missing = [p for p in REQUIRED if not any(re.search(p, l) for l in lines)]
    for p in missing:
        print("missing: %s" % p)
    print("logs: %s" % r.workdir)
    return 1 if missing or r.timed_out else 0


if __name__ == "__main__":
    sys.exit(main())
