#!/bin/sh
# Fetch lwIP 2.1.3 from Debian's source package and unpack it, Debian's
# patches applied, for the kernel build. Nothing of it is committed.
#
#   scripts/fetch-lwip.sh OUTDIR      (the Makefile uses build/lwip)
#
# Leaves OUTDIR/src (the unpacked tree) and OUTDIR/.ok. The .dsc is
# checked against the SHA-256 pinned below, and dpkg-source checks the
# tarballs against the .dsc, so a changed or corrupted download stops
# the build instead of compiling unknown code.
set -eu

VERSION=2.1.3+dfsg1-2
DSC=lwip_$VERSION.dsc
DSC_SHA256=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50

out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -f "$out/.ok" ] && exit 0

dl=$out/download
rm -rf "$out/src" "$dl"
mkdir -p "$dl/lists/partial"

# A private sources list with the deb-src twin of the system's Debian
# archive: the system's apt configuration is left alone.
uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(http[^ ]*\) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$uri" ] || uri=http://deb.debian.org/debian
echo "deb-src $uri bookworm main" >"$dl/sources.list"
apt_opts="-q -o Dir::Etc::sourcelist=$dl/sources.list -o Dir::Etc::sourceparts=-
-o Dir::State::Lists=$dl/lists"
[ "$(id -u)" -ne 0 ] || apt_opts="$apt_opts -o APT::Sandbox::User=root"

echo "fetch-lwip: lwip $VERSION from $uri"
# shellcheck disable=SC2086
apt-get $apt_opts update >"$dl/apt.log" 2>&1 || { cat "$dl/apt.log"; exit 1; }
# shellcheck disable=SC2086
(cd "$dl" && apt-get $apt_opts source --download-only "lwip=$VERSION") >>"$dl/apt.log" 2>&1 ||
	{ cat "$dl/apt.log"; exit 1; }

echo "$DSC_SHA256  $dl/$DSC" | sha256sum -c --quiet - ||
	{ echo "fetch-lwip: $DSC does not match its pinned SHA-256" >&2; exit 1; }
dpkg-source --require-strong-checksums -x "$dl/$DSC" "$out/src" >>"$dl/apt.log" 2>&1 ||
	{ cat "$dl/apt.log"; exit 1; }
rm -rf "$dl" "$out"/lwip_*
touch "$out/.ok"
