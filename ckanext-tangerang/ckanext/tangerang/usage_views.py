"""The public usage statistics page (``/statistik``), its monthly CSV export, and the
request hook that counts dataset page views (the counting itself: ``usage.py``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import ckan.plugins.toolkit as tk
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, Response

from ckanext.tangerang import dates, usage, vocab

statistics = Blueprint("tangerang_usage", __name__)
# App-wide: every dataset page answered with 200 counts as a view.
statistics.after_app_request(usage.after_request)

MONTHS_LISTED = 12
# Datasets listed in the page's table (the monthly export has them all).
TABLE_ROWS = 50


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


KIND_LABELS = {
    usage.DOWNLOAD: _("Downloads"),
    usage.API: _("DataStore API reads"),
    usage.VIEW: _("Dataset page views"),
}
CSV_COLUMNS = (
    ("month", _("Month")),
    ("start", _("First day (WIB)")),
    ("end", _("Last day (WIB)")),
    ("package_id", _("Dataset id")),
    ("name", _("Dataset name")),
    ("title", _("Dataset title")),
    ("organization", _("Data producer")),
    ("kind", _("Kind")),
    ("kind_label", _("Kind (label)")),
    ("count", _("Count")),
    ("unique_visitors", _("Daily unique visitors (sum)")),
)


def _date_arg(name: str) -> dt.date | None:
    value = tk.request.args.get(name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return tk.abort(400, tk._("Invalid date: use YYYY-MM-DD"))


def _months(end: dt.date) -> list[str]:
    """The last ``MONTHS_LISTED`` months up to ``end``'s, newest first (``YYYY-MM``)."""
    months, day = [], end.replace(day=1)
    for _i in range(MONTHS_LISTED):
        months.append(day.strftime("%Y-%m"))
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return months


def _number(value: int) -> str:
    return format_decimal(value, locale=vocab.current_lang())


def daily_chart(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """The ``usage_daily`` chart of ``charts.js``: one line per kind, one point per day
    (``days``: the axis labels, ``titles``: the dates in full)."""
    days = [dt.date.fromisoformat(d["day"]) for d in result["daily"]]
    return {
        "kind": "usage_daily",
        "days": [format_date(day, "d MMM", locale=lang) for day in days],
        "titles": [dates.render(day, lang, usage.WIB) for day in days],
        "series": [
            {"name": tk._(KIND_LABELS[kind]), "data": [d[kind] for d in result["daily"]]}
            for kind in usage.KINDS
        ],
    }


def totals_chart(result: dict[str, Any]) -> dict[str, Any]:
    """The ``usage_totals`` chart of ``charts.js``: one bar per kind."""
    return {
        "kind": "usage_totals",
        "bars": [
            {
                "label": tk._(KIND_LABELS[kind]),
                "value": result["totals"][kind]["count"],
                "text": _number(result["totals"][kind]["count"]),
            }
            for kind in usage.KINDS
        ],
    }


@statistics.route("/statistik")
def statistics_page() -> str:
    """Usage of the public datasets over a period (``?dari=YYYY-MM-DD&sampai=YYYY-MM-DD``,
    by default the last 30 days, WIB), with the monthly exports."""
    try:
        start, end = usage.period(_date_arg("dari"), _date_arg("sampai"))
    except ValueError:
        return tk.abort(400, tk._("The first day is after the last day"))
    if (end - start).days > 366:
        return tk.abort(400, tk._("The period is longer than a year"))
    result = tk.get_action("tangerang_usage_show")(
        {}, {"start": start.isoformat(), "end": end.isoformat()}
    )
    lang = vocab.current_lang()
    dimension_labels = {c["value"]: vocab.label(c, lang) for c in vocab.dataset_choices("dimensi")}
    return tk.render(
        "tangerang/statistics.html",
        {
            "usage": result,
            "kinds": [(kind, tk._(KIND_LABELS[kind])) for kind in usage.KINDS],
            "dimension_labels": dimension_labels,
            "start_text": dates.render(start, lang, usage.WIB),
            "end_text": dates.render(end, lang, usage.WIB),
            "months": _months(usage.today()),
            "daily_chart": daily_chart(result, lang),
            "totals_chart": totals_chart(result),
            "table_rows": TABLE_ROWS,
        },
    )


@statistics.route("/statistik/<month>.csv")
def statistics_csv(month: str) -> Response:
    """One month's usage (WIB days) as CSV: one row per public dataset with usage and kind."""
    try:
        rows = usage.monthly_rows(month)
    except ValueError:
        return tk.abort(404, tk._("Not a month: use YYYY-MM"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([tk._(label) for _key, label in CSV_COLUMNS])
    for row in rows:
        label = KIND_LABELS[row["kind"]]
        row = {**row, "kind_label": tk._(label)}
        writer.writerow([row[key] for key, _label in CSV_COLUMNS])
    response = Response(out.getvalue(), status=200, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="statistik-{month}.csv"'
    return response
