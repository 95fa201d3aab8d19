"""Usage statistics counted on the server: downloads, DataStore API reads, dataset page views.

What is counted (``KINDS``), per day in WIB (Asia/Jakarta), dataset and resource:

- ``download``: a file served by CKAN's download route (its ``resource_download`` signal,
  sent for uploaded files; a link resource's redirect serves nothing and is not counted);
- ``api``: a DataStore read through the action API (``datastore_search``,
  ``datastore_search_sql``, ``datastore_info``; the ``action_succeeded`` signal of a
  request to ``/api/action/<that action>``, so an action one calls inside another, or a
  page's own call, is not a read);
- ``view``: a dataset page (the ``dataset.read`` view) answered with 200.

Each hit adds one to the row of all visitors (``organization`` ``''``) and, for a signed-in
member of partner universities (organizations with ``org_type: universitas``), to the row
of each such organization (its id). Rows are aggregated on write (an upsert), so the table
has one row per day, dataset, resource, kind and organization.

No IP address is stored. A visitor is the SHA-256 of the day's random salt, the IP and the
user agent; the day's hashes (``tangerang_usage_seen``) tell a new visitor of a row from a
returning one. The salt is made at the first hit of a day; that hit also deletes the
salts and hashes of earlier days, so a hash can no longer be recomputed from a guessed IP.
Requests whose user agent matches ``BOT_PATTERNS`` are not counted.

Counting never breaks the response: it runs in a connection and transaction of its own,
and any error is logged and dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import ckan.model as model
import sqlalchemy as sa
from flask import has_request_context, request

from ckanext.tangerang import api_request

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
DOWNLOAD = "download"
API = "api"
VIEW = "view"
KINDS = (DOWNLOAD, API, VIEW)
DATASTORE_ACTIONS = ("datastore_search", "datastore_search_sql", "datastore_info")
UNIVERSITY_ORG_TYPE = "universitas"
ALL_VISITORS = ""

# Crawlers and link previewers that do not name themselves a bot, crawler or spider, the
# generic words that most do, and the hub's own pipeline. Command-line clients and libraries
# (curl, python-requests) are developers using the data and are counted.
BOT_PATTERNS = (
    r"bot\b|bot/|crawler|crawl|spider",
    r"slurp",  # Yahoo
    r"facebookexternalhit|facebookcatalog",
    r"mediapartners-google|adsbot-google|google-inspectiontool|storebot-google",
    r"bingpreview",
    r"ia_archiver|archive\.org_bot",
    r"semrush|ahrefs|mj12bot|dotbot|petalbot|yandex|baiduspider|bytespider",
    r"headless.*(lighthouse|pingdom)|pingdom|uptimerobot|statuscake",
    # The hub's own pipeline (tangerang_hub.http_client.USER_AGENT) publishing and checking
    # its datasets: the catalog's work, not a use of the data.
    r"^tangerang-open-data-hub/",
)
BOT_RE = re.compile("|".join(f"(?:{p})" for p in BOT_PATTERNS), re.IGNORECASE)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)

DAILY = "tangerang_usage_daily"
SEEN = "tangerang_usage_seen"
SALT = "tangerang_usage_salt"

# The first hit of a day in this process prunes earlier days; later ones read the salt here.
_salts: dict[dt.date, str] = {}


def today() -> dt.date:
    """Today in WIB, the day usage is counted under."""
    return dt.datetime.now(WIB).date()


def is_bot(user_agent: str | None) -> bool:
    """Whether ``user_agent`` is a known crawler or bot (``BOT_PATTERNS``)."""
    return bool(user_agent) and BOT_RE.search(user_agent or "") is not None


def visitor_hash(salt: str, ip: str, user_agent: str) -> str:
    """The day's pseudonym of a visitor: SHA-256 of salt, IP and user agent (hex)."""
    return hashlib.sha256(f"{salt}\n{ip}\n{user_agent}".encode()).hexdigest()


# --- writing --------------------------------------------------------------------------------


def _salt(conn: sa.Connection, day: dt.date) -> str:
    """The salt of ``day``; made at its first hit, which deletes earlier salts and hashes."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    conn.execute(
        sa.text(f"INSERT INTO {SALT} (day, salt) VALUES (:day, :salt) ON CONFLICT DO NOTHING"),
        {"day": day, "salt": secrets.token_hex(32)},
    )
    salt = conn.execute(
        sa.text(f"SELECT salt FROM {SALT} WHERE day = :day"), {"day": day}
    ).scalar_one()
    conn.execute(sa.text(f"DELETE FROM {SALT} WHERE day < :day"), {"day": day})
    conn.execute(sa.text(f"DELETE FROM {SEEN} WHERE day < :day"), {"day": day})
    _salts.clear()
    _salts[day] = salt
    return salt


UPSERT = f"""
WITH new_visitor AS (
    INSERT INTO {SEEN} (day, package_id, resource_id, kind, organization, visitor)
    VALUES (:day, :package_id, :resource_id, :kind, :organization, :visitor)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
INSERT INTO {DAILY} AS d (day, package_id, resource_id, kind, organization, count,
                          unique_visitors)
VALUES (:day, :package_id, :resource_id, :kind, :organization, 1,
        (SELECT count(*) FROM new_visitor))
ON CONFLICT (day, package_id, resource_id, kind, organization) DO UPDATE
SET count = d.count + 1, unique_visitors = d.unique_visitors + EXCLUDED.unique_visitors
"""


def record(
    kind: str,
    package_id: str,
    resource_id: str = "",
    *,
    ip: str,
    user_agent: str,
    organizations: Iterable[str] = (),
    day: dt.date | None = None,
) -> bool:
    """Count one hit of ``kind`` on a dataset (and resource) by the visitor ``ip`` +
    ``user_agent``, for all visitors and for each of the visitor's partner
    ``organizations`` (ids). Returns False, counting nothing, for a bot. Raises on
    database errors (``record_request`` is the caller that must never raise)."""
    if kind not in KINDS:
        raise ValueError(f"unknown usage kind {kind!r}")
    if is_bot(user_agent):
        return False
    day = day or today()
    with model.meta.engine.begin() as conn:
        visitor = visitor_hash(_salt(conn, day), ip, user_agent)
        for organization in (ALL_VISITORS, *sorted(set(organizations))):
            conn.execute(
                sa.text(UPSERT),
                {
                    "day": day,
                    "package_id": package_id,
                    "resource_id": resource_id,
                    "kind": kind,
                    "organization": organization,
                    "visitor": visitor,
                },
            )
    return True


def partner_organizations(user_id: str | None) -> list[str]:
    """Ids of the partner universities (``org_type: universitas``) the user is a member of."""
    if not user_id:
        return []
    query = sa.text(
        """
        SELECT g.id FROM "member" m
        JOIN "group" g ON g.id = m.group_id
        WHERE m.table_name = 'user' AND m.table_id = :user_id AND m.state = 'active'
          AND g.is_organization AND g.state = 'active'
          AND g.extras ->> 'org_type' = :org_type
        """
    )
    with model.meta.engine.connect() as conn:
        rows = conn.execute(query, {"user_id": user_id, "org_type": UNIVERSITY_ORG_TYPE})
        return sorted(r[0] for r in rows)


def _current_user_id() -> str | None:
    from ckan.common import current_user

    try:
        return current_user.id if current_user.is_authenticated else None
    except AttributeError:
        return None


def record_request(kind: str, package_id: str | None, resource_id: str = "") -> None:
    """Count one hit of the current request; logs and drops every error (a count must
    never break a download or a page)."""
    if not package_id or not has_request_context():
        return
    try:
        record(
            kind,
            package_id,
            resource_id,
            ip=request.remote_addr or "",
            user_agent=request.headers.get("User-Agent", ""),
            organizations=partner_organizations(_current_user_id()),
        )
    except Exception:  # noqa: BLE001 - counting is best effort by design
        log.exception("usage: could not count a %s of dataset %s", kind, package_id)


def _resource_package(resource_id: str) -> str | None:
    with model.meta.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT package_id FROM resource WHERE id = :id AND state = 'active'"),
            {"id": resource_id},
        ).scalar_one_or_none()


# --- signal receivers and the request hook (wired in plugin.py / usage_views.py) ----------


def on_resource_download(resource_id: str, **_: Any) -> None:
    """Receiver of ``resource_download`` (sent by CKAN's download view for an upload)."""
    try:
        package_id = _resource_package(resource_id)
    except Exception:  # noqa: BLE001
        log.exception("usage: could not find the dataset of resource %s", resource_id)
        return
    record_request(DOWNLOAD, package_id, resource_id)


def _read_resource_ids(action_name: str, data_dict: dict[str, Any]) -> list[str]:
    if action_name == "datastore_search_sql":
        return list(dict.fromkeys(m.lower() for m in UUID_RE.findall(str(data_dict.get("sql")))))
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    return [resource_id] if isinstance(resource_id, str) else []


def on_action_succeeded(action_name: str, **kwargs: Any) -> None:
    """Receiver of ``action_succeeded``: counts the DataStore read a visitor asked the action
    API for (only the action named in the request's URL)."""
    if action_name not in DATASTORE_ACTIONS or not api_request.is_api_call_of(action_name):
        return
    for resource_id in _read_resource_ids(action_name, kwargs.get("data_dict") or {}):
        try:
            package_id = _resource_package(resource_id)
        except Exception:  # noqa: BLE001
            log.exception("usage: could not find the dataset of resource %s", resource_id)
            continue
        record_request(API, package_id, resource_id)


def after_request(response: Any) -> Any:
    """After every request: a dataset page answered with 200 counts as a view."""
    if request.endpoint == "dataset.read" and response.status_code == 200:
        try:
            package_id = _package_id((request.view_args or {}).get("id"))
        except Exception:  # noqa: BLE001
            log.exception("usage: could not find the dataset of a page view")
            return response
        record_request(VIEW, package_id)
    return response


def _package_id(id_or_name: str | None) -> str | None:
    if not id_or_name:
        return None
    with model.meta.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM package WHERE (id = :v OR name = :v) AND state = 'active'"),
            {"v": id_or_name},
        ).scalar_one_or_none()


# --- reading --------------------------------------------------------------------------------


def _period(start: dt.date | None, end: dt.date | None) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if start is not None:
        clauses.append("day >= :start")
        params["start"] = start
    if end is not None:
        clauses.append("day <= :end")
        params["end"] = end
    return (" AND " + " AND ".join(clauses)) if clauses else "", params


def downloads_per_package(
    start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, int]:
    """Resource downloads of every dataset from ``start`` to ``end`` (WIB days, both
    included; ``None``: unbounded): package id -> downloads, all visitors. Datasets without
    a download are absent. Private datasets are included: callers show what they may."""
    where, params = _period(start, end)
    query = sa.text(
        f"SELECT package_id, sum(count) FROM {DAILY} "
        f"WHERE kind = :kind AND organization = '' {where} GROUP BY package_id"
    )
    with model.meta.engine.connect() as conn:
        rows = conn.execute(query, {"kind": DOWNLOAD, **params})
        return {package_id: int(total) for package_id, total in rows}


def period(
    start: dt.date | None = None, end: dt.date | None = None, days: int = 30
) -> tuple[dt.date, dt.date]:
    """``(start, end)``: the given days, by default the ``days`` days ending today (WIB)."""
    end = end or today()
    start = start or end - dt.timedelta(days=days - 1)
    if start > end:
        raise ValueError("start is after end")
    return start, end


def month_period(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``YYYY-MM``; ``ValueError`` for anything else."""
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ValueError(f"not a month: {month!r}")
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


PUBLIC_ROWS = f"""
SELECT d.day, d.package_id, d.resource_id, d.kind, d.organization, d.count,
       d.unique_visitors
FROM {DAILY} d JOIN package p ON p.id = d.package_id
WHERE p.state = 'active' AND NOT p.private AND p.type = 'dataset'
  AND d.day BETWEEN :start AND :end
"""

PACKAGES = """
SELECT p.id, p.name, p.title, o.name, o.title, p.extras ->> 'dimensi'
FROM package p LEFT JOIN "group" o ON o.id = p.owner_org
WHERE p.id = ANY(:ids)
"""

ORGANIZATIONS = 'SELECT id, name, title FROM "group" WHERE id = ANY(:ids)'


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


def _packages(conn: sa.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    from ckanext.tangerang import catalog_summary

    rows = conn.execute(sa.text(PACKAGES), {"ids": list(ids)})
    return {
        pid: {
            "id": pid,
            "name": name,
            "title": title or name,
            "organization": {"name": org_name, "title": org_title or org_name}
            if org_name
            else None,
            "dimensions": catalog_summary.dataset_dimensions({"dimensi": dims}),
        }
        for pid, name, title, org_name, org_title, dims in rows
    }


def _rank(entry: dict[str, Any]) -> tuple[int, int, str]:
    """Most used first: downloads plus DataStore reads, then page views, then the title."""
    counts = entry["counts"]
    return (-(counts[DOWNLOAD] + counts[API]), -counts[VIEW], entry["title"])


def statistics(start: dt.date, end: dt.date, top: int = 5) -> dict[str, Any]:
    """The usage of public datasets from ``start`` to ``end`` (WIB days, both included).

    ``unique_visitors`` are sums of daily unique visitors (a visitor is recognised within a
    day only: the salt changes every day). Returns ``start``, ``end``, ``kinds``,
    ``totals`` (kind -> ``count``, ``unique_visitors``), ``daily`` (every day of the period,
    oldest first: ``day`` and a count per kind), ``datasets`` (most used first: ``id``,
    ``name``, ``title``, ``organization``, ``dimensions``, ``counts``, ``unique_visitors``,
    ``resources`` (resource id -> count per kind)), ``dimensions`` (each smart-city
    dimension -> its ``top`` most used datasets, as in ``datasets``) and
    ``organizations`` (partner universities with usage, most first: ``id``, ``name``,
    ``title``, ``counts``, ``unique_visitors``)."""
    from ckanext.tangerang import vocab

    days = (end - start).days + 1
    daily = {start + dt.timedelta(days=i): _empty_counts() for i in range(days)}
    totals = {kind: {"count": 0, "unique_visitors": 0} for kind in KINDS}
    per_package: dict[str, dict[str, Any]] = {}
    per_org: dict[str, dict[str, Any]] = {}
    with model.meta.engine.connect() as conn:
        rows = conn.execute(sa.text(PUBLIC_ROWS), {"start": start, "end": end}).all()
        for day, package_id, resource_id, kind, organization, count, visitors in rows:
            if organization:
                entry = per_org.setdefault(
                    organization,
                    {"counts": _empty_counts(), "unique_visitors": _empty_counts()},
                )
                entry["counts"][kind] += count
                entry["unique_visitors"][kind] += visitors
                continue
            daily[day][kind] += count
            totals[kind]["count"] += count
            totals[kind]["unique_visitors"] += visitors
            entry = per_package.setdefault(
                package_id,
                {"counts": _empty_counts(), "unique_visitors": _empty_counts(), "resources": {}},
            )
            entry["counts"][kind] += count
            entry["unique_visitors"][kind] += visitors
            if resource_id:
                entry["resources"].setdefault(resource_id, _empty_counts())[kind] += count
        packages = _packages(conn, per_package)
        orgs = {
            oid: {"id": oid, "name": name, "title": title or name}
            for oid, name, title in conn.execute(sa.text(ORGANIZATIONS), {"ids": list(per_org)})
        }
    datasets = sorted(
        ({**packages[pid], **usage} for pid, usage in per_package.items() if pid in packages),
        key=_rank,
    )
    dimensions = {
        dim: [d for d in datasets if dim in d["dimensions"]][:top]
        for dim in vocab.dataset_values("dimensi")
    }
    organizations = sorted(
        ({**orgs[oid], **usage} for oid, usage in per_org.items() if oid in orgs),
        key=lambda o: (-sum(o["counts"].values()), o["title"]),
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "kinds": list(KINDS),
        "totals": totals,
        "daily": [{"day": day.isoformat(), **counts} for day, counts in daily.items()],
        "datasets": datasets,
        "dimensions": dimensions,
        "organizations": organizations,
    }


def monthly_rows(month: str) -> list[dict[str, Any]]:
    """The monthly export of ``YYYY-MM`` (WIB days): one row per public dataset with usage
    and kind (all three kinds of such a dataset, zeros too), most used dataset first:
    ``month``, ``start``, ``end``, ``package_id``, ``name``, ``title``, ``organization``
    (its name), ``kind``, ``count``, ``unique_visitors`` (sum of daily unique visitors)."""
    start, end = month_period(month)
    result = statistics(start, end)
    return [
        {
            "month": month,
            "start": result["start"],
            "end": result["end"],
            "package_id": d["id"],
            "name": d["name"],
            "title": d["title"],
            "organization": (d["organization"] or {}).get("name") or "",
            "kind": kind,
            "count": d["counts"][kind],
            "unique_visitors": d["unique_visitors"][kind],
        }
        for d in result["datasets"]
        for kind in KINDS
    ]
