"""Run Strata under QEMU or Bochs and collect what it printed.

Results are read from serial output (COM1 written to a file) and, under
Bochs, from the port 0xE9 debug channel, which Strata mirrors its log to
when the port answers. Bochs's file output can lose its final lines when
Bochs quits, so both channels are merged line by line. Nothing here looks
at wall-clock time except generous timeouts that stop a hung emulator.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGA_BIOS = "/usr/share/vgabios/vgabios.bin"


class RunResult:
    def __init__(self, serial, debug, returncode, timed_out, workdir):
        self.serial = serial
        self.debug = debug
        self.returncode = returncode
        self.timed_out = timed_out
        self.workdir = workdir

    @property
    def lines(self):
        """Serial lines, plus debug-port lines the serial file lost at the end."""
        serial = [l.rstrip("\r") for l in self.serial.splitlines()]
        debug = [l.rstrip("\r") for l in self.debug.splitlines()]
        if len(debug) > len(serial) and debug[: len(serial)] == serial:
            return debug
        return serial if len(serial) >= len(debug) else debug

    @property
    def text(self):
        return "\n".join(self.lines)


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("latin-1")
    except FileNotFoundError:
        return ""


# Lines after which a run cannot end well on its own: stop waiting.
FATAL_MARKERS = [r"^PANIC on cpu", r"^cpu 0 parked"]


def _seen(path, patterns):
    text = _read(path)
    return any(re.search(p, text, re.M) for p in patterns)


def _stop(proc, stop_signal):
    os.killpg(proc.pid, stop_signal)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _run(cmd, cwd, timeout, stdout_path, serial_path, stop_at=(),
         stop_signal=signal.SIGTERM):
    """Run until the emulator exits, a stop marker shows on serial, or timeout.

    Returns (exit code, timed_out). A run stopped at a marker is not a
    timeout; the serial file gets a second to receive the last lines.
    """
    patterns = list(stop_at) + FATAL_MARKERS
    with open(stdout_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        waited = 0.0
        while waited < timeout:
            try:
                return proc.wait(timeout=0.5), False
            except subprocess.TimeoutExpired:
                waited += 0.5
            if _seen(serial_path, patterns):
                try:
                    return proc.wait(timeout=1.0), False
                except subprocess.TimeoutExpired:
                    _stop(proc, stop_signal)
                    return proc.returncode, False
        _stop(proc, stop_signal)
        return proc.returncode, True


def workdir(name):
    base = os.path.join("build", "test-runs", name)
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    return os.path.abspath(base)


def _qemu_cmd(wd, serial, *, esp=None, iso=None, cpus=1, memory=256, uefi=True, extra=()):
    """The QEMU TCG command line every QEMU run here uses."""
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-m", str(memory),
           "-smp", str(cpus), "-display", "none", "-monitor", "none",
           "-serial", "file:" + serial, "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if uefi:
        vars_copy = os.path.join(wd, "OVMF_VARS.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars_copy]
    if esp:
        cmd += ["-drive", "file=%s,format=raw,if=ide" % os.path.abspath(esp)]
    if iso:
        cmd += ["-cdrom", os.path.abspath(iso)]
    return cmd + list(extra)


def run_qemu(name, *, esp=None, iso=None, cpus=1, memory=256, uefi=True,
             timeout=120, extra=(), stop_at=()):
    """Boot an ESP image (UEFI) or an ISO (SeaBIOS or UEFI) under QEMU TCG."""
    wd = workdir(name)
    serial = os.path.join(wd, "serial.log")
    cmd = _qemu_cmd(wd, serial, esp=esp, iso=iso, cpus=cpus, memory=memory, uefi=uefi,
                    extra=extra)
    rc, timed_out = _run(cmd, wd, timeout, os.path.join(wd, "qemu.out"), serial, stop_at)
    return RunResult(_read(serial), "", rc, timed_out, wd)


BOCHSRC = """\
megs: {memory}
romimage: file={rom}
vgaromimage: file={vga}
{disk}
boot: {boot}
cpu: model=corei7_skylake_x, count={cpus}, ips=50000000, reset_on_triple_fault=0
clock: sync=none, time0=946684800
display_library: term
com1: enabled=1, mode=file, dev={serial}
log: {log}
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
port_e9_hack: enabled=1
speaker: enabled=0
sound: driver=dummy
magic_break: enabled=1
{pci}
"""


def bochs_cmd(wd, serial, *, iso=None, esp=None, cpus=1, memory=256, ovmf=False,
              realtime=False, extra=""):
    """Write bochsrc and dbg.rc into wd; return the Bochs command line."""
    if ovmf:
        rom = os.path.join(wd, "ovmf_full.fd")
        with open(rom, "wb") as out:
            for part in (OVMF_VARS, OVMF_CODE):
                with open(part, "rb") as f:
                    out.write(f.read())
    else:
        rom = BOCHS_BIOS
    if iso:
        disk = "ata0-master: type=cdrom, path=%s, status=inserted" % os.path.abspath(iso)
        boot = "cdrom"
    else:
        disk = "ata0-master: type=disk, path=%s, mode=flat" % os.path.abspath(esp)
        boot = "disk"
    pci = extra or ("pci: enabled=1, chipset=i440fx" if ovmf else "")
    rc_text = BOCHSRC.format(memory=memory, rom=rom, vga=VGA_BIOS, disk=disk, boot=boot,
                             cpus=cpus, serial=serial, log=os.path.join(wd, "bochs.log"),
                             pci=pci)
    if realtime:
        rc_text = rc_text.replace("clock: sync=none", "clock: sync=realtime")
    with open(os.path.join(wd, "bochsrc"), "w") as f:
        f.write(rc_text)
    with open(os.path.join(wd, "dbg.rc"), "w") as f:
        f.write("c\nquit\n")
    return ["bochs", "-q", "-f", "bochsrc", "-rc", "dbg.rc"]


def run_bochs(name, *, iso=None, esp=None, cpus=1, memory=256, ovmf=False,
              timeout=300, stop_at=()):
    """Boot an ISO with the Bochs BIOS, or an ESP disk image with OVMF, under Bochs."""
    wd = workdir(name)
    serial = os.path.join(wd, "serial.log")
    cmd = bochs_cmd(wd, serial, iso=iso, esp=esp, cpus=cpus, memory=memory, ovmf=ovmf)
    stdout = os.path.join(wd, "bochs.out")
    # Bochs ignores SIGTERM (TESTING.md): stop a hung run with SIGINT.
    rc, timed_out = _run(cmd, wd, timeout, stdout, serial, stop_at, stop_signal=signal.SIGINT)
    return RunResult(_read(serial), _strip_term(_read(stdout)), rc, timed_out, wd)


def _strip_term(text):
    """Port 0xE9 bytes arrive on Bochs's stdout between terminal escapes."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\x1b":
            j = i + 1
            if j < len(text) and text[j] == "[":
                j += 1
                while j < len(text) and not text[j].isalpha():
                    j += 1
            i = j + 1
            continue
        if c == "\n" or c == "\t" or " " <= c <= "~":
            out.append(c)
        i += 1
    return "".join(out)


def run_qemu_timed(name, marker, *, esp=None, iso=None, cpus=1, memory=256, uefi=True,
                   timeout=120, poll=0.01):
    """Like run_qemu, and also time the run: seconds of wall time from just
    before the QEMU process starts to the first serial line matching marker.

    The serial file is polled every `poll` seconds, so the figure is late by
    at most that much. Returns (RunResult, seconds or None if never seen).
    The command line is _qemu_cmd's, as for run_qemu.
    """
    import time
    wd = workdir(name)
    serial = os.path.join(wd, "serial.log")
    cmd = _qemu_cmd(wd, serial, esp=esp, iso=iso, cpus=cpus, memory=memory, uefi=uefi)
    pattern = re.compile(marker, re.M)
    elapsed = None
    timed_out = False
    with open(os.path.join(wd, "qemu.out"), "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=wd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        while True:
            now = time.monotonic()
            if elapsed is None and pattern.search(_read(serial)):
                elapsed = now - start
            if proc.poll() is not None:
                break
            if now - start > timeout:
                _stop(proc, signal.SIGTERM)
                timed_out = True
                break
            time.sleep(poll)
    if elapsed is None and pattern.search(_read(serial)):
        # Appeared between the last poll and the exit: the exit time bounds it.
        elapsed = time.monotonic() - start
    return RunResult(_read(serial), "", proc.returncode, timed_out, wd), elapsed
