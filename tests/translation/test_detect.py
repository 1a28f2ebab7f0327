"""LinguaDetector: the deployment's languages only, a fallback for short or unclear text."""

from __future__ import annotations

import pytest

from sesame.translation.detect import LanguageNotDetected, LinguaDetector, letter_weight

LANGUAGES = {"en", "es", "zh", "ja", "pt", "vi", "hi", "fr"}


@pytest.fixture(scope="module")
def detector() -> LinguaDetector:
    return LinguaDetector(LANGUAGES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Cuál es la cantidad mínima de pedido?", "es"),
        ("Necesitamos un depósito del treinta por ciento.", "es"),
        ("最小起订量是多少？", "zh"),
        ("你好", "zh"),
        ("What is the minimum order quantity?", "en"),
        ("最小注文数量はいくつですか？", "ja"),
        ("Obrigado pela resposta rápida.", "pt"),
        ("Merci beaucoup pour votre réponse.", "fr"),
    ],
)
def test_sentences_are_detected_among_the_deployment_languages(
    detector: LinguaDetector, text: str, expected: str
) -> None:
    assert detector.detect(text, fallback="en") == expected


@pytest.mark.parametrize(
    "text", ["ok", "XJ-2000", "$12.50", "https://acme.example.com/x", "12,000 pcs", "hola", ""]
)
def test_short_codes_only_or_unclear_text_gets_the_fallback(
    detector: LinguaDetector, text: str
) -> None:
    assert detector.detect(text, fallback="vi") == "vi"


def test_without_a_fallback_undetermined_text_raises(detector: LinguaDetector) -> None:
    with pytest.raises(LanguageNotDetected):
        detector.detect("ok")


def test_cjk_characters_count_double_towards_the_minimum() -> None:
    assert letter_weight("你好") == 4
    assert letter_weight("ok 12") == 2


def test_unknown_codes_and_single_language_sets_are_refused() -> None:
    with pytest.raises(ValueError, match="'xx'"):
        LinguaDetector({"en", "xx"})
    with pytest.raises(ValueError, match="two languages"):
        LinguaDetector({"en"})


def test_languages_reports_the_configured_codes(detector: LinguaDetector) -> None:
    assert detector.languages() == LANGUAGES
