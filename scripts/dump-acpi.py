#!/usr/bin/env python3
"""Capture the ACPI tables of the emulated test platforms as memory images.

The unit tests of kernel/acpi/ replay real firmware tables through the
parser's memory ops. This script boots each platform with no operating
system, lets the firmware build its tables, dumps guest RAM and keeps only
the bytes the parser reads: the RSDP search areas of ACPI 6.x section
5.2.5.1 (BDA, first KiB of the EBDA, 0xE0000-0xFFFFF) when the RSDP lies
there, and the pages holding every table reachable from the RSDP.

    scripts/dump-acpi.py [--out tests/data/acpi] [PLATFORM...]
    scripts/dump-acpi.py --fuzz-seeds tests/fuzz/corpus/acpi

Platforms: qemu-i440fx-seabios, qemu-q35-ovmf, bochs-i440fx (default: all).
Each lands in OUT/PLATFORM/ as NNNNNNNNNNNNNNNN.bin files (one per region,
named by physical base address in hex) plus memory.txt, the manifest the
test loader reads:

    rsdp 0x...                 RSDP address, as the boot path would give it
    region 0xBASE 0xLEN FILE   bytes of FILE are physical BASE..BASE+LEN
    # ...                      comments (table inventory)

How the RSDP is chosen: on BIOS platforms by the spec's search; on OVMF
from the EFI configuration table (ACPI 2.0 GUID), which is what a UEFI
loader hands the kernel. Needs qemu-system-x86, ovmf, seabios, bochs,
bochsbios, vgabios. Takes under a minute (OVMF boots to its shell).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGA_BIOS = "/usr/share/vgabios/vgabios.bin"

PAGE = 4096
BIOS_AREA = (0xE0000, 0x20000)
EFI_ACPI20_GUID = uuid.UUID("8868e871-e4f1-11d3-bc22-0080c73c8881").bytes_le
EFI_SYSTEM_TABLE_SIG = b"IBI SYST"


def wait_for(path, needle, timeout):
    """Poll a log file until it contains needle."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(path, "rb") as f:
                if needle in f.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    raise RuntimeError("timed out waiting for %r in %s" % (needle, path))


class Qmp:
    def __init__(self, path):
        for _ in range(100):
            if os.path.exists(path):
                break
            time.sleep(0.1)
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.f = self.sock.makefile("rw")
        self._reply()  # greeting
        self.cmd("qmp_capabilities")

    def _reply(self):
        while True:
            msg = json.loads(self.f.readline())
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        msg = self._reply()
        if "error" in msg:
            raise RuntimeError("QMP %s: %s" % (name, msg["error"]))
        return msg


def capture_qemu(tmp, machine, ovmf, ram_mb, smp):
    """Boot QEMU (TCG) without a disk, wait for the firmware to give up or
    reach its shell, and pmemsave all of RAM."""
    qmp = os.path.join(tmp, "qmp.sock")
    log = os.path.join(tmp, "firmware.log")
    ram = os.path.join(tmp, "ram.bin")
    args = ["qemu-system-x86_64", "-M", machine, "-accel", "tcg",
            "-m", str(ram_mb), "-smp", str(smp), "-display", "none",
            "-nodefaults", "-no-reboot",
            "-qmp", "unix:%s,server=on,wait=off" % qmp]
    if ovmf:
        vars_copy = os.path.join(tmp, "vars.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        args += ["-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                 "-drive", "if=pflash,format=raw,file=" + vars_copy,
                 "-serial", "file:" + log]
        needle = b"Shell>"
    else:
        # SeaBIOS logs to the debug console port 0x402.
        args += ["-chardev", "file,id=dbg,path=" + log,
                 "-device", "isa-debugcon,iobase=0x402,chardev=dbg"]
        needle = b"No bootable device"
    proc = subprocess.Popen(args)
    try:
        mon = Qmp(qmp)
        wait_for(log, needle, 180)
        mon.cmd("stop")
        mon.cmd("pmemsave", val=0, size=ram_mb << 20, filename=ram)
        mon.cmd("quit")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open(ram, "rb") as f:
        return f.read()


BOCHSRC = """megs: {megs}
romimage: file={bios}
vgaromimage: file={vga}
pci: enabled=1, chipset=i440fx
cpu: model=corei7_skylake_x, count={cpus}, ips=50000000, reset_on_triple_fault=0
clock: sync=none, time0=946684800
floppya: 1_44={tmp}/boot.img, status=inserted
boot: floppy
magic_break: enabled=1
display_library: term
log: {tmp}/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
speaker: enabled=0
sound: driver=dummy
"""


def capture_bochs(tmp, megs, cpus):
    """Boot Bochs from a floppy whose boot sector is `xchg bx,bx; jmp $`.
    The magic breakpoint stops the emulator after POST (so after the BIOS
    built its ACPI tables) and the debugger script then dumps RAM. Real
    mode, paging off: writemem's linear addresses are physical."""
    boot = bytearray(1474560)
    boot[0:4] = b"\x87\xdb\xeb\xfe"
    boot[510:512] = b"\x55\xaa"
    with open(os.path.join(tmp, "boot.img"), "wb") as f:
        f.write(boot)
    ram = os.path.join(tmp, "ram.bin")
    with open(os.path.join(tmp, "bochsrc"), "w") as f:
        f.write(BOCHSRC.format(megs=megs, bios=BOCHS_BIOS, vga=VGA_BIOS,
                               cpus=cpus, tmp=tmp))
    with open(os.path.join(tmp, "dbg.rc"), "w") as f:
        f.write('c\nwritemem "%s" 0 %d\nquit\n' % (ram, megs << 20))
    with open(os.path.join(tmp, "bochs.out"), "wb") as out:
        subprocess.run(["timeout", "-s", "INT", "-k", "5", "120", "bochs", "-q",
                        "-f", "bochsrc", "-rc", "dbg.rc"], cwd=tmp,
                       stdin=subprocess.DEVNULL, stdout=out,
                       stderr=subprocess.STDOUT, check=False)
    if not os.path.exists(ram):
        raise RuntimeError("bochs wrote no dump; see %s/bochs.out" % tmp)
    with open(ram, "rb") as f:
        return f.read()


def checksum_ok(buf):
    return sum(buf) & 0xFF == 0


def rsdp_valid(ram, addr):
    r = ram[addr:addr + 36]
    if len(r) < 20 or r[:8] != b"RSD PTR " or not checksum_ok(r[:20]):
        return False
    if r[15] >= 2:
        length = struct.unpack_from("<I", r, 20)[0]
        return length >= 36 and checksum_ok(ram[addr:addr + length])
    return True


def rsdp_from_bios_area(ram):
    """ACPI 6.x section 5.2.5.1: first KiB of the EBDA, then 0xE0000-0xFFFFF,
    on 16-byte boundaries."""
    ebda = struct.unpack_from("<H", ram, 0x40E)[0] << 4
    areas = []
    if ebda:
        areas.append((ebda, 1024))
    areas.append(BIOS_AREA)
    for base, length in areas:
        for a in range(base, base + length, 16):
            if rsdp_valid(ram, a):
                return a
    return None


def rsdp_from_efi(ram):
    """Find the EFI system table (header CRC32 must match) and read the
    ACPI 2.0 entry of its configuration table (UEFI 2.9 section 4.3, 4.6)."""
    pos = 0
    while True:
        pos = ram.find(EFI_SYSTEM_TABLE_SIG, pos)
        if pos < 0:
            return None
        hdr_size, crc = struct.unpack_from("<II", ram, pos + 12)
        if pos % 8 == 0 and 120 <= hdr_size < 4096:
            hdr = bytearray(ram[pos:pos + hdr_size])
            hdr[16:20] = b"\0\0\0\0"
            if zlib.crc32(hdr) == crc:
                count, table = struct.unpack_from("<QQ", ram, pos + 104)
                for i in range(min(count, 256)):
                    e = table + i * 24
                    if ram[e:e + 16] == EFI_ACPI20_GUID:
                        return struct.unpack_from("<Q", ram, e + 16)[0]
        pos += 8


def walk_tables(rd, rsdp):
    """Every (signature, address, length) reachable from the RSDP.
    rd(addr, n) returns the n bytes at physical addr (short if outside)."""
    found = []
    head = rd(rsdp, 36)
    rev = head[15]
    found.append(("RSDP", rsdp, 36 if rev >= 2 else 20))

    def u32(addr):
        b = rd(addr, 4)
        return struct.unpack("<I", b)[0] if len(b) == 4 else 0

    def u64(addr):
        b = rd(addr, 8)
        return struct.unpack("<Q", b)[0] if len(b) == 8 else 0

    def table(addr, facs=False):
        hdr = rd(addr, 8) if addr else b""
        if len(hdr) < 8 or any(t[1] == addr for t in found):
            return None
        sig = "FACS" if facs else hdr[:4].decode("latin-1")
        length = struct.unpack_from("<I", hdr, 4)[0]
        found.append((sig, addr, length))
        return sig, length

    roots = [(struct.unpack_from("<I", head, 16)[0], 4)]
    if rev >= 2:
        roots.append((struct.unpack_from("<Q", head, 24)[0], 8))
    for root, width in roots:
        t = table(root)
        if not t:
            continue
        for off in range(36, t[1] - width + 1, width):
            entry = u32(root + off) if width == 4 else u64(root + off)
            table(entry)
    for sig, addr, length in list(found):
        if sig != "FACP":
            continue
        dsdt, facs = u32(addr + 40), u32(addr + 36)
        if length >= 148:
            dsdt = u64(addr + 140) or dsdt
            facs = u64(addr + 132) or facs
        table(dsdt)
        table(facs, facs=True)
    return found


def regions_for(ram, rsdp, tables):
    spans = []
    if BIOS_AREA[0] <= rsdp < BIOS_AREA[0] + BIOS_AREA[1]:
        ebda = struct.unpack_from("<H", ram, 0x40E)[0] << 4
        spans.append((0x400, 0x100))  # BDA: holds the EBDA segment at 0x40E
        if ebda:
            spans.append((ebda, 1024))
        spans.append(BIOS_AREA)
    for _, addr, length in tables:
        lo = addr // PAGE * PAGE
        hi = (addr + length + PAGE - 1) // PAGE * PAGE
        spans.append((lo, hi - lo))
    spans.sort()
    merged = []
    for base, length in spans:
        if merged and base <= merged[-1][0] + merged[-1][1]:
            end = max(merged[-1][0] + merged[-1][1], base + length)
            merged[-1] = (merged[-1][0], end - merged[-1][0])
        else:
            merged.append((base, length))
    return merged


def save(ram, rsdp, outdir, platform, how):
    if rsdp is None or not rsdp_valid(ram, rsdp):
        raise RuntimeError("%s: no valid RSDP found" % platform)
    tables = walk_tables(lambda a, n: ram[a:a + n], rsdp)
    regions = regions_for(ram, rsdp, tables)
    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    lines = ["# Strata ACPI test image: %s" % platform,
             "# Captured by scripts/dump-acpi.py: %s" % how,
             "# Tables reachable from the RSDP (signature address length):"]
    for sig, addr, length in tables:
        lines.append("#   %s 0x%x %d" % (sig, addr, length))
    lines.append("rsdp 0x%x" % rsdp)
    total = 0
    for base, length in regions:
        name = "%016x.bin" % base
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(ram[base:base + length])
        lines.append("region 0x%x 0x%x %s" % (base, length, name))
        total += length
    with open(os.path.join(outdir, "memory.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%s: RSDP 0x%x, %d tables, %d regions, %d bytes" %
          (platform, rsdp, len(tables), len(regions), total))


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        return out.splitlines()[0].strip() if out else "?"
    except OSError:
        return "?"


PLATFORMS = ["qemu-i440fx-seabios", "qemu-q35-ovmf", "bochs-i440fx"]


def load_image(platform_dir):
    """Read back a saved image: (rsdp, reader) as walk_tables wants."""
    rsdp, regions = None, []
    with open(os.path.join(platform_dir, "memory.txt")) as f:
        for line in f:
            w = line.split()
            if w and w[0] == "rsdp":
                rsdp = int(w[1], 16)
            elif w and w[0] == "region":
                with open(os.path.join(platform_dir, w[3]), "rb") as b:
                    regions.append((int(w[1], 16), b.read()))

    def rd(addr, n):
        for base, data in regions:
            if base <= addr < base + len(data):
                return data[addr - base:addr - base + n]
        return b""
    return rsdp, rd


def fix_sum(buf, start, length, at):
    buf[at] = 0
    buf[at] = -sum(buf[start:start + length]) & 0xFF


def relocate(rsdp, rd):
    """Copy the RSDP and every table reachable from it into one compact
    image based at physical 0 (RSDP first), rewriting the pointers and
    checksums: the layout tests/fuzz/fuzz_acpi.c expects."""
    tables = walk_tables(rd, rsdp)
    where, pos = {}, 0x40
    for sig, addr, length in tables[1:]:
        where[addr] = pos
        pos = (pos + length + 15) // 16 * 16
    img = bytearray(pos)
    for sig, addr, length in tables[1:]:
        img[where[addr]:where[addr] + length] = rd(addr, length)
    rev = rd(rsdp, 16)[15]
    img[0:36] = rd(rsdp, 36 if rev >= 2 else 20).ljust(36, b"\0")

    def move(off, width):
        old = int.from_bytes(img[off:off + width], "little")
        if old in where:
            img[off:off + width] = where[old].to_bytes(width, "little")

    for sig, addr, length in tables[1:]:
        at = where[addr]
        if sig in ("RSDT", "XSDT"):
            width = 4 if sig == "RSDT" else 8
            for off in range(at + 36, at + length - width + 1, width):
                move(off, width)
        elif sig == "FACP":
            move(at + 36, 4)
            move(at + 40, 4)
            if length >= 148:
                move(at + 132, 8)
                move(at + 140, 8)
    for sig, addr, length in tables[1:]:
        if sig != "FACS":
            fix_sum(img, where[addr], length, where[addr] + 9)
    move(16, 4)
    if rev >= 2:
        move(24, 8)
    fix_sum(img, 0, 20, 8)
    if rev >= 2:
        fix_sum(img, 0, 36, 32)
    return bytes(img)


def fuzz_seeds(data_root, outdir):
    """Write fuzz seeds: control byte + relocated image, per platform."""
    os.makedirs(outdir, exist_ok=True)
    for p in PLATFORMS:
        rsdp, rd = load_image(os.path.join(data_root, p))
        img = relocate(rsdp, rd)
        for ctl, suffix in ((0x00, ""), (0x01, "-fixsum")):
            with open(os.path.join(outdir, p + suffix), "wb") as f:
                f.write(bytes([ctl]) + img)
        print("%s: %d-byte seed" % (p, len(img) + 1))


def capture(platform, outroot):
    with tempfile.TemporaryDirectory(prefix="dump-acpi-") as tmp:
        if platform == "qemu-i440fx-seabios":
            ram = capture_qemu(tmp, "pc", False, 128, 4)
            rsdp = rsdp_from_bios_area(ram)
            how = "%s -M pc -m 128 -smp 4, SeaBIOS, no disk" % \
                tool_version(["qemu-system-x86_64", "--version"])
        elif platform == "qemu-q35-ovmf":
            ram = capture_qemu(tmp, "q35", True, 256, 4)
            rsdp = rsdp_from_efi(ram)
            how = "%s -M q35 -m 256 -smp 4, OVMF (%s), EFI shell" % \
                (tool_version(["qemu-system-x86_64", "--version"]), OVMF_CODE)
        elif platform == "bochs-i440fx":
            ram = capture_bochs(tmp, 32, 2)
            rsdp = rsdp_from_bios_area(ram)
            how = "Bochs 2.7, BIOS-bochs-latest, megs 32, cpu count=2, i440fx"
        else:
            raise SystemExit("unknown platform %s" % platform)
        save(ram, rsdp, os.path.join(outroot, platform), platform, how)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="tests/data/acpi")
    ap.add_argument("--fuzz-seeds", metavar="DIR",
                    help="only build fuzz seeds in DIR from the images in --out")
    ap.add_argument("platforms", nargs="*", default=PLATFORMS)
    args = ap.parse_args()
    if args.fuzz_seeds:
        fuzz_seeds(args.out, args.fuzz_seeds)
        return 0
    for p in args.platforms:
        capture(p, args.out)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
