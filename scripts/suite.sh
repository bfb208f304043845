# Shared by run-local.sh and stop-local.sh: where the local suite keeps its state, and which
# Redis instances and services it runs on which ports. Sourced, not executed.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
STATE=${BRIDGING_STATE_DIR:-$ROOT/.state}
# Moves every port by this much, so a second suite (a test's) can run beside the first.
OFFSET=${BRIDGING_PORT_OFFSET:-0}

# name redis_port appendfsync grpc_port metrics_port ("-": the service keeps no data). The
# gateway comes last: it is the one door in, and its Redis holds API keys and the audit log.
# consent fsyncs every write (an acknowledged consent change is never lost); the others
# fsync once a second.
SUITE_SERVICES=(
  "consent $((6401 + OFFSET)) always $((7101 + OFFSET)) $((9101 + OFFSET))"
  "actions $((6402 + OFFSET)) everysec $((7102 + OFFSET)) $((9102 + OFFSET))"
  "anonymizer - - $((7103 + OFFSET)) $((9103 + OFFSET))"
  "analytics $((6404 + OFFSET)) everysec $((7104 + OFFSET)) $((9104 + OFFSET))"
  "gateway $((6400 + OFFSET)) everysec $((7100 + OFFSET)) $((9100 + OFFSET))"
)
# The gateway's Connect/JSON (HTTP/1.1) port; its gRPC port is in the table above.
GATEWAY_HTTP_PORT=$((8100 + OFFSET))
GATEWAY_GRPC="127.0.0.1:$((7100 + OFFSET))"

pid_alive() {  # pidfile -> 0 if its process runs
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
