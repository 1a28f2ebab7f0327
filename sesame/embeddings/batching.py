"""What both encoder runtimes share: batching, normalising, warming up."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from sesame.embeddings.base import Encoder

Item = TypeVar("Item")


def batched(items: Sequence[Item], size: int,
            encode: Callable[[Sequence[Item]], NDArray[np.float32]], dim: int,
            ) -> NDArray[np.float32]:  # fmt: skip
    """``encode`` over batches of at most ``size`` items, as one array of unit rows."""
    if not items:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [encode(items[start : start + size]) for start in range(0, len(items), size)]
    return normalise(np.concatenate(parts))


def normalise(vectors: NDArray[Any]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def warm_up(encoder: Encoder) -> None:
    """One tiny call of each tower, so the first user is not the slow one."""
    encoder.encode_texts(["warm-up"])
    encoder.encode_images([Image.new("RGB", (32, 32), "white")])


class BatchedTowers(ABC):
    """An encoder from two batch functions: batching, normalising and the interface."""

    _model_id: str
    _batch_size: int
    _dim: int

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        return batched(images, self._batch_size, self._image_batch, self.dim)

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return batched(texts, self._batch_size, self._text_batch, self.dim)

    def warm_up(self) -> None:
        warm_up(self)

    @abstractmethod
    def _image_batch(self, images: Sequence[Image.Image]) -> NDArray[np.float32]: ...

    @abstractmethod
    def _text_batch(self, texts: Sequence[str]) -> NDArray[np.float32]: ...
