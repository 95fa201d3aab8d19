"""How to cite a dataset, naming its version: a line of text and a BibTeX entry.

The version is the dataset's current kept version (``versions``): its run id, its date and
the first 12 hex digits of the dataset's sha256 (the hub's batch fingerprint, which is the
sha256 of the version's Parquet file). A dataset without kept versions is cited with its
``last_run_id``/``last_run_at``/``sha256`` when it has them, else with its last change.

Text (Bahasa Indonesia; English says "version")::

    Dinas Kesehatan Kota Tangerang (2026). Fasilitas Pelayanan Kesehatan, versi
    manual__2026-12-01 (1 Desember 2026, 14.18 WIB; sha256 3f2a9c0b1d4e). Satu Data Kota
    Tangerang. https://satudata.tangerangkota.go.id/dataset/fasyankes

The BibTeX entry is a ``@misc`` with ``author`` (the producer, braced as one name),
``title``, ``year``, ``version`` (the run id), ``publisher``, ``url`` and ``note`` (the
version, its date and sha256 prefix); every value is escaped for BibTeX, and the key is
reduced to letters, digits and ``-_:.``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

SHA_PREFIX = 12
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_URL_SPECIAL = {"\\": "%5C", "{": "%7B", "}": "%7D", " ": "%20", "%": r"\%", "#": r"\#"}
_URL_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _URL_SPECIAL))
_KEY_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_:.-]+")


@dataclass(frozen=True)
class Parts:
    """What a citation names. ``date`` and ``year`` are already written for the reader
    (``1 Desember 2026, 14.18 WIB``); ``run_id``, ``date`` and ``sha256`` may be empty."""

    author: str
    year: str
    title: str
    run_id: str
    date: str
    sha256: str
    publisher: str
    url: str
    name: str


def sha_prefix(sha256: str) -> str:
    return (sha256 or "")[:SHA_PREFIX]


def version_label(parts: Parts, version_word: str) -> str:
    """``versi <run> (<date>; sha256 <prefix>)``, leaving out what is unknown."""
    details = "; ".join(
        item
        for item in (parts.date, f"sha256 {sha_prefix(parts.sha256)}" if parts.sha256 else "")
        if item
    )
    label = f"{version_word} {parts.run_id}" if parts.run_id else version_word
    return f"{label} ({details})" if details else label


def text(parts: Parts, version_word: str) -> str:
    """The citation as one line of plain text (escape it where it is rendered)."""
    year = f" ({parts.year})" if parts.year else ""
    return (
        f"{parts.author}{year}. {parts.title}, {version_label(parts, version_word)}. "
        f"{parts.publisher}. {parts.url}"
    )


def bibtex_escape(value: str) -> str:
    """``value`` as BibTeX field text: TeX's special characters escaped, braces balanced,
    line breaks as spaces."""
    flat = " ".join(value.split())
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], flat)


def bibtex_url(url: str) -> str:
    """A URL for BibTeX's ``url`` field: braces, backslashes and spaces percent-encoded,
    ``%`` and ``#`` escaped."""
    return _URL_SPECIAL_RE.sub(lambda m: _URL_SPECIAL[m.group(0)], url.strip())


def bibtex_key(parts: Parts) -> str:
    raw = ":".join(item for item in ("satudata-tangerang", parts.name, parts.run_id) if item)
    return _KEY_UNSAFE_RE.sub("-", raw).strip("-") or "satudata-tangerang"


def bibtex(parts: Parts, version_word: str) -> str:
    """The citation as a BibTeX ``@misc`` entry."""
    note = version_label(parts, version_word)
    fields = [
        ("author", "{" + bibtex_escape(parts.author) + "}"),
        ("title", "{" + bibtex_escape(parts.title) + "}"),
        ("year", bibtex_escape(parts.year)),
        ("version", bibtex_escape(parts.run_id)),
        ("publisher", bibtex_escape(parts.publisher)),
        ("url", bibtex_url(parts.url)),
        ("note", bibtex_escape(note[:1].upper() + note[1:])),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{bibtex_key(parts)},\n{body}\n}}"


def _(message: str) -> str:
    """Marks a msgid for ``pybabel extract``; translated when rendered."""
    return message


VERSION_WORD = _("version")


def _local_year(value: dt.date, tz: dt.tzinfo) -> str:
    """The year of ``value`` in zone ``tz`` (a naive datetime is UTC, as CKAN stores it)."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return str(aware.astimezone(tz).year)
    return str(value.year)


def for_dataset(pkg_dict: dict[str, Any]) -> dict[str, str]:
    """The citation of the dataset page's dataset in the page's language:
    ``{"text", "bibtex", "run_id", "date", "sha256"}``."""
    import ckan.plugins.toolkit as tk

    from ckanext.tangerang import dates, versions, vocab

    current = versions.current(pkg_dict["id"])
    if current is not None:
        run_id, moment, sha256 = current.run_id, current.created, current.batch_sha256 or ""
    else:
        run_id = pkg_dict.get("last_run_id") or ""
        moment = pkg_dict.get("last_run_at") or pkg_dict.get("metadata_modified")
        sha256 = pkg_dict.get("sha256") or ""
    lang = vocab.current_lang()
    tz = tk.h.get_display_timezone()
    organization = pkg_dict.get("organization") or {}
    local = dates.parse(moment)
    parts = Parts(
        author=organization.get("title") or organization.get("name") or "",
        year=_local_year(local, tz) if local is not None else "",
        title=pkg_dict.get("title") or pkg_dict.get("name") or "",
        run_id=run_id,
        date=dates.render(local, lang, tz, with_hours=True) if local is not None else "",
        sha256=sha256,
        publisher=tk.config.get("ckan.site_title") or "",
        url=tk.url_for("dataset.read", id=pkg_dict["name"], locale="default", _external=True),
        name=pkg_dict["name"],
    )
    word = tk._(VERSION_WORD)
    return {
        "text": text(parts, word),
        "bibtex": bibtex(parts, word),
        "run_id": run_id,
        "date": parts.date,
        "sha256": sha256,
    }
