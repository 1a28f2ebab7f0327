"""The tiny translation model: a small pre-norm Transformer trained in torch until
greedy decoding reproduces the phrasebook."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional as F  # noqa: N812

from sesame_dev.tiny_argos.package import sinusoids

logger = logging.getLogger(__name__)
EPS = 1e-6
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


class Attention(nn.Module):
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


class Layer(nn.Module):
    """A pre-norm layer; with ``cross`` it is a decoder layer."""

    def __init__(self, cfg: TinyConfig, cross: bool) -> None:
        super().__init__()
        d = cfg.d_model
        self.ln_self, self.self_attn = nn.LayerNorm(d, eps=EPS), Attention(d, cfg.heads)
        self.ln_cross = nn.LayerNorm(d, eps=EPS) if cross else None
        self.cross_attn = Attention(d, cfg.heads) if cross else None
        self.ln_ffn = nn.LayerNorm(d, eps=EPS)
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


class Seq2Seq(nn.Module):
    """Mirrors CTranslate2's pre-norm Transformer exactly, weight for weight."""

    def __init__(self, cfg: TinyConfig, vocab: int) -> None:
        super().__init__()
        self.scale = math.sqrt(cfg.d_model)
        self.register_buffer("pe", torch.from_numpy(sinusoids(cfg.max_positions, cfg.d_model)))
        self.src_emb, self.tgt_emb = (
            nn.Embedding(vocab, cfg.d_model),
            nn.Embedding(vocab, cfg.d_model),
        )
        self.encoder = nn.ModuleList(Layer(cfg, cross=False) for _ in range(cfg.layers))
        self.decoder = nn.ModuleList(Layer(cfg, cross=True) for _ in range(cfg.layers))
        self.enc_ln, self.dec_ln = (
            nn.LayerNorm(cfg.d_model, eps=EPS),
            nn.LayerNorm(cfg.d_model, eps=EPS),
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


def _memorised(model: Seq2Seq, src: Tensor, tgt_in: Tensor, tgt_out: Tensor, margin: float) -> bool:
    """Teacher-forced, every right token beats the runner-up by ``margin`` logits, so
    greedy decoding reproduces the phrasebook, even after int8 quantisation."""
    keep = tgt_out != _PAD
    with torch.no_grad():
        logits = model(src, tgt_in)[keep]
    target = tgt_out[keep]
    right = logits.gather(1, target[:, None]).squeeze(1)
    runner_up = logits.scatter(1, target[:, None], float("-inf")).max(dim=1).values
    return bool((right - runner_up).min() > margin)


def train_model(pairs: list[tuple[list[int], list[int]]], vocab: int, cfg: TinyConfig) -> Seq2Seq:
    """Full-batch Adam until the phrasebook is memorised (or ``max_steps``)."""
    torch.manual_seed(cfg.seed)
    model = Seq2Seq(cfg, vocab)
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
