#!/usr/bin/env bash
# Writes the secret files that the secretGenerators under secrets/ read: every file a
# secrets/**/kustomization.yaml lists. Usage: k8s/make-secrets.sh [k8s-dir]
# Never overwrites a non-empty file, so a second run changes nothing; new files are 0600.
set -euo pipefail
umask 077

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
if [ ! -f "$root/secrets/kustomization.yaml" ]; then
  echo "make-secrets.sh: $root/secrets/kustomization.yaml not found (want the k8s/ directory)" >&2
  exit 2
fi

# Hex of N random bytes: letters and digits only, which every consumer accepts (the bootstrap
# admin key must be 32-256 letters/digits; secrets and Redis passwords need >= 32 bytes).
random_hex() { od -An -v -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

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
    file=$dir/$name
    if [ -s "$file" ]; then  # an empty file holds nothing to lose: it is filled in
      kept=$((kept + 1))
      continue
    fi
    # Write beside the target, then rename: a partial file never takes its place.
    tmp=$(mktemp "$dir/.$name.XXXXXX")
    content_for "$name" >"$tmp"
    mv "$tmp" "$file"
    echo "created ${file#"$root"/}"
    created=$((created + 1))
  done
done < <(find "$root/secrets" -name kustomization.yaml | sort)
echo "make-secrets.sh: $created created, $kept kept (existing secrets are never overwritten)"
