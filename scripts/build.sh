#!/usr/bin/env bash
# Configures (once) and builds everything into ${BUILD_DIR:-build}, then the web UI into
# web/dist. Incremental and idempotent.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} >/dev/null
fi
# Two cores: more jobs only thrash memory and the other core.
cmake --build "$BUILD" -j "${BUILD_JOBS:-2}"
bash "$ROOT/scripts/build-web.sh"
