#!/usr/bin/env bash
# Store the CKAN bot's token as an Airflow Connection (encrypted with the
# Fernet key in the metadata DB). The token never appears on a command line.
# Usage: stack/airflow_connection.sh CONN_ID BASE_URL TOKEN_FILE
set -euo pipefail
conn_id=$1 base_url=$2 token_file=$3
host_port=${base_url#*://}
tmp=$(mktemp)
chmod 600 "$tmp"
trap 'rm -f "$tmp"' EXIT
python3 - "$conn_id" "${host_port%%:*}" "${host_port##*:}" "$token_file" >"$tmp" <<'PY'
import json, sys
conn_id, host, port, token_file = sys.argv[1:]
token = open(token_file).read().strip()
print(json.dumps({conn_id: {
    "conn_type": "http", "host": host, "port": int(port), "schema": "http",
    "login": "tangerang-bot", "password": token,
    "description": "CKAN Action API as the non-sysadmin pipeline bot (editor)",
}}))
PY
mv "$tmp" "$tmp.json"
tmp="$tmp.json"
airflow connections import --overwrite "$tmp" >/dev/null
echo "  airflow connection $conn_id -> $base_url (token from $token_file)"
