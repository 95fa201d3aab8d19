"""The OPD inbox: an Excel (or CSV) file dropped in a watched folder or published at a URL.

``params``:
  folder + pattern    watched folder and glob (``*.xlsx``); the newest file is read
  path | url          or a file over HTTP from the connection
  sheet               sheet name or 0-based index (the first visible sheet)
  header_row, header_rows, columns, names, total_pattern, footnote_pattern
                      table detection overrides, see `excel_table.read_table`
  max_bytes (20 MB), max_sheets (20), max_uncompressed (100 MB),
  max_rows (200 000), max_columns (200), max_cells (5 000 000)
                      caps checked while the sheet is read lazily; see `read_worksheet`
  archive_dir         where originals are kept as ``<sha256>-<name>``
                      (default ``$HUB_INBOX_ARCHIVE`` or ``<repo>/var/inbox-archive``)
The file is parsed by openpyxl in read-only mode with defusedxml guarding the XML.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tangerang_hub.http_client import client_for
from tangerang_hub.local_file import error_said, read_whole_file
from tangerang_hub.sources.base import RawBatch, SourceError, SourceHook
from tangerang_hub.sources.excel_table import TableError, read_table
from tangerang_hub.workdir import private_folder, prune, retention_days
from tangerang_quality.texts import say

REPO_ROOT = Path(__file__).resolve().parents[3]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
MB = 1024 * 1024
# The one table of Excel limits: the inbox's defaults (a contract's params may change them)
# and the fixed limits for .xlsx arriving any other way (tangerang_hub.read).
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_SHEETS = 20
DEFAULT_MAX_UNCOMPRESSED = 100 * MB
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_COLUMNS = 200
DEFAULT_MAX_CELLS = 5_000_000


MAX_PART_BYTES = 10_000_000  # styles.xml, a theme, workbook.xml: a few hundred KB in practice


def _megabytes(**sizes: int) -> dict[str, str]:
    """Each size as `<key>_id` (`151,2 MB`) and `<key>_en` (`151.2 MB`), in KB or MB (this
    module's `MB`, so `DEFAULT_MAX_UNCOMPRESSED` reads `100.0 MB`) from 10,000 bytes on: a byte
    count can have as many digits as a NIK, and messages mask those."""
    out = {}
    for key, size in sizes.items():
        if size < 10_000:
            out[f"{key}_id"], out[f"{key}_en"] = f"{size} byte", f"{size} bytes"
            continue
        unit, scale = ("KB", MB // 1024) if size < MB else ("MB", MB)
        text = f"{size / scale:.1f}"
        out[f"{key}_id"], out[f"{key}_en"] = f"{text.replace('.', ',')} {unit}", f"{text} {unit}"
    return out


def check_workbook_limits(
    content: bytes, name: str, max_sheets: int, max_uncompressed: int
) -> None:
    """Refuse zip bombs and workbooks with too many sheets before openpyxl sees them."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except Exception:  # BadZipFile, and NotImplementedError/ValueError/EOFError for odd archives
        raise SourceError(
            say(
                "{name} bukan berkas .xlsx yang sah (bukan arsip zip)",
                "{name} is not a valid .xlsx file (not a zip archive)",
                name=name,
            )
        ) from None
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed:
        raise SourceError(
            say(
                "{name} berukuran {total_id} setelah dibuka, melebihi batas {limit_id}",
                "{name} unpacks to {total_en}, over the limit of {limit_en}",
                name=name,
                **_megabytes(total=total, limit=max_uncompressed),
            )
        )
    # Styles, themes and the workbook's own parts are read whole into memory by openpyxl
    # (90 MB of `<xf/>` in styles.xml took 11 GB); only sheets and shared strings hold data.
    for info in infos:
        if (
            info.filename.endswith(".xml")
            and not info.filename.startswith("xl/worksheets/")
            and info.filename != "xl/sharedStrings.xml"
            and info.file_size > MAX_PART_BYTES
        ):
            raise SourceError(
                say(
                    "{name}: bagian {part} berukuran {total_id}, melebihi batas {limit_id} "
                    "untuk bagian selain lembar kerja",
                    "{name}: its part {part} is {total_en}, over the limit of {limit_en} for a "
                    "part that is no sheet",
                    name=name,
                    part=info.filename,
                    **_megabytes(total=info.file_size, limit=MAX_PART_BYTES),
                )
            )
    sheets = [
        i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
    ]
    if len(sheets) > max_sheets:
        raise SourceError(
            say(
                "{name} memiliki {count} lembar kerja, melebihi batas {limit}",
                "{name} has {count} sheets, over the limit of {limit}",
                name=name,
                count=len(sheets),
                limit=max_sheets,
            )
        )


@dataclass(frozen=True)
class Worksheet:
    """One sheet as read: its title and its rows, each trimmed of trailing empty cells."""

    title: str
    rows: list[list[Any]]


def read_rows(
    content: bytes,
    name: str,
    sheet: str | int | None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[list[Any]]:
    """The sheet's rows, read lazily under caps on rows, columns and cells (`_read`)."""
    return _read(
        content, name, sheet, max_rows=max_rows, max_columns=max_columns, max_cells=max_cells
    ).rows


def _read(
    content: bytes,
    name: str,
    sheet: str | int | None,
    *,
    max_rows: int,
    max_columns: int,
    max_cells: int,
) -> Worksheet:
    """The sheet's title and rows, read lazily under caps on rows, columns and cells.

    openpyxl's read-only mode trusts the file's ``<dimension ref=...>`` and pads every
    row to it, so a few KB can claim ``A1:XFD1048576``; the dimensions are reset first
    and every row is trimmed of trailing empty cells.
    """
    import openpyxl
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise SourceError(
            say(
                "defusedxml tidak terpasang: berkas Excel tidak dibaca tanpa pustaka itu",
                "defusedxml is not installed: refusing to parse Excel files without it",
            )
        )
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SourceError(
            say(
                "{name} tidak dapat dibuka sebagai buku kerja: {error}",
                "{name} cannot be opened as a workbook: {error}",
                name=name,
                error=str(exc),
            )
        ) from None
    try:
        if sheet is None:  # the first sheet a steward sees: a hidden one is skipped
            worksheet = next(
                (ws for ws in workbook.worksheets if ws.sheet_state == "visible"),
                workbook.worksheets[0],
            )
        elif isinstance(sheet, int):
            worksheet = workbook.worksheets[sheet]
        else:
            worksheet = workbook[sheet]
    except (IndexError, KeyError):
        workbook.close()
        raise SourceError(
            say(
                "{name} tidak memiliki lembar kerja {sheet!r}; lembar kerja yang ada: {sheets}",
                "{name} has no sheet {sheet!r}; sheets: {sheets}",
                name=name,
                sheet=sheet,
                sheets=workbook.sheetnames,
            )
        ) from None
    where = say(
        "{name}, lembar kerja {title!r}",
        "{name}, sheet {title!r}",
        name=name,
        title=worksheet.title,
    )
    try:
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        rows: list[list[Any]] = []
        cells = 0
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > max_rows:
                raise SourceError(
                    say(
                        "{where}: lebih dari {limit} baris, melebihi batas",
                        "{where}: more than {limit} rows, over the limit",
                        where=where,
                        limit=max_rows,
                    )
                )
            values = _trimmed(row, max_columns)
            if len(values) > max_columns:
                raise SourceError(
                    say(
                        "{where}: baris {number} memiliki {count} kolom, melebihi batas {limit}",
                        "{where}: row {number} has {count} columns, over the limit of {limit}",
                        where=where,
                        number=number,
                        count=len(values),
                        limit=max_columns,
                    )
                )
            cells += len(values)
            if cells > max_cells:
                raise SourceError(
                    say(
                        "{where}: lebih dari {limit} sel, melebihi batas",
                        "{where}: more than {limit} cells, over the limit",
                        where=where,
                        limit=max_cells,
                    )
                )
            rows.append(values)
        return Worksheet(worksheet.title, rows)
    except SourceError:
        raise
    except Exception as exc:  # a broken sheet part surfaces only while iterating
        raise SourceError(
            say(
                "{where} tidak dapat dibaca: {error}",
                "{where} cannot be read: {error}",
                where=where,
                error=str(exc),
            )
        ) from None
    finally:
        workbook.close()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(row: tuple[Any, ...], max_columns: int) -> list[Any]:
    """The row without its trailing empty cells; longer than `max_columns` only when a cell
    beyond that holds something.

    openpyxl pads every row to its last cell, and a sheet may end each row with a blank cell
    at column XFD: 16,384 cells a row. Past `max_columns` the cells are checked in C (`count`,
    then `set`, whose distinct values are few), not one by one: a 20,000-row sheet like that
    took 26 s to read, most of it here."""
    if len(row) > max_columns:
        tail = row[max_columns:]
        if tail.count(None) != len(tail) and not all(_empty(v) for v in set(tail)):
            values = list(row)
        else:
            values = list(row[:max_columns])
    else:
        values = list(row)
    while values and _empty(values[-1]):
        values.pop()
    return values


def read_sheet_rows(
    content: bytes,
    filename: str,
    sheet: str | int | None = None,
    *,
    max_sheets: int = DEFAULT_MAX_SHEETS,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[list[Any]]:
    """The rows of `read_worksheet`."""
    return read_worksheet(
        content,
        filename,
        sheet,
        max_sheets=max_sheets,
        max_uncompressed=max_uncompressed,
        max_rows=max_rows,
        max_columns=max_columns,
        max_cells=max_cells,
    ).rows


def read_worksheet(
    content: bytes,
    filename: str,
    sheet: str | int | None = None,
    *,
    max_sheets: int = DEFAULT_MAX_SHEETS,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_columns: int = DEFAULT_MAX_COLUMNS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Worksheet:
    """Every safety check, then the capped rows: the one way to read an untrusted .xlsx.

    Zip-bomb and sheet-count limits (`check_workbook_limits`), defusedxml required, and
    lazy reading under row/column/cell caps; any violation is a `SourceError` naming
    the file (and the sheet). `sheet` is a name or 0-based index; None is the first visible
    sheet (a hidden or very hidden sheet before it is skipped: the steward never saw it).
    """
    check_workbook_limits(content, filename, max_sheets, max_uncompressed)
    return _read(
        content,
        filename,
        sheet,
        max_rows=max_rows,
        max_columns=max_columns,
        max_cells=max_cells,
    )


def archive(content: bytes, name: str, directory: Path) -> tuple[str, Path]:
    """Keep the original as ``<sha256>-<name>``; returns (sha256, path)."""
    digest = hashlib.sha256(content).hexdigest()
    private_folder(directory, directory)  # originals may hold personal data: 0700
    prune(directory, retention_days())
    target = directory / f"{digest}-{Path(name).name}"
    if not target.exists():
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(content)
        partial.replace(target)
    return digest, target


class ExcelHook(SourceHook):
    conn_type = "http"
    hook_name = "OPD Excel inbox"
    source_type = "excel"
    default_conn_name = "opd_inbox"

    def fetch(self, *, state: Mapping[str, Any] | None = None, since: Any = None) -> RawBatch:
        state = state or {}
        max_bytes = int(self.param("max_bytes", DEFAULT_MAX_BYTES))
        if self.param("folder"):
            content, name, source_url, etag, last_modified = self._from_folder(max_bytes)
            if etag and state.get("etag") == etag:
                return self._unchanged(name, source_url, etag)
        else:
            fetched = self._from_http(max_bytes, state)
            if fetched is None:
                target = str(self.param("url") or self.param("path") or "")
                name = self.param("filename") or posixpath.basename(urlsplit(target).path)
                return self._unchanged(name, None, state.get("etag"), state.get("last_modified"))
            content, name, source_url, etag, last_modified = fetched
        digest, archived = archive(content, name, self._archive_dir())
        meta: dict[str, Any] = {"sha256": digest, "archived_path": str(archived)}
        if Path(name).suffix.lower() == ".csv":
            return RawBatch(
                records=None,
                content=content,
                filename=name,
                media_type="text/csv",
                etag=etag,
                last_modified=last_modified,
                source_url=source_url,
                meta=meta,
            )
        if Path(name).suffix.lower() not in EXCEL_SUFFIXES:
            raise SourceError(
                say(
                    "{name}: dari kotak masuk hanya berkas .xlsx, .xlsm dan .csv yang dibaca",
                    "{name}: only .xlsx, .xlsm and .csv files are read from the inbox",
                    name=name,
                )
            )
        rows = read_sheet_rows(
            content,
            name,
            self.param("sheet"),
            max_sheets=int(self.param("max_sheets", DEFAULT_MAX_SHEETS)),
            max_uncompressed=int(self.param("max_uncompressed", DEFAULT_MAX_UNCOMPRESSED)),
            max_rows=int(self.param("max_rows", DEFAULT_MAX_ROWS)),
            max_columns=int(self.param("max_columns", DEFAULT_MAX_COLUMNS)),
            max_cells=int(self.param("max_cells", DEFAULT_MAX_CELLS)),
        )
        try:
            table = read_table(
                rows,
                header_row=self.param("header_row"),
                header_rows=self.param("header_rows"),
                columns=self.param("columns"),
                names=self.param("names"),
                total_pattern=self.param("total_pattern"),
                footnote_pattern=self.param("footnote_pattern"),
            )
        except TableError as exc:
            raise SourceError(
                say("{name}: {error}", "{name}: {error}", name=name, error=exc.said)
            ) from None
        meta |= {
            "header": table.header,
            "header_row": table.header_row,
            "row_numbers": table.row_numbers,
        }
        return RawBatch(
            records=table.records,
            content=None,
            filename=name,
            media_type=XLSX,
            etag=etag,
            last_modified=last_modified,
            source_url=source_url,
            meta=meta,
        )

    def _unchanged(
        self, name: str, url: str | None, etag: str | None, last_modified: str | None = None
    ) -> RawBatch:
        return RawBatch(
            records=None,
            content=None,
            filename=name,
            media_type=XLSX,
            etag=etag,
            last_modified=last_modified,
            not_modified=True,
            source_url=url,
        )

    def _archive_dir(self) -> Path:
        configured = self.param("archive_dir") or os.environ.get("HUB_INBOX_ARCHIVE")
        return Path(configured) if configured else REPO_ROOT / "var" / "inbox-archive"

    def _from_folder(self, max_bytes: int) -> tuple[bytes, str, str, str, str | None]:
        folder = Path(self.param("folder"))
        pattern = self.param("pattern", "*.xlsx")
        candidates = [
            p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("~$")
        ]
        if not candidates:
            raise SourceError(
                say(
                    "tidak ada berkas yang cocok dengan {pattern!r} di folder kotak masuk {folder}",
                    "no file matching {pattern!r} in the inbox folder {folder}",
                    pattern=pattern,
                    folder=folder,
                )
            )
        newest = max(candidates, key=lambda p: (p.stat().st_mtime, p.name))
        size = newest.stat().st_size
        if size > max_bytes:
            raise SourceError(
                say(
                    "{file} berukuran {total_id}, melebihi batas {limit_id}",
                    "{file} is {total_en}, over the cap of {limit_en}",
                    file=newest,
                    **_megabytes(total=size, limit=max_bytes),
                )
            )
        try:
            content = read_whole_file(newest)
        except OSError as exc:  # still being copied into the folder, most likely
            raise SourceError(
                say(
                    "{file} tidak dapat dibaca: {error}",
                    "{file} cannot be read: {error}",
                    file=newest,
                    error=error_said(exc),
                )
            ) from exc
        etag = '"' + hashlib.sha256(content).hexdigest() + '"'
        return content, newest.name, newest.resolve().as_uri(), etag, None

    def _from_http(
        self, max_bytes: int, state: Mapping[str, Any]
    ) -> tuple[bytes, str, str, str | None, str | None] | None:
        client = client_for(
            self.connection, self.params, auth=self.param("auth"), max_bytes=max_bytes
        )
        url = client.url(self.param("url") or self.param("path", required=True))
        response = client.get(url, state=state)
        if response.not_modified:
            return None
        name = self.param("filename") or posixpath.basename(urlsplit(url).path) or "inbox.xlsx"
        return response.content, name, response.url, response.etag, response.last_modified
