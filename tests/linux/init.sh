#!/bin/sh
# /init of Strata's Linux test guest (packed by tests/linux/mkinitramfs.py).
#
# Runs as PID 1 from the initramfs with busybox's ash. Prints one line per
# fact on the console, each starting "LINUX: ", then powers the machine off
# through the kernel (ACPI S5 where ACPI is on). tests/linux/README.md lists
# the markers. Keep the output short: a character on an emulated UART costs
# thousands of instructions under Bochs.
#
# Kernel command line switches (the kernel leaves them to /init):
#   strata.workload=1    run the fixed CPU/memory workload
#   strata.loop=N        iterations of its shell loop (default 30000)
#   strata.forks=N       fork+exec of /bin/true in its storm (default 500)
#   strata_bochsmark=1   (no dot: the kernel hands it to /init as an
#                        environment variable) also mark moments in Bochs's
#                        log: see bochs_mark below. Bare Bochs only: under a
#                        hypervisor port 0x402 is not Bochs's.

# Word splitting of $(...) is wanted throughout.
# shellcheck disable=SC2013,SC2046

PATH=/bin
export PATH

# Bochs's BIOS message port 0x402 logs what it was sent, at info level with
# the current tick, each time it gets '\n'. The mark is one newline (so the
# log line is empty and marks are told apart by their order): one fork+exec
# of dd, as /dev/port has no other user-space client here. Marks, in order:
# init started, [workload start, workload done,] powering off.
bochs_mark() {
	[ "${strata_bochsmark:-}" = 1 ] || return 0
	dd if=/tmp/.nl of=/dev/port bs=1 seek=1026 count=1 2>/dev/null
}
if [ "${strata_bochsmark:-}" = 1 ]; then
	printf '\n' >/tmp/.nl
	bochs_mark
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# From here on the console shows kernel messages of level KERN_ERR and
# worse only: info lines printed while a marker is half out would split it.
echo 4 >/proc/sys/kernel/printk

workload=0
loop=30000
forks=500
for w in $(cat /proc/cmdline); do
	case $w in
	strata.workload=1) workload=1 ;;
	strata.loop=*) loop=${w#*=} ;;
	strata.forks=*) forks=${w#*=} ;;
	esac
done

say() {
	echo "LINUX: $*"
}

# Nanoseconds since boot from the kernel's clocksource (the TSC when
# clocksource=tsc): busybox's date has no %N, /proc/uptime only 10 ms.
now_ns() {
	awk '/^now at/ { print $3; exit }' /proc/timer_list
}

# Timer interrupts handled so far, all CPUs: IRQ0 (PIT/HPET legacy timer)
# plus LOC (local APIC timers). Prints "TOTAL IRQ0 LOC".
timer_counts() {
	awk 'NR == 1 { ncpu = NF; next }
	     $1 == "0:" || $1 == "LOC:" {
		s = 0
		for (i = 2; i <= ncpu + 1; i++) s += $i
		if ($1 == "0:") irq0 = s; else loc = s
	     }
	     END { printf "%d %d %d\n", irq0 + loc, irq0, loc }' /proc/interrupts
}

say "init started"
say "uname=$(uname -r)"
say "nproc=$(nproc)"
say "console=$(cat /sys/class/tty/console/active)"
set -- $(timer_counts)
say "timer_irqs=$1"
say "timer_detail=IRQ0:$2,LOC:$3"

if [ "$workload" = 1 ]; then
	# The input: 4 MiB, the same bytes on every run: 8 copies of 512 KiB of
	# decimal numbers (gzip's 32 KiB window never reaches the previous copy,
	# so it works as hard as on 4 MiB of fresh numbers; seq is slow here).
	seq 1 100000 | head -c 524288 >/tmp/part
	cat /tmp/part /tmp/part /tmp/part /tmp/part /tmp/part /tmp/part /tmp/part /tmp/part >/tmp/data
	rm -f /tmp/part
	say "workload start loop=$loop forks=$forks"
	set -- $(timer_counts)
	irqs0=$1
	bochs_mark
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
	bochs_mark
	set -- $(timer_counts)
	say "workload loop_ns=$((t1 - t0)) gzip_ns=$((t2 - t1)) fork_ns=$((t3 - t2)) total_ns=$((t3 - t0))"
	say "workload timer_irqs=$(($1 - irqs0))"
	say "workload gzip_bytes=$(wc -c </tmp/data.gz)"
	# The TSC frequency the kernel converts with: ns * MHz / 1000 = TSC ticks.
	say "workload tsc_mhz=$(dmesg | awk '/ tsc: / {
		for (i = 1; i < NF; i++) if ($(i + 1) == "MHz") v = $i
		if (/Refined TSC/) r = v; else if (/MHz TSC/) t = v; else if (/MHz processor/) p = v
	} END { print r ? r : t ? t : p }')"
	say "workload done"
	rm -f /tmp/data /tmp/data.gz
fi

# The TSC starts as "tsc-early" and becomes "tsc" once the kernel has
# refined its calibration, about a second after the clocksource initcall:
# wait for that (at most ~5 s) before reporting the clocksource.
sleep 1
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
n=0
while [ "$(cat $cs)" = tsc-early ] && [ "$n" -lt 20 ]; do
	sleep 0.2
	n=$((n + 1))
done
say "clocksource=$(cat $cs)"
# Timer interrupts keep arriving: count again.
set -- $(timer_counts)
say "timer_irqs_later=$1"

say "powering off"
bochs_mark
# Let the UART send the line before the kernel's "reboot: Power down".
sleep 0.2
poweroff -f
# Not reached unless the power-off failed.
say "poweroff failed"
while :; do sleep 3600; done
