"""Host-side clients of Strata's management services, for the tests.

ConsoleClient speaks the console protocol of docs/MANAGEMENT.md, http()
makes one HTTP/1.1 request, WebDriver drives Debian's chromium through
chromedriver's W3C WebDriver endpoint (standard library only).
"""
import json
import socket
import subprocess
import time
import urllib.request

PROMPT = b"strata# "


class ProtocolError(Exception):
    pass


class ConsoleClient:
    def __init__(self, port, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def read_until(self, marker, timeout=None):
        """Everything up to and including `marker`."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError("no %r; got %r" % (marker, self.buf[-300:]))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise ProtocolError("closed before %r; got %r" % (marker, self.buf[-300:]))
            self.buf += chunk
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def send(self, data):
        self.sock.sendall(data)

    def login(self, password):
        banner = self.read_until(b"Password: ")
        self.send(password.encode() + b"\r\n")
        self.read_until(PROMPT)
        return banner.decode("latin-1")

    def cmd(self, line, timeout=None):
        """Run one command; its output (CR LF -> LF) before the next prompt."""
        self.send(line.encode() + b"\r\n")
        out = self.read_until(PROMPT, timeout)[: -len(PROMPT)]
        return out.decode("latin-1").replace("\r\n", "\n")

    def closed(self, timeout=None):
        """True once the server closes the connection (data before it is dropped)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        self.sock.close()


def http(port, method, path, body=None, token=None, headers=None, timeout=60):
    """One request; returns (status, headers dict with lower-case names, body bytes)."""
    req = ["%s %s HTTP/1.1" % (method, path), "Host: strata"]
    if token is not None:
        req.append("Authorization: Bearer %s" % token)
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req.append("Content-Type: %s" % ("text/plain" if isinstance(body, bytes)
                                         else "application/json"))
        req.append("Content-Length: %d" % len(data))
    for k, v in (headers or {}).items():
        req.append("%s: %s" % (k, v))
    raw = ("\r\n".join(req) + "\r\n\r\n").encode() + data
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        resp = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            resp += chunk
    head, _, payload = resp.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, payload


class WebDriver:
    """Headless Debian chromium through chromedriver (W3C WebDriver)."""

    def __init__(self, port):
        self.port = port
        self.proc = subprocess.Popen(["chromedriver", "--port=%d" % port],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium",
                                   "args": ["--headless", "--no-sandbox", "--disable-gpu",
                                            "--disable-dev-shm-usage"]}}}}
        for _ in range(100):
            try:
                self.session = self._call("POST", "/session", caps)["sessionId"]
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise ProtocolError("chromedriver did not start")

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data,
                                     method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())["value"]

    def _s(self, path):
        return "/session/%s%s" % (self.session, path)

    def get(self, url):
        self._call("POST", self._s("/url"), {"url": url})

    def find(self, css):
        """Element ids matching a CSS selector."""
        found = self._call("POST", self._s("/elements"), {"using": "css selector", "value": css})
        return [list(e.values())[0] for e in found]

    def type(self, element, text):
        self._call("POST", self._s("/element/%s/value" % element), {"text": text})

    def click(self, element):
        self._call("POST", self._s("/element/%s/click" % element), {})

    def text(self, element):
        return self._call("GET", self._s("/element/%s/text" % element))

    def attribute(self, element, name):
        return self._call("GET", self._s("/element/%s/attribute/%s" % (element, name)))

    def wait_for(self, css, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.find(css)
            if found:
                return found
            time.sleep(0.5)
        raise ProtocolError("no element %r in the page" % css)

    def screenshot(self, path):
        import base64
        with open(path, "wb") as f:
            f.write(base64.b64decode(self._call("GET", self._s("/screenshot"))))

    def quit(self):
        try:
            self._call("DELETE", self._s(""))
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)
