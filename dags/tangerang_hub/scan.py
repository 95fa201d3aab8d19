"""`hub scan PATH...`: look for personal data and formula injection in files, no contract needed.

Each file is read exactly as `hub run --source-file PATH` reads it: `read.file_batch`, then
`read.read_columns` (the same decoding and refusal of a file mixing encodings, the same
`;`/`,`/tab delimiter, the first visible worksheet of an XLSX under the same limits, the same
JSON records; a CSV's columns stay Arrow arrays). A file the reader refuses is unreadable here
too, with the reader's reason. Files other than `.csv`, `.tsv`, `.txt`, `.xlsx`, `.xlsm` and
`.json` are refused.

Detection is the quality library's: `tangerang_quality.table_scan.scan_columns` on the
columns, their names included (a NIK typed as a column name; cells beyond the header's width
are scanned as `column_N`: a file with such rows is read with `read.read_rows`, which keeps
them), and `tangerang_quality.formula.is_formula_injection` on every cell, the header's too.
Both read only the cells the `candidates` masks leave, each distinct value once, with the
verdict of reading every cell.

Prints `file:row:column: kind nilai=masked` per finding (an XLSX file is named
`file.xlsx[Sheet]`; rows as the reader numbers them: a spreadsheet's row, JSON records from 1;
a header finding has the header's row, 1 for JSON; a column name that holds an identifier is
shown masked), then a summary line. Everything it prints is Bahasa Indonesia, or English with
``HUB_LANG=en`` (`messages.language`): `file:row:column: kind value=masked`, the kind as the
quality library names it (`nik`, `phone`, `formula`...).
Exit codes: 2 when anything is found, 1 when a file cannot be read, 0 when every file is clean.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from tangerang_hub.local_file import error_said
from tangerang_hub.messages import language
from tangerang_hub.read import (
    Cells,
    ReadError,
    check_head,
    columns_of,
    file_batch,
    is_csv,
    read_columns,
    read_rows,
)
from tangerang_quality import formula
from tangerang_quality.candidates import formula_candidates
from tangerang_quality.formula import is_formula_injection
from tangerang_quality.masking import mask_identifiers
from tangerang_quality.pii import COLUMN_NAME_MARK, kind_label
from tangerang_quality.problems import WHERE
from tangerang_quality.table_scan import Values, candidate_rows, scan_columns
from tangerang_quality.texts import Said, SaidError, say

EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND = 0, 1, 2
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")


class UnreadableFile(SaidError):
    """The file cannot be read as a run would read it; `said` tells why in both languages."""


def label(kind: str) -> Said:
    """A finding's kind as people read it (`pii.kind_label`, `formula.KIND_LABEL`)."""
    return formula.KIND_LABEL if kind == formula.KIND else kind_label(kind)


@dataclass(frozen=True)
class ScanHit:
    file: str
    row: int
    column: str
    kind: str
    masked: str  # `pii.COLUMN_NAME_MARK` when the column name announces the kind

    def text(self, lang: str = "id") -> str:
        """`file:row:column: kind nilai=masked` in `lang` (English: `kind value=masked`)."""
        masked: str | Said = self.masked
        if masked == COLUMN_NAME_MARK:
            masked = say("(nama kolom)", COLUMN_NAME_MARK)
        what = say(
            "{kind} nilai={masked}", "{kind} value={masked}", kind=label(self.kind), masked=masked
        )
        column = mask_identifiers(self.column)
        return f"{self.file}:{self.row}:{column}: {what.render(lang)}"

    def __str__(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Sheet:
    """What a run reads from one file, as columns. `row_numbers[i]` is data row i's row."""

    name: str
    columns: dict[str, Values]
    row_numbers: Sequence[int]
    header_row: int


def read_file(path: Path) -> Sheet:
    """The file read as `hub run --source-file` reads it; `UnreadableFile` when it cannot be."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            say(
                "{path}: jenis berkas {suffix} tidak didukung; gunakan CSV, XLSX atau JSON",
                "{path}: unsupported file type {suffix}; use CSV, XLSX or JSON",
                path=path,
                suffix=suffix or say("(tanpa akhiran)", "(none)"),
            )
        )
    try:
        check_head(path)  # a gigabyte of NULs is refused from its first bytes
        batch = file_batch(path)
        # JSON and workbooks are read as rows anyway; a CSV stays in Arrow columns unless a
        # row has cells beyond the header, which only the rows keep
        rows = None if is_csv(batch) else read_rows(batch)
        table = read_columns(batch) if rows is None else columns_of(rows)
        if any(odd.extra for odd in table.odd_rows):
            return _sheet_of_rows(path, rows or read_rows(batch))
    except OSError as exc:
        raise UnreadableFile(
            say(
                "{path}: berkas tidak dapat dibaca: {error}",
                "{path}: cannot read the file: {error}",
                path=path,
                error=error_said(exc),
            )
        ) from exc
    except ReadError as exc:
        reasons = {
            lang: "; ".join(_where(p.row, lang) + p.text(lang) for p in exc.problems)
            for lang in ("id", "en")
        }
        raise UnreadableFile(
            say(
                "{path}: {reasons_id}",
                "{path}: {reasons_en}",
                path=path,
                reasons_id=reasons["id"],
                reasons_en=reasons["en"],
            )
        ) from None
    names = _names(table.header, len(table.header))
    return Sheet(
        _sheet_name(path, table.sheet),
        {name: _values(cells) for name, cells in zip(names, table.columns, strict=True)},
        table.row_numbers.to_numpy(),
        table.header_row or 1,
    )


def _sheet_of_rows(path: Path, rows: Any) -> Sheet:
    data = [cells for _, cells in rows.rows]
    width = max([len(rows.header), *(len(r) for r in data)])
    columns = {
        name: [r[i] if i < len(r) else None for r in data]
        for i, name in enumerate(_names(rows.header, width))
    }
    numbers = [n for n, _ in rows.rows]
    return Sheet(_sheet_name(path, rows.sheet), columns, numbers, rows.header_row or 1)


def _sheet_name(path: Path, sheet: str | None) -> str:
    return f"{path}[{sheet}]" if sheet is not None else str(path)


def _values(cells: Cells) -> Values:
    """A column as the detectors take it: Arrow text, or a list when it holds other values
    (JSON numbers, Excel dates), which read from a list of Python rows anyway."""
    if not cells.values:
        return cells.text
    values = cells.text.to_pylist()
    for index, value in cells.values.items():
        values[index] = value
    return values


def _where(row: int | None, lang: str) -> str:
    return f"{WHERE[lang][0]} {row}: " if row is not None else ""


def _names(header: Sequence[Any], width: int) -> list[str]:
    """The columns' names: unnamed and extra cells become `column_N`, repeats `name_N`."""
    names = [str(h).strip() or f"column_{i + 1}" for i, h in enumerate(header)]
    names += [f"column_{i + 1}" for i in range(len(names), width)]
    unique: dict[str, None] = {}
    for i, name in enumerate(names):
        unique[name if name not in unique else f"{name}_{i + 1}"] = None
    return list(unique)


def _formula_cells(values: Values) -> Iterator[tuple[int, Any]]:
    """(index, value) of the cells that may be a formula (`candidates.formula_candidates`)."""
    rows = candidate_rows(values, formula_candidates).tolist()
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return zip(rows, values.take(pa.array(rows, pa.int64())).to_pylist(), strict=True)
    return ((i, values[i]) for i in rows)


def _preview(value: str) -> str:
    text = value if len(value) <= 24 else value[:21] + "..."
    return repr(text)


def scan_sheet(sheet: Sheet) -> list[ScanHit]:
    order = {name: i for i, name in enumerate(sheet.columns)}
    found: list[tuple[int, int, ScanHit]] = []
    for f in scan_columns(sheet.columns):  # headers too (`pii.header_findings`)
        row = sheet.header_row if f.row is None else sheet.row_numbers[f.row]
        # an identifier split over adjacent columns names all of them: `depan+belakang`
        column = "+".join(f.columns) if len(f.columns) > 1 else f.column
        found.append(
            (row, order.get(f.column, 0), ScanHit(sheet.name, row, column, f.kind, f.masked))
        )
    for column, values in sheet.columns.items():
        if is_formula_injection(column):  # a header cell is a cell too
            hit = ScanHit(sheet.name, sheet.header_row, column, formula.KIND, _preview(column))
            found.append((hit.row, order[column], hit))
        for i, value in _formula_cells(values):
            if is_formula_injection(value):
                row = int(sheet.row_numbers[i])
                hit = ScanHit(sheet.name, row, column, formula.KIND, _preview(str(value)))
                found.append((hit.row, order[column], hit))
    return [hit for _, _, hit in sorted(found, key=lambda item: item[:2])]


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="hub scan",
        description="Scan CSV, XLSX or JSON files for personal data (NIK, KK, NPWP, mobile "
        "numbers, e-mail, dates of birth) and spreadsheet formula injection, reading each "
        "file exactly as `hub run --source-file` would.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    args = parser.parse_args(argv)

    lang = language()
    hits: list[ScanHit] = []
    errors = 0
    for path in args.paths:
        try:
            sheet = read_file(path)
        except UnreadableFile as exc:
            error = say("galat: {reason}", "error: {reason}", reason=exc.said)
            print(error.render(lang), file=sys.stderr)
            errors += 1
            continue
        for hit in scan_sheet(sheet):
            print(hit.text(lang), file=out)
            hits.append(hit)

    files = len(args.paths)
    if hits:
        counts = sorted(Counter(h.kind for h in hits).items())
        kinds = ", ".join(f"{label(k).render(lang)} {n}" for k, n in counts)
        summary = say(
            "{hits} temuan di {files} berkas: {kinds}",
            "{hits} finding(s) in {files} file(s): {kinds}",
            hits=len(hits),
            files=files,
            kinds=kinds,
        )
        print(summary.render(lang), file=out)
    elif not errors:
        clean = say(
            "bersih: tidak ada data pribadi atau rumus spreadsheet di {files} berkas",
            "clean: no personal data or formula injection in {files} file(s)",
            files=files,
        )
        print(clean.render(lang), file=out)
    if errors:
        unread = say(
            "{errors} berkas tidak dapat dibaca",
            "{errors} file(s) could not be read",
            errors=errors,
        )
        print(unread.render(lang), file=out)
        return EXIT_ERROR
    return EXIT_FOUND if hits else EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
