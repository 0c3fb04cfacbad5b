#!/bin/sh
# make check: formatting, static analysis, headers that compile alone.
#
#   scripts/check.sh [STAGE...]     stages: format cppcheck tidy headers
#                                   (default: all four, in that order)
#
# Each stage prints its findings, then one status line; the last line is
# "check: N passed, N failed (S s)". Exit status 1 if any stage failed.
#
#   format    clang-format 14 --dry-run --Werror on every tracked .c/.h
#             (.clang-format); `clang-format -i FILE` fixes a finding.
#   cppcheck  the kernel sources (KERNEL_DIRS) with the kernel's -I/-D,
#             the UEFI loader's (EFI_SRCS) with its own.
#   tidy      clang-tidy (.clang-tidy), one file per run, with the exact
#             KERNEL_CFLAGS or EFI_CFLAGS of the Makefile.
#   headers   every header compiles alone, included twice (so its guard
#             works too): <efi.h> users with EFI_CFLAGS, the rest with
#             KERNEL_CFLAGS.
#
# Intended findings are listed in scripts/check-suppressions.txt, one per
# line with the reason; nothing is silenced anywhere else.
set -u
cd "$(dirname "$0")/.."

SUPPRESSIONS=scripts/check-suppressions.txt
JOBS=$(nproc 2>/dev/null || echo 2)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-check.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

START=$(date +%s)
PASSED=0
FAILED=0
FAILED_NAMES=

# status NAME OK|FAIL DETAIL
status() {
	printf 'check: %-10s %-4s  %s\n' "$1" "$2" "$3"
	if [ "$2" = ok ]; then
		PASSED=$((PASSED + 1))
	else
		FAILED=$((FAILED + 1))
		FAILED_NAMES="$FAILED_NAMES $1"
	fi
}

# A variable of the Makefile, as make would hand it to the shell.
make_var() {
	printf 'print-%%:\n\t$(info $($*))@:\n' >"$TMP/print.mk"
	make -s --no-print-directory -f Makefile -f "$TMP/print.mk" "print-$1"
}

# Compiler flags without dependency-file generation, one per line of $2.
flags_to_file() {
	out=$2
	eval "set -- $1"
	: >"$out"
	for a; do
		case $a in
		-MMD | -MP) ;;
		*) printf '%s\n' "$a" >>"$out" ;;
		esac
	done
}

# Run "$@" FILE for each FILE on stdin, $JOBS at a time; each run's output
# goes to $TMP/out/<n>. Returns when all are done.
run_parallel() {
	mkdir -p "$TMP/out"
	rm -f "$TMP/out/"*
	awk -v jobs="$JOBS" -v dir="$TMP" '{ print > (dir "/list." (NR % jobs)) }'
	for list in "$TMP"/list.*; do
		[ -e "$list" ] || continue
		(
			n=0
			while IFS= read -r f; do
				n=$((n + 1))
				"$@" "$f" >"$TMP/out/${list##*.}.$n" 2>&1
			done <"$list"
		) &
	done
	wait
	rm -f "$TMP"/list.*
}

# Suppressions as "tool id file" lines (reasons are mandatory).
load_suppressions() {
	: >"$TMP/supp"
	[ -f "$SUPPRESSIONS" ] || return 0
	grep -v '^[[:space:]]*\(#\|$\)' "$SUPPRESSIONS" | while IFS= read -r line; do
		case $line in
		*'#'?*) ;;
		*)
			echo "check: $SUPPRESSIONS: no reason given: $line" >&2
			echo "bad" >"$TMP/supp.bad"
			;;
		esac
		# shellcheck disable=SC2086
		set -- ${line%%#*}
		if [ $# -ne 3 ]; then
			echo "check: $SUPPRESSIONS: want TOOL ID FILE: $line" >&2
			echo bad >"$TMP/supp.bad"
			continue
		fi
		printf '%s %s %s\n' "$1" "$2" "$3" >>"$TMP/supp"
	done
}

# --------------------------------------------------------------- format --
stage_format() {
	if [ -d .git ] && command -v git >/dev/null; then
		git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build/'
	else
		find . -path ./build -prune -o \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||'
	fi | sort >"$TMP/format.files"
	total=$(wc -l <"$TMP/format.files")

	run_parallel clang-format --dry-run --Werror <"$TMP/format.files"
	cat "$TMP/out/"* 2>/dev/null |
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' |
		sort -u >"$TMP/format.bad"
	bad=$(wc -l <"$TMP/format.bad")
	while IFS= read -r f; do
		n=$(clang-format "$f" | diff "$f" - | grep -c '^<')
		echo "  $f: $n lines differ (clang-format -i $f)"
	done <"$TMP/format.bad"
	if [ "$bad" -eq 0 ]; then
		status format ok "$total files"
	else
		status format FAIL "$bad of $total files need clang-format"
	fi
}

# ------------------------------------------------------------- cppcheck --
# cppcheck 2.10 cannot parse an attribute after a function-pointer
# declarator (`void (*run)(void) __attribute__((noreturn));`), so both runs
# define __attribute__(x) away. What that loses that matters, noreturn, is
# given back through a library file listing every function declared
# __attribute__((noreturn)) in the tree.
noreturn_cfg() {
	# shellcheck disable=SC2086
	find $KERNEL_DIRS boot -name '*.[ch]' 2>/dev/null | xargs awk '
		pending { print pending " " $0; pending = "" }
		/__attribute__\(\(([^)]*, *)?noreturn/ { pending = $0 }' |
		sed -E 's/__attribute__\(\(([^()]|\([^()]*\))*\)\)//g' |
		sed -nE 's/^[^(]*[^A-Za-z0-9_(]([A-Za-z_][A-Za-z0-9_]*)\(.*/\1/p' | sort -u |
		awk 'BEGIN { print "<?xml version=\"1.0\"?>\n<def format=\"2\">" }
		     { print "  <function name=\"" $1 "\"><noreturn>true</noreturn><arg nr=\"variadic\"/></function>" }
		     END { print "</def>" }'
}

# cppcheck FLAGFILE ARGS...: cppcheck with the -I/-D of a flag file (system
# directories left out: cppcheck knows the C library from its std.cfg).
cppcheck_run() {
	flagfile=$1
	shift
	(
		set -f
		IFS='
'
		# shellcheck disable=SC2046
		set -- "$@" $(grep -E '^-(I|D)' "$flagfile") $(cat "$TMP/cppcheck.supp")
		exec cppcheck --quiet --std=c11 --platform=unix64 \
			--enable=warning,portability,performance --error-exitcode=1 \
			-j "$JOBS" "-D__GNUC__=$GCC_MAJOR" -D__x86_64__ '-D__attribute__(x)=' \
			"--library=$TMP/noreturn.cfg" \
			'--template={file}:{line}:{column}: {severity}: {message} [{id}]' "$@"
	)
}

stage_cppcheck() {
	GCC_MAJOR=$(gcc -dumpversion | cut -d. -f1)
	awk '$1 == "cppcheck" { print "--suppress=" $2 ":" $3 }' "$TMP/supp" >"$TMP/cppcheck.supp"
	noreturn_cfg >"$TMP/noreturn.cfg"

	# shellcheck disable=SC2086
	cppcheck_run "$TMP/kernel.flags" $KERNEL_C >"$TMP/cppcheck.out" 2>&1
	rc1=$?
	# shellcheck disable=SC2086
	cppcheck_run "$TMP/efi.flags" -I/usr/include/efi -I/usr/include/efi/x86_64 $EFI_C \
		>>"$TMP/cppcheck.out" 2>&1
	rc2=$?
	sed 's/^/  /' "$TMP/cppcheck.out"
	nk=$(echo $KERNEL_C | wc -w)
	ne=$(echo $EFI_C | wc -w)
	if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && ! [ -s "$TMP/cppcheck.out" ]; then
		status cppcheck ok "kernel $nk files, loader $ne files"
	else
		status cppcheck FAIL "$(grep -c . "$TMP/cppcheck.out") findings"
	fi
}

# ----------------------------------------------------------- clang-tidy --
tidy_one() {
	flags=$1
	file=$2
	# shellcheck disable=SC2046
	(
		set -f
		IFS='
'
		clang-tidy --quiet "$file" -- $(cat "$flags")
	)
	rc=$?
	# Errors are reported as diagnostics too; this catches a crash.
	[ $rc -eq 0 ] || echo "$file:1:1: error: clang-tidy exited with status $rc [clang-tidy-status]"
}

stage_tidy() {
	# GCC options clang does not know (it would stop at them).
	for f in kernel efi; do
		grep -vxE -- '-maccumulate-outgoing-args' "$TMP/$f.flags" >"$TMP/$f.tidy.flags"
	done
	# What clang-tidy says, reduced to "file:line:col: kind: text [check]"
	# relative to the tree, minus the listed suppressions.
	printf '%s\n' $KERNEL_C | run_parallel tidy_one "$TMP/kernel.tidy.flags"
	mv "$TMP/out" "$TMP/tidy.kernel"
	printf '%s\n' $EFI_C | run_parallel tidy_one "$TMP/efi.tidy.flags"
	# A diagnostic may span lines (the padding checker lists a field
	# order); its check name ends the last of them.
	cat "$TMP/tidy.kernel/"* "$TMP/out/"* 2>/dev/null | awk -v pwd="$PWD/" '
		function flush() {
			if (head != "")
				print head " [" check "]"
			head = ""
		}
		/^[^ ]+:[0-9]+:[0-9]+: (warning|error): / {
			flush()
			head = $0
			if (index(head, pwd) == 1)
				head = substr(head, length(pwd) + 1)
			sub(/^\.\//, "", head)
			check = "?"
		}
		head != "" && match($0, / \[[a-z]+-[A-Za-z0-9_.,-]+\]$/) {
			check = substr($0, RSTART + 2, RLENGTH - 3)
			sub(/ \[[a-z]+-[A-Za-z0-9_.,-]+\]$/, "", head)
			flush()
		}
		END { flush() }' | sort -u >"$TMP/tidy.all"
	awk 'FILENAME == ARGV[1] { if ($1 == "clang-tidy") skip[$3 " [" $2 "]"] = 1; next }
	     {
		split($0, a, ":")
		if ((a[1] " " $NF) in skip)
			next
		print
	     }' "$TMP/supp" "$TMP/tidy.all" >"$TMP/tidy.out"
	sed 's/^/  /' "$TMP/tidy.out"
	n=$(grep -c . "$TMP/tidy.out")
	nfiles=$(($(echo $KERNEL_C | wc -w) + $(echo $EFI_C | wc -w)))
	if [ "$n" -eq 0 ]; then
		status clang-tidy ok "$nfiles files"
	else
		status clang-tidy FAIL "$n findings"
	fi
}

# -------------------------------------------------------------- headers --
header_one() {
	flags=$1
	h=$2
	tu=$(mktemp "$TMP/hdr.XXXXXX.c")
	printf '#include "%s"\n#include "%s"\n' "$h" "$h" >"$tu"
	(
		set -f
		IFS='
'
		# shellcheck disable=SC2046
		gcc $(cat "$flags") -fsyntax-only -x c "$tu"
	) || echo "$h: does not compile on its own"
	rm -f "$tu"
}

stage_headers() {
	# shellcheck disable=SC2086
	find $KERNEL_DIRS boot/common boot/efi -name '*.h' 2>/dev/null | sort >"$TMP/hdr.all"
	: >"$TMP/hdr.kernel"
	: >"$TMP/hdr.efi"
	while IFS= read -r h; do
		if grep -q '^[[:space:]]*#[[:space:]]*include[[:space:]]*<efi' "$h"; then
			echo "$h" >>"$TMP/hdr.efi"
		else
			echo "$h" >>"$TMP/hdr.kernel"
		fi
	done <"$TMP/hdr.all"
	run_parallel header_one "$TMP/kernel.flags" <"$TMP/hdr.kernel"
	mv "$TMP/out" "$TMP/hdr.out.kernel"
	run_parallel header_one "$TMP/efi.flags" <"$TMP/hdr.efi"
	cat "$TMP/hdr.out.kernel/"* "$TMP/out/"* 2>/dev/null | sed "s|$TMP/hdr\.[A-Za-z0-9]*\.c|<tu>|" \
		>"$TMP/hdr.out"
	sed 's/^/  /' "$TMP/hdr.out"
	bad=$(grep -c 'does not compile on its own' "$TMP/hdr.out")
	nk=$(wc -l <"$TMP/hdr.kernel")
	ne=$(wc -l <"$TMP/hdr.efi")
	if [ "$bad" -eq 0 ]; then
		status headers ok "$nk kernel, $ne loader headers"
	else
		status headers FAIL "$bad headers do not compile alone"
	fi
}

# ----------------------------------------------------------------- main --
for tool in clang-format cppcheck clang-tidy gcc make; do
	command -v $tool >/dev/null || { echo "check: $tool not installed (scripts/install-deps.sh)" >&2; exit 1; }
done

load_suppressions
if [ -e "$TMP/supp.bad" ]; then
	exit 1
fi

KERNEL_DIRS=$(make_var KERNEL_DIRS)
# net/ sees lwIP's headers (net/lwip/lwip.mk adds them to its files' flags).
kernel_cflags="$(make_var KERNEL_CFLAGS) $(make_var LWIP_INCLUDES)"
efi_cflags=$(make_var EFI_CFLAGS)
if [ -z "$KERNEL_DIRS" ] || [ -z "$kernel_cflags" ] || [ -z "$efi_cflags" ]; then
	echo "check: cannot read KERNEL_DIRS, KERNEL_CFLAGS and EFI_CFLAGS from the Makefile" >&2
	exit 1
fi
flags_to_file "$kernel_cflags" "$TMP/kernel.flags"
flags_to_file "$efi_cflags" "$TMP/efi.flags"
# shellcheck disable=SC2086
KERNEL_C=$(find $KERNEL_DIRS -name '*.c' 2>/dev/null | sort)
EFI_C=$(for f in $(make_var EFI_SRCS); do case $f in *.c) echo "$f" ;; esac; done)

stages=${*:-format cppcheck tidy headers}
for s in $stages; do
	case $s in
	format) stage_format ;;
	cppcheck) stage_cppcheck ;;
	tidy) stage_tidy ;;
	headers) stage_headers ;;
	*) echo "check: unknown stage $s (format cppcheck tidy headers)" >&2; exit 2 ;;
	esac
done

echo "check: $PASSED passed, $FAILED failed ($(($(date +%s) - START)) s)${FAILED_NAMES:+:$FAILED_NAMES}"
[ "$FAILED" -eq 0 ]
