"""Long input is translated in bounded pieces, never cut at the model's input limit.

The first tests check the splitting itself; the last one runs the real tiny
es->en CTranslate2 model behind a recorder (the seam) that keeps every batch
the translator sends, and checks that all of a long unpunctuated message went
to the model, in pieces the model accepts whole.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from sesame.translation.argos import ArgosTranslator, DecodingOptions
from sesame.translation.chunks import join_pieces, split_tokens

CT2_INPUT_LIMIT = 1024  # CTranslate2 truncates beyond this by default


def test_pieces_hold_every_token_in_order_and_break_between_words() -> None:
    tokens = ["▁pre", "cio", "▁alto", "▁muy", "▁pre", "cio", "▁alto"]
    pieces = split_tokens(tokens, 3)
    assert [t for piece in pieces for t in piece] == tokens
    assert pieces == [["▁pre", "cio", "▁alto"], ["▁muy", "▁pre", "cio"], ["▁alto"]]
    assert all(piece[0].startswith("▁") for piece in pieces)


def test_a_word_longer_than_a_piece_is_cut_and_nothing_is_lost() -> None:
    tokens = ["▁a", *("x" * 7)]
    pieces = split_tokens(tokens, 3)
    assert [t for piece in pieces for t in piece] == tokens
    assert max(len(piece) for piece in pieces) <= 3
    with pytest.raises(ValueError, match="at least 1"):
        split_tokens(tokens, 0)


def test_pieces_are_joined_the_target_scripts_way() -> None:
    assert join_pieces(["Hello", " world "], "en") == "Hello world"
    assert join_pieces(["你好", "世界"], "zh") == "你好世界"


class Recorder:
    """Forwards to the real CTranslate2 translator and keeps what it was sent."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.batches: list[list[list[str]]] = []

    def translate_batch(self, tokens: list[list[str]], **options: Any) -> Any:
        self.batches.append([list(t) for t in tokens])
        return self.inner.translate_batch(tokens, **options)


def test_a_long_unpunctuated_message_reaches_the_model_whole(packages_dir: Path) -> None:
    translator = ArgosTranslator(packages_dir, decoding=DecodingOptions(max_input_tokens=200))
    translator.load()
    models = translator._models  # test seam: the loaded es->en model
    assert models is not None
    model = models[("es", "en")]
    recorder = Recorder(model.translator)
    models[("es", "en")] = dataclasses.replace(model, translator=recorder)
    text = " ".join(["el precio incluye el envío"] * 300)  # no sentence punctuation at all
    expected = model.tokenizer.encode(text)
    assert len(expected) > CT2_INPUT_LIMIT

    out = translator.translate(text, "es", "en")

    sent = [piece for batch in recorder.batches for piece in batch]
    assert [token for piece in sent for token in piece] == expected  # every token, in order
    assert max(len(piece) for piece in sent) <= 200
    assert len(out.split()) >= len(sent)  # each piece came back with words of its own
