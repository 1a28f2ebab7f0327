"""Exact titles come first with a real-size model too: ViT-B-32 with random weights,
saved as a checkpoint and loaded through open_clip's own loader, over a small catalog.
Random vectors are the worst case for fusion: two vector lists of noise against one
keyword list; the exact match must still be first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sesame.core.filters import Filters
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings
from tests.conftest import CACHE


@pytest.fixture(scope="session")
def random_vit_checkpoint() -> Path:
    """ViT-B-32's shape with seeded random weights (cached: about 600 MB)."""
    import open_clip
    import torch

    target = CACHE / "ViT-B-32-random-seed0.pt"
    if not target.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(0)
        model = open_clip.create_model("ViT-B-32", pretrained=None)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        torch.save(model.state_dict(), partial)
        partial.replace(target)
    return target


@pytest.fixture(scope="session")
def tiny_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sesame.demo.catalog import generate_demo_catalog

    out = tmp_path_factory.mktemp("tiny-catalog")
    generate_demo_catalog(out, products=24, seed=5)
    return out


def test_an_exact_title_comes_first_with_random_vit_b_32(
    tmp_path: Path, random_vit_checkpoint: Path, tiny_catalog: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        embeddings={"model": "ViT-B-32", "pretrained": str(random_vit_checkpoint)},
    )
    runtime = open_runtime(settings)
    try:
        assert not runtime.ingestor().run(tiny_catalog).errors
        text = (tiny_catalog / "products.jsonl").read_text(encoding="utf-8")
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        titles: dict[str, list[str]] = {}
        for line in lines:
            titles.setdefault(line["title"], []).append(line["id"])
        for title, products in list(titles.items())[:6]:
            result = runtime.search.search_text(title, filters=Filters(), limit=5)
            assert result.mode == "hybrid"
            first = result.groups[0].products[0]
            assert first.product.external_id in products, title
            assert first.exact
    finally:
        runtime.close()
