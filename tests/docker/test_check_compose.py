"""docker/check_compose.py: the compose stack agrees with the lock files and the local stack.

The first test is the guard itself (the repository as it is). The others copy the files
it reads into a temporary tree, change one pin, name or port in one place, and show the
guard names exactly that drift.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_compose", ROOT / "docker/check_compose.py")
assert _spec and _spec.loader
check_compose = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_compose)

READ = ["Makefile", "requirements/ckan.txt", "requirements/airflow.txt", "stack/services.py",
        "stack/solr/pom.xml"]  # fmt: skip


def test_repository_compose_agrees_with_locks_and_local_stack() -> None:
    assert check_compose.check(ROOT) == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docker", tmp_path / "docker", ignore=shutil.ignore_patterns("secrets"))
    for rel in READ:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, tmp_path / rel)
    assert check_compose.check(tmp_path) == []
    return tmp_path


def edit(root: Path, rel: str, pattern: str, replacement: str) -> None:
    """Replace the first match of `pattern` in one file; the pattern must be there."""
    path = root / rel
    text, count = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} not in {rel}"
    path.write_text(text)


DRIFTS = {
    "ckan lock": (
        "requirements/ckan.txt", r"^ckan==2\.12\.0$", "ckan==2.12.1",
        "compose build arg CKAN_VERSION=2.12.0 but the pin is 2.12.1",
    ),
    "ckan Dockerfile": (
        "docker/ckan/Dockerfile", r"^ARG CKAN_VERSION=2\.12\.0", "ARG CKAN_VERSION=2.11.4",
        "docker/ckan/Dockerfile: ARG CKAN_VERSION=2.11.4 but compose passes 2.12.0",
    ),
    "solr schema's ckan": (
        "docker/solr/Dockerfile", r"^ARG CKAN_VERSION=2\.12\.0", "ARG CKAN_VERSION=2.11.4",
        "docker/solr/Dockerfile: ARG CKAN_VERSION=2.11.4 but compose passes 2.12.0",
    ),
    "airflow lock": (
        "requirements/airflow.txt", r"^apache-airflow==3\.3\.2$", "apache-airflow==3.3.3",
        "compose build arg AIRFLOW_VERSION=3.3.2 but the pin is 3.3.3",
    ),
    "airflow Dockerfile": (
        "docker/airflow/Dockerfile", r"^ARG AIRFLOW_VERSION=3\.3\.2", "ARG AIRFLOW_VERSION=3.2.0",
        "docker/airflow/Dockerfile: ARG AIRFLOW_VERSION=3.2.0 but compose passes 3.3.2",
    ),
    "celery provider": (
        "requirements/airflow.txt", r"^apache-airflow-providers-celery==.*$", "",
        "CeleryExecutor but apache-airflow-providers-celery is not in airflow.txt",
    ),
    "solr pom": (
        "stack/solr/pom.xml", r"<solr\.version>9\.10\.1<", "<solr.version>9.10.2<",
        "compose build arg SOLR_VERSION=9.10.1 but the pin is 9.10.2",
    ),
    "postgres local stack": (
        "stack/services.py", r'^PG_VERSION, PG_CLUSTER, PG_PORT = "15"',
        'PG_VERSION, PG_CLUSTER, PG_PORT = "16"',
        "compose build arg PG_MAJOR=15 but the pin is 16",
    ),
    "postgres compose": (
        "docker/compose.yaml", r'PG_MAJOR: "15"', 'PG_MAJOR: "16"',
        "compose build arg PG_MAJOR=16 but the pin is 15",
    ),
    "postgres client in ckan image": (
        "docker/ckan/Dockerfile", r"postgresql-client-15", "postgresql-client-16",
        "docker/ckan/Dockerfile: PostgreSQL ['16'] but compose PG_MAJOR=15",
    ),
    "redis Dockerfile": (
        "docker/redis/Dockerfile", r"^ARG REDIS_MAJOR=7", "ARG REDIS_MAJOR=8",
        "docker/redis/Dockerfile: ARG REDIS_MAJOR=8 but compose passes 7",
    ),
    "service renamed": (
        "docker/compose.yaml", r"^  ckan-worker:$", "  ckan-jobs:",
        "service ckan-worker is missing",
    ),
    "url port": (
        "docker/compose.yaml", r"CKAN_INTERNAL_URL: http://ckan-web:5000",
        "CKAN_INTERNAL_URL: http://ckan-web:5001",
        "service ckan-web: CKAN_INTERNAL_URL uses ckan-web:5001, ckan-web EXPOSEs ['5000']",
    ),
    "url host": (
        "docker/compose.yaml", r"CKAN_SOLR_URL: http://solr:8983", "CKAN_SOLR_URL: http://search:8983",
        "CKAN_SOLR_URL names unknown service search",
    ),
    "published port": (
        "docker/compose.yaml", r'\$\{CKAN_PORT:-5000\}:5000"', '${CKAN_PORT:-5000}:5050"',
        "service ckan-web: publishes container port 5050, its image EXPOSEs ['5000']",
    ),
    "local solr port": (
        "stack/services.py", r"^SOLR_PORT = 8983", "SOLR_PORT = 8984",
        "service solr: EXPOSE ['8983'] but the local stack's SOLR_PORT is 8984",
    ),
    "redis published": (
        "docker/compose.yaml", r"^    volumes:\n      - redis-data:/data$",
        '    ports: ["6379:6379"]\n    volumes:\n      - redis-data:/data',
        "service redis: must not publish ports",
    ),
    "postgres on edge": (
        "docker/compose.yaml",
        r"^      - postgres-data:/var/lib/postgresql/data\n    networks: \[internal\]",
        "      - postgres-data:/var/lib/postgresql/data\n    networks: [internal, edge]",
        "service postgres: networks ['internal', 'edge'], want [internal] only",
    ),
    "proxy trusted from anywhere": (
        "docker/compose.yaml", r"FORWARDED_ALLOW_IPS: .*$", 'FORWARDED_ALLOW_IPS: "*"',
        "service ckan-web: FORWARDED_ALLOW_IPS='*'",
    ),
    "secret in environment": (
        "docker/compose.yaml", r"POSTGRES_USER: postgres$",
        "POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: hunter2",
        "service ckan-init: POSTGRES_PASSWORD looks like a secret in plain environment",
    ),
}  # fmt: skip


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_one_change_in_one_place_fails_the_guard(tree: Path, drift: str) -> None:
    rel, pattern, replacement, message = DRIFTS[drift]
    edit(tree, rel, pattern, replacement)
    errors = check_compose.check(tree)
    assert any(message in error for error in errors), errors


def test_main_exit_status(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_compose.main([str(tree)]) == 0
    edit(tree, "requirements/ckan.txt", r"^ckan==2\.12\.0$", "ckan==2.12.1")
    assert check_compose.main([str(tree)]) == 1
    assert "error: compose build arg CKAN_VERSION" in capsys.readouterr().out
