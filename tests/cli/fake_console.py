"""A fake Strata management console for the CLI's tests (docs/MANAGEMENT.md).

A threaded TCP server on 127.0.0.1, port 0 (the kernel picks one), that
speaks the console protocol with canned replies:

- the banner line and `Password: `; a wrong password gets `Login incorrect`
  and `Password: ` again after a short delay, the third closes; with
  password None every login is refused as Strata does with no password set;
- after login the prompt `strata# `; each command line gets its canned reply
  (text with LF, sent with CR LF and 0xff as IAC IAC, as net/mgmt/console.c
  does) then the prompt; a command with no reply gets `unknown command`;
- `define` collects lines up to `.` and answers `Domain 'NAME' defined`
  (or a canned error for a definition whose name is in `define_errors`);
- `console NAME` attaches to a fake guest that answers each CR-ended line
  with `echo: LINE`; 0x1d detaches (an empty line, then the prompt). The
  guest `stopper` says `bye` and stops (the hypervisor detaches itself);
  the guest `faker` prints a prompt of its own and stays attached;
- `quit` / `exit` close the connection.

Input is handled as the real session does: telnet commands stripped, lines
ending in LF, CR LF or CR NUL. Everything a client sent is kept per
connection in `received`, byte for byte.
"""

import socket
import socketserver
import threading
import time

CRLF = b"\r\n"
PROMPT = b"strata# "
ESCAPE = 0x1D


def wire(text):
    """A reply as net/mgmt/console.c sends it on a network session."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return text.replace(b"\n", CRLF).replace(b"\xff", b"\xff\xff")


class FakeConsole:
    def __init__(self, password="secret", replies=None, domains=("echo", "stopper", "faker"),
                 define_errors=None, silent=False, login_delay=0.05,
                 version="0.1.0-test"):
        self.password = password
        self.replies = dict(replies or {})
        self.domains = set(domains)
        self.define_errors = dict(define_errors or {})
        self.silent = silent
        self.login_delay = login_delay
        self.version = version
        self.received = []      # bytes each connection sent, in connection order
        self.definitions = []   # the text of each `define`
        self.attached = threading.Event()
        self.lock = threading.Lock()
        self._server = None
        self._thread = None

    # -- lifecycle --

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                Session(fake, self.request).run()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()
        return self.port

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def target(self):
        return "127.0.0.1:%d" % self.port


class Session:
    """One connection: the console state machine over blocking reads."""

    def __init__(self, fake, sock):
        self.fake = fake
        self.sock = sock
        with fake.lock:
            fake.received.append(b"")
            self.index = len(fake.received) - 1
        self.telnet = "data"
        self.after_cr = False
        self.line = bytearray()
        self.mode = "login"
        self.failures = 0
        self.definition = []
        self.guest = None
        self.guest_line = bytearray()
        self.closed = False

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True

    def run(self):
        f = self.fake
        if f.silent:
            # Accept and say nothing until the client gives up.
            while self._recv():
                pass
            return
        self.send(wire("Strata %s management console\n" % f.version))
        if f.password is None:
            self.send(wire("Login refused: no password is configured ([network] password)\n"))
            return
        self.send(b"Password: ")
        while not self.closed:
            data = self._recv()
            if not data:
                return
            for b in data:
                if self.closed:
                    break
                self._byte(b)

    def _recv(self):
        try:
            data = self.sock.recv(4096)
        except OSError:
            return b""
        with self.fake.lock:
            self.fake.received[self.index] += data
        return data

    # -- bytes --

    def _byte(self, b):
        # RFC 854: IAC IAC is the byte 0xff; IAC WILL/WONT/DO/DONT x and IAC x are dropped.
        if self.telnet == "iac":
            self.telnet = "option" if 251 <= b <= 254 else "data"
            if b != 255:
                return
        elif self.telnet == "option":
            self.telnet = "data"
            return
        elif b == 255:
            self.telnet = "iac"
            return
        if self.after_cr:
            self.after_cr = False
            if b in (0, 10):
                return
        if self.mode == "attached":
            self._guest_byte(b)
            return
        if b in (10, 13):
            self.after_cr = b == 13
            line, self.line = bytes(self.line), bytearray()
            self._line(line.decode("utf-8", "replace"))
        elif b >= 0x20 or b == 9:
            self.line.append(b)

    def _line(self, line):
        f = self.fake
        if self.mode == "login":
            if line == f.password:
                self.mode = "command"
                self.send(PROMPT)
                return
            self.failures += 1
            time.sleep(f.login_delay)
            self.send(wire("Login incorrect\n"))
            if self.failures >= 3:
                self.closed = True
            else:
                self.send(b"Password: ")
        elif self.mode == "define":
            if line != ".":
                self.definition.append(line)
                return
            text = "".join(d + "\n" for d in self.definition)
            with f.lock:
                f.definitions.append(text)
            self.mode = "command"
            head = next((d.strip() for d in self.definition if d.strip().startswith("[")), "")
            name = head[4:-1] if head.startswith("[vm ") and head.endswith("]") else "?"
            if name in f.define_errors:
                self.send(wire("error: Failed to define domain\nerror: %s\n\n"
                               % f.define_errors[name]))
            else:
                self.send(wire("Domain '%s' defined\n\n" % name))
            self.send(PROMPT)
        else:
            self._command(line)

    def _command(self, line):
        f = self.fake
        words = line.split()
        if not words:
            self.send(PROMPT)
            return
        if words[0] in ("quit", "exit"):
            self.closed = True
            return
        if words[0] == "define":
            self.mode = "define"
            self.definition = []
            return
        if words[0] == "console" and len(words) == 2:
            name = words[1]
            if name not in f.domains:
                self.send(wire("error: failed to get domain '%s'\n\n" % name))
                self.send(PROMPT)
                return
            self.guest = name
            self.mode = "attached"
            self.send(wire("Connected to domain '%s'\nEscape character is ^]\n" % name))
            self.send(b"%s: ready\r\n" % name.encode())
            f.attached.set()
            if name == "stopper":
                self.send(b"bye\r\n")
                self._detach()
            elif name == "faker":
                self.send(CRLF + PROMPT)
            return
        if line in f.replies:
            reply = f.replies[line]
            if reply is None:
                return  # never answers: the client's reply timeout
            self.send(wire(reply))
        else:
            self.send(wire("error: unknown command: '%s'\n" % words[0]))
        self.send(PROMPT)

    def _guest_byte(self, b):
        if b == ESCAPE:
            self._detach()
        elif b == 13:
            self.after_cr = True
            line, self.guest_line = bytes(self.guest_line), bytearray()
            self.send(b"echo: " + line.replace(b"\xff", b"\xff\xff") + CRLF)
        else:
            self.guest_line.append(b)

    def _detach(self):
        self.mode = "command"
        self.guest = None
        self.send(CRLF + PROMPT)


def refused_port():
    """A localhost port nobody listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
