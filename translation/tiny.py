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
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import ctranslate2
import numpy as np
import sentencepiece as spm
import torch
from ctranslate2.specs import TransformerSpec
from numpy.typing import NDArray
from torch import Tensor, nn
from torch.nn import functional as F  # noqa: N812

from translation import argos_build
from translation.argos_build import sinusoids, train_sentencepiece, write_package, zip_package
from translation.phrasebook import LANGUAGES, parallel

logger = logging.getLogger(__name__)

_EPS = 1e-6
_BOS, _EOS, _PAD = 1, 2, 0  # SentencePiece defaults: <unk>=0, <s>=1, </s>=2


@dataclass(frozen=True, slots=True)
class TinyConfig:
    """Model shape and training schedule (part of the cache key)."""

    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    layers: int = 2
    vocab_size: int = 1000
    max_positions: int = 256
    min_steps: int = 50
    max_steps: int = 600
    margin: float = 2.0
    lr: float = 6e-3
    seed: int = 7


class _Attention(nn.Module):
    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x: Tensor, memory: Tensor, mask: Tensor) -> Tensor:
        b, n, d = x.shape
        h = self.heads

        def split(t: Tensor) -> Tensor:
            return t.view(b, -1, h, d // h).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(memory)), split(self.v(memory))
        # Plain attention: for these tiny shapes it is several times faster than SDPA on CPU.
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d // h)
        y = scores.masked_fill(~mask, float("-inf")).softmax(-1) @ v
        out: Tensor = self.out(y.transpose(1, 2).reshape(b, n, d))
        return out


class _Layer(nn.Module):
    """A pre-norm layer; with ``cross`` it is a decoder layer."""

    def __init__(self, cfg: TinyConfig, cross: bool) -> None:
        super().__init__()
        d = cfg.d_model
        self.ln_self, self.self_attn = nn.LayerNorm(d, eps=_EPS), _Attention(d, cfg.heads)
        self.ln_cross = nn.LayerNorm(d, eps=_EPS) if cross else None
        self.cross_attn = _Attention(d, cfg.heads) if cross else None
        self.ln_ffn = nn.LayerNorm(d, eps=_EPS)
        self.ffn_in, self.ffn_out = nn.Linear(d, cfg.ffn), nn.Linear(cfg.ffn, d)

    def forward(
        self, x: Tensor, self_mask: Tensor, memory: Tensor | None, cross_mask: Tensor | None
    ) -> Tensor:
        h = self.ln_self(x)
        x = x + self.self_attn(h, h, self_mask)
        if self.cross_attn is not None and self.ln_cross is not None and memory is not None:
            assert cross_mask is not None
            x = x + self.cross_attn(self.ln_cross(x), memory, cross_mask)
        out: Tensor = x + self.ffn_out(F.relu(self.ffn_in(self.ln_ffn(x))))
        return out


class _Seq2Seq(nn.Module):
    """Mirrors CTranslate2's pre-norm Transformer exactly, weight for weight."""

    def __init__(self, cfg: TinyConfig, vocab: int) -> None:
        super().__init__()
        self.scale = math.sqrt(cfg.d_model)
        self.register_buffer("pe", torch.from_numpy(sinusoids(cfg.max_positions, cfg.d_model)))
        self.src_emb, self.tgt_emb = (
            nn.Embedding(vocab, cfg.d_model),
            nn.Embedding(vocab, cfg.d_model),
        )
        self.encoder = nn.ModuleList(_Layer(cfg, cross=False) for _ in range(cfg.layers))
        self.decoder = nn.ModuleList(_Layer(cfg, cross=True) for _ in range(cfg.layers))
        self.enc_ln, self.dec_ln = (
            nn.LayerNorm(cfg.d_model, eps=_EPS),
            nn.LayerNorm(cfg.d_model, eps=_EPS),
        )
        self.proj = nn.Linear(cfg.d_model, vocab)

    def _embed(self, emb: nn.Embedding, ids: Tensor) -> Tensor:
        pe: Tensor = self.pe  # type: ignore[assignment]
        out: Tensor = emb(ids) * self.scale + pe[: ids.shape[1]]
        return out

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        src_keep = (src != _PAD)[:, None, None, :]
        n = tgt_in.shape[1]
        causal = torch.ones(n, n, dtype=torch.bool).tril()[None, None]
        x = self._embed(self.src_emb, src)
        for layer in self.encoder:
            x = layer(x, src_keep, None, None)
        memory = self.enc_ln(x)
        y = self._embed(self.tgt_emb, tgt_in)
        for layer in self.decoder:
            y = layer(y, causal, memory, src_keep)
        logits: Tensor = self.proj(self.dec_ln(y))
        return logits


def _pad(rows: list[list[int]]) -> Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [_PAD] * (width - len(r)) for r in rows], dtype=torch.long)


def _memorised(
    model: _Seq2Seq, src: Tensor, tgt_in: Tensor, tgt_out: Tensor, margin: float
) -> bool:
    """Teacher-forced, every right token beats the runner-up by ``margin`` logits, so
    greedy decoding reproduces the phrasebook, even after int8 quantisation."""
    keep = tgt_out != _PAD
    with torch.no_grad():
        logits = model(src, tgt_in)[keep]
    target = tgt_out[keep]
    right = logits.gather(1, target[:, None]).squeeze(1)
    runner_up = logits.scatter(1, target[:, None], float("-inf")).max(dim=1).values
    return bool((right - runner_up).min() > margin)


def _train_model(pairs: list[tuple[list[int], list[int]]], vocab: int, cfg: TinyConfig) -> _Seq2Seq:
    """Full-batch Adam until the phrasebook is memorised (or ``max_steps``)."""
    torch.manual_seed(cfg.seed)
    model = _Seq2Seq(cfg, vocab)
    src = _pad([s for s, _ in pairs])
    tgt_in = _pad([[_BOS, *t] for _, t in pairs])
    tgt_out = _pad([[*t, _EOS] for _, t in pairs])
    keep = tgt_out != _PAD
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr, foreach=True)
    warmup = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / 20))
    for step in range(1, cfg.max_steps + 1):
        loss = F.cross_entropy(model(src, tgt_in)[keep], tgt_out[keep])
        optimizer.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        warmup.step()
        ready = step % 10 == 0 and step >= cfg.min_steps
        if ready and _memorised(model, src, tgt_in, tgt_out, cfg.margin):
            logger.info("Tiny model memorised the phrasebook in %d steps", step)
            return model.eval()
    logger.warning("Tiny model not fully memorised after %d steps", cfg.max_steps)
    return model.eval()


@contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    """Tiny matrices: one thread is as fast as two, and kinder to a shared machine."""
    saved = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


def _np(t: Tensor) -> NDArray[np.float32]:
    out: NDArray[np.float32] = t.detach().cpu().numpy().astype(np.float32)
    return out


def _set_linear(spec: Any, *linears: nn.Linear) -> None:
    spec.weight = _np(torch.cat([lin.weight for lin in linears]))
    spec.bias = _np(torch.cat([lin.bias for lin in linears]))


def _set_norm(spec: Any, ln: nn.LayerNorm) -> None:
    spec.gamma, spec.beta = _np(ln.weight), _np(ln.bias)


def _set_layer(spec: Any, layer: _Layer) -> None:
    sa = layer.self_attn
    _set_linear(spec.self_attention.linear[0], sa.q, sa.k, sa.v)
    _set_linear(spec.self_attention.linear[1], sa.out)
    _set_norm(spec.self_attention.layer_norm, layer.ln_self)
    if layer.cross_attn is not None and layer.ln_cross is not None:
        ca = layer.cross_attn
        _set_linear(spec.attention.linear[0], ca.q)
        _set_linear(spec.attention.linear[1], ca.k, ca.v)
        _set_linear(spec.attention.linear[2], ca.out)
        _set_norm(spec.attention.layer_norm, layer.ln_cross)
    _set_norm(spec.ffn.layer_norm, layer.ln_ffn)
    _set_linear(spec.ffn.linear_0, layer.ffn_in)
    _set_linear(spec.ffn.linear_1, layer.ffn_out)


def to_transformer_spec(model: _Seq2Seq, pieces: list[str], cfg: TinyConfig) -> TransformerSpec:
    """Copy the trained weights into a CTranslate2 Transformer specification."""
    spec = TransformerSpec.from_config((cfg.layers, cfg.layers), cfg.heads)
    pe = _np(model.pe)  # type: ignore[arg-type]
    for side, emb, layers, ln in (
        (spec.encoder, model.src_emb, model.encoder, model.enc_ln),
        (spec.decoder, model.tgt_emb, model.decoder, model.dec_ln),
    ):
        embeddings = side.embeddings[0] if isinstance(side.embeddings, list) else side.embeddings
        embeddings.weight = _np(emb.weight)
        side.position_encodings.encodings = pe
        _set_norm(side.layer_norm, ln)
        for layer_spec, layer in zip(side.layer, layers, strict=True):
            _set_layer(layer_spec, cast(_Layer, layer))
    _set_linear(spec.decoder.projection, model.proj)
    spec.config.layer_norm_epsilon = _EPS
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    return spec


def _cache_key(source: str, target: str, cfg: TinyConfig) -> str:
    material = {
        "pairs": parallel(source, target),
        "config": dataclasses.asdict(cfg),
        "code": [
            hashlib.sha256(Path(module).read_bytes()).hexdigest()
            for module in (__file__, argos_build.__file__)
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
    with _torch_threads(1):
        model = _train_model(ids, sp.get_piece_size(), cfg)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    spec = to_transformer_spec(model, pieces, cfg)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"translate-{source}_{target}-tiny"
        readme = "Tiny phrasebook model built by translation.tiny; for tests only.\n"
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
