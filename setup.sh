#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian 12 machine (as root),
# then configures and builds into ./build. Idempotent: a second run only rebuilds.
#   bash setup.sh            install + build
#   bash setup.sh --deps     install only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${BUILD_DIR:-$here/build}"

apt_packages=(
  build-essential cmake ninja-build ccache clang lld pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libboost-filesystem1.81-dev
  libboost-url1.81-dev
  libssl-dev libsqlite3-dev libhowardhinnant-date-dev tzdata
  libphonenumber8 libprotobuf-dev libabsl-dev libicu-dev
  nodejs npm valgrind binutils
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs may come from another origin (nodesource) that bundles npm: accept any working node+npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libphonenumber-dev would pull Boost 1.74 dev packages that conflict with 1.81: take its headers
# and static archive from the .deb without installing it.
third="$build/third_party"
if [[ ! -f "$third/phonenumber/usr/include/phonenumbers/phonenumberutil.h" ]]; then
  mkdir -p "$third/deb"
  # `apt-get download` needs package lists; a fresh image may have none even with everything installed.
  (cd "$third/deb" && { apt-get download libphonenumber-dev >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get download libphonenumber-dev >/dev/null; }; })
  rm -rf "$third/phonenumber" && mkdir -p "$third/phonenumber"
  dpkg-deb -x "$third"/deb/libphonenumber-dev_*.deb "$third/phonenumber"
fi

# ajv validates sandbox responses against Kombo's OpenAPI document (JSON Schema 2020-12).
if [[ ! -d "$third/node/node_modules/ajv" ]]; then
  mkdir -p "$third/node"
  (cd "$third/node" && npm install --silent --no-audit --no-fund ajv@8 ajv-formats@3 >/dev/null)
fi

[[ "${1:-}" == "--deps" ]] && exit 0

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build" -j "$(nproc)"
