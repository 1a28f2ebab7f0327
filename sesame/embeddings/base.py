"""The encoder seam: images and texts in, L2-normalised float32 vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from PIL import Image


class Encoder(Protocol):
    """A joint image/text embedding model."""

    @property
    def model_id(self) -> str:
        """Identifies architecture and weights; stored beside every embedding."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        """Return an (n, dim) array of L2-normalised rows."""
        ...

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Return an (n, dim) array of L2-normalised rows."""
        ...
