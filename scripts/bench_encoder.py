"""Encoder speed on this CPU, old path and new side by side, ViT-B-32 and the test model.

Rows per model: ``torch, whole context`` (the old path: open_clip's own ``encode_text``
over 77 tokens), ``torch`` (the reference runtime, text cut at the end-of-text token) and
``onnx`` (ONNX Runtime, the default). Each row gives images/s and texts/s in batches,
single-item latency, and the largest cosine distance of its vectors to the old path's.
Speed does not depend on the weights, so ViT-B-32 runs with random weights (saved to a
checkpoint file and loaded through Sesame's real loader); the test model is the one
``scripts/train_tiny_clip.py`` trains.

    python scripts/bench_encoder.py --tiny .cache/test-models/sesame-tiny-*.pt --threads 2
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
import open_clip
import torch
from numpy.typing import NDArray
from PIL import Image

from sesame.embeddings.base import Encoder
from sesame.embeddings.clip import OpenClipEncoder, create_model
from sesame.embeddings.onnx import OnnxEncoder, export_for
from sesame.embeddings.quantize import quantize_towers


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


class WholeContext:
    """The old path: open_clip's own towers, the text one over the whole 77-token context."""

    def __init__(self, arch: str, checkpoint: Path, dim: int) -> None:
        self.model, self.preprocess = create_model(arch, checkpoint)
        self.tokenizer, self.dim, self.model_id = open_clip.get_tokenizer(arch), dim, arch

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        pixels = torch.stack([self.preprocess(image.convert("RGB")) for image in images])
        with torch.inference_mode():
            out = self.model.encode_image(pixels, normalize=True)
        return np.asarray(out.numpy(), dtype=np.float32)

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        with torch.inference_mode():
            out = self.model.encode_text(self.tokenizer(list(texts)), normalize=True)
        return np.asarray(out.numpy(), dtype=np.float32)


def bench(name: str, encoder: Encoder, batch: int, repeats: int,
          baseline: tuple[NDArray[np.float32], NDArray[np.float32]]) -> str:  # fmt: skip
    images = photos(batch)
    texts = [f"red striped ceramic mug number {i}" for i in range(batch)]
    image_rate = per_second(lambda: encoder.encode_images(images), batch, repeats)
    text_rate = per_second(lambda: encoder.encode_texts(texts), batch, repeats)
    one_image = latency_ms(lambda: encoder.encode_images(images[:1]), repeats * 4)
    one_text = latency_ms(lambda: encoder.encode_texts(texts[:1]), repeats * 4)
    gap = max(_distance(encoder.encode_images(images[:8]), baseline[0]),
              _distance(encoder.encode_texts(texts[:8]), baseline[1]))  # fmt: skip
    return (
        f"| {name} | {image_rate:.1f} | {text_rate:.1f} | "
        f"{one_image[0]:.1f} / {one_image[1]:.1f} | {one_text[0]:.1f} / {one_text[1]:.1f} "
        f"| {gap:.1e} |"
    )


def _distance(a: NDArray[np.float32], b: NDArray[np.float32]) -> float:
    return float((1 - (a * b).sum(axis=1)).max())


def runtimes(arch: str, checkpoint: Path, args: argparse.Namespace,
             onnx_dir: Path) -> list[tuple[str, Encoder]]:  # fmt: skip
    reference = OpenClipEncoder.load(arch, str(checkpoint), batch_size=args.batch,
                                     torch_threads=args.threads)  # fmt: skip
    onnx = OnnxEncoder.load(arch, str(checkpoint), onnx_dir=onnx_dir, batch_size=args.batch,
                            threads=args.threads)  # fmt: skip
    old = WholeContext(arch, checkpoint, reference.dim)
    exported, model_id = export_for(arch, str(checkpoint), onnx_dir=onnx_dir)
    quantize_towers(exported.folder)  # speed only: int8 *accuracy* is `sesame models quantize`
    int8 = OnnxEncoder(exported, open_clip.get_tokenizer(arch), model_id=model_id,
                       batch_size=args.batch, threads=args.threads, int8=True)  # fmt: skip
    return [("torch, whole context (old)", old), ("torch", reference),
            ("onnx fp32", onnx), ("onnx int8", int8)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tiny", type=Path, help="checkpoint of the sesame-tiny test model")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    print(f"torch {torch.__version__}, onnxruntime {ort.__version__}, {args.threads} threads, "
          f"batch {args.batch}, 640x480 photos")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        models = [("ViT-B-32 (random weights)", "ViT-B-32",
                   random_checkpoint("ViT-B-32", Path(tmp)))]  # fmt: skip
        if args.tiny:
            models.append(("sesame-tiny (test model)", "sesame-tiny", args.tiny))
        for label, arch, checkpoint in models:
            print(f"\n{label}\n")
            print("| runtime | images/s (batch) | texts/s (batch) | 1 image ms p50 / p99 "
                  "| 1 text ms p50 / p99 | max cosine distance to old |")  # fmt: skip
            print("| --- | --- | --- | --- | --- | --- |")
            found = runtimes(arch, checkpoint, args, Path(tmp) / "onnx")
            old = found[0][1]
            texts = [f"red striped ceramic mug number {i}" for i in range(8)]
            baseline = (old.encode_images(photos(8)), old.encode_texts(texts))
            for name, encoder in found:
                print(bench(name, encoder, args.batch, args.repeats, baseline), flush=True)


if __name__ == "__main__":
    main()
