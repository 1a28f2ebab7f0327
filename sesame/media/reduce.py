"""Decode only what the model needs: JPEG DCT scaling and box reduction.

The encoder looks at 224 pixels; a 12 MP phone photo decoded in full is 36 MB
of RGB, and a 16-bit PNG twice that. JPEGs are decoded at 1/2, 1/4 or 1/8
scale when that still leaves the wanted side (Pillow's ``draft``), and every
image is box-reduced to it before any conversion allocates a copy.
"""

from __future__ import annotations

import math

from PIL import Image

# Modes Pillow resizes correctly; palette and 1-bit images are converted first (small ones).
_CONVERT_FIRST = {"P": "RGBA", "PA": "RGBA", "1": "L"}


def wanted_size(size: tuple[int, int], region: tuple[int, int], min_side: int) -> tuple[int, int]:
    """The smallest full-image size at which ``region`` (w, h) keeps ``min_side`` pixels."""
    scale = min(1.0, min_side / max(1, min(region)))
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def draft_jpeg(image: Image.Image, region: tuple[int, int], min_side: int) -> None:
    """Let the JPEG decoder skip detail the model cannot use (before ``load``)."""
    if image.format == "JPEG":
        image.draft("RGB", wanted_size(image.size, region, min_side))


def shrink(image: Image.Image, min_side: int) -> Image.Image:
    """``image`` box-reduced so its short side is about ``min_side`` (never enlarged)."""
    factor = min(image.size) / min_side
    if factor < 2:
        return image
    if image.mode in _CONVERT_FIRST:
        image = image.convert(_CONVERT_FIRST[image.mode])
    width, height = image.size
    target = (max(1, round(width / factor)), max(1, round(height / factor)))
    return image.resize(target, Image.Resampling.BOX)
