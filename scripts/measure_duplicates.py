"""Measure photo similarities behind SESAME_SEARCH__DUPLICATE_THRESHOLD and MIN_SCORE_IMAGE.

For each demo product photo it prints how similar (cosine of image vectors) are: a copy of
the same photo re-encoded, resized and lightly cropped (what a second supplier listing the
same item uploads); the most similar photo of another product of the same category; and a
photo of another category. Run it with the weights you serve:

    .venv/bin/python scripts/measure_duplicates.py --model ViT-B-32 --pretrained laion2b_s34b_b79k
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from sesame.demo.catalog import generate_demo_catalog
from sesame.embeddings.clip import OpenClipEncoder


def _copy_of(image: Image.Image) -> Image.Image:
    """The same photo as another supplier would upload it: cropped, smaller, re-encoded."""
    w, h = image.size
    cropped = image.crop((w // 20, h // 20, w - w // 20, h - h // 20))
    small = cropped.resize((int(cropped.width * 0.7), int(cropped.height * 0.7)))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=60)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _quantiles(name: str, values: list[float]) -> None:
    q = np.quantile(np.array(values), [0.0, 0.05, 0.5, 0.95, 1.0])
    print(f"{name:<34} min {q[0]:.3f}  p5 {q[1]:.3f}  p50 {q[2]:.3f}  p95 {q[3]:.3f}  "
          f"max {q[4]:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ViT-B-32")
    parser.add_argument("--pretrained", required=True, help="open_clip tag or checkpoint file")
    parser.add_argument("--products", type=int, default=60)
    args = parser.parse_args()
    encoder = OpenClipEncoder.load(args.model, args.pretrained, allow_download=True)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        generate_demo_catalog(out, products=args.products, seed=11)
        lines = (out / "products.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        photos = [Image.open(out / r["images"][0]).convert("RGB") for r in records]
        categories = [r["category"] for r in records]
    originals = encoder.encode_images(photos)
    copies = encoder.encode_images([_copy_of(p) for p in photos])
    same = [float(originals[i] @ copies[i]) for i in range(len(photos))]
    cosine = originals @ originals.T
    np.fill_diagonal(cosine, -2.0)
    kin, other = [], []
    for i, category in enumerate(categories):
        peers = [j for j, c in enumerate(categories) if c == category and j != i]
        strangers = [j for j, c in enumerate(categories) if c != category]
        if peers:
            kin.append(float(cosine[i, peers].max()))
        if strangers:
            other.append(float(np.median(cosine[i, strangers])))
    print(f"{args.model} / {args.pretrained}, {len(photos)} demo photos")
    _quantiles("same photo (crop, 70 %, JPEG q60)", same)
    _quantiles("nearest other product, same kind", kin)
    _quantiles("median photo of another kind", other)


if __name__ == "__main__":
    main()
