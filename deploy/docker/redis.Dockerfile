# Container image of one Bridging service's Redis (redis-server 7.0, its own ACL user, AOF).
# Build from the repository root: docker build -f deploy/docker/redis.Dockerfile -t bridging/redis:0.1.0 .
# Configured by environment (REDIS_SERVICE, REDIS_APPENDFSYNC, REDIS_PORT, REDIS_*_PASSWORD_FILE):
# see deploy/docker/redis-entrypoint.sh. One stage: nothing is compiled.
FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
ARG BRIDGING_VERSION=0.1.0
LABEL org.opencontainers.image.title="bridging-redis" \
      org.opencontainers.image.description="Redis for one Bridging service: own ACL user limited to its key prefix, AOF on" \
      org.opencontainers.image.version="${BRIDGING_VERSION}" \
      org.opencontainers.image.vendor="Bridging" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 bridging \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --no-log-init bridging \
 && mkdir -p /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
# The local suite's templates, so both render the same configuration and ACL rules.
COPY deploy/local/redis.conf.in deploy/local/users.acl.in /usr/local/share/bridging/redis/
COPY deploy/docker/redis-entrypoint.sh /usr/local/bin/redis-entrypoint
RUN chmod 0755 /usr/local/bin/redis-entrypoint \
 && chmod 0644 /usr/local/share/bridging/redis/redis.conf.in /usr/local/share/bridging/redis/users.acl.in \
 && ln -s redis-entrypoint /usr/local/bin/redis-ready
USER 10001:10001
VOLUME ["/data"]
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=12 CMD ["/usr/local/bin/redis-ready"]
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
