"""API latency over HTTP: text and image search on a synthetic 100k-product catalog.

Builds a catalog database (suppliers, products, one photo and one description
vector per product, 512-d, for a ViT-B-32 with random weights saved as a local
checkpoint: speed does not depend on the weights), starts `sesame serve` in a
subprocess, and measures search latency with concurrent HTTP clients.

    python scripts/bench_api.py --products 100000 --requests 300 --concurrency 1 4
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import open_clip
import torch
from numpy.typing import NDArray
from sqlalchemy import insert

from catalog.currency import to_usd
from catalog.db import make_engine, migrate
from catalog.models import Embedding, Product, ProductImage, Supplier
from catalog.repository import vector_to_bytes
from embeddings.weights import resolve_weights
from sesame.demo.render import ProductLook, render_product
from sesame.media import MediaStore

COUNTRIES = ["CN", "IN", "VN", "BR", "TR", "MX", "ID"]
OBJECTS = ["mug", "chair", "table legs", "lamp", "bag", "shoe", "bottle", "vase", "bowl", "clock"]
COLOURS = ["red", "blue", "green", "black", "white", "yellow", "brown", "pink"]
MATERIALS = ["iron", "ceramic", "steel", "wood", "glass", "leather", "cotton", "bamboo"]
QUERIES = [
    "red ceramic mug",
    "wrought iron table legs",
    "blue leather bag",
    "bamboo lamp",
    "black steel chair",
    "white glass vase",
    "pink cotton shoe",
    "brown wood bowl",
]
DIM = 512


def checkpoint(folder: Path) -> Path:
    path = folder / "ViT-B-32-random.pt"
    if not path.exists():
        model, _, _ = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
        torch.save(model.state_dict(), path)
    return path


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
    photo = io.BytesIO()
    render_product(ProductLook("mug", "red", "plain"), 1).save(photo, format="JPEG")
    media = MediaStore(data / "media").put(photo.getvalue(), ".jpg")
    suppliers = max(products // 100, 1)
    with engine.begin() as conn:
        conn.execute(
            insert(Supplier),
            [
                {
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
                for i in range(suppliers)
            ],
        )
    step = 5000
    for start in range(0, products, step):
        ids = range(start + 1, min(start + step, products) + 1)
        rows, images, embeddings = [], [], []
        vectors = structured_vectors(nrng, 2 * len(ids))
        for n, pid in enumerate(ids):
            title = f"{rng.choice(COLOURS)} {rng.choice(MATERIALS)} {rng.choice(OBJECTS)}"
            low = round(rng.uniform(1, 100), 2)
            rows.append(
                {
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
            )
            images.append(
                {
                    "product_id": pid,
                    "position": 0,
                    "sha256": "bench",
                    "path": media,
                    "mime": "image/jpeg",
                    "width": 256,
                    "height": 256,
                }
            )
            for kind, vector in (("image", vectors[2 * n]), ("text", vectors[2 * n + 1])):
                embeddings.append(
                    {
                        "product_id": pid,
                        "model_id": model_id,
                        "kind": kind,
                        "source_key": f"{kind}:{pid}",
                        "vector": vector_to_bytes(vector),
                    }
                )
        with engine.begin() as conn:
            conn.execute(insert(Product), rows)
            conn.execute(insert(ProductImage), images)
            conn.execute(insert(Embedding), embeddings)
    engine.dispose()


def upload_photo() -> bytes:
    image = render_product(ProductLook("mug", "red", "striped"), 7).resize((1024, 1024))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def measure(
    base: str, kind: str, requests: int, concurrency: int
) -> tuple[float, float, float]:
    photo = upload_photo()
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            if kind == "text":
                response = await client.post(
                    "/v1/search/text", json={"query": QUERIES[i % len(QUERIES)]}
                )
            else:
                response = await client.post(
                    "/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")}
                )
            response.raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(5):  # warm-up
            await client.post("/v1/search/text", json={"query": "warm up"})
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return (
        statistics.median(latencies),
        latencies[int(0.99 * (len(latencies) - 1))],
        requests / elapsed,
    )


def serve(data: Path, ckpt: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": "ViT-B-32",
        "SESAME_EMBEDDINGS__PRETRAINED": str(ckpt),
        "SESAME_API__PORT": str(port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "sesame", "serve", "--no-demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(
                f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-api"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    data = args.data / f"{args.products}"
    data.mkdir(parents=True, exist_ok=True)
    ckpt = checkpoint(args.data)
    model_id = resolve_weights("ViT-B-32", str(ckpt)).model_id
    if not (data / "sesame.db").exists():
        started = time.perf_counter()
        build_catalog(data, args.products, model_id)
        print(f"built a {args.products}-product catalog in {time.perf_counter() - started:.0f} s")
    base = f"http://127.0.0.1:{args.port}"
    process = serve(data, ckpt, args.port)
    try:
        print(
            f"server ready in {wait_ready(base, process, 1800):.0f} s (includes index build/load)"
        )
        print(f"{args.products} products, {os.cpu_count()} cores")
        print("| search | clients | p50 ms | p99 ms | req/s |")
        print("| --- | --- | --- | --- | --- |")
        for kind in ("text", "image"):
            for concurrency in args.concurrency:
                p50, p99, rate = asyncio.run(measure(base, kind, args.requests, concurrency))
                print(
                    f"| {kind} | {concurrency} | {p50:.1f} | {p99:.1f} | {rate:.1f} |", flush=True
                )
    finally:
        process.terminate()
        process.wait(timeout=60)


if __name__ == "__main__":
    main()
