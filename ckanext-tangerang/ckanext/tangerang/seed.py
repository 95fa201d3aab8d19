"""Idempotent creation of the producers, the dimension groups, the pipeline bot and the demo
walidata."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckan.lib import api_token
from ckan.types import Context

from ckanext.tangerang import review, vocab

log = logging.getLogger(__name__)

SEED_FILE = Path(__file__).parent / "seed.yaml"
TOKEN_NAME = "tangerang-pipeline"
WALIDATA_TOKEN_NAME = "tangerang-walidata"


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    token_written: bool = False
    walidata_token_written: bool = False

    def note(self, kind: str, name: str) -> None:
        getattr(self, kind).append(name)


def load_catalog() -> dict[str, Any]:
    with open(SEED_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _differs(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return any((current.get(k) or "") != (v or "") for k, v in wanted.items())


def _ensure_group(kind: str, wanted: dict[str, Any], result: SeedResult) -> dict[str, Any]:
    """Create or patch an organization (``kind="organization"``) or a group."""
    context = _site_context()
    try:
        current = tk.get_action(f"{kind}_show")(
            context, {"id": wanted["name"], "include_datasets": False}
        )
    except tk.ObjectNotFound:
        result.note("created", f"{kind}:{wanted['name']}")
        return tk.get_action(f"{kind}_create")(_site_context(), dict(wanted))
    if current.get("state") != "active" or _differs(current, wanted):
        result.note("updated", f"{kind}:{wanted['name']}")
        return tk.get_action(f"{kind}_patch")(
            _site_context(), {**wanted, "id": current["id"], "state": "active"}
        )
    result.note("unchanged", f"{kind}:{wanted['name']}")
    return current


def _ensure_bot(result: SeedResult) -> model.User:
    name = tk.config.get("ckanext.tangerang.bot_user")
    user = model.User.get(name)
    if user is None:
        tk.get_action("user_create")(
            _site_context(),
            {
                "name": name,
                "email": tk.config.get("ckanext.tangerang.bot_email"),
                "fullname": "Pipeline Satu Data Kota Tangerang",
                # Nobody logs in as the bot; it works with its API token only.
                "password": secrets.token_urlsafe(32),
            },
        )
        result.note("created", f"user:{name}")
        user = model.User.get(name)
    elif user.state != "active" or user.sysadmin:
        user.state = "active"
        user.sysadmin = False
        model.Session.commit()
        result.note("updated", f"user:{name}")
    else:
        result.note("unchanged", f"user:{name}")
    assert user is not None
    return user


def _ensure_walidata(wanted: dict[str, Any], result: SeedResult) -> model.User:
    """A plain user (no organization, not sysadmin); the role comes from the config list."""
    user = model.User.get(wanted["name"])
    if user is None:
        tk.get_action("user_create")(
            _site_context(),
            {**wanted, "password": secrets.token_urlsafe(32)},
        )
        result.note("created", f"user:{wanted['name']}")
        user = model.User.get(wanted["name"])
    elif user.state != "active":
        user.state = "active"
        model.Session.commit()
        result.note("updated", f"user:{wanted['name']}")
    else:
        result.note("unchanged", f"user:{wanted['name']}")
    assert user is not None
    if user.name not in review.walidata_names():
        log.warning("%s is not in ckanext.tangerang.walidata_users: no walidata", user.name)
    return user


def _ensure_editor(org: dict[str, Any], user: model.User, result: SeedResult) -> None:
    role = authz.users_role_for_group_or_org(org["id"], user.name)
    if role in ("editor", "admin"):
        return
    tk.get_action("organization_member_create")(
        _site_context(), {"id": org["id"], "username": user.name, "role": "editor"}
    )
    result.note("updated", f"member:{org['name']}:{user.name}")


def _ensure_group_member(group: dict[str, Any], user: model.User, result: SeedResult) -> None:
    # Datasets join their dimension groups automatically, and CKAN lets only
    # users who may manage a dataset's groups update it: the bot needs the
    # plain `member` role (manage_group) in each dimension group.
    if authz.users_role_for_group_or_org(group["id"], user.name) in ("member", "editor", "admin"):
        return
    tk.get_action("group_member_create")(
        _site_context(), {"id": group["id"], "username": user.name, "role": "member"}
    )
    result.note("updated", f"member:{group['name']}:{user.name}")


def _token_still_valid(path: Path, user: model.User) -> bool:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return False
    owner = api_token.get_user_from_token(token, update_access_time=False) if token else None
    return owner is not None and owner.id == user.id


def _write_token(path: Path, user: model.User, name: str = TOKEN_NAME) -> None:
    token = tk.get_action("api_token_create")(_site_context(), {"user": user.name, "name": name})[
        "token"
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def seed(token_file: Path | None = None, walidata_token_file: Path | None = None) -> SeedResult:
    """Create or update organizations, dimension groups, the bot and the demo walidata;
    optionally write the bot's token and the first walidata's (each 0600, kept while valid)."""
    result = SeedResult()
    catalog = load_catalog()
    organizations = [
        _ensure_group("organization", {**org}, result) for org in catalog["organizations"]
    ]
    labels = {c["value"]: c for c in vocab.dataset_choices("dimensi")}
    groups = []
    for name, description in catalog["groups"].items():
        wanted = {
            "name": name,
            "title": vocab.label(labels[name], "id"),
            "description": description,
        }
        groups.append(_ensure_group("group", wanted, result))

    bot = _ensure_bot(result)
    for org in organizations:
        if org.get("org_type") in vocab.BOT_ORG_TYPES:
            _ensure_editor(org, bot, result)
    for group in groups:
        _ensure_group_member(group, bot, result)

    if token_file is not None and not _token_still_valid(token_file, bot):
        _write_token(token_file, bot)
        result.token_written = True

    walidata = [_ensure_walidata(dict(w), result) for w in catalog.get("walidata") or []]
    if (
        walidata_token_file is not None
        and walidata
        and not _token_still_valid(walidata_token_file, walidata[0])
    ):
        _write_token(walidata_token_file, walidata[0], WALIDATA_TOKEN_NAME)
        result.walidata_token_written = True

    from ckanext.tangerang import showcase

    showcase.seed_items(catalog.get("showcase") or [], result)

    from ckanext.tangerang import access_seed

    access_seed.seed_demo(catalog.get("restricted_access") or {}, result)
    return result
