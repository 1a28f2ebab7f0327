"""Ingest throughput: photos per second through the real pipeline, per encoder runtime.

Renders a demo catalog with its photos enlarged to phone-upload size (1024x1024 JPEG by
default), then ingests it into a fresh data folder with ViT-B-32 (random weights: speed
does not depend on them) on each runtime in the same run: decode, encode every photo
and description, store the vectors, index them. Model loading and the one-off ONNX
export are not timed; everything `sesame ingest` does after start-up is.

    python scripts/bench_ingest.py --products 200 --runtimes torch onnx onnx-int8
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from bench_api import checkpoint
from int8_for_speed import bench_settings, int8_for_speed
from PIL import Image

from sesame.demo.catalog import generate_demo_catalog
from sesame.runtime.startup import open_runtime


def catalog(folder: Path, products: int, side: int) -> tuple[Path, int]:
    """The demo catalog for ``products``, its photos ``side`` px square; and its photo count."""
    out = folder / f"catalog-{products}-{side}"
    if not (out / "products.jsonl").exists():
        shutil.rmtree(out, ignore_errors=True)
        generate_demo_catalog(out, products=products)
        for path in (out / "images").glob("*.jpg"):
            with Image.open(path) as image:
                image.resize((side, side), Image.Resampling.BICUBIC).save(path, quality=85)
    return out, len(list((out / "images").glob("*.jpg")))


def ingest(folder: Path, ckpt: Path, runtime: str, source: Path, batch: int) -> float:
    """Seconds to ingest ``source`` into a fresh data folder on ``runtime``."""
    data = folder / f"run-{runtime}"
    shutil.rmtree(data, ignore_errors=True)
    settings = bench_settings(data, ckpt, runtime, onnx=folder / "onnx")  # one export for all
    if runtime.endswith("int8"):
        int8_for_speed(settings, folder)
    opened = open_runtime(settings)
    try:
        started = time.perf_counter()
        report = opened.ingestor(batch_size=batch).run(source)
        took = time.perf_counter() - started
    finally:
        opened.close()
    if report.errors or not report.products_embedded:
        raise SystemExit(f"{runtime}: ingest went wrong: {report}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--side", type=int, default=1024, help="photo side in pixels")
    parser.add_argument("--batch", type=int, default=32, help="products per write batch")
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-ingest"))
    parser.add_argument("--runtimes", nargs="+", default=["torch", "onnx", "onnx-int8"])
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    source, photos = catalog(args.data, args.products, args.side)
    ckpt = checkpoint(args.data)
    print(f"{args.products} products, {photos} photos of {args.side} px, {os.cpu_count()} cores")
    print("| runtime | seconds | photos/s | products/s |")
    print("| --- | --- | --- | --- |")
    for runtime in args.runtimes:
        took = ingest(args.data, ckpt, runtime, source, args.batch)
        print(f"| {runtime} | {took:.1f} | {photos / took:.1f} | {args.products / took:.1f} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
