"""The knobs of a ``sesame-tiny`` training run."""

from __future__ import annotations

from dataclasses import dataclass

MODEL_NAME = "sesame-tiny"


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
