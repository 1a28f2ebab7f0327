"""``sesame-tiny``: a small open_clip model trained in under two minutes on synthetic photos.

Tests and offline demos use it instead of downloaded weights. Training is
contrastive, on photos drawn on the fly by :mod:`sesame.demo.render`:

- CLIP loss against the batch's captions, every caption that fits a photo
  counting as a positive ("red mug" fits a red striped mug);
- the same, image to text, against a bank of short canonical captions of all
  looks (a full softmax converges much faster than in-batch negatives alone);
- an instance term: two augmented views of one photo (crops, mirror, colour
  jitter, JPEG) match, so a buyer's cropped photo finds the catalog photo.

The result is a plain ``state_dict`` that
``open_clip.create_model_and_transforms("sesame-tiny", pretrained=path)`` loads
after :func:`register_model_configs`.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import open_clip
import torch
from PIL import Image
from torch.nn import functional as nnf
from torchvision.transforms.v2 import functional as tvf

from sesame.demo import catalog, render
from sesame.demo.catalog import MATERIALS
from sesame.demo.render import COLOURS, OBJECTS, PATTERNS, ProductLook, render_product

logger = logging.getLogger(__name__)

MODEL_NAME = "sesame-tiny"
MODEL_CONFIG_DIR = Path(__file__).parent / "model_configs"

_MEAN = torch.tensor(open_clip.OPENAI_DATASET_MEAN).view(1, 3, 1, 1)
_STD = torch.tensor(open_clip.OPENAI_DATASET_STD).view(1, 3, 1, 1)


def register_model_configs() -> None:
    """Make ``sesame-tiny`` known to open_clip (idempotent)."""
    if MODEL_NAME not in open_clip.list_models():
        open_clip.add_model_config(MODEL_CONFIG_DIR)


def training_fingerprint() -> str:
    """A short hash of the code and config a checkpoint is trained from, for cache keys."""
    sources = (
        Path(__file__),
        MODEL_CONFIG_DIR / f"{MODEL_NAME}.json",
        Path(render.__file__),
        Path(catalog.__file__),  # captions use its material words
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Knobs of a training run; defaults are what the tests train with."""

    model_name: str = MODEL_NAME
    batch_size: int = 64  # photos per step; each gives two views and one caption
    pool_size: int = 600  # rendered photos kept in memory
    refresh_per_step: int = 6  # pool photos replaced by fresh renders each step
    render_size: int = 128
    lr: float = 4e-3
    warmup_steps: int = 15
    weight_decay: float = 0.05
    instance_weight: float = 1.0
    bank_weight: float = 1.0  # image-to-text loss against the canonical caption bank
    bank_negatives: int = 48  # full-look captions per step beyond the batch's own (-1: all)
    beta2: float = 0.98
    instance_temperature: float = 0.05
    min_crop_area: float = 0.45
    whole_photo_rate: float = 0.5
    threads: int | None = None  # None: 2 on an idle machine, else 1


# Caption vocabulary: synonyms a buyer might type for each attribute.
_OBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "mug": ("mug", "cup", "coffee mug"), "bottle": ("bottle", "water bottle"),
    "chair": ("chair",), "table": ("table", "coffee table"), "lamp": ("lamp", "table lamp"),
    "t-shirt": ("t-shirt", "tshirt", "tee", "shirt"), "bag": ("bag", "handbag", "tote bag"),
    "shoe": ("shoe", "shoes", "sneaker"), "umbrella": ("umbrella",),
    "clock": ("clock", "wall clock"), "vase": ("vase", "flower vase"), "bowl": ("bowl",),
}  # fmt: skip
_PATTERN_WORDS: dict[str, tuple[str, ...]] = {
    "plain": ("plain", "solid"), "striped": ("striped", "stripy"),
    "dotted": ("dotted", "polka dot", "spotted"),
}  # fmt: skip
_PATTERN_NOUNS = {"striped": ("stripes",), "dotted": ("dots", "polka dots")}
# (uses colour, uses object, uses pattern) -> (probability weight, templates)
_TEMPLATES: list[tuple[tuple[bool, bool, bool], float, tuple[str, ...]]] = [
    ((True, True, True), 0.4, ("{c} {p} {o}", "a {c} {p} {o}", "a photo of a {c} {p} {o}",
                               "{p} {c} {o}", "{c} {p} {m} {o}", "a {c} {m} {o}, {p}")),
    ((True, True, False), 0.28, ("{c} {o}", "a {c} {o}", "a photo of a {c} {o}", "{c} {m} {o}")),
    ((False, True, True), 0.12, ("{p} {o}", "a {p} {o}", "a photo of a {p} {o}")),
    ((False, True, False), 0.12, ("{o}", "a {o}", "a photo of a {o}", "{m} {o}")),
    ((True, False, False), 0.04, ("{c}", "something {c}")),
    ((True, False, True), 0.04, ("{c} {p}", "{c} and {p}")),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Caption:
    text: str
    look: ProductLook
    uses: tuple[bool, bool, bool]  # colour, object, pattern

    def fits(self, look: ProductLook) -> bool:
        checks = (look.colour == self.look.colour, look.object == self.look.object,
                  look.pattern == self.look.pattern)  # fmt: skip
        return all(ok for ok, used in zip(checks, self.uses, strict=True) if used)


def _caption(look: ProductLook, rng: random.Random) -> _Caption:
    """One random caption of ``look``, full or partial, as a buyer might type it."""
    weights = [w for _, w, _ in _TEMPLATES]
    uses, _, templates = rng.choices(_TEMPLATES, weights=weights)[0]
    template = rng.choice(templates)
    if "with" not in template and uses[2] and look.pattern != "plain" and rng.random() < 0.2:
        template = template.replace(" {p}", "") + " with {n}"
    text = template.format(
        c=look.colour, o=rng.choice(_OBJECT_WORDS[look.object]),
        p=rng.choice(_PATTERN_WORDS[look.pattern]),
        n=rng.choice(_PATTERN_NOUNS.get(look.pattern, ("",))),
        m=rng.choice(MATERIALS[look.object]),
    )  # fmt: skip
    return _Caption(" ".join(text.split()), look, uses)


def _caption_bank() -> list[_Caption]:
    """Short canonical captions of every look and every partial look, one each."""
    bank: dict[str, _Caption] = {}
    for colour, kind, pattern in itertools.product(COLOURS, OBJECTS, PATTERNS):
        look = ProductLook(kind, colour, pattern)
        for text, uses in (
            (f"{colour} {pattern} {kind}", (True, True, True)),
            (f"{colour} {kind}", (True, True, False)),
            (f"{pattern} {kind}", (False, True, True)),
            (kind, (False, True, False)),
            (colour, (True, False, False)),
        ):
            bank.setdefault(text, _Caption(text, look, uses))
    return list(bank.values())


def _random_look(rng: random.Random) -> ProductLook:
    return ProductLook(rng.choice(OBJECTS), rng.choice(COLOURS), rng.choice(PATTERNS))


def _jpeg(image: Image.Image, rng: random.Random) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(35, 95))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


class _PhotoPool:
    """Rendered, JPEG-compressed photos as a uint8 tensor, refreshed a few at a time."""

    def __init__(self, cfg: TrainConfig, rng: random.Random) -> None:
        self._cfg, self._rng = cfg, rng
        self.looks = [_random_look(rng) for _ in range(cfg.pool_size)]
        self.pixels = torch.stack([self._render(look) for look in self.looks])

    def _render(self, look: ProductLook) -> torch.Tensor:
        photo = render_product(look, self._rng.randrange(10**9), size=self._cfg.render_size)
        return torch.from_numpy(np.asarray(_jpeg(photo, self._rng)).copy()).permute(2, 0, 1)

    def refresh(self, count: int) -> None:
        for index in self._rng.sample(range(len(self.looks)), count):
            self.looks[index] = _random_look(self._rng)
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


def _views(pool: _PhotoPool, picks: list[int], size: int, cfg: TrainConfig,
           rng: random.Random, gen: torch.Generator) -> torch.Tensor:  # fmt: skip
    """Two normalised views per picked photo: rows ``i`` and ``i + len(picks)``.

    The first view is sometimes the whole photo, so that crop-to-photo pairs, the
    photo search case, are common.
    """
    first = [1.0 if rng.random() < cfg.whole_photo_rate else cfg.min_crop_area for _ in picks]
    areas = first + [cfg.min_crop_area] * len(picks)
    crops = [_view(pool.pixels[i], size, a, rng) for i, a in zip(picks + picks, areas, strict=True)]
    batch = _jitter(torch.stack(crops).float() / 255, gen)
    return (batch - _MEAN) / _STD


def _soft_cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    targets = targets / targets.sum(dim=1, keepdim=True)
    return -(targets * nnf.log_softmax(logits, dim=1)).sum(dim=1).mean()


def _clip_loss(image: torch.Tensor, text: torch.Tensor, fits: torch.Tensor,
               scale: torch.Tensor) -> torch.Tensor:  # fmt: skip
    """CLIP loss where every caption that fits an image is a positive for it."""
    logits = scale * image @ text.T
    return (_soft_cross_entropy(logits, fits) + _soft_cross_entropy(logits.T, fits.T)) / 2


def _instance_loss(
    views: torch.Tensor, same_look: torch.Tensor, temperature: float
) -> torch.Tensor:
    """SimCLR: each view's partner is its positive; other photos of the same look are ignored."""
    n = views.shape[0] // 2
    partner = torch.arange(2 * n).roll(n)
    logits = views @ views.T / temperature
    ignore = same_look.repeat(2, 2) | torch.eye(2 * n, dtype=torch.bool)
    ignore[torch.arange(2 * n), partner] = False
    return nnf.cross_entropy(logits.masked_fill(ignore, float("-inf")), partner)


def encode_text_trimmed(model: Any, tokens: torch.Tensor) -> torch.Tensor:
    """``model.encode_text(tokens, normalize=True)``, cut to the longest caption's length.

    The text tower is causal and pools at the end token, so padding after it cannot
    change the result; skipping it makes short training captions 2-3x cheaper.
    """
    length = int((tokens != 0).sum(dim=1).max())
    tokens = tokens[:, :length]
    x = model.token_embedding(tokens) + model.positional_embedding[:length]
    x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
    x = model.ln_final(x)
    x = x[torch.arange(x.shape[0]), tokens.argmax(dim=-1)] @ model.text_projection
    return nnf.normalize(x, dim=-1)


def _thread_count(requested: int | None) -> int:
    """At most two threads, and one when other processes keep the cores busy.

    Two OpenMP threads run several times slower than one when another process
    holds one of their cores, so a busy machine gets one.
    """
    if requested is not None:
        return max(1, min(requested, 2))
    free = (os.cpu_count() or 1) - os.getloadavg()[0]
    return 2 if free >= 1.5 else 1


@contextmanager
def _torch_threads(threads: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _lr_factor(step: int, progress: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay over the run's progress (0 to 1)."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + float(np.cos(np.pi * min(1.0, progress))))


class _Trainer:
    """One model, its optimiser and its data; :meth:`step` runs one batch."""

    def __init__(self, cfg: TrainConfig, seed: int) -> None:
        torch.manual_seed(seed)
        self.cfg, self.rng = cfg, random.Random(seed)
        self.gen = torch.Generator().manual_seed(seed)
        register_model_configs()
        # channels_last makes oneDNN convolutions ~1.5x faster on CPU.
        self.model: Any = open_clip.create_model(cfg.model_name).to(
            memory_format=torch.channels_last
        )
        self.tokenizer = open_clip.get_tokenizer(cfg.model_name)
        size = self.model.visual.image_size
        self.image_size = int(size if isinstance(size, int) else size[0])
        # Random fixed token vectors are distinct enough; skipping the 49408-row table is faster.
        self.model.token_embedding.requires_grad_(False)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(
            trainable, lr=cfg.lr, betas=(0.9, cfg.beta2), weight_decay=cfg.weight_decay
        )
        self.pool = _PhotoPool(cfg, self.rng)
        self.bank = _caption_bank()
        self.bank_tokens = self.tokenizer([c.text for c in self.bank])
        self.steps = 0

    def _batch(
        self, picks: list[int]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        looks = [self.pool.looks[i] for i in picks]
        captions = [_caption(look, self.rng) for look in looks]
        fits = torch.tensor([[c.fits(look) for c in captions] for look in looks])
        same = torch.tensor([[a == b for b in looks] for a in looks])
        views = _views(self.pool, picks, self.image_size, self.cfg, self.rng, self.gen)
        views = views.contiguous(memory_format=torch.channels_last)
        return views, self.tokenizer([c.text for c in captions]), fits.float(), same

    def _bank_loss(
        self, image: torch.Tensor, picks: list[int], scale: torch.Tensor
    ) -> torch.Tensor:
        """Image-to-text loss against the whole caption bank: a full softmax, not in-batch."""
        looks = [self.pool.looks[i] for i in picks]
        rows = self._bank_rows(set(looks))
        captions = [self.bank[i] for i in rows]
        fits = torch.tensor([[c.fits(look) for c in captions] for look in looks]).float()
        bank = encode_text_trimmed(self.model, self.bank_tokens[rows])
        return _soft_cross_entropy(scale * image @ bank.T, fits.repeat(2, 1))

    def _bank_rows(self, looks: set[ProductLook]) -> list[int]:
        """All partial captions, the batch's full captions and some other full ones."""
        if self.cfg.bank_negatives < 0:
            return list(range(len(self.bank)))
        keep = [i for i, c in enumerate(self.bank) if not all(c.uses) or c.look in looks]
        others = [i for i, c in enumerate(self.bank) if all(c.uses) and c.look not in looks]
        keep += self.rng.sample(others, min(len(others), self.cfg.bank_negatives))
        return sorted(keep)

    def step(self, progress: float) -> float:
        for group in self.optimizer.param_groups:
            group["lr"] = self.cfg.lr * _lr_factor(self.steps, progress, self.cfg.warmup_steps)
        picks = self.rng.sample(range(len(self.pool.looks)), self.cfg.batch_size)
        views, tokens, fits, same = self._batch(picks)
        image = self.model.encode_image(views, normalize=True)
        text = encode_text_trimmed(self.model, tokens)
        scale = self.model.logit_scale.exp().clamp(max=100)
        loss = _clip_loss(image, text, fits.repeat(2, 1), scale)
        if self.cfg.bank_weight:
            loss = loss + self.cfg.bank_weight * self._bank_loss(image, picks, scale)
        loss = loss + self.cfg.instance_weight * _instance_loss(
            image, same, self.cfg.instance_temperature
        )
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        self.optimizer.step()
        self.pool.refresh(self.cfg.refresh_per_step)
        self.steps += 1
        return float(loss.detach())


def train_tiny_clip(
    out: Path,
    *,
    seconds: float = 100.0,
    seed: int = 0,
    max_steps: int | None = None,
    config: TrainConfig | None = None,
) -> Path:
    """Train ``sesame-tiny`` for at most ``seconds`` (wall, all included); save its state_dict.

    With ``max_steps`` the learning-rate schedule follows steps (same seed, same
    model) and ``seconds`` is only a safety stop; without it the schedule follows
    the clock. Returns ``out``.
    """
    cfg = config or TrainConfig()
    start = time.monotonic()
    threads = _thread_count(cfg.threads)
    with _torch_threads(threads):
        trainer = _Trainer(cfg, seed)
        trainer.model.train()
        while max_steps is None or trainer.steps < max_steps:
            elapsed = (time.monotonic() - start) / seconds
            if elapsed >= 1.0:
                break
            progress = elapsed if max_steps is None else trainer.steps / max_steps
            loss = trainer.step(progress)
            if trainer.steps % 25 == 0:
                logger.info("step %d, %.0f s, loss %.3f", trainer.steps, elapsed * seconds, loss)
        out.parent.mkdir(parents=True, exist_ok=True)
        state = {key: value.contiguous() for key, value in trainer.model.state_dict().items()}
        torch.save(state, out)
    took = time.monotonic() - start
    logger.info("trained %d steps on %d threads in %.1f s -> %s", trainer.steps, threads, took, out)
    return out
