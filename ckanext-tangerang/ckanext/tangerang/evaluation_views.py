"""The smart-city evaluation pages: ``/evaluasi`` (table, trend charts, printable) and
``/evaluasi.csv``, both from ``tangerang_evaluation_show`` (public)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.tangerang import evaluation as smart_city
from ckanext.tangerang import vocab

evaluation = Blueprint("tangerang_evaluation", __name__)

PARAMS = ("start", "end")


def _evaluation() -> tuple[dict[str, Any], dict[str, str]]:
    """The action's result for the period of the query string (empty values dropped);
    aborts 400 for a period it refuses."""
    params = {key: tk.request.args[key] for key in PARAMS if tk.request.args.get(key)}
    try:
        result = tk.get_action("tangerang_evaluation_show")({}, dict(params))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see the evaluation"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Invalid evaluation period"))
    return result, params


@evaluation.route("/evaluasi")
def page() -> str:
    """Per smart-city dimension: datasets, producers, on time, quality, downloads, trend."""
    result, params = _evaluation()
    lang = vocab.current_lang()
    rows = [*result["dimensions"], {**result["total"], "name": "total", "title": None}]
    return tk.render(
        "tangerang/evaluation.html",
        {
            "evaluation": result,
            "rows": rows,
            "params": params,
            "charts": {row["name"]: smart_city.trend_chart(row["trend"], lang) for row in rows},
        },
    )


@evaluation.route("/evaluasi.csv")
def csv() -> Response:
    """The same table as a CSV download, dimension names in the page's language."""
    result, _params = _evaluation()
    response = Response(smart_city.to_csv(result, vocab.current_lang()), mimetype="text/csv")
    period = result["period"]
    name = f"evaluasi-smart-city-{period['start']}-{period['end']}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
