"""`ckan tangerang seed`: producers, dimension groups and the pipeline bot, idempotently."""

from __future__ import annotations

import stat

import pytest
from ckan import authz, model
from ckan.lib import api_token
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action
from click.testing import CliRunner

from ckanext.tangerang import seed
from ckanext.tangerang.cli import tangerang

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations activity"
    ),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

OPDS = {
    "diskominfo",
    "dinkes",
    "disdik",
    "dishub",
    "dlh",
    "bappeda",
    "disdukcapil",
    "bpbd",
    "dinsos",
    "disnaker",
    "dpmptsp",
    "disperkim",
    "bapenda",
    "dpupr",
    "dinkopukm",
}
VERTICAL = {"bps-kota-tangerang", "bmkg", "kantah-kota-tangerang"}
DIMENSIONS = ["branding", "economy", "environment", "governance", "living", "society"]


def _orgs_by_type() -> dict[str, set[str]]:
    orgs = call_action("organization_list", all_fields=True, include_extras=True, limit=100)
    by_type: dict[str, set[str]] = {}
    for org in orgs:
        by_type.setdefault(org["org_type"], set()).add(org["name"])
    return by_type


def test_seed_creates_catalog_and_bot():
    seed.seed()
    by_type = _orgs_by_type()
    assert by_type["opd"] == OPDS
    assert by_type["instansi_vertikal"] == VERTICAL
    assert {"umt", "unis"} <= by_type["universitas"] and len(by_type["universitas"]) >= 3
    assert call_action("organization_show", id="dinkes")["title"] == (
        "Dinas Kesehatan Kota Tangerang"
    )

    groups = call_action("group_list", all_fields=True)
    assert sorted(g["name"] for g in groups) == DIMENSIONS
    titles = {g["name"]: g["title"] for g in groups}
    assert titles["governance"] == "Smart Governance — Tata Kelola Pemerintahan"

    bot_name = tk.config.get("ckanext.tangerang.bot_user")
    bot = model.User.get(bot_name)
    assert bot is not None and not bot.sysadmin
    for org in OPDS | VERTICAL:
        assert authz.users_role_for_group_or_org(org, bot_name) == "editor", org
    for org in by_type["universitas"]:
        assert authz.users_role_for_group_or_org(org, bot_name) is None, org


def test_seed_is_idempotent_and_repairs_drift(tmp_path):
    token_file = tmp_path / "secrets" / "bot.token"
    first = seed.seed(token_file=token_file)
    assert first.token_written
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text()
    members_before = model.Session.query(model.Member).count()

    second = seed.seed(token_file=token_file)
    assert second.created == [] and second.updated == []
    assert not second.token_written
    assert token_file.read_text() == token
    assert model.Session.query(model.Member).count() == members_before
    # Created: the organizations, 6 dimension groups, the bot, the demo walidata, the
    # showcase's demo items, and the restricted-data demo's users and agreements.
    showcase_items = len(seed.load_catalog()["showcase"])
    restricted = seed.load_catalog()["restricted_access"]
    access_items = len(restricted["university_users"]) + len(restricted["agreements"])
    assert len(call_action("organization_list")) == (
        len(first.created) - 6 - 2 - showcase_items - access_items
    )

    admin = factories.Sysadmin()
    call_action(
        "organization_patch", context={"user": admin["name"]}, id="dishub", title="Dishub (salah)"
    )
    third = seed.seed(token_file=token_file)
    assert third.updated == ["organization:dishub"]
    assert call_action("organization_show", id="dishub")["title"] == (
        "Dinas Perhubungan Kota Tangerang"
    )


def test_token_is_replaced_only_when_it_stops_working(tmp_path):
    token_file = tmp_path / "bot.token"
    seed.seed(token_file=token_file)
    old = token_file.read_text().strip()
    bot = api_token.get_user_from_token(old)
    assert bot is not None and bot.name == tk.config.get("ckanext.tangerang.bot_user")

    call_action("api_token_revoke", token=old)
    assert seed.seed(token_file=token_file).token_written
    new = token_file.read_text().strip()
    assert new != old
    assert api_token.get_user_from_token(new).name == bot.name

    token_file.write_text("not-a-token\n")
    assert seed.seed(token_file=token_file).token_written
    assert api_token.get_user_from_token(token_file.read_text().strip()) is not None


def test_cli_command(tmp_path):
    token_file = tmp_path / "bot.token"
    runner = CliRunner()
    result = runner.invoke(tangerang, ["seed", "--token-file", str(token_file)])
    assert result.exit_code == 0, result.output
    assert "created 33" in result.output
    assert f"bot token written: {token_file}" in result.output
    again = runner.invoke(tangerang, ["seed", "--token-file", str(token_file)])
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0, unchanged 33" in again.output
    assert "kept" in again.output


@pytest.mark.ckan_config("ckanext.tangerang.walidata_users", "walidata-diskominfo")
def test_the_demo_walidata_is_a_plain_user_whose_token_is_written_only_when_asked(tmp_path):
    from ckanext.tangerang import review

    seed.seed()
    walidata = model.User.get("walidata-diskominfo")
    assert walidata is not None and not walidata.sysadmin and walidata.state == "active"
    assert review.is_walidata(walidata)
    orgs = call_action("organization_list_for_user", id=walidata.id, permission="read")
    assert orgs == []
    assert call_action("api_token_list", user_id=walidata.id) == []

    token_file = tmp_path / "walidata.token"
    result = CliRunner().invoke(
        tangerang, ["seed", "--walidata-token-file", str(token_file)], catch_exceptions=False
    )
    assert f"walidata token written: {token_file}" in result.output
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text().strip()
    assert api_token.get_user_from_token(token).name == "walidata-diskominfo"
    again = CliRunner().invoke(tangerang, ["seed", "--walidata-token-file", str(token_file)])
    assert "walidata token kept" in again.output and token_file.read_text().strip() == token


def test_bot_may_update_a_dataset_that_sits_in_dimension_groups():
    seed.seed()
    admin = factories.Sysadmin()
    dataset = call_action(
        "package_create",
        {"user": admin["name"]},
        name="uji-grup-dimensi",
        title="Uji grup dimensi",
        owner_org="dinkes",
        groups=[{"name": "living"}, {"name": "society"}],
        dimensi=["living", "society"],
        frekuensi="tahunan",
        tingkat_penyajian="kota",
        klasifikasi_akses="terbuka",
        cakupan_wilayah="36.71",
    )
    bot = model.User.get("tangerang-bot")
    context = {"user": bot.name, "model": model}

    assert tk.check_access("package_update", context, {**dataset, "title": "Baru"})
    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        tk.check_access("package_update", {"user": outsider["name"]}, dataset)
    for group in ("living", "society"):
        assert authz.users_role_for_group_or_org(group, bot.name) == "member"
