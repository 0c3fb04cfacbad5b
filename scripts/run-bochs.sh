#!/bin/sh
# `make run`: boot a Strata ISO under Bochs (emulated VT-x) and show its
# serial console on this terminal until Strata powers off or Ctrl-C.
#
#   scripts/run-bochs.sh ISO [CPUS]
#
# Bochs's own display (the VGA text screen) goes to build/run/bochs.out;
# COM1 is written to build/run/serial.log and followed here. The e1000 is
# on slirp (user-mode networking, DHCP from slirp) with host forwards:
# 127.0.0.1:2323 to the console (port 23), 127.0.0.1:8080 to HTTP (80).
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
pci: enabled=1, chipset=i440fx, slot1=e1000
e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=slirp, script=slirp.conf
RC
cat > "$dir/slirp.conf" <<SLIRP
# slirp config
hostfwd = tcp:127.0.0.1:${STRATA_CONSOLE_PORT:-2323}-:23
hostfwd = tcp:127.0.0.1:${STRATA_HTTP_PORT:-8080}-:80
SLIRP
printf 'c\nquit\n' > "$dir/dbg.rc"

echo "Strata under Bochs ($cpus CPUs): serial log below, Ctrl-C to stop."
echo "Console: telnet 127.0.0.1 ${STRATA_CONSOLE_PORT:-2323}   Web: http://127.0.0.1:${STRATA_HTTP_PORT:-8080}/"
(cd "$dir" && exec bochs -q -f bochsrc -rc dbg.rc < /dev/null > bochs.out 2>&1) &
bochs_pid=$!
trap 'kill -INT $bochs_pid 2>/dev/null; wait $bochs_pid 2>/dev/null; exit 0' INT TERM
tail -n +1 -f "$dir/serial.log" --pid=$bochs_pid
wait $bochs_pid 2>/dev/null || true
