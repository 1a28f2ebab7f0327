"""Offline, a download is given up within seconds with one sentence, not retried for minutes."""

from __future__ import annotations

import socket
import time

import pytest

from sesame.core.errors import ModelUnavailable
from sesame.embeddings.weights import resolve_weights


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


@pytest.mark.slow
def test_an_unreachable_hub_fails_fast_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    resolve = lambda: resolve_weights(  # noqa: E731
        "ViT-B-32",
        "laion2b_s34b_b79k",
        cache_dir=tmp_path,
        allow_download=True,  # type: ignore[arg-type]
    )
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match="cannot be downloaded here") as refused:
        resolve()
    assert time.monotonic() - started < 15  # open_clip's import included
    assert "sesame models download" in refused.value.message
