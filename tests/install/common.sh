# Shared by the install tests: assertions that name what was expected and what was found.
# Sourced; every script runs with `set -euo pipefail`.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_file() {
  [[ -f "$1" ]] || fail "missing file $1"
}

# expect_contains TEXT NEEDLE WHAT
expect_contains() {
  [[ "$1" == *"$2"* ]] || fail "$3: expected to contain '$2', got: $1"
}

expect_not_contains() {
  [[ "$1" != *"$2"* ]] || fail "$3: must not contain '$2', got: $1"
}

# A plugin must export exactly one dynamic symbol, the entry.
expect_only_entry_exported() {
  local exported
  exported=$(nm -D --defined-only "$1" | awk '{print $NF}' | sort | tr '\n' ' ')
  [[ "$exported" == "ats_plugin_entry " ]] || fail "$1 exports [$exported], expected only ats_plugin_entry"
}

# write_manifest DIR TENANT PROVIDER CONFIG_JSON
write_manifest() {
  mkdir -p "$1"
  printf '{"tenant_id": "%s", "provider": "%s", "provider_config": %s}\n' "$2" "$3" "$4" > "$1/$2.json"
}
