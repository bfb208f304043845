#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts one Redis per owning
# service (own ACL user limited to its key prefix, AOF on, data under .state/) and every
# service on loopback with mutual TLS between them (certificates from make-certs.sh), waits
# until each is SERVING, loads demo data, prints where to go (the web UI, served by the
# gateway, first). BRIDGING_PUBLIC_TLS=1 also puts the gateway's public ports on TLS (the
# local CA is not one a browser trusts, so it is off by default on loopback).
# Running it again is harmless: running parts are left alone, demo writes are idempotent.
set -euo pipefail
source "$(dirname "$0")/suite.sh"

# BRIDGING_SKIP_SETUP=1: the packages and the build are known to be there (tests).
if [ "${BRIDGING_SKIP_SETUP:-0}" != 1 ]; then
  bash "$ROOT/scripts/install-deps.sh"
  bash "$ROOT/scripts/build.sh"
fi

# The gateway serves the web UI when it has been built (scripts/build-web.sh).
WEB_ROOT=""
if [ -f "$ROOT/web/dist/index.html" ]; then
  WEB_ROOT="$ROOT/web/dist"
else
  echo "web UI not built (scripts/build-web.sh): the gateway will serve the API only" >&2
fi

mkdir -p "$STATE"/{secrets,logs,run,redis}
chmod 700 "$STATE/secrets"
new_secret() { [ -s "$1" ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$1"); }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
new_secret "$STATE/secrets/principal.secret"
new_secret "$STATE/secrets/redis-ops.password"
# The anonymizer's pseudonym key ring: "version:base64key" lines; add k2 to rotate.
[ -s "$STATE/secrets/pseudonym.keys" ] ||
  (umask 077 && echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" >"$STATE/secrets/pseudonym.keys")
TLS="$STATE/tls"
bash "$ROOT/scripts/make-certs.sh" "$TLS" >/dev/null
PUBLIC_TLS=${BRIDGING_PUBLIC_TLS:-0}
public_tls_env=()
if [ "$PUBLIC_TLS" = 1 ]; then
  public_tls_env=(BRIDGING_PUBLIC_TLS_CERT_FILE="$TLS/gateway-public.crt"
    BRIDGING_PUBLIC_TLS_KEY_FILE="$TLS/gateway-public.key")
fi

start_redis() {  # name port appendfsync
  local name=$1 port=$2 fsync=$3 dir="$STATE/redis/$1"
  local pidfile="$STATE/run/redis-$name.pid"
  if pid_alive "$pidfile"; then echo "redis for $name already running on $port"; return; fi
  mkdir -p "$dir"
  new_secret "$STATE/secrets/redis-$name.password"
  sed -e "s|@PORT@|$port|" -e "s|@DIR@|$dir|g" -e "s|@APPENDFSYNC@|$fsync|" \
    "$ROOT/deploy/local/redis.conf.in" >"$dir/redis.conf"
  sed -e "s|@SERVICE@|$name|g" -e "s|@OPS_HASH@|$(sha256_of "$STATE/secrets/redis-ops.password")|" \
    -e "s|@SERVICE_HASH@|$(sha256_of "$STATE/secrets/redis-$name.password")|" \
    "$ROOT/deploy/local/users.acl.in" >"$dir/users.acl"
  chmod 600 "$dir/users.acl"
  nohup redis-server "$dir/redis.conf" >>"$STATE/logs/redis-$name.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 100); do
    redis-cli -p "$port" --user ops --pass "$(cat "$STATE/secrets/redis-ops.password")" \
      --no-auth-warning ping 2>/dev/null | grep -q PONG && { echo "redis for $name on $port"; return; }
    sleep 0.1
  done
  echo "redis for $name did not start; see $dir/redis.log" >&2
  exit 1
}

port_of() { for e in "${SUITE_SERVICES[@]}"; do read -r n _ _ p _ <<<"$e"; [ "$n" = "$1" ] && echo "$p"; done; }

start_service() {  # name redis_port grpc_port metrics_port
  local name=$1 redis_port=$2 port=$3 metrics=$4
  local pidfile="$STATE/run/$name.pid"
  if pid_alive "$pidfile"; then echo "$name already running on $port"; return; fi
  local redis_env=()
  if [ "$redis_port" != "-" ]; then
    redis_env=(BRIDGING_REDIS_ADDR="127.0.0.1:$redis_port" BRIDGING_REDIS_USER="$name"
      BRIDGING_REDIS_PASSWORD_FILE="$STATE/secrets/redis-$name.password")
  fi
  env "${redis_env[@]}" "${public_tls_env[@]}" BRIDGING_PORT="$port" BRIDGING_METRICS_PORT="$metrics" \
    BRIDGING_TLS_CERT_FILE="$TLS/$name.crt" BRIDGING_TLS_KEY_FILE="$TLS/$name.key" \
    BRIDGING_TLS_CA_FILE="$TLS/ca.crt" \
    BRIDGING_PRINCIPAL_SECRET_FILE="$STATE/secrets/principal.secret" \
    BRIDGING_PSEUDONYM_KEY_FILE="$STATE/secrets/pseudonym.keys" \
    BRIDGING_ANONYMIZER_ADDR="127.0.0.1:$(port_of anonymizer)" \
    BRIDGING_ANALYTICS_ADDR="127.0.0.1:$(port_of analytics)" \
    BRIDGING_CONSENT_ADDR="127.0.0.1:$(port_of consent)" \
    BRIDGING_ROUTES="bridging.consent.v1=127.0.0.1:$(port_of consent),bridging.actions.v1=127.0.0.1:$(port_of actions),bridging.anonymizer.v1=127.0.0.1:$(port_of anonymizer),bridging.analytics.v1=127.0.0.1:$(port_of analytics)" \
    BRIDGING_HTTP_PORT="$GATEWAY_HTTP_PORT" BRIDGING_WEB_ROOT="$WEB_ROOT" \
    BRIDGING_BOOTSTRAP_ADMIN_KEY_FILE="$STATE/secrets/admin.key" \
    nohup "$BUILD/services/$name/$name" >>"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$name starting on 127.0.0.1:$port (metrics :$metrics, log $STATE/logs/$name.log)"
}

services=()
for entry in "${SUITE_SERVICES[@]}"; do
  read -r name redis_port fsync port metrics <<<"$entry"
  [ "$redis_port" = "-" ] || start_redis "$name" "$redis_port" "$fsync"
  start_service "$name" "$redis_port" "$port" "$metrics"
  [ "$name" = gateway ] || services+=("127.0.0.1:$port")
done
echo "waiting until every service is SERVING..."
health() { "$BUILD/libs/server/bridging-health" --wait_seconds=60 "$@"; }
# The services demand a client certificate from the suite's CA; the gateway's public port
# speaks TLS only when PUBLIC_TLS is on, and asks for no certificate.
gateway_tls=()
[ "$PUBLIC_TLS" = 1 ] && gateway_tls=(--tls_ca_file="$TLS/ca.crt")
health --tls_ca_file="$TLS/ca.crt" --tls_cert_file="$TLS/gateway.crt" \
  --tls_key_file="$TLS/gateway.key" "${services[@]}" &&
  health "${gateway_tls[@]}" "$GATEWAY_GRPC" || {
  echo "a service did not become SERVING; see $STATE/logs/" >&2
  exit 1
}

# Demo organisations and one API key per role, created with bridgectl through the gateway's
# public API by the operator key the gateway bootstrapped. A key's secret is shown once, so
# it is kept in $STATE/secrets/.
BRIDGECTL="$BUILD/scripts/bridgectl/bridgectl"
export BRIDGING_GATEWAY=$GATEWAY_GRPC
[ "$PUBLIC_TLS" = 1 ] && export BRIDGING_GATEWAY_CA_FILE="$TLS/ca.crt"
admin() { "$BRIDGECTL" --key-file "$STATE/secrets/admin.key" "$@"; }
demo_key() {  # organisation display-name role
  local org=$1 display=$2 role=$3 file="$STATE/secrets/demo-${1//\//-}.key" code=0
  admin orgs create "$org" --display-name "$display" --request-id "demo-org-${org//\//-}" >/dev/null 2>&1 || code=$?
  [ "$code" = 0 ] || [ "$code" = 7 ] || { admin orgs get "$org" >/dev/null; exit 1; }  # 7: exists
  # A kept key the gateway no longer knows (its Redis was reset) is replaced.
  if [ -s "$file" ]; then
    code=0
    "$BRIDGECTL" --key-file "$file" whoami >/dev/null 2>&1 || code=$?
    [ "$code" != 4 ] || rm -f "$file"
  fi
  if [ ! -s "$file" ]; then
    admin keys create "$org" --role "$role" --display-name demo --expires 90d --json |
      jq -r '.secret // empty' | (umask 077 && cat >"$file")
    [ -s "$file" ] || { echo "could not create a demo key for $org" >&2; exit 1; }
  fi
  printf '  %-24s %-11s %s\n' "$org" "$role" "$file"
}
DEMO_KEYS=$(
  demo_key charities/sunflower "Sunflower Women's Project" charity
  demo_key practices/riverside "Riverside Medical Practice" practice
  demo_key practices/hillview "Hillview Surgery" practice
  demo_key practices/canalside "Canalside Health Centre" practice
  demo_key researchers/demo-team "Demo research team" researcher
)

echo "loading demo data through the gateway..."
BRIDGECTL="$BRIDGECTL" DEMO_KEYS="$STATE/secrets" bash "$ROOT/scripts/demo/load-demo.sh"

GATEWAY_HTTP="http://127.0.0.1:$GATEWAY_HTTP_PORT"
GRPCURL_TLS="-plaintext"
if [ "$PUBLIC_TLS" = 1 ]; then
  GATEWAY_HTTP="https://127.0.0.1:$GATEWAY_HTTP_PORT"
  GRPCURL_TLS="-cacert $TLS/ca.crt"
fi
cat <<MSG

Bridging is running on loopback. Everything goes through the gateway:
  web UI            $GATEWAY_HTTP/   sign in with the contents of a demo key file below
  gateway (gRPC)    $GATEWAY_GRPC        reflection on: grpcurl $GRPCURL_TLS $GATEWAY_GRPC list
  gateway (HTTP)    $GATEWAY_HTTP   Connect/JSON: POST /<package>.<Service>/<Method>
  gateway metrics   http://127.0.0.1:$((9100 + OFFSET))/metrics
  services          consent :$(port_of consent), actions :$(port_of actions), anonymizer :$(port_of anonymizer), analytics :$(port_of analytics)
                    (mutual TLS with certificates in $TLS/; they refuse any
                    call without the gateway's signed principal)
  logs              $STATE/logs/      secrets  $STATE/secrets/ (never commit)

Demo API keys, one per organisation (Authorization: Bearer <the file's contents>):
$DEMO_KEYS
  operator (admin)         $STATE/secrets/admin.key

Try it (bridgectl help lists every command):
  export PATH=$BUILD/scripts/bridgectl:\$PATH BRIDGING_GATEWAY=$GATEWAY_GRPC${BRIDGING_GATEWAY_CA_FILE:+ BRIDGING_GATEWAY_CA_FILE=$TLS/ca.crt}
  bridgectl --key-file $STATE/secrets/demo-charities-sunflower.key participants list
  bridgectl --key-file $STATE/secrets/demo-charities-sunflower.key consent status SF-003
  bridgectl --key-file $STATE/secrets/demo-practices-riverside.key actions list <plan>
  bridgectl --key-file $STATE/secrets/demo-researchers-demo-team.key query matrix
or with curl:
  curl -s${BRIDGING_GATEWAY_CA_FILE:+ --cacert $TLS/ca.crt} -X POST $GATEWAY_HTTP/bridging.consent.v1.ConsentService/ListParticipants \\
    -H "Authorization: Bearer \$(cat $STATE/secrets/demo-charities-sunflower.key)" \\
    -H 'Content-Type: application/json' -d '{"parent":"charities/sunflower"}'
Stop everything: scripts/stop-local.sh (data stays in $STATE)
MSG
