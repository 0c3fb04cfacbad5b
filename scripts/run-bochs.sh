#!/bin/sh
# `make run`: boot a Strata ISO under Bochs (emulated VT-x) and show its
# serial console on this terminal until Strata powers off or Ctrl-C.
#
#   scripts/run-bochs.sh ISO [CPUS]
#
# Bochs's own display (the VGA text screen) goes to build/run/bochs.out;
# COM1 is written to build/run/serial.log and followed here.
set -eu

iso=$(realpath "$1")
cpus=${2:-2}
dir=build/run
mkdir -p "$dir"
: > "$dir/serial.log"
cat > "$dir/bochsrc" <<RC
megs: 256
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
cpu: model=corei7_skylake_x, count=$cpus, ips=50000000, reset_on_triple_fault=0
clock: sync=realtime, time0=local
display_library: term
com1: enabled=1, mode=file, dev=serial.log
log: bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
port_e9_hack: enabled=1
speaker: enabled=0
sound: driver=dummy
RC
printf 'c\nquit\n' > "$dir/dbg.rc"

echo "Strata under Bochs ($cpus CPUs): serial console below, Ctrl-C to stop."
(cd "$dir" && exec bochs -q -f bochsrc -rc dbg.rc < /dev/null > bochs.out 2>&1) &
bochs_pid=$!
trap 'kill -INT $bochs_pid 2>/dev/null; wait $bochs_pid 2>/dev/null; exit 0' INT TERM
tail -n +1 -f "$dir/serial.log" --pid=$bochs_pid
wait $bochs_pid 2>/dev/null || true
