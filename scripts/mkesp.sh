#!/bin/sh
# Pack a staged ESP tree into a GPT disk image holding one EFI System
# Partition, with sfdisk and mtools (no root, no loop device, no mount).
#
#   scripts/mkesp.sh TREE IMAGE
#
# TREE holds EFI/BOOT/BOOTX64.EFI and strata/. `dd if=IMAGE of=/dev/sdX`
# makes a USB stick that UEFI firmware boots through its removable-media
# path \EFI\BOOT\BOOTX64.EFI (UEFI 2.10 section 3.5.1.1); emulators boot
# the image as an IDE disk.
#
# Layout, in 512-byte sectors (UEFI 2.10 section 5.3):
#   LBA 0              protective MBR (one 0xEE partition over the disk)
#   LBA 1..33          primary GPT header and 128 partition entries
#   LBA 2048..         the ESP (type C12A7328-F81F-11D2-BA4B-00A0C93EC93B),
#                      a FAT file system, 1 MiB aligned
#   last 33 LBAs       backup GPT entries and header
# The disk is a whole number of 16-head, 63-sector cylinders: Bochs
# derives a CHS geometry from the image size and would not show the
# sectors past the last whole cylinder, the backup GPT among them.
#
# FAT size: the content plus a quarter and 8 MiB, at least 32 MiB. Up to
# 512 MiB it is FAT16 (UEFI requires FAT12/16/32 on removable media,
# section 13.3.1.1); from there on FAT32, as FAT16 clusters grow large.
# Disk and partition GUIDs and the FAT serial number are derived from the
# content, so an image is reproducible and two different builds differ.
set -eu

tree=$1
image=$2
MIN_MIB=32
FAT32_MIB=512
SECTOR=512
PART_START=2048    # LBA: 1 MiB, the usual alignment
GPT_TAIL=33        # backup GPT: 32 sectors of entries and the header
CYLINDER=$((16 * 63))
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B

die() { echo "mkesp: $*" >&2; exit 1; }

[ -f "$tree/EFI/BOOT/BOOTX64.EFI" ] || die "no loader in $tree"
for tool in sfdisk mformat mcopy sha256sum; do
	command -v $tool >/dev/null || die "$tool not found (scripts/install-deps.sh)"
done

kib=$(du -sk "$tree" | cut -f1)
mib=$(( (kib * 5 / 4 + 1023) / 1024 + 8 ))
[ "$mib" -ge "$MIN_MIB" ] || mib=$MIN_MIB
fat=FAT16
fat32=
if [ "$mib" -ge "$FAT32_MIB" ]; then
	fat=FAT32
	fat32=-F
fi
part_sectors=$((mib * 1024 * 1024 / SECTOR))
disk_sectors=$((PART_START + part_sectors + GPT_TAIL))
disk_sectors=$(( (disk_sectors + CYLINDER - 1) / CYLINDER * CYLINDER ))

# Content hash -> two RFC 4122 GUIDs (version 4 bits set) and a serial.
hash=$(cd "$tree" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
	printf '%s\n' "$f"
	sha256sum <"$f"
done | sha256sum | cut -c1-64)
guid() {
	h=$(printf '%s' "$hash" | cut -c"$1"-"$(($1 + 31))")
	printf '%s-%s-4%s-8%s-%s' "$(echo "$h" | cut -c1-8)" "$(echo "$h" | cut -c9-12)" \
		"$(echo "$h" | cut -c14-16)" "$(echo "$h" | cut -c18-20)" "$(echo "$h" | cut -c21-32)"
}
serial=$(printf '%s' "$hash" | cut -c57-64)

tmp=$image.tmp
rm -f "$tmp"
trap 'rm -f "$tmp"' EXIT
truncate -s $((disk_sectors * SECTOR)) "$tmp"

sfdisk --quiet --no-reread --no-tell-kernel "$tmp" >/dev/null <<EOF || die "sfdisk failed"
label: gpt
label-id: $(guid 1)
unit: sectors
first-lba: $PART_START
start=$PART_START, size=$part_sectors, type=$ESP_TYPE, uuid=$(guid 33), name="EFI System Partition"
EOF

# mtools reaches the partition through the @@offset image suffix. -H
# records the partition start in the BPB (hidden sectors), as a
# partitioning tool would.
export MTOOLS_SKIP_CHECK=1
fs="$tmp@@$((PART_START * SECTOR))"
mformat -i "$fs" $fat32 -T "$part_sectors" -H "$PART_START" -h 16 -s 63 \
	-v STRATA -N "$serial" :: || die "mformat failed"
mcopy -i "$fs" -s -m -Q "$tree/EFI" "$tree/strata" ::/ || die "mcopy failed"

mv "$tmp" "$image"
trap - EXIT
echo "mkesp: $image ($((disk_sectors * SECTOR / 1024 / 1024)) MiB GPT disk, ${mib} MiB $fat ESP)"
