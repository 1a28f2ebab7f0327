"""Language detection, restricted to the languages a deployment serves.

Rule: codes, prices, URLs and e-mails are removed first; then a text with fewer
than ``min_letters`` letters (a CJK character or kana counts as two, since one
often is a word), or whose best language scores below ``min_confidence``, is
undetermined and gets the caller's fallback (e.g. the sender's profile language).
"""

from __future__ import annotations

import logging
import re
from typing import Final, Protocol

from sesame.core.errors import InvalidInput
from sesame.translation.segment import segment

logger = logging.getLogger(__name__)

_LETTER: Final = re.compile(r"[^\W\d_]")
_WIDE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


class LanguageNotDetected(InvalidInput):
    """The text is too short or too ambiguous to tell its language, and no fallback was given."""


class LanguageDetector(Protocol):
    def detect(self, text: str, fallback: str | None = None) -> str:
        """ISO 639-1 code of ``text``; ``fallback`` when undetermined (raise if None)."""
        ...

    def languages(self) -> set[str]:
        """The codes this detector can answer with."""
        ...


def letter_weight(text: str) -> int:
    """Letters in ``text``; CJK characters and kana count twice."""
    return len(_LETTER.findall(text)) + len(_WIDE.findall(text))


class LinguaDetector:
    """lingua-language-detector, limited to ``languages`` (ISO 639-1 codes)."""

    def __init__(
        self,
        languages: set[str],
        *,
        min_letters: int = 3,
        min_confidence: float = 0.5,
        preload: bool = False,
    ) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        if len(languages) < 2:
            raise ValueError("Language detection needs at least two languages to choose from.")
        codes = []
        for code in sorted(languages):
            try:
                codes.append(IsoCode639_1.from_str(code))
            except ValueError as exc:
                raise ValueError(f"{code!r} is not an ISO 639-1 code lingua knows.") from exc
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        self._detector = (builder.with_preloaded_language_models() if preload else builder).build()
        self._languages = set(languages)
        self._min_letters = min_letters
        self._min_confidence = min_confidence

    def languages(self) -> set[str]:
        return set(self._languages)

    def detect(self, text: str, fallback: str | None = None) -> str:
        prose = " ".join(s.text for s in segment(text) if not s.protected)
        code = self._best(prose) if letter_weight(prose) >= self._min_letters else None
        if code is not None:
            return code
        if fallback is None:
            raise LanguageNotDetected(
                "Could not tell the language of this text; say which language it is in."
            )
        return fallback

    def _best(self, text: str) -> str | None:
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value < self._min_confidence:
            return None
        code: str = values[0].language.iso_code_639_1.name.lower()
        return code
