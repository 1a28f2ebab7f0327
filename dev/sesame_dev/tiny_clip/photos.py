"""Training photos for ``sesame-tiny``: rendered looks, compressed, cropped and jittered."""

from __future__ import annotations

import io
import random

import numpy as np
import open_clip
import torch
from PIL import Image
from torchvision.transforms.v2 import functional as tvf

from sesame.demo.render import COLOURS, OBJECTS, PATTERNS, ProductLook, render_product
from sesame_dev.tiny_clip.config import TrainConfig


def random_look(rng: random.Random) -> ProductLook:
    return ProductLook(rng.choice(OBJECTS), rng.choice(COLOURS), rng.choice(PATTERNS))


def _jpeg(image: Image.Image, rng: random.Random) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(35, 95))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


class PhotoPool:
    """Rendered, JPEG-compressed photos as a uint8 tensor, refreshed a few at a time."""

    def __init__(self, cfg: TrainConfig, rng: random.Random) -> None:
        self._cfg, self._rng = cfg, rng
        self.looks = [random_look(rng) for _ in range(cfg.pool_size)]
        self.pixels = torch.stack([self._render(look) for look in self.looks])

    def _render(self, look: ProductLook) -> torch.Tensor:
        photo = render_product(look, self._rng.randrange(10**9), size=self._cfg.render_size)
        return torch.from_numpy(np.asarray(_jpeg(photo, self._rng)).copy()).permute(2, 0, 1)

    def refresh(self, count: int) -> None:
        for index in self._rng.sample(range(len(self.looks)), count):
            self.looks[index] = random_look(self._rng)
            self.pixels[index] = self._render(self.looks[index])


def _view(pixels: torch.Tensor, size: int, min_area: float, rng: random.Random) -> torch.Tensor:
    """A random resized crop (the buyer framing the product), maybe mirrored.

    ``min_area`` 1 gives the whole photo, as the catalog shows it.
    """
    full = pixels.shape[-1]
    area = rng.uniform(min_area, 1.0) * full * full
    aspect = 1.0 if min_area >= 1 else np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    h = min(full, round((area / aspect) ** 0.5))
    w = min(full, round((area * aspect) ** 0.5))
    top, left = rng.randint(0, full - h), rng.randint(0, full - w)
    view: torch.Tensor = tvf.resized_crop(pixels, top, left, h, w, [size, size], antialias=True)
    return view.flip(-1) if rng.random() < 0.5 else view


def _jitter(batch: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Small brightness, contrast and saturation changes; hue is kept, colour is a label."""
    n = batch.shape[0]

    def factor(spread: float) -> torch.Tensor:
        return 1 + (torch.rand(n, 1, 1, 1, generator=gen) * 2 - 1) * spread

    gray = batch.mean(dim=1, keepdim=True)
    batch = gray + (batch - gray) * factor(0.15)
    mean = batch.mean(dim=(1, 2, 3), keepdim=True)
    batch = mean + (batch - mean) * factor(0.15)
    return (batch * factor(0.15)).clamp(0, 1)


def training_views(pool: PhotoPool, picks: list[int], size: int, cfg: TrainConfig,
           rng: random.Random, gen: torch.Generator) -> torch.Tensor:  # fmt: skip
    """Two normalised views per picked photo: rows ``i`` and ``i + len(picks)``.

    The first view is sometimes the whole photo, so that crop-to-photo pairs, the
    photo search case, are common.
    """
    first = [1.0 if rng.random() < cfg.whole_photo_rate else cfg.min_crop_area for _ in picks]
    areas = first + [cfg.min_crop_area] * len(picks)
    crops = [_view(pool.pixels[i], size, a, rng) for i, a in zip(picks + picks, areas, strict=True)]
    batch = _jitter(torch.stack(crops).float() / 255, gen)
    mean = torch.tensor(open_clip.OPENAI_DATASET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(open_clip.OPENAI_DATASET_STD).view(1, 3, 1, 1)
    return (batch - mean) / std
