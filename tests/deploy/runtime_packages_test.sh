#!/usr/bin/env bash
# deploy/docker/runtime-packages.sh on the real backlint binary: the packages it names are installed ones,
# they include the owner of every system library the binary loads, and only libraries of the project-local
# prefix (.deps, copied into the image) are left unpackaged.
set -euo pipefail
script=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

bash "$script" "$binary" >"$work/packages" 2>"$work/unpackaged" || fail "runtime-packages.sh exited with $?"
[ -s "$work/packages" ] || fail "no package listed"
while read -r package; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
    || fail "listed package '$package' is not an installed package"
done <"$work/packages"

if grep -v '/\.deps/' "$work/unpackaged"; then fail "system libraries left without a package (above)"; fi

# Independently of the script: the owner of librdkafka, as dpkg reports it for the library's real file.
rdkafka=$(ldd "$binary" | awk '$1 ~ /^librdkafka/ { print $3 }')
[ -n "$rdkafka" ] || fail "the binary does not load librdkafka"
owner=$(dpkg-query -S "$(basename "$(realpath "$rdkafka")")" | head -n1 | cut -d: -f1)
grep -qxF "$owner" "$work/packages" || fail "librdkafka's package '$owner' is missing from the list"
echo "$(wc -l <"$work/packages") runtime packages, librdkafka from $owner; unpackaged: $(wc -l <"$work/unpackaged") (.deps)"
