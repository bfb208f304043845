#!/usr/bin/env bash
# Prints a BRIDGING_PORT_OFFSET at which every port of the local suite (scripts/suite.sh) is
# free, for tests that start a whole suite beside any other. The ports stay below the
# kernel's ephemeral range (32768 up), where other tests' free-port picks and outgoing
# connections land.
set -euo pipefail
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
  offset=$((10000 + RANDOM % 13000))
  ok=1
  for base in 6400 6401 6402 6404 7100 7101 7102 7103 7104 8100 9100 9101 9102 9103 9104; do
    port_free $((base + offset)) || { ok=0; break; }
  done
  if [ "$ok" = 1 ]; then echo "$offset"; exit 0; fi
done
echo "free-port-offset: no free offset found" >&2
exit 1
