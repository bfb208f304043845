#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing, builds, and runs
# every test — unit, integration (real redis-server, real gRPC) and black-box — with CTest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"
ctest --test-dir "$BUILD" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 300
