"""The OPD Excel inbox: a typical government workbook, written with the stdlib only.

Title rows, a merged two-level header, numbers typed as text with dots as thousands
separators, a "Jumlah" row and footnotes, as OPD files usually come.
"""

from __future__ import annotations

import io
import random
import zipfile
from functools import cache
from xml.sax.saxutils import escape

import wilayah
from replies import Reply

PREFIX = "/inbox/"
Cell = str | int | float | None

OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OOXML}.styles+xml"/></Types>'
)
ROOT_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
    f'Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    XML_HEAD + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{DOC_REL}"><sheets><sheet name="{{name}}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    XML_HEAD + f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_REL}/styles" Target="styles.xml"/></Relationships>'
)
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(rows: list[list[Cell]], merges: list[str], sheet: str = "Sheet1") -> bytes:
    """A minimal, byte-for-byte reproducible .xlsx with inline strings and merged ranges."""
    lines = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    merge_xml = ""
    if merges:
        refs = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        merge_xml = f'<mergeCells count="{len(merges)}">{refs}</mergeCells>'
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData>{merge_xml}</worksheet>"
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(name=escape(sheet)),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 15, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@cache
def dlh_waste_workbook() -> bytes:
    """Volume sampah terangkut per kecamatan, DLH Kota Tangerang, 2024 (sample values)."""
    rows: list[list[Cell]] = [
        ["REKAPITULASI VOLUME SAMPAH TERANGKUT PER KECAMATAN"],
        ["DINAS LINGKUNGAN HIDUP KOTA TANGERANG TAHUN 2024"],
        [],
        ["No", "Kecamatan", "Volume Sampah Terangkut (ton/tahun)", None, None, "Jumlah TPS",
         "Jumlah Bank Sampah"],
        [None, None, "Organik", "Anorganik", "Total", None, None],
    ]  # fmt: skip
    totals = [0, 0, 0, 0, 0]
    for n, kec in enumerate(sorted(wilayah.kecamatan(), key=lambda u: u.name), 1):
        rng = random.Random(f"dlh:{kec.kemendagri_code}")
        organik = rng.randrange(9_000, 26_000)
        anorganik = rng.randrange(5_000, 16_000)
        tps, bank = rng.randrange(4, 19), rng.randrange(6, 40)
        values = [organik, anorganik, organik + anorganik, tps, bank]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        name = kec.name.upper() if n % 4 == 0 else kec.name
        # Some OPD staff type numbers as text with dots as thousands separators.
        typed: list[Cell] = [_thousands(v) if n % 3 == 0 and v >= 1000 else v for v in values]
        rows.append([n, name, *typed])
    rows.append(["Jumlah", None, *totals])
    rows.append([])
    rows.append(["Sumber: Dinas Lingkungan Hidup Kota Tangerang (data contoh)"])
    rows.append(["*) Angka sementara, dapat berubah"])
    last = len(rows) - 3
    merges = ["A1:G1", "A2:G2", "A4:A5", "B4:B5", "C4:E4", "F4:F5", "G4:G5", f"A{last}:B{last}"]
    return write_xlsx(rows, merges, sheet="Rekap 2024")


FILES = {"dlh/volume-sampah-kecamatan-2024.xlsx": dlh_waste_workbook}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def handle(path: str) -> Reply | None:
    if not path.startswith(PREFIX):
        return None
    build = FILES.get(path[len(PREFIX) :])
    return Reply(200, build(), XLSX) if build else None
