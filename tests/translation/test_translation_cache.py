"""CachingTranslator: hits skip the inner translator, misses and failures do not stick."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sesame.translation.base import TranslationUnavailable, UnavailableReason
from sesame.translation.cache import CachingTranslator


class CountingTranslator:
    """Upper-cases text and counts calls; "boom" fails."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if text == "boom":
            raise TranslationUnavailable(
                "no", reason=UnavailableReason.MODEL_FAILED, source=source, target=target
            )
        return f"{target}:{text.upper()}"

    def can_translate(self, source: str, target: str) -> bool:
        return (source, target) == ("es", "en")

    def languages(self) -> set[str]:
        return {"es", "en"}

    def pairs(self) -> set[tuple[str, str]]:
        return {("es", "en")}


def test_a_cache_hit_does_not_call_the_inner_translator_again() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner, maxsize=10)
    assert cached.translate("hola", "es", "en") == "en:HOLA"
    assert cached.translate("hola", "es", "en") == "en:HOLA"
    assert inner.calls == [("hola", "es", "en")]
    assert (cached.hits, cached.misses) == (1, 1)


def test_the_key_includes_both_languages() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner)
    cached.translate("hola", "es", "en")
    cached.translate("hola", "es", "zh")
    assert len(inner.calls) == 2


def test_the_least_recently_used_entry_is_evicted_first() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner, maxsize=2)
    for text in ("a", "b", "a", "c"):  # "b" is now the oldest
        cached.translate(text, "es", "en")
    cached.translate("a", "es", "en")
    cached.translate("b", "es", "en")
    assert [c[0] for c in inner.calls] == ["a", "b", "c", "b"]
    assert len(cached) == 2


def test_failures_are_raised_and_not_cached() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner)
    for _ in range(2):
        with pytest.raises(TranslationUnavailable):
            cached.translate("boom", "es", "en")
    assert len(inner.calls) == 2


def test_clear_forgets_everything_and_the_rest_is_delegated() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner)
    cached.translate("hola", "es", "en")
    cached.clear()
    cached.translate("hola", "es", "en")
    assert len(inner.calls) == 2
    assert cached.can_translate("es", "en")
    assert not cached.can_translate("en", "es")
    assert cached.languages() == {"es", "en"}
    assert cached.pairs() == {("es", "en")}


def test_concurrent_use_keeps_the_cache_consistent() -> None:
    inner = CountingTranslator()
    cached = CachingTranslator(inner, maxsize=50)
    texts = [f"t{i % 20}" for i in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: cached.translate(t, "es", "en"), texts))
    assert results == [f"en:{t.upper()}" for t in texts]
    assert len(cached) == 20
    assert cached.hits + cached.misses == 400


def test_maxsize_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize"):
        CachingTranslator(CountingTranslator(), maxsize=0)
