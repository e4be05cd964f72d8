#!/usr/bin/env bash
# A plugin author's path with CMake: examples/hello_provider_cpp built out of tree with nothing but
# find_package(AtsPluginSDK) from the installed prefix (no source tree, no package registry),
# installed into a plugins folder with its own install() rule, and loaded by the installed host:
# providers, check (twice, in a worker process: the host's state service counts), jobs.stream.
#   cmake_plugin.sh SOURCE_DIR PREFIX WORK_DIR GENERATOR CXX_COMPILER
set -euo pipefail
source "$(dirname "$0")/common.sh"
src=$1 prefix=$2 work=$3 generator=$4 cxx=$5

rm -rf "$work" && mkdir -p "$work"
cp -r "$src/examples/hello_provider_cpp" "$work/src"
cmake -S "$work/src" -B "$work/build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_INSTALL_PREFIX="$work/unused" > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }

# The package and the headers came from the prefix.
sdk_dir=$(grep '^AtsPluginSDK_DIR:' "$work/build/CMakeCache.txt" | cut -d= -f2)
[[ "$sdk_dir" == "$prefix/lib/cmake/AtsPluginSDK" ]] || fail "AtsPluginSDK_DIR is '$sdk_dir', expected $prefix/lib/cmake/AtsPluginSDK"
expect_contains "$(cat "$work/build/compile_commands.json")" "-isystem $prefix/include/ats " "compile command (imported target AtsPluginSDK::sdk)"
so=$work/build/libhello_cpp.so
expect_file "$so"
expect_only_entry_exported "$so"

# The package's version is the ABI's: another major is refused at configure time.
mkdir -p "$work/major2"
printf 'cmake_minimum_required(VERSION 3.16)\nproject(major2 LANGUAGES CXX)\nfind_package(AtsPluginSDK 2 REQUIRED)\n' \
  > "$work/major2/CMakeLists.txt"
if cmake -S "$work/major2" -B "$work/major2/build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
     -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF > "$work/major2.log" 2>&1; then
  fail "find_package(AtsPluginSDK 2) accepted the ABI 1 package"
fi
expect_contains "$(cat "$work/major2.log")" "version: 1." "find_package(AtsPluginSDK 2) error"

# install(TARGETS ... DESTINATION ${ATS_HOST_PLUGINS_DIR}) puts it in the installed host's folder;
# here into a copy of that folder (DESTDIR), so other tests keep the prefix as installed.
DESTDIR="$work/destdir" cmake --install "$work/build" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "install"; }
plugins=$work/destdir$prefix/lib/ats-host/plugins
expect_file "$plugins/libhello_cpp.so"

write_manifest "$work/manifests" hello-cpp hello_cpp '{}'
host() { (cd "$work" && env -u ATS_PLUGIN_WORKER "$prefix/bin/ats-host" --plugins "$plugins" --manifests manifests --data-dir var "$@"); }
out=$(host providers)
expect_contains "$out" "hello_cpp - Hello (C++ SDK example) 1.0.0" "providers"
out=$(host --isolation process call --tenant hello-cpp check)
expect_contains "$out" '"tenant":"hello-cpp"' "first check"
expect_contains "$out" '"config":{"greeting":"hello"}' "first check (the schema's default applied by the host)"
expect_contains "$out" '"checks":1' "first check"
out=$(host --isolation process call --tenant hello-cpp check)
expect_contains "$out" '"checks":2' "second check (state kept by the host)"
out=$(host call --tenant hello-cpp jobs.stream)
[[ $(printf '%s\n' "$out" | grep -c '"id":"hello-') == 3 ]] || fail "jobs.stream: expected 3 jobs, got: $out"
set +e
host call --tenant hello-cpp candidates.stream > "$work/unsupported.out" 2>&1
rc=$?
set -e
[[ $rc == 4 ]] || fail "an unsupported operation must exit 4, got $rc: $(cat "$work/unsupported.out")"
echo "ok: libhello_cpp.so built with find_package(AtsPluginSDK) from $prefix and served by the installed host"
