"""Durable writes: the data is fsynced before the rename and the folder after it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sesame.core.files import atomic_write_bytes


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
