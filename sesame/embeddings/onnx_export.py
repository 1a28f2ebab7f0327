"""Export an open_clip model's two towers to ONNX once, cached by the weights they came from.

It uses PyTorch's ``torch.export`` exporter with symbolic batch and text-length
dimensions: the older TorchScript exporter fixes the sequence length inside
``nn.MultiheadAttention`` at the traced example's (and refuses the fused attention path
under ``no_grad``), so a text tower cut at the end-of-text token would not load. The files are
written to a folder beside the cache and renamed into place, so a crash mid-export never
leaves a half-written model, and two processes exporting at once both end with whole files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from sesame.embeddings.towers import ImageTower, TextTower

logger = logging.getLogger(__name__)

EXPORT_VERSION = 1
OPSET = 18


@dataclass(frozen=True, slots=True)
class Exported:
    folder: Path
    cut: bool  # the text tower takes tokens cut at the end-of-text token
    preprocess: dict[str, Any]  # open_clip's PreprocessCfg of the model


def export_key(model_id: str, weights: Path) -> str:
    """The cache folder's name: the weights' identity (their digest for a local file, the
    tag and file size for a pretrained tag) and the exporter's version."""
    size = weights.stat().st_size
    return hashlib.sha256(f"{model_id}|{size}|v{EXPORT_VERSION}".encode()).hexdigest()[:24]


def cached_export(folder: Path) -> Exported | None:
    meta = folder / "export.json"
    if not (meta.is_file() and (folder / "image.onnx").is_file()):
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    return Exported(folder, bool(data["cut"]), data["preprocess"])


def export_towers(model: Any, folder: Path) -> Exported:
    """Write ``image.onnx``, ``text.onnx`` and ``export.json`` into ``folder``."""
    started = time.perf_counter()
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    size = model.visual.image_size
    height, width = (size, size) if isinstance(size, int) else tuple(size)
    text = TextTower(model)
    context = int(getattr(model, "context_length", 77))
    batch = torch.export.Dim("batch", min=1, max=4096)
    length = torch.export.Dim("length", min=2, max=context)
    with warnings.catch_warnings():  # the exporter's notes on what it traced
        warnings.simplefilter("ignore")
        _export(ImageTower(model), torch.zeros((2, 3, height, width)), partial / "image.onnx",
                {"pixels": {0: batch}})  # fmt: skip
        tokens = torch.ones((2, 8 if text.cut else context), dtype=torch.long)
        axes = {0: batch, 1: length} if text.cut else {0: batch}
        _export(text, tokens, partial / "text.onnx", {"tokens": axes})
    meta = {"cut": text.cut, "preprocess": dict(model.visual.preprocess_cfg)}
    (partial / "export.json").write_text(json.dumps(meta), encoding="utf-8")
    if folder.exists() and cached_export(folder) is None:  # left incomplete by hand
        shutil.rmtree(folder, ignore_errors=True)
    try:
        partial.rename(folder)
    except OSError:  # another process finished first: keep its files
        shutil.rmtree(partial, ignore_errors=True)
    logger.info("Exported the model to ONNX in %s (%.1f s)", folder, time.perf_counter() - started)
    found = cached_export(folder)
    if found is None:
        raise RuntimeError(f"The ONNX export in {folder} is incomplete")
    return found


def _export(module: torch.nn.Module, example: torch.Tensor, path: Path,
            shapes: dict[str, dict[int, Any]]) -> None:  # fmt: skip
    """One tower; its input is named after ``forward``'s argument (pixels, tokens)."""
    torch.onnx.export(module, (example,), str(path), dynamic_shapes=shapes, dynamo=True,
                      opset_version=OPSET, verbose=False)  # fmt: skip
