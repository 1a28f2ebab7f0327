"""Writing Argos Translate packages from a CTranslate2 model specification.

Shared by the tiny phrasebook models (``sesame_dev.tiny_argos.build``) and the benchmark's
random base-size model: a SentencePiece model, a CTranslate2 model saved through
its converter pipeline, ``metadata.json``, zipped under one top-level folder.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import sentencepiece as spm
from ctranslate2.converters.converter import Converter
from numpy.typing import NDArray

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "zh": "Chinese", "ja": "Japanese"}


def sinusoids(length: int, d: int) -> NDArray[np.float32]:
    """Position encodings in CTranslate2's layout: sines first half, cosines second."""
    half = d // 2
    inv = np.exp(np.arange(half) * -(math.log(10000.0) / (half - 1)))
    angles = np.arange(length)[:, None] * inv[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def train_sentencepiece(texts: list[str], vocab_size: int) -> bytes:
    """A BPE SentencePiece model (serialised) over ``texts``; vocab may come out smaller."""
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="bpe",
        normalization_rule_name="identity",  # keep full-width CJK punctuation as is
        num_threads=1,
        minloglevel=2,
    )
    return buffer.getvalue()


class SpecConverter(Converter):  # type: ignore[misc]
    """Saves a ready specification through CTranslate2's converter pipeline."""

    def __init__(self, spec: Any) -> None:
        self._spec = spec

    def _load(self) -> Any:
        return self._spec


def write_package(
    folder: Path,
    *,
    source: str,
    target: str,
    sp_model: bytes,
    spec: Any,
    quantization: str | None = None,
    readme: str = "",
) -> None:
    """Lay out an installed-package folder: metadata, tokenizer, ``model/``."""
    folder.mkdir(parents=True)
    (folder / "sentencepiece.model").write_bytes(sp_model)
    SpecConverter(spec).convert(str(folder / "model"), quantization=quantization)
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.0",
        "type": "translate",
        "from_code": source,
        "from_name": LANGUAGE_NAMES.get(source, source),
        "to_code": target,
        "to_name": LANGUAGE_NAMES.get(target, target),
        "links": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=2))
    (folder / "README.md").write_text(readme)


def zip_package(folder: Path, out: Path) -> Path:
    """Zip ``folder`` (as the single top-level entry) into the ``.argosmodel`` ``out``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder.parent).as_posix())
    return out
