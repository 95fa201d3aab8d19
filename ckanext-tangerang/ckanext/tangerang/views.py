"""Pages of the catalog beyond CKAN's own: the run history of a dataset and its Data Docs."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

tangerang = Blueprint("tangerang", __name__)

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
