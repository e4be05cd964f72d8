#!/usr/bin/env bash
# `cmake --install` into a fresh temporary prefix (the fixture of the other install tests), then
# checks the layout and that the installed host runs from there on its own: it finds its plugins
# (lib/ats-host/plugins) and its worker (bin/, next to it) relative to its executable, and no
# binary points back into the build tree.
#   install_prefix.sh BUILD_DIR PREFIX
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=$1 prefix=$2

rm -rf "$prefix" && mkdir -p "$(dirname "$prefix")"
cmake --install "$build" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; fail "cmake --install"; }

for f in bin/ats-host bin/ats-plugin-worker bin/ats-sandbox \
         lib/ats-host/plugins/libtracker.so lib/ats-host/plugins/libtracker_workable.so \
         include/ats/ats_plugin.h include/ats/ats_operations.h include/ats/ats_plugin.hpp \
         lib/cmake/AtsPluginSDK/AtsPluginSDKConfig.cmake lib/cmake/AtsPluginSDK/AtsPluginSDKConfigVersion.cmake \
         lib/cmake/AtsPluginSDK/AtsPluginSDKTargets.cmake lib/cmake/AtsPluginSDK/AtsPlugin.cmake \
         lib/pkgconfig/ats-plugin.pc share/ats-host/ats_plugin.map \
         share/ats-host/schema/tenant-manifest.schema.json share/ats-host/schema/job.schema.json \
         lib/systemd/system/ats-host.service lib/sysusers.d/ats-host.conf \
         share/doc/ats-host/examples/ats-host.env share/doc/ats-host/README.md; do
  expect_file "$prefix/$f"
done
[[ -x "$prefix/bin/ats-host" && -x "$prefix/bin/ats-plugin-worker" ]] || fail "installed binaries are not executable"
expect_contains "$("$prefix/bin/ats-sandbox" --help 2>&1)" "Usage: ats-sandbox" "installed ats-sandbox --help"
# Only the package writes /etc; an install into a prefix writes nothing outside it.
[[ ! -e "$prefix/etc" ]] || fail "cmake --install created $prefix/etc"
# Nothing built for the tests is installed.
leaked=$(find "$prefix" -name '*atstest*' -o -name 'test_*' -o -name '*probe*.so' | head -5)
[[ -z "$leaked" ]] || fail "test artefacts installed: $leaked"

for bin in "$prefix"/bin/* "$prefix"/lib/ats-host/plugins/*.so; do
  dyn=$(readelf -d "$bin")
  expect_not_contains "$dyn" "$(cd "$build" && pwd)" "RPATH/RUNPATH of $bin"
done

# The installed host, with no --plugins: the providers of the prefix.
work=$prefix.work
rm -rf "$work" && mkdir -p "$work/manifests"
out=$(cd "$work" && env -u ATS_PLUGIN_WORKER "$prefix/bin/ats-host" --manifests manifests --data-dir var providers)
expect_contains "$out" "Plugins folder: $prefix/lib/ats-host/plugins" "ats-host providers"
expect_contains "$out" "tracker - Tracker RMS" "ats-host providers"
expect_contains "$out" "tracker_workable - " "ats-host providers"
expect_contains "$out" "file: $prefix/lib/ats-host/plugins/libtracker_workable.so" "ats-host providers"

# ...and it runs the worker installed next to it: in a copy of the prefix whose worker only
# leaves a mark and fails, screening the plugins must run that one (not the build tree's).
copy=$work/copy
mkdir -p "$copy"
cp -al "$prefix/bin" "$prefix/lib" "$copy/"
rm "$copy/bin/ats-plugin-worker"
printf '#!/bin/sh\necho "$@" >> "%s/worker-ran"\nexit 1\n' "$work" > "$copy/bin/ats-plugin-worker"
chmod +x "$copy/bin/ats-plugin-worker"
(cd "$work" && env -u ATS_PLUGIN_WORKER "$copy/bin/ats-host" --manifests manifests --data-dir var providers > copy.out 2>&1) || true
expect_file "$work/worker-ran"
expect_contains "$(cat "$work/worker-ran")" "--screen $copy/lib/ats-host/plugins/" "worker arguments"
echo "ok: installed into $prefix"
