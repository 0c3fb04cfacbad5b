#!/bin/sh
# /init of Strata's Linux test guest (packed by tests/linux/mkinitramfs.py).
#
# Runs as PID 1 from the initramfs with busybox's ash. Prints one line per
# fact on the console, each starting "LINUX: ", then powers the machine off
# through the kernel (ACPI S5 where ACPI is on). See tests/linux/README.md
# for the markers. Keep the output short: a character on an emulated UART
# costs thousands of instructions under Bochs.
#
# Kernel command line switches read here (the kernel ignores them):
#   strata.workload=1      run the fixed CPU/memory workload
#   strata.loop=N          iterations of its shell loop (default 20000)
#   strata.forks=N         fork/exec of /bin/true in its storm (default 200)
#   strata.bochsmark=1     also write each marker to Bochs's BIOS message
#                          port 0x402 through /dev/port, so that bochs.log
#                          records it with Bochs's tick count (bare Bochs
#                          only: under a hypervisor the port is unhandled)

PATH=/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /tmp

workload=0
loop=20000
forks=200
bochsmark=0
for w in $(cat /proc/cmdline); do
	case $w in
	strata.workload=1) workload=1 ;;
	strata.loop=*) loop=${w#*=} ;;
	strata.forks=*) forks=${w#*=} ;;
	strata.bochsmark=1) bochsmark=1 ;;
	esac
done

# The Bochs BIOS message port logs a line at info level when it sees '\n'.
# /dev/port sends byte k of a write to port OFFSET+k, so write one byte at a time.
bochs_port() {
	[ "$bochsmark" = 1 ] || return 0
	[ -c /dev/port ] || mknod /dev/port c 1 4 2>/dev/null || return 0
	printf '%s\n' "$1" >/tmp/.mark
	k=0
	n=$(wc -c </tmp/.mark)
	while [ "$k" -lt "$n" ]; do
		dd if=/tmp/.mark of=/dev/port bs=1 skip="$k" seek=1026 count=1 conv=notrunc 2>/dev/null
		k=$((k + 1))
	done
}

say() {
	echo "LINUX: $*"
}

# Nanoseconds since boot from the kernel's clocksource (the TSC when
# clocksource=tsc): busybox's date has no %N, /proc/uptime only 10 ms.
now_ns() {
	awk '/^now at/ { print $3; exit }' /proc/timer_list
}

# Timer interrupts handled so far, all CPUs: IRQ0 (PIT/HPET legacy timer)
# plus LOC (local APIC timer). Prints "TOTAL IRQ0 LOC".
timer_counts() {
	awk 'NR == 1 { ncpu = NF; next }
	     $1 == "0:" || $1 == "LOC:" {
		s = 0
		for (i = 2; i <= ncpu + 1; i++) s += $i
		if ($1 == "0:") irq0 = s; else loc = s
	     }
	     END { printf "%d %d %d\n", irq0 + loc, irq0, loc }' /proc/interrupts
}

bochs_port "LINUX: init started"
say "init started"
say "uname=$(uname -r)"
say "nproc=$(nproc)"
say "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
set -- $(timer_counts)
say "timer_irqs=$1"
say "timer_detail=IRQ0:$2,LOC:$3"
say "console=$(cat /sys/class/tty/console/active)"

if [ "$workload" = 1 ]; then
	# The input: 4 MiB of decimal numbers, the same bytes on every run.
	seq 1 1000000 | head -c 4194304 >/tmp/data
	say "workload start loop=$loop forks=$forks"
	bochs_port "LINUX: workload start"
	t0=$(now_ns)
	i=0
	while [ "$i" -lt "$loop" ]; do
		i=$((i + 1))
	done
	t1=$(now_ns)
	gzip -c /tmp/data >/tmp/data.gz
	t2=$(now_ns)
	i=0
	while [ "$i" -lt "$forks" ]; do
		/bin/true
		i=$((i + 1))
	done
	t3=$(now_ns)
	bochs_port "LINUX: workload done"
	say "workload loop_ns=$((t1 - t0)) gzip_ns=$((t2 - t1)) fork_ns=$((t3 - t2)) total_ns=$((t3 - t0))"
	say "workload gzip_bytes=$(wc -c </tmp/data.gz)"
	say "workload done"
	rm -f /tmp/data /tmp/data.gz
fi

# Timer interrupts keep arriving: count again a moment later.
sleep 1
set -- $(timer_counts)
say "timer_irqs_later=$1"

say "powering off"
bochs_port "LINUX: powering off"
poweroff -f
# Not reached unless the power-off failed.
say "poweroff failed"
while :; do sleep 3600; done
