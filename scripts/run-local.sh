#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts one Redis per owning
# service (own ACL user limited to its key prefix, AOF on, data under .state/) and every
# service on loopback, waits until each is SERVING, loads demo data, prints where to go.
# Running it again is harmless: running parts are left alone, demo writes are idempotent.
set -euo pipefail
source "$(dirname "$0")/suite.sh"

bash "$ROOT/scripts/install-deps.sh"
bash "$ROOT/scripts/build.sh"

mkdir -p "$STATE"/{secrets,logs,run,redis}
chmod 700 "$STATE/secrets"
new_secret() { [ -s "$1" ] || (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$1"); }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
new_secret "$STATE/secrets/principal.secret"
new_secret "$STATE/secrets/redis-ops.password"
# The anonymizer's pseudonym key ring: "version:base64key" lines; add k2 to rotate.
[ -s "$STATE/secrets/pseudonym.keys" ] ||
  (umask 077 && echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" >"$STATE/secrets/pseudonym.keys")

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

start_service() {  # name redis_port grpc_port metrics_port
  local name=$1 redis_port=$2 port=$3 metrics=$4
  local pidfile="$STATE/run/$name.pid"
  if pid_alive "$pidfile"; then echo "$name already running on $port"; return; fi
  local redis_env=()
  if [ "$redis_port" != "-" ]; then
    redis_env=(BRIDGING_REDIS_ADDR="127.0.0.1:$redis_port" BRIDGING_REDIS_USER="$name"
      BRIDGING_REDIS_PASSWORD_FILE="$STATE/secrets/redis-$name.password")
  fi
  env "${redis_env[@]}" BRIDGING_PORT="$port" BRIDGING_METRICS_PORT="$metrics" \
    BRIDGING_PRINCIPAL_SECRET_FILE="$STATE/secrets/principal.secret" \
    BRIDGING_PSEUDONYM_KEY_FILE="$STATE/secrets/pseudonym.keys" \
    BRIDGING_HTTP_PORT="$GATEWAY_HTTP_PORT" \
    BRIDGING_BOOTSTRAP_ADMIN_KEY_FILE="$STATE/secrets/admin.key" \
    nohup "$BUILD/services/$name/$name" >>"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$pidfile"
  echo "$name starting on 127.0.0.1:$port (metrics :$metrics, log .state/logs/$name.log)"
}

for entry in "${SUITE_SERVICES[@]}"; do
  read -r name redis_port fsync port metrics <<<"$entry"
  [ "$redis_port" = "-" ] || start_redis "$name" "$redis_port" "$fsync"
  start_service "$name" "$redis_port" "$port" "$metrics"
done

echo "loading demo data (waits until every service is SERVING)..."
"$BUILD/scripts/demo/bridging-demo" --consent_target=127.0.0.1:7101 \
  --actions_target=127.0.0.1:7102 --analytics_target=127.0.0.1:7104 --secret_file="$STATE/secrets/principal.secret"

# Demo organisations and one API key per role, created through the gateway's public API
# (Connect/JSON with curl). A key's secret is shown once, so it is kept in .state/secrets/.
GATEWAY_HTTP="http://127.0.0.1:$GATEWAY_HTTP_PORT"
for _ in $(seq 100); do curl -fs "$GATEWAY_HTTP/healthz" >/dev/null && break; sleep 0.1; done
admin_call() {  # method json
  curl -s -X POST "$GATEWAY_HTTP/bridging.gateway.v1.AdminService/$1" \
    -H "Authorization: Bearer $(cat "$STATE/secrets/admin.key")" \
    -H 'Content-Type: application/json' -d "$2"
}
demo_key() {  # organisation display-name role
  local org=$1 display=$2 role=$3 file="$STATE/secrets/demo-${1//\//-}.key"
  admin_call CreateOrganization "{\"organization\":{\"name\":\"$org\",\"displayName\":\"$display\"}}" >/dev/null
  if [ ! -s "$file" ]; then
    local expire
    expire=$(date -u -d '+90 days' +%Y-%m-%dT%H:%M:%SZ)
    admin_call CreateApiKey "{\"parent\":\"$org\",\"apiKey\":{\"displayName\":\"demo\",\"role\":\"$role\",\"expireTime\":\"$expire\"}}" |
      jq -r '.secret // empty' | (umask 077 && cat >"$file")
    [ -s "$file" ] || { echo "could not create a demo key for $org" >&2; exit 1; }
  fi
  printf '  %-22s %-16s %s\n' "$org" "$role" "$(cat "$file")"
}
echo "demo API keys (Authorization: Bearer <key>):"
DEMO_KEYS=$(
  demo_key charities/sunflower "Sunflower Women's Project" ROLE_CHARITY
  demo_key practices/riverside "Riverside Medical Practice" ROLE_PRACTICE
  demo_key practices/hillview "Hillview Surgery" ROLE_PRACTICE
  demo_key practices/canalside "Canalside Health Centre" ROLE_PRACTICE
  demo_key researchers/demo-team "Demo research team" ROLE_RESEARCHER
)
echo "$DEMO_KEYS"

cat <<MSG

Bridging is running on loopback. Everything goes through the gateway:
  gateway (gRPC)    127.0.0.1:7100        reflection on: grpcurl -plaintext 127.0.0.1:7100 list
  gateway (HTTP)    $GATEWAY_HTTP   Connect/JSON: POST /<package>.<Service>/<Method>
  gateway metrics   http://127.0.0.1:9100/metrics
  operator key      .state/secrets/admin.key (ROLE_ADMIN: organisations, keys, audit)
  services          consent :7101, actions :7102, anonymizer :7103, analytics :7104 — they
                    refuse any call without the gateway's signed principal
  Redis             gateway :6400, consent :6401, actions :6402, analytics :6404
                    (own ACL user each, AOF on)
  logs              .state/logs/      secrets  .state/secrets/ (never commit)

Try it as the charity:
  curl -s -X POST $GATEWAY_HTTP/bridging.consent.v1.ConsentService/ListParticipants \\
    -H "Authorization: Bearer \$(cat .state/secrets/demo-charities-sunflower.key)" \\
    -H 'Content-Type: application/json' -d '{"parent":"charities/sunflower"}'
Print the demo data again (loading is idempotent): $BUILD/scripts/demo/bridging-demo
Stop everything:                               scripts/stop-local.sh
MSG
