#!/bin/sh
# First start (empty $PGDATA): initdb with the superuser password from the
# secret file, password (scram) authentication for every TCP client, then the
# initdb.d scripts against a server that listens on its socket only. Every
# start: the server on all interfaces of the container, which compose.yaml
# attaches to the internal network only.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=/run/secrets/postgres_password
  initdb -D "$PGDATA" --username=postgres --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  for script in /docker-entrypoint-initdb.d/*.sh; do
    echo "hub-postgres: running $script"
    POSTGRES_USER=postgres sh -c "bash $script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "hub-postgres: cluster initialised"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
