"""Offline check of docker/compose.yaml (no Docker engine needed).

`docker compose config` is the real validator; where it is unavailable this
loads the YAML, resolves the `${VAR:-default}` interpolation from .env.example
and checks what this deployment relies on: every service has an image or a
build, a healthcheck (or is a one-shot job), a restart policy; volumes and
secrets it uses are declared; secret files are git-ignored paths; build
contexts and Dockerfiles exist; depends_on names real services.

    python docker/check_compose.py [docker/compose.yaml] [--schema compose-spec.json]

With --schema it also validates against the Compose Specification's JSON
Schema (schema/compose-spec.json of github.com/compose-spec/compose-spec).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ONE_SHOT = {"ckan-init", "airflow-init"}
EXPECTED = {
    "postgres",
    "redis",
    "solr",
    "ckan-init",
    "ckan-web",
    "ckan-worker",
    "airflow-init",
    "airflow-api-server",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}")


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (HERE / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def interpolate(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        if values.get(name):
            return values[name]
        if operator and "?" in operator:
            missing.append(name)
            return ""
        return default or ""

    return _VAR.sub(sub, text.replace("$$", "\0")).replace("\0", "$"), missing


def check(path: Path) -> list[str]:
    text, missing = interpolate(path.read_text(), env_example())
    errors = [f"required variable {name} has no value in .env.example" for name in missing]
    doc: dict[str, Any] = yaml.safe_load(text)
    services: dict[str, Any] = doc.get("services") or {}
    volumes = set(doc.get("volumes") or {})
    secrets = doc.get("secrets") or {}
    errors += [f"service {name} is missing" for name in sorted(EXPECTED - set(services))]
    for name, svc in services.items():
        where = f"service {name}"
        if not svc.get("image") and not svc.get("build"):
            errors.append(f"{where}: neither image nor build")
        build = svc.get("build")
        if build:
            context = (path.parent / build["context"]).resolve()
            dockerfile = context / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                errors.append(f"{where}: Dockerfile {dockerfile} does not exist")
        if not svc.get("restart"):
            errors.append(f"{where}: no restart policy")
        health = svc.get("healthcheck") or {}
        if name in ONE_SHOT:
            if not health.get("disable"):
                errors.append(f"{where}: one-shot job should disable its healthcheck")
        elif not health.get("test"):
            errors.append(f"{where}: no healthcheck")
        for mount in svc.get("volumes") or []:
            source = str(mount).split(":", 1)[0]
            if source.startswith((".", "/")):
                if not (path.parent / source).exists():
                    errors.append(f"{where}: bind mount {source} does not exist")
            elif source not in volumes:
                errors.append(f"{where}: volume {source} is not declared")
        for secret in svc.get("secrets") or []:
            secret_name = secret if isinstance(secret, str) else secret["source"]
            if secret_name not in secrets:
                errors.append(f"{where}: secret {secret_name} is not declared")
        for dep in svc.get("depends_on") or {}:
            if dep not in services:
                errors.append(f"{where}: depends_on unknown service {dep}")
        for key, value in (svc.get("environment") or {}).items():
            lowered = key.lower()
            if any(word in lowered for word in ("password", "secret", "token", "key")) and not (
                lowered.endswith(("_file", "_cmd")) or str(value).startswith("/run/secrets/")
            ):
                errors.append(f"{where}: {key} looks like a secret in plain environment")
    for name, spec in secrets.items():
        file = str(spec.get("file", ""))
        if not file.startswith("./secrets/"):
            errors.append(f"secret {name}: expected a file under ./secrets/, got {file!r}")
    return errors


def schema_errors(path: Path, schema_path: Path) -> list[str]:
    """Validate against the Compose Specification's JSON Schema (compose-spec.json)."""
    import json

    import jsonschema

    text, _ = interpolate(path.read_text(), env_example())
    validator = jsonschema.Draft7Validator(json.loads(schema_path.read_text()))
    return [
        f"schema: {'/'.join(map(str, error.path))}: {error.message[:200]}"
        for error in validator.iter_errors(yaml.safe_load(text))
    ]


def main(argv: list[str]) -> int:
    schema = None
    if "--schema" in argv:
        at = argv.index("--schema")
        schema = Path(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    path = Path(argv[0]) if argv else HERE / "compose.yaml"
    errors = check(path)
    if schema is not None:
        errors += schema_errors(path, schema)
    for error in errors:
        print(f"error: {error}")
    if not errors:
        print(f"{path}: ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
