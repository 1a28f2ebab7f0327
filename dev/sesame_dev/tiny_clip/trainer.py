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
import logging
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import open_clip
import torch
from torch.nn import functional as nnf

from sesame.demo import catalog, render
from sesame.demo.render import ProductLook
from sesame.embeddings import towers
from sesame.embeddings.clip import MODEL_CONFIG_DIR
from sesame.embeddings.towers import TextTower, cut_tokens
from sesame_dev.threads import torch_threads
from sesame_dev.tiny_clip.captions import caption, caption_bank
from sesame_dev.tiny_clip.config import MODEL_NAME, TrainConfig
from sesame_dev.tiny_clip.photos import PhotoPool, training_views

logger = logging.getLogger(__name__)

__all__ = ["MODEL_NAME", "TrainConfig", "encode_text_trimmed", "register_model_configs",
           "train_tiny_clip", "training_fingerprint"]  # fmt: skip


def register_model_configs() -> None:
    """Make ``sesame-tiny`` known to open_clip (idempotent)."""
    if MODEL_NAME not in open_clip.list_models():
        open_clip.add_model_config(MODEL_CONFIG_DIR)


def training_fingerprint() -> str:
    """A short hash of the code and config a checkpoint is trained from, for cache keys."""
    sources = (
        *sorted(Path(__file__).parent.glob("*.py")),
        MODEL_CONFIG_DIR / f"{MODEL_NAME}.json",
        Path(render.__file__),
        Path(catalog.__file__),  # captions use its material words
        Path(towers.__file__),  # the text tower it trains through
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


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
    """``model.encode_text(tokens, normalize=True)``, cut to the longest caption's length
    (the product's own text tower: exact under the causal mask, 2-3x cheaper here)."""
    return TextTower(model)(cut_tokens(tokens, True))  # type: ignore[no-any-return]


def _thread_count(requested: int | None) -> int:
    """At most two threads, and one when other processes keep the cores busy.

    Two OpenMP threads run several times slower than one when another process
    holds one of their cores, so a busy machine gets one.
    """
    if requested is not None:
        return max(1, min(requested, 2))
    free = (os.cpu_count() or 1) - os.getloadavg()[0]
    return 2 if free >= 1.5 else 1


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
        self.pool = PhotoPool(cfg, self.rng)
        self.bank = caption_bank()
        self.bank_tokens = self.tokenizer([c.text for c in self.bank])
        self.steps = 0

    def _batch(
        self, picks: list[int]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        looks = [self.pool.looks[i] for i in picks]
        captions = [caption(look, self.rng) for look in looks]
        fits = torch.tensor([[c.fits(look) for c in captions] for look in looks])
        same = torch.tensor([[a == b for b in looks] for a in looks])
        views = training_views(self.pool, picks, self.image_size, self.cfg, self.rng, self.gen)
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
    with torch_threads(threads):
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
