#!/usr/bin/env bash
# Writes the secret files that the secretGenerators under secrets/ read: every file a
# secrets/**/kustomization.yaml lists. Usage: k8s/make-secrets.sh [k8s-dir]
# Never overwrites a non-empty file, so a second run changes nothing; new files are 0600.
# Certificates come from scripts/make-certs.sh (CA and working files in secrets/tls/).
set -euo pipefail
umask 077

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${1:-$here}
if [ ! -f "$root/secrets/kustomization.yaml" ]; then
  echo "make-secrets.sh: $root/secrets/kustomization.yaml not found (want the k8s/ directory)" >&2
  exit 2
fi
make_certs=$here/../scripts/make-certs.sh
# make-certs.sh's working directory: the CA (ca.key never enters a Secret) and one
# certificate per name; the kustomizations list copies of what they need.
tls=$root/secrets/tls

# Hex of N random bytes: letters and digits only, which every consumer accepts (the bootstrap
# admin key must be 32-256 letters/digits; secrets and Redis passwords need >= 32 bytes).
random_hex() { od -An -v -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

run_make_certs() {  # [extra name]
  if [ ! -f "$make_certs" ]; then
    echo "make-secrets.sh: $make_certs not found (run it from a checkout of the repository)" >&2
    exit 2
  fi
  bash "$make_certs" "$tls" "$@" >/dev/null
}

# The CA, made once by make-certs.sh. A new CA would not have signed the certificates already
# copied into secrets/, so it is made only while there are none.
ensure_ca() {
  if [ -s "$tls/ca.crt" ] && [ -s "$tls/ca.key" ]; then
    return 0
  fi
  if [ -s "$tls/ca.crt" ]; then
    echo "make-secrets.sh: ${tls#"$root"/}/ca.key is missing: cannot sign new certificates" >&2
    exit 2
  fi
  if [ -n "$(find "$root/secrets" -path "$tls" -prune -o -name 'tls-*.crt' -size +0 -print)" ]; then
    echo "make-secrets.sh: certificates exist but their CA (${tls#"$root"/}/ca.crt) does not;" \
      "restore it, or remove secrets/**/tls-* to make a new set" >&2
    exit 2
  fi
  run_make_certs
}

# A certificate and key for NAME in $tls, made by make-certs.sh with the suite's CA.
ensure_cert() {
  local name=$1
  if [ -s "$tls/$name.crt" ] && [ -s "$tls/$name.key" ]; then
    return 0
  fi
  ensure_ca
  run_make_certs "$name"
}

# Sets $from to the file in $tls behind a listed TLS file name (tls-ca.crt and tls-<x>-ca.crt:
# the CA; tls-<name>.crt / .key: that name's certificate / key), made first if need be.
tls_source() {
  local base=${1#tls-}
  case "$1" in
    tls-ca.crt | tls-*-ca.crt) ensure_ca; from=$tls/ca.crt ;;
    *.crt) ensure_cert "${base%.crt}"; from=$tls/$base ;;
    *.key) ensure_cert "${base%.key}"; from=$tls/$base ;;
  esac
}

# The content of one secret file, chosen by its name.
content_for() {
  case "$1" in
    pseudonym.keys) printf 'k1:%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" ;;  # key ring
    *) random_hex 32 ;;  # principal.secret, admin.key, *.password: 64 hex characters
  esac
}

# The file names listed under "files:" ("- key=file" or "- file") in one kustomization.
listed_files() {
  awk 'match($0, /^ *files:/) { indent = RLENGTH - 6; in_files = 1; next }
       in_files && match($0, /^ *- /) && RLENGTH - 2 == indent {
         sub(/^ *- /, ""); sub(/^[^=]*=/, ""); print; next
       }
       { in_files = 0 }' "$1"
}

created=0
kept=0
while IFS= read -r kustomization; do
  dir=$(dirname "$kustomization")
  for name in $(listed_files "$kustomization"); do
    if [[ ! "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
      echo "make-secrets.sh: $kustomization lists \"$name\"; want a plain file name" >&2
      exit 2
    fi
    if [[ "$name" == tls-* && ! "$name" =~ ^tls-[a-z0-9-]+\.(crt|key)$ ]] ||
      [[ "$name" == tls-ca.key || "$name" == tls-*-ca.key ]]; then
      echo "make-secrets.sh: $kustomization lists \"$name\"; want tls-<name>.crt," \
        "tls-<name>.key or tls-ca.crt (a CA's key never goes into a Secret)" >&2
      exit 2
    fi
    file=$dir/$name
    if [ -s "$file" ]; then  # an empty file holds nothing to lose: it is filled in
      kept=$((kept + 1))
      continue
    fi
    # Write beside the target, then rename: a partial file never takes its place.
    if [[ "$name" == tls-* ]]; then
      tls_source "$name"
      tmp=$(mktemp "$dir/.$name.XXXXXX")
      cat "$from" >"$tmp"
    else
      tmp=$(mktemp "$dir/.$name.XXXXXX")
      content_for "$name" >"$tmp"
    fi
    mv "$tmp" "$file"
    echo "created ${file#"$root"/}"
    created=$((created + 1))
  done
done < <(find "$root/secrets" -name kustomization.yaml | sort)
echo "make-secrets.sh: $created created, $kept kept (existing secrets are never overwritten)"

# Each certificate must go with its key and be signed by the CA beside it (tls-<name>-ca.crt,
# else tls-ca.crt): a file replaced by hand, or kept from an earlier CA, is reported here
# rather than by failed handshakes. A chain file's further certificates count as intermediates.
wrong=0
while IFS= read -r cert; do
  dir=$(dirname "$cert")
  base=$(basename "$cert" .crt)
  case "$base" in tls-ca | tls-*-ca) continue ;; esac
  key=$dir/$base.key
  ca=$dir/$base-ca.crt
  [ -s "$ca" ] || ca=$dir/tls-ca.crt
  if [ ! -s "$key" ] || [ "$(openssl x509 -in "$cert" -noout -pubkey 2>&1)" != \
    "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]; then
    echo "make-secrets.sh: ${key#"$root"/} is not the key of ${cert#"$root"/}" >&2
    wrong=1
  elif ! openssl verify -CAfile "$ca" -untrusted "$cert" "$cert" >/dev/null 2>&1; then
    echo "make-secrets.sh: ${cert#"$root"/} is not signed by ${ca#"$root"/}" >&2
    wrong=1
  fi
done < <(find "$root/secrets" -path "$tls" -prune -o -name 'tls-*.crt' -print | sort)
if [ "$wrong" != 0 ]; then
  echo "make-secrets.sh: replace the files above (or remove them to have them made again)" >&2
  exit 1
fi
