#!/usr/bin/env bash
# Installs the Debian packages Bridging needs to build, run and test. Idempotent, no prompts.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev prometheus-cpp-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev libphonenumber-dev
  redis-server redis-tools curl jq
  libcpp-httplib-dev nginx
  postgresql-15 libpq-dev
  yamllint python3-yaml docker-compose
  chromium
  clang libclang-rt-14-dev
)
# The web UI is built with Node.js and npm (web/package-lock.json); its end-to-end tests drive
# Debian's chromium. Machines that bring their own Node.js keep it. clang and its sanitizer and
# libFuzzer runtimes build the fuzz targets (scripts/sanitize.sh).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
# kubectl renders the k8s/ overlays (kustomize) in the manifest test; some images ship their
# own kubectl package, which Debian's kubernetes-client would collide with.
command -v kubectl >/dev/null || packages+=(kubernetes-client)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# A packaged redis-server starts a system instance; the suite runs its own on other ports,
# so the system one is left as the package configured it.
echo "install-deps: done"
