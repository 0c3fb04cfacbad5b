#!/usr/bin/env python3
"""Build the Linux test guest's initramfs: a gzipped newc cpio archive.

Usage: tests/linux/mkinitramfs.py [--busybox build/linux/busybox]
           [--init tests/linux/init.sh] [--out build/linux/initramfs.cpio.gz]
           [--file SRC=/DEST ...]

The archive is written by this script alone (no cpio tool, no root): every
entry has uid/gid 0 and mtime 0, inodes are numbered in order, and gzip's
header carries no name and mtime 0, so the same inputs always give the same
bytes. It holds:

  /bin/busybox           busybox-static's binary (tests/linux/fetch.sh)
  /bin/<applet>          symlinks to busybox for the applets /init uses
  /dev/console, /dev/null, /dev/port  character devices 5:1, 1:3, 1:4
  /proc /sys /tmp        empty mount points
  /init                  tests/linux/init.sh
  extra --file entries   any other file, mode 0755, at /DEST
"""
import argparse
import gzip
import os
import stat
import sys

# Applets /init runs, plus a few for poking around by hand.
APPLETS = [
    "sh", "ash", "awk", "cat", "dd", "echo", "grep", "gzip", "gunzip", "head",
    "ls", "mkdir", "mknod", "mount", "nproc", "poweroff", "printf", "reboot",
    "rm", "seq", "sleep", "true", "uname", "wc", "dmesg", "md5sum",
]


class Cpio:
    """newc ("070701") writer; entries go out in the order they are added."""

    def __init__(self):
        self.out = bytearray()
        self.ino = 0

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        self.ino += 1
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
        self.out += hdr + name_b
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o755):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = -1  # the trailer's inode is 0
        self._entry("TRAILER!!!", 0)
        return bytes(self.out)


def build(busybox, init, extra):
    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp"):
        c.dir(d, 0o1777 if d == "tmp" else 0o755)
    with open(busybox, "rb") as f:
        c.file("bin/busybox", f.read())
    for applet in sorted(APPLETS):
        c.symlink("bin/" + applet, "busybox")
    c.chardev("dev/console", 5, 1, 0o600)
    c.chardev("dev/null", 1, 3, 0o666)
    c.chardev("dev/port", 1, 4, 0o600)
    with open(init, "rb") as f:
        c.file("init", f.read())
    dirs = {"bin", "dev", "proc", "sys", "tmp"}
    for src, dest in extra:
        parts = dest.strip("/").split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in dirs:
                c.dir(d)
                dirs.add(d)
        with open(src, "rb") as f:
            c.file("/".join(parts), f.read())
    return c.finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busybox", default="build/linux/busybox")
    ap.add_argument("--init", default=os.path.join(os.path.dirname(__file__), "init.sh"))
    ap.add_argument("--out", default="build/linux/initramfs.cpio.gz")
    ap.add_argument("--file", action="append", default=[], metavar="SRC=/DEST",
                    help="add a file (mode 0755) at /DEST")
    args = ap.parse_args()
    extra = []
    for spec in args.file:
        src, sep, dest = spec.partition("=")
        if not sep or not dest.startswith("/"):
            ap.error("--file wants SRC=/DEST, got %r" % spec)
        extra.append((src, dest))
    if not os.path.isfile(args.busybox):
        sys.exit("mkinitramfs: no %s: run tests/linux/fetch.sh first" % args.busybox)
    data = gzip.compress(build(args.busybox, args.init, extra), compresslevel=9, mtime=0)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    try:
        with open(args.out, "rb") as f:
            same = f.read() == data
    except FileNotFoundError:
        same = False
    if same:  # leave the file and its mtime alone for make
        print("mkinitramfs: %s up to date, %d bytes" % (args.out, len(data)))
        return
    tmp = "%s.tmp.%d" % (args.out, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print("mkinitramfs: %s, %d bytes" % (args.out, len(data)))


if __name__ == "__main__":
    main()
