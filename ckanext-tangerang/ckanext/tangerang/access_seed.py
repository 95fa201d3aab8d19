"""The restricted-data demo of ``ckan tangerang seed`` (``seed.yaml``: ``restricted_access``):
university users, members of their organization, and agreements, created once and kept."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.tangerang import access


def _site_context() -> dict[str, Any]:
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site["name"], "ignore_auth": True}


def _ensure_user(wanted: dict[str, Any], result: Any) -> None:
    """A plain user with a random password (set one with ``ckan user setpass``), member of
    its university organization."""
    org_name = wanted["organization"]
    fields = {k: v for k, v in wanted.items() if k != "organization"}
    if model.User.get(fields["name"]) is None:
        tk.get_action("user_create")(
            _site_context(), {**fields, "password": secrets.token_urlsafe(32)}
        )
        result.note("created", f"user:{fields['name']}")
    else:
        result.note("unchanged", f"user:{fields['name']}")
    if authz.users_role_for_group_or_org(org_name, fields["name"]) is None:
        tk.get_action("organization_member_create")(
            _site_context(), {"id": org_name, "username": fields["name"], "role": "member"}
        )
        result.note("updated", f"member:{org_name}:{fields['name']}")


def _ensure_agreement(wanted: dict[str, Any], result: Any) -> None:
    """Created when no agreement has its number; an existing one is left as the walidata
    keeps it."""
    number = str(wanted["number"])
    if model.Session.query(access.Agreement).filter_by(number=number).first() is not None:
        result.note("unchanged", f"agreement:{number}")
        return
    org = model.Group.get(wanted["organization"])
    if not access.is_university(org):
        raise ValueError(f"agreement {number}: {wanted['organization']} is not a university")
    agreement = access.Agreement(
        organization_id=org.id,
        number=number,
        start_date=dt.date.fromisoformat(str(wanted["start_date"])),
        end_date=dt.date.fromisoformat(str(wanted["end_date"])),
        package_ids=[],
        dimensions=list(wanted.get("dimensions") or []),
        note=wanted.get("note"),
    )
    model.Session.add(agreement)
    model.Session.commit()
    result.note("created", f"agreement:{number}")


def seed_demo(wanted: dict[str, Any], result: Any) -> None:
    for user in wanted.get("university_users") or []:
        _ensure_user(dict(user), result)
    for agreement in wanted.get("agreements") or []:
        _ensure_agreement(dict(agreement), result)
