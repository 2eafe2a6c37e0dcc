#!/bin/sh
# PgBouncer in transaction mode in front of DB_HOST:DB_PORT, for one user whose password
# comes from the environment (PGPASSWORD), written into a config under /tmp (the root
# filesystem may be read-only: /tmp is then a writable volume).
#   DB_HOST (db), DB_PORT (5432), DB_USER (rendicion), PGPASSWORD (required),
#   POOL_SIZE (server connections, 20), MAX_CLIENT_CONN (1000)
set -eu
: "${PGPASSWORD:?set PGPASSWORD}"
dir=/tmp/pgbouncer
mkdir -p "$dir"
umask 077
user="${DB_USER:-rendicion}"
printf '"%s" "%s"\n' "$user" "$(printf %s "$PGPASSWORD" | sed 's/"/""/g')" >"$dir/userlist.txt"
cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=${DB_HOST:-db} port=${DB_PORT:-5432}
[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = ${POOL_SIZE:-20}
max_client_conn = ${MAX_CLIENT_CONN:-1000}
ignore_startup_parameters = extra_float_digits
INI
exec pgbouncer "$dir/pgbouncer.ini"
