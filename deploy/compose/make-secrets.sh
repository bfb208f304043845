#!/bin/sh
# Creates the compose file's secrets and certificates in deploy/compose/secrets/; existing files are kept.
#
# Same kinds of secret as scripts/run-local.sh makes for the local suite:
#   principal.secret          base64 of 48 random bytes: the gateway signs principals with it
#   redis-ops.password        base64 of 48 random bytes: the "ops" user of every Redis
#   redis-<service>.password  base64 of 48 random bytes: each service's own Redis user
#   pseudonym.keys            "k1:<base64 of 32 random bytes>": the anonymizer's key ring
#   admin.key                 48 random lowercase letters/digits: the first operator API key
#   tls/                      scripts/make-certs.sh: ca.crt, ca.key (never mounted) and
#                             <name>.crt/.key for each service and gateway-public
# Compose bind-mounts file secrets with their host owner and mode (uid/gid/mode are ignored
# outside swarm), and the containers run as uid 10001: so the directories are private (0700)
# and the files compose mounts are read-only for everyone (0444): nobody else on the host can
# reach them. The CA key stays 0600 for make-certs.sh alone.
set -eu
umask 077
cd "$(dirname "$0")"
mkdir -p secrets
chmod 700 secrets

random_b64() { head -c "$1" /dev/urandom | base64 -w0; }
admin_key() { LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c 48; echo; }
pseudonym_keys() { echo "k1:$(random_b64 32)"; }

new_secret() {  # file command...
  file=secrets/$1
  shift
  if [ -s "$file" ]; then
    return 0
  fi
  "$@" >"$file.new"
  mv "$file.new" "$file"
  echo "make-secrets: created $file"
}

new_secret principal.secret random_b64 48
new_secret redis-ops.password random_b64 48
for service in consent actions analytics gateway; do
  new_secret "redis-$service.password" random_b64 48
done
new_secret pseudonym.keys pseudonym_keys
new_secret admin.key admin_key
chmod 0444 secrets/*.secret secrets/*.password secrets/*.keys secrets/*.key

# Certificates: one generator (scripts/make-certs.sh) for the local suite, compose and
# Kubernetes, run only when a file is missing, so a second run touches nothing. Certificates
# of your own CA may replace the files (ca.key may then be absent); see deploy/docker/README.md.
tls_names="consent actions anonymizer analytics gateway gateway-public"
make_certs=../../scripts/make-certs.sh
missing=""
for name in $tls_names; do  # make-certs.sh makes (and remakes) a certificate and its key together
  if [ ! -s "secrets/tls/$name.crt" ] || [ ! -s "secrets/tls/$name.key" ]; then
    missing="$missing $name.crt $name.key"
  fi
done
if [ ! -s secrets/tls/ca.crt ]; then
  # A new CA would not have signed the certificates that are kept.
  if [ -n "$(find secrets/tls -name '*.crt' 2>/dev/null)" ]; then
    echo "make-secrets: secrets/tls holds certificates but no ca.crt; remove secrets/tls" \
      "to make a new set" >&2
    exit 1
  fi
  missing="ca.crt ca.key$missing"
elif [ -n "$missing" ] && [ ! -s secrets/tls/ca.key ]; then
  echo "make-secrets: cannot make$missing: secrets/tls/ca.key is missing" >&2
  exit 1
fi
if [ -n "$missing" ]; then
  if [ ! -f "$make_certs" ]; then
    echo "make-secrets: $make_certs not found (run from a checkout of the repository)" >&2
    exit 1
  fi
  if [ -d secrets/tls ]; then  # make-certs.sh rewrites both files of an incomplete pair
    find secrets/tls -type f -exec chmod u+w {} +
  fi
  bash "$make_certs" secrets/tls >/dev/null
  for file in $missing; do
    echo "make-secrets: created secrets/tls/$file"
  done
fi
chmod 700 secrets/tls
for file in ca.key ca.srl; do  # make-certs.sh's own: never mounted
  if [ -f "secrets/tls/$file" ]; then
    chmod 0600 "secrets/tls/$file"
  fi
done
for name in $tls_names; do
  chmod 0444 "secrets/tls/$name.crt" "secrets/tls/$name.key"
done
chmod 0444 secrets/tls/ca.crt

# Each certificate must go with its key and (but for the public one, which may come from
# another CA) be signed by ca.crt: a file replaced by hand, or kept from an earlier CA, is
# reported here rather than by failed handshakes.
wrong=0
for name in $tls_names; do
  cert=secrets/tls/$name.crt
  if [ "$(openssl x509 -in "$cert" -noout -pubkey 2>&1)" != \
    "$(openssl pkey -in "secrets/tls/$name.key" -pubout 2>/dev/null)" ]; then
    echo "make-secrets: secrets/tls/$name.key is not the key of $name.crt" >&2
    wrong=1
  elif [ "$name" != gateway-public ] &&
    ! openssl verify -CAfile secrets/tls/ca.crt -untrusted "$cert" "$cert" >/dev/null 2>&1; then
    echo "make-secrets: $cert is not signed by secrets/tls/ca.crt" >&2
    wrong=1
  fi
done
if [ "$wrong" != 0 ]; then
  echo "make-secrets: replace the files above (or remove them to have them made again)" >&2
  exit 1
fi
