#!/usr/bin/env bash
# Fails when any plugin (*.so) in the given folders exports a dynamic symbol other than
# ats_plugin_entry. Also fails when the folders hold no plugin at all (a check of nothing).
set -euo pipefail
found=0
bad=0
for dir in "$@"; do
  [[ -d "$dir" ]] || continue
  for so in "$dir"/*.so; do
    [[ -e "$so" ]] || continue
    found=$((found + 1))
    extra=$(nm -D --defined-only "$so" | awk '{print $NF}' | grep -v -x 'ats_plugin_entry' || true)
    if [[ -n "$extra" ]]; then
      echo "FAIL $so exports more than ats_plugin_entry:"
      echo "$extra" | sed 's/^/    /'
      bad=$((bad + 1))
    else
      echo "ok   $so"
    fi
  done
done
if ((found == 0)); then echo "FAIL no plugins found in: $*"; exit 1; fi
echo "$found plugin(s) checked, $bad with extra exports"
((bad == 0))
