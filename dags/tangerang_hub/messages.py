"""What a run says to people: one code per outcome, Bahasa Indonesia first, English complete.

A run report carries the code and its parameters besides the Indonesian text, so the catalog
renders the message in the visitor's language through its gettext catalogs
(ckanext-tangerang's ``run_messages.py`` lists the same codes with the English text as msgid;
a test keeps the two tables equal). The `hub` command prints Indonesian, or English with
``HUB_LANG=en``. Developer logs stay English and do not use this module.

Parameters are plain strings and numbers; whatever they quote from data or from an error has
been through the one masker before it gets here. A parameter worded in both languages (the
reason a run failed) comes twice: ``name`` in Bahasa Indonesia and ``name_en`` in English.

Standard library only: the CKAN extension's tests load this file by path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Template:
    id: str  # Bahasa Indonesia
    en: str


MESSAGES: dict[str, Template] = {
    "published": Template(
        "Diterbitkan: {rows} baris.",
        "Published: {rows} rows.",
    ),
    "awaiting_review": Template(
        "Diunggah: {rows} baris; menunggu pemeriksaan walidata sebelum diterbitkan.",
        "Uploaded: {rows} rows; waiting for the walidata's review before it is published.",
    ),
    "unchanged": Template(
        "Data tidak berubah; tidak ada yang diunggah.",
        "Data unchanged; nothing uploaded.",
    ),
    "not_modified": Template(
        "Sumber tidak berubah sejak proses terakhir; tidak ada yang dikerjakan.",
        "Source not modified since the last run; nothing to do.",
    ),
    "dry_run": Template(
        "Uji coba: data valid, tidak ada yang diterbitkan.",
        "Dry run: data valid, nothing published.",
    ),
    "read_problems": Template(
        "{count} masalah saat membaca {file}; tidak ada yang diterbitkan.",
        "{count} problem(s) while reading {file}; nothing published.",
    ),
    "blocking_problems": Template(
        "Validasi menemukan {count} masalah yang menghalangi; tidak ada yang diterbitkan.",
        "Validation found {count} blocking problem(s); nothing published.",
    ),
    "shrunk": Template(
        "Data menyusut dari {previous} menjadi {rows} baris (batas {ratio} persen dari versi "
        "terakhir); tidak ada yang diterbitkan. Jika memang disengaja, jalankan dengan "
        "--accept-shrink.",
        "The data shrank from {previous} to {rows} rows (the limit is {ratio} percent of the last "
        "version); nothing published. If this is intended, run with --accept-shrink.",
    ),
    "empty": Template(
        "Sumber mengirim 0 baris; tidak ada yang diterbitkan dan versi terakhir tetap. "
        "Jika memang disengaja, jalankan dengan --accept-shrink.",
        "The source sent 0 rows; nothing published and the last version stays. If this "
        "is intended, run with --accept-shrink.",
    ),
    "unchanged_source": Template(
        "Berkas sumber dan kontrak sama dengan versi yang sudah terbit; tidak ada yang dikerjakan.",
        "The source file and the contract equal the published version; nothing to do.",
    ),
    "task_failed": Template(
        "Tugas {task} gagal; lihat lognya di Airflow.",
        "Task {task} failed; see its log in Airflow.",
    ),
    "failed": Template(
        "Proses gagal: {error}",
        "The run failed: {error}",
    ),
    "report_not_sent": Template(
        "{message} (laporan proses tidak terkirim ke katalog)",
        "{message} (the run report could not be sent to the catalog)",
    ),
}


def language() -> str:
    """`id` unless ``HUB_LANG`` asks for English."""
    return "en" if os.environ.get("HUB_LANG", "").lower().startswith("en") else "id"


def render(code: str, params: Mapping[str, Any] | None = None, lang: str = "id") -> str:
    """The message `code` with `params`, in `lang` (``id`` or ``en``)."""
    template = MESSAGES[code]
    text = template.en if lang == "en" else template.id
    return text.format(**in_language(params, lang))


def in_language(params: Mapping[str, Any] | None, lang: str = "id") -> dict[str, Any]:
    """`params` for `lang`: in English, ``name_en`` stands in for ``name``."""
    values = dict(params or {})
    if lang == "en":
        values.update({k[: -len("_en")]: v for k, v in values.items() if k.endswith("_en")})
    return values
