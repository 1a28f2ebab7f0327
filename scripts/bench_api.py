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
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import open_clip
import torch
from api_bench_catalog import build_catalog
from int8_for_speed import bench_settings, int8_for_speed, runtime_and_precision

from sesame.demo.render import ProductLook, render_product
from sesame.embeddings.weights import resolve_weights

# Random weights make every photo a weak match, and the default relevance floor would cut
# them all: no floor, so each answer is a full page (grouping, "also offered by" and all).
FULL = {"min_score": "-1"}
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
SEARCH_PARTS = {"database", "model", "index"}  # what /readyz calls the parts search needs


def checkpoint(folder: Path) -> Path:
    path = folder / "ViT-B-32-random.pt"
    if not path.exists():
        model, _, _ = open_clip.create_model_and_transforms("ViT-B-32", pretrained=None)
        torch.save(model.state_dict(), path)
    return path


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
                query = f"{QUERIES[i % len(QUERIES)]} {i}"  # unique: the query cache misses
                response = await client.post("/v1/search/text", json={"query": query, **FULL})
            else:
                response = await client.post(
                    "/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")}, data=FULL
                )
            response.raise_for_status()
            assert response.json()["results"], "an empty page measures nothing"
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


def serve(
    data: Path, ckpt: Path, port: int, runtime: str, keywords: str = "memory"
) -> subprocess.Popen[bytes]:
    engine, precision = runtime_and_precision(runtime)
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": "ViT-B-32",
        "SESAME_EMBEDDINGS__PRETRAINED": str(ckpt),
        "SESAME_EMBEDDINGS__RUNTIME": engine,
        "SESAME_EMBEDDINGS__PRECISION": precision,
        "SESAME_API__PORT": str(port),
        "SESAME_LIMITS__ENABLED": "false",  # one client address sends every request
        "SESAME_SEARCH__KEYWORD_MEMORY": str(keywords == "memory").lower(),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "sesame", "serve", "--no-demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log(data, runtime).open("wb"),  # a pipe would fill and block it
    )


def server_log(data: Path, runtime: str) -> Path:
    return data / f"server-{runtime}.log"


def wait_for_keywords(data: Path, runtime: str, timeout: float = 300) -> float:
    """Seconds until the in-memory keyword index is built (FTS5 answers until then)."""
    started = time.perf_counter()
    while "Keyword index:" not in server_log(data, runtime).read_text(errors="replace"):
        if time.perf_counter() - started > timeout:
            raise SystemExit("the keyword index was not built: see the server log")
        time.sleep(0.5)
    return time.perf_counter() - started


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float) -> float:
    """Seconds until no part is still loading (the app loads them in the background).

    Search needs the database, the model and the index: if one of them failed, stop.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit("the server exited: see server-<runtime>.log in the data folder")
        components = readiness(base)
        states = {name: part["state"] for name, part in (components or {}).items()}
        if components is not None and "loading" not in states.values():
            failed = {n: components[n].get("detail") for n, s in states.items() if s != "ready"}
            if failed.keys() & SEARCH_PARTS:
                raise SystemExit(f"server parts failed: {failed}")
            if failed:
                print(f"<!-- not ready (search does not need them): {failed} -->")
            return time.perf_counter() - started
        time.sleep(0.5)
    raise SystemExit("server did not become ready")


def readiness(base: str) -> dict[str, dict[str, Any]] | None:
    """The components of GET /readyz, or None while the server does not answer."""
    try:
        body = httpx.get(f"{base}/readyz", timeout=2).json()
    except (httpx.TransportError, ValueError):
        return None
    components: dict[str, dict[str, Any]] = body["components"]
    return components


def bench_catalog(folder: Path, products: int) -> tuple[Path, Path]:
    """The benchmark's data folder for ``products`` (built when missing) and its checkpoint."""
    data = folder / f"{products}"
    data.mkdir(parents=True, exist_ok=True)
    ckpt = checkpoint(folder)
    if not (data / "sesame.db").exists():
        started = time.perf_counter()
        build_catalog(data, products, resolve_weights("ViT-B-32", str(ckpt)).model_id)
        print(
            f"<!-- built a {products}-product catalog in {time.perf_counter() - started:.0f} s -->"
        )
    return data, ckpt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-api"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--runtimes",
        nargs="+",
        default=["torch", "onnx"],
        help="torch, onnx (fp32) and onnx-int8 (approved for speed only: int8_for_speed.py)",
    )
    parser.add_argument(
        "--keywords",
        nargs="+",
        default=["memory"],
        choices=["memory", "fts5"],
        help="text search's keyword side: the in-memory index (default), or FTS5's own bm25",
    )
    args = parser.parse_args()
    data, ckpt = bench_catalog(args.data, args.products)
    print(f"{args.products} products, {os.cpu_count()} cores")
    print("| runtime | search | clients | p50 ms | p99 ms | req/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for runtime in args.runtimes:
        if runtime.endswith("int8"):
            int8_for_speed(bench_settings(data, ckpt, runtime), data)
        for keywords in args.keywords:
            run(args, data, ckpt, runtime, keywords)


def run(args: argparse.Namespace, data: Path, ckpt: Path, runtime: str, keywords: str) -> None:
    """One server: text (and, with the default keyword engine, photo) search."""
    base = f"http://127.0.0.1:{args.port}"
    process = serve(data, ckpt, args.port, runtime, keywords)
    try:
        ready = wait_ready(base, process, 1800)
        print(f"<!-- {runtime}: ready in {ready:.0f} s (index load, ONNX export) -->")
        if keywords == "memory":
            print(f"<!-- keyword index built {wait_for_keywords(data, runtime):.0f} s later -->")
        label = runtime if keywords == "memory" else f"{runtime}, FTS5 keywords"
        for kind in ("text", "image") if keywords == "memory" else ("text",):
            for concurrency in args.concurrency:
                p50, p99, rate = asyncio.run(measure(base, kind, args.requests, concurrency))
                print(f"| {label} | {kind} | {concurrency} | {p50:.1f} | {p99:.1f} "
                      f"| {rate:.1f} |", flush=True)  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=60)


if __name__ == "__main__":
    main()
