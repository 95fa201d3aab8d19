"""What the quality library reads from a dataset contract, as duck-typed Protocols.

The library never imports its caller: the engine's frozen `tangerang_hub.contracts.Contract`
and `Field` satisfy these Protocols, and so does any object with the same read-only
attributes. Only the attributes listed here are read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol


class FieldLike(Protocol):
    """One column of a contract."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...  # string | integer | number | boolean | date | datetime | year
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def unique(self) -> bool: ...
    @property
    def enum(self) -> Sequence[str] | None: ...
    @property
    def pattern(self) -> str | None: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def maximum(self) -> float | None: ...
    @property
    def reference(self) -> str | None: ...  # "kecamatan" | "kelurahan": Kemendagri codes
    @property
    def role(self) -> str | None: ...  # "latitude" | "longitude"
    @property
    def pii_allowed_reason(self) -> str | None: ...


class ContractLike(Protocol):
    """A dataset contract: its columns, keys, quality settings and how it is published."""

    @property
    def id(self) -> str: ...
    @property
    def fields(self) -> Sequence[FieldLike]: ...
    @property
    def primary_key(self) -> Sequence[str]: ...
    @property
    def quality(self) -> Mapping[str, Any]: ...  # thresholds, severity, expectations
    @property
    def sdi(self) -> Mapping[str, Any]: ...
    @property
    def formats(self) -> Sequence[str]: ...
    @property
    def datastore(self) -> bool: ...
    @property
    def access(self) -> str: ...  # terbuka | terbatas | tertutup


# Valid codes per wilayah level ("kecamatan", "kelurahan"), given by the caller (the engine's
# reference table) to every suite with a `reference` field.
ReferenceCodes = Mapping[str, Collection[str]]
