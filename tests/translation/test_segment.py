"""Sentence splitting and protected spans, without any model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesame.translation.segment import protected_spans, segment, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hola. ¿Cuál es el precio? ¡Gracias!", ["Hola.", "¿Cuál es el precio?", "¡Gracias!"]),
        ("你好。最小起订量是多少？谢谢！", ["你好。", "最小起订量是多少？", "谢谢！"]),
        ("We ship to the U.S. and Canada. Done.", ["We ship to the U.S. and Canada.", "Done."]),
        ("Version 3.5 costs $12.50. OK?", ["Version 3.5 costs $12.50.", "OK?"]),
        ("Mr. Li agrees, e.g. on price. Next.", ["Mr. Li agrees, e.g. on price.", "Next."]),
        ("See www.acme.com. Then call.", ["See www.acme.com.", "Then call."]),
        ("It is item No. 5 here. No.", ["It is item No. 5 here.", "No."]),
        ("Really?! Yes... fine", ["Really?!", "Yes...", "fine"]),
        ("line one\nline two", ["line one", "line two"]),
        ("「好的。」然后呢？", ["「好的。」", "然后呢？"]),
        ("   ", []),
    ],
)
def test_split_sentences_keeps_abbreviations_decimals_and_urls(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


def _without_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


@given(st.text(alphabet=st.sampled_from(list("ab .?!。！？\n3,$U-@")) | st.characters()))
def test_splitting_then_joining_preserves_every_non_space_character(text: str) -> None:
    assert _without_space("".join(split_sentences(text))) == _without_space(text)


@given(st.text())
def test_segments_join_back_to_the_original_text(text: str) -> None:
    assert "".join(s.text for s in segment(text)) == text


@pytest.mark.parametrize(
    "span",
    [
        "XJ-2000",
        "SKU 44-A",
        "$12.50",
        "¥80",
        "US$3.20/pc",
        "12,000 pcs",
        "50 kg",
        "10cm",
        "30x40 cm",
        "5%",
        "12.50 USD",
        "https://acme.example.com/catalogo?id=7",
        "www.acme.com",
        "ventas@acme-trade.com",
        "2024-05-01",
    ],
)
def test_codes_prices_quantities_urls_and_emails_are_protected(span: str) -> None:
    text = f"Mira esto {span}, por favor."
    assert [text[a:b] for a, b in protected_spans(text)] == [span]


def test_protected_spans_end_before_trailing_punctuation_and_cjk() -> None:
    text = "请访问https://a.cn/x。或者 visit www.acme.com."
    assert [text[a:b] for a, b in protected_spans(text)] == ["https://a.cn/x", "www.acme.com"]


def test_plain_words_and_lowercase_tokens_are_not_protected() -> None:
    assert protected_spans("Hello mp3 player, ok?") == []


def test_only_prose_with_letters_is_translatable() -> None:
    parts = segment("Tenemos 12,000 pcs de SKU 44-A en stock.")
    assert [(p.text, p.translatable) for p in parts] == [
        ("Tenemos ", True),
        ("12,000 pcs", False),
        (" de ", True),
        ("SKU 44-A", False),
        (" en stock.", True),
    ]
