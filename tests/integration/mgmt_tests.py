"""Management-plane tests: Strata up under an emulator, a client on the host.

Each test boots Strata with a NIC, waits for its network marker on COM1
and talks to it from the host: raw frames for ping, the console protocol
(docs/MANAGEMENT.md), HTTP. Verdicts come from what the client receives
and from serial markers, never from timing; the timeouts are generous
bounds that only stop a hung run.
"""
import os

import ethernet
import live

HOST_MAC = bytes.fromhex("020000000001")
HOST_IP = "10.9.0.1"
STRATA_IP = "10.9.0.2"


class Failure(Exception):
    pass


def ping(esp, nic="e1000"):
    """ARP and ICMP echo from the host to Strata over QEMU's UDP Ethernet."""
    mine, theirs = live.free_port(), live.free_port()
    wire = ethernet.Wire(mine, theirs)
    netdev = "socket,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (mine, theirs)
    try:
        with live.qemu("net-ping-" + nic, esp=esp, netdev=netdev, nic=nic) as run:
            run.wait_for(r"strata: net \S+ %s/24" % STRATA_IP.replace(".", r"\."), 180)
            mac = None
            for _ in range(10):
                wire.send(ethernet.arp_request(HOST_MAC, HOST_IP, STRATA_IP))
                mac = wire.receive(lambda f: ethernet.parse_arp_reply(f, STRATA_IP), 3)
                if mac:
                    break
            if not mac:
                raise Failure("no ARP reply from %s" % STRATA_IP)
            for seq in range(1, 4):
                payload = os.urandom(56)
                wire.send(ethernet.echo_request(HOST_MAC, mac, HOST_IP, STRATA_IP,
                                                0x5354, seq, payload))
                got = wire.receive(lambda f: ethernet.parse_echo_reply(f, STRATA_IP), 10)
                if got != (0x5354, seq, payload):
                    raise Failure("echo %d: expected a reply with the same id, sequence and "
                                  "payload, got %r" % (seq, got))
    finally:
        wire.close()
