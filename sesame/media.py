"""Content-addressed storage for product images under the data directory."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sesame.errors import NotFound


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MediaStore:
    """Files named by their SHA-256, written atomically, so re-ingest is a no-op."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes, suffix: str) -> str:
        """Store ``data``; returns its path relative to the root."""
        digest = sha256_hex(data)
        relative = f"{digest[:2]}/{digest}{suffix}"
        target = self.root / relative
        if target.is_file():
            return relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return relative

    def path(self, relative: str) -> Path:
        """The absolute path of a stored file; NotFound if it is missing or outside."""
        root = self.root.resolve()
        candidate = (root / relative).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            raise NotFound(f"Image file {relative!r} is not in the media store.")
        return candidate
