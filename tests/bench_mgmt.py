#!/usr/bin/env python3
"""Management-plane benchmarks (issue 5): figures only, nothing asserts.

Strata boots under QEMU (TCG, OVMF, e1000 on user networking with host
forwards; tests/configs/net/bench.conf) and a client on this host
measures, in wall time:

- console.round_trip: one `list` command and its reply up to the next
  prompt, over an established, logged-in console session (mean of 50);
- api.requests_per_s: sequential `GET /api/v1/domains` with the bearer
  token, one TCP connection each (Strata answers Connection: close),
  counted over 5 s;
- tcp.throughput: Debian's iperf 2 client against lwIP's lwiperf server
  ([network] iperf = yes) for 10 s.

Lines: "bench: NAME VALUE UNIT (context)", as tests/bench.py prints.
Each runs twice, with the e1000 (polled: the idle boot CPU looks at the
NIC every millisecond) and with virtio-net (its MSI-X wakes the
boot CPU when a frame arrives). The emulator is named in each context:
TCG emulates every guest instruction, so these figures say how the
stack behaves, not what a real NIC would reach.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "integration"))
import clients  # noqa: E402
import live  # noqa: E402
import run_tests  # noqa: E402

PASSWORD = "bench-password"


def emit(name, value, unit, context):
    print("bench: %s %s %s (%s)" % (name, value, unit, context), flush=True)


def missing(name, why):
    print("bench: %s n/a (%s)" % (name, why), flush=True)


def console_round_trip(port, rounds=50):
    c = clients.ConsoleClient(port)
    try:
        c.login(PASSWORD)
        start = time.monotonic()
        for _ in range(rounds):
            c.cmd("list --all")
        return (time.monotonic() - start) / rounds
    finally:
        c.close()


def http_get(port, path):
    status, _, body = clients.http(port, "GET", path, token=PASSWORD)
    if status != 200:
        raise OSError("GET %s: %d %r" % (path, status, body[:80]))


def api_rate(port, seconds=5.0):
    n = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        http_get(port, "/api/v1/domains")
        n += 1
    return n / (time.monotonic() - start)


def iperf(port, seconds=10):
    out = subprocess.run(["iperf", "-c", "127.0.0.1", "-p", str(port), "-t", str(seconds),
                          "-f", "k"], capture_output=True, text=True, timeout=seconds + 60)
    m = re.findall(r"([\d.]+) Kbits/sec", out.stdout)
    if not m:
        raise OSError("iperf printed no rate: %s" % (out.stdout + out.stderr).strip()[-200:])
    return float(m[-1])


def bench_nic(esp, nic, label):
    console, http, iperf_port = live.free_port(), live.free_port(), live.free_port()
    netdev = ("user,hostfwd=tcp:127.0.0.1:%d-:23,hostfwd=tcp:127.0.0.1:%d-:80,"
              "hostfwd=tcp:127.0.0.1:%d-:5001" % (console, http, iperf_port))
    ctx = "QEMU 7.2 TCG, %s, user networking, 1 CPU" % label
    with live.qemu("bench-mgmt-" + nic.split(",")[0], esp=esp, netdev=netdev, nic=nic) as run:
        run.wait_for(r"strata: net \S+ \S+ ", 180)
        for name, fn, unit, fmt in (
                ("console.round_trip", lambda: console_round_trip(console) * 1000, "ms",
                 "%.2f"),
                ("api.requests_per_s", lambda: api_rate(http), "req/s", "%.1f"),
                ("tcp.throughput", lambda: iperf(iperf_port) / 1000, "Mbit/s", "%.1f")):
            try:
                emit(name, fmt % fn(), unit, ctx)
            except (OSError, subprocess.SubprocessError) as e:
                missing(name, "%s: %s" % (ctx, e))


def main():
    esp, _ = run_tests.build_media("bench-mgmt", "tests/configs/net/bench.conf")
    bench_nic(esp, "e1000", "e1000 (polled)")
    bench_nic(esp, "virtio-net-pci,disable-legacy=on", "virtio-net (MSI-X wake)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
