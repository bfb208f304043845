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

if [ ! -s ca.crt ] || [ ! -s ca.key ]; then
  # A new CA did not sign the certificates already here: they are made again.
  rm -f ./*.crt ./*.key ca.srl
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Bridging local CA" -keyout ca.key -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
fi

for name in consent actions anonymizer analytics gateway gateway-public "$@"; do
  [ -s "$name.crt" ] && [ -s "$name.key" ] && continue
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
