"""No bearer token or WebSocket ticket reaches a log line, even one sent in a URL."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.processes import Server


def test_the_server_log_never_holds_a_token_or_a_ticket(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__PRETRAINED": str(tmp_path / "no-model.pt"),
    }
    server = Server(env)
    try:
        token = httpx.post(
            f"{server.url}/v1/accounts", json={"name": "Ana", "language": "es"}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.url}/v1/me", headers=headers).status_code == 200
        # A careless client puts the token in URLs: the access log must not keep it.
        httpx.get(f"{server.url}/v1/me?token={token}", headers=headers)
        with pytest.raises(InvalidStatus):
            connect(f"ws://127.0.0.1:{server.port}/v1/ws?token={token}", open_timeout=10)
        ticket = httpx.post(f"{server.url}/v1/ws-tickets", headers=headers).json()["ticket"]
        with connect(f"ws://127.0.0.1:{server.port}/v1/ws?ticket={ticket}", open_timeout=10):
            pass
    finally:
        server.stop()
    log = server.log.read_text()
    assert "GET /v1/me?token=[redacted]" in log
    assert "/v1/ws?ticket=[redacted]" in log
    assert token not in log
    assert ticket not in log
    assert token[4:20] not in log  # not even a part of it
