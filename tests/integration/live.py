"""Emulators that keep running while a test talks to Strata over the network.

emu.py boots, waits for the end and judges the log afterwards; the
management tests need Strata up while a client connects through the
emulator's network (QEMU user networking or Bochs's slirp with host port
forwards, or a UDP socket carrying raw Ethernet frames). A Live run is
started, waited on for serial markers, used, and stopped; its serial log
stays in build/test-runs/NAME/ like every other run's.
"""
import os
import re
import signal
import socket
import subprocess
import time

import emu


class LiveError(Exception):
    pass


class Live:
    def __init__(self, name, cmd, wd, serial, stop_signal):
        self.name = name
        self.wd = wd
        self.serial = serial
        self.stop_signal = stop_signal
        self.out = open(os.path.join(wd, "emulator.out"), "wb")
        self.proc = subprocess.Popen(cmd, cwd=wd, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def text(self):
        return emu._read(self.serial).replace("\r", "")

    def wait_for(self, pattern, timeout):
        """The first match of `pattern` in the serial log; fails on exit or panic."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            m = re.search(pattern, text, re.M)
            if m:
                return m
            for fatal in emu.FATAL_MARKERS:
                if re.search(fatal, text, re.M):
                    raise LiveError("%s: Strata stopped (%s) while waiting for %r"
                                    % (self.name, fatal, pattern))
            if self.proc.poll() is not None:
                raise LiveError("%s: emulator exited (%s) while waiting for %r"
                                % (self.name, self.proc.returncode, pattern))
            if time.monotonic() > deadline:
                raise LiveError("%s: no %r within %d s" % (self.name, pattern, timeout))
            time.sleep(0.25)

    def stop(self):
        if self.proc.poll() is None:
            emu._stop(self.proc, self.stop_signal)
        self.out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def free_port():
    """A TCP/UDP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu(name, *, esp, netdev, nic="e1000", cpus=1, memory=256, com1_port=None):
    """Strata's ESP image under QEMU + OVMF with one NIC on `netdev`.

    com1_port: COM1 also listens on this TCP port of 127.0.0.1 (a terminal
    at the machine); its output still goes to the serial log.
    """
    wd = emu.workdir(name)
    serial = os.path.join(wd, "serial.log")
    extra = ["-netdev", "%s,id=n0" % netdev, "-device", "%s,netdev=n0" % nic]
    cmd = emu._qemu_cmd(wd, serial, esp=esp, cpus=cpus, memory=memory, extra=extra)
    if com1_port:
        i = cmd.index("file:" + serial)
        cmd[i - 1: i + 1] = ["-chardev", "socket,id=com1,host=127.0.0.1,port=%d,server=on,"
                             "wait=off,logfile=%s" % (com1_port, serial),
                             "-serial", "chardev:com1"]
    return Live(name, cmd, wd, serial, signal.SIGTERM)


def bochs(name, *, iso, forwards, cpus=1, memory=256):
    """Strata's ISO under Bochs (VT-x) with its e1000 on slirp.

    forwards: (host_port, guest_port) pairs, on 127.0.0.1. The clock
    follows real time here: slirp and the test's client run in real time,
    and lwIP's TCP timers must not race ahead of them.
    """
    wd = emu.workdir(name)
    serial = os.path.join(wd, "serial.log")
    with open(os.path.join(wd, "slirp.conf"), "w") as f:
        f.write("# slirp config\n")
        for host, guest in forwards:
            f.write("hostfwd = tcp:127.0.0.1:%d-:%d\n" % (host, guest))
    cmd = emu.bochs_cmd(wd, serial, iso=iso, cpus=cpus, memory=memory, realtime=True,
                        extra="pci: enabled=1, chipset=i440fx, slot1=e1000\n"
                              "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=slirp, "
                              "script=slirp.conf\n")
    return Live(name, cmd, wd, serial, signal.SIGINT)
