"""The two towers of an open_clip model as modules of their own, for torch and for export.

The text tower of a CLIP-style model runs over the tokens up to the end-of-text token
only: under its causal mask no position attends to a later one, so the features at the
end-of-text token (the pooled output) do not depend on the padding after it. Cutting the
77-token context to the longest text of a batch is exact (a difference of about 1e-6)
and saves most of the tower's time for short queries. Towers without a causal mask, or
pooled elsewhere (e.g. a Hugging Face text model), run over the whole context.
"""

from __future__ import annotations

from typing import Any

import torch
from open_clip.transformer import text_global_pool
from torch import nn
from torch.nn import functional


class ImageTower(nn.Module):
    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return functional.normalize(self.model.encode_image(pixels), dim=-1)


def can_cut(model: Any) -> bool:
    """Whether the text tower is the causal CLIP transformer, pooled at end-of-text."""
    needed = ("token_embedding", "positional_embedding", "transformer", "ln_final")
    return (
        all(hasattr(model, name) for name in needed)
        and getattr(model, "attn_mask", None) is not None
        and getattr(model, "text_pool_type", None) == "argmax"
    )


class TextTower(nn.Module):
    """Token ids [batch, length] -> unit vectors; ``length`` may be anything up to the
    context when the tower can be cut (see ``cut_tokens``), else the whole context."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model
        self.cut = can_cut(model)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        if not self.cut:
            return functional.normalize(self.model.encode_text(tokens), dim=-1)
        m = self.model
        # Positions as an index tensor, not a Python slice: the exported graph then keeps
        # the length dynamic instead of fixing it at the traced example's.
        positions = torch.cumsum(torch.ones_like(tokens[0]), 0) - 1
        dtype = m.transformer.get_cast_dtype()
        x = m.token_embedding(tokens).to(dtype) + m.positional_embedding[positions].to(dtype)
        mask = m.attn_mask[positions][:, positions]
        x = m.transformer(x, attn_mask=mask)
        x = text_global_pool(m.ln_final(x), tokens, "argmax")
        if m.text_projection is not None:
            x = (
                m.text_projection(x)
                if isinstance(m.text_projection, nn.Linear)
                else (x @ m.text_projection)
            )
        return functional.normalize(x, dim=-1)


def cut_tokens(tokens: torch.Tensor, cut: bool) -> torch.Tensor:
    """Tokens up to the batch's last end-of-text token (the highest id of each row)."""
    if not cut:
        return tokens
    end = int(tokens.argmax(dim=-1).max()) + 1
    return tokens[:, :end]
