"""The query-vector cache: a repeated query skips the text tower; bounded; keyed by model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from sesame.embeddings.clip import OpenClipEncoder
from sesame.search.query_cache import QueryVectors
from tests.conftest import TINY_MODEL


class Counting:
    """The real tiny encoder, counting its text-tower calls (a seam, not a fake)."""

    def __init__(self, real: OpenClipEncoder, model_id: str | None = None) -> None:
        self.real, self.calls = real, 0
        self.model_id = model_id or real.model_id
        self.dim = real.dim

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls += 1
        return self.real.encode_texts(texts)

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        return self.real.encode_images(images)


@pytest.fixture(scope="module")
def real(tiny_clip_checkpoint: object) -> OpenClipEncoder:
    return OpenClipEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint))


def test_a_repeated_query_is_encoded_once_and_gives_the_same_vector(real: OpenClipEncoder) -> None:
    encoder, cache = Counting(real), QueryVectors(8)
    first = cache.vector(encoder, "red mug")
    again = cache.vector(encoder, "red mug")
    assert encoder.calls == 1
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, real.encode_texts(["red mug"])[0], atol=1e-6)
    with pytest.raises(ValueError, match="read-only"):
        again[0] = 1.0  # shared between requests, so nobody may change it


def test_the_cache_is_bounded_and_drops_the_least_recently_used(real: OpenClipEncoder) -> None:
    encoder, cache = Counting(real), QueryVectors(2)
    for text in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.vector(encoder, text)
    assert encoder.calls == 3
    cache.vector(encoder, "a")
    assert encoder.calls == 3
    cache.vector(encoder, "b")
    assert encoder.calls == 4


def test_another_model_never_gets_a_kept_vector(real: OpenClipEncoder) -> None:
    cache = QueryVectors(8)
    one, other = Counting(real), Counting(real, model_id="another/model")
    cache.vector(one, "red mug")
    cache.vector(other, "red mug")
    assert (one.calls, other.calls) == (1, 1)


def test_size_zero_keeps_nothing(real: OpenClipEncoder) -> None:
    encoder, cache = Counting(real), QueryVectors(0)
    cache.vector(encoder, "red mug")
    cache.vector(encoder, "red mug")
    assert encoder.calls == 2
