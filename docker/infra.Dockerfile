# The parts around the API, built from Debian packages like the API's image (no registry
# beyond Debian's mirror): one target each.
#   docker build -f docker/infra.Dockerfile --target pgbouncer -t rendicion-pgbouncer .
#   docker build -f docker/infra.Dockerfile --target proxy     -t rendicion-proxy .
#   docker build -f docker/infra.Dockerfile --target postgres  -t rendicion-postgres .
# docker/compose.yaml uses pgbouncer and proxy; deploy/kubernetes/ uses pgbouncer and
# postgres (a Service balances the replicas there).

# ---- PgBouncer in transaction mode (docker/pgbouncer-entrypoint.sh writes its config) ---
FROM debian:bookworm-slim AS pgbouncer
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10002 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin bouncer
COPY docker/pgbouncer-entrypoint.sh /usr/local/bin/pgbouncer-entrypoint
USER 10002:10002
EXPOSE 6432
ENTRYPOINT ["/usr/local/bin/pgbouncer-entrypoint"]

# ---- HAProxy in front of the API replicas (docker/haproxy.cfg) ---------------------------
FROM debian:bookworm-slim AS proxy
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY docker/haproxy.cfg /etc/haproxy/haproxy.cfg
USER haproxy
EXPOSE 8080
STOPSIGNAL SIGUSR1
ENTRYPOINT ["/usr/sbin/haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"]

# ---- PostgreSQL 15 (docker/postgres-entrypoint.sh initialises an empty data dir) ---------
FROM debian:bookworm-slim AS postgres
# A fixed uid (999) so that deploy/kubernetes/postgres.yaml can name it.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      postgresql-15 \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:$PATH
USER 999:999
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
