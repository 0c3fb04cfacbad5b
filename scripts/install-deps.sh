#!/bin/sh
# Install the Debian packages Strata needs to build and test. Idempotent:
# packages already present are skipped, so `make` can call this every time.
set -eu

PACKAGES="build-essential gnu-efi grub-common grub-pc-bin grub-efi-amd64-bin
xorriso mtools dosfstools fdisk qemu-system-x86 ovmf bochs bochs-term bochsbios
vgabios libcmocka-dev clang libclang-rt-14-dev cppcheck clang-tidy
clang-format python3 dpkg-dev xz-utils iperf chromium chromium-driver python3-prometheus-client"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || $SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
