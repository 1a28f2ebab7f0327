"""Durable writes: the data is fsynced before the rename and the folder after it."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from sesame.core.files import atomic_write_bytes, read_through


def test_an_atomic_write_syncs_the_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real = os.fsync

    def recording(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", recording)
    target = tmp_path / "media" / "ab" / "photo.jpg"
    atomic_write_bytes(target, b"jpeg bytes")
    assert target.read_bytes() == b"jpeg bytes"
    assert synced == ["file", "folder"]
    assert [p.name for p in target.parent.iterdir()] == ["photo.jpg"]  # no temp file left


def test_read_through_reads_every_byte_and_ignores_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "index.npz"
    target.write_bytes(b"x" * 100_000)
    read: list[int] = []
    real_open = Path.open

    class Counting(io.RawIOBase):
        def __init__(self, raw: Any) -> None:
            self.raw = raw

        def readinto(self, buffer: Any) -> int:
            n = int(self.raw.readinto(buffer))
            read.append(n)
            return n

        def close(self) -> None:
            self.raw.close()
            super().close()

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Counting:
        return Counting(real_open(self, *args, **kwargs))

    monkeypatch.setattr(Path, "open", counting_open)
    read_through(target, chunk=30_000)
    assert sum(read) == 100_000
    assert read[-1] == 0  # read to the end
    read_through(tmp_path / "missing.npz")  # only a hint: no error
