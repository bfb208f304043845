#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing, builds, runs the
# unit tests marked SANITIZE under ASan/UBSan and a bounded libFuzzer pass over each fuzz
# target, then every test — unit, integration (real redis-server, real gRPC), black-box, and
# the web UI's end-to-end tests in Chromium (screenshots in build/web-e2e-artifacts/) — with
# CTest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"

# The unit tests marked SANITIZE under ASan/UBSan, then every libFuzzer target for a bounded
# time (BRIDGING_FUZZ_SECONDS=0 skips fuzzing); see scripts/sanitize.sh.
bash "$ROOT/scripts/sanitize.sh"

ctest --test-dir "$BUILD" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 300
