"""Raw Ethernet, ARP, IPv4 and ICMP frames for the ping test.

QEMU's `-netdev socket,udp=...` carries the NIC's frames as UDP
datagrams: the test is the other host on that wire, so it can ping
Strata from the host without a tap device or privileges.
"""
import socket
import struct
import time

BROADCAST = b"\xff" * 6


def checksum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(a):
    return socket.inet_aton(a)


def arp_request(src_mac, src_ip, target_ip):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src_mac, ip4(src_ip),
                       b"\0" * 6, ip4(target_ip))
    return BROADCAST + src_mac + b"\x08\x06" + body


def parse_arp_reply(frame, target_ip):
    """The sender MAC of an ARP reply from target_ip, or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x06":
        return None
    op, sha, spa = struct.unpack("!6xH6s4s", frame[14:32])
    if op != 2 or spa != ip4(target_ip):
        return None
    return sha


def echo_request(src_mac, dst_mac, src_ip, dst_ip, ident, seq, payload):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0x1234, 0, 64, 1, 0,
                      ip4(src_ip), ip4(dst_ip))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return dst_mac + src_mac + b"\x08\x00" + hdr + icmp


def parse_echo_reply(frame, src_ip):
    """(ident, seq, payload) of an ICMP echo reply from src_ip with valid checksums."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0xf) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != 1 or ip[12:16] != ip4(src_ip) or checksum(ip[:ihl]) != 0:
        return None
    icmp = ip[ihl:total]
    if len(icmp) < 8 or icmp[0] != 0 or checksum(icmp) != 0:
        return None
    ident, seq = struct.unpack("!HH", icmp[4:8])
    return ident, seq, icmp[8:]


class Wire:
    """One end of QEMU's UDP Ethernet: send frames to QEMU, receive its frames."""

    def __init__(self, my_port, qemu_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", my_port))
        self.peer = ("127.0.0.1", qemu_port)

    def send(self, frame):
        self.sock.sendto(frame, self.peer)

    def receive(self, accept, timeout):
        """The first frame for which accept(frame) is not None, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                frame, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            got = accept(frame)
            if got is not None:
                return got

    def close(self):
        self.sock.close()
