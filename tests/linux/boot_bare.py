#!/usr/bin/env python3
"""Boot the Linux test guest bare (no Strata) and report what it printed.

Usage: tests/linux/boot_bare.py [--emu bochs|qemu] [--cpus N] [--timeout S]
                                [--name NAME] [KERNEL-ARG ...]

Builds build/linux/<NAME>.iso with tests/linux/mkiso.sh (the kernel command
line is the given KERNEL-ARGs, else mkiso.sh's default), boots it with
tests/integration/emu.py's run_bochs or run_qemu (BIOS + GRUB, one ISO) and
prints the "LINUX: " markers, the wall time of the whole emulator run and,
under Bochs, the tick (= instruction, with clock sync=none) at which each
marker sent to port 0x402 reached bochs.log (the command line needs
strata.bochsmark=1 for those). Exits 0 when every marker of a good
boot was seen. Logs stay in build/test-runs/linux-bare-<emu>-<N>cpu/.
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
    r"^LINUX: clocksource=\S+$",
    r"^LINUX: timer_irqs=\d+$",
    r"^LINUX: console=\S+$",
    r"^LINUX: timer_irqs_later=\d+$",
    r"^LINUX: powering off$",
]


def bochs_ticks(log_path):
    """(tick, message) of each line the BIOS message ports put in bochs.log."""
    out = []
    try:
        with open(log_path, "rb") as f:
            for raw in f:
                line = raw.decode("latin-1").rstrip()
                m = re.match(r"^(\d+)i\[BIOS\s*\]\s+(.*)$", line)
                if m:
                    out.append((int(m.group(1)), m.group(2)))
    except FileNotFoundError:
        pass
    return out


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
        r = emu.run_bochs(run, iso=iso, cpus=args.cpus, timeout=args.timeout,
                          stop_at=[r"^\[ *[0-9.]+\] Kernel panic", r"^LINUX: poweroff failed"])
    else:
        r = emu.run_qemu(run, iso=iso, cpus=args.cpus, uefi=False, timeout=args.timeout,
                         stop_at=[r"^\[ *[0-9.]+\] Kernel panic", r"^LINUX: poweroff failed"])
    wall = time.monotonic() - start
    lines = r.lines
    for l in lines:
        if l.startswith("LINUX: ") or "Kernel panic" in l:
            print(l)
    print("wall: %.1f s (%s, %d cpu, exit code %s%s)" % (
        wall, args.emu, args.cpus, r.returncode, ", TIMED OUT" if r.timed_out else ""))
    if args.emu == "bochs":
        for tick, msg in bochs_ticks(os.path.join(r.workdir, "bochs.log")):
            print("bochs tick %d: %s" % (tick, msg))
    missing = [p for p in REQUIRED if not any(re.search(p, l) for l in lines)]
    for p in missing:
        print("missing: %s" % p)
    print("logs: %s" % r.workdir)
    return 1 if missing or r.timed_out else 0


if __name__ == "__main__":
    sys.exit(main())
