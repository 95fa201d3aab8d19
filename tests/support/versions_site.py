"""A dataset published twice through the pipeline into the CKAN test site, with different
data: the subject of the version and citation acceptance tests (HTTP and browser)."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ckan_site import approve, bot_client, contract_copy, site_url

from tangerang_hub import pipeline

ROOT = Path(__file__).resolve().parents[2]
FASYANKES_CSV = ROOT / "stack/sample_agency/data/dinkes/fasyankes.csv"


@dataclass(frozen=True)
class TwoVersions:
    dataset_id: str
    first_run: str
    second_run: str
    first_rows: int
    second_rows: int


def publish_two_versions(workdir: Path) -> TwoVersions:
    """Publish fasyankes under a fresh id, approve it as the walidata, then publish it
    again without its last three facilities. Both runs must publish."""
    contract = contract_copy("fasyankes")
    lines = FASYANKES_CSV.read_text(encoding="utf-8").splitlines()
    smaller = workdir / "fasyankes-kurang.csv"
    smaller.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")
    tag = uuid.uuid4().hex[:6]
    runs = (f"uji-versi-1-{tag}", f"uji-versi-2-{tag}")
    reports = []
    for run_id, source in zip(runs, (FASYANKES_CSV, smaller), strict=True):
        report = pipeline.run(
            contract,
            client=bot_client(),
            source_file=source,
            workdir=workdir / "hub",
            run_id=run_id,
        )
        assert report.status == "published", report
        reports.append(report)
        if run_id == runs[0]:
            approve(contract.id)
    return TwoVersions(contract.id, *runs, reports[0].rows, reports[1].rows)


def get(path_or_url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """An anonymous GET on the test site: status, headers, body."""
    url = path_or_url if "://" in path_or_url else site_url().rstrip("/") + path_or_url
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def action(name: str, **data: Any) -> Any:
    """An anonymous Action API call."""
    status, _, body = get(
        f"/api/3/action/{name}?" + urllib.parse.urlencode(data),
    )
    assert status == 200, (name, status, body[:300])
    return json.loads(body)["result"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
