#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing, builds, runs a
# bounded libFuzzer pass over each fuzz target when clang is installed, then every test — unit,
# integration (real redis-server, real gRPC), black-box, and the web UI's end-to-end tests in
# Chromium (screenshots in build/web-e2e-artifacts/) — with CTest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"

# Every libFuzzer target under ASan/UBSan, each for a bounded time, when clang is installed
# (BRIDGING_FUZZ_SECONDS=0 skips it); see scripts/fuzz.sh.
if command -v clang++ >/dev/null; then
  bash "$ROOT/scripts/fuzz.sh"
fi

ctest --test-dir "$BUILD" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 300
