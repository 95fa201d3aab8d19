#!/usr/bin/env bash
# Create every secret file docker/compose.yaml mounts, with random values, in
# docker/secrets/ (or $HUB_SECRETS_DIR, or the directory given as argument).
# Existing files are kept, so it is safe to run again; delete a file to rotate
# that secret (and see README.md for what a rotation implies, e.g. the database
# role's password).
#
# The directory is 0700 (only root on the host can enter it); the files are
# 0644 because compose bind-mounts each one at /run/secrets/<name> with its host
# mode and owner, and the services read them as their own non-root users.
set -euo pipefail
dir=${1:-${HUB_SECRETS_DIR:-"$(cd "$(dirname "$0")" && pwd)/secrets"}}
mkdir -p "$dir"
chmod 700 "$dir"
umask 022

rand() { python3 -c 'import secrets; print(secrets.token_hex(32))'; }
make_secret() {
  local name=$1 value=$2
  if [[ -s $dir/$name ]]; then
    echo "  kept     $name"
  else
    printf '%s' "$value" >"$dir/$name"
    echo "  created  $name"
  fi
}

for name in postgres_password ckan_db_password datastore_ro_password airflow_db_password \
            ckan_secret_key airflow_api_secret_key airflow_jwt_secret; do
  make_secret "$name" "$(rand)"
done
make_secret airflow_fernet_key \
  "$(python3 -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')"
admin_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
make_secret airflow_passwords.json "{\"admin\": \"$admin_password\"}"
echo "Airflow admin password: see $dir/airflow_passwords.json"
