#!/usr/bin/env bash
# The sanitizer tree (clang, ASan + UBSan, in ${FUZZ_BUILD_DIR:-build-fuzz}):
#   tests          builds the unit tests marked SANITIZE and runs them (ctest -L sanitized);
#   fuzz [TARGET]  builds every libFuzzer target (or those named) and runs each for
#                  BRIDGING_FUZZ_SECONDS (default 20; 0 skips fuzzing). A crash stops the run
#                  with the fuzzer's report; its input is kept as
#                  $FUZZ_BUILD/crash-<target>-<sha1> to replay with the target's binary.
#   usage: scripts/sanitize.sh [tests | fuzz [TARGET...]]   (default: tests, then fuzz)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=${BRIDGING_FUZZ_SECONDS:-20}
command -v clang++ >/dev/null || { echo "sanitize: clang++ is not installed" >&2; exit 1; }

# target -> "binary path relative to the build, extra libFuzzer flags"
declare -A TARGETS=(
  [redact_text_fuzzer]="libs/privacy/redact_text_fuzzer -dict=$ROOT/libs/privacy/fuzz/redact_text.dict -max_len=70000"
  [resource_name_fuzzer]="libs/common/resource_name_fuzzer -max_len=300"
  [policy_fuzzer]="libs/auth/policy_fuzzer -max_len=400"
  [principal_fuzzer]="libs/auth/principal_fuzzer -dict=$ROOT/libs/auth/fuzz/principal.dict -max_len=600"
  [connect_request_fuzzer]="services/gateway/connect_request_fuzzer -dict=$ROOT/services/gateway/fuzz/connect_request.dict -max_len=4096"
)
mode=${1:-all}
[ $# -eq 0 ] || shift
case "$mode" in
  tests | fuzz | all) ;;
  *) echo "usage: $0 [tests | fuzz [TARGET...]]" >&2; exit 64 ;;
esac
if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DBRIDGING_FUZZ=ON \
    -DBRIDGING_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi

if [ "$mode" = tests ] || [ "$mode" = all ]; then
  cmake --build "$FUZZ_BUILD" -j "${BUILD_JOBS:-2}" --target sanitized_tests
  echo "unit tests under ASan and UBSan..."
  log="$FUZZ_BUILD/sanitized-tests.log"
  ctest --test-dir "$FUZZ_BUILD" -L sanitized -j "${TEST_JOBS:-2}" --output-on-failure \
    --timeout 300 >"$log" 2>&1 || { cat "$log"; exit 1; }
  grep -E "tests passed|Total Test time" "$log" | sed "s/^/  /"
fi
[ "$mode" != tests ] || exit 0
[ "$SECONDS_EACH" != 0 ] || { echo "fuzz: skipped (BRIDGING_FUZZ_SECONDS=0)"; exit 0; }

selected=("$@")
[ ${#selected[@]} -gt 0 ] || mapfile -t selected < <(printf '%s\n' "${!TARGETS[@]}" | sort)
for target in "${selected[@]}"; do
  [ -n "${TARGETS[$target]:-}" ] || { echo "fuzz: unknown target $target" >&2; exit 64; }
done
cmake --build "$FUZZ_BUILD" -j "${BUILD_JOBS:-2}" --target "${selected[@]}"

for target in "${selected[@]}"; do
  read -r binary flags <<<"${TARGETS[$target]}"
  corpus=$(mktemp -d)
  log="$FUZZ_BUILD/$target.log"
  echo "fuzzing $target for ${SECONDS_EACH}s (ASan, UBSan)..."
  # shellcheck disable=SC2086  # flags are words
  if ! "$FUZZ_BUILD/$binary" "$corpus" $flags -rss_limit_mb=4096 -max_total_time="$SECONDS_EACH" \
    -artifact_prefix="$FUZZ_BUILD/crash-$target-" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    rm -rf "$corpus"
    exit 1
  fi
  grep -E "^stat::number_of_executed_units" "$log" | sed "s/^/  /" || true
  rm -rf "$corpus"
done
