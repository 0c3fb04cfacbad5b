"""Management-plane tests: Strata up under an emulator, a client on the host.

Each test boots Strata with a NIC, waits for its network marker on COM1
and talks to it from the host: raw frames for ping, the console protocol
(docs/MANAGEMENT.md), HTTP. Verdicts come from what the client receives
and from serial markers, never from timing; the timeouts are generous
bounds that only stop a hung run.
"""
import json
import os
import re
import socket
import subprocess
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
        cli_session(console, run)
        api_session(http_port, run)
        webpage(http_port, run.wd)
        flood(console, http_port, run)
        guessing(console, http_port)


PROM_CHECK = r"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for fam in text_string_to_metric_families(sys.stdin.read()):
    for s in fam.samples:
        out.setdefault(s.name, []).append([s.labels, s.value])
print(json.dumps(out))
"""


def prometheus_parse(text):
    """Samples by name, parsed by Debian's prometheus_client (python3-prometheus-client)."""
    proc = subprocess.run(["/usr/bin/python3", "-c", PROM_CHECK], input=text,
                          capture_output=True, text=True, timeout=60)
    expect(proc.returncode == 0, "/metrics accepted by prometheus_client's parser",
           proc.stderr[-2000:])
    return json.loads(proc.stdout)


def sample(samples, name, **labels):
    for got_labels, value in samples.get(name, []):
        if all(got_labels.get(k) == v for k, v in labels.items()):
            return value
    return None


def api_json(port, method, path, body=None, token=PASSWORD, status=200):
    code, hdrs, payload = clients.http(port, method, path, body, token)
    expect(code == status, "%s %s: status %d" % (method, path, status),
           "%d %s" % (code, payload[:300]))
    if hdrs.get("content-type", "").startswith("application/json"):
        return json.loads(payload)
    return payload


def wait_api_state(port, name, state, tries=40):
    got = None
    for _ in range(tries):
        got = api_json(port, "GET", "/api/v1/domains/" + name)
        if got["state"] == state:
            return got
        time.sleep(0.5)
    raise Failure("%s never reached %r over the API: %r" % (name, state, got))


def api_session(port, run):
    """The JSON API, its authentication and errors, and /metrics."""
    code, hdrs, _ = clients.http(port, "GET", "/api/v1/domains")
    expect(code == 401 and "bearer" in hdrs.get("www-authenticate", "").lower(),
           "no token: 401 with WWW-Authenticate", code)
    code, _, _ = clients.http(port, "GET", "/api/v1/domains", token="wrong")
    expect(code == 401, "wrong token: 401", code)

    doms = api_json(port, "GET", "/api/v1/domains")
    echo = [d for d in doms if d["name"] == "echo"]
    expect(echo and echo[0]["state"] == "shut off" and echo[0]["memory"] == 8 << 20,
           "echo in /api/v1/domains, shut off, 8 MiB", doms)
    node = api_json(port, "GET", "/api/v1/node")
    expect(node.get("cpus") == 1, "node: 1 CPU", node)

    api_json(port, "POST", "/api/v1/domains",
             {"name": "web", "memory": "4M", "kernel": "guests/echo.elf"}, status=201)
    expect(api_json(port, "GET", "/api/v1/domains/web")["state"] == "shut off", "web defined",
           "")
    api_json(port, "POST", "/api/v1/domains/web/start")
    got = wait_api_state(port, "web", "running")
    expect(got["id"] > 0 and got["vcpus"] == 1, "running web has an id", got)
    api_json(port, "POST", "/api/v1/domains/web/start", status=409)
    api_json(port, "POST", "/api/v1/domains/web/destroy")
    wait_api_state(port, "web", "shut off")
    run.wait_for(r"strata: vm web stopped reason=destroyed by the operator", 60)
    api_json(port, "DELETE", "/api/v1/domains/web")
    api_json(port, "GET", "/api/v1/domains/web", status=404)

    # Bad requests: clear errors, nothing changes.
    api_json(port, "POST", "/api/v1/domains", b"{\"name\": ", status=400)
    api_json(port, "POST", "/api/v1/domains", {"name": "x y", "memory": "4M"}, status=400)
    api_json(port, "POST", "/api/v1/domains",
             {"name": "big", "memory": "4M", "kernel": "guests/none.elf"}, status=400)
    code, _, _ = clients.http(port, "POST", "/api/v1/domains", b"x" * 20000, PASSWORD)
    expect(code == 413, "oversized body: 413", code)
    code, _, _ = clients.http(port, "GET", "/" + "a" * 3000, token=PASSWORD)
    expect(code == 414, "over-long target: 414", code)
    api_json(port, "GET", "/api/v1/nothing", status=404)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as g:
        g.sendall(bytes(range(256)) * 4 + b"\r\n\r\n")
        reply = g.recv(4096)
    expect(reply.startswith(b"HTTP/1.1 400 "), "binary garbage: 400", reply[:100])

    code, hdrs, body = clients.http(port, "GET", "/metrics", token=PASSWORD)
    expect(code == 200 and hdrs.get("content-type", "").startswith("text/plain"),
           "/metrics: 200 text/plain", code)
    samples = prometheus_parse(body.decode())
    expect(sample(samples, "strata_domain_state", domain="echo", state="shut off") == 1.0,
           "strata_domain_state of echo", samples.get("strata_domain_state"))
    expect((sample(samples, "strata_node_memory_free_bytes") or 0) > 0, "free memory",
           samples.get("strata_node_memory_free_bytes"))
    expect((sample(samples, "strata_nic_rx_packets_total", nic="e1000") or 0) > 0,
           "NIC counters", samples.get("strata_nic_rx_packets_total"))


def mgmt_counts(port):
    samples = prometheus_parse(clients.http(port, "GET", "/metrics", token=PASSWORD)[2]
                               .decode())
    return (sample(samples, "strata_mgmt_console_sessions"),
            sample(samples, "strata_mgmt_http_connections"),
            sample(samples, "strata_mgmt_tcp_pcbs_used"))


def flood(console_port, http_port, run):
    """16 clients at once, a 17th refused, stalled clients; counts return to baseline."""
    base = mgmt_counts(http_port)
    expect(base[0] == 0 and base[1] == 1, "baseline: no console session, this HTTP request",
           base)
    silent = clients.ConsoleClient(console_port)  # connects, never logs in
    silent.read_until(b"Password: ")
    sessions = []
    try:
        for _ in range(15):  # and the silent one: 16 in all
            c = clients.ConsoleClient(console_port)
            c.read_until(b"Password: ")
            sessions.append(c)
        extra = clients.ConsoleClient(console_port)
        expect(extra.closed(), "a 17th console client is turned away", extra.buf)
        expect(b"too many" in extra.buf, "... with a reason", extra.buf)
        extra.close()
        busy = mgmt_counts(http_port)
        expect(busy[0] == 16, "16 console sessions open", busy)
        # A stalled HTTP client (half a request) does not block others.
        stalled = socket.create_connection(("127.0.0.1", http_port), timeout=60)
        stalled.sendall(b"GET /api/v1/node HTTP/1.1\r\nHost: strata\r\n")
        api_json(http_port, "GET", "/api/v1/node")
    finally:
        for c in sessions:
            c.close()
    # Garbage into a console that is never logged in, then gone.
    g = clients.ConsoleClient(console_port)
    g.send(os.urandom(4096))
    g.close()
    stalled.settimeout(120)
    expect(stalled.recv(100) == b"", "the stalled HTTP client is dropped after its timeout",
           "")
    stalled.close()
    expect(silent.closed(90) and b"login timed out" in silent.buf,
           "a client that never logs in is dropped", silent.buf)
    silent.close()
    counts = None
    for _ in range(60):
        counts = mgmt_counts(http_port)
        if counts == base:
            return
        time.sleep(1)
    raise Failure("connection resources did not return to the baseline %r: %r"
                  % (base, counts))


def webpage(http_port, wd):
    """The web page in headless chromium: log in, see the VM list, start and destroy."""
    drv = clients.WebDriver(live.free_port())
    try:
        drv.get("http://127.0.0.1:%d/" % http_port)
        drv.type(drv.wait_for("#password")[0], PASSWORD)
        drv.click(drv.wait_for("#login")[0])
        row = drv.wait_for('tr[data-domain="echo"]')[0]
        expect("echo" in drv.text(row), "the page lists echo", drv.text(row))

        def state():
            return drv.text(drv.wait_for('tr[data-domain="echo"] .state')[0])

        def click_until(button, want, what):
            drv.click(drv.wait_for('tr[data-domain="echo"] .%s' % button)[0])
            for _ in range(60):
                if state() == want:
                    break
                time.sleep(0.5)
            expect(state() == want, what, state())

        expect(state() == "shut off", "echo shut off on the page", state())
        click_until("start", "running", "start from the page")
        drv.screenshot(os.path.join(wd, "webpage.png"))
        click_until("destroy", "shut off", "destroy from the page")
    finally:
        drv.quit()


def no_password_and_com1(esp):
    """No password: network logins refused and reported; COM1 serves without one."""
    console, com1 = live.free_port(), live.free_port()
    netdev = "user,hostfwd=tcp:127.0.0.1:%d-:23" % console
    with live.qemu("net-nopassword", esp=esp, netdev=netdev, com1_port=com1) as run:
        run.wait_for(r"strata: net e1000 \S+ ", 180)
        run.wait_for(r"no \[network\] password is configured", 10)
        c = clients.ConsoleClient(console)
        try:
            expect(c.closed(), "a network login without a password is refused", c.buf)
            expect(b"Login refused" in c.buf, "... saying so", c.buf)
        finally:
            c.close()
        run.wait_for(r"strata: console: .*refused", 30)

        t = clients.ConsoleClient(com1)
        try:
            t.send(b"\r")
            t.read_until(clients.PROMPT)
            out = t.cmd("nodeinfo").replace("\r", "")
            expect_re(r"CPU\(s\):\s+1", out, "nodeinfo on COM1")
            out = t.cmd("list --all").replace("\r", "")
            expect_re(r"Id\s+Name\s+State", out, "list on COM1")
            t.send(b"quit\r")
            time.sleep(1)
        finally:
            t.close()


def cli(port, *args, status=0):
    """scripts/strata against the console; its stdout (and stderr on failure)."""
    proc = subprocess.run([os.path.join("scripts", "strata"), "-c", "127.0.0.1:%d" % port,
                           "-p", PASSWORD] + list(args), capture_output=True, text=True,
                          timeout=180)
    expect(proc.returncode == status, "strata %s: exit %d" % (" ".join(args), status),
           proc.stdout + proc.stderr)
    return proc.stdout, proc.stderr


def cli_session(port, run):
    """The host CLI: a libvirt XML defined, started, listed, destroyed, undefined."""
    out, err = cli(port, "define", "tests/configs/net/web-server.xml")
    expect_re(r"Domain 'web-server' defined", out, "CLI define from libvirt XML")
    expect_re(r"warning: ignored: .*devices/interface", err, "CLI lists what it ignored")
    out, _ = cli(port, "start", "web-server")
    expect_re(r"Domain 'web-server' started", out, "CLI start")
    out, _ = cli(port, "list")
    expect_re(r"^ \d+\s+web-server\s+running\s*$", out, "CLI list")
    run.wait_for(r"^\[web-server\] echo: ready", 60)
    out, _ = cli(port, "destroy", "web-server")
    expect_re(r"Domain 'web-server' destroyed", out, "CLI destroy")
    for _ in range(40):
        out, _ = cli(port, "dominfo", "web-server")
        if re.search(r"^State:\s+shut off$", out, re.M):
            break
        time.sleep(0.5)
    expect_re(r"^State:\s+shut off$", out, "CLI dominfo after destroy")
    _, err = cli(port, "start", "nosuch", status=1)
    expect_re(r"^error: ", err, "CLI error on stderr, exit 1")
    out, _ = cli(port, "undefine", "web-server")
    expect_re(r"has been undefined", out, "CLI undefine")


def guessing(console_port, http_port):
    """Three wrong tokens lock the address out of the API and the console alike."""
    for _ in range(3):
        code, _, _ = clients.http(http_port, "GET", "/api/v1/node", token="guess")
        expect(code == 401, "a wrong token: 401", code)
    code, hdrs, body = clients.http(http_port, "GET", "/api/v1/node", token=PASSWORD)
    expect(code == 429 and int(hdrs.get("retry-after", "0")) > 0,
           "after three wrong tokens even the right one gets 429 with Retry-After",
           "%d %r %r" % (code, hdrs, body))
    c = clients.ConsoleClient(console_port)
    try:
        expect(c.closed(), "the console refuses the locked-out address", c.buf)
        expect(b"too many failed logins" in c.buf, "... saying why", c.buf)
    finally:
        c.close()


def iperf_server(esp):
    """[network] iperf = yes: Debian's iperf 2 client measures against lwiperf."""
    port = live.free_port()
    with live.qemu("net-iperf", esp=esp, netdev="user,hostfwd=tcp:127.0.0.1:%d-:5001" % port) \
            as run:
        run.wait_for(r"net: iperf server on TCP port 5001", 180)
        run.wait_for(r"strata: net e1000 \S+ ", 180)
        out = subprocess.run(["iperf", "-c", "127.0.0.1", "-p", str(port), "-t", "2", "-f", "k"],
                             capture_output=True, text=True, timeout=120).stdout
        expect_re(r"[\d.]+ Kbits/sec", out, "iperf reports a rate")
        m = run.wait_for(r"net: iperf: (\d+) bytes in", 60)
        expect(int(m.group(1)) > 0, "Strata's lwiperf counted the bytes", m.group(0))
