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


@pytest.fixture
def approve():
    """Approve a hub dataset as a sysadmin would: submit it for review, then approve it."""
    from ckan.tests.helpers import call_action

    def run(dataset_id: str) -> dict[str, Any]:
        reviewer = factories.Sysadmin()
        call_action("tangerang_review_submit", package_id=dataset_id)
        return call_action(
            "tangerang_review_approve",
            context={"user": reviewer["name"]},
            package_id=dataset_id,
        )

    return run


WALIDATA = "walidata-diskominfo"


@pytest.fixture
def review_world(make_dataset) -> dict[str, Any]:
    """Seeded producers, bot and walidata; one user (with an API token) per review role;
    a hub dataset of dinkes (``contract_id``) created private, as the hub creates it.

    Tests that use it set ``ckanext.tangerang.walidata_users`` to ``WALIDATA``.
    """
    from ckan.plugins import toolkit as tk
    from ckan.tests.helpers import call_action

    from ckanext.tangerang import seed

    seed.seed()
    producer = factories.UserWithToken()
    call_action("organization_member_create", id="dinkes", username=producer["name"], role="editor")
    sysadmin = factories.SysadminWithToken()
    bot = tk.config.get("ckanext.tangerang.bot_user")
    names = {"anonymous": "", "producer": producer["name"], "bot": bot}
    names |= {"walidata": WALIDATA, "sysadmin": sysadmin["name"]}
    tokens = {"anonymous": None, "producer": producer["token"], "sysadmin": sysadmin["token"]}
    for role in ("bot", "walidata"):
        tokens[role] = call_action("api_token_create", user=names[role], name="uji")["token"]
    dataset = make_dataset("dinkes", name="faskes-baru", contract_id="faskes-baru", private=True)
    return {"users": names, "tokens": tokens, "dataset": dataset}
