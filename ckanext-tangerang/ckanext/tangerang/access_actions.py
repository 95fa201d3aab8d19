"""Actions of restricted data (see ``access``): agreements (MoU), access requests and their
decisions, the audit; and the DataStore reads chained to audit restricted rows.

Every action runs its auth function of the same name (``access_auth``) first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, ChainedAction, Context, DataDict

from ckanext.tangerang import access, access_schema, api_request
from ckanext.tangerang.logic.action import _access_first

# --- DataStore reads, chained: the audit of restricted rows ----------------------------------


def _read_packages(context: Context, data_dict: DataDict, name: str) -> list[tuple[str, str]]:
    """(dataset id, resource id) of the restricted public resources the read names."""
    if name == "datastore_search_sql":
        ids = access.SQL_TABLES.get([])
    else:
        ids = [data_dict.get("resource_id") or data_dict.get("id") or ""]
    found = []
    for resource_id in ids:
        pair = access.resource_package(resource_id)
        if pair is not None and access.restricted(pair[1]) and not pair[1].private:
            found.append((pair[1].id, pair[0].id))
    return found


def _audited_read(name: str, up: Action, context: Context, data_dict: DataDict) -> Any:
    from flask import g, has_request_context

    # Audited: a read asked for through the action API, or outside a web request (a job, the
    # CLI). A read made while rendering a page (the data dictionary on the dataset page) is
    # no attempt at the rows, and a dump's read is audited by its route (access_views).
    in_request = has_request_context()
    skip = context.get("ignore_auth") or (
        in_request and (g.get("tangerang_access_audited") or not api_request.is_api_call_of(name))
    )
    access.SQL_TABLES.set([])
    try:
        result = up(context, data_dict)
    except tk.NotAuthorized:
        if not skip:
            for package_id, resource_id in _read_packages(context, data_dict, name):
                access.audit_now(
                    access.DENIED,
                    access.user_of(context),
                    package_id=package_id,
                    resource_id=resource_id,
                    detail=name,
                )
        raise
    if not skip:
        for package_id, resource_id in _read_packages(context, data_dict, name):
            access.audit_now(
                access.DOWNLOAD,
                access.user_of(context),
                package_id=package_id,
                resource_id=resource_id,
                detail=name,
            )
    return result


@tk.side_effect_free  # GET stays allowed, as for CKAN's own action
@tk.chained_action
def datastore_search(up: ChainedAction, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_search``; a read (or a refusal) of a restricted resource's
    rows is audited (``download``/``denied``). Its auth is chained too (``access_auth``).

    :rtype: dict
    """
    return _audited_read("datastore_search", up, context, data_dict)


@tk.side_effect_free  # GET stays allowed, as for CKAN's own action
@tk.chained_action
def datastore_search_sql(up: ChainedAction, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_search_sql``; audited per restricted table it names.

    :rtype: dict
    """
    return _audited_read("datastore_search_sql", up, context, data_dict)


@tk.side_effect_free  # GET stays allowed, as for CKAN's own action
@tk.chained_action
def datastore_info(up: ChainedAction, context: Context, data_dict: DataDict) -> Any:
    """The DataStore's ``datastore_info``; audited like ``datastore_search``.

    :rtype: dict
    """
    return _audited_read("datastore_info", up, context, data_dict)


# --- agreements (MoU) -----------------------------------------------------------------------


def _user(context: Context) -> model.User | None:
    return access.user_of(context)


def _check_dates(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise tk.ValidationError({"end_date": [tk._("The end date is before the start date")]})


def _agreement(agreement_id: str) -> access.Agreement:
    agreement = model.Session.get(access.Agreement, agreement_id)
    if agreement is None:
        raise tk.ObjectNotFound(tk._("Agreement not found"))
    return agreement


def _unique_number(number: str, agreement_id: str | None = None) -> None:
    query = model.Session.query(access.Agreement).filter(access.Agreement.number == number)
    if agreement_id:
        query = query.filter(access.Agreement.id != agreement_id)
    if query.first() is not None:
        raise tk.ValidationError({"number": [tk._("An agreement with this number exists")]})


@_access_first
@tk.validate(access_schema.agreement_create)
def tangerang_agreement_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record an agreement (MoU) of a university organization.

    Allowed for the walidata and sysadmins (never the pipeline bot).

    :param organization: name or id of a university organization (``org_type: universitas``)
    :type organization: string
    :param number: the agreement's number (unique)
    :type number: string
    :param start_date: first day in force, ``YYYY-MM-DD`` (WIB)
    :type start_date: string
    :param end_date: last day in force, ``YYYY-MM-DD`` (WIB)
    :type end_date: string
    :param packages: names or ids of the datasets it covers (optional)
    :type packages: list of strings
    :param dimensions: smart-city dimensions (``dimensi`` values) whose datasets it covers
        (optional; at least one dataset or dimension)
    :type dimensions: list of strings
    :param note: a remark (optional)
    :type note: string

    :returns: the agreement
    :rtype: dict
    """
    _check_dates(data_dict["start_date"], data_dict["end_date"])
    packages, dimensions = data_dict.get("packages") or [], data_dict.get("dimensions") or []
    if not packages and not dimensions:
        raise tk.ValidationError({"packages": [tk._("Name the datasets or dimensions covered")]})
    _unique_number(data_dict["number"])
    user = _user(context)
    agreement = access.Agreement(
        organization_id=data_dict["organization"],
        number=data_dict["number"],
        start_date=data_dict["start_date"],
        end_date=data_dict["end_date"],
        package_ids=packages,
        dimensions=dimensions,
        note=data_dict.get("note"),
        created_by=user.id if user is not None else None,
    )
    model.Session.add(agreement)
    model.Session.commit()
    return agreement.as_dict()


@_access_first
@tk.validate(access_schema.agreement_update)
def tangerang_agreement_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change an agreement: the fields given replace the stored ones (e.g. an earlier
    ``end_date`` ends every access it gives from the day after).

    Allowed for the walidata and sysadmins (never the pipeline bot).

    :param id: the agreement's id
    :type id: string
    :param organization, number, start_date, end_date, packages, dimensions, note: as in
        ``tangerang_agreement_create`` (each optional)

    :returns: the agreement
    :rtype: dict
    """
    agreement = _agreement(data_dict["id"])
    if "number" in data_dict:
        _unique_number(data_dict["number"], agreement.id)
    fields = {
        "organization": "organization_id",
        "number": "number",
        "start_date": "start_date",
        "end_date": "end_date",
        "packages": "package_ids",
        "dimensions": "dimensions",
        "note": "note",
    }
    for key, column in fields.items():
        if key in data_dict:
            setattr(agreement, column, data_dict[key])
    _check_dates(agreement.start_date, agreement.end_date)
    if not agreement.package_ids and not agreement.dimensions:
        raise tk.ValidationError({"packages": [tk._("Name the datasets or dimensions covered")]})
    agreement.modified = access._utcnow()
    model.Session.commit()
    return agreement.as_dict()


@_access_first
@tk.validate(access_schema.agreement_show)
def tangerang_agreement_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One agreement.

    Allowed for the walidata and sysadmins.

    :param id: the agreement's id
    :type id: string

    :returns: the agreement, with ``in_force`` (today in WIB)
    :rtype: dict
    """
    return _agreement(data_dict["id"]).as_dict()


@_access_first
@tk.validate(access_schema.agreement_list)
def tangerang_agreement_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The agreements, newest end date first.

    Allowed for the walidata and sysadmins.

    :param organization: only this university's (optional)
    :type organization: string
    :param in_force: only those in force today in WIB (true) or not (false) (optional)
    :type in_force: bool

    :returns: the agreements
    :rtype: list of dicts
    """
    query = model.Session.query(access.Agreement)
    if data_dict.get("organization"):
        query = query.filter(access.Agreement.organization_id == data_dict["organization"])
    if "in_force" in data_dict:
        day = access.today()
        in_force = (access.Agreement.start_date <= day) & (access.Agreement.end_date >= day)
        query = query.filter(in_force if data_dict["in_force"] else ~in_force)
    agreements = query.order_by(access.Agreement.end_date.desc(), access.Agreement.number).all()
    return [a.as_dict() for a in agreements]


# --- access requests ------------------------------------------------------------------------


@_access_first
@tk.validate(access_schema.access_request_create)
def tangerang_access_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask for access to a restricted (``terbatas``) dataset's files and rows, with a purpose.

    Allowed for logged-in members of a university organization. The request is made as a
    member of ``organization`` (default: the user's only university); a walidata decides it
    (``tangerang_access_request_decide``). A request still waiting for the same dataset is
    not duplicated: it is returned.

    :param package_id: name or id of a public ``terbatas`` dataset
    :type package_id: string
    :param purpose: what the data is for (research, teaching...), at most 2000 characters
    :type purpose: string
    :param organization: the university the user asks for (optional when only one)
    :type organization: string

    :returns: the request (``status`` ``diajukan``)
    :rtype: dict
    """
    user = _user(context)
    package = model.Package.get(data_dict["package_id"])
    if package.private or access.access_class(package) != access.RESTRICTED:
        raise tk.ValidationError({"package_id": [tk._("Not a dataset with restricted access")]})
    orgs = {org.id: org for org in access.universities(user)}
    org_id = data_dict.get("organization")
    if org_id is None:
        if len(orgs) != 1:
            raise tk.ValidationError({"organization": [tk._("Name your university")]})
        org_id = next(iter(orgs))
    elif org_id not in orgs:
        raise tk.ValidationError({"organization": [tk._("You are not a member of it")]})
    waiting = (
        model.Session.query(access.AccessRequest)
        .filter(
            access.AccessRequest.user_id == user.id,
            access.AccessRequest.package_id == package.id,
            access.AccessRequest.status == access.SUBMITTED,
        )
        .first()
    )
    if waiting is not None:
        return waiting.as_dict()
    request = access.AccessRequest(
        user_id=user.id,
        organization_id=org_id,
        package_id=package.id,
        purpose=data_dict["purpose"],
        status=access.SUBMITTED,
    )
    model.Session.add(request)
    model.Session.commit()
    return request.as_dict()


@_access_first
@tk.validate(access_schema.access_request_decide)
def tangerang_access_request_decide(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve (``disetujui``) or refuse (``ditolak``) a waiting request, with a reason.

    An approval needs an agreement of the request's university in force today (WIB) that
    covers the dataset; access then lasts while such an agreement does. Every decision is
    in the audit (``grant``/``refuse``). Allowed for the walidata and sysadmins.

    :param id: the request's id
    :type id: string
    :param status: ``disetujui`` or ``ditolak``
    :type status: string
    :param reason: why, for the requester (at most 2000 characters)
    :type reason: string

    :returns: the request
    :rtype: dict
    """
    request = model.Session.get(access.AccessRequest, data_dict["id"])
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    if request.status != access.SUBMITTED:
        raise tk.ValidationError({"id": [tk._("This request has been decided already")]})
    package = model.Package.get(request.package_id)
    agreement = None
    if data_dict["status"] == access.APPROVED:
        covering = [
            a
            for a in access.agreements_in_force([request.organization_id], access.today())
            if a.covers(package)
        ]
        if not covering:
            raise tk.ValidationError(
                {"status": [tk._("No agreement of this university covers the dataset today")]}
            )
        agreement = covering[0]
    user = _user(context)
    request.status = data_dict["status"]
    request.reason = data_dict["reason"]
    request.decided_by = user.id if user is not None else None
    request.decided = access._utcnow()
    access.audit(
        access.GRANT if request.status == access.APPROVED else access.REFUSE,
        user,
        package_id=request.package_id,
        request_id=request.id,
        agreement_id=agreement.id if agreement is not None else None,
        detail=request.reason,
    )
    model.Session.commit()
    return request.as_dict()


@_access_first
@tk.validate(access_schema.access_request_list)
def tangerang_access_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Access requests, oldest first: every request for the walidata and sysadmins, the
    user's own for anyone else logged in.

    :param status: ``diajukan``, ``disetujui`` or ``ditolak`` (optional)
    :type status: string
    :param package_id: only this dataset's (optional)
    :type package_id: string
    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int

    :returns: ``count`` and ``results`` (each with ``granted_today``: the user may read the
        dataset's files today)
    :rtype: dict
    """
    from ckanext.tangerang import review

    user = _user(context)
    query = model.Session.query(access.AccessRequest)
    if not review.is_reviewer(user):
        query = query.filter(access.AccessRequest.user_id == user.id)
    if data_dict.get("status"):
        query = query.filter(access.AccessRequest.status == data_dict["status"])
    if data_dict.get("package_id"):
        query = query.filter(access.AccessRequest.package_id == data_dict["package_id"])
    count = query.count()
    rows = (
        query.order_by(access.AccessRequest.created, access.AccessRequest.id)
        .offset(data_dict["offset"])
        .limit(data_dict["limit"])
        .all()
    )
    results = []
    for row in rows:
        item = row.as_dict()
        requester = model.User.get(row.user_id)
        item["granted_today"] = row.status == access.APPROVED and row.package_id in (
            access.granted_package_ids(requester)
        )
        results.append(item)
    return {"count": count, "results": results}


@_access_first
@tk.validate(access_schema.access_audit_list)
def tangerang_access_audit_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The restricted-data audit, newest first: grants, refusals, downloads (files and
    DataStore reads) and denied downloads, with who and when.

    Allowed for the walidata and sysadmins.

    :param action: ``grant``, ``refuse``, ``download`` or ``denied`` (optional)
    :type action: string
    :param package_id: only this dataset's (optional)
    :type package_id: string
    :param limit: at most this many (default 50, at most 500)
    :type limit: int
    :param offset: skip this many (default 0)
    :type offset: int

    :returns: ``count`` and ``results`` (``created`` in UTC, ISO 8601; ``user`` is None for
        an anonymous visitor)
    :rtype: dict
    """
    query = model.Session.query(access.AccessAudit)
    if data_dict.get("action"):
        query = query.filter(access.AccessAudit.action == data_dict["action"])
    if data_dict.get("package_id"):
        query = query.filter(access.AccessAudit.package_id == data_dict["package_id"])
    count = query.count()
    rows = (
        query.order_by(access.AccessAudit.id.desc())
        .offset(data_dict["offset"])
        .limit(data_dict["limit"])
        .all()
    )
    return {"count": count, "results": [row.as_dict() for row in rows]}
