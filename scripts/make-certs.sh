#!/usr/bin/env bash
# Makes a private CA and the suite's certificates with OpenSSL, for local use and tests only:
# one per service (server and client use: mutual TLS between the gateway and the services
# and between services), and the gateway's public certificate. Subject names localhost,
# 127.0.0.1 and the service's name. Keeps what already exists: running it again is harmless.
#   usage: scripts/make-certs.sh [DIR [NAME...]]   (default .state/tls; NAMEs: more
#   certificates besides the suite's own, e.g. a practice's own backend)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/.state/tls}
shift || true
mkdir -p "$DIR"
chmod 700 "$DIR"
cd "$DIR"
umask 077

names=(consent actions anonymizer analytics gateway gateway-public "$@")
unsigned=()
for name in "${names[@]}"; do
  [ -s "$name.crt" ] && [ -s "$name.key" ] || unsigned+=("$name")
done
if [ ! -s ca.crt ]; then
  # A new CA did not sign the certificates already here: they are all made again.
  rm -f ./*.crt ./*.key ca.srl
  unsigned=("${names[@]}")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Bridging local CA" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
elif [ ${#unsigned[@]} -gt 0 ] && [ ! -s ca.key ]; then
  echo "make-certs.sh: $DIR/ca.key is missing: cannot sign ${unsigned[*]}" >&2
  exit 1
fi

for name in "${unsigned[@]}"; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$name.key" -out "$name.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,DNS:$name,IP:127.0.0.1" \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
done
chmod 644 ./*.crt
echo "certificates in $DIR (CA: $DIR/ca.crt)"
