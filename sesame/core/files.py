"""Durable file writes: a temp file beside the target, fsync, rename, fsync the folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` through ``write(handle)`` so that readers see the old or the new file.

    After it returns the new content survives a power loss: the data is fsynced
    before the rename and the folder after it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    atomic_write(path, write)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_through(path: Path, chunk: int = 16 << 20) -> None:
    """Read a file and drop the bytes, so that it lands in the OS page cache: a later
    reader then waits on memory, not on the disk. Errors are ignored (it is only a hint)."""
    buffer = bytearray(chunk)
    with contextlib.suppress(OSError), path.open("rb", buffering=0) as handle:
        while handle.readinto(buffer):
            pass
