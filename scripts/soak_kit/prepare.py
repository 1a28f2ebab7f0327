"""Everything the soak needs before the servers start: model, catalog, translation, staff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sesame.demo.catalog import generate_demo_catalog
from soak_kit.load import Workload

REPO = Path(__file__).resolve().parents[2]
STAFF_SUPPLIERS = 4


def prepare(root: Path, *, products: int) -> tuple[dict[str, str], Workload]:
    catalog = root / "catalog"
    generate_demo_catalog(catalog, products=products, seed=3)
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(root / "data"),
        "SESAME_EMBEDDINGS__MODEL": "sesame-tiny",
        "SESAME_EMBEDDINGS__PRETRAINED": str(tiny_checkpoint()),
        # The soak is about load and faults, not rate limits: one address plays every client.
        "SESAME_LIMITS__ENABLED": "false",
    }
    _sesame(env, "ingest", str(catalog))
    _sesame(env, "models", "install", *map(str, tiny_packages(root / "packages")))
    rows = [json.loads(line) for line in (catalog / "products.jsonl").read_text().splitlines()]
    suppliers = sorted({row["supplier_id"] for row in rows})[:STAFF_SUPPLIERS]
    for supplier in suppliers:
        _sesame(env, "accounts", "create", "--name", "Staff", "--language", "zh",
                "--supplier", supplier)  # fmt: skip
    photos = sorted((catalog / "images").glob("*.jpg"))
    queries = [row["title"] for row in rows[:40]]
    return env, Workload(servers={}, photos=photos, queries=queries, supplier_ids=suppliers)


def tiny_checkpoint() -> Path:
    """The tests' trained tiny CLIP if it is cached, else trained now (about two minutes)."""
    cached = sorted((REPO / ".cache" / "test-models").glob("sesame-tiny-*-450.pt"))
    if cached:
        return cached[-1]
    from sesame_dev.tiny_clip.trainer import train_tiny_clip

    return train_tiny_clip(REPO / ".cache" / "soak" / "sesame-tiny.pt", seconds=900, max_steps=450)


def tiny_packages(folder: Path) -> list[Path]:
    from sesame_dev.tiny_argos.build import build_tiny_package

    cache = REPO / ".cache" / "tiny-argos"
    pairs = ("es-en", "en-es", "zh-en", "en-zh")
    return [build_tiny_package(pair, folder, cache_dir=cache) for pair in pairs]


def _sesame(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "sesame", *args], env=env, check=True, capture_output=True
    )
