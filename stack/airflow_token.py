"""Give the demo catalog's steward dashboard a read-only token of the demo's Airflow.

Airflow's simple auth manager issues a JWT for the ``katalog`` account (role ``viewer``,
stack/services.py) through ``POST /auth/token``; CKAN reads it from the file named by
``ckanext.tangerang.airflow_token_file`` on every dashboard view, so a new one takes effect
without a restart. Airflow's tokens expire (``[api_auth] jwt_expiration_time``, 24 hours):
`make demo` writes a fresh one each time it runs.

Usage: python3 stack/airflow_token.py
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import (  # noqa: E402 - stack/ is not a package
    AIRFLOW_CATALOG_TOKEN,
    AIRFLOW_PORT,
    SECRETS,
    secret,
    write_private,
)


def main() -> None:
    body = json.dumps({"username": "katalog", "password": secret("airflow_catalog_password")})
    request = urllib.request.Request(
        f"http://127.0.0.1:{AIRFLOW_PORT}/auth/token",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        token = json.load(answer)["access_token"]
    write_private(SECRETS / AIRFLOW_CATALOG_TOKEN, token + "\n")
    print(f"  airflow token of the catalog (viewer) written to var/secrets/{AIRFLOW_CATALOG_TOKEN}")


if __name__ == "__main__":
    main()
