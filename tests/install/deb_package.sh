#!/usr/bin/env bash
# `cpack` builds the Debian package; it is extracted (dpkg-deb -x, never installed) and checked:
# control data, conffiles and scripts, the file list (host, worker, sandbox, both providers, SDK,
# CMake and pkg-config files, systemd unit and user, /etc sample 0600), stripped binaries, no
# test artefacts, the extracted host serving its providers, and the unit's hardening (exposure
# score of `systemd-analyze security`, when available). Prints the package's size.
#   deb_package.sh BUILD_DIR WORK_DIR
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=$1 work=$2

rm -rf "$work" && mkdir -p "$work"
cpack --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/out/ats-host_*.deb)
[[ ${#debs[@]} == 1 && -f "${debs[0]}" ]] || fail "expected one ats-host_*.deb in $work/out, found: ${debs[*]}"
deb=${debs[0]}

info=$(dpkg-deb -I "$deb")
expect_contains "$info" "Package: ats-host" "control"
expect_contains "$info" "Depends: " "control"
expect_contains "$info" "libboost-json1.81.0" "control Depends (from dpkg-shlibdeps)"
expect_contains "$info" "libphonenumber8" "control Depends (the providers' libraries)"
expect_contains "$info" "systemd | adduser" "control Depends (postinst creates the user)"
expect_contains "$(dpkg-deb -I "$deb" conffiles)" "/etc/ats-host/ats-host.env" "conffiles"
expect_contains "$(dpkg-deb -I "$deb" postinst)" "sysusers" "postinst"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [[ -x "$work/control/$script" ]] || fail "maintainer script $script missing or not executable"
  sh -n "$work/control/$script" || fail "maintainer script $script: syntax error"
done

listing=$(dpkg-deb -c "$deb")
for f in ./usr/bin/ats-host ./usr/bin/ats-plugin-worker ./usr/bin/ats-sandbox \
         ./usr/lib/ats-host/plugins/libtracker.so ./usr/lib/ats-host/plugins/libtracker_workable.so \
         ./usr/include/ats/ats_plugin.h ./usr/include/ats/ats_operations.h ./usr/include/ats/ats_plugin.hpp \
         ./usr/lib/cmake/AtsPluginSDK/AtsPluginSDKConfig.cmake ./usr/lib/pkgconfig/ats-plugin.pc \
         ./usr/lib/systemd/system/ats-host.service ./usr/lib/sysusers.d/ats-host.conf \
         ./usr/share/doc/ats-host/PACKAGING.md ./usr/share/ats-host/examples/hello_provider_c/hello_provider.c; do
  grep -q " $f\$" <<< "$listing" || fail "$f is not in the package"
done
grep -q '^-rw------- root/root .* ./etc/ats-host/ats-host.env$' <<< "$listing" \
  || fail "/etc/ats-host/ats-host.env must be 0600 root:root: $(grep ats-host.env <<< "$listing")"
if grep -E 'atstest|/test_|probe.*\.so|/bench' <<< "$listing"; then fail "test artefacts in the package"; fi

root=$work/root
dpkg-deb -x "$deb" "$root"
for bin in "$root"/usr/bin/* "$root"/usr/lib/ats-host/plugins/*.so; do
  if readelf -S "$bin" | grep -q '\.debug_info'; then fail "$bin is not stripped"; fi
done
# The extracted tree works as installed: /usr/bin/ats-host -> /usr/lib/ats-host/plugins.
mkdir -p "$work/run/manifests"
out=$(cd "$work/run" && env -u ATS_PLUGIN_WORKER "$root/usr/bin/ats-host" --manifests manifests --data-dir var providers)
expect_contains "$out" "Plugins folder: $root/usr/lib/ats-host/plugins" "extracted ats-host providers"
expect_contains "$out" "tracker_workable - " "extracted ats-host providers"

unit=$root/usr/lib/systemd/system/ats-host.service
for setting in User=ats-host ProtectSystem=strict ProtectHome=yes StateDirectory=ats-host StateDirectoryMode=0700 \
               NoNewPrivileges=yes PrivateTmp=yes CapabilityBoundingSet= EnvironmentFile=-/etc/ats-host/ats-host.env \
               "--data-dir /var/lib/ats-host"; do
  grep -q -- "$setting" "$unit" || fail "the unit lacks $setting"
done
if command -v systemd-analyze > /dev/null && systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
  score=$(systemd-analyze security --offline=yes --root="$root" ats-host.service 2>&1 \
          | sed -n 's/.*Overall exposure level for ats-host.service: \([0-9.]*\).*/\1/p')
  [[ -n "$score" ]] || fail "systemd-analyze security gave no exposure level"
  awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure level $score > 2.0 (systemd-analyze security)"
  echo "systemd-analyze security: exposure $score"
fi
echo "ok: $(basename "$deb"): $(stat -c %s "$deb") bytes, $(dpkg-deb -c "$deb" | grep -c '^-') files"
