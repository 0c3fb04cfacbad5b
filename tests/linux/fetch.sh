#!/bin/sh
# Fetch the Linux guest's kernel and busybox from Debian's packages.
#
#   tests/linux/fetch.sh [OUTDIR]          (default: build/linux)
#
# Leaves in OUTDIR:
#   vmlinuz          the bzImage of linux-image-amd64's kernel package
#   busybox          the static busybox of busybox-static
#   config           that kernel's build configuration (boot/config-*)
#   kernel.txt       "<package> <version> <uname -r>" of that kernel
#   busybox.txt      "busybox-static <version>"
# The .deb files are downloaded into a temporary folder and not kept.
# Nothing is fetched again while vmlinuz and busybox are there and pass the
# checks below; delete them (or the whole OUTDIR) to refetch. Nothing of it
# is ever committed.
#
# The kernel is the one the metapackage linux-image-amd64 depends on at the
# time of the first fetch (apt's candidate). STRATA_LINUX_PKG=linux-image-...
# names another kernel package instead.
set -eu

out=${1:-build/linux}
mkdir -p "$out"
out=$(cd "$out" && pwd)

die() { echo "fetch: $*" >&2; exit 1; }

# check_kernel FILE: a bzImage of a sane size ("HdrS" at 0x202, 4-64 MiB).
check_kernel() {
	[ -f "$1" ] || return 1
	size=$(wc -c <"$1")
	[ "$size" -ge 4000000 ] && [ "$size" -le 67108864 ] || return 1
	magic=$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)
	[ "$magic" = "HdrS" ] || return 1
	# boot sector signature 0x55 0xaa at 0x1fe
	sig=$(od -An -tx1 -j510 -N2 "$1" | tr -d ' \n')
	[ "$sig" = "55aa" ]
}

# check_busybox FILE: a static x86-64 ELF of a sane size that runs.
check_busybox() {
	[ -f "$1" ] || return 1
	size=$(wc -c <"$1")
	[ "$size" -ge 500000 ] && [ "$size" -le 8388608 ] || return 1
	elf=$(od -An -tx1 -N5 "$1" | tr -d ' \n')
	[ "$elf" = "7f454c4602" ] || return 1   # ELF, 64-bit
	"$1" true >/dev/null 2>&1
}

if check_kernel "$out/vmlinuz" && check_busybox "$out/busybox"; then
	echo "fetch: cached: $(cat "$out/kernel.txt" 2>/dev/null), $(cat "$out/busybox.txt" 2>/dev/null)"
	exit 0
fi

# download PKG: apt-get download into $tmp, updating the lists only if needed.
# As root apt cannot hand the download to its sandbox user: say so once, quietly.
apt_opts=""
[ "$(id -u)" -ne 0 ] || apt_opts="-o APT::Sandbox::User=root"
download() {
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q $apt_opts "$1") && return 0
	echo "fetch: download of $1 failed; running apt-get update" >&2
	apt-get update -q >/dev/null || apt-get update
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q $apt_opts "$1")
}

# candidate_dep META: the package META's candidate version depends on.
candidate_dep() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}

pkg=${STRATA_LINUX_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(candidate_dep linux-image-amd64)
	if [ -z "$pkg" ]; then
		echo "fetch: linux-image-amd64 unknown to apt; running apt-get update" >&2
		apt-get update -q >/dev/null || apt-get update
		pkg=$(candidate_dep linux-image-amd64)
	fi
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64's kernel package"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- kernel ---------------------------------------------------------------
if ! check_kernel "$out/vmlinuz"; then
	download "$pkg" || die "cannot download $pkg"
	set -- "$tmp"/"${pkg}"_*.deb
	deb=$1
	# Only boot/ is needed: skip the ~400 MB of modules dpkg-deb -x would write.
	dpkg-deb --fsys-tarfile "$deb" |
		(cd "$tmp" && tar -xf - --wildcards './boot/vmlinuz-*' './boot/config-*') ||
		die "no boot/vmlinuz-* in $deb"
	set -- "$tmp"/boot/vmlinuz-*
	if [ $# -ne 1 ] || [ ! -f "$1" ]; then
		die "expected one boot/vmlinuz-* in $deb"
	fi
	release=${1##*/vmlinuz-}
	check_kernel "$1" || die "$1 is not a sane bzImage"
	cp "$tmp/boot/config-$release" "$out/config"
	cp "$1" "$out/vmlinuz.tmp.$$" && mv "$out/vmlinuz.tmp.$$" "$out/vmlinuz"
	version=$(dpkg-deb -f "$deb" Version)
	echo "$pkg $version $release" >"$out/kernel.txt"
	echo "fetch: kernel $release ($pkg $version), $(wc -c <"$out/vmlinuz") bytes"
fi

# --- busybox --------------------------------------------------------------
if ! check_busybox "$out/busybox"; then
	download busybox-static || die "cannot download busybox-static"
	set -- "$tmp"/busybox-static_*.deb
	deb=$1
	dpkg-deb -x "$deb" "$tmp/bb"
	check_busybox "$tmp/bb/bin/busybox" || die "bin/busybox of $deb is not a sane static busybox"
	cp "$tmp/bb/bin/busybox" "$out/busybox.tmp.$$" && mv "$out/busybox.tmp.$$" "$out/busybox"
	echo "busybox-static $(dpkg-deb -f "$deb" Version)" >"$out/busybox.txt"
	echo "fetch: $(cat "$out/busybox.txt"), $(wc -c <"$out/busybox") bytes"
fi
