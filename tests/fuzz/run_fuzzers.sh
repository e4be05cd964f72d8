#!/usr/bin/env bash
# Runs every libFuzzer target of a -DATS_FUZZ=ON build for a fixed time each, starting from its
# seed corpus in tests/fuzz/corpus/<target> (read only: new inputs go to a scratch folder), and
# fails on the first crash, leak, timeout or out-of-memory. The input that failed is written to
# <build>/fuzz-artifacts/; add it to the corpus once it is fixed (tests/fuzz/README.md).
#   bash tests/fuzz/run_fuzzers.sh <build-fuzz> [seconds per target] [target...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run_fuzzers.sh <build-fuzz> [seconds] [target...]}"
seconds="${2:-30}"
shift $(( $# >= 2 ? 2 : $# ))
targets=("$@")
if ((${#targets[@]} == 0)); then
  for c in "$here"/corpus/*/; do targets+=("$(basename "$c")"); done
fi
artifacts="$build/fuzz-artifacts"
scratch="$build/fuzz-scratch"
mkdir -p "$artifacts"
failed=()
for t in "${targets[@]}"; do
  exe="$build/bin/fuzz_$t"
  [[ -x "$exe" ]] || { echo "fuzz: $exe is missing (build the target ats_fuzzers)" >&2; exit 2; }
  rm -rf "${scratch:?}/$t" && mkdir -p "$scratch/$t"
  echo "== fuzz_$t for ${seconds} s"
  # -timeout: one input taking longer is a finding (a parser must be linear-ish);
  # -rss_limit_mb: so is memory out of proportion to a small input. -max_len: mutating the
  # 50-60 KB long-value regression seeds would cost most of the time (CTest replays them whole).
  if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$artifacts/$t-" "$scratch/$t" "$here/corpus/$t" 2>"$build/fuzz-$t.log"; then
    tail -n 60 "$build/fuzz-$t.log" >&2
    failed+=("$t")
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz-$t.log" | sed "s/^/  $t /" || true
done
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $artifacts)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s without a finding"
