"""Text segmentation for translation: sentences, and the spans a model must not touch.

The sentence splitter is a few regular expressions (no MiniSBD, no Stanza, nothing
to download): it splits after ``.?!…`` followed by whitespace and after CJK
``。！？``, and at line breaks, keeping abbreviations ("U.S.", "e.g.", "Mr."),
decimals ("3.5") and URLs intact. Protected spans are product codes, prices,
quantities with units, URLs and e-mails; they are copied, never translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_CLOSERS = "\"'”’»)\\]」』）》"
_BOUNDARY: Final = re.compile(
    rf"[。！？]+[{_CLOSERS}]*"  # CJK terminators end a sentence even without a space
    rf"|[.?!…]+[{_CLOSERS}]*(?=\s|$)"  # Latin ones only before whitespace or the end
    r"|\n"
)
_ABBREVIATIONS: Final = frozenset(
    (
        *("mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "jr", "st", "ud", "uds"),
        *("inc", "ltd", "co", "corp", "llc", "approx", "vs", "etc", "ca", "cf", "dept"),
        *("ave", "min", "max", "fig", "est", "jan", "feb", "mar", "apr", "jun", "jul"),
        *("aug", "sep", "sept", "oct", "nov", "dec"),
    )
)
# Abbreviations only before a number: "No. 5", "Art. 12" ("No." alone is an answer).
_BEFORE_NUMBER: Final = frozenset(("no", "nr", "núm", "num", "art", "ref", "vol", "p", "pp"))
_LAST_TOKEN: Final = re.compile(r"(\w+(?:\.\w+)*)$")
_INITIALS: Final = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")

_NUM = r"\d+(?:[.,]\d+)*"
_UNIT = (
    r"(?:mm|cm|km|m|kg|mg|g|lbs?|oz|ml|l|L|W|kW|V|mAh|Ah|Hz|kHz|MHz|GHz|MB|GB|TB"
    r"|pcs|PCS|pc|PC|ctns?|CTNS?|sets|inch|°C|°F|%)"
)
_PROTECTED: Final = re.compile(
    "|".join(
        (
            # URLs stop before trailing punctuation and before CJK text.
            r"(?:https?://|www\.)[^\s<>\"'\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]+?"
            r"(?=[.,;:!?)\]]*(?:[\s\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]|$))",
            r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
            r"\b(?:SKU|REF|P/N|PN|MPN|EAN|UPC|ASIN|HS)\s?[:#]?\s?"
            r"(?=[A-Za-z0-9./-]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*",
            rf"(?:US\$|USD\s?|EUR\s?|RMB\s?|CNY\s?|[$€£¥₹₫₩])\s?{_NUM}"
            r"(?:\s?/\s?(?:pcs|pc|unit|set|kg|m))?",
            rf"{_NUM}\s?(?:USD|EUR|RMB|CNY|JPY|GBP|€|\$)(?![A-Za-z])",
            r"(?<![A-Za-z0-9])(?=[A-Za-z0-9/-]*[A-Z])(?=[A-Za-z0-9/-]*\d)"
            r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?![A-Za-z0-9])",
            rf"(?<![A-Za-z0-9.,]){_NUM}(?:\s?[-–~x×]\s?{_NUM})*(?:\s?{_UNIT}(?![A-Za-z0-9]))?",
        )
    )
)
_LETTER: Final = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a sentence; protected pieces are copied byte for byte."""

    text: str
    protected: bool

    @property
    def translatable(self) -> bool:
        """Prose with at least one letter; punctuation and spaces are kept as they are."""
        return not self.protected and _LETTER.search(self.text) is not None


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the '.' ending at ``end`` closes an abbreviation, not a sentence."""
    if text[end - 1] != ".":
        return False
    match = _LAST_TOKEN.search(text, 0, end - 1)
    if match is None:
        return False
    token = match.group(1)
    following = text[end:].lstrip()[:1]
    if following.islower():
        return True
    if _INITIALS.fullmatch(token):
        return True  # "U.S.", "e.g.", an initial such as "J."
    lowered = token.lower()
    return lowered in _ABBREVIATIONS or (lowered in _BEFORE_NUMBER and following.isdigit())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, surrounding whitespace excluded, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n" and _is_abbreviation(text, end):
            continue
        _append_stripped(spans, text, start, end)
        start = end
    _append_stripped(spans, text, start, len(text))
    return spans


def _append_stripped(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + len(chunk) - len(chunk.lstrip())
        spans.append((offset, offset + len(stripped)))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped; joining them loses only whitespace."""
    return [text[a:b] for a, b in sentence_spans(text)]


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of codes, prices, quantities, URLs and e-mails in ``text``."""
    return [m.span() for m in _PROTECTED.finditer(text)]


def segment(text: str) -> list[Segment]:
    """Cut ``text`` into alternating prose and protected segments that join back to it."""
    segments: list[Segment] = []
    position = 0
    for start, end in protected_spans(text):
        if start > position:
            segments.append(Segment(text[position:start], protected=False))
        segments.append(Segment(text[start:end], protected=True))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:], protected=False))
    return segments
