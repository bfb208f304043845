#!/usr/bin/env bash
# The README's first command, as a newcomer runs it (install and build skipped: CTest has
# built): a fresh state folder gets a working suite with demo data; running it again is
# harmless; stop-local stops everything; started again, every Redis replays its AOF and
# the data are all there (withdrawals included), and the gateway's audit chain verifies.
# Every service speaks mutual TLS only: plaintext and certificate-less clients are refused.
# Runs on its own ports (BRIDGING_PORT_OFFSET) beside any suite already running.
set -euo pipefail
BUILD=$(cd "${1:?usage: run_local_test.sh BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=$(mktemp -d /tmp/bridging-run-local-XXXXXX)
fail() { echo "FAIL: $*" >&2; tail -n 20 "$STATE"/logs/*.log >&2 || true; exit 1; }

OFFSET=$(bash "$ROOT/scripts/free-port-offset.sh")
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
export BRIDGING_SKIP_SETUP=1 BUILD_DIR="$BUILD" BRIDGING_STATE_DIR="$STATE" BRIDGING_PORT_OFFSET=$OFFSET
cleanup() { bash "$ROOT/scripts/stop-local.sh" >/dev/null 2>&1 || true; rm -rf "$STATE"; }
trap cleanup EXIT

BRIDGECTL=("$BUILD/scripts/bridgectl/bridgectl" --gateway "127.0.0.1:$((7100 + OFFSET))")
charity() { "${BRIDGECTL[@]}" --key-file "$STATE/secrets/demo-charities-sunflower.key" "$@"; }

echo "first run (fresh state, ports +$OFFSET)"
bash "$ROOT/scripts/run-local.sh" >"$STATE/first.out" 2>&1 || { cat "$STATE/first.out"; fail "first run"; }
grep -q "12 rows: 12 created" "$STATE/first.out" || fail "demo participants not created"
grep -q "Bridging is running" "$STATE/first.out" || fail "no closing message"
for key in charities-sunflower practices-riverside practices-hillview practices-canalside \
  researchers-demo-team; do
  [ -s "$STATE/secrets/demo-$key.key" ] || fail "no demo key for $key"
  grep -q "demo-$key.key" "$STATE/first.out" || fail "demo key $key not printed"
done
[ "$(stat -c %a "$STATE/secrets")" = 700 ] || fail "secrets folder is not private"
[ "$(charity participants list --csv | tail -n +2 | wc -l)" = 12 ] || fail "not 12 participants"
HEALTH="$BUILD/libs/server/bridging-health"
TLS="$STATE/tls"
for port in 7101 7102 7103 7104; do
  service=127.0.0.1:$((port + OFFSET))
  "$HEALTH" --tls_ca_file="$TLS/ca.crt" --tls_cert_file="$TLS/gateway.crt" \
    --tls_key_file="$TLS/gateway.key" "$service" >/dev/null || fail "$service: no mutual TLS"
  ! "$HEALTH" "$service" >/dev/null 2>&1 || fail "$service answers plaintext"
  ! "$HEALTH" --tls_ca_file="$TLS/ca.crt" "$service" >/dev/null 2>&1 ||
    fail "$service answers TLS without a client certificate"
done
[ "$(stat -c %a "$TLS")" = 700 ] || fail "certificates folder is not private"

echo "second run (everything running): harmless"
bash "$ROOT/scripts/run-local.sh" >"$STATE/second.out" 2>&1 || { cat "$STATE/second.out"; fail "second run"; }
grep -q "12 rows: 0 created, 12 already present" "$STATE/second.out" || fail "second run wrote again"
grep -q "already running" "$STATE/second.out" || fail "second run restarted something"
[ "$(charity participants list --csv | tail -n +2 | wc -l)" = 12 ] || fail "participants duplicated"

echo "stop, then start again from the data on disk"
charity participants list --csv >"$STATE/before.csv"
bash "$ROOT/scripts/stop-local.sh" >/dev/null
for pidfile in "$STATE"/run/*.pid; do [ ! -e "$pidfile" ] || fail "$pidfile left behind"; done
port_free $((7100 + OFFSET)) || fail "gateway still listening after stop-local"
bash "$ROOT/scripts/run-local.sh" >"$STATE/third.out" 2>&1 || { cat "$STATE/third.out"; fail "restart"; }
# The demo loader runs again on restart: had a Redis lost writes when it replayed its AOF,
# it would create the participants anew, under new names.
grep -q "12 rows: 0 created, 12 already present" "$STATE/third.out" || fail "data lost in restart"
charity participants list --csv | diff "$STATE/before.csv" - || fail "participants changed in restart"
charity consent status SF-005 --csv | grep -q "^research-use,withdrawn," ||
  fail "SF-005's withdrawal lost in restart"
"${BRIDGECTL[@]}" --key-file "$STATE/secrets/demo-practices-riverside.key" plans list --csv |
  grep -q "charities/sunflower" || fail "riverside's shared plan lost in restart"
"$BUILD/services/gateway/bridging-audit-verify" --redis_addr="127.0.0.1:$((6400 + OFFSET))" \
  --redis_user=gateway --redis_password_file="$STATE/secrets/redis-gateway.password" |
  grep -q "audit chain verified" || fail "audit chain does not verify"
echo "run-local: fresh start, harmless re-run, clean stop, restart with data intact"
