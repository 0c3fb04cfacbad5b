"""Management-plane tests: Strata up under an emulator, a client on the host.

Each test boots Strata with a NIC, waits for its network marker on COM1
and talks to it from the host: raw frames for ping, the console protocol
(docs/MANAGEMENT.md), HTTP. Verdicts come from what the client receives
and from serial markers, never from timing; the timeouts are generous
bounds that only stop a hung run.
"""
import os
import re
import time

import clients
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
        with live.qemu("net-ping-" + nic.split(",")[0], esp=esp, netdev=netdev,
                       nic=nic) as run:
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


PASSWORD = "test-password"


def expect(cond, what, got):
    if not cond:
        raise Failure("%s; got:\n%s" % (what, got))


def expect_re(pattern, text, what):
    m = re.search(pattern, text, re.M)
    expect(m, what, text)
    return m


def wait_state(console, name, state, tries=40):
    """`list --all` until NAME shows STATE (a destroy finishes asynchronously)."""
    out = ""
    for _ in range(tries):
        out = console.cmd("list --all")
        if re.search(r"^ \S+\s+%s\s+%s\s*$" % (re.escape(name), state), out, re.M):
            return out
        time.sleep(0.5)
    raise Failure("%s never reached %r:\n%s" % (name, state, out))


def console_session(port, run):
    """Login, virsh-like commands, the guest console both ways, define/undefine."""
    c = clients.ConsoleClient(port)
    try:
        banner = c.read_until(b"Password: ").decode("latin-1")
        expect_re(r"Strata \S+ management console", banner, "banner")
        c.send(b"wrong\r\n")
        expect(b"Login incorrect" in c.read_until(b"Password: "), "wrong password refused",
               c.buf)
        c.send(PASSWORD.encode() + b"\r\n")
        c.read_until(clients.PROMPT)

        out = c.cmd("list --all")
        expect_re(r"^ Id\s+Name\s+State\s*\n-{10,}\n", out, "list header")
        expect_re(r"^ -\s+echo\s+shut off\s*$", out, "echo listed as shut off")
        out = c.cmd("dominfo echo")
        for line in (r"^Id:\s+-$", r"^Name:\s+echo$", r"^State:\s+shut off$",
                     r"^CPU\(s\):\s+1$", r"^Max memory:\s+8192 KiB$", r"^OS Type:\s+hvm$"):
            expect_re(line, out, "dominfo field %s" % line)
        out = c.cmd("nodeinfo")
        expect_re(r"^CPU\(s\):\s+1$", out, "nodeinfo CPU(s)")
        expect_re(r"^Memory size:\s+\d+ KiB$", out, "nodeinfo memory")

        expect_re(r"Domain 'echo' started", c.cmd("start echo"), "start")
        expect_re(r"^ 1\s+echo\s+running\s*$", c.cmd("list"), "echo running with Id 1")
        expect_re(r"error: .*already active", c.cmd("start echo"), "double start refused")

        c.send(b"console echo\r\n")
        c.read_until(b"Connected to domain 'echo'")
        c.read_until(b"echo: ready")
        c.send(b"hello strata\r")
        c.read_until(b"echo: hello strata")
        c.send(b"\x1d")
        c.read_until(clients.PROMPT)
        run.wait_for(r"^\[echo\] echo: hello strata", 60)

        expect_re(r"Domain 'echo' destroyed", c.cmd("destroy echo"), "destroy")
        wait_state(c, "echo", "shut off")
        run.wait_for(r"strata: vm echo stopped reason=destroyed by the operator", 60)

        c.send(b"define\r\n")
        for line in ("[vm echo2]", "memory = 4M", "kernel = guests/echo.elf", "."):
            c.send(line.encode() + b"\r\n")
        out = c.read_until(clients.PROMPT).decode("latin-1")
        expect_re(r"Domain 'echo2' defined", out, "define")
        wait_state(c, "echo2", "shut off")
        c.send(b"define\r\n[vm bad]\r\nmemory = lots\r\nkernel = guests/echo.elf\r\n.\r\n")
        out = c.read_until(clients.PROMPT).decode("latin-1")
        expect_re(r"^error: .*memory", out, "a bad definition is refused naming the field")
        c.send(b"define\r\n[vm ghost]\r\nmemory = 4M\r\nkernel = guests/none.elf\r\n.\r\n")
        out = c.read_until(clients.PROMPT).decode("latin-1")
        expect_re(r"^error: .*kernel", out, "a definition naming a missing image is refused")
        expect_re(r"has been undefined", c.cmd("undefine echo2"), "undefine")
        expect("echo2" not in c.cmd("list --all"), "echo2 gone", "")

        # The guest ends itself: its exit is seen and the domain is shut off.
        c.cmd("start echo")
        c.send(b"console echo\r\n")
        c.read_until(b"echo: ready")
        c.send(b"quit\r")
        run.wait_for(r"strata: vm echo exited code=0", 60)
        c.send(b"\x1d")
        c.read_until(clients.PROMPT)
        wait_state(c, "echo", "shut off")

        # Bad input: each gets a clear error, the session goes on.
        expect_re(r"error: line too long", c.cmd("x" * 3000), "over-long line")
        expect_re(r"error: unknown command", c.cmd("frobnicate"), "unknown command")
        c.send(bytes(range(1, 32)).replace(b"\r", b"").replace(b"\n", b"")
               + b"\xff\xfe\x00garbage\r\n")
        c.read_until(clients.PROMPT)
        expect_re(r"^ -\s+echo\s+shut off", c.cmd("list --all"), "still serving")
        c.send(b"quit\r\n")
        expect(c.closed(), "quit closes the session", c.buf)
    finally:
        c.close()


def manage_bochs(iso):
    console, http_port = live.free_port(), live.free_port()
    with live.bochs("net-manage", iso=iso, forwards=[(console, 23), (http_port, 80)]) as run:
        run.wait_for(r"strata: net e1000 \S+ ", 300)
        console_session(console, run)
