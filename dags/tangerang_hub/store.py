"""The store every task hands its files through, so a task can run on any worker.

The store holds the workdir layout (`tangerang_hub.workdir`: raw/, staging/, quarantine/,
docs/, state/, alerts/) under one fsspec base URL, ``$HUB_STORE_URL``: ``s3://bucket/hub`` or any
other fsspec store in production; unset, the workdir itself (``file://$HUB_WORKDIR``), which is
what `hub run` and the local stack use.

A DAG task works in its own temporary workdir. It `pull`s each file it needs, by reference, to
the same place under that workdir (the download is checked against the reference's sha256),
runs its step there, and `push`es what it made. Between tasks (Airflow XCom) a file is only a
`FileRef`, ``{"url": ..., "sha256": ...}``: `share_raw` / `share_staged` turn a step's result
(local paths) into references, `local_raw` / `local_staged` turn them back into local paths.

When the store is the task's own workdir (`hub run`), pushing and pulling copy nothing. In a
local store, raw/ and quarantine/ stay 0700 (`workdir.private_folder`); a remote store's access
is its bucket policy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec

from tangerang_hub import workdir as layout

STORE_ENV = "HUB_STORE_URL"
PRIVATE_TOPS = ("raw", "quarantine")
# A step's result: which keys hold local file paths, and the key of each one's FileRef.
RAW_FILES = {"path": "file", "row_numbers": "row_numbers_file"}
STAGED_FILES = {"parquet_path": "parquet", "csv_path": "csv", "origin_path": "origin"}
FileRef = dict[str, str]
_CHUNK = 1 << 20


class StoreError(RuntimeError):
    """A file missing from the store, outside it, or not the bytes its reference names."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Store:
    """The shared store at `url` (any fsspec URL; a plain path means a local folder)."""

    url: str

    def __post_init__(self) -> None:
        url = self.url if "://" in self.url else Path(self.url).resolve().as_uri()
        object.__setattr__(self, "url", url.rstrip("/"))

    @classmethod
    def from_env(cls) -> Store:
        """``$HUB_STORE_URL``, else the default workdir (``$HUB_WORKDIR`` or var/hub)."""
        return cls(os.environ.get(STORE_ENV) or str(layout.default_workdir()))

    @property
    def local_root(self) -> Path | None:
        """The store's folder when it is on this machine's file system, else None."""
        if not self.url.startswith("file://"):
            return None
        return Path(fsspec.core.url_to_fs(self.url)[1])

    def _fs(self) -> tuple[Any, str]:
        return fsspec.core.url_to_fs(self.url)

    def url_of(self, key: str) -> str:
        return f"{self.url}/{key}"

    def location(self, workdir: Path, path: Path) -> Path | str:
        """Where `path` (under `workdir`) lives in the store: a local path or a URL."""
        key = _key(workdir, path)
        root = self.local_root
        return root / key if root is not None else self.url_of(key)

    # ------------------------------------------------------------------ one file

    def push(self, workdir: Path, path: Path) -> FileRef:
        """Copy `path` (under `workdir`) to the same key in the store; its FileRef."""
        key = _key(workdir, path)
        ref = {"url": self.url_of(key), "sha256": sha256_of(path)}
        root = self.local_root
        if root is None:
            fs, base = self._fs()
            fs.makedirs(f"{base}/{PurePosixPath(key).parent}", exist_ok=True)
            fs.put_file(str(path), f"{base}/{key}")
        elif not _same_file(path, root / key):
            target = root / key
            top = PurePosixPath(key).parts[0]
            if top in PRIVATE_TOPS:
                layout.private_folder(target.parent, root / top)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        return ref

    def pull(self, workdir: Path, ref: FileRef) -> Path:
        """The file `ref` names, at its key under `workdir`; downloaded unless that file is
        already there with the same sha256. Raises StoreError when the bytes differ."""
        prefix = f"{self.url}/"
        if not ref["url"].startswith(prefix):
            raise StoreError(f"{ref['url']} is not in the store {self.url}")
        key = ref["url"][len(prefix) :]
        target = Path(workdir) / key
        if target.is_file() and sha256_of(target) == ref["sha256"]:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            fs, base = self._fs()
            fs.get_file(f"{base}/{key}", str(tmp))
        except FileNotFoundError as exc:
            raise StoreError(f"{ref['url']} is missing from the store") from exc
        found = sha256_of(tmp)
        if found != ref["sha256"]:
            tmp.unlink()
            raise StoreError(f"{ref['url']}: sha256 {found}, the reference says {ref['sha256']}")
        os.replace(tmp, target)
        return target

    def pull_if_present(self, workdir: Path, path: Path) -> Path | None:
        """The store's copy of `path` (state, alerts), when there is one; no checksum exists
        for these files, which only the report task writes."""
        key = _key(workdir, path)
        root = self.local_root
        if root is not None and _same_file(path, root / key):
            return path if path.is_file() else None
        fs, base = self._fs()
        if not fs.isfile(f"{base}/{key}"):
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        fs.get_file(f"{base}/{key}", str(path))
        return path

    # ------------------------------------------------------------------ folders

    def push_tree(self, workdir: Path, folder: Path, *, replace: bool = False) -> None:
        """Push every file under `folder` (quarantine, Data Docs); a missing folder is none.
        With `replace`, the store's folder is emptied first (a retried task's Data Docs
        replace the first try's instead of mixing with them)."""
        key = _key(workdir, folder)
        root = self.local_root
        if root is not None and _same_file(folder, root / key):
            return
        if replace:
            fs, base = self._fs()
            if fs.exists(f"{base}/{key}"):
                fs.rm(f"{base}/{key}", recursive=True)
        for path in sorted(Path(folder).rglob("*")) if Path(folder).is_dir() else []:
            if path.is_file():
                self.push(workdir, path)

    def pull_tree(self, workdir: Path, folder: Path) -> None:
        """Pull every file the store holds under `folder`'s key into `folder`."""
        key = _key(workdir, folder)
        root = self.local_root
        if root is not None and _same_file(folder, root / key):
            return
        fs, base = self._fs()
        for remote in _files_under(fs, f"{base}/{key}"):
            relative = PurePosixPath(remote).relative_to(PurePosixPath(f"{base}/{key}"))
            target = Path(folder) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(remote, str(target))

    def prune(self, key: str, days: int | None, *, now: float | None = None) -> list[str]:
        """Delete the entries under `key` (raw/<dataset>) whose newest file is more than
        `days` old, as `workdir.prune` does in a workdir; returns their keys."""
        root = self.local_root
        if root is not None:
            return [_key(root, p) for p in layout.prune(root / key, days, now=now)]
        if days is None:
            return []
        fs, base = self._fs()
        cutoff = (time.time() if now is None else now) - days * 86400
        removed = []
        for entry in fs.ls(f"{base}/{key}", detail=False) if fs.isdir(f"{base}/{key}") else []:
            stamps = [_mtime(info) for info in _infos_under(fs, entry)]
            if stamps and max(stamps) < cutoff:
                fs.rm(entry, recursive=True)
                removed.append(str(PurePosixPath(entry).relative_to(PurePosixPath(base))))
        return removed

    # ------------------------------------------------------------------ step results

    def share_raw(self, workdir: Path, raw: dict[str, Any]) -> dict[str, Any]:
        """`extract_step`'s result with its files pushed and named by FileRef."""
        return self._share(workdir, raw, RAW_FILES)

    def local_raw(self, workdir: Path, raw: dict[str, Any]) -> dict[str, Any]:
        """A shared raw reference with its files pulled into `workdir` (local paths)."""
        return self._local(workdir, raw, RAW_FILES)

    def share_staged(self, workdir: Path, staged: dict[str, Any]) -> dict[str, Any]:
        """`normalize_step`'s result (`StagedBatch.to_dict()`) pushed: the Parquet and CSV
        files and, when `stage` wrote it, the row origin kept beside the Parquet file."""
        origin = Path(staged["parquet_path"]).with_suffix(".rows.json")
        with_origin = {**staged, "origin_path": str(origin) if origin.is_file() else None}
        return self._share(workdir, with_origin, STAGED_FILES)

    def local_staged(self, workdir: Path, staged: dict[str, Any]) -> dict[str, Any]:
        local = self._local(workdir, staged, STAGED_FILES)
        local.pop("origin_path", None)  # read_staged finds it beside the Parquet file
        return local

    def _share(
        self, workdir: Path, result: dict[str, Any], files: Mapping[str, str]
    ) -> dict[str, Any]:
        shared = {k: v for k, v in result.items() if k not in files}
        for path_key, ref_key in files.items():
            path = result.get(path_key)
            shared[ref_key] = self.push(workdir, Path(path)) if path else None
        return shared

    def _local(
        self, workdir: Path, shared: dict[str, Any], files: Mapping[str, str]
    ) -> dict[str, Any]:
        local = {k: v for k, v in shared.items() if k not in files.values()}
        for path_key, ref_key in files.items():
            ref = shared.get(ref_key)
            local[path_key] = str(self.pull(workdir, ref)) if ref else None
        return local


def write_json_at(folder: Path | str, name: str, data: dict[str, Any]) -> None:
    """Write `data` as `name` in `folder`: a local folder (atomically, `workdir.write_json`)
    or a folder URL in a remote store."""
    if isinstance(folder, Path):
        layout.write_json(folder / name, data)
        return
    with fsspec.open(f"{str(folder).rstrip('/')}/{name}", "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, indent=2))


def _key(workdir: Path, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(workdir).resolve()).as_posix()
    except ValueError:
        raise StoreError(f"{path} is not under the workdir {workdir}") from None


def _same_file(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()


def _files_under(fs: Any, path: str) -> Iterator[str]:
    if fs.isdir(path):
        yield from sorted(fs.find(path))


def _infos_under(fs: Any, path: str) -> list[dict[str, Any]]:
    if fs.isdir(path):
        return list(fs.find(path, detail=True).values())
    return [fs.info(path)]


def _mtime(info: dict[str, Any]) -> float:
    """A file's modification time from fsspec's details (local, S3, memory spell it apart)."""
    for name in ("mtime", "LastModified", "last_modified", "created"):
        value = info.get(name)
        if value is None:
            continue
        return value.timestamp() if hasattr(value, "timestamp") else float(value)
    return 0.0
