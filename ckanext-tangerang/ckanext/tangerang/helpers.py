"""Template helpers (prefixed ``tangerang_``, except ``render_datetime``: core's, chained)."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.exceptions import default_exceptions

from ckanext.tangerang import (
    catalog_summary,
    dates,
    freshness,
    home_datasets,
    run_messages,
    search,
    vocab,
)

log = logging.getLogger(__name__)

GRADE_CLASSES = {"A": "success", "B": "success", "C": "warning", "D": "danger", "E": "danger"}
VALIDATION_CLASSES = {"passed": "success", "warning": "warning", "failed": "danger"}
HOME_DATASET_ROWS = 5


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


# The six dimensions on the home page: a Font Awesome icon (CKAN ships Font Awesome 6)
# and one line on what the dimension covers.
DIMENSION_CARDS: dict[str, tuple[str, str]] = {
    "governance": ("fa-landmark", _("Effective, transparent and participatory government.")),
    "branding": ("fa-bullhorn", _("The city's image: tourism, investment and creative economy.")),
    "economy": ("fa-chart-line", _("Local economy, small businesses, jobs and public finance.")),
    "living": ("fa-heart-pulse", _("Quality of life: health, housing, transport and safety.")),
    "society": (
        "fa-people-group",
        _("An inclusive, educated society: schools, population, welfare."),
    ),
    "environment": ("fa-leaf", _("Sustainable environment: waste, energy, water, green space.")),
}

# Error pages: a title and a text of ours where werkzeug would say its English default.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: (_("Bad request"), _("The portal could not understand this request.")),
    401: (_("Login required"), _("Log in to see this page.")),
    403: (_("Access denied"), _("You are not allowed to see this page.")),
    404: (
        _("Page not found"),
        _("The page you are looking for does not exist or has moved."),
    ),
    500: (
        _("Something went wrong"),
        _("The portal could not answer this request. Please try again later."),
    ),
}

# The catalog's words for CKAN's organizations (the data producers) and groups (the six
# dimensions), wherever core templates ask humanize_entity_type for a label.
ENTITY_LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("organization", "organization"): {
        purpose: _("Data producers") for purpose in ("breadcrumb", "page title", "main nav")
    }
    | {"search placeholder": _("Search data producers...")},
    ("group", "group"): {
        purpose: _("Dimensions")
        for purpose in ("breadcrumb", "page title", "main nav", "content tab")
    }
    | {"search placeholder": _("Search dimensions...")},
}


def tangerang_choice_label(field_name: str, value: Any) -> str:
    """Label of a dataset field's choice in the current language (the value if unknown)."""
    lang = vocab.current_lang()
    for choice in vocab.dataset_choices(field_name):
        if choice["value"] == value:
            return vocab.label(choice, lang)
    return "" if value is None else str(value)


def tangerang_freshness(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Freshness of a dataset: ``status``, a translated ``label``, ``css`` and ``due_at``."""
    _ = tk._
    status = freshness.status(
        pkg_dict.get("frekuensi"), pkg_dict.get("last_run_at"), grace=catalog_summary.grace()
    )
    labels = {
        freshness.ON_TIME: (_("On time"), "success"),
        freshness.LATE: (_("Late"), "danger"),
        freshness.NO_RUN: (_("Not yet updated by the pipeline"), "secondary"),
        freshness.IRREGULAR: (_("Irregular schedule"), "info"),
    }
    label, css = labels[status]
    return {
        "status": status,
        "label": label,
        "css": css,
        "last_run_at": freshness.parse_timestamp(pkg_dict.get("last_run_at")),
        "due_at": freshness.due_at(pkg_dict.get("frekuensi"), pkg_dict.get("last_run_at")),
    }


def tangerang_grade_css(grade: str | None) -> str:
    return GRADE_CLASSES.get(grade or "", "secondary")


def tangerang_validation_css(status: str | None) -> str:
    return VALIDATION_CLASSES.get(status or "", "secondary")


def tangerang_data_dictionary(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """Columns of a DataStore resource with their label and notes; empty without DataStore."""
    if not resource.get("datastore_active"):
        return []
    try:
        info = tk.get_action("datastore_info")({}, {"id": resource["id"]})
    # KeyError: the datastore plugin is not enabled.
    except (KeyError, tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError) as exc:
        log.debug("no data dictionary for %s: %s", resource.get("id"), exc)
        return []
    return [
        {
            "id": field["id"],
            "type": (field.get("info") or {}).get("type_override") or field.get("type"),
            "label": (field.get("info") or {}).get("label") or "",
            "notes": (field.get("info") or {}).get("notes") or "",
        }
        for field in info.get("fields", [])
        if not field["id"].startswith("_")
    ]


def tangerang_recent_runs(package_id: str) -> list[dict[str, Any]]:
    """The latest pipeline runs of a dataset that the current user may see."""
    try:
        return tk.get_action("tangerang_run_report_list")(
            {},
            {
                "package_id": package_id,
                "limit": tk.config.get("ckanext.tangerang.dataset_page_runs"),
            },
        )
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def tangerang_run_message(run: dict[str, Any]) -> str:
    """A run's message in the current language, from its ``validation.message_code`` and
    ``message_params`` when the catalog knows the code; else the text the pipeline sent."""
    validation = run.get("validation") or {}
    text = run_messages.render(validation.get("message_code"), validation.get("message_params"))
    return text if text is not None else (run.get("message") or "")


def tangerang_dimension_summary() -> dict[str, Any]:
    """Per-dimension counts for the home page, computed at most once per
    ``ckanext.tangerang.home_summary_cache_seconds`` per language (0: every time)."""
    return catalog_summary.cached(
        vocab.current_lang(),
        tk.config.get("ckanext.tangerang.home_summary_cache_seconds"),
        lambda: tk.get_action("tangerang_dimension_summary")({}, {}),
    )


def tangerang_dimension_facet() -> str:
    return search.DIMENSION_FIELD


def tangerang_render_datetime(
    value: Any, with_hours: bool = False, with_seconds: bool = False
) -> str:
    """``value`` (datetime, date or ISO text; naive means UTC) as the portal writes dates:
    ``1 Desember 2026, 14.18 WIB`` / ``1 December 2026, 14:18 WIB`` with ``with_hours``,
    ``1 Desember 2026`` without; in ``ckan.display_timezone`` and the page's language."""
    return dates.render(
        value,
        vocab.current_lang(),
        tk.h.get_display_timezone(),
        with_hours=with_hours,
        with_seconds=with_seconds,
    )


@tk.chained_helper
def render_datetime(
    next_helper: Any,
    datetime_: Any,
    date_format: str | None = None,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """CKAN's ``h.render_datetime`` (every core, activity and scheming template) written as
    ``tangerang_render_datetime`` does; an explicit strftime ``date_format`` stays core's."""
    if date_format:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    return tangerang_render_datetime(datetime_, with_hours=with_hours, with_seconds=with_seconds)


@tk.chained_helper
def humanize_entity_type(
    next_helper: Any, entity_type: str, object_type: str, purpose: str
) -> str | None:
    """CKAN's label of an entity type, with the catalog's own words for organizations and
    groups (``ENTITY_LABELS``); everything else as core says it."""
    label = ENTITY_LABELS.get((entity_type, object_type), {}).get(purpose)
    return tk._(label) if label else next_helper(entity_type, object_type, purpose)


def tangerang_home_datasets() -> dict[str, Any]:
    """The home page's newest and most-used datasets (``home_datasets.lists``), cached like
    the dimension summary for ``ckanext.tangerang.home_summary_cache_seconds``."""
    return catalog_summary.cached(
        "home_datasets",
        tk.config.get("ckanext.tangerang.home_summary_cache_seconds"),
        lambda: home_datasets.lists(HOME_DATASET_ROWS),
    )


def tangerang_dimension_card(name: str) -> dict[str, str]:
    """The icon class and the translated one-line description of a dimension's home card."""
    icon, description = DIMENSION_CARDS.get(name, ("fa-circle", ""))
    return {"icon": icon, "description": tk._(description) if description else ""}


def tangerang_contact() -> dict[str, str]:
    """The walidata's contact shown in the footer (``ckanext.tangerang.contact_*``)."""
    return {
        key: tk.config.get(f"ckanext.tangerang.contact_{key}")
        for key in ("name", "email", "address")
    }


def tangerang_error_page(code: Any, content: Any) -> dict[str, Any]:
    """The error page's ``code``, translated ``title`` and ``text``: CKAN's own message
    (``content``, already translated) unless it is werkzeug's English default."""
    if isinstance(code, list | tuple):  # CKAN passes [500] for unhandled exceptions
        code = code[0] if code else 500
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = 500
    title, text = ERROR_PAGES.get(code, ERROR_PAGES[500] if code >= 500 else ERROR_PAGES[400])
    werkzeug_default = getattr(default_exceptions.get(code), "description", None)
    own = str(content) if content and str(content) != werkzeug_default else ""
    if code >= 500:
        own = ""  # never show an internal error's text to a visitor
    return {"code": code, "title": tk._(title), "text": own or tk._(text)}


# --- steward dashboard and quality charts ---------------------------------------------------


def tangerang_dashboard_freshness(status: str) -> dict[str, str]:
    """The translated label and Bootstrap colour of a dashboard row's freshness."""
    from ckanext.tangerang import dashboard

    return dashboard.freshness_label(status)


def tangerang_run_status_label(status: str) -> str:
    """A run status (``run_statuses.yaml``) in the page's language."""
    from ckanext.tangerang import hub_tables

    return hub_tables.run_status_label(status, vocab.current_lang())


def tangerang_duration(seconds: Any) -> str:
    """A run's duration as a steward reads it: ``8,4 dtk``, ``2 mnt 5 dtk``, ``1 j 3 mnt``
    (English ``8.4 s``, ``2 min 5 s``, ``1 h 3 min``); ``—`` when unknown."""
    from babel.numbers import format_decimal

    if not isinstance(seconds, int | float) or seconds < 0:
        return "—"
    if seconds < 60:
        text = format_decimal(round(seconds, 1), locale=vocab.current_lang())
        return tk._("{seconds} s").format(seconds=text)
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return tk._("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return tk._("{minutes} min {seconds} s").format(minutes=minutes, seconds=secs)


def tangerang_trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The small quality-score chart of a dashboard row (``charts.trend``)."""
    from ckanext.tangerang import charts

    return charts.trend(points, small=True)


def tangerang_dataset_quality(package_id: str) -> dict[str, Any] | None:
    """The score history and last dimension scores of a dataset (``charts.dataset_quality``),
    from the runs the current user may see; ``None`` when no run has a score."""
    from ckanext.tangerang import charts

    try:
        runs = tk.get_action("tangerang_run_report_list")(
            {},
            {"package_id": package_id, "limit": tk.config.get("ckanext.tangerang.dashboard_runs")},
        )
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    return charts.dataset_quality(runs)


def tangerang_may_see_dashboard() -> bool:
    """Whether the current user may open ``/dasbor``."""
    return bool(tk.h.check_access("tangerang_dashboard_show"))


def tangerang_citation(pkg_dict: dict[str, Any]) -> dict[str, str]:
    """The dataset's citation naming its current version (``citation.for_dataset``)."""
    from ckanext.tangerang import citation

    return citation.for_dataset(pkg_dict)


def tangerang_versions(package_id: str) -> dict[str, Any] | None:
    """``tangerang_version_list`` of the dataset for the current user; ``None`` if refused."""
    try:
        return tk.get_action("tangerang_version_list")({}, {"package_id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def tangerang_dataset_collaboration(package_id: str) -> dict[str, Any]:
    """What a dataset page shows of the showcase and the data requests: the items using it
    ("Dipakai oleh") and the requests it answers ("Menjawab permohonan")."""
    from ckanext.tangerang import data_requests, showcase

    total, items = showcase.search(None, package_id, 12, 0)
    return {
        "showcase": [showcase.as_dict(item) for item in items],
        "showcase_count": total,
        "requests": [data_requests.as_dict(r) for r in data_requests.answered_by(package_id)],
    }


def tangerang_dimension_showcase(group_name: str) -> list[dict[str, Any]]:
    """The showcase items a dimension's page shows (``showcase.for_dimension``)."""
    from ckanext.tangerang import showcase

    return [showcase.as_dict(item) for item in showcase.for_dimension(group_name)]


def tangerang_restricted_access(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The restricted-data notice of a dataset page (``access_views.page_state``)."""
    from ckanext.tangerang import access_views

    return access_views.page_state(pkg_dict)
