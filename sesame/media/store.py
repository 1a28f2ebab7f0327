"""Content-addressed storage for product images under the data directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sesame.core.errors import NotFound
from sesame.core.files import atomic_write_bytes


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MediaStore:
    """Files named by their SHA-256, written atomically and durably, so re-ingest is a no-op."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, suffix: str) -> str:
        """Store ``data``; returns its path relative to the root."""
        digest = sha256_hex(data)
        relative = f"{digest[:2]}/{digest}{suffix}"
        target = self.root / relative
        if not target.is_file():
            atomic_write_bytes(target, data)
        return relative

    def path(self, relative: str) -> Path:
        """The absolute path of a stored file; NotFound if it is missing or outside."""
        root = self.root.resolve()
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            raise NotFound(f"Image file {relative!r} is not in the media store.")
        return candidate
