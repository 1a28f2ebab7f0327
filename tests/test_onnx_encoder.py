"""ONNX Runtime towers: exported from the tiny model through the real exporter, the same
vectors as torch, cached by weights, and the text tower cut at the end-of-text token."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import open_clip
import pytest
import torch
from PIL import Image

from sesame.core.errors import ModelUnavailable
from sesame.demo.render import ProductLook, render_product
from sesame.embeddings import onnx as onnx_module
from sesame.embeddings.clip import OpenClipEncoder, create_model
from sesame.embeddings.onnx import OnnxEncoder
from sesame.embeddings.onnx_export import cached_export, export_key
from sesame.embeddings.towers import TextTower, cut_tokens
from sesame.embeddings.weights import resolve_weights
from tests.conftest import ONNX_CACHE, TINY_MODEL

TEXTS = [
    "red mug",
    "wrought iron table legs, set of four, black powder coated",
    "mug " * 40,  # longer than the context: cut off by the tokenizer, no end token to cut at
    "牛仔布手提包",
]


@pytest.fixture(scope="module")
def reference(tiny_clip_checkpoint: Path) -> OpenClipEncoder:
    return OpenClipEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint))


@pytest.fixture(scope="module")
def on_onnx(tiny_clip_checkpoint: Path) -> OnnxEncoder:
    return OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=ONNX_CACHE)


def _photos() -> list[Image.Image]:
    looks = [ProductLook("mug", "red", "plain"), ProductLook("chair", "blue", "striped"),
             ProductLook("bag", "green", "dotted")]  # fmt: skip
    return [render_product(look, seed) for seed, look in enumerate(looks)]


def test_onnx_gives_the_vectors_torch_gives(
    reference: OpenClipEncoder, on_onnx: OnnxEncoder
) -> None:
    photos = _photos()
    for ours, theirs in (
        (on_onnx.encode_images(photos), reference.encode_images(photos)),
        (on_onnx.encode_texts(TEXTS), reference.encode_texts(TEXTS)),
        (on_onnx.encode_texts(TEXTS[:1]), reference.encode_texts(TEXTS[:1])),
    ):
        assert ours.shape == theirs.shape
        assert float((1 - (ours * theirs).sum(axis=1)).max()) < 1e-5
    assert on_onnx.model_id == reference.model_id  # stored vectors serve both runtimes
    assert on_onnx.dim == reference.dim


def test_the_cut_text_tower_equals_the_whole_context(tiny_clip_checkpoint: Path) -> None:
    model, _ = create_model(TINY_MODEL, tiny_clip_checkpoint)
    tokens = open_clip.get_tokenizer(TINY_MODEL)(TEXTS)
    tower = TextTower(model)
    assert tower.cut
    assert cut_tokens(tokens[:1], True).shape[1] < tokens.shape[1]
    with torch.inference_mode():
        whole = torch.nn.functional.normalize(model.encode_text(tokens), dim=-1)
        cut = tower(cut_tokens(tokens, True))
        one = tower(cut_tokens(tokens[:1], True))
    assert float((whole - cut).abs().max()) < 1e-5
    assert float((whole[:1] - one).abs().max()) < 1e-5


def test_a_cached_export_loads_without_the_torch_model(
    tiny_clip_checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    weights = resolve_weights(TINY_MODEL, str(tiny_clip_checkpoint))
    folder = tmp_path / export_key(weights.model_id, weights.path)
    assert cached_export(folder) is not None
    assert not list(tmp_path.glob("*.partial"))

    def no_torch_model(*_: object) -> None:
        raise AssertionError("a cached export must not load the torch model")

    monkeypatch.setattr(onnx_module, "create_model", no_torch_model)
    again = OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    np.testing.assert_allclose(again.encode_texts(TEXTS), first.encode_texts(TEXTS), atol=1e-6)


def test_an_incomplete_export_folder_is_exported_again(
    tiny_clip_checkpoint: Path, tmp_path: Path
) -> None:
    weights = resolve_weights(TINY_MODEL, str(tiny_clip_checkpoint))
    folder = tmp_path / export_key(weights.model_id, weights.path)
    folder.mkdir()
    (folder / "image.onnx").write_bytes(b"half a model")
    (tmp_path / f"{folder.name}.999.partial").mkdir()  # what a killed export leaves
    encoder = OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    assert encoder.encode_texts(["red mug"]).shape == (1, encoder.dim)
    assert cached_export(folder) is not None


def test_a_damaged_export_says_to_delete_it(tiny_clip_checkpoint: Path, tmp_path: Path) -> None:
    OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
    weights = resolve_weights(TINY_MODEL, str(tiny_clip_checkpoint))
    folder = tmp_path / export_key(weights.model_id, weights.path)
    (folder / "text.onnx").write_bytes(b"\x00 not a model")
    with pytest.raises(ModelUnavailable, match="delete that folder"):
        OnnxEncoder.load(TINY_MODEL, str(tiny_clip_checkpoint), onnx_dir=tmp_path)
