#!/bin/sh
# Creates the compose file's secrets in deploy/compose/secrets/; existing files are kept.
#
# Same kinds of secret as scripts/run-local.sh makes for the local suite:
#   principal.secret          base64 of 48 random bytes: the gateway signs principals with it
#   redis-ops.password        base64 of 48 random bytes: the "ops" user of every Redis
#   redis-<service>.password  base64 of 48 random bytes: each service's own Redis user
#   pseudonym.keys            "k1:<base64 of 32 random bytes>": the anonymizer's key ring
#   admin.key                 48 random lowercase letters/digits: the first operator API key
# Compose bind-mounts file secrets with their host owner and mode (uid/gid/mode are ignored
# outside swarm), and the containers run as uid 10001: so the directory is private (0700) and
# the files in it are read-only for everyone (0444): nobody else on the host can reach them.
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
chmod 0444 secrets/*
