"""Fixtures of the ckanext-tangerang tests (CKAN's pytest plugin, real PostgreSQL/Solr/Redis)."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories

VALID_SDI: dict[str, Any] = {
    "dimensi": ["society"],
    "frekuensi": "tahunan",
    "tingkat_penyajian": "kecamatan",
    "klasifikasi_akses": "terbuka",
    "cakupan_wilayah": "36.71",
    "cakupan_waktu_mulai": "2024-01-01",
    "cakupan_waktu_selesai": "2024-12-31",
    "walidata_nama": "Bidang Statistik",
    "walidata_email": "satudata@example.org",
    "topik": "Kependudukan",
}


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin does not register its marks; the root config is --strict-markers.
    config.addinivalue_line("markers", "ckan_config(key, value): override a CKAN config option")
    config.addinivalue_line("markers", "with_plugins: load the plugins of ckan.plugins")


@pytest.fixture(autouse=True)
def _fresh_home_summary():
    """The home page summary cache is per process: no test sees another's counts."""
    from ckanext.tangerang import catalog_summary

    catalog_summary.clear_cache()
    yield
    catalog_summary.clear_cache()


@pytest.fixture
def clean_db(reset_db: Any, migrate_db_for: Any) -> None:
    """An empty database with the tables of the plugins under test."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("tangerang")


@pytest.fixture
def sdi() -> dict[str, Any]:
    """Valid SDI metadata of a dataset (a fresh copy per test)."""
    return {k: (list(v) if isinstance(v, list) else v) for k, v in VALID_SDI.items()}


@pytest.fixture
def make_org():
    def make(org_type: str = "opd", **kwargs: Any) -> dict[str, Any]:
        return factories.Organization(org_type=org_type, **kwargs)

    return make


@pytest.fixture
def make_dataset(sdi: dict[str, Any]):
    def make(owner_org: str, **kwargs: Any) -> dict[str, Any]:
        return factories.Dataset(owner_org=owner_org, **{**sdi, **kwargs})

    return make
