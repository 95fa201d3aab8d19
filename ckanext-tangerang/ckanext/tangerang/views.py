"""Pages of the catalog beyond CKAN's own: the run history of a dataset."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

tangerang = Blueprint("tangerang", __name__)


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
