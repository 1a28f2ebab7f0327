"""int8 towers, switched on only when they retrieve what fp32 retrieves on the deployment's
own catalog.

Dynamic int8 quantisation (ONNX Runtime's ``quantize_dynamic``) makes the towers two to
three times faster, but a quantised ViT can lose accuracy on real weights, and how much
depends on the weights. So ``sesame models quantize`` writes the int8 files beside the
fp32 export, measures **top-10 agreement** on the catalog's own photos and titles (for
each query, the share of fp32's ten nearest catalog photos that int8's query vector also
ranks in its ten nearest, against the same fp32-encoded catalog), and records its
approval (``int8.json``) only when the mean agreement reaches the threshold (0.98).
``SESAME_EMBEDDINGS__PRECISION=auto`` (the default) then runs int8; without approval it
stays on fp32.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from sesame.embeddings.base import Encoder

logger = logging.getLogger(__name__)

APPROVAL = "int8.json"
MIN_AGREEMENT = 0.98
TOP_K = 10


@dataclass(frozen=True, slots=True)
class Agreement:
    images: float  # photo queries
    texts: float  # text queries
    queries: int
    gallery: int

    @property
    def overall(self) -> float:
        return min(self.images, self.texts)


# Only the matrix products: they are the towers' time (49 of them in a ViT-B-32, two
# thirds of an int8 image encoding). ONNX Runtime's int8 convolution is slower than its
# fp32 one on this CPU (the patch embedding: 6.4 against 2.5 ms a photo, ORT's profiler),
# and the token embedding lookup costs nothing either way, so both stay exact.
QUANTIZED_OPS = ("MatMul",)


def quantize_towers(folder: Path) -> None:
    """Write ``image.int8.onnx`` and ``text.int8.onnx`` beside the fp32 files."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    for tower in ("image", "text"):
        target = folder / f"{tower}.int8.onnx"
        partial = target.with_suffix(".partial")
        quantize_dynamic(folder / f"{tower}.onnx", partial, weight_type=QuantType.QInt8,
                         op_types_to_quantize=list(QUANTIZED_OPS))  # fmt: skip
        partial.replace(target)


def top_k_agreement(
    fp32: Encoder, int8: Encoder, photos: Sequence[Image.Image], texts: Sequence[str],
    *, k: int = TOP_K,
) -> Agreement:  # fmt: skip
    """Mean overlap of int8's and fp32's top-k over the fp32-encoded photos."""
    gallery = fp32.encode_images(photos)
    k = min(k, len(photos))
    image_share = _overlap(gallery, gallery, int8.encode_images(photos), k)
    text_share = _overlap(gallery, fp32.encode_texts(texts), int8.encode_texts(texts), k)
    return Agreement(image_share, text_share, len(photos) + len(texts), len(photos))


def _overlap(gallery: NDArray[np.float32], wanted: NDArray[np.float32],
             got: NDArray[np.float32], k: int) -> float:  # fmt: skip
    if len(wanted) == 0:
        return 1.0
    best = np.argsort(-(wanted @ gallery.T), axis=1)[:, :k]
    found = np.argsort(-(got @ gallery.T), axis=1)[:, :k]
    shares = [len(set(a) & set(b)) / k for a, b in zip(best, found, strict=True)]
    return float(np.mean(shares))


def approve(folder: Path, agreement: Agreement) -> None:
    (folder / APPROVAL).write_text(json.dumps({
        "images": agreement.images, "texts": agreement.texts, "queries": agreement.queries,
        "gallery": agreement.gallery, "threshold": MIN_AGREEMENT,
    }), encoding="utf-8")  # fmt: skip


def approved(folder: Path) -> bool:
    """Whether int8 passed the agreement check for this export (and its files are there)."""
    return (folder / APPROVAL).is_file() and all(
        (folder / f"{tower}.int8.onnx").is_file() for tower in ("image", "text")
    )
