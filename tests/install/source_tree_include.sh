#!/usr/bin/env bash
# The other documented way in: a project that includes plugin_api/AtsPlugin.cmake straight from a
# source checkout (no install, no add_subdirectory, ATS_PLUGIN_OUTPUT_DIR unset) and calls
# ats_add_plugin(). It used to fail twice: set_target_properties with an empty output folder,
# then "ats_plugin.hpp: No such file or directory".
#   source_tree_include.sh SOURCE_DIR WORK_DIR GENERATOR C_COMPILER CXX_COMPILER
set -euo pipefail
source "$(dirname "$0")/common.sh"
src=$1 work=$2 generator=$3 cc=$4 cxx=$5

rm -rf "$work" && mkdir -p "$work/project"
cat > "$work/project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(from_source_tree LANGUAGES C CXX)
set(CMAKE_CXX_STANDARD 17)
include("$src/plugin_api/AtsPlugin.cmake")
ats_add_plugin(hello_cpp SOURCES "$src/examples/hello_provider_cpp/hello_provider.cpp")
ats_add_plugin(hello_c SOURCES "$src/examples/hello_provider_c/hello_provider.c")
CMAKE
cmake -S "$work/project" -B "$work/build" -G "$generator" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
for so in "$work/build/libhello_cpp.so" "$work/build/libhello_c.so"; do
  expect_file "$so"
  expect_only_entry_exported "$so"
done
echo "ok: built with include(AtsPlugin.cmake) from the source tree"
