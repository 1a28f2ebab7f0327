"""The open_clip encoder: images and texts to L2-normalised float32 vectors."""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import open_clip
import torch
from numpy.typing import NDArray
from PIL import Image

from sesame.core.errors import ModelUnavailable
from sesame.embeddings.weights import resolve_weights

logger = logging.getLogger(__name__)

MODEL_CONFIG_DIR = Path(__file__).parent / "model_configs"


class OpenClipEncoder:
    """An open_clip model in eval mode; one batch runs at a time."""

    def __init__(
        self,
        model: Any,
        preprocess: Any,
        tokenizer: Any,
        *,
        model_id: str,
        batch_size: int = 32,
    ) -> None:
        self._model = model
        self._preprocess = preprocess
        self._tokenizer = tokenizer
        self._model_id = model_id
        self._batch_size = batch_size
        self._lock = threading.Lock()
        # The output width, read off one real forward pass (works for every tower type).
        self._dim = int(self._text_batch(["dimension probe"]).shape[1])

    @classmethod
    def load(
        cls,
        model: str,
        pretrained: str,
        *,
        cache_dir: Path | None = None,
        allow_download: bool = False,
        batch_size: int = 32,
        torch_threads: int = 2,
    ) -> OpenClipEncoder:
        """Load weights through open_clip's own loader; raises ModelUnavailable."""
        open_clip.add_model_config(MODEL_CONFIG_DIR)
        weights = resolve_weights(
            model, pretrained, cache_dir=cache_dir, allow_download=allow_download
        )
        torch.set_num_threads(torch_threads)
        clip_model, preprocess = _create(model, weights.path)
        logger.info("Loaded open_clip %s from %s", weights.model_id, weights.path)
        return cls(
            clip_model,
            preprocess,
            open_clip.get_tokenizer(model),
            model_id=weights.model_id,
            batch_size=batch_size,
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        return self._batched(images, self._image_batch)

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._batched(texts, self._text_batch)

    def warm_up(self) -> None:
        """One tiny call of each tower, so the first user is not the slow one."""
        self.encode_texts(["warm-up"])
        self.encode_images([Image.new("RGB", (32, 32), "white")])

    def _batched(self, items: Sequence[Any], encode: Any) -> NDArray[np.float32]:
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            encode(items[start : start + self._batch_size])
            for start in range(0, len(items), self._batch_size)
        ]
        return _normalise(np.concatenate(parts))

    def _image_batch(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        pixels = torch.stack([self._preprocess(image.convert("RGB")) for image in images])
        with self._lock, torch.inference_mode():
            features = self._model.encode_image(pixels)
        return np.asarray(features.float().numpy(), dtype=np.float32)

    def _text_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        tokens = self._tokenizer(list(texts))
        with self._lock, torch.inference_mode():
            features = self._model.encode_text(tokens)
        return np.asarray(features.float().numpy(), dtype=np.float32)


# What a checkpoint that does not fit the architecture (or is not one) raises.
_LOAD_ERRORS = (RuntimeError, OSError, EOFError, KeyError, ValueError, pickle.UnpicklingError)


def _create(model: str, path: Path) -> tuple[Any, Any]:
    """The model in eval mode and its preprocessing, through open_clip's own loader."""
    try:
        clip_model, _, preprocess = open_clip.create_model_and_transforms(
            model, pretrained=str(path), device="cpu"
        )
    except _LOAD_ERRORS as exc:
        raise ModelUnavailable(
            f"The checkpoint {path} could not be loaded as an open_clip {model} "
            f"model ({type(exc).__name__}: {str(exc)[:200]}); check that "
            "SESAME_EMBEDDINGS__MODEL matches the checkpoint."
        ) from exc
    clip_model.eval()
    return clip_model, preprocess


def _normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
