"""Encoder throughput on this CPU: images/s and texts/s, ViT-B-32 and the test model.

Speed does not depend on the weights, so ViT-B-32 runs with random weights here
(saved to a checkpoint file and loaded through Sesame's real loader); the test
model is the one `scripts/train_tiny_clip.py` trains.

    python scripts/bench_encoder.py --tiny .cache/test-models/sesame-tiny-*.pt
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import open_clip
import torch
from PIL import Image

from sesame.embeddings.clip import OpenClipEncoder


def random_checkpoint(model: str, folder: Path) -> Path:
    path = folder / f"{model}-random.pt"
    if not path.exists():
        clip, _, _ = open_clip.create_model_and_transforms(model, pretrained=None)
        torch.save(clip.state_dict(), path)
    return path


def photos(n: int, size: int = 640) -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [
        Image.fromarray(rng.integers(0, 255, (size, size * 3 // 4, 3), dtype=np.uint8))
        for _ in range(n)
    ]


def per_second(func: Callable[[], object], items: int, repeats: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return items / statistics.median(times)


def latency_ms(func: Callable[[], object], repeats: int) -> tuple[float, float]:
    func()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * (len(samples) - 1))]


def bench(name: str, encoder: OpenClipEncoder, batch: int, repeats: int) -> str:
    images = photos(batch)
    texts = [f"red striped ceramic mug number {i}" for i in range(batch)]
    image_rate = per_second(lambda: encoder.encode_images(images), batch, repeats)
    text_rate = per_second(lambda: encoder.encode_texts(texts), batch, repeats)
    one_image = latency_ms(lambda: encoder.encode_images(images[:1]), repeats * 4)
    one_text = latency_ms(lambda: encoder.encode_texts(texts[:1]), repeats * 4)
    return (
        f"| {name} | {encoder.dim} | {image_rate:.1f} | {text_rate:.1f} | "
        f"{one_image[0]:.1f} / {one_image[1]:.1f} | {one_text[0]:.1f} / {one_text[1]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tiny", type=Path, help="checkpoint of the sesame-tiny test model")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {args.threads} threads, batch {args.batch}, 640x480 photos")
    print(
        "| model | dim | images/s (batch) | texts/s (batch) "
        "| 1 image ms p50 / p99 | 1 text ms p50 / p99 |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        models = [
            ("ViT-B-32 (random weights)", "ViT-B-32", random_checkpoint("ViT-B-32", Path(tmp)))
        ]
        if args.tiny:
            models.append(("sesame-tiny (test model)", "sesame-tiny", args.tiny))
        for label, arch, checkpoint in models:
            encoder = OpenClipEncoder.load(
                arch, str(checkpoint), batch_size=args.batch, torch_threads=args.threads
            )
            print(bench(label, encoder, args.batch, args.repeats), flush=True)


if __name__ == "__main__":
    main()
