#!/usr/bin/env bash
# Stops the local suite cleanly: services first (SIGTERM, they drain), then each Redis
# (SHUTDOWN, which flushes its AOF). Data under .state/ is kept. Harmless if nothing runs.
set -euo pipefail
source "$(dirname "$0")/suite.sh"

stop_pid() {  # pidfile label
  local pidfile=$1
  if pid_alive "$pidfile"; then
    local pid
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "stopped $2"
  fi
  rm -f "$pidfile"
}

for entry in "${SUITE_SERVICES[@]}"; do
  read -r name _ <<<"$entry"
  stop_pid "$STATE/run/$name.pid" "$name"
done
for entry in "${SUITE_SERVICES[@]}"; do
  read -r name redis_port _ <<<"$entry"
  [ "$redis_port" = "-" ] && continue
  if pid_alive "$STATE/run/redis-$name.pid"; then
    redis-cli -p "$redis_port" --user ops --pass "$(cat "$STATE/secrets/redis-ops.password")" \
      --no-auth-warning shutdown >/dev/null 2>&1 || true
  fi
  stop_pid "$STATE/run/redis-$name.pid" "redis for $name"
done
