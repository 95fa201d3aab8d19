"""Issue 13's acceptance of versions you can cite, over HTTP against the CKAN test site: a
dataset published twice through the pipeline with different data keeps both versions; the
resource URL gives the new file, the earlier version's file downloads with its own sha256,
the dataset page cites the current version and lists both with their row counts."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from versions_site import TwoVersions, action, get, publish_two_versions, sha256

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> TwoVersions:
    return publish_two_versions(Path(tmp_path_factory.mktemp("versi")))


def _csv(package: dict) -> dict:
    return next(r for r in package["resources"] if r["format"] == "CSV")


def test_the_resource_url_gives_the_new_file_and_the_old_one_stays(published):
    package = action("package_show", id=published.dataset_id)
    listed = action("tangerang_version_list", package_id=published.dataset_id)["versions"]
    assert [v["run_id"] for v in listed] == [published.second_run, published.first_run]
    assert [v["rows"] for v in listed] == [published.second_rows, published.first_rows]
    assert published.first_rows - published.second_rows == 3
    assert [v["current"] for v in listed] == [True, False]
    csv_resource = _csv(package)

    def csv_of(version: dict) -> dict:
        return next(f for f in version["files"] if f["resource_id"] == csv_resource["id"])

    new, old = csv_of(listed[0]), csv_of(listed[1])
    assert new["sha256"] != old["sha256"]

    status, _, latest = get(csv_resource["url"])
    assert status == 200
    assert sha256(latest) == new["sha256"]
    assert latest.count(b"\n") == published.second_rows + 1

    status, headers, earlier = get(old["url"])
    assert status == 200
    assert sha256(earlier) == old["sha256"]
    assert headers["ETag"] == f'"{old["sha256"]}"'
    digest = base64.b64encode(hashlib.sha256(earlier).digest()).decode()
    assert headers["Digest"] == f"sha-256={digest}"
    assert earlier.count(b"\n") == published.first_rows + 1
    # The Parquet of each version is the hub's batch: its sha256 is the dataset's then.
    for version in listed:
        parquet = next(f for f in version["files"] if f["format"] == "Parquet")
        status, _, body = get(parquet["url"])
        assert status == 200 and sha256(body) == parquet["sha256"] == version["batch_sha256"]
    assert package["sha256"] == listed[0]["batch_sha256"]


def test_the_dataset_page_cites_the_current_version_and_lists_both(published):
    package = action("package_show", id=published.dataset_id)
    for prefix, word in (("", "versi"), ("/en", "version")):
        status, _, body = get(f"{prefix}/dataset/{published.dataset_id}")
        assert status == 200
        page = body.decode("utf-8")
        citation = re.search(r'id="tangerang-citation-text">([^<]*)<', page).group(1)
        assert f"{word} {published.second_run} (" in citation
        assert f"sha256 {package['sha256'][:12]}" in citation
        assert published.first_run not in citation
        bibtex = re.search(r'id="tangerang-citation-bibtex"><code>([^<]*)<', page).group(1)
        assert f"version = {{{published.second_run}}}" in bibtex
        rows = dict(
            re.findall(
                r'data-run-id="([^"]+)".*?tangerang-version-rows">([^<]*)<', page, flags=re.S
            )
        )
        assert rows == {
            published.second_run: str(published.second_rows),
            published.first_run: str(published.first_rows),
        }


def test_the_versions_page_and_an_unknown_version(published):
    status, _, body = get(f"/dataset/{published.dataset_id}/versi")
    assert status == 200
    page = body.decode("utf-8")
    assert published.first_run in page and published.second_run in page
    status, _, _ = get(f"/dataset/{published.dataset_id}/versi/tidak-ada/berkas.csv")
    assert status == 404
