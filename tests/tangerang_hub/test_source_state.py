"""Conditional requests across runs: an unchanged source costs one small request."""

from __future__ import annotations

import json

from ckan_site import bot_client, contract_copy

from tangerang_hub import pipeline
from tangerang_hub.workdir import state_path


def run(contract, workdir, run_id):
    return pipeline.run(contract, client=bot_client(), workdir=workdir, run_id=run_id)


def test_unchanged_source_is_not_downloaded_again_and_a_takedown_is_respected(tmp_path):
    contract = contract_copy("fasyankes")  # http_csv from the sample agency server

    first = run(contract, tmp_path, "run-1")
    assert first.status == "published", first.message
    saved = json.loads(state_path(tmp_path, contract.id).read_text())
    assert saved.get("etag") or saved.get("last_modified")

    second = run(contract, tmp_path, "run-2")
    assert second.status == "unchanged"
    assert second.message_code == "not_modified"
    assert second.rows is None, "nothing was downloaded or normalized"

    # A steward took the dataset down in the catalog: the hub fetches in full again
    # (the saved validators no longer apply) but does not resurrect it.
    bot_client().call("package_delete", id=contract.id)
    third = run(contract, tmp_path, "run-3")
    assert third.status == "failed"
    assert "deleted in the catalog" in third.text("en")
    assert "telah dihapus di katalog" in third.message
    assert third.rows == first.rows, "the source was downloaded again, not skipped"
    package = bot_client().call("package_show", id=contract.id)
    assert package["state"] == "deleted"
