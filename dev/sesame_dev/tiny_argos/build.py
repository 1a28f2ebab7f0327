"""Tiny but real translation packages, trained on the sourcing phrasebook.

No pretrained Argos weights can be had offline, so tests and demos use packages
built here: a SentencePiece model and a small pre-norm Transformer trained in
torch until it reproduces the phrasebook, written into a CTranslate2 model via
``ctranslate2.specs.TransformerSpec`` and zipped as a ``.argosmodel`` with the
layout Argos Translate installs (``metadata.json``, ``sentencepiece.model``,
``model/``; no ``stanza/`` folder). Builds are cached by a hash of their inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import ctranslate2
import sentencepiece as spm
import torch

from sesame_dev.threads import torch_threads
from sesame_dev.tiny_argos.export import to_transformer_spec
from sesame_dev.tiny_argos.model import TinyConfig, train_model
from sesame_dev.tiny_argos.package import train_sentencepiece, write_package, zip_package
from sesame_dev.tiny_argos.phrasebook import LANGUAGES, parallel

logger = logging.getLogger(__name__)


def _cache_key(source: str, target: str, cfg: TinyConfig) -> str:
    material = {
        "pairs": parallel(source, target),
        "config": dataclasses.asdict(cfg),
        "code": [
            hashlib.sha256(Path(module).read_bytes()).hexdigest()
            for module in sorted(Path(__file__).parent.glob("*.py"))
        ],
        "versions": [torch.__version__, ctranslate2.__version__, spm.__version__],
    }
    blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _parse_pair(pair: str) -> tuple[str, str]:
    source, _, target = pair.partition("-")
    if source not in LANGUAGES or target not in LANGUAGES or source == target:
        raise ValueError(
            f"Tiny packages exist for pairs like 'es-en' over {', '.join(LANGUAGES)}; got {pair!r}."
        )
    return source, target


def _build(source: str, target: str, cfg: TinyConfig, out: Path) -> None:
    started = time.perf_counter()
    pairs = parallel(source, target)
    sp_model = train_sentencepiece([s for p in pairs for s in p], cfg.vocab_size)
    sp = spm.SentencePieceProcessor(model_proto=sp_model)
    ids = [(sp.encode(s), sp.encode(t)) for s, t in pairs]
    with torch_threads(1):
        model = train_model(ids, sp.get_piece_size(), cfg)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    spec = to_transformer_spec(model, pieces, cfg)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"translate-{source}_{target}-tiny"
        readme = "Tiny phrasebook model built by sesame_dev.tiny_argos; for tests only.\n"
        write_package(
            folder, source=source, target=target, sp_model=sp_model, spec=spec, readme=readme
        )
        zip_package(folder, out)
    logger.info("Built %s in %.1f s", out.name, time.perf_counter() - started)


def build_tiny_package(
    pair: str, out_dir: Path, *, cache_dir: Path | None = None, config: TinyConfig | None = None
) -> Path:
    """Build (or reuse from ``cache_dir``) the ``.argosmodel`` for ``pair``, e.g. "es-en"."""
    source, target = _parse_pair(pair)
    cfg = config or TinyConfig()
    name = f"translate-{source}_{target}-tiny.argosmodel"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / name
    cached = cache_dir / _cache_key(source, target, cfg) / name if cache_dir else None
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, out)
        return out
    _build(source, target, cfg, out)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{name}.{os.getpid()}.partial")
        shutil.copyfile(out, partial)
        os.replace(partial, cached)  # atomic: concurrent test sessions share the cache
    return out
