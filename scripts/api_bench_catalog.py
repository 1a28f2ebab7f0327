"""The synthetic catalog bench_api.py searches: suppliers, products, one shared photo,
and one photo and one description vector per product, written straight to SQLite."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import insert

from sesame.catalog.db import make_engine, migrate
from sesame.catalog.models import Embedding, Product, ProductImage, Supplier
from sesame.catalog.repository import vector_to_bytes
from sesame.core.currency import to_usd
from sesame.demo.render import ProductLook, render_product
from sesame.media.store import MediaStore

COUNTRIES = ["CN", "IN", "VN", "BR", "TR", "MX", "ID"]
OBJECTS = ["mug", "chair", "table legs", "lamp", "bag", "shoe", "bottle", "vase", "bowl", "clock"]
COLOURS = ["red", "blue", "green", "black", "white", "yellow", "brown", "pink"]
MATERIALS = ["iron", "ceramic", "steel", "wood", "glass", "leather", "cotton", "bamboo"]
DIM = 512


def structured_vectors(rng: np.random.Generator, n: int) -> NDArray[np.float32]:
    """Vectors with low intrinsic dimension, like real embeddings."""
    latent = rng.standard_normal((n, 32)).astype(np.float32)
    basis = np.random.default_rng(42).standard_normal((32, DIM)).astype(np.float32)
    vectors = latent @ basis + 0.1 * rng.standard_normal((n, DIM)).astype(np.float32)
    normalised: NDArray[np.float32] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def build_catalog(data: Path, products: int, model_id: str) -> None:
    engine = make_engine(f"sqlite:///{data / 'sesame.db'}")
    migrate(engine)
    rng = random.Random(1)
    nrng = np.random.default_rng(1)
    media = store_photo(data)
    suppliers = max(products // 100, 1)
    with engine.begin() as conn:
        conn.execute(insert(Supplier), [supplier_row(rng, i) for i in range(suppliers)])
    step = 5000
    for start in range(0, products, step):
        ids = range(start + 1, min(start + step, products) + 1)
        rows, images, embeddings = [], [], []
        vectors = structured_vectors(nrng, 2 * len(ids))
        for n, pid in enumerate(ids):
            rows.append(product_row(rng, pid, suppliers))
            images.append(image_row(pid, media))
            embeddings += embedding_rows(pid, model_id, vectors[2 * n], vectors[2 * n + 1])
        with engine.begin() as conn:
            conn.execute(insert(Product), rows)
            conn.execute(insert(ProductImage), images)
            conn.execute(insert(Embedding), embeddings)
    engine.dispose()


def store_photo(data: Path) -> str:
    """The one photo every product shares, in the media store; returns its path."""
    photo = io.BytesIO()
    render_product(ProductLook("mug", "red", "plain"), 1).save(photo, format="JPEG")
    return MediaStore(data / "media").put(photo.getvalue(), ".jpg")


def supplier_row(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "id": i + 1,
        "external_id": f"sup-{i:06d}",
        "name": f"Supplier {i}",
        "country": rng.choice(COUNTRIES),
        "city": "City",
        "languages": ["en"],
        "verified": rng.random() < 0.5,
        "rating": round(rng.uniform(3, 5), 1),
        "review_count": rng.randrange(0, 2000),
        "years_in_business": rng.randrange(1, 30),
        "response_rate": rng.random(),
        "content_hash": "bench",
    }


def product_row(rng: random.Random, pid: int, suppliers: int) -> dict[str, Any]:
    title = f"{rng.choice(COLOURS)} {rng.choice(MATERIALS)} {rng.choice(OBJECTS)}"
    low = round(rng.uniform(1, 100), 2)
    return {
        "id": pid,
        "external_id": f"prd-{pid:07d}",
        "supplier_id": rng.randrange(suppliers) + 1,
        "title": title.capitalize(),
        "description": f"{title}, OEM welcome.",
        "category": rng.choice(OBJECTS),
        "price_min": low,
        "price_max": low * 1.5,
        "currency": "USD",
        "price_min_usd": to_usd(low, "USD"),
        "price_max_usd": to_usd(low * 1.5, "USD"),
        "moq": rng.choice([10, 50, 100, 500, 1000]),
        "moq_unit": "pieces",
        "attributes": {},
        "content_hash": "bench",
    }


def image_row(pid: int, media: str) -> dict[str, Any]:
    return {
        "product_id": pid,
        "position": 0,
        "sha256": "bench",
        "path": media,
        "mime": "image/jpeg",
        "width": 256,
        "height": 256,
    }


def embedding_rows(
    pid: int, model_id: str, image: NDArray[np.float32], text: NDArray[np.float32]
) -> list[dict[str, Any]]:
    return [
        {
            "product_id": pid,
            "model_id": model_id,
            "kind": kind,
            "source_key": f"{kind}:{pid}",
            "vector": vector_to_bytes(vector),
        }
        for kind, vector in (("image", image), ("text", text))
    ]
