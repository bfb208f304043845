#!/usr/bin/env bash
# The web UI's end-to-end tests, as CTest runs them (web_e2e): starts a fresh local suite with
# its demo data on free ports (scripts/run-local.sh, install and build skipped), serving the
# built UI over HTTPS (BRIDGING_PUBLIC_TLS=1, the suite's own CA), then drives Debian's Chromium through each role's journeys (web/e2e/*.test.mjs),
# checking every page with axe-core. Screenshots are kept in $BRIDGING_E2E_ARTIFACTS
# (default BUILD_DIR/web-e2e-artifacts) as the run's artefacts.
#   usage: run.sh [BUILD_DIR [TEST_FILE...]]   (default: every web/e2e/*.test.mjs)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$ROOT"/web/e2e/*.test.mjs)
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$ROOT/web/dist/index.html" ] || fail "the web UI is not built: run scripts/build-web.sh"
[ -d "$ROOT/web/node_modules/playwright-core" ] || fail "web/node_modules is missing: run scripts/build-web.sh"
command -v "${CHROMIUM:-chromium}" >/dev/null || fail "chromium is not installed: run scripts/install-deps.sh"

STATE=$(mktemp -d /tmp/bridging-web-e2e-XXXXXX)
OFFSET=$(bash "$ROOT/scripts/free-port-offset.sh")
ARTIFACTS=${BRIDGING_E2E_ARTIFACTS:-$BUILD/web-e2e-artifacts}
export BRIDGING_SKIP_SETUP=1 BUILD_DIR="$BUILD" BRIDGING_STATE_DIR="$STATE" BRIDGING_PORT_OFFSET=$OFFSET
export BRIDGING_PUBLIC_TLS=1
cleanup() { bash "$ROOT/scripts/stop-local.sh" >/dev/null 2>&1 || true; rm -rf "$STATE"; }
trap cleanup EXIT

echo "starting a suite with demo data (ports +$OFFSET)"
bash "$ROOT/scripts/run-local.sh" >"$STATE/run-local.out" 2>&1 || { cat "$STATE/run-local.out"; fail "run-local"; }
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
status=0
# Node trusts the suite's CA; Chromium accepts the gateway's public key and no other.
SPKI=$(openssl x509 -in "$STATE/tls/gateway-public.crt" -pubkey -noout |
  openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
BRIDGING_WEB_URL="https://127.0.0.1:$((8100 + OFFSET))" BRIDGING_E2E_ARTIFACTS="$ARTIFACTS" \
  NODE_EXTRA_CA_CERTS="$STATE/tls/ca.crt" BRIDGING_E2E_CERT_SPKI="$SPKI" \
  node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}" || status=$?
if [ "$status" != 0 ]; then
  tail -n 30 "$STATE"/logs/gateway.log >&2 || true
fi
echo "screenshots: $ARTIFACTS ($(find "$ARTIFACTS" -name '*.png' | wc -l) pages)"
exit "$status"
