#!/bin/sh
# Run every test guest bare under QEMU (no Strata) and judge what can be
# judged there; see README.md, "Running bare".
#
#   tests/guests/run-bare.sh [GUEST_DIR]     default build/guests
#
# The multiboot guests get the command line "bare", so Strata-specific
# checks print SKIP instead of FAIL. Prints one line per guest and
# "bare: N passed, N failed"; exit status 1 if any failed.
set -u
DIR=${1:-build/guests}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/guests-bare.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
QEMU="qemu-system-x86_64 -display none -monitor none -no-reboot -m 64
	-device isa-debug-exit,iobase=0xf4,iosize=0x04"
PASSED=0
FAILED=0

# judge NAME OK DETAIL
judge() {
	if [ "$2" = yes ]; then
		PASSED=$((PASSED + 1))
		echo "bare: $1 ok ($3)"
	else
		FAILED=$((FAILED + 1))
		echo "bare: $1 FAILED ($3), log:"
		sed 's/^/    /' "$TMP/$1.log"
	fi
}

# run NAME TIMEOUT QEMU-ARGS...: sets RC; the serial log is $TMP/NAME.log
run() {
	name=$1 secs=$2
	shift 2
	timeout "$secs" $QEMU -serial "file:$TMP/$name.log" "$@" </dev/null \
		>/dev/null 2>&1
	RC=$?
}

last_result() {
	grep '^RESULT ' "$TMP/$1.log" | tail -n 1
}

# Guests that must pass: exit code 0 is QEMU status (0 << 1) | 1 = 1.
for g in cpuid portio msr rdtsc vmxon strio spin cpufeat; do
	run $g 60 -kernel "$DIR/$g.elf" -append bare
	ok=no
	[ $RC -eq 1 ] && ! grep -q '^FAIL' "$TMP/$g.log" &&
		last_result $g | grep -Eq '^RESULT passed=[1-9][0-9]* failed=0$' && ok=yes
	judge $g $ok "exit status $RC, $(last_result $g)"
done

# memory: the pattern passes; the past-end read returns bare (FAIL, code 1).
run memory 60 -kernel "$DIR/memory.elf" -append bare
ok=no
[ $RC -eq 3 ] && grep -q '^PASS memory_pattern$' "$TMP/memory.log" &&
	[ "$(grep '^FAIL' "$TMP/memory.log" | cut -d: -f1)" = "FAIL memory_past_end" ] && ok=yes
judge memory $ok "exit status $RC; past-end read returns without Strata"

# hlt: stays halted until the timeout (124) after its RESULT line.
run hlt 3 -kernel "$DIR/hlt.elf" -append bare
ok=no
[ $RC -eq 124 ] && [ "$(last_result hlt)" = "RESULT passed=1 failed=0" ] && ok=yes
judge hlt $ok "exit status $RC, still halted"

# triple: QEMU shuts down on the triple fault with -no-reboot (status 0).
run triple 10 -kernel "$DIR/triple.elf" -append bare
ok=no
[ $RC -eq 0 ] && [ "$(last_result triple)" = "RESULT passed=1 failed=0" ] &&
	! grep -q '^FAIL' "$TMP/triple.log" && ok=yes
judge triple $ok "exit status $RC"

# hello.bin: a copy made a boot sector (padded, 0x55AA) for SeaBIOS.
python3 - "$DIR/hello.bin" "$TMP/hello.img" <<'PY'
import sys
code = open(sys.argv[1], "rb").read()
assert len(code) <= 510, "hello.bin does not fit a boot sector"
open(sys.argv[2], "wb").write(code.ljust(510, b"\0") + b"\x55\xaa")
PY
run hello 10 -drive "format=raw,file=$TMP/hello.img"
ok=no
[ $RC -eq 1 ] && grep -q '^PASS flat$' "$TMP/hello.log" && ok=yes
judge hello $ok "exit status $RC"

echo "bare: $PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ]
