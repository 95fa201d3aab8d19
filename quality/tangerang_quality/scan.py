"""`hub scan PATH...`: look for personal data and formula injection in files, no contract needed.

Prints `file:row:column: kind value=masked` per finding (row as a spreadsheet counts it, header
row 1; JSON records count from 1; a header finding has row 1), then a summary line.
Exit codes: 2 when anything is found, 1 when a file cannot be read, 0 when every file is clean.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tangerang_quality.formula import is_formula_injection
from tangerang_quality.pii import scan_columns
from tangerang_quality.readers import Sheet, UnreadableFile, read_file

EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND = 0, 1, 2


@dataclass(frozen=True)
class ScanHit:
    file: str
    row: int
    column: str
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.kind} value={self.masked}"


def _preview(value: str) -> str:
    text = value if len(value) <= 24 else value[:21] + "..."
    return repr(text)


def scan_sheet(sheet: Sheet) -> list[ScanHit]:
    hits = []
    header_row = 1
    for f in scan_columns(sheet.columns):
        row = header_row if f.row is None else sheet.row_numbers[f.row]
        hits.append(ScanHit(sheet.name, row, f.column, f.kind, f.masked))
    for column, values in sheet.columns.items():
        for i, value in enumerate(values):
            if is_formula_injection(value):
                masked = _preview(str(value))
                hits.append(ScanHit(sheet.name, sheet.row_numbers[i], column, "formula", masked))
    return sorted(hits, key=lambda h: (h.file, h.row, list(sheet.columns).index(h.column)))


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="hub scan",
        description="Scan CSV, XLSX or JSON files for personal data (NIK, KK, NPWP, mobile "
        "numbers, e-mail, dates of birth) and spreadsheet formula injection.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    args = parser.parse_args(argv)

    hits: list[ScanHit] = []
    errors = 0
    for path in args.paths:
        try:
            sheets = read_file(path)
        except UnreadableFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            errors += 1
            continue
        for sheet in sheets:
            for hit in scan_sheet(sheet):
                print(hit, file=out)
                hits.append(hit)

    files = len(args.paths)
    if hits:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(Counter(h.kind for h in hits).items()))
        print(f"{len(hits)} finding(s) in {files} file(s): {kinds}", file=out)
    elif not errors:
        print(f"clean: no personal data or formula injection in {files} file(s)", file=out)
    if errors:
        print(f"{errors} file(s) could not be read", file=out)
        return EXIT_ERROR
    return EXIT_FOUND if hits else EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
