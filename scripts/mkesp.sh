#!/bin/sh
# Pack a staged ESP tree into a FAT image with mtools (no root, no loop).
#
#   scripts/mkesp.sh TREE IMAGE
#
# TREE holds EFI/BOOT/BOOTX64.EFI and strata/. The image is a "super
# floppy" (FAT file system without a partition table), which UEFI accepts
# on removable media and OVMF and Bochs+OVMF boot from an IDE disk. Size:
# the content plus a quarter and 8 MiB, at least 32 MiB (FAT16 from
# mformat); from 512 MiB on it is FAT32, as FAT16 clusters grow large.
set -eu

tree=$1
image=$2
MIN_MIB=32
FAT32_MIB=512

[ -f "$tree/EFI/BOOT/BOOTX64.EFI" ] || { echo "mkesp: no loader in $tree" >&2; exit 1; }

kib=$(du -sk "$tree" | cut -f1)
mib=$(( (kib * 5 / 4 + 1023) / 1024 + 8 ))
[ "$mib" -ge "$MIN_MIB" ] || mib=$MIN_MIB
fat32=
[ "$mib" -lt "$FAT32_MIB" ] || fat32=-F

export MTOOLS_SKIP_CHECK=1
tmp=$image.tmp
rm -f "$tmp"
truncate -s "${mib}M" "$tmp"
# A fixed serial number keeps the image reproducible.
mformat -i "$tmp" $fat32 -v STRATA -N 5354524d ::
mcopy -i "$tmp" -s -m -Q "$tree/EFI" "$tree/strata" ::/
mv "$tmp" "$image"
echo "mkesp: $image (${mib} MiB${fat32:+, FAT32})"
