"""The open_clip encoder on both runtimes (torch, ONNX Runtime), loaded through open_clip's
real loader, and weight resolution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sesame.core.errors import ModelUnavailable
from sesame.embeddings.base import Encoder
from sesame.embeddings.clip import OpenClipEncoder
from sesame.embeddings.onnx import OnnxEncoder
from sesame.embeddings.weights import resolve_weights
from tests.conftest import ONNX_CACHE, TINY_MODEL


@pytest.fixture(scope="module", params=["torch", "onnx"])
def encoder(request: pytest.FixtureRequest, tiny_clip_checkpoint: Path) -> Encoder:
    if request.param == "torch":
        return OpenClipEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), batch_size=4)
    return OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=ONNX_CACHE,
                            batch_size=4)  # fmt: skip


def test_vectors_are_l2_normalised_float32(encoder: Encoder) -> None:
    images = [
        Image.new("RGB", (80, 60), colour) for colour in ("red", "blue", "green", "white", "black")
    ]
    image_vectors = encoder.encode_images(images)
    text_vectors = encoder.encode_texts(["red mug", "blue chair"])
    for vectors, rows in ((image_vectors, 5), (text_vectors, 2)):
        assert vectors.dtype == np.float32
        assert vectors.shape == (rows, encoder.dim)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_batching_does_not_change_the_vectors(encoder: Encoder) -> None:
    images = [Image.new("RGB", (40, 40), (i * 40, 255 - i * 40, 90)) for i in range(6)]
    together = encoder.encode_images(images)  # batches of 4 + 2
    alone = np.concatenate([encoder.encode_images([image]) for image in images])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert encoder.encode_texts([]).shape == (0, encoder.dim)


def test_model_id_names_the_architecture_and_the_checkpoint_digest(
    encoder: Encoder, tiny_clip_checkpoint: Path
) -> None:
    assert encoder.model_id.startswith(f"{TINY_MODEL}/sha256-")
    assert resolve_weights(TINY_MODEL, str(tiny_clip_checkpoint)).model_id == encoder.model_id


def test_a_missing_checkpoint_file_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(
        ModelUnavailable, match=r"No checkpoint file at .*SESAME_EMBEDDINGS__PRETRAINED"
    ):
        resolve_weights(TINY_MODEL, str(tmp_path / "missing.pt"))


def test_weights_not_in_the_cache_say_how_to_get_them_without_downloading(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="sesame models download"):
        resolve_weights("ViT-B-32", "laion2b_s34b_b79k", cache_dir=tmp_path)


def test_an_unknown_tag_lists_the_known_ones() -> None:
    with pytest.raises(ModelUnavailable, match=r"known: .*laion2b_s34b_b79k"):
        resolve_weights("ViT-B-32", "no-such-tag")


def test_random_weights_are_never_used() -> None:
    with pytest.raises(ModelUnavailable, match="never runs on random weights"):
        resolve_weights("ViT-B-32", "")


def test_a_corrupt_checkpoint_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        OpenClipEncoder.load(TINY_MODEL, str(bad))
