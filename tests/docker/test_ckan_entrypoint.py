"""The CKAN container's entrypoint keeps secrets out of argv and of the container log."""

import importlib.util
import stat
import subprocess
from pathlib import Path

import pytest

ENTRYPOINT = Path(__file__).resolve().parents[2] / "docker" / "ckan" / "entrypoint.py"
SECRETS = {
    "ckan_secret_key": "ckan-secret-key-value",
    "ckan_db_password": "ckan-db-pw-9f3a",
    "datastore_ro_password": "ro-pw-77c1",
    "postgres_password": "postgres-admin-pw-41d2",
}


@pytest.fixture
def entrypoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secrets_dir, app = tmp_path / "secrets", tmp_path / "app"
    secrets_dir.mkdir()
    app.mkdir()
    for name, value in SECRETS.items():
        (secrets_dir / name).write_text(value)
    (app / "ckan.ini.in").write_text("db = ${ckan_db_password}\nro = ${datastore_ro_password}\n")
    monkeypatch.setenv("SECRETS_DIR", str(secrets_dir))
    monkeypatch.setenv("CKAN_APP_DIR", str(app))
    monkeypatch.setenv("CKAN_INI", str(tmp_path / "etc" / "ckan.ini"))
    monkeypatch.setenv("CKAN_SITE_URL", "https://data.tangerangkota.go.id")
    monkeypatch.setenv("XLOADER_TOKEN_FILE", str(tmp_path / "tokens" / "xloader"))
    monkeypatch.setenv("BOT_TOKEN_FILE", str(tmp_path / "bot" / "token"))
    spec = importlib.util.spec_from_file_location("ckan_entrypoint", ENTRYPOINT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rendered_ini_is_owner_only(entrypoint, tmp_path: Path) -> None:
    ini = entrypoint.render()
    assert stat.S_IMODE(ini.stat().st_mode) == 0o600
    assert SECRETS["ckan_db_password"] in ini.read_text()


def test_init_never_puts_a_secret_in_argv_or_the_log(
    entrypoint, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[list[str], dict]] = []

    def record(args, **kwargs):
        calls.append((list(args), kwargs))
        if "seed" in args:  # like `ckan tangerang seed`: the bot's token, owner-only
            token = Path(args[args.index("--token-file") + 1])
            token.parent.mkdir(parents=True, exist_ok=True)
            token.write_text("bot-token-value")
            token.chmod(0o600)
        return subprocess.CompletedProcess(args, 0, stdout="GRANT SELECT ON x TO y;\n")

    monkeypatch.setattr(entrypoint.subprocess, "run", record)
    entrypoint.init()
    log = capsys.readouterr().out
    psql = [kwargs for args, kwargs in calls if args[0] == "psql"]
    assert psql and psql[0]["env"]["PGPASSWORD"] == SECRETS["postgres_password"]
    for value in SECRETS.values():
        assert value not in log
        assert all(value not in " ".join(args) for args, _ in calls)
    # airflow-init reads the token as a member of group hub-bot, nobody else can.
    token = entrypoint.BOT_TOKEN.stat()
    assert (stat.S_IMODE(token.st_mode), token.st_gid) == (0o640, entrypoint.BOT_TOKEN_GID)
