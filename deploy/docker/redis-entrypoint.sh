#!/bin/sh
# Entrypoint of bridging/redis: renders redis.conf and users.acl, then execs redis-server.
#
# One Redis per owning service, configured like the local suite's (scripts/run-local.sh), from the
# same templates (deploy/local/redis.conf.in, users.acl.in, copied into the image), with the
# container's differences applied: it listens on all interfaces of its private network, logs to
# stdout, and keeps the rendered files under /tmp (the root filesystem may be read-only).
#
# Environment (the contract the compose file and the Kubernetes manifests rely on):
#   REDIS_SERVICE                 ACL user and key prefix of the owning service (required)
#   REDIS_APPENDFSYNC             always | everysec (default everysec)
#   REDIS_PORT                    default 6379
#   REDIS_SERVICE_PASSWORD_FILE   default /etc/bridging/secrets/redis-service.password
#   REDIS_OPS_PASSWORD_FILE       default /etc/bridging/secrets/redis-ops.password
# Optional, mainly for tests: REDIS_BIND (0.0.0.0), REDIS_DATA_DIR (/data), REDIS_CONFIG_DIR
# (/tmp/redis), REDIS_TEMPLATE_DIR (/usr/local/share/bridging/redis).
#
# Invoked as redis-ready (a symlink) or with the argument "ready": exits 0 when PING as the ops
# user answers PONG. Any other arguments are passed on to redis-server.
set -eu

REDIS_APPENDFSYNC=${REDIS_APPENDFSYNC:-everysec}
REDIS_PORT=${REDIS_PORT:-6379}
REDIS_SERVICE_PASSWORD_FILE=${REDIS_SERVICE_PASSWORD_FILE:-/etc/bridging/secrets/redis-service.password}
REDIS_OPS_PASSWORD_FILE=${REDIS_OPS_PASSWORD_FILE:-/etc/bridging/secrets/redis-ops.password}
REDIS_BIND=${REDIS_BIND:-0.0.0.0}
REDIS_DATA_DIR=${REDIS_DATA_DIR:-/data}
REDIS_CONFIG_DIR=${REDIS_CONFIG_DIR:-/tmp/redis}
REDIS_TEMPLATE_DIR=${REDIS_TEMPLATE_DIR:-/usr/local/share/bridging/redis}

die() {
  echo "redis-entrypoint: $*" >&2
  exit 64
}

# The secret in file $1 without trailing CR/LF, as the services read it (auth::LoadSecretFile),
# so a password file ending in a newline still matches what the services send.
secret_of() {
  if [ ! -f "$1" ] || [ ! -r "$1" ]; then
    die "cannot read password file $1 (is the secret mounted?)"
  fi
  _secret=$(cat "$1")
  _cr=$(printf '\r')
  _nl='
'
  while :; do
    case $_secret in
      *"$_cr" | *"$_nl") _secret=${_secret%?} ;;
      *) break ;;
    esac
  done
  [ ${#_secret} -ge 32 ] || die "password file $1 must hold at least 32 bytes"
  printf '%s' "$_secret"
}

check_port() {
  case $REDIS_PORT in
    '' | *[!0-9]*) die "REDIS_PORT must be a port number, not '$REDIS_PORT'" ;;
  esac
  if [ "$REDIS_PORT" -lt 1 ] || [ "$REDIS_PORT" -gt 65535 ]; then
    die "REDIS_PORT must be 1-65535, not '$REDIS_PORT'"
  fi
}

ready() {
  check_port
  ops_password=$(secret_of "$REDIS_OPS_PASSWORD_FILE")
  # REDISCLI_AUTH keeps the password off the command line (ps would show it).
  reply=$(REDISCLI_AUTH=$ops_password redis-cli --no-auth-warning -h 127.0.0.1 -p "$REDIS_PORT" \
    --user ops ping 2>/dev/null) || exit 1
  [ "$reply" = PONG ]
}

case ${0##*/} in
  redis-ready*) ready; exit ;;
esac
if [ "${1:-}" = ready ]; then
  ready
  exit
fi

# --- inputs -------------------------------------------------------------------------------------
service=${REDIS_SERVICE:-}
[ -n "$service" ] || die "REDIS_SERVICE is required (the owning service's ACL user, e.g. consent)"
case $service in
  [a-z]*) ;;
  *) die "REDIS_SERVICE must start with a lowercase letter, not '$service'" ;;
esac
case $service in
  *[!a-z0-9_-]*) die "REDIS_SERVICE may hold only a-z, 0-9, '_' and '-', not '$service'" ;;
  ops | default) die "REDIS_SERVICE cannot be '$service' (a reserved ACL user)" ;;
esac
case $REDIS_APPENDFSYNC in
  always | everysec) ;;
  *) die "REDIS_APPENDFSYNC must be 'always' or 'everysec', not '$REDIS_APPENDFSYNC'" ;;
esac
check_port
for dir in "$REDIS_DATA_DIR" "$REDIS_CONFIG_DIR" "$REDIS_TEMPLATE_DIR"; do
  case $dir in
    /*) ;;
    *) die "directories must be absolute paths, not '$dir'" ;;
  esac
  case $dir in
    *[!A-Za-z0-9._/-]*) die "directory '$dir' holds characters other than A-Za-z0-9._/-" ;;
  esac
done
case $REDIS_BIND in
  *[!0-9a-fA-F.:\ -]* | '') die "REDIS_BIND must be addresses, not '$REDIS_BIND'" ;;
esac
if [ ! -d "$REDIS_DATA_DIR" ] || [ ! -w "$REDIS_DATA_DIR" ]; then
  die "data directory $REDIS_DATA_DIR is missing or not writable by uid $(id -u)"
fi
for template in redis.conf.in users.acl.in; do
  [ -r "$REDIS_TEMPLATE_DIR/$template" ] || die "missing template $REDIS_TEMPLATE_DIR/$template"
done

# Only SHA-256 hashes of the passwords are written (ACL "#<hex>"); printf is a shell builtin, so
# the passwords never appear in a command line either. (A failing $(...) in an assignment stops
# the script under set -e, after secret_of has said why.)
ops_password=$(secret_of "$REDIS_OPS_PASSWORD_FILE")
service_password=$(secret_of "$REDIS_SERVICE_PASSWORD_FILE")
ops_hash=$(printf '%s' "$ops_password" | sha256sum | cut -d' ' -f1)
service_hash=$(printf '%s' "$service_password" | sha256sum | cut -d' ' -f1)
unset ops_password service_password

# --- render -------------------------------------------------------------------------------------
umask 077
mkdir -p "$REDIS_CONFIG_DIR"
chmod 700 "$REDIS_CONFIG_DIR"
conf=$REDIS_CONFIG_DIR/redis.conf
acl=$REDIS_CONFIG_DIR/users.acl

sed -e "s|@SERVICE@|$service|g" -e "s|@OPS_HASH@|$ops_hash|" -e "s|@SERVICE_HASH@|$service_hash|" \
  "$REDIS_TEMPLATE_DIR/users.acl.in" >"$acl.new"
mv "$acl.new" "$acl"

{
  echo "# Rendered by redis-entrypoint from deploy/local/redis.conf.in; bind, logfile and aclfile"
  echo "# are the container's (private network, stdout, $REDIS_CONFIG_DIR)."
  sed -e "s|^bind .*|bind $REDIS_BIND|" -e 's|^logfile .*|logfile ""|' \
    -e "s|^aclfile .*|aclfile $acl|" -e "s|@PORT@|$REDIS_PORT|" -e "s|@DIR@|$REDIS_DATA_DIR|g" \
    -e "s|@APPENDFSYNC@|$REDIS_APPENDFSYNC|" "$REDIS_TEMPLATE_DIR/redis.conf.in"
} >"$conf.new"
mv "$conf.new" "$conf"

# The template must still have the shape this script relies on.
for line in "bind $REDIS_BIND" "port $REDIS_PORT" "dir $REDIS_DATA_DIR" 'logfile ""' \
  "aclfile $acl" "appendonly yes" "appendfsync $REDIS_APPENDFSYNC" "daemonize no"; do
  grep -qxF "$line" "$conf" || die "rendered $conf lacks '$line': redis.conf.in changed shape"
done
if grep -q '^[^#]*@[A-Z_][A-Z_]*@' "$conf" "$acl"; then
  die "unfilled @PLACEHOLDER@ in $conf or $acl: the templates changed"
fi

echo "redis-entrypoint: '$service' on port $REDIS_PORT, appendfsync $REDIS_APPENDFSYNC," \
  "data in $REDIS_DATA_DIR" >&2
# exec: redis-server becomes this process, so SIGTERM reaches it (it fsyncs the AOF and exits).
exec redis-server "$conf" "$@"
