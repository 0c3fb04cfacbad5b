#!/bin/sh
# Stage the strata/ folder shared by the ESP image and the ISO.
#
#   scripts/stage.sh DEST KERNEL CONFIG [CONFFILES_TOOL]
#
# Builds DEST/strata/ with strata.elf (KERNEL), strata.conf (CONFIG) and
# every file the config names. Those names come from CONFFILES_TOOL (the
# host tool build/host/strata-conffiles), which prints one path per line
# relative to the config's folder; while that tool does not exist the
# config alone is staged. DEST/.stamp is touched only when the staged
# content changed, so images are rebuilt exactly when needed.
set -eu

dest=$1
kernel=$2
config=$3
tool=${4:-}

die() { echo "stage: $*" >&2; exit 1; }

[ -f "$kernel" ] || die "kernel $kernel not found"
[ -f "$config" ] || die "config $config not found (set CONFIG=path)"
mkdir -p "$dest"

new=$(mktemp -d "$dest/.strata.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
cp "$kernel" "$new/strata.elf"
cp "$config" "$new/strata.conf"

# A module name becomes a path on FAT and ISO9660, a GRUB module2 argument
# and a boot_module.name (BOOT_MODULE_NAME_LEN = 96 with the NUL): keep it
# to a safe character set, relative, without '..'.
check_name() {
	case $1 in
	"" | /* | */ | *//* | *[!A-Za-z0-9._/+-]*)
		die "$config: bad file name '$1' (use A-Z a-z 0-9 . _ - + /)" ;;
	..* | */..* | strata.elf | strata.conf)
		die "$config: file name '$1' not allowed" ;;
	esac
	[ ${#1} -le 95 ] || die "$config: file name '$1' longer than 95 characters"
}

if [ -n "$tool" ] && [ -x "$tool" ]; then
	confdir=$(dirname "$config")
	list=$new/.files
	"$tool" "$config" >"$list" || die "$tool $config failed"
	while IFS= read -r rel || [ -n "$rel" ]; do
		[ -n "$rel" ] || continue
		check_name "$rel"
		[ -f "$confdir/$rel" ] || die "$config names $rel: $confdir/$rel not found"
		mkdir -p "$new/$(dirname "$rel")"
		cp "$confdir/$rel" "$new/$rel"
	done <"$list"
	rm -f "$list"
fi

if [ -d "$dest/strata" ] && diff -r -q "$dest/strata" "$new" >/dev/null 2>&1; then
	[ -e "$dest/.stamp" ] || touch "$dest/.stamp"
	exit 0
fi
rm -rf "$dest/strata"
mv "$new" "$dest/strata"
chmod 755 "$dest/strata"
touch "$dest/.stamp"
