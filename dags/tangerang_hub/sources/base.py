"""What every connector returns (`RawBatch`), the error it raises, and the Hook base class."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tangerang_hub.connections import ConnectionInfo, get_connection
from tangerang_quality.texts import Said, say


class SourceError(RuntimeError):
    """The source could not be read; the message names the source and the reason.

    `message` is worded with `texts.say` (Bahasa Indonesia and English) and kept as `said`:
    a failed run's report shows it in the reader's language, while `str()` stays the English
    text for developer logs and tracebacks. A plain string is the same in both languages.
    """

    def __init__(self, message: str | Said, *, url: str | None = None, status: int | None = None):
        self.said = message if isinstance(message, Said) else say("{text}", "{text}", text=message)
        super().__init__(self.said.render("en"))
        self.url = url
        self.status = status

    def masked(self, clean: Callable[[str], str]) -> SourceError:
        """This error with both texts passed through `clean` (which masks secrets)."""
        self.said = masked_said(self.said, clean)
        self.args = (self.said.render("en"),)
        return self


def masked_said(said: Said, clean: Callable[[str], str]) -> Said:
    """`said` with its text in each language passed through `clean` (a masker of secrets
    or identifiers), as a whole, so nothing it quotes escapes the masker."""
    texts = {lang: clean(said.render(lang)) for lang in ("id", "en")}
    return say("{id_text}", "{en_text}", id_text=texts["id"], en_text=texts["en"])


@dataclass(frozen=True)
class RawBatch:
    """One extract: either `records` (dicts) or `content` (file bytes), never partial data."""

    records: list[dict[str, Any]] | None
    content: bytes | None
    filename: str
    media_type: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    source_url: str | None = None
    # Connector-specific facts for the run report: sha256 of an archived file, the new
    # watermark of an incremental SQL extract, pages fetched.
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> dict[str, Any]:
        """What to pass back as ``fetch(state=...)`` next time."""
        kept = {"etag": self.etag, "last_modified": self.last_modified}
        if "watermark" in self.meta:
            kept["watermark"] = self.meta["watermark"]
        return {k: v for k, v in kept.items() if v is not None}


def unchanged(url: str, filename: str, media_type: str, state: Mapping[str, Any]) -> RawBatch:
    return RawBatch(
        records=None,
        content=None,
        filename=filename,
        media_type=media_type,
        etag=state.get("etag"),
        last_modified=state.get("last_modified"),
        not_modified=True,
        source_url=url,
    )


class SourceHook:
    """Airflow-style hook: owns the connection, keeps no state between calls.

    Subclasses implement `fetch`. Credentials only come from the Connection `conn_id`;
    `params` are the contract's ``source.params``.
    """

    conn_name_attr: ClassVar[str] = "conn_id"
    default_conn_name: ClassVar[str] = "agency_sample"
    conn_type: ClassVar[str] = "http"
    hook_name: ClassVar[str] = "Agency source"
    source_type: ClassVar[str] = ""

    def __init__(self, conn_id: str | None = None, params: Mapping[str, Any] | None = None):
        self.conn_id = conn_id or self.default_conn_name
        self.params: Mapping[str, Any] = dict(params or {})

    @property
    def connection(self) -> ConnectionInfo:
        try:
            return get_connection(self.conn_id)
        except LookupError as exc:
            raise SourceError(
                say(
                    "{hook}: koneksi {conn!r} belum diatur: atur di Airflow atau ekspor {variable}",
                    "{hook}: {error}",
                    hook=self.hook_name,
                    conn=self.conn_id,
                    variable=f"AIRFLOW_CONN_{self.conn_id.upper()}",
                    error=str(exc),
                )
            ) from exc

    def get_conn(self) -> Any:
        return self.connection

    def test_connection(self) -> tuple[bool, str]:
        """(ok, message), as Airflow's connection test expects."""
        try:
            self.get_conn()
        except Exception as exc:  # report any failure, as Airflow's test does
            return False, str(exc)
        return True, f"{self.hook_name}: connection {self.conn_id!r} is usable"

    def fetch(
        self, *, state: Mapping[str, Any] | None = None, since: Any = None
    ) -> RawBatch:  # pragma: no cover - abstract
        raise NotImplementedError

    def param(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        if name in self.params:
            return self.params[name]
        if required:
            raise SourceError(
                say(
                    "{hook}: source.params.{name} wajib diisi",
                    "{hook}: source.params.{name} is required",
                    hook=self.hook_name,
                    name=name,
                )
            )
        return default

    def __repr__(self) -> str:
        return f"{type(self).__name__}(conn_id={self.conn_id!r})"
