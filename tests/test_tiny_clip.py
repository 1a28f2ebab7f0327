"""The tiny CLIP model: trained by the repo's code, loaded through open_clip's own loader.

The checkpoint comes from the session fixture ``tiny_clip_checkpoint`` (conftest),
which trains it once with the defaults of ``train_tiny_clip`` and caches it. Every
semantic check is also run on an untrained model, which must fail it, so a pass
means the training worked.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import open_clip
import pytest
import torch
from PIL import Image
from sesame_dev.tiny_clip.trainer import MODEL_NAME, encode_text_trimmed, register_model_configs

from sesame.demo.catalog import DemoProductSpec, demo_product_specs, generate_demo_catalog
from sesame.demo.render import COLOURS, OBJECTS, PATTERNS, ProductLook, render_product

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CATALOG_PRODUCTS = 300  # the default demo catalog


@dataclass(frozen=True)
class Loaded:
    """A model as the app would load it: weights, eval transforms and tokenizer."""

    model: Any
    preprocess: Callable[[Image.Image], torch.Tensor]
    tokenizer: Callable[[Sequence[str]], torch.Tensor]

    @torch.no_grad()
    def images(self, images: Sequence[Image.Image]) -> torch.Tensor:
        batch = torch.stack([self.preprocess(image) for image in images])
        chunks = torch.split(batch, 128)
        return torch.cat([self.model.encode_image(chunk, normalize=True) for chunk in chunks])

    @torch.no_grad()
    def texts(self, texts: Sequence[str]) -> torch.Tensor:
        vectors: torch.Tensor = self.model.encode_text(self.tokenizer(list(texts)), normalize=True)
        return vectors


@dataclass(frozen=True)
class Gallery:
    """The demo catalog's photos, each with the product it shows."""

    images: list[Image.Image]
    owners: list[DemoProductSpec]
    specs: list[DemoProductSpec]


def _load(pretrained: str | None) -> Loaded:
    register_model_configs()
    model, _, preprocess = open_clip.create_model_and_transforms(MODEL_NAME, pretrained=pretrained)
    model.eval()
    return Loaded(model, preprocess, open_clip.get_tokenizer(MODEL_NAME))


@pytest.fixture(scope="session")
def trained(tiny_clip_checkpoint: Path) -> Loaded:
    return _load(str(tiny_clip_checkpoint))


@pytest.fixture(scope="session")
def untrained() -> Loaded:
    torch.manual_seed(0)
    return _load(None)


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    root = tmp_path_factory.mktemp("demo-catalog")
    generate_demo_catalog(root, products=CATALOG_PRODUCTS, seed=7)
    specs = demo_product_specs(products=CATALOG_PRODUCTS, seed=7)
    images, owners = [], []
    for spec in specs:
        for n in range(1, len(spec.variations) + 1):
            images.append(Image.open(root / "images" / f"{spec.id}-{n}.jpg").convert("RGB"))
            owners.append(spec)
    return Gallery(images, owners, specs)


def _crop_and_recompress(image: Image.Image, keep: float = 0.7, quality: int = 60) -> Image.Image:
    """What a buyer uploads: the middle of a product photo, re-saved as a lossy JPEG."""
    w, h = image.size
    box = (round(w * (1 - keep) / 2), round(h * (1 - keep) / 2),
           round(w * (1 + keep) / 2), round(h * (1 + keep) / 2))  # fmt: skip
    buffer = io.BytesIO()
    image.crop(box).save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def crop_to_product_accuracy(loaded: Loaded, gallery: Gallery) -> float:
    """Share of products whose cropped, re-compressed first photo finds the product first."""
    photos = loaded.images(gallery.images)
    queries = [_crop_and_recompress(gallery.images[gallery.owners.index(s)]) for s in gallery.specs]
    best = (loaded.images(queries) @ photos.T).argmax(dim=1).tolist()
    hits = [gallery.owners[j].id == spec.id for j, spec in zip(best, gallery.specs, strict=True)]
    return float(sum(hits)) / len(hits)


def colour_object_accuracy(loaded: Loaded, gallery: Gallery) -> float:
    """Share of "<colour> <object>" queries whose best catalog photo has both."""
    pairs = sorted({(s.look.colour, s.look.object) for s in gallery.specs})
    texts = loaded.texts([f"{colour} {kind}" for colour, kind in pairs])
    best = (texts @ loaded.images(gallery.images).T).argmax(dim=1).tolist()
    found = [(gallery.owners[j].look.colour, gallery.owners[j].look.object) for j in best]
    return sum(a == b for a, b in zip(found, pairs, strict=True)) / len(pairs)


def _small_gallery() -> list[ProductLook]:
    """50 looks: the three red mugs, their nearest confusions, and random others."""
    rng = random.Random(1)
    red_mugs = [ProductLook("mug", "red", p) for p in PATTERNS]
    near = [ProductLook("mug", c, "plain") for c in ("pink", "orange", "brown", "blue")]
    near += [ProductLook(o, "red", "plain") for o in ("bowl", "vase", "bottle", "bag")]
    others = [ProductLook(o, c, p) for o in OBJECTS for c in COLOURS for p in PATTERNS]
    others = [look for look in others if look not in red_mugs + near]
    return red_mugs + near + rng.sample(others, 50 - len(red_mugs) - len(near))


def ranked_looks(loaded: Loaded, query: str) -> list[ProductLook]:
    looks = _small_gallery()
    photos = loaded.images([render_product(look, 100 + i) for i, look in enumerate(looks)])
    order = (loaded.texts([query]) @ photos.T)[0].argsort(descending=True).tolist()
    return [looks[i] for i in order]


def test_the_checkpoint_loads_through_open_clip_and_gives_unit_vectors(trained: Loaded) -> None:
    images = trained.images([render_product(ProductLook("mug", "red", "plain"), 0)])
    texts = trained.texts(["red mug", "a photo of a blue striped ceramic coffee mug"])
    assert images.shape == (1, 128)
    assert texts.shape == (2, 128)
    norms = torch.cat([images, texts]).norm(dim=1)
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5)


def test_red_mug_ranks_red_mugs_above_other_mugs_and_other_red_things(trained: Loaded) -> None:
    ranked = ranked_looks(trained, "red mug")
    assert (ranked[0].colour, ranked[0].object) == ("red", "mug")
    top = {(look.colour, look.object) for look in ranked[:3]}
    assert top == {("red", "mug")}, ranked[:3]


def test_blue_chair_finds_a_blue_chair(trained: Loaded, gallery: Gallery) -> None:
    scores = trained.texts(["blue chair"]) @ trained.images(gallery.images).T
    best = gallery.owners[int(scores.argmax())].look
    assert (best.colour, best.object) == ("blue", "chair")


def test_colour_and_object_words_both_steer_text_search(trained: Loaded, gallery: Gallery) -> None:
    assert colour_object_accuracy(trained, gallery) >= 0.8


def test_a_cropped_recompressed_photo_finds_its_own_product(
    trained: Loaded, gallery: Gallery
) -> None:
    assert crop_to_product_accuracy(trained, gallery) >= 0.9


def test_an_untrained_model_fails_the_same_checks(untrained: Loaded, gallery: Gallery) -> None:
    assert colour_object_accuracy(untrained, gallery) < 0.2
    assert crop_to_product_accuracy(untrained, gallery) < 0.9
    ranked = ranked_looks(untrained, "red mug")
    assert {(look.colour, look.object) for look in ranked[:3]} != {("red", "mug")}


def test_trimmed_text_encoding_equals_open_clips_own(untrained: Loaded) -> None:
    texts = ["red mug", "a photo of a blue striped ceramic coffee mug", "mug " * 40]
    tokens = untrained.tokenizer(texts)
    with torch.no_grad():
        full = untrained.model.encode_text(tokens, normalize=True)
        trimmed = encode_text_trimmed(untrained.model, tokens)
    assert torch.allclose(full, trimmed, atol=1e-6)


def test_the_training_script_writes_a_checkpoint_open_clip_loads(tmp_path: Path) -> None:
    out = tmp_path / "tiny.pt"
    script = REPO / "scripts" / "train_tiny_clip.py"
    subprocess.run(
        [sys.executable, str(script), str(out), "--seconds", "60", "--max-steps", "2"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert _load(str(out)).texts(["red mug"]).shape == (1, 128)
