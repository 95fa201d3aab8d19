"""Pages of the catalog beyond CKAN's own: the run history of a dataset and its Data Docs,
and the walidata's review queue."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.tangerang import db_session
from ckanext.tangerang.access_views import access_views  # noqa: F401 (registered)
from ckanext.tangerang.data_request_views import data_request_pages  # noqa: F401 (registered)
from ckanext.tangerang.developer import developer  # noqa: F401 (blanket.blueprints takes it)
from ckanext.tangerang.evaluation_views import evaluation  # noqa: F401 (registered)
from ckanext.tangerang.showcase_views import showcase_pages  # noqa: F401 (registered)
from ckanext.tangerang.usage_views import statistics  # noqa: F401 (registered)
from ckanext.tangerang.version_views import versions_views  # noqa: F401 (registered)

tangerang = Blueprint("tangerang", __name__)
# App-wide: a request cut off by a database restart must not leave its worker broken.
tangerang.teardown_app_request(db_session.release)

# The stored Data Docs come from the pipeline, not from the catalog: the browser
# renders them in a unique opaque origin without scripts, forms, plugins or
# network access (only inline styles and data: images), and never sniffs them.
DATA_DOCS_HEADERS = {
    "Content-Security-Policy": (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@tangerang.route("/dataset/<id>/riwayat-proses")
def dataset_runs(id: str) -> str:
    """Pipeline runs of one dataset (public datasets: everyone; private: readers)."""
    try:
        pkg_dict = tk.get_action("package_show")({}, {"id": id})
        runs = tk.get_action("tangerang_run_report_list")(
            {}, {"package_id": pkg_dict["id"], "limit": tk.request.args.get("limit", 50)}
        )
    # Like CKAN's dataset page, a dataset one may not read does not exist.
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Invalid limit"))
    return tk.render(
        "tangerang/dataset_runs.html",
        {"pkg_dict": pkg_dict, "pkg": pkg_dict, "runs": runs, "dataset_type": pkg_dict["type"]},
    )


@tangerang.route("/dataset/<id>/riwayat-proses/<path:run_id>/validasi")
def run_validation_report(id: str, run_id: str) -> Response:
    """The GX Data Docs page of one run, sandboxed; 404 to those who may not read the dataset."""
    try:
        html = tk.get_action("tangerang_run_data_docs_show")(
            {}, {"package_id": id, "run_id": run_id}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return tk.abort(404, tk._("Validation report not found"))
    response = Response(html, status=200, mimetype="text/html")
    response.headers.update(DATA_DOCS_HEADERS)
    return response


# --- walidata review (pemeriksaan) ----------------------------------------------------------


def _review_context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


@tangerang.route("/pemeriksaan")
def review_queue() -> str:
    """The walidata's review queue (walidata and sysadmins; 403 to everyone else)."""
    from ckanext.tangerang import review

    state = tk.request.args.get("state", review.WAITING)
    try:
        queue = tk.get_action("tangerang_review_list")(
            _review_context(), {"state": state, "limit": 100}
        )
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may see the review queue"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown review state"))
    return tk.render(
        "tangerang/review_queue.html", {"queue": queue, "state": state, "states": review.STATES}
    )


@tangerang.route("/pemeriksaan/<id>/setujui", methods=["POST"])
def review_approve(id: str) -> Response:
    """Approve from the queue's form (CSRF-protected like every CKAN form)."""
    note = tk.request.form.get("note") or None
    return _decide("tangerang_review_approve", id, {"note": note} if note else {})


@tangerang.route("/pemeriksaan/<id>/kembalikan", methods=["POST"])
def review_return(id: str) -> Response:
    """Return to the producer from the queue's form; the reason is required."""
    return _decide("tangerang_review_return", id, {"reason": tk.request.form.get("reason", "")})


def _csrf_checked() -> None:
    """Check a browser's decision against CSRF here too: CKAN exempts a view from its CSRF
    protection for the rest of the process once one request logged in with an API token
    (``ckan_before_request``), and a token-authenticated request needs no CSRF token."""
    if tk.g.get("login_via_auth_header"):
        return
    from flask_wtf.csrf import ValidationError, validate_csrf

    try:
        validate_csrf(tk.request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except ValidationError:
        tk.abort(400, tk._("The form has expired; reload the review queue and try again"))


def _decide(action: str, id: str, data: dict[str, Any]) -> Response:
    _csrf_checked()
    try:
        result = tk.get_action(action)(_review_context(), {"package_id": id, **data})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata may review datasets"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        messages = [m for ms in error.error_dict.values() for m in ms]
        tk.h.flash_error(" ".join(str(m) for m in messages))
        return tk.redirect_to("tangerang.review_queue")
    if result["state"] == "disetujui":
        tk.h.flash_success(tk._("Approved: {name}").format(name=result["name"]))
    else:
        tk.h.flash_success(tk._("Returned to the producer: {name}").format(name=result["name"]))
    return tk.redirect_to("tangerang.review_queue")


# --- steward dashboard ----------------------------------------------------------------------

DASHBOARD_PARAMS = ("organization", "dimensi", "sort", "order")


def _dashboard() -> dict[str, Any]:
    """``tangerang_dashboard_show`` for the filters in the query string (empty ones dropped);
    aborts 403 for those who may not see it and 400 for an unknown filter value."""
    params = {key: tk.request.args[key] for key in DASHBOARD_PARAMS if tk.request.args.get(key)}
    try:
        result = tk.get_action("tangerang_dashboard_show")({}, params)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the walidata and sysadmins may see the dashboard"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown dashboard filter or sort"))
    return {**result, "params": params}


@tangerang.route("/dasbor")
def dashboard() -> str:
    """The steward dashboard: every contract's last run, freshness, quality trend and
    Airflow run (walidata and sysadmins)."""
    return tk.render("tangerang/dashboard.html", {"dashboard": _dashboard()})


@tangerang.route("/dasbor.csv")
def dashboard_csv() -> Response:
    """The dashboard's rows, with the same filters and order, as a CSV download."""
    from ckanext.tangerang import dashboard as steward_dashboard
    from ckanext.tangerang import vocab

    text = steward_dashboard.to_csv(_dashboard(), vocab.current_lang())
    response = Response(text, status=200, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="dasbor-walidata.csv"'
    return response
