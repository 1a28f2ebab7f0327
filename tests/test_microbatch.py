"""Concurrent photo encodings share one forward pass of the real (ONNX) tiny model, and
each caller gets exactly its own rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from sesame.demo.render import COLOURS, ProductLook, render_product
from sesame.embeddings.microbatch import MicroBatcher
from sesame.embeddings.onnx import OnnxEncoder
from tests.conftest import ONNX_CACHE, TINY_MODEL


@pytest.fixture(scope="module")
def encoder(tiny_clip_checkpoint: Path) -> OnnxEncoder:
    return OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=ONNX_CACHE)


def _photos(n: int) -> list[Image.Image]:
    return [render_product(ProductLook("mug", COLOURS[i % len(COLOURS)], "plain"), i)
            for i in range(n)]  # fmt: skip


def _together(batcher: MicroBatcher, photos: list[Image.Image]) -> list[NDArray[np.float32]]:
    out: list[NDArray[np.float32]] = [np.zeros(0, dtype=np.float32)] * len(photos)
    start = threading.Barrier(len(photos))

    def one(i: int) -> None:
        start.wait()
        out[i] = batcher.encode_images([photos[i]])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(photos))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return out


def test_concurrent_photos_share_a_pass_and_get_their_own_rows(encoder: OnnxEncoder) -> None:
    photos = _photos(6)
    batcher = MicroBatcher(encoder, window_s=0.2)
    got = _together(batcher, photos)
    alone = encoder.encode_images(photos)
    for i, rows in enumerate(got):
        assert rows.shape == (1, encoder.dim)
        np.testing.assert_allclose(rows[0], alone[i], atol=1e-5)
    assert batcher.batches < len(photos)  # gathered: fewer passes than callers


def test_a_photo_arriving_while_the_model_is_idle_does_not_wait(encoder: OnnxEncoder) -> None:
    batcher = MicroBatcher(encoder, window_s=30.0)  # a wait would be unmistakable
    started = time.monotonic()
    batcher.encode_images(_photos(1))
    assert time.monotonic() - started < 10.0
    assert batcher.batches == 1


def test_a_big_batch_and_a_single_photo_pass_through(encoder: OnnxEncoder) -> None:
    batcher = MicroBatcher(encoder, window_s=0.001)
    photos = _photos(5)
    np.testing.assert_allclose(batcher.encode_images(photos), encoder.encode_images(photos),
                               atol=1e-5)  # fmt: skip
    assert batcher.encode_images([]).shape == (0, encoder.dim)
    np.testing.assert_allclose(batcher.encode_texts(["red mug"]), encoder.encode_texts(["red mug"]))


class Failing:
    """The real encoder behind a seam that fails every photo batch."""

    def __init__(self, real: OnnxEncoder) -> None:
        self.model_id, self.dim, self._real = real.model_id, real.dim, real

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        raise RuntimeError("the model broke")

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._real.encode_texts(texts)


def test_every_caller_of_a_failed_batch_gets_the_error(encoder: OnnxEncoder) -> None:
    batcher = MicroBatcher(Failing(encoder), window_s=0.05)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            batcher.encode_images(_photos(1))
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(errors) == 3
    assert batcher.batches == 0
