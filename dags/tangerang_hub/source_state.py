"""What the hub remembers of a source across runs, so an unchanged source costs almost nothing.

After a good run (published or unchanged) `workdir.state_path(...)` keeps:

- the batch's ETag / Last-Modified, sent back as a conditional request (an unchanged source
  answers 304 and nothing else happens);
- the batch's *fingerprint*: the sha256 of the raw bytes the source sent, of the contract's
  settings and of the engine version, with the sha256 of the data it published. A run whose
  fingerprint equals the remembered one skips normalize, the gate and the upload altogether:
  the same bytes read by the same contract with the same engine give the same data;
- where that batch's raw files are, so an unchanged run links them instead of writing them again.

Both are ignored when the catalog no longer has the dataset (a takedown is followed by a full
fetch), and the fingerprint also when the published sha256 differs from the remembered one
(someone else published since).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from tangerang_hub import __version__
from tangerang_hub import workdir as layout
from tangerang_hub.contracts import Contract
from tangerang_hub.raw_store import RawFiles, copies
from tangerang_hub.workdir import write_json

PUBLISHED_KEYS = ("package_id", "resource_ids")
# raw_copy: where that batch's raw files are (`raw_store.copies`), so an unchanged run links
# them instead of writing the same bytes again.
FINGERPRINT_KEYS = ("fingerprint", "published_sha256", "raw_copy", *PUBLISHED_KEYS)


def load(
    workdir: Path, contract: Contract, client: Any = None, *, validators: bool = True
) -> dict[str, Any]:
    """The remembered state of the last good run: the source's validators (ETag,
    Last-Modified) unless `validators` is false, and its fingerprint when the catalog still
    publishes what that run published. Empty when there is none, or when the catalog no
    longer has the dataset (then fetch everything)."""
    path = layout.state_path(workdir, contract.id)
    if not path.exists():
        return {}
    state = json.loads(path.read_text(encoding="utf-8"))
    if not validators:
        state = {k: v for k, v in state.items() if k in FINGERPRINT_KEYS}
    if client is not None:
        package = client.show_or_none("package_show", id=contract.id)
        if package is None or package.get("state") != "active":
            return {}
        if state.get("published_sha256") != package.get("sha256"):
            state = {k: v for k, v in state.items() if k not in FINGERPRINT_KEYS}
    return state


def fingerprint(files: RawFiles, contract: Contract) -> str:
    """sha256 over the engine version, the contract (every setting, canonical JSON) and the
    raw batch's files (`RawFiles`: the bytes `save_raw` writes, before they are written)."""
    digest = hashlib.sha256(f"tangerang-hub {__version__}\0".encode())
    settings = dataclasses.asdict(contract)
    settings.pop("path")  # where the contract lives is not what it says
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for data in files.parts():
        digest.update(b"\0")
        digest.update(data)
    return digest.hexdigest()


def remember(
    workdir: Path,
    contract: Contract,
    raw: dict[str, Any] | None,
    published_sha256: str | None = None,
    published: dict[str, Any] | None = None,
) -> None:
    """Keep the validators and the fingerprint of a batch that was published (or found
    unchanged) as `published_sha256`; `published` (package_id, resource_ids) is what an
    early-skipped run reports."""
    if not raw or raw.get("not_modified") or raw.get("same_as_published"):
        return  # nothing new was read: what is remembered stays
    path = layout.state_path(workdir, contract.id)
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    # Each run publishes a full snapshot, so an incremental watermark must not
    # carry over: the next extract would return only new rows and the dataset
    # would shrink to them. Conditional-request validators are safe to keep.
    state = {key: value for key, value in (raw.get("state") or {}).items() if key != "watermark"}
    if raw.get("source_file"):
        state = {k: v for k, v in kept.items() if k not in FINGERPRINT_KEYS}  # not the source's
    if raw.get("fingerprint") and published_sha256:
        state.update(fingerprint=raw["fingerprint"], published_sha256=published_sha256)
        state.update(raw_copy=copies(raw))
        state.update({k: v for k, v in (published or {}).items() if k in PUBLISHED_KEYS})
    if not state:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, state)
