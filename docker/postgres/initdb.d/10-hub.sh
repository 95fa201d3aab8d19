#!/usr/bin/env bash
# First start of an empty data volume only (docker/postgres/entrypoint.sh runs
# /docker-entrypoint-initdb.d/*.sh): the hub's roles and databases, as
# stack/services.py `prepare` makes them locally, one password per role.
#
#   ckan_default  owner of ckan + datastore (CKAN web, worker, xloader)
#   datastore_ro  read-only DataStore role (CKAN's datastore_search_sql)
#   airflow       owner of the airflow metadata database (also Celery's result backend)
#
# Passwords come from the secret files mounted at /run/secrets and are read by
# psql itself (\set with backquotes), so none is on a command line. The
# DataStore grants (`ckan datastore set-permissions`) need CKAN's tables, so
# the ckan-init job applies them after `ckan db init`.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v ckan_db="${CKAN_DB:-ckan}" \
  -v datastore_db="${DATASTORE_DB:-datastore}" \
  -v airflow_db="${AIRFLOW_DB:-airflow}" <<'SQL'
\set ckan_pw `tr -d '\r\n' </run/secrets/ckan_db_password`
\set ro_pw `tr -d '\r\n' </run/secrets/datastore_ro_password`
\set airflow_pw `tr -d '\r\n' </run/secrets/airflow_db_password`
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
