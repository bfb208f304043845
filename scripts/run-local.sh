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

cat <<MSG

Bridging is running on loopback.
  consent service   grpc 127.0.0.1:7101   metrics http://127.0.0.1:9101/metrics
  actions service   grpc 127.0.0.1:7102   metrics http://127.0.0.1:9102/metrics
  anonymizer        grpc 127.0.0.1:7103   metrics http://127.0.0.1:9103/metrics (stateless)
  analytics         grpc 127.0.0.1:7104   metrics http://127.0.0.1:9104/metrics
  consent Redis     127.0.0.1:6401 (ACL user 'consent', AOF appendfsync always)
  actions Redis     127.0.0.1:6402 (ACL user 'actions', AOF appendfsync everysec)
  analytics Redis   127.0.0.1:6404 (ACL user 'analytics', AOF appendfsync everysec)
  logs              .state/logs/      secrets  .state/secrets/ (never commit)

Services trust only a signed principal (the gateway will add it). To call one directly,
mint headers for a role and pass them to any gRPC client, e.g. grpcurl (reflection is on):
  H=\$($BUILD/libs/auth/bridging-principal --org=charities/sunflower --role=ROLE_CHARITY \\
       --secret_file=.state/secrets/principal.secret)
  eval grpcurl -plaintext \$H -d "'{\"parent\":\"charities/sunflower\"}'" \\
       127.0.0.1:7101 bridging.consent.v1.ConsentService/ListParticipants
Print the demo data again (loading is idempotent): $BUILD/scripts/demo/bridging-demo
Stop everything:                               scripts/stop-local.sh
MSG
