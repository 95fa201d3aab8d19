#!/usr/bin/env bash
# First start of an empty data volume only (postgres:15's docker-entrypoint
# runs /docker-entrypoint-initdb.d/*): the hub's roles and databases, as
# stack/services.py `prepare` makes them locally.
#
#   ckan_default  owner of ckan + datastore (CKAN web, worker, xloader)
#   datastore_ro  read-only DataStore role (CKAN's datastore_search_sql)
#   airflow       owner of the airflow metadata database
#
# Passwords come from the secret files mounted at /run/secrets. The DataStore
# grants (`ckan datastore set-permissions`) need CKAN's tables, so the
# ckan-init job applies them after `ckan db init`.
set -euo pipefail

read_secret() { tr -d '\r\n' <"/run/secrets/$1"; }

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v ckan_pw="$(read_secret ckan_db_password)" \
  -v ro_pw="$(read_secret datastore_ro_password)" \
  -v airflow_pw="$(read_secret airflow_db_password)" \
  -v ckan_db="${CKAN_DB:-ckan}" \
  -v datastore_db="${DATASTORE_DB:-datastore}" \
  -v airflow_db="${AIRFLOW_DB:-airflow}" <<'SQL'
CREATE ROLE ckan_default LOGIN PASSWORD :'ckan_pw';
CREATE ROLE datastore_ro LOGIN PASSWORD :'ro_pw';
CREATE ROLE airflow LOGIN PASSWORD :'airflow_pw';
CREATE DATABASE :"ckan_db" OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE :"datastore_db" OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE :"airflow_db" OWNER airflow ENCODING 'UTF8' TEMPLATE template0;
REVOKE CONNECT ON DATABASE :"ckan_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"ckan_db" TO ckan_default;
REVOKE CONNECT ON DATABASE :"airflow_db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"airflow_db" TO airflow;
SQL
echo "hub: roles ckan_default, datastore_ro, airflow and their databases created"
