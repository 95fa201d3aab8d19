"""Container entrypoint of the CKAN image: render $CKAN_INI, then run the command.

    entrypoint.py gunicorn ...          web (the image's default command)
    entrypoint.py ckan jobs worker ...  worker
    entrypoint.py init                  one-shot set-up job (ckan-init service)

The ini is rendered from ckan.ini.in at every start, from the environment and
the secret files in /run/secrets, so no secret is baked into the image or
written into the compose file. `init` is idempotent and does, in order, what
`make services` and `make demo` do locally: database + plugin migrations,
DataStore permissions, xloader's site-user token, then the producers,
dimension groups and pipeline bot (`ckan tangerang seed`), whose API token goes
to the bot-token volume that only airflow-init reads.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

APP = Path(os.environ.get("CKAN_APP_DIR", "/opt/ckan/app"))
SECRETS = Path(os.environ.get("SECRETS_DIR", "/run/secrets"))
XLOADER_TOKEN = Path(os.environ.get("XLOADER_TOKEN_FILE", "/var/lib/ckan/tokens/xloader_token"))
BOT_TOKEN = Path(os.environ.get("BOT_TOKEN_FILE", "/var/lib/ckan/bot/ckan_bot_token"))
BOT_TOKEN_GID = 950  # group hub-bot in docker/ckan/Dockerfile and docker/airflow/Dockerfile


def secret(name: str) -> str:
    path = SECRETS / name
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        raise SystemExit(f"secret {name!r} is missing: mount it at {path}") from None
    if not value:
        raise SystemExit(f"secret {name!r} is empty ({path})")
    return value


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise SystemExit(f"environment variable {name} is required")
    return value


def render() -> Path:
    target = Path(env("CKAN_INI"))
    xloader = XLOADER_TOKEN.read_text().strip() if XLOADER_TOKEN.exists() else ""
    values = {
        "secret_key": secret("ckan_secret_key"),
        "ckan_db_password": quote(secret("ckan_db_password"), safe=""),
        "datastore_ro_password": quote(secret("datastore_ro_password"), safe=""),
        "site_id": env("CKAN_SITE_ID", "tangerang"),
        "site_url": env("CKAN_SITE_URL"),
        "internal_url": env("CKAN_INTERNAL_URL", "http://ckan-web:5000"),
        "postgres_host": env("POSTGRES_HOST", "postgres"),
        "ckan_db": env("CKAN_DB", "ckan"),
        "datastore_db": env("DATASTORE_DB", "datastore"),
        "solr_url": env("CKAN_SOLR_URL", "http://solr:8983/solr/ckan"),
        "redis_url": env("CKAN_REDIS_URL", "redis://redis:6379/0"),
        "storage_path": env("CKAN_STORAGE_PATH", "/var/lib/ckan/storage"),
        "max_resource_size": env("CKAN_MAX_RESOURCE_SIZE_MB", "1024"),
        # CKAN refuses an empty token; `init` creates the real one and re-renders.
        "xloader_token": xloader or "pending",
    }
    text = string.Template((APP / "ckan.ini.in").read_text()).substitute(values)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 under a temporary name and renamed: never readable by others, never half-written.
    tmp = target.with_name(f".{target.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, target)
    return target


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, echoing it; secrets never go into `args` (pass them in `env`)."""
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, check=True, text=True, **kwargs)  # type: ignore[call-overload]


def init() -> None:
    ini = str(render())
    run("ckan", "-c", ini, "db", "init")
    run("ckan", "-c", ini, "db", "pending-migrations", "--apply")
    permissions = run("ckan", "-c", ini, "datastore", "set-permissions", capture_output=True).stdout
    # The admin password goes to psql through its environment, never through argv: argv is
    # echoed below and readable by anyone who can list the container's processes.
    admin = {
        **os.environ,
        "PGHOST": env("POSTGRES_HOST", "postgres"),
        "PGPORT": "5432",
        "PGUSER": env("POSTGRES_USER", "postgres"),
        "PGPASSWORD": secret("postgres_password"),
        "PGDATABASE": env("DATASTORE_DB", "datastore"),
    }
    run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", input=permissions, env=admin)
    run(sys.executable, str(APP / "xloader_token.py"), ini, str(XLOADER_TOKEN))
    render()  # now with xloader's token
    run("ckan", "-c", ini, "tangerang", "seed", "--token-file", str(BOT_TOKEN))
    # The seed writes the token owner-only; airflow-init (another user) reads it as a member
    # of the group hub-bot, which both images define with the same gid.
    os.chown(BOT_TOKEN, -1, BOT_TOKEN_GID)
    os.chmod(BOT_TOKEN, 0o640)
    # Solr's volume may be newer than the database (restored backup): index what is missing.
    run("ckan", "-c", ini, "search-index", "rebuild", "--only-missing")


def main(argv: list[str]) -> int:
    if argv[:1] == ["init"]:
        init()
        return 0
    render()
    if not argv:
        raise SystemExit("no command given")
    os.execvp(argv[0], argv)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
