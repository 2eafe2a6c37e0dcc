#!/bin/sh
# PostgreSQL 15 from Debian's packages: initialises an empty $PGDATA with POSTGRES_USER
# (rendicion), POSTGRES_PASSWORD (required, scram-sha-256 over TCP) and POSTGRES_DB
# (rendicion), then runs the server in the foreground.
set -eu
user="${POSTGRES_USER:-rendicion}"
db="${POSTGRES_DB:-rendicion}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  createdb -U "$user" -E UTF8 -T template0 "$db" 2>/dev/null || true
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
