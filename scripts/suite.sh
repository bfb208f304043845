# Shared by run-local.sh and stop-local.sh: where the local suite keeps its state, and which
# Redis instances and services it runs. Sourced, not executed.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
STATE=${BRIDGING_STATE_DIR:-$ROOT/.state}

# name redis_port appendfsync grpc_port metrics_port ("-": the service keeps no data). The
# gateway comes last: it is the one door in, and its Redis holds API keys and the audit log.
# consent fsyncs every write (an acknowledged consent change is never lost); the others
# fsync once a second.
SUITE_SERVICES=(
  "consent 6401 always 7101 9101"
  "actions 6402 everysec 7102 9102"
  "anonymizer - - 7103 9103"
  "analytics 6404 everysec 7104 9104"
  "gateway 6400 everysec 7100 9100"
)
# The gateway's Connect/JSON (HTTP/1.1) port; its gRPC port is in the table above.
GATEWAY_HTTP_PORT=8100

pid_alive() {  # pidfile -> 0 if its process runs
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
