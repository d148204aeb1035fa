#!/usr/bin/env bash
# Installs everything backlint needs to build and test on a fresh Debian 12 (bookworm) machine.
# Run as root. Idempotent: bookworm packages through apt; prometheus-cpp (trixie), lexbor (sid) and
# ada (built from sid's source package) go into a project-local prefix (.deps/, ignored by git) whose
# downloads are cached, so a second run is offline and takes seconds.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${BACKLINT_DEPS:-$repo/.deps}
cache=$prefix/cache
stamp=$prefix/.complete-v1

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
trap 'fail "command failed at line $LINENO: $BASH_COMMAND"' ERR

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs Debian packages with apt-get)"
grep -q '^12' /etc/debian_version 2>/dev/null || say "warning: not Debian 12 ($(cat /etc/debian_version 2>/dev/null || echo unknown)); continuing"

bookworm_packages=(
  build-essential cmake pkg-config git curl ca-certificates dpkg-dev xz-utils
  librdkafka-dev libsimdjson-dev libprotobuf-dev protobuf-compiler
  libpsl-dev publicsuffix libcivetweb-dev civetweb libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev libzstd-dev liblz4-dev libssl-dev libcurl4-openssl-dev
  libcli11-dev libspdlog-dev libfmt-dev libre2-dev libxxhash-dev
  kcat prometheus
)

missing=()
for p in "${bookworm_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing from bookworm: ${missing[*]}"
  apt-get update -qq || fail "apt-get update failed (is Debian's archive reachable?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || fail "apt-get install failed for: ${missing[*]}"
else
  say "bookworm packages already installed"
fi

if [ -f "$stamp" ]; then
  say "prefix $prefix is complete (delete $stamp to rebuild)"
  exit 0
fi

# A private apt configuration for trixie and sid: its own lists and cache, the system's untouched.
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$cache/debs" "$cache/src"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt_dir/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main
deb [signed-by=$keyring] http://deb.debian.org/debian sid main
deb-src [signed-by=$keyring] http://deb.debian.org/debian sid main
SOURCES
private_apt=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o APT::Get::List-Cleanup=false
             -o APT::Sandbox::User=root)

need_lists() { [ -z "$(ls "$apt_dir/lists" 2>/dev/null | grep -v partial)" ]; }

# name=suite/minimum-version: each binary package we take from a newer suite.
binary_debs=(
  prometheus-cpp-dev=trixie/1.0.2 libprometheus-cpp-core1.0=trixie/1.0.2
  libprometheus-cpp-pull1.0=trixie/1.0.2 libprometheus-cpp-push1.0=trixie/1.0.2
  liblexbor-dev=sid/2.4.0 liblexbor3=sid/2.4.0
)
download_needed=0
for entry in "${binary_debs[@]}"; do
  name=${entry%%=*}
  ls "$cache/debs/${name}_"*.deb >/dev/null 2>&1 || download_needed=1
done
ls "$cache/src/"ada-url_*.orig.tar.* >/dev/null 2>&1 || download_needed=1

if [ $download_needed -eq 1 ] && need_lists; then
  say "fetching trixie and sid package lists into $apt_dir"
  apt-get "${private_apt[@]}" update -qq || fail "apt-get update with the private trixie/sid sources failed"
fi

for entry in "${binary_debs[@]}"; do
  name=${entry%%=*}; rest=${entry#*=}; suite=${rest%%/*}; minimum=${rest#*/}
  if ! ls "$cache/debs/${name}_"*.deb >/dev/null 2>&1; then
    version=$(apt-cache "${private_apt[@]}" madison "$name" | awk -v s="$suite" '$0 ~ s {print $3; exit}')
    [ -n "$version" ] || fail "package $name not found in Debian $suite"
    dpkg --compare-versions "$version" ge "$minimum" \
      || fail "package $name in $suite is $version; backlint needs >= $minimum"
    say "downloading $name $version ($suite)"
    (cd "$cache/debs" && apt-get "${private_apt[@]}" download "$name=$version" >/dev/null) \
      || fail "apt-get download $name=$version failed"
  fi
done

say "extracting prometheus-cpp and lexbor into $prefix"
for deb in "$cache/debs/"*.deb; do dpkg -x "$deb" "$prefix"; done

if ! ls "$cache/src/"ada-url_*.orig.tar.* >/dev/null 2>&1; then
  say "downloading ada-url source package (sid)"
  (cd "$cache/src" && apt-get "${private_apt[@]}" source --download-only ada-url >/dev/null) \
    || fail "apt-get source --download-only ada-url failed"
fi
ada_tarball=$(ls "$cache/src/"ada-url_*.orig.tar.* | head -n1)
ada_version=$(basename "$ada_tarball" | sed -E 's/^ada-url_([0-9.]+)\.orig.*/\1/')
dpkg --compare-versions "$ada_version" ge 2.7.0 || fail "ada-url $ada_version is older than 2.7.0"
ada_build=$cache/ada-build
rm -rf "$ada_build" && mkdir -p "$ada_build/src"
tar -xf "$ada_tarball" -C "$ada_build/src" --strip-components=1
say "building ada $ada_version"
cmake -S "$ada_build/src" -B "$ada_build/out" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix/usr" \
  -DADA_TESTING=OFF -DADA_TOOLS=OFF -DADA_BENCHMARKS=OFF -DBUILD_TESTING=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  >"$ada_build/configure.log" 2>&1 || fail "configuring ada failed; see $ada_build/configure.log"
cmake --build "$ada_build/out" -j"$(nproc)" >"$ada_build/build.log" 2>&1 || fail "building ada failed; see $ada_build/build.log"
cmake --install "$ada_build/out" >"$ada_build/install.log" 2>&1 || fail "installing ada failed; see $ada_build/install.log"
rm -rf "$ada_build"

for config in prometheus-cpp/prometheus-cpp-config.cmake lexbor/lexbor-config.cmake ada/ada-config.cmake; do
  found=$(find "$prefix/usr" -path "*cmake/$config" -o -path "*cmake/${config,,}" | head -n1)
  [ -n "$found" ] || say "warning: $config not found under $prefix/usr (find_package may fail)"
done
touch "$stamp"
say "done: configure with -DCMAKE_PREFIX_PATH=$prefix/usr"
