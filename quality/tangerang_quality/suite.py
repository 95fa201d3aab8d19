"""Derive the GX expectation suite of a dataset from its contract.

Every expectation carries `meta = {"severity": "error" | "warning", "check": <check>}` and the
matching GX `severity` (critical | warning). Error blocks publishing, warning publishes with a
flag. Tolerances (`mostly`) are `{"$PARAMETER": "mostly_<check>"}` filled at run time from
`contract.quality["thresholds"]` by `expectation_parameters`, so one suite serves every run.

Contract `quality` keys read here (all optional):

    thresholds: {required: 0.98, enum: 1.0, pattern: 1.0, range: 1.0, reference: 1.0, bbox: 1.0}
    severity:   {range: warning, ...}      # per check; `pii` and `formula` cannot be lowered
    expectations:
      - {type: expect_column_mean_to_be_between, kwargs: {...}, severity: warning}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.registry import get_expectation_impl

import tangerang_quality.expectations as tqe
from tangerang_quality.column_names import header_kind, is_name_column
from tangerang_quality.types import ContractLike, FieldLike, ReferenceCodes

ERROR, WARNING = "error", "warning"
GX_SEVERITY = {ERROR: "critical", WARNING: "warning"}
# Checks whose tolerance comes from contract.quality["thresholds"].
THRESHOLD_CHECKS = ("required", "enum", "pattern", "range", "reference", "bbox")
# Never downgraded: personal data and formula injection always block.
ALWAYS_ERROR = ("pii", "formula")
# Text starting with + or - that is not a formula (`- Tidak ada data`): always a warning.
ALWAYS_WARNING = ("formula_sign",)
# Numeric contract types that get the numeric personal-data rule (a NIK/KK stored as a number).
NUMERIC_PII_TYPES = ("integer", "number")


class SuiteError(ValueError):
    """The contract's quality section asks for something GX cannot build."""


def parameter_name(check: str) -> str:
    return f"mostly_{check}"


def expectation_parameters(contract: ContractLike) -> dict[str, float]:
    """Run-time values for every `{"$PARAMETER": "mostly_<check>"}` in the suite."""
    thresholds = contract.quality.get("thresholds", {}) or {}
    params = {}
    for check in THRESHOLD_CHECKS:
        value = float(thresholds.get(check, 1.0))
        if not 0.0 <= value <= 1.0:
            raise SuiteError(f"{contract.id}: quality.thresholds.{check} must be within 0..1")
        params[parameter_name(check)] = value
    return params


def _severity(contract: ContractLike, check: str) -> str:
    if check in ALWAYS_ERROR:
        return ERROR
    if check in ALWAYS_WARNING:
        return WARNING
    configured = (contract.quality.get("severity", {}) or {}).get(check, ERROR)
    if configured not in (ERROR, WARNING):
        raise SuiteError(f"{contract.id}: quality.severity.{check} must be error or warning")
    return configured


def _tag(expectation: Expectation, severity: str, check: str, **extra: Any) -> Expectation:
    expectation.meta = {"severity": severity, "check": check, **extra}
    expectation.severity = FailureSeverity(GX_SEVERITY[severity])
    return expectation


def _typed(field: FieldLike, value: str) -> Any:
    if field.type in ("integer", "year"):
        return int(value)
    if field.type == "number":
        return float(value)
    if field.type == "boolean":
        return value.strip().lower() in ("true", "1", "ya", "yes")
    return value


def _wilayah_codes(contract: ContractLike, field: FieldLike, codes: ReferenceCodes) -> list[str]:
    level = str(field.reference)
    if level not in codes:
        raise SuiteError(
            f"{contract.id}: field {field.name} holds {level} codes, but no {level} codes "
            "were given (reference_codes)"
        )
    return sorted(codes[level])


def _field_expectations(
    contract: ContractLike, field: FieldLike, has_name: bool, codes: ReferenceCodes
) -> list[Expectation]:
    col = field.name
    sev = lambda check: _severity(contract, check)  # noqa: E731
    mostly = lambda check: {"$PARAMETER": parameter_name(check)}  # noqa: E731
    out: list[Expectation] = [
        _tag(gxe.ExpectColumnToExist(column=col), ERROR, "exists"),
        _tag(
            tqe.ExpectColumnValuesToBeOfContractType(column=col, contract_type=field.type),
            sev("type"),
            "type",
            contract_type=field.type,
        ),
    ]
    if field.required or col in contract.primary_key:
        out.append(
            _tag(
                gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=mostly("required")),
                sev("required"),
                "required",
            )
        )
    if field.unique or contract.primary_key == (col,):
        out.append(_tag(gxe.ExpectColumnValuesToBeUnique(column=col), sev("unique"), "unique"))
    if field.enum is not None:
        value_set = [_typed(field, v) for v in field.enum]
        out.append(
            _tag(
                gxe.ExpectColumnValuesToBeInSet(
                    column=col, value_set=value_set, mostly=mostly("enum")
                ),
                sev("enum"),
                "enum",
            )
        )
    if field.pattern and field.type == "string":
        out.append(
            _tag(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=col, regex=field.pattern, mostly=mostly("pattern")
                ),
                sev("pattern"),
                "pattern",
            )
        )
    if field.minimum is not None or field.maximum is not None:
        out.append(
            _tag(
                tqe.ExpectColumnValuesToBeWithinRange(
                    column=col,
                    min_value=field.minimum,
                    max_value=field.maximum,
                    mostly=mostly("range"),
                ),
                sev("range"),
                "range",
            )
        )
    if field.reference in ("kecamatan", "kelurahan"):
        out.append(
            _tag(
                tqe.ExpectColumnValuesToBeWilayahCode(
                    column=col,
                    level=field.reference,
                    codes=_wilayah_codes(contract, field, codes),
                    mostly=mostly("reference"),
                ),
                sev("reference"),
                "reference",
            )
        )
    if field.role == "latitude":
        bbox: Expectation = tqe.ExpectColumnValuesToBeKotaTangerangLatitude(
            column=col, mostly=mostly("bbox")
        )
        out.append(_tag(bbox, sev("bbox"), "bbox"))
    elif field.role == "longitude":
        bbox = tqe.ExpectColumnValuesToBeKotaTangerangLongitude(column=col, mostly=mostly("bbox"))
        out.append(_tag(bbox, sev("bbox"), "bbox"))

    kind = header_kind(col)
    beside_name_dob = kind == "dob" and has_name
    if field.pii_allowed_reason is None and (field.type == "string" or beside_name_dob):
        pii = tqe.ExpectColumnValuesToNotContainPii(
            column=col, header_kind=kind, every_value_is="dob" if beside_name_dob else None
        )
        out.append(_tag(pii, ERROR, "pii"))
    elif field.pii_allowed_reason is None and field.type in NUMERIC_PII_TYPES:
        pii = tqe.ExpectColumnValuesToNotContainPii(column=col, header_kind=kind, numeric=True)
        out.append(_tag(pii, ERROR, "pii"))
    if field.type == "string":
        formula = tqe.ExpectColumnValuesToNotBeFormulaInjection(column=col)
        out.append(_tag(formula, ERROR, "formula"))
        sign = tqe.ExpectColumnValuesToNotBeFormulaInjection(column=col, mode="sign")
        out.append(_tag(sign, WARNING, "formula_sign"))
    return out


def _split_pii_expectation(contract: ContractLike) -> Expectation | None:
    """Identifiers split over adjacent columns (`pii.scan_split`), in the contract's order.

    Text and number fields may hold a part, except those with a `pii_allowed_reason` (masked
    anyway), a wilayah `reference` or a coordinate role: these separate their neighbours.
    """
    names = [f.name for f in contract.fields]
    joinable = [
        f.name
        for f in contract.fields
        if f.type in ("string", *NUMERIC_PII_TYPES)
        and f.pii_allowed_reason is None
        and f.reference is None
        and f.role not in ("latitude", "longitude")
    ]
    if len(names) < 2 or len(joinable) < 2:
        return None
    split = tqe.ExpectMulticolumnValuesToNotContainSplitPii(column_list=names, joinable=joinable)
    return _tag(split, ERROR, "pii", split=True)


def _extra_expectations(contract: ContractLike) -> list[Expectation]:
    out = []
    for i, spec in enumerate(contract.quality.get("expectations", []) or []):
        where = f"{contract.id}: quality.expectations[{i}]"
        if not isinstance(spec, Mapping) or "type" not in spec:
            raise SuiteError(f"{where}: needs a `type` such as expect_column_values_to_be_between")
        try:
            cls = get_expectation_impl(str(spec["type"]))
        except Exception as exc:  # GX raises its own ExpectationNotFoundError
            raise SuiteError(f"{where}: unknown expectation type {spec['type']!r}") from exc
        severity = spec.get("severity", ERROR)
        if severity not in (ERROR, WARNING):
            raise SuiteError(f"{where}: severity must be error or warning")
        try:
            expectation = cls(**dict(spec.get("kwargs", {}) or {}))
        except Exception as exc:  # pydantic validation of the kwargs
            raise SuiteError(f"{where}: invalid kwargs: {exc}") from exc
        out.append(_tag(expectation, severity, "extra"))
    return out


def build_suite(
    contract: ContractLike, *, reference_codes: ReferenceCodes | None = None
) -> gx.ExpectationSuite:
    """The suite for `contract`: field checks, keys, privacy and formula checks, then extras.

    `reference_codes` maps a wilayah level to its valid Kemendagri codes; every level a field
    `reference`s must be there (SuiteError otherwise). The library keeps no reference table
    of its own: the engine passes its own (`tangerang_hub.validate.reference_codes`).
    """
    codes = reference_codes or {}
    has_name = any(is_name_column(f.name) for f in contract.fields)
    expectations: list[Expectation] = []
    for field in contract.fields:
        expectations.extend(_field_expectations(contract, field, has_name, codes))
    split = _split_pii_expectation(contract)
    if split is not None:
        expectations.append(split)
    if len(contract.primary_key) > 1:
        expectations.append(
            _tag(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(contract.primary_key)),
                _severity(contract, "unique"),
                "primary_key",
            )
        )
    expectations.extend(_extra_expectations(contract))
    return gx.ExpectationSuite(
        name=contract.id,
        expectations=expectations,
        meta={"contract": contract.id, "generated_by": "tangerang_quality.suite"},
    )
