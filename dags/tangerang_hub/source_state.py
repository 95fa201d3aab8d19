"""The source's validators across runs: an unchanged source costs one small conditional request.

After a good run (published or unchanged) the batch's ETag / Last-Modified are kept in
`workdir.state_path(...)`; the next extract sends them. They are ignored when the catalog no
longer has the dataset, so a takedown is followed by a full fetch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tangerang_hub import workdir as layout
from tangerang_hub.contracts import Contract
from tangerang_hub.workdir import write_json


def load(workdir: Path, contract: Contract, client: Any = None) -> dict[str, Any]:
    """The source's validators (ETag, Last-Modified, watermark) from the last good run,
    so an unchanged source costs one small conditional request. Empty when there is
    none, or when the catalog no longer has the dataset (then fetch everything)."""
    path = layout.state_path(workdir, contract.id)
    if not path.exists():
        return {}
    if client is not None:
        package = client.show_or_none("package_show", id=contract.id)
        if package is None or package.get("state") != "active":
            return {}
    return json.loads(path.read_text(encoding="utf-8"))


def remember(workdir: Path, contract: Contract, raw: dict[str, Any] | None) -> None:
    """Keep the validators of a batch that was published (or found unchanged)."""
    if not raw or raw.get("not_modified") or not raw.get("state"):
        return
    # Each run publishes a full snapshot, so an incremental watermark must not
    # carry over: the next extract would return only new rows and the dataset
    # would shrink to them. Conditional-request validators are safe to keep.
    state = {key: value for key, value in raw["state"].items() if key != "watermark"}
    if not state:
        return
    path = layout.state_path(workdir, contract.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, state)
