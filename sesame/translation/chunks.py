"""Bounded model inputs: a long sentence is translated in pieces, never cut.

CTranslate2 silently truncates an input beyond its limit (1,024 tokens by
default), so a long unpunctuated message would come back half translated but
marked done. Tokens are split at word starts (SentencePiece marks them with
"▁") into pieces of at most ``limit`` tokens, each translated, then joined.
"""

from __future__ import annotations

from collections.abc import Sequence

WORD_START = "▁"
NO_SPACE = frozenset({"zh", "zt", "ja", "th", "lo", "km", "my"})


def split_tokens(tokens: Sequence[str], limit: int) -> list[list[str]]:
    """Consecutive pieces of at most ``limit`` tokens, broken between words where possible."""
    if limit < 1:
        raise ValueError("limit must be at least 1.")
    pieces: list[list[str]] = []
    current: list[str] = []
    for word in _words(tokens):
        if current and len(current) + len(word) > limit:
            pieces.append(current)
            current = []
        while len(word) > limit:  # one word longer than a piece: cut it
            pieces.append(word[:limit])
            word = word[limit:]
        current += word
    if current or not pieces:
        pieces.append(current)
    return pieces


def _words(tokens: Sequence[str]) -> list[list[str]]:
    words: list[list[str]] = []
    for token in tokens:
        if not words or token.startswith(WORD_START):
            words.append([token])
        else:
            words[-1].append(token)
    return words


def join_pieces(pieces: Sequence[str], target: str) -> str:
    separator = "" if target in NO_SPACE else " "
    return separator.join(piece.strip() for piece in pieces if piece.strip())
