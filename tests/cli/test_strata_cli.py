"""Tests of scripts/strata, the host CLI (docs/MANAGEMENT.md).

Run from the repository root: python3 -m unittest discover -s tests/cli -v

The libvirt XML conversion is checked against the vectors in data/ (NAME.xml
with NAME.conf, the expected definition, and NAME.warn, the expected stderr;
or NAME.err, the expected error). The protocol is checked by running the CLI
against fake_console.FakeConsole on 127.0.0.1; nothing leaves the machine.
"""

import importlib.machinery
import importlib.util
import os
import pty
import socket
import subprocess
import sys
import termios
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
CLI = os.path.join(ROOT, "scripts", "strata")

sys.path.insert(0, HERE)
import fake_console  # noqa: E402  (beside this file)


def load_cli():
    loader = importlib.machinery.SourceFileLoader("strata_cli", CLI)
    spec = importlib.util.spec_from_loader("strata_cli", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


strata = load_cli()


def data(name, mode="r"):
    with open(os.path.join(DATA, name), mode) as f:
        return f.read()


def run_cli(*args, env=None, stdin=subprocess.DEVNULL, input=None, timeout=20):
    """Run scripts/strata; returns (status, stdout bytes, stderr bytes)."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("STRATA_PASSWORD", "STRATA_CONNECT")}
    full_env.update(env or {})
    if input is not None:
        stdin = None
    p = subprocess.run([CLI] + list(args), stdin=stdin, input=input, capture_output=True,
                       env=full_env, timeout=timeout, cwd=ROOT)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------- conversion --


class XmlVectors(unittest.TestCase):
    """Every data/NAME.xml against NAME.conf + NAME.warn, or NAME.err."""

    def test_vectors(self):
        names = sorted(f[:-4] for f in os.listdir(DATA) if f.endswith(".xml"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            with self.subTest(name=name):
                xml = data(name + ".xml", "rb")
                source = name + ".xml"
                if os.path.exists(os.path.join(DATA, name + ".err")):
                    with self.assertRaises(strata.StrataError) as cm:
                        strata.convert_domain_xml(xml, source)
                    self.assertEqual(str(cm.exception), data(name + ".err").strip())
                    continue
                text, warnings = strata.convert_domain_xml(xml, source)
                self.assertEqual(text, data(name + ".conf"))
                want = data(name + ".warn") if os.path.exists(
                    os.path.join(DATA, name + ".warn")) else ""
                self.assertEqual("".join("warning: %s\n" % w for w in warnings), want)
                # The result is itself a definition define takes as it is.
                self.assertEqual(strata.load_definition(text.encode(), "x"), (text, []))

    def test_dry_run_prints_the_definition_and_warnings(self):
        status, out, err = run_cli("define", "--dry-run", "tests/cli/data/linux-direct.xml",
                                   env={"STRATA_CONNECT": "127.0.0.1:%d" %
                                        fake_console.refused_port()})
        self.assertEqual(status, 0, err)
        self.assertEqual(out, data("linux-direct.conf", "rb"))
        self.assertEqual(err, data("linux-direct.warn", "rb"))
        self.assertIn(b"warning: ignored: uuid, metadata, resource, os/boot, os/type@machine, "
                      b"features/vmport, cpu, clock/timer (3), on_reboot, on_crash, pm, "
                      b"devices/emulator, devices/disk (2), devices/controller, "
                      b"devices/interface", err)

    def test_dry_run_error_exit_status(self):
        for name in ("err-malformed", "err-xen-pv", "err-no-memory"):
            status, out, err = run_cli("define", "tests/cli/data/%s.xml" % name, "--dry-run")
            self.assertEqual(status, 1)
            self.assertEqual(out, b"")
            self.assertEqual(err.decode(), "error: tests/cli/data/%s.xml: %s" %
                             (name, data(name + ".err").split(": ", 1)[1]))

    def test_memory_units(self):
        # libvirt's virScaleInteger(): default KiB, case-insensitive, xB decimal.
        cases = [
            ("65536", None, 64 << 20), ("65536", "", 64 << 20), ("65536", "KiB", 64 << 20),
            ("65536", "k", 64 << 20), ("65536", "K", 64 << 20), ("65536", "kib", 64 << 20),
            ("64", "M", 64 << 20), ("64", "MiB", 64 << 20), ("64", "m", 64 << 20),
            ("2", "G", 2 << 30), ("2", "GiB", 2 << 30), ("1", "T", 1 << 40),
            ("1", "TiB", 1 << 40), ("4096", "b", 4096), ("4096", "bytes", 4096),
            ("4096", "byte", 4096), ("1000", "KB", 1000000), ("1000", "kb", 1000000),
            ("5", "MB", 5000000), ("3", "GB", 3000000000), ("1", "TB", 10 ** 12),
            (" 12 ", "MiB", 12 << 20),
        ]
        for text, unit, want in cases:
            with self.subTest(text=text, unit=unit):
                self.assertEqual(strata.scale_memory(text, unit, "memory"), want)
        for text, unit in (("64", "MiBs"), ("64", "X"), ("64", "KBB"), ("-1", "M"),
                           ("1.5", "G"), ("", "M"), ("0x40", "M")):
            with self.subTest(text=text, unit=unit):
                self.assertRaises(strata.StrataError, strata.scale_memory, text, unit, "m")

    def test_memory_rounding_and_format(self):
        def conv(mem):
            xml = ("<domain><name>m</name>%s<os><type>hvm</type><kernel>k.elf</kernel>"
                   "</os></domain>" % mem)
            text, warnings = strata.convert_domain_xml(xml, "m.xml")
            return [l for l in text.splitlines() if l.startswith("memory")][0], warnings

        self.assertEqual(conv("<memory unit='GiB'>3</memory>"), ("memory = 3G", []))
        self.assertEqual(conv("<memory unit='MiB'>1536</memory>"), ("memory = 1536M", []))
        self.assertEqual(conv("<memory>1028</memory>"), ("memory = 1028K", []))
        self.assertEqual(conv("<memory unit='T'>1</memory>"), ("memory = 1T", []))
        # 1048577 bytes is 1025 KiB rounded up (libvirt), then 1028 KiB (Strata's 4K).
        line, warnings = conv("<memory unit='b'>1048577</memory>")
        self.assertEqual(line, "memory = 1028K")
        self.assertEqual(warnings, ["memory: 1025 KiB rounded up to 1028 KiB "
                                    "(Strata wants a multiple of 4 KiB)"])
        for mem in ("<memory unit='T'>2</memory>", "<memory unit='KiB'>1020</memory>",
                    "<memory>lots</memory>"):
            with self.subTest(mem=mem):
                self.assertRaises(strata.StrataError, conv, mem)

    def test_currentmemory_ignored_only_when_it_differs(self):
        base = ("<domain><name>c</name><memory unit='MiB'>64</memory>%s<os><type>hvm</type>"
                "<kernel>k.elf</kernel></os></domain>")
        _, w = strata.convert_domain_xml(base % "<currentMemory>65536</currentMemory>")
        self.assertEqual(w, [])
        _, w = strata.convert_domain_xml(base % "<currentMemory>32768</currentMemory>")
        self.assertEqual(w, ["ignored: currentMemory"])

    def test_cpusets(self):
        self.assertEqual(strata.parse_cpuset("0-3,^2,8", "c"), {0, 1, 3, 8})
        self.assertEqual(strata.parse_cpuset(" 1 , 3 - 4 ", "c"), {1, 3, 4})
        self.assertEqual(strata.parse_cpuset("0-7,^2-5", "c"), {0, 1, 6, 7})
        for bad in ("", "a", "3-1", "1,", "256", "^1", "1-2-3"):
            with self.subTest(bad=bad):
                self.assertRaises(strata.StrataError, strata.parse_cpuset, bad, "c")
        self.assertEqual(strata.format_cpus({0, 2, 3, 5, 6, 7, 9}), "0,2-3,5-7,9")
        self.assertEqual(strata.format_cpus({4}), "4")

    def test_vcpupin_with_vcpu_cpuset_for_the_unpinned(self):
        xml = ("<domain><name>p</name><memory unit='M'>64</memory>"
               "<vcpu cpuset='2'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/></cputune>"
               "<os><type>hvm</type><kernel>k.elf</kernel></os></domain>")
        text, warnings = strata.convert_domain_xml(xml)
        self.assertIn("\ncpus = 1-2\n", text)
        self.assertEqual(warnings, [])  # vCPU 0 on 1, vCPU 1 on 2: exactly Strata's pattern
        dup = xml.replace("</cputune>", "<vcpupin vcpu='0' cpuset='3'/></cputune>")
        self.assertRaisesRegex(strata.StrataError, "pinned twice",
                               strata.convert_domain_xml, dup)

    def test_other_errors(self):
        ok = ("<domain><name>e</name><memory>65536</memory><os><type>hvm</type>"
              "<kernel>k.elf</kernel>%s</os></domain>")
        cases = {
            ok.replace("<type>hvm</type>", "<type arch='aarch64'>hvm</type>") % "":
                "arch 'aarch64'",
            ok.replace("<type>hvm</type>", "") % "": "no os/type",
            ok % "<cmdline>a\x7fb</cmdline>": "control character",
            ok % ("<cmdline>%s</cmdline>" % ("x" * 1025)): "longer than 1024 bytes",
            ok % "<initrd>/boot/my initrd</initrd>": "not a Strata initrd path",
            ok.replace("k.elf", "strata.elf") % "": "not a Strata kernel path",
            ok.replace("<name>e</name>", "<name>e</name><name>f</name>") % "":
                "<name> appears twice",
            "<domain><name>x</name><memory>65536</memory></domain>": "no <os>",
            ok.replace("<name>e</name>", "<name>%s</name>" % ("n" * 32)) % "":
                "not a Strata domain name",
        }
        for xml, msg in cases.items():
            with self.subTest(msg=msg):
                with self.assertRaises(strata.StrataError) as cm:
                    strata.convert_domain_xml(xml, "t.xml")
                self.assertIn(msg, str(cm.exception))
                self.assertTrue(str(cm.exception).startswith("t.xml: "))

    def test_wrapped_cmdline(self):
        xml = ("<domain><name>w</name><memory unit='MiB'>256</memory><os><type>hvm</type>"
               "<kernel>bzImage</kernel><cmdline>\n  console=ttyS0\n  quiet\tro\n"
               "</cmdline></os></domain>")
        text, _ = strata.convert_domain_xml(xml)
        self.assertIn('\ncmdline = "console=ttyS0   quiet\tro"\n', text)

    def test_linux_with_little_memory_warns(self):
        xml = ("<domain><name>l</name><memory unit='MiB'>64</memory><os><type>hvm</type>"
               "<kernel>bzImage</kernel><cmdline>console=ttyS0</cmdline></os></domain>")
        text, warnings = strata.convert_domain_xml(xml)
        self.assertIn("\ntype = linux\n", text)
        self.assertEqual(warnings, ["memory: 64M is less than the 128M Strata wants for a "
                                    "Linux guest"])

    def test_path_rule_matches_hostconf(self):
        # tests/unit/test_hostconf.c's bad paths.
        bad = ["", "/abs", "../x", "a/../b", "a/..", "..", "..x", "a/..b", ".", "./x",
               "a/./b", "a/.", "a//b", "a/", "/", "a b", "a:b", "a*", "strata.elf",
               "strata.conf", "\u00e9", "a\\b", "a" * 96]
        good = ["k.elf", "guests/web.elf", "a/b/c+d-e_f.g", ".hidden", "a/.b", "a" * 95]
        for p in bad:
            self.assertFalse(strata.path_ok(p), p)
        for p in good:
            self.assertTrue(strata.path_ok(p), p)


class StrataDefinitions(unittest.TestCase):
    def test_passthrough(self):
        raw = data("strata-definition.conf", "rb")
        self.assertEqual(strata.load_definition(raw, "d"), (raw.decode(), []))
        # A BOM and CR LF line ends are taken; the last line gets its newline.
        crlf = b"\xef\xbb\xbf[vm a]\r\nmemory = 4M\r\nkernel = a.elf"
        self.assertEqual(strata.load_definition(crlf, "d"),
                         ("[vm a]\nmemory = 4M\nkernel = a.elf\n", []))

    def test_refused(self):
        cases = {
            b"[host]\nlog_level = info\n": "neither a libvirt domain XML",
            b"memory = 4M\n": "neither a libvirt domain XML",
            b"[vm a]\nmemory = 4M\n.\nkernel = a.elf\n": "line 3 is a single '.'",
            b"[vm a]\nkernel = a.elf\n[vm b]\nkernel = b.elf\n": "found 2 sections",
            b"[vm a]\ncmdline = " + b"x" * 2100 + b"\n": "line 2 is longer than 2048",
            b"[vm a]\n" + b"# padding padding padding\n" * 200: "at most 4096",
            b"[vm a]\nkernel = \xff.elf\n": "not UTF-8",
        }
        for raw, msg in cases.items():
            with self.subTest(msg=msg):
                with self.assertRaises(strata.StrataError) as cm:
                    strata.load_definition(raw, "d.conf")
                self.assertIn(msg, str(cm.exception))


# --------------------------------------------------------------- protocol --

LIST_ALL = (" Id   Name      State\n"
            "------------------------------\n"
            " 1    web       running\n"
            " -    echo      shut off   \n"
            "\n")

START_ERROR = ("error: Failed to start domain 'web'\n"
               "error: Requested operation is not valid: domain is already active\n"
               "\n")


class Protocol(unittest.TestCase):
    def setUp(self):
        self.fake = fake_console.FakeConsole(replies={
            "list --all": LIST_ALL,
            "list": LIST_ALL.replace(" -    echo      shut off   \n", ""),
            "start web": START_ERROR,
            "dominfo \"my vm\"": "Name:           my vm\n\n",
            "help": b"caf\xc3\xa9 \xff bytes\n\n",  # a raw 0xff: IAC IAC on the wire
            "hang": None,
        }, define_errors={"bad": "memory: expected a size like 64M, got \"lots\""})
        self.fake.start()
        self.addCleanup(self.fake.stop)
        self.env = {"STRATA_PASSWORD": "secret", "STRATA_CONNECT": self.fake.target}

    def cli(self, *args, env=None, **kw):
        e = dict(self.env)
        e.update(env or {})
        return run_cli(*args, env=e, **kw)

    def sent(self, index=0):
        # The server thread may still be reading the last bytes: wait for the close.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if len(self.fake.received) > index and self.fake.received[index].endswith(b"quit\n"):
                break
            time.sleep(0.01)
        return self.fake.received[index]

    def test_list_relayed_byte_exact(self):
        status, out, err = self.cli("list", "--all")
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(out, LIST_ALL.encode())
        self.assertEqual(self.sent(), b"secret\nlist --all\nquit\n")

    def test_password_option_and_connect_option(self):
        status, out, err = run_cli("-c", self.fake.target, "-p", "secret", "list")
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(out, b" Id   Name      State\n------------------------------\n"
                              b" 1    web       running\n\n")

    def test_login_failure(self):
        status, out, err = self.cli("list", env={"STRATA_PASSWORD": "wrong"})
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, b"error: authentication failed\n")
        self.assertEqual(self.fake.received[0], b"wrong\n")

    def test_no_password_configured_on_the_host(self):
        self.fake.password = None
        status, out, err = self.cli("list")
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, ("error: %s: Login refused: no password is configured "
                               "([network] password)\n" % self.fake.target).encode())

    def test_no_password_and_no_terminal(self):
        env = dict(self.env)
        del env["STRATA_PASSWORD"]
        status, out, err = run_cli("list", env=env)
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, b"error: no password: give -p PASSWORD, set STRATA_PASSWORD, "
                              b"or run on a terminal to be asked\n")
        self.assertEqual(self.fake.received, [])  # refused before connecting

    def test_error_lines_go_to_stderr_and_exit_1(self):
        status, out, err = self.cli("start", "web")
        self.assertEqual(status, 1)
        self.assertEqual(err, b"error: Failed to start domain 'web'\nerror: Requested "
                              b"operation is not valid: domain is already active\n")
        self.assertEqual(out, b"\n")
        status, out, err = self.cli("frobnicate")
        self.assertEqual((status, out, err), (1, b"", b"error: unknown command: 'frobnicate'\n"))

    def test_arguments_are_quoted_for_the_console(self):
        status, out, err = self.cli("dominfo", "my vm")
        self.assertEqual((status, out, err), (0, b"Name:           my vm\n\n", b""))
        self.assertEqual(self.sent(), b"secret\ndominfo \"my vm\"\nquit\n")
        self.assertEqual(strata.quote_word('a"b\\c'), '"a\\"b\\\\c"')
        self.assertEqual(strata.quote_word(""), '""')
        self.assertEqual(strata.quote_word("--all"), "--all")

    def test_telnet_iac_and_utf8_relayed(self):
        status, out, err = self.cli("help")
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(out, b"caf\xc3\xa9 \xff bytes\n\n")
        dec = strata.TelnetDecoder()
        self.assertEqual(dec.feed(b"a\xff") + dec.feed(b"\xffb\xff\xfb\x01c\xff"
                                                        b"\xfa\x18\x00\xff\xf0d"), b"a\xffbcd")
        self.assertEqual(strata.telnet_encode(b"\xff\x01"), b"\xff\xff\x01")

    def test_define_strata_definition_sends_the_right_bytes(self):
        status, out, err = self.cli("define", "tests/cli/data/strata-definition.conf")
        self.assertEqual((status, out, err), (0, b"Domain 'echo2' defined\n\n", b""))
        want = data("strata-definition.conf", "rb")
        self.assertEqual(self.sent(), b"secret\ndefine\n" + want + b".\nquit\n")
        self.assertEqual(self.fake.definitions, [want.decode()])

    def test_define_xml_sends_the_conversion(self):
        status, out, err = self.cli("define", "tests/cli/data/vcpupin-exact.xml")
        self.assertEqual((status, out), (0, b"Domain 'db' defined\n\n"))
        self.assertEqual(err, data("vcpupin-exact.warn", "rb"))
        self.assertEqual(self.sent(), b"secret\ndefine\n" + data("vcpupin-exact.conf", "rb") +
                         b".\nquit\n")

    def test_define_from_stdin(self):
        status, out, err = self.cli("define", "-", input=b"[vm fromstdin]\nmemory = 4M\n")
        self.assertEqual((status, out, err), (0, b"Domain 'fromstdin' defined\n\n", b""))

    def test_define_refused_by_the_hypervisor(self):
        status, out, err = self.cli("define", "-", input=b"[vm bad]\nmemory = lots\n")
        self.assertEqual((status, out), (1, b"\n"))
        self.assertEqual(err, b"error: Failed to define domain\n"
                              b"error: memory: expected a size like 64M, got \"lots\"\n")

    def test_define_bad_file_never_connects(self):
        status, out, err = self.cli("define", "tests/cli/data/err-no-name.xml")
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, b"error: tests/cli/data/err-no-name.xml: no <name>\n")
        status, out, err = self.cli("define", "tests/cli/data/missing.xml")
        self.assertEqual(err, b"error: failed to read tests/cli/data/missing.xml: "
                              b"No such file or directory\n")
        self.assertEqual(self.fake.received, [])

    def test_connection_refused(self):
        port = fake_console.refused_port()
        status, out, err = run_cli("-c", "127.0.0.1:%d" % port, "-p", "x", "list")
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, b"error: failed to connect to 127.0.0.1:%d: Connection refused\n"
                         % port)

    def test_bad_target(self):
        status, _, err = run_cli("-c", "host:99999", "-p", "x", "list")
        self.assertEqual((status, err), (1, b"error: bad connection 'host:99999': port 99999 "
                                            b"out of range\n"))
        self.assertEqual(strata.split_target("example.org"), ("example.org", 23))
        self.assertEqual(strata.split_target("[::1]:2323"), ("::1", 2323))

    def test_reply_timeout_before_the_banner(self):
        silent = fake_console.FakeConsole(silent=True)
        with silent:
            target = silent.target
            t = time.monotonic()
            status, out, err = run_cli("-c", silent.target, "-p", "x", "--timeout", "0.5",
                                       "list")
            self.assertLess(time.monotonic() - t, 5)
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, ("error: no reply from %s within 0.5 s (waiting for the banner "
                               "and 'Password: ')\n" % target).encode())

    def test_reply_timeout_after_a_command(self):
        status, out, err = self.cli("--timeout", "0.5", "hang")
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, ("error: no reply from %s within 0.5 s (waiting for the reply "
                               "to 'hang')\n" % self.fake.target).encode())

    def test_connect_timeout(self):
        # A listener whose accept queue is full drops further SYNs (Linux): connect hangs.
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(0)
        self.addCleanup(lst.close)
        port = lst.getsockname()[1]
        fillers = []
        for _ in range(3):
            s = socket.socket()
            s.settimeout(0.3)
            self.addCleanup(s.close)
            try:
                s.connect(("127.0.0.1", port))
                fillers.append(s)
            except OSError:
                break
        else:
            self.skipTest("this kernel accepts connections past the backlog")
        status, out, err = run_cli("-c", "127.0.0.1:%d" % port, "-p", "x",
                                   "--connect-timeout", "0.3", "list")
        self.assertEqual((status, out), (1, b""))
        self.assertEqual(err, b"error: failed to connect to 127.0.0.1:%d: timed out after "
                              b"0.3 s\n" % port)

    def test_not_a_strata_console(self):
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        self.addCleanup(lst.close)

        def serve():
            conn, _ = lst.accept()
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\nPassword: ")
            time.sleep(1)
            conn.close()
        threading.Thread(target=serve, daemon=True).start()
        status, _, err = run_cli("-c", "127.0.0.1:%d" % lst.getsockname()[1], "-p", "x", "list")
        self.assertEqual(status, 1)
        self.assertIn(b"is not a Strata console (it sent 'SSH-2.0-OpenSSH_9.2')", err)

    def test_usage_errors(self):
        status, _, err = self.cli("console")
        self.assertEqual((status, err), (1, b"error: usage: strata console NAME\n"))
        status, _, err = self.cli("define")
        self.assertEqual((status, err), (1, b"error: usage: strata define [--dry-run] FILE\n"))
        status, _, _ = run_cli()
        self.assertEqual(status, 2)

    # -- console --

    def test_console_from_a_pipe(self):
        t = time.monotonic()
        status, out, err = self.cli("console", "echo", input=b"hello\nworld\n")
        self.assertLess(time.monotonic() - t, 8)
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(out, b"Connected to domain 'echo'\nEscape character is ^]\n"
                              b"echo: ready\necho: hello\necho: world\n\n")
        self.assertEqual(self.sent(), b"secret\nconsole echo\nhello\rworld\r\x1dquit\n")

    def test_console_escape_in_the_input_detaches(self):
        status, out, err = self.cli("console", "echo", input=b"one\n\x1dtwo\n")
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(self.sent(), b"secret\nconsole echo\none\r\x1dquit\n")

    def test_console_guest_stops(self):
        t = time.monotonic()
        status, out, err = self.cli("console", "stopper")
        self.assertLess(time.monotonic() - t, 5)
        self.assertEqual((status, err), (0, b""))
        self.assertEqual(out, b"Connected to domain 'stopper'\nEscape character is ^]\n"
                              b"stopper: ready\nbye\n\n")
        # One ^] to make sure the prompt was the hypervisor's (dropped at the prompt).
        self.assertEqual(self.sent(), b"secret\nconsole stopper\n\x1dquit\n")

    def test_console_guest_printing_a_prompt_is_not_a_detach(self):
        # The guest prints "\r\nstrata# " itself; the CLI's ^] then really detaches,
        # so `quit` never reaches the guest.
        proc = subprocess.Popen([CLI, "console", "faker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, **self.env), cwd=ROOT)
        out, err = proc.communicate(timeout=10)
        self.assertEqual((proc.returncode, err), (0, b""))
        self.assertEqual(self.sent(), b"secret\nconsole faker\n\x1dquit\n")
        self.assertTrue(out.startswith(b"Connected to domain 'faker'\n"))

    def test_console_unknown_domain(self):
        status, out, err = self.cli("console", "nope", input=b"")
        self.assertEqual((status, out), (1, b"\n"))
        self.assertEqual(err, b"error: failed to get domain 'nope'\n")

    def test_console_on_a_terminal(self):
        master, slave = pty.openpty()
        self.addCleanup(os.close, master)
        proc = subprocess.Popen([CLI, "console", "echo"], stdin=slave, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=dict(os.environ, **self.env),
                                cwd=ROOT)
        try:
            # Wait for the CLI to put the terminal in raw mode, then type.
            deadline = time.monotonic() + 10
            while termios.tcgetattr(slave)[3] & termios.ICANON:
                self.assertLess(time.monotonic(), deadline, "the terminal never went raw")
                time.sleep(0.02)
            os.write(master, b"hi\r")
            time.sleep(0.2)
            os.write(master, b"\x1d")
            out, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        attrs = termios.tcgetattr(slave)
        os.close(slave)
        self.assertEqual((proc.returncode, err), (0, b""))
        # Raw mode: the guest's bytes as they came (CR LF kept).
        self.assertEqual(out, b"Connected to domain 'echo'\nEscape character is ^]\n"
                              b"echo: ready\r\necho: hi\r\n\r\n")
        self.assertTrue(attrs[3] & termios.ICANON, "the terminal was restored")
        self.assertEqual(self.sent(), b"secret\nconsole echo\nhi\r\x1dquit\n")


if __name__ == "__main__":
    unittest.main()
