#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing, builds, runs a
# bounded libFuzzer pass over RedactText when clang is installed, then every test — unit,
# integration (real redis-server, real gRPC), black-box, and the web UI's end-to-end tests in
# Chromium (screenshots in build/web-e2e-artifacts/) — with CTest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"

# RedactText under ASan/UBSan with libFuzzer, bounded in time (BRIDGING_FUZZ_SECONDS=0
# skips it). It has its own clang build directory; see libs/privacy/fuzz/README.md.
FUZZ_SECONDS=${BRIDGING_FUZZ_SECONDS:-30}
if [ "$FUZZ_SECONDS" != 0 ] && command -v clang++ >/dev/null; then
  FUZZ_BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
  if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
    cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DBRIDGING_FUZZ=ON \
      -DBRIDGING_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$FUZZ_BUILD" -j "${BUILD_JOBS:-2}" --target redact_text_fuzzer
  corpus=$(mktemp -d)
  echo "fuzzing RedactText for ${FUZZ_SECONDS}s (ASan, UBSan)..."
  "$FUZZ_BUILD/libs/privacy/redact_text_fuzzer" "$corpus" \
    -dict="$ROOT/libs/privacy/fuzz/redact_text.dict" -max_len=70000 -rss_limit_mb=4096 \
    -max_total_time="$FUZZ_SECONDS" -artifact_prefix="$FUZZ_BUILD/" -print_final_stats=1 \
    >"$FUZZ_BUILD/fuzz.log" 2>&1 || { tail -40 "$FUZZ_BUILD/fuzz.log"; exit 1; }
  grep -E "^stat::number_of_executed_units|^Done" "$FUZZ_BUILD/fuzz.log" || true
  rm -rf "$corpus"
fi

ctest --test-dir "$BUILD" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 300
