#!/usr/bin/env bash
# Builds the web UI (web/ -> web/dist) that the gateway serves: installs the exact npm
# packages of web/package-lock.json when they changed, generates the typed clients from
# protos/, type-checks and bundles. Skips the bundle when nothing it is made from changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEB=$ROOT/web
cd "$WEB"

# Vite 8 needs Node.js 20.19 or newer.
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "build-web: Node.js $(node --version) is too old; the web UI needs 20.19 or newer" >&2
  exit 1
fi

# npm ci only when the lock file is newer than the last install (it wipes node_modules).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-web: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp=dist/.build-inputs
inputs=$(cd "$ROOT" && find web/src web/index.html web/vite.config.ts web/tsconfig.json \
  web/package-lock.json web/scripts protos -type f -not -path 'web/src/gen/*' -print0 |
  sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -f dist/index.html ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
npm run --silent build
echo "$inputs" >"$stamp"
echo "build-web: built web/dist"
