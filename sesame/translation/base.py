"""The translator seam: one small interface and the error every backend raises.

A translator either returns a translation or raises ``TranslationUnavailable``;
it never hands back the original text as if it were translated. Translating to
the language the text is already in is not a translation and returns it as is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from sesame.core.errors import SesameError


class UnavailableReason(StrEnum):
    NOT_LOADED = "not_loaded"  # load() has not run yet
    NO_MODEL = "no_model"  # no package (or pivot) covers the language pair
    MODEL_FAILED = "model_failed"  # the model raised or produced nothing


class TranslationUnavailable(SesameError):
    """No translation could be produced; ``reason`` says why."""

    def __init__(
        self, message: str, *, reason: UnavailableReason, source: str, target: str
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.source = source
        self.target = target


class Translator(Protocol):
    """Translates text between ISO 639-1 language codes ("en", "es", "zh", ...)."""

    def translate(self, text: str, source: str, target: str) -> str:
        """Return ``text`` in ``target``; raise ``TranslationUnavailable`` otherwise."""
        ...

    def can_translate(self, source: str, target: str) -> bool:
        """Whether ``translate`` has a model (direct or pivot) for the pair."""
        ...

    def languages(self) -> set[str]:
        """Every language code some installed model reads or writes."""
        ...

    def pairs(self) -> set[tuple[str, str]]:
        """Every (source, target) pair ``translate`` accepts, pivots included."""
        ...
