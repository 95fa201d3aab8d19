"""What a person reads about the data, in Bahasa Indonesia first and English complete.

A problem found in a batch is read by the producer who sent the file, the walidata who reviews
it and, in English, by a partner or a developer. Each message is written once, where it is
found, as a pair of templates with the values it quotes (`say`); a value may itself be a
`Said`, rendered in the same language. `SaidError` is a ValueError that carries such a pair, so
a parser can refuse a value in both languages while its `str()` stays the English text that
developer logs and tracebacks show.

Standard library only: the engine and the quality library both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Said:
    """A message in both languages: `id` and `en` are `str.format` templates over `params`."""

    id: str
    en: str
    params: tuple[tuple[str, Any], ...] = ()

    def render(self, lang: str = "id") -> str:
        values = {k: v.render(lang) if isinstance(v, Said) else v for k, v in self.params}
        return (self.en if lang == "en" else self.id).format(**values)

    def __str__(self) -> str:
        return self.render("id")


def say(id_: str, en: str, **params: Any) -> Said:
    """The message `id_` (Bahasa Indonesia) / `en` (English) with the values it quotes."""
    return Said(id_, en, tuple(params.items()))


class SaidError(ValueError):
    """A refusal worded for people in both languages; `str()` is the English text."""

    def __init__(self, said: Said) -> None:
        self.said = said
        super().__init__(said.render("en"))


def error_text(exc: BaseException, lang: str = "id") -> str:
    """What an error says in `lang`: its `said` when it carries one (`SaidError`, the engine's
    source and run errors), else `str(exc)` (a library's own error, English as it came)."""
    said = getattr(exc, "said", None)
    return said.render(lang) if isinstance(said, Said) else str(exc)
