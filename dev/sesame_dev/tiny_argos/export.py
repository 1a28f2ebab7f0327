"""The tiny model written as a CTranslate2 ``TransformerSpec``."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import torch
from ctranslate2.specs import TransformerSpec
from numpy.typing import NDArray
from torch import Tensor, nn

from sesame_dev.tiny_argos.model import EPS, Layer, Seq2Seq, TinyConfig


def _np(t: Tensor) -> NDArray[np.float32]:
    out: NDArray[np.float32] = t.detach().cpu().numpy().astype(np.float32)
    return out


def _set_linear(spec: Any, *linears: nn.Linear) -> None:
    spec.weight = _np(torch.cat([lin.weight for lin in linears]))
    spec.bias = _np(torch.cat([lin.bias for lin in linears]))


def _set_norm(spec: Any, ln: nn.LayerNorm) -> None:
    spec.gamma, spec.beta = _np(ln.weight), _np(ln.bias)


def _set_layer(spec: Any, layer: Layer) -> None:
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


def to_transformer_spec(model: Seq2Seq, pieces: list[str], cfg: TinyConfig) -> TransformerSpec:
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
            _set_layer(layer_spec, cast(Layer, layer))
    _set_linear(spec.decoder.projection, model.proj)
    spec.config.layer_norm_epsilon = EPS
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    return spec
