"""Offline guard of docker/compose.yaml against the lock files and the local stack.

No Docker engine needed; `make test` runs it (tests/docker/test_check_compose.py).
It fails when something drifts:

- service names: exactly EXPECTED; every `http://NAME:PORT`-style URL in an
  environment names one of them, on a port that service's Dockerfile EXPOSEs;
- ports: published container ports, AIRFLOW__API__PORT and gunicorn's --bind are
  EXPOSEd; PostgreSQL, Redis and Solr listen on the ports of the local stack
  (stack/services.py PG_PORT, REDIS_PORT, SOLR_PORT);
- pinned versions: compose's build arguments (x-versions), every Dockerfile's
  `ARG NAME=default`, and the pins elsewhere: CKAN and Airflow in
  requirements/*.txt, Solr in stack/solr/pom.xml, PostgreSQL in stack/services.py,
  the Makefile and the Debian package names the Dockerfiles and the local base install;
  the CeleryExecutor needs apache-airflow-providers-celery in the Airflow lock;
- structure: an image or a build, a restart policy, a healthcheck (one-shot jobs
  disable theirs), declared volumes and secrets, secret files under the secrets
  directory, no secret-looking value in plain environment;
- deploy security: PostgreSQL, Redis and Solr publish no port and join only the
  `internal` network, which is `internal: true`; gunicorn's forwarded-allow-ips is
  never `*`.

    python docker/check_compose.py [REPO_ROOT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
ONE_SHOT = {"ckan-init", "airflow-init"}
DATA_SERVICES = {"postgres", "redis", "solr"}
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
    "airflow-worker",
}
# The local stack's port constant each data service must listen on.
LOCAL_PORTS = {"postgres": "PG_PORT", "redis": "REDIS_PORT", "solr": "SOLR_PORT"}
# Which build argument each Dockerfile must declare with the same default.
DOCKERFILE_ARGS = {
    "docker/ckan/Dockerfile": ("CKAN_VERSION",),
    "docker/airflow/Dockerfile": ("AIRFLOW_VERSION",),
    "docker/solr/Dockerfile": ("CKAN_VERSION", "SOLR_VERSION"),
    "docker/postgres/Dockerfile": ("PG_MAJOR",),
    "docker/redis/Dockerfile": ("REDIS_MAJOR",),
}
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}")
_URL = re.compile(r"\b[a-z][a-z0-9+]*://(?:[^@/\s:]+(?::[^@/\s]*)?@)?([a-z][a-z0-9-]*):(\d+)")


def env_example(root: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (root / "docker/.env.example").read_text().splitlines():
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


def load(root: Path) -> tuple[dict[str, Any], list[str]]:
    text, missing = interpolate((root / "docker/compose.yaml").read_text(), env_example(root))
    errors = [f"required variable {name} has no value in .env.example" for name in missing]
    return yaml.safe_load(text), errors


def _one(pattern: str, text: str, where: str, errors: list[str]) -> str | None:
    found = sorted(set(re.findall(pattern, text, re.MULTILINE)))
    if len(found) != 1:
        errors.append(f"{where}: expected one pin matching {pattern!r}, found {found}")
        return None
    return found[0]


def pins(root: Path, errors: list[str]) -> dict[str, str | None]:
    """The versions as the lock files and the local stack pin them."""
    read = lambda rel: (root / rel).read_text()  # noqa: E731
    return {
        "CKAN_VERSION": _one(r"^ckan==(\S+)", read("requirements/ckan.txt"), "ckan.txt", errors),
        "AIRFLOW_VERSION": _one(
            r"^apache-airflow==(\S+)", read("requirements/airflow.txt"), "airflow.txt", errors
        ),
        "SOLR_VERSION": _one(
            r"<solr\.version>([^<]+)<", read("stack/solr/pom.xml"), "pom.xml", errors
        ),
        "PG_MAJOR": _one(
            r'^PG_VERSION, PG_CLUSTER, PG_PORT = "(\d+)"',
            read("stack/services.py"),
            "stack/services.py",
            errors,
        ),  # fmt: skip
    }


def dockerfile_facts(path: Path) -> tuple[dict[str, list[str]], set[str], str]:
    text = path.read_text()
    args: dict[str, list[str]] = {}
    for name, value in re.findall(r"^ARG ([A-Z0-9_]+)=(\S+)", text, re.MULTILINE):
        args.setdefault(name, []).append(value)
    exposed = set(re.findall(r"^EXPOSE (\d+)", text, re.MULTILINE))
    return args, exposed, text


def check_versions(root: Path, services: dict[str, Any], errors: list[str]) -> None:
    pinned = pins(root, errors)
    builds = {name: svc["build"] for name, svc in services.items() if svc.get("build")}
    compose_args: dict[str, str] = {}
    for name, build in builds.items():
        for key, value in (build.get("args") or {}).items():
            if key in compose_args and compose_args[key] != str(value):
                errors.append(f"service {name}: build arg {key}={value} differs from other builds")
            compose_args.setdefault(key, str(value))
    for key, value in pinned.items():
        if value is not None and compose_args.get(key) != value:
            errors.append(f"compose build arg {key}={compose_args.get(key)} but the pin is {value}")
    for rel, keys in DOCKERFILE_ARGS.items():
        args, _, _ = dockerfile_facts(root / rel)
        for key in keys:
            for default in args.get(key) or [None]:
                if default != compose_args.get(key):
                    errors.append(f"{rel}: ARG {key}={default} but compose passes "
                                  f"{compose_args.get(key)}")  # fmt: skip
    major = compose_args.get("PG_MAJOR")
    if major:
        if f"postgresql-{major}" not in (root / "Makefile").read_text():
            errors.append(f"Makefile does not install postgresql-{major} (compose PG_MAJOR)")
        for rel in ("docker/base/build-base.sh", "docker/ckan/Dockerfile"):
            named = set(re.findall(r"postgresql-(?:client-)?(\d+)", (root / rel).read_text()))
            if named - {major}:
                errors.append(f"{rel}: PostgreSQL {sorted(named)} but compose PG_MAJOR={major}")
    executors = {
        str((svc.get("environment") or {}).get("AIRFLOW__CORE__EXECUTOR", ""))
        for svc in services.values()
    }
    airflow_lock = (root / "requirements/airflow.txt").read_text()
    if "CeleryExecutor" in executors and not re.search(
        r"^apache-airflow-providers-celery==", airflow_lock, re.MULTILINE
    ):
        errors.append("CeleryExecutor but apache-airflow-providers-celery is not in airflow.txt")


def check_ports(root: Path, services: dict[str, Any], errors: list[str]) -> None:
    exposed: dict[str, set[str]] = {}
    commands: dict[str, str] = {}
    for name, svc in services.items():
        build = svc.get("build")
        if build:
            dockerfile = (root / "docker" / build["context"] / build["dockerfile"]).resolve()
            if dockerfile.is_file():
                _, exposed[name], commands[name] = dockerfile_facts(dockerfile)
    local = (root / "stack/services.py").read_text()
    for name, constant in LOCAL_PORTS.items():
        match = re.search(rf"\b{constant}\b[^=\n]*= (.+)", local)
        values = re.findall(r"\d{4,5}", match.group(1)) if match else []
        port = values[-1] if values else None
        if name in exposed and port not in exposed[name]:
            errors.append(f"service {name}: EXPOSE {sorted(exposed[name])} but the local stack's "
                          f"{constant} is {port}")  # fmt: skip
    for name, svc in services.items():
        ports = exposed.get(name, set())
        for mapping in svc.get("ports") or []:
            container = str(mapping).rsplit(":", 1)[-1].split("/")[0]
            if container not in ports:
                errors.append(f"service {name}: publishes container port {container}, "
                              f"its image EXPOSEs {sorted(ports)}")  # fmt: skip
        environment = svc.get("environment") or {}
        api_port = environment.get("AIRFLOW__API__PORT")
        if api_port is not None and str(api_port) not in exposed.get("airflow-api-server", set()):
            errors.append(f"service {name}: AIRFLOW__API__PORT={api_port} is not EXPOSEd")
        for key, value in environment.items():
            for host, port in _URL.findall(str(value)):
                if host == "localhost":
                    continue
                if host not in services:
                    errors.append(f"service {name}: {key} names unknown service {host}")
                elif exposed.get(host) and port not in exposed[host]:
                    errors.append(f"service {name}: {key} uses {host}:{port}, "
                                  f"{host} EXPOSEs {sorted(exposed[host])}")  # fmt: skip
    ckan = commands.get("ckan-web", "")
    bind = re.search(r'"--bind", "[^"]*:(\d+)"', ckan)
    if bind and bind.group(1) not in exposed.get("ckan-web", set()):
        errors.append(f"docker/ckan/Dockerfile: gunicorn binds {bind.group(1)}, not EXPOSEd")
    if "forwarded-allow-ips" in ckan and re.search(r"forwarded-allow-ips[\", ]+\*", ckan):
        errors.append("docker/ckan/Dockerfile: gunicorn trusts X-Forwarded-* from anyone")


def check_security(doc: dict[str, Any], errors: list[str]) -> None:
    services: dict[str, Any] = doc.get("services") or {}
    networks = doc.get("networks") or {}
    if not (networks.get("internal") or {}).get("internal"):
        errors.append("network internal must be `internal: true`")
    for name in sorted(DATA_SERVICES & set(services)):
        svc = services[name]
        if svc.get("ports") or svc.get("expose"):
            errors.append(f"service {name}: must not publish ports")
        if list(svc.get("networks") or []) != ["internal"]:
            errors.append(f"service {name}: networks {svc.get('networks')}, want [internal] only")
    web = (services.get("ckan-web") or {}).get("environment") or {}
    allowed = str(web.get("FORWARDED_ALLOW_IPS", ""))
    if not allowed or "*" in allowed:
        errors.append(f"service ckan-web: FORWARDED_ALLOW_IPS={allowed!r}, want the proxy's")


def check_structure(root: Path, doc: dict[str, Any], errors: list[str]) -> None:
    services: dict[str, Any] = doc.get("services") or {}
    volumes = set(doc.get("volumes") or {})
    secrets = doc.get("secrets") or {}
    errors += [f"service {name} is missing" for name in sorted(EXPECTED - set(services))]
    errors += [f"service {name} is not expected" for name in sorted(set(services) - EXPECTED)]
    for name, svc in services.items():
        where = f"service {name}"
        if not svc.get("image") and not svc.get("build"):
            errors.append(f"{where}: neither image nor build")
        build = svc.get("build")
        if build:
            dockerfile = (root / "docker" / build["context"] / build["dockerfile"]).resolve()
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
                if not (root / "docker" / source).exists():
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


def check(root: Path = ROOT) -> list[str]:
    doc, errors = load(root)
    services: dict[str, Any] = doc.get("services") or {}
    check_structure(root, doc, errors)
    check_versions(root, services, errors)
    check_ports(root, services, errors)
    check_security(doc, errors)
    return errors


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    errors = check(root)
    for error in errors:
        print(f"error: {error}")
    if not errors:
        print(f"{root / 'docker/compose.yaml'}: ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
