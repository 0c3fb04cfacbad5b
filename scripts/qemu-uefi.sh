#!/bin/sh
# Boot a Strata ESP image under QEMU (TCG) with OVMF: the UEFI path.
#
#   scripts/qemu-uefi.sh IMAGE SERIAL_LOG [extra qemu arguments...]
#
# COM1 goes to SERIAL_LOG; the isa-debug-exit port 0xf4 lets the kernel
# end the run (QEMU exits with (value << 1) | 1). OVMF needs writable
# variable storage: a fresh copy of OVMF_VARS.fd next to SERIAL_LOG per
# run, so boot entries from an earlier run never change this one.
set -eu

image=$1
log=$2
shift 2
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}

vars=$(dirname "$log")/ovmf-vars.fd
cp "$OVMF_VARS" "$vars"
exec qemu-system-x86_64 -accel tcg -m "${QEMU_MEM:-256}" -smp "${QEMU_SMP:-1}" \
	-drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" \
	-drive if=pflash,format=raw,file="$vars" \
	-drive file="$image",format=raw,if=ide \
	-display none -serial file:"$log" -monitor none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
