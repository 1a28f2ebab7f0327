"""The open_clip encoder on torch: images and texts to L2-normalised float32 vectors.

The reference runtime (``SESAME_EMBEDDINGS__RUNTIME=torch``); ONNX Runtime is the default
(``sesame.embeddings.onnx``). Both run the same towers (``sesame.embeddings.towers``).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import open_clip
import torch
from numpy.typing import NDArray
from PIL import Image

from sesame.core.errors import ModelUnavailable
from sesame.embeddings.batching import BatchedTowers
from sesame.embeddings.towers import ImageTower, TextTower, cut_tokens
from sesame.embeddings.weights import resolve_weights

logger = logging.getLogger(__name__)

MODEL_CONFIG_DIR = Path(__file__).parent / "model_configs"


class OpenClipEncoder(BatchedTowers):
    """An open_clip model in eval mode; concurrent calls run side by side (no lock)."""

    def __init__(
        self,
        model: Any,
        preprocess: Any,
        tokenizer: Any,
        *,
        model_id: str,
        batch_size: int = 32,
    ) -> None:
        self._image = ImageTower(model)
        self._text = TextTower(model)
        self._preprocess = preprocess
        self._tokenizer = tokenizer
        self._model_id = model_id
        self._batch_size = batch_size
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
        clip_model, preprocess = create_model(model, weights.path)
        logger.info("Loaded open_clip %s from %s", weights.model_id, weights.path)
        return cls(
            clip_model,
            preprocess,
            open_clip.get_tokenizer(model),
            model_id=weights.model_id,
            batch_size=batch_size,
        )

    def _image_batch(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        pixels = torch.stack([self._preprocess(image.convert("RGB")) for image in images])
        with torch.inference_mode():
            features = self._image(pixels)
        return np.asarray(features.float().numpy(), dtype=np.float32)

    def _text_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        tokens = cut_tokens(self._tokenizer(list(texts)), self._text.cut)
        with torch.inference_mode():
            features = self._text(tokens)
        return np.asarray(features.float().numpy(), dtype=np.float32)


# What a checkpoint that does not fit the architecture (or is not one) raises.
_LOAD_ERRORS = (RuntimeError, OSError, EOFError, KeyError, ValueError, pickle.UnpicklingError)


def create_model(model: str, path: Path) -> tuple[Any, Any]:
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
