#!/usr/bin/env bash
# Prints the Debian packages that provide the shared libraries `binary` loads, one per line, so the runtime
# image installs exactly those (the build image's package names, hence the same Debian release). Libraries
# no package owns (the project-local prefix's) are printed to stderr; the Dockerfile copies them instead.
set -euo pipefail
binary=$1
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r library; do
  real=$(realpath "$library")
  # With merged /usr, dpkg may have registered the file under /lib or under /usr/lib: ask for both.
  owner=""
  for candidate in "$real" "${real/#\/usr\/lib\//\/lib\/}" "${real/#\/lib\//\/usr\/lib\/}"; do
    owner=$(dpkg-query -S "$candidate" 2>/dev/null) && break
  done
  if [ -n "$owner" ]; then
    echo "${owner%%:*}"
  else
    echo "unpackaged: $library" >&2
  fi
done | sort -u
