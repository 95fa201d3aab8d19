"""The privacy and quality gate: run a contract's GX suite on a batch and say what blocks.

`run_gate(table, contract)` validates in an ephemeral GX context with a pandas dataframe batch,
the whole suite in one pass with `result_format` BASIC (counts, no row lists); only the
expectations that failed are run again with COMPLETE (`_detail_failures`), and every failed
expectation is turned into `Problem`s located by row and column. Rows are the file row
numbers `normalize` records in the table's schema metadata, else counted as a spreadsheet does
(header row 1, first data row 2). Failures of
expectations with `meta.severity == "error"` block; `warning` ones publish with a flag.

Privacy: raw values never leave the gate. Messages, the returned GX result and Data Docs carry
values passed through `mask_value`: numbers are turned into text, detected personal data is
masked (`3671********0001`), and then `pii.redact` masks every remaining run of 8+ digits and
every e-mail address (the rules of `masking`).

Each problem is worded in Bahasa Indonesia and English (`texts.say`; `Problem.message` and
`message_en`); the masked values it quotes are the same in both.
"""

from __future__ import annotations

import copy
import datetime
import html
import json
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tangerang_quality.data_docs import escape_strings, write_page
from tangerang_quality.pii import (
    header_kind,
    kind_label,
    mask_date,
    mask_text,
    redact,
    scan_number,
    scan_text,
    scan_value,
    split_row,
)
from tangerang_quality.problems import Problem
from tangerang_quality.suite import build_suite, expectation_parameters
from tangerang_quality.table_metadata import FILE_KEY, ROW_NUMBERS_KEY, decode_row_numbers
from tangerang_quality.texts import Said, say
from tangerang_quality.types import ContractLike, ReferenceCodes

MAX_PROBLEMS_PER_EXPECTATION = 50
# The whole suite runs with counts only: COMPLETE's row lists cost a third of the gate's time
# even when nothing fails. The failed expectations are run again with COMPLETE.
PASS_FORMAT = {"result_format": "BASIC"}
DETAIL_FORMAT = {"result_format": "COMPLETE"}
HEADER_CHECK = "tangerang_column_name_pii"
_UNEXPECTED_KEYS = ("unexpected_list", "partial_unexpected_list")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateResult:
    success: bool
    blocking: list[Problem]
    warnings: list[Problem]
    statistics: dict[str, Any]
    gx_result: dict[str, Any]
    data_docs_path: Path | None = None
    masked_columns: tuple[str, ...] = field(default_factory=tuple)
    data_docs_page: Path | None = None  # one self-contained page (data_docs.write_page)

    @property
    def flagged(self) -> bool:
        """Publishable, but with warnings to show."""
        return self.success and bool(self.warnings)


# -- batch ------------------------------------------------------------------------------------


# pandas' string dtype on Arrow memory, with pd.NA for null (explicit: pandas 3's default "str"
# dtype would use NaN).
TEXT = pd.StringDtype("pyarrow")


def _pythonic(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return pd.Timestamp(value)
    return value


def _text_type(arrow_type: pa.DataType) -> Any:
    return TEXT if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) else None


def _converts_in_bulk(arrow_type: pa.DataType) -> bool:
    return (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or (pa.types.is_integer(arrow_type) and arrow_type != pa.uint64())  # int64 holds it
        or pa.types.is_floating(arrow_type)
        or pa.types.is_boolean(arrow_type)
        or pa.types.is_date(arrow_type)
        or pa.types.is_timestamp(arrow_type)
    )


def _numbers(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """`column` as int64 or float64 for a NumPy column, when that loses nothing: integers
    without nulls (a null would make them floats), floats without a NaN value (null becomes
    the NaN GX skips, so a NaN value would be skipped too). Otherwise None."""
    kind = column.type
    if pa.types.is_integer(kind) and column.null_count == 0:
        return column.cast(pa.int64())
    if pa.types.is_floating(kind) and not pc.any(pc.is_nan(column)).as_py():
        return column.cast(pa.float64())
    return None


def _gx_column(column: pa.ChunkedArray) -> pd.Series:
    """`column` for GX as `to_dataframe` says, converted in bulk by Arrow and pandas rather than
    value by value; the object fallback holds the values `to_pylist` gives (dates as
    pd.Timestamp)."""
    if not _converts_in_bulk(column.type):
        values = column.to_pylist()
        if pa.types.is_temporal(column.type):
            values = [_pythonic(v) for v in values]
        return pd.Series(values, dtype=object)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pandas(types_mapper=_text_type)
    if (numbers := _numbers(column)) is not None:
        return numbers.to_pandas()
    if pa.types.is_integer(column.type):  # with nulls: nullable Int64, pd.NA for null
        return column.cast(pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
        return column.to_pandas(date_as_object=False)  # datetime64, NaT for null
    # Booleans and floats with a NaN value: Python values.
    values = column.to_pandas().astype(object).to_numpy(copy=True)
    # Nulls by Arrow's validity, so a float NaN that is a value stays a NaN.
    values[column.is_null().to_numpy(zero_copy_only=False)] = None
    return pd.Series(values, dtype=object)


def to_dataframe(table: pa.Table) -> pd.DataFrame:
    """The batch as GX reads it, each column in the pandas type that loses nothing: text in
    Arrow-backed string columns (`TEXT`: each value a str, null pd.NA); integers in NumPy
    int64, or nullable Int64 where there are nulls; floats in NumPy float64 unless a NaN is a
    value; dates and times as datetime64 (NaT for null); anything else object-dtype of plain
    Python values (None for null).

    Each value still has a Python type GX's checks (and ours, `expectations.types`) can look
    at, which gives per-row problems. Object columns are avoided because GX copies the whole
    frame without a column's nulls for every expectation (copying object columns was a third
    of the gate at 300 000 rows), and because its range check is vectorized only on NumPy
    numbers. Built in bulk (`_gx_column`): value by value it was an eighth of the gate's time.
    """
    data = {name: _gx_column(table.column(name)) for name in table.column_names}
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))


# -- masking ----------------------------------------------------------------------------------


def mask_value(value: Any, check: str | None = None) -> Any:
    """A value safe to show: personal data masked. `check == "pii"` masks even undetected text.

    Numbers are read as text (a NIK stored as an integer is still a NIK); a number is returned
    unchanged only when nothing in it needed masking. Every result also goes through
    `pii.redact`: any run of 8+ digits and any e-mail is masked (`masking`).
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return {k: mask_value(v, check) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, check) for v in value]
    text = _number_text(value) if isinstance(value, int | float) else str(value)
    if check == "pii":
        matches = scan_text(text)
        if not matches and (number := scan_number(value)) is not None:
            masked = number.masked
        else:
            masked = mask_text(text, matches) if matches else mask_date(text)[:4] + "***"
    else:
        masked = mask_text(text)
    masked = redact(masked)
    if isinstance(value, int | float) and masked == text:
        return value
    return masked


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value == value and value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    return str(value)


def _sanitize_result(result: dict[str, Any], check: str | None) -> None:
    for key in _UNEXPECTED_KEYS:
        if isinstance(result.get(key), list):
            result[key] = [mask_value(v, check) for v in result[key]]
    counts = result.get("partial_unexpected_counts")
    if isinstance(counts, list):
        for item in counts:
            if isinstance(item, dict) and "value" in item:
                item["value"] = mask_value(item["value"], check)
    for key in ("observed_value", "details"):
        if result.get(key) is not None:
            result[key] = mask_value(result[key])
    result.pop("unexpected_rows", None)  # whole rows: may hold personal data in other columns


def mask_table(table: pa.Table, contract: ContractLike) -> pa.Table:
    """The table with personal data masked in every field that has `pii_allowed_reason`.

    Call this before publishing; other columns are unchanged (they passed the gate).
    """
    out = table
    for f in contract.fields:
        if f.pii_allowed_reason is None or f.name not in table.column_names:
            continue
        idx = out.schema.get_field_index(f.name)
        column = out.column(idx)
        kind = header_kind(f.name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            masked = [
                None if v is None else mask_text(v, scan_text(v, column_kind=kind))
                for v in column.to_pylist()
            ]
            out = out.set_column(idx, out.field(idx), pa.array(masked, type=column.type))
        elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            # A typed number cannot hold a mask: a NIK/KK stored as a number becomes null.
            kept = [
                None if scan_number(v, column_kind=kind) is not None else v
                for v in column.to_pylist()
            ]
            out = out.set_column(idx, out.field(idx), pa.array(kept, type=column.type))
        elif kind == "dob":  # a typed birth date cannot hold a mask: drop the values
            out = out.set_column(idx, out.field(idx), pa.nulls(len(column), type=column.type))
    return out


# -- problems ---------------------------------------------------------------------------------


_PERSONAL_DATA = say("data pribadi", "personal data")


def _describe(check: str, etype: str, kwargs: dict[str, Any]) -> Said:
    if check == "required":
        return say("nilai kosong (wajib diisi)", "value is missing (required)")
    if check == "unique":
        return say("nilai tidak unik", "value is not unique")
    if check == "primary_key":
        return say(
            "kunci utama {columns} tidak unik",
            "primary key {columns} is not unique",
            columns=kwargs.get("column_list"),
        )
    if check == "enum":
        return say(
            "nilai tidak ada dalam daftar yang diizinkan {values}",
            "value not in the allowed list {values}",
            values=kwargs.get("value_set"),
        )
    if check == "pattern":
        return say(
            "nilai tidak sesuai pola {regex}",
            "value does not match pattern {regex}",
            regex=kwargs.get("regex"),
        )
    if check == "range":
        return say(
            "nilai di luar {low} .. {high}",
            "value outside {low} .. {high}",
            low=kwargs.get("min_value"),
            high=kwargs.get("max_value"),
        )
    if check == "reference":
        return say(
            "bukan kode {level} Kota Tangerang (Kepmendagri 300.2.2-2138/2025)",
            "not a Kota Tangerang {level} code (Kepmendagri 300.2.2-2138/2025)",
            level=kwargs.get("level"),
        )
    if check == "bbox":
        return say(
            "koordinat di luar Kota Tangerang (lat -6.257..-6.094, lon 106.551..106.752)",
            "coordinate outside Kota Tangerang (lat -6.257..-6.094, lon 106.551..106.752)",
        )
    if check == "type":
        return say("tipe nilai tidak sesuai", "value has the wrong type")
    if check == "formula":
        return say(
            "teks berupa rumus spreadsheet (formula injection)",
            "text is a spreadsheet formula (formula injection)",
        )
    if check == "formula_sign":
        return say(
            "teks diawali + atau - (diterbitkan: CSV dan DataStore memuatnya dengan awalan ' "
            "agar spreadsheet tidak dapat menjalankannya; berkas Parquet menyimpannya apa adanya)",
            "text starts with + or - (published: the CSV and the DataStore carry it with a "
            "leading ' so a spreadsheet cannot run it; the Parquet file keeps it as is)",
        )
    if check == "pii":
        return _PERSONAL_DATA
    return say("{etype}", "{etype}", etype=etype)


def _joined(parts: list[Said]) -> Said:
    """`parts` separated by ", " in each language."""
    template = ", ".join(f"{{p{i}}}" for i in range(len(parts)))
    return say(template, template, **{f"p{i}": part for i, part in enumerate(parts)})


def _pii_detail(value: Any, kwargs: dict[str, Any]) -> Said:
    if kwargs.get("every_value_is") == "dob":
        return say("tanggal lahir di samping nama", "date of birth beside a name")
    if kwargs.get("numeric"):
        number = scan_number(value, column_kind=kwargs.get("header_kind"))
        return kind_label(number.kind) if number is not None else _PERSONAL_DATA
    kinds = sorted({m.kind for m in scan_value(value, column_kind=kwargs.get("header_kind"))})
    return _joined([kind_label(k) for k in kinds]) if kinds else _PERSONAL_DATA


_SPLIT_UNKNOWN = say("nomor identitas terbagi ke beberapa kolom", "identifier split over columns")


def _split_messages(value: Any, kwargs: dict[str, Any]) -> list[tuple[str, Said]]:
    """(columns, message) for each identifier split over adjacent cells of one row."""
    if not isinstance(value, dict):
        return []
    return [
        (
            "+".join(cols),
            say(
                "{kind} terbagi ke kolom {columns}: {masked}",
                "{kind} split over columns {columns}: {masked}",
                kind=kind_label(kind),
                columns=" + ".join(cols),
                masked=masked,
            ),
        )
        for cols, kind, masked in split_row(value, joinable=kwargs.get("joinable"))
    ]


def source_location(table: pa.Table) -> tuple[str | None, list[int] | None]:
    """File name and per-row file row numbers that `normalize` records in the schema metadata."""
    meta = table.schema.metadata or {}
    name = meta.get(FILE_KEY)
    raw_rows = meta.get(ROW_NUMBERS_KEY)
    rows = decode_row_numbers(raw_rows) if raw_rows else None
    if rows is not None and len(rows) != table.num_rows:
        rows = None
    return (name.decode("utf-8") if name else None), rows


def _row_number(index: Any, rows: list[int] | None) -> int | None:
    row_index = index.get("index") if isinstance(index, dict) else index
    if row_index is None or isinstance(row_index, dict):
        return None
    i = int(row_index)
    # GX gives 0-based dataframe indexes; without normalize's numbers, count like a spreadsheet.
    return rows[i] if rows is not None and 0 <= i < len(rows) else i + 2


def _raised(info: dict[str, Any]) -> str | None:
    """The message of the exception an expectation raised, if it raised one. GX gives it at the
    top (its own column-type checks) or per failed metric (map expectations, ours included)."""
    found = [info, *(v for v in info.values() if isinstance(v, dict))]
    for part in found:
        if part.get("raised_exception") and part.get("exception_message"):
            return str(part["exception_message"])
    return None


def _result_problems(
    file: str, res: dict[str, Any], rows: list[int] | None = None
) -> Iterable[Problem]:
    config = res.get("expectation_config", {})
    etype = config.get("type", "")
    kwargs = config.get("kwargs", {})
    meta = config.get("meta", {}) or {}
    check = meta.get("check")
    column = kwargs.get("column")
    result = res.get("result", {}) or {}
    exc = _raised(res.get("exception_info") or {})
    if exc:
        message = say(
            "{etype} tidak dapat dijalankan: {error}",
            "{etype} could not run: {error}",
            etype=etype,
            error=redact(str(exc)),
        )
        yield Problem(file, None, column, message, etype)
        return
    what = _describe(check or "", etype, kwargs)
    indexes = result.get("unexpected_index_list")
    values = result.get("unexpected_list") or []
    if check == "exists":
        yield Problem(file, None, column, say("kolom tidak ada", "column is missing"), etype)
        return
    if not indexes:
        observed = result.get("observed_value")
        if observed is not None:
            what = say(
                "{what} (ditemukan {observed})",
                "{what} (observed {observed})",
                what=what,
                observed=mask_value(observed),
            )
        yield Problem(file, None, column, what, etype)
        return
    for n, (index, value) in enumerate(zip(indexes, values, strict=False)):
        if n == MAX_PROBLEMS_PER_EXPECTATION:
            more = say(
                "{what}: {more} baris lain tidak dicantumkan",
                "{what}: {more} more row(s) not listed",
                what=what,
                more=len(indexes) - n,
            )
            yield Problem(file, None, column, more, etype)
            break
        row = _row_number(index, rows)
        if check == "pii" and meta.get("split"):
            split = _split_messages(value, kwargs) or [(None, _SPLIT_UNKNOWN)]
            for columns, message in split:
                yield Problem(file, row, columns, message, etype)
            continue
        if check == "pii":
            message = say(
                "{detail}: {value}",
                "{detail}: {value}",
                detail=_pii_detail(value, kwargs),
                value=mask_value(value, "pii"),
            )
        elif check == "primary_key" and isinstance(value, dict):
            key = ", ".join(f"{k}={mask_value(v)!r}" for k, v in value.items())
            message = say("{what}: {key}", "{what}: {key}", what=what, key=key)
        else:
            shown = mask_value(value)
            message = (
                say("{what}: {shown!r}", "{what}: {shown!r}", what=what, shown=shown)
                if shown is not None
                else what
            )
        yield Problem(file, row, column, message, etype)


def header_problems(contract: ContractLike, file: str) -> list[Problem]:
    """Column names that announce personal data (nik, no_hp, email...) without a reason, and
    column names that hold personal data themselves (a NIK used as a header), reason or not."""
    out = []
    for f in contract.fields:
        for m in scan_text(f.name):
            message = say(
                "nama kolom memuat data pribadi ({kind}): {masked}",
                "column name holds personal data ({kind}): {masked}",
                kind=kind_label(m.kind),
                masked=m.masked,
            )
            out.append(Problem(file, None, m.masked, message, HEADER_CHECK))
        kind = header_kind(f.name)
        if kind and f.pii_allowed_reason is None:
            out.append(
                Problem(
                    file,
                    None,
                    f.name,
                    say(
                        "nama kolom menunjukkan data pribadi ({kind}); hapus kolom itu atau isi "
                        "pii_allowed_reason di kontrak (nilainya lalu disamarkan)",
                        "column name suggests personal data ({kind}); remove the column or give "
                        "pii_allowed_reason in the contract (values are then masked)",
                        kind=kind_label(kind),
                    ),
                    HEADER_CHECK,
                )
            )
    return out


# -- Data Docs --------------------------------------------------------------------------------


def _add_docs_site(context: Any, site_dir: Path) -> str:
    site_name = "tangerang_hub"
    context.add_data_docs_site(
        site_name=site_name,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(site_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return site_name


def _build_docs(context: Any, site_name: str, site_dir: Path, sanitized: Any) -> Path | None:
    """Re-store the masked result and build the site from it: GX's own Data Docs."""
    store = context.validation_results_store
    keys = store.list_keys()
    if not keys:
        return None
    for key in keys:
        store.set(key, sanitized)
    context.build_data_docs(site_names=[site_name], resource_identifiers=keys)
    index = site_dir / "index.html"
    return index if index.is_file() else None


def write_html_report(gx_result: dict[str, Any], problems: list[Problem], path: Path) -> Path:
    """Fallback report: escaped, self-contained HTML of the (masked) result."""
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(x) if x is not None else '')}</td>"
            for x in (p.row, p.column, p.expectation, p.message)
        )
        + "</tr>"
        for p in problems
    )
    body = html.escape(json.dumps(gx_result, indent=2, default=str, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>Validation</title>"
        f"<h1>Validation</h1><table border=1><tr><th>row</th><th>column</th><th>expectation</th>"
        f"<th>message</th></tr>{rows}</table><pre>{body}</pre>",
        encoding="utf-8",
    )
    return path


# -- the gate ---------------------------------------------------------------------------------


def _detail_failures(
    result: Any,
    suite: Any,
    get_batch: Any,
    frame: pd.DataFrame,
    parameters: dict[str, float],
) -> None:
    """Run the expectations that failed in `result` again with COMPLETE, on the same frame,
    and put their results in place of the counts-only ones."""
    failed = {r.expectation_config.id for r in result.results if not r.success}
    if not failed:
        return
    from great_expectations.core import ExpectationSuite

    again = ExpectationSuite(
        name=f"{suite.name}-detail",
        # copy.copy: GX's way to take an expectation into another suite (it drops the id)
        expectations=[copy.copy(e) for e in suite.expectations if e.id in failed],
    )
    batch = get_batch(batch_parameters={"dataframe": frame})
    detail = batch.validate(again, result_format=DETAIL_FORMAT, expectation_parameters=parameters)
    by_identity = {_identity(r.expectation_config): r for r in detail.results}
    for i, res in enumerate(result.results):
        if res.success:
            continue
        found = by_identity.get(_identity(res.expectation_config))
        if found is None:  # not expected; the problem is then reported without its rows
            log.warning("no detailed result for %s", res.expectation_config.type)
            continue
        result.results[i] = found


def _identity(config: Any) -> str:
    """What a result's expectation is, in either run: GX returns results in an order of its
    own and the copies have no id, so results are matched on type, kwargs (run-time values
    filled in) and meta. Expectations alike in all three give alike results."""
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    return json.dumps([config.type, kwargs, config.meta], sort_keys=True, default=str)


def run_gate(
    table: pa.Table,
    contract: ContractLike,
    *,
    reference_codes: ReferenceCodes | None = None,
    data_docs_dir: Path | None = None,
    file: str | None = None,
) -> GateResult:
    """Validate `table` against the suite derived from `contract`.

    `success` is False when any error-severity expectation fails (nothing may be published).
    `reference_codes` are the valid wilayah codes per level, needed when a field has a
    `reference` (see `suite.build_suite`).
    `data_docs_dir`, when given, receives a GX Data Docs site for this run; its index.html is
    returned as `data_docs_path`, and `data_docs_page` is the run as one self-contained page
    (`data_docs.write_page`), what the run report carries to the catalog.
    """
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    # GX md5s every pandas batch smaller than HASH_THRESHOLD bytes into a batch marker
    # (`pandas_data_fingerprint`) that nothing here reads: a sixth of the gate's time at
    # 300 000 rows. That threshold is the only switch GX 1.x has for it.
    pandas_execution_engine.HASH_THRESHOLD = 0
    source_file, rows = source_location(table)
    file = file or source_file or contract.id
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    site_name = None
    if data_docs_dir is not None:
        data_docs_dir = Path(data_docs_dir)
        data_docs_dir.mkdir(parents=True, exist_ok=True)
        site_name = _add_docs_site(context, data_docs_dir)

    name = f"{contract.id}-{uuid.uuid4().hex[:8]}"
    asset = context.data_sources.add_pandas(name).add_dataframe_asset(name=contract.id)
    batch_definition = asset.add_batch_definition_whole_dataframe("batch")
    suite = context.suites.add(build_suite(contract, reference_codes=reference_codes))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    frame = to_dataframe(table)
    parameters = expectation_parameters(contract)
    result = validation.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters,
        result_format=PASS_FORMAT,
    )
    _detail_failures(result, suite, batch_definition.get_batch, frame, parameters)
    del frame

    blocking: list[Problem] = header_problems(contract, file)
    warnings: list[Problem] = []
    raw = result.to_json_dict()
    for res, res_obj in zip(raw["results"], result.results, strict=True):
        meta = res.get("expectation_config", {}).get("meta", {}) or {}
        if not res.get("success", False):
            target = warnings if meta.get("severity") == "warning" else blocking
            target.extend(_result_problems(file, res, rows))
        check = meta.get("check")
        _sanitize_result(res.get("result") or {}, check)
        if res_obj.result:
            # The object feeds Data Docs only. GX 1.24 writes unexpected values into table
            # cells verbatim, so they go in masked and HTML-escaped.
            _sanitize_result(res_obj.result, check)
            for key, value in list(res_obj.result.items()):
                res_obj.result[key] = escape_strings(value)

    docs_path = docs_page = None
    if site_name is not None and data_docs_dir is not None:
        try:
            docs_path = _build_docs(context, site_name, data_docs_dir, result)
        except Exception:  # docs are a convenience: never let them hide the verdict
            log.exception("GX Data Docs could not be built; writing a plain HTML report")
        if docs_path is None:
            docs_path = write_html_report(raw, blocking + warnings, data_docs_dir / "index.html")
        try:
            docs_page = write_page(
                data_docs_dir, raw, blocking + warnings, title=f"Validasi {contract.id}"
            )
        except Exception:
            log.exception("the one-page Data Docs could not be written")

    stats = dict(raw.get("statistics", {}))
    stats.update(
        rows=table.num_rows,
        blocking=len(blocking),
        warnings=len(warnings),
        header_problems=sum(p.expectation == HEADER_CHECK for p in blocking),
    )
    return GateResult(
        success=not blocking,
        blocking=blocking,
        warnings=warnings,
        statistics=stats,
        gx_result=raw,
        data_docs_path=docs_path,
        masked_columns=tuple(f.name for f in contract.fields if f.pii_allowed_reason),
        data_docs_page=docs_page,
    )
