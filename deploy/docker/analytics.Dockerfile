# Image of the Bridging analytics service: researchers' de-identified aggregates.
# From the repository root: docker build -f deploy/docker/analytics.Dockerfile -t bridging/analytics:0.1.0 .

# --- build stage ------------------------------------------------------------------------------
# Identical in all five service Dockerfiles except the BRIDGING_TARGETS line (checked by
# deploy/tests/check_containers.py), so the package, source and configure layers are cached once
# and shared by every image; only the last step builds this image's own target.
FROM debian:bookworm-slim AS build
ARG DEBIAN_FRONTEND=noninteractive
# The build packages of scripts/install-deps.sh; libpq-dev because bench/ needs it to configure.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
      libabsl-dev libhiredis-dev prometheus-cpp-dev libssl-dev \
      libgtest-dev libgmock-dev libbenchmark-dev \
      libre2-dev libphonenumber-dev libcpp-httplib-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBRIDGING_WERROR=ON \
      -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=/build/bin
ARG BRIDGING_TARGETS="analytics bridging-health"
RUN cmake --build /build --target ${BRIDGING_TARGETS} \
 && strip --strip-unneeded /build/bin/*

# --- runtime stage ----------------------------------------------------------------------------
FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
ARG BRIDGING_VERSION=0.1.0
LABEL org.opencontainers.image.title="bridging-analytics" \
      org.opencontainers.image.description="Bridging analytics service: researchers' de-identified aggregates" \
      org.opencontainers.image.version="${BRIDGING_VERSION}" \
      org.opencontainers.image.vendor="Bridging" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# Only the packages of the shared libraries the binaries link (objdump -p | grep NEEDED, then
# dpkg -S; libc6, libstdc++6 and libgcc-s1 are in the base image). The test checks the list.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libabsl20220623 \
      libgrpc++1.51 \
      libgrpc29 \
      libhiredis0.14 \
      libprometheus-cpp-core1.0 \
      libprometheus-cpp-pull1.0 \
      libprotobuf32 \
      libre2-9 \
      libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 bridging \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --no-log-init bridging
COPY --from=build /build/bin/analytics /usr/local/bin/analytics
# gRPC health checks (compose healthcheck, Kubernetes exec probes), over mutual TLS:
#   bridging-health --tls_ca_file=CA --tls_cert_file=CERT --tls_key_file=KEY 127.0.0.1:PORT
COPY --from=build /build/bin/bridging-health /usr/local/bin/bridging-health
USER 10001:10001
ENV BRIDGING_LISTEN_HOST=0.0.0.0 \
    BRIDGING_PORT=7104 \
    BRIDGING_METRICS_PORT=9104
EXPOSE 7104 9104
ENTRYPOINT ["/usr/local/bin/analytics"]
