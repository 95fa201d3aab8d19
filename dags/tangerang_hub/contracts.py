"""Dataset contracts: load a YAML file, check it, and return frozen dataclasses.

Every other module takes a `Contract`, never raw YAML. A broken contract raises
`ContractError` naming the file, the path inside it (`fields[3].type`) and the reason, worded
for the producer who edits the file in Bahasa Indonesia and English (`ContractError.said`;
`str()` is the English text). JSON Schema's own messages are English: they are quoted as they
are, with a short Indonesian sentence naming the rule.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from tangerang_quality.texts import Said, say

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = Path(os.environ.get("HUB_SCHEMAS_DIR", REPO_ROOT / "schemas"))
SCHEMA_PATH = SCHEMAS_DIR / "contract.schema.json"

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")
CRON_PRESETS = {"@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"}
CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?LW#]+$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str = ""
    format: str | None = None
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    reference: str | None = None
    role: str | None = None
    pii_allowed_reason: str | None = None


@dataclass(frozen=True)
class Source:
    type: str
    conn_id: str | None
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Contract:
    id: str
    title: str
    description: str
    producer: str
    dimensions: tuple[str, ...]
    frequency: str
    level: str
    sdi: Mapping[str, Any]
    license: str
    access: str
    schedule: str
    source: Source
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    formats: tuple[str, ...]
    datastore: bool
    quality: Mapping[str, Any]
    sample: bool
    tags: tuple[str, ...]
    path: Path
    full_text: tuple[str, ...] = ()  # publish.full_text; () lets the catalog use the text fields
    shrink_ratio: float = 0.5  # publish.shrink_ratio: the shrink guard's share of the last version

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.id}: no field {name!r}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# One issue found in a contract: where (a path such as `fields[3].type`) and why; either may
# be worded in both languages (a YAML line and column, the reason).
Issue = tuple[str | Said, str | Said]
ROOT = say("(tingkat atas)", "(root)")


class ContractError(ValueError):
    """A contract that cannot be used. `issues` holds every (path, reason) found, in English;
    `said` is the whole message in both languages, one line per issue."""

    def __init__(self, file: Path | str, issues: list[Issue]):
        self.file = str(file)
        self.issues = [(_english(path), _english(reason)) for path, reason in issues]
        self.path, self.reason = self.issues[0]
        lines: list[str] = []
        params: dict[str, Any] = {"file": self.file}
        for i, (path, reason) in enumerate(issues):
            lines.append(f"{{file}}: {{path{i}}}: {{reason{i}}}")
            params[f"path{i}"] = path or ROOT
            params[f"reason{i}"] = reason
        template = "\n".join(lines)
        self.said = say(template, template, **params)
        super().__init__(self.said.render("en"))


def _english(text: str | Said) -> str:
    return text.render("en") if isinstance(text, Said) else text


class UnknownDatasetError(LookupError):
    """No contract for a dataset id; `said` is the message in both languages, `str()` English."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


def contracts_dir() -> Path:
    """`HUB_CONTRACTS_DIR` when set, else `<repo>/schemas/datasets`."""
    env = os.environ.get("HUB_CONTRACTS_DIR")
    return Path(env) if env else SCHEMAS_DIR / "datasets"


@lru_cache(maxsize=1)
def contract_schema() -> dict[str, Any]:
    """`contract.schema.json` as a dict, read once (`tangerang_hub.catalog` reads its x-ckan)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = contract_schema()
    Draft202012Validator.check_schema(schema)
    # format checking: a `format: date` value must be a real date (2024-02-30 is not)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# libyaml's parser when PyYAML was built with it (the wheels are): several times faster, and
# DAG parsing reads every contract.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps dates as text: `2024-01-01` in a description stays a string."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Validated contracts by (file, sha256 of its text): a process that builds DAGs again (the
# dag-processor, a task re-parsing its file) pays once per content, not once per parse.
_CACHE: dict[tuple[str, str], Contract] = {}
_CACHE_MAX = 4096

# ... and across processes: the dag-processor parses each DAG file in a new process, so the
# data of every contract that passed validation is kept on disk under the sha256 of its text
# and of what validates it (the JSON Schema and this module). A hit skips the YAML parse and
# the JSON Schema; the checks that depend on the file's name run again. `HUB_CONTRACT_CACHE`
# names the folder (empty: no disk cache); default `<workdir>/cache/contracts`.
CACHE_ENV = "HUB_CONTRACT_CACHE"


def _disk_cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    from tangerang_hub.workdir import default_workdir

    return default_workdir() / "cache" / "contracts"


@lru_cache(maxsize=1)
def _validation_version() -> str:
    """What a validated contract depends on besides its text: the schema and the rules."""
    digest = hashlib.sha256(SCHEMA_PATH.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _disk_cache_path(digest: str) -> Path | None:
    """Where the validation of a text of sha256 `digest` is kept; None without a disk cache."""
    folder = _disk_cache_dir()
    if folder is None:
        return None
    return folder / f"{digest}-{_validation_version()}.json"


def _read_disk_cache(where: Path | None) -> dict[str, Any] | None:
    if where is None:
        return None
    try:
        data = json.loads(where.read_bytes())
    except (OSError, ValueError):  # absent, or a torn or foreign file: validate afresh
        return None
    return data if isinstance(data, dict) else None


def _write_disk_cache(where: Path | None, data: dict[str, Any]) -> None:
    """Keep `data` (validated) at `where`; never fails the load that produced it."""
    if where is None:
        return
    try:
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if json.loads(text) != data:  # a value JSON would change (a non-text key): not kept
            return
        where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = where.with_name(f".{where.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, where)
    except (OSError, TypeError, ValueError):
        return


def format_path(parts: Iterable[str | int]) -> str:
    """`["fields", 3, "type"]` -> `fields[3].type`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_of(root: yaml.Node | None, parts: list[str | int]) -> int | None:
    """1-based line of the YAML node at `parts`, to point a steward at the right spot."""
    node = root
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            return None
    return node.start_mark.line + 1 if node is not None else None


def load_contract(path: Path | str) -> Contract:
    """The validated contract in `path`; raises ContractError listing every issue.

    The YAML is parsed once (libyaml); a second parse for line numbers happens only when
    the contract has issues. Results are cached by the file's content hash, in the process
    and on disk (see `CACHE_ENV`).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = say(
            "berkas tidak dapat dibaca: {error}", "cannot read the file: {error}", error=str(exc)
        )
        raise ContractError(path, [("", reason)]) from exc
    digest = hashlib.sha256(raw).hexdigest()
    key = (str(path.resolve()), digest)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    where = _disk_cache_path(digest)
    data = _read_disk_cache(where)
    if data is not None:
        issues = _semantic_issues(data, path)
        if issues:
            raise ContractError(path, issues)
        contract = _build(data, path)
    else:
        data, contract = _load(path, text)
        _write_disk_cache(where, data)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = contract
    return contract


def _load(path: Path, text: str) -> tuple[dict[str, Any], Contract]:
    """The contract's validated data and the Contract built from it."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where: str | Said = ""
        if mark:
            where = say(
                "baris {line}, kolom {column}",
                "line {line}, column {column}",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        reason = say("YAML tidak valid: {error}", "invalid YAML: {error}", error=str(exc))
        raise ContractError(path, [(where, reason)]) from exc
    if not isinstance(data, dict):
        reason = say(
            "berkas harus berisi pemetaan YAML (kunci: nilai)",
            "the file must contain a YAML mapping (key: value)",
        )
        raise ContractError(path, [("", reason)])

    issues: list[Issue] = []
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    root = yaml.compose(text, Loader=_Loader) if errors else None
    for err in errors:
        parts = list(err.absolute_path)
        issues.append((format_path(parts), _schema_reason(err, _line_of(root, parts))))
    if issues:
        raise ContractError(path, issues)

    issues = _semantic_issues(data, path)
    if issues:
        raise ContractError(path, issues)
    return data, _build(data, path)


# JSON Schema's rule (`ValidationError.validator`) -> what it means, for the Indonesian text;
# the library's English message is quoted as it is.
SCHEMA_RULES = {
    "required": "bidang wajib tidak ada",
    "additionalProperties": "bidang tidak dikenal",
    "unevaluatedProperties": "bidang tidak dikenal",
    "enum": "nilai tidak dikenal",
    "const": "nilai tidak sesuai",
    "type": "jenis nilai tidak sesuai",
    "pattern": "nilai tidak sesuai pola",
    "format": "format nilai tidak sesuai",
    "minimum": "nilai di luar batas",
    "maximum": "nilai di luar batas",
    "exclusiveMinimum": "nilai di luar batas",
    "exclusiveMaximum": "nilai di luar batas",
    "minItems": "daftar terlalu pendek",
    "maxItems": "daftar terlalu panjang",
    "minLength": "teks terlalu pendek",
    "maxLength": "teks terlalu panjang",
    "uniqueItems": "daftar berisi nilai ganda",
}


def _schema_reason(err: ValidationError, line: int | None) -> Said:
    """JSON Schema's message for `err`, with the YAML line; in Indonesian also the rule."""
    rule = SCHEMA_RULES.get(str(err.validator), "nilai tidak diterima")
    if line is None:
        return say(
            "{message} — {rule}, tidak sesuai skema kontrak",
            "{message}",
            message=err.message,
            rule=rule,
        )
    return say(
        "{message} — {rule}, tidak sesuai skema kontrak (baris {line})",
        "{message} (line {line})",
        message=err.message,
        rule=rule,
        line=line,
    )


def _semantic_issues(data: dict[str, Any], path: Path) -> list[Issue]:
    """Checks JSON Schema cannot express."""
    issues: list[Issue] = []
    if data["id"] != path.stem:
        reason = say(
            "id {id!r} harus sama dengan nama berkas {stem!r}",
            "id {id!r} must equal the file name {stem!r}",
            id=data["id"],
            stem=path.stem,
        )
        issues.append(("id", reason))
    if not SLUG.match(data["producer"]):
        reason = say(
            "{producer!r} bukan slug (huruf kecil, angka dan '-', nama organisasi di CKAN)",
            "{producer!r} is not a slug (lower case letters, digits and '-', "
            "the CKAN organization name)",
            producer=data["producer"],
        )
        issues.append(("producer", reason))
    schedule = data["schedule"].strip()
    if schedule not in CRON_PRESETS:
        parts = schedule.split()
        if len(parts) != 5 or not all(CRON_FIELD.match(p) for p in parts):
            reason = say(
                "{schedule!r} bukan ekspresi cron dengan 5 bagian "
                "(menit jam tanggal bulan hari) dan bukan preset seperti @daily",
                "{schedule!r} is not a cron expression with 5 fields "
                "(minute hour day month weekday) nor a preset such as @daily",
                schedule=schedule,
            )
            issues.append(("schedule", reason))

    names: dict[str, int] = {}
    for i, fld in enumerate(data["fields"]):
        where = f"fields[{i}]"
        name = fld["name"]
        if name in names:
            reason = say(
                "kolom {name!r} tercantum dua kali (juga fields[{other}])",
                "duplicate field {name!r} (also fields[{other}])",
                name=name,
                other=names[name],
            )
            issues.append((f"{where}.name", reason))
        names.setdefault(name, i)
        if "reference" in fld and fld["type"] != "string":
            reason = say(
                "reference hanya boleh pada kolom bertipe string (kode adalah teks)",
                "reference is only allowed on string fields (codes are text)",
            )
            issues.append((f"{where}.reference", reason))
        if "role" in fld and fld["type"] != "number":
            reason = say(
                "role {role} harus bertipe number",
                "role {role} needs type number",
                role=fld["role"],
            )
            issues.append((f"{where}.role", reason))
        cons = fld.get("constraints", {})
        if "pattern" in cons:
            try:
                re.compile(cons["pattern"])
            except re.error as exc:
                reason = say(
                    "ekspresi reguler (regex) tidak valid: {error}",
                    "invalid regular expression: {error}",
                    error=str(exc),
                )
                issues.append((f"{where}.constraints.pattern", reason))
        lo, hi = cons.get("minimum"), cons.get("maximum")
        if lo is not None and hi is not None and lo > hi:
            reason = say(
                "minimum {lo} lebih besar dari maximum {hi}",
                "minimum {lo} is greater than maximum {hi}",
                lo=lo,
                hi=hi,
            )
            issues.append((f"{where}.constraints", reason))
        if ("minimum" in cons or "maximum" in cons) and fld["type"] not in (
            "integer",
            "number",
            "year",
        ):
            reason = say(
                "minimum/maximum hanya untuk kolom bertipe angka (integer, number, year)",
                "minimum/maximum need a numeric type",
            )
            issues.append((f"{where}.constraints", reason))
        if fld["type"] == "date" and "format" in fld and "%" not in fld["format"]:
            reason = say(
                "format tanggal harus memakai kode strftime, misalnya %d/%m/%Y",
                "a date format uses strftime codes, for example %d/%m/%Y",
            )
            issues.append((f"{where}.format", reason))

    period = data.get("sdi", {}).get("cakupan_waktu", {})
    if period.get("selesai") and period["selesai"] < period["mulai"]:  # ISO dates sort as text
        reason = say(
            "selesai {end} lebih awal dari mulai {start}",
            "selesai {end} is before mulai {start}",
            end=period["selesai"],
            start=period["mulai"],
        )
        issues.append(("sdi.cakupan_waktu.selesai", reason))

    not_a_field = "{key!r} bukan kolom dalam kontrak ini", "{key!r} is not a field of this contract"
    for i, key in enumerate(data["primary_key"]):
        if key not in names:
            issues.append((f"primary_key[{i}]", say(*not_a_field, key=key)))
    for i, key in enumerate(data.get("publish", {}).get("full_text", ())):
        if key not in names:
            issues.append((f"publish.full_text[{i}]", say(*not_a_field, key=key)))
    return issues


def _build(data: dict[str, Any], path: Path) -> Contract:
    fields = tuple(_build_field(f) for f in data["fields"])
    src = data["source"]
    publish = data.get("publish", {})
    return Contract(
        id=data["id"],
        title=data["title"].strip(),
        description=data["description"].strip(),
        producer=data["producer"],
        dimensions=tuple(data["dimensions"]),
        frequency=data["frequency"],
        level=data["level"],
        sdi=dict(data.get("sdi", {})),
        license=data.get("license", "CC-BY-4.0"),
        access=data.get("access", "terbuka"),
        schedule=data["schedule"].strip(),
        source=Source(
            type=src["type"],
            conn_id=src.get("conn_id"),
            params=dict(src.get("params", {})),
        ),
        fields=fields,
        primary_key=tuple(data["primary_key"]),
        formats=tuple(publish.get("formats", ("csv", "parquet"))),
        datastore=bool(publish.get("datastore", True)),
        quality=dict(data.get("quality", {})),
        sample=bool(data.get("sample", False)),
        tags=tuple(data.get("tags", ())),
        path=path.resolve(),
        full_text=tuple(publish.get("full_text", ())),
        shrink_ratio=float(publish.get("shrink_ratio", 0.5)),
    )


def _build_field(data: dict[str, Any]) -> Field:
    cons = data.get("constraints", {})
    enum = cons.get("enum")
    return Field(
        name=data["name"],
        type=data["type"],
        title=data["title"],
        description=data.get("description", "").strip(),
        format=data.get("format"),
        required=bool(cons.get("required", False)),
        unique=bool(cons.get("unique", False)),
        enum=tuple(str(v) for v in enum) if enum is not None else None,
        pattern=cons.get("pattern"),
        minimum=_float_or_none(cons.get("minimum")),
        maximum=_float_or_none(cons.get("maximum")),
        reference=data.get("reference"),
        role=data.get("role"),
        pii_allowed_reason=data.get("pii_allowed_reason"),
    )


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def contract_files(directory: Path | None = None) -> list[Path]:
    directory = directory or contracts_dir()
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_contracts(directory: Path | str | None = None) -> list[Contract]:
    """Every contract in `directory`, sorted by id. Ids must be unique across files."""
    files = contract_files(Path(directory) if directory else None)
    contracts = [load_contract(p) for p in files]
    seen: dict[str, Path] = {}
    for c in contracts:
        if c.id in seen:
            reason = say(
                "id {id!r} juga dipakai oleh {other}",
                "id {id!r} is also used by {other}",
                id=c.id,
                other=seen[c.id],
            )
            raise ContractError(c.path, [("id", reason)])
        seen[c.id] = c.path
    return sorted(contracts, key=lambda c: c.id)


def get_contract(dataset_id: str, directory: Path | str | None = None) -> Contract:
    directory = Path(directory) if directory else contracts_dir()
    for ext in (".yaml", ".yml"):
        candidate = directory / f"{dataset_id}{ext}"
        if candidate.is_file():
            return load_contract(candidate)
    known = ", ".join(p.stem for p in contract_files(directory))
    raise UnknownDatasetError(
        say(
            "dataset {id!r} tidak ditemukan di {directory}; dataset yang dikenal: {known}",
            "dataset {id!r} not found in {directory}; known datasets: {known}",
            id=dataset_id,
            directory=directory,
            known=known or say("(tidak ada)", "(none)"),
        )
    )
