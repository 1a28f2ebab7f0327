"""The open_clip towers on ONNX Runtime: the same vectors as torch, in about half the time.

The configured weights (a pretrained tag, a local file, the test model) are exported once
(``onnx_export``) and cached by their identity; later starts load only the two ONNX files,
the tokenizer and the preprocessing, never the torch model. Runs are thread-safe and hold
no lock: concurrent calls share the session's thread pool.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import onnxruntime as ort
import open_clip
import torch
from numpy.typing import NDArray
from open_clip.transform import PreprocessCfg, image_transform_v2
from PIL import Image

from sesame.core.errors import ModelUnavailable
from sesame.embeddings.batching import BatchedTowers
from sesame.embeddings.clip import MODEL_CONFIG_DIR, create_model
from sesame.embeddings.onnx_export import Exported, cached_export, export_key, export_towers
from sesame.embeddings.quantize import approved
from sesame.embeddings.towers import cut_tokens
from sesame.embeddings.weights import resolve_weights

logger = logging.getLogger(__name__)
Precision = Literal["auto", "fp32", "int8"]


class OnnxEncoder(BatchedTowers):
    def __init__(self, exported: Exported, tokenizer: Any, *, model_id: str,
                 batch_size: int = 32, threads: int = 2, int8: bool = False) -> None:  # fmt: skip
        self._exported = exported
        self.int8 = int8
        self._preprocess = image_transform_v2(PreprocessCfg(**exported.preprocess),
                                              is_train=False)  # fmt: skip
        self._tokenizer = tokenizer
        self._model_id = model_id
        self._batch_size = batch_size
        suffix = ".int8.onnx" if int8 else ".onnx"
        try:
            self._image = _session(exported.folder / f"image{suffix}", threads)
            self._text = _session(exported.folder / f"text{suffix}", threads)
        except Exception as exc:  # ONNX Runtime raises its own types for a damaged file
            raise ModelUnavailable(
                f"The ONNX export in {exported.folder} could not be loaded "
                f"({type(exc).__name__}: {str(exc)[:200]}); delete that folder and start "
                "again to export it anew."
            ) from exc
        self._dim = int(self._text_batch(["dimension probe"]).shape[1])

    @classmethod
    def load(cls, model: str, pretrained: str, *, onnx_dir: Path, cache_dir: Path | None = None,
             allow_download: bool = False, batch_size: int = 32, threads: int = 2,
             precision: Precision = "auto") -> OnnxEncoder:  # fmt: skip
        """Load the cached export of the weights, exporting it first if there is none.

        ``precision``: fp32; int8 (after ``sesame models quantize``); auto: int8 where the
        quantisation passed its agreement check on this deployment's catalog, else fp32.
        """
        exported, model_id = export_for(
            model, pretrained, onnx_dir=onnx_dir, cache_dir=cache_dir,
            allow_download=allow_download,
        )  # fmt: skip
        passed = approved(exported.folder)
        if precision == "int8" and not passed:
            raise ModelUnavailable(
                "SESAME_EMBEDDINGS__PRECISION=int8, but int8 has not passed its check for "
                "these weights: run `sesame models quantize`, or use fp32 or auto."
            )
        int8 = precision != "fp32" and passed
        logger.info("Loaded open_clip %s on ONNX Runtime (%s) from %s", model_id,
                    "int8" if int8 else "fp32", exported.folder)  # fmt: skip
        return cls(exported, open_clip.get_tokenizer(model), model_id=model_id,
                   batch_size=batch_size, threads=threads, int8=int8)  # fmt: skip

    def _image_batch(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        pixels = torch.stack([self._preprocess(image.convert("RGB")) for image in images])
        out = self._image.run(None, {"pixels": pixels.numpy()})[0]
        return np.asarray(out, dtype=np.float32)

    def _text_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        tokens = cut_tokens(self._tokenizer(list(texts)), self._exported.cut)
        out = self._text.run(None, {"tokens": tokens.numpy().astype(np.int64)})[0]
        return np.asarray(out, dtype=np.float32)


def export_for(model: str, pretrained: str, *, onnx_dir: Path, cache_dir: Path | None = None,
               allow_download: bool = False) -> tuple[Exported, str]:  # fmt: skip
    """The ONNX export of the configured weights (made now if missing), and their model id."""
    open_clip.add_model_config(MODEL_CONFIG_DIR)
    weights = resolve_weights(model, pretrained, cache_dir=cache_dir,
                              allow_download=allow_download)  # fmt: skip
    folder = onnx_dir / export_key(weights.model_id, weights.path)
    exported = cached_export(folder)
    if exported is None:
        logger.info("Exporting %s to ONNX (once, cached in %s)", weights.model_id, folder)
        torch_model, _ = create_model(model, weights.path)
        try:
            exported = export_towers(torch_model, folder)
        except Exception as exc:  # an architecture the exporter cannot trace
            raise ModelUnavailable(
                f"The model {model} could not be exported to ONNX ({type(exc).__name__}: "
                f"{str(exc)[:200]}); set SESAME_EMBEDDINGS__RUNTIME=torch to run it."
            ) from exc
    return exported, weights.model_id


def _session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # No spin-waiting between runs: spinning threads steal the cores from the requests,
    # the database and the other tower (the torch default made encoding 10x slower).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
