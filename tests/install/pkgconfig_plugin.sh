#!/usr/bin/env bash
# A plugin author's path without CMake: examples/hello_provider_c built by its Makefile with
# nothing but `pkg-config ats-plugin` from the installed prefix, installed with `make install`
# into the folder pkg-config names, and loaded by the installed host (in process and in a worker).
#   pkgconfig_plugin.sh SOURCE_DIR PREFIX WORK_DIR C_COMPILER
set -euo pipefail
source "$(dirname "$0")/common.sh"
src=$1 prefix=$2 work=$3 cc=$4

rm -rf "$work" && mkdir -p "$work"
cp -r "$src/examples/hello_provider_c" "$work/src"
# Only the prefix's .pc files: the build must not find anything of the machine's.
export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH=
[[ $(pkg-config --variable=pluginsdir ats-plugin) -ef "$prefix/lib/ats-host/plugins" ]] \
  || fail "pkg-config pluginsdir is $(pkg-config --variable=pluginsdir ats-plugin)"
abi=$(sed -n 's/^#define ATS_ABI_VERSION_\(MAJOR\|MINOR\) \([0-9]*\).*/\2/p' "$prefix/include/ats/ats_plugin.h" | paste -sd.)
[[ $(pkg-config --modversion ats-plugin) == "$abi" ]] || fail "pkg-config version $(pkg-config --modversion ats-plugin), header ABI $abi"
make -C "$work/src" CC="$cc" CFLAGS="-O1 -Werror" > "$work/make.log" 2>&1 || { cat "$work/make.log"; fail "make"; }
so=$work/src/libhello_c.so
expect_file "$so"
expect_only_entry_exported "$so"
make -C "$work/src" install DESTDIR="$work/destdir" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install"; }
plugins=$(find "$work/destdir" -name libhello_c.so -printf '%h\n')
[[ "$plugins" -ef "$work/destdir$prefix/lib/ats-host/plugins" ]] || fail "make install put it in '$plugins'"

write_manifest "$work/manifests" hello-c hello_c '{}'
host() { (cd "$work" && env -u ATS_PLUGIN_WORKER "$prefix/bin/ats-host" --plugins "$plugins" --manifests manifests --data-dir var "$@"); }
out=$(host providers)
expect_contains "$out" "hello_c - Hello (C example) 1.0.0" "providers"
for isolation in in_process process; do
  out=$(host --isolation $isolation call --tenant hello-c check)
  expect_contains "$out" '"language":"C","tenant":"hello-c"' "check ($isolation)"
  out=$(host --isolation $isolation call --tenant hello-c jobs.stream)
  [[ $(printf '%s\n' "$out" | grep -c '"id":"hello-c-') == 3 ]] || fail "jobs.stream ($isolation): expected 3 jobs, got: $out"
done
echo "ok: libhello_c.so built with pkg-config ats-plugin from $prefix and served by the installed host"
