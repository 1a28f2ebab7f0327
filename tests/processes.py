"""Real server processes for the tests that need more than one (`sesame serve`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REDIS_ENV = "SESAME_TEST_REDIS_URL"


def tiny_server_env(data: Path, checkpoint: Path, **settings: str) -> dict[str, str]:
    """The environment of a test server on the tiny model, limits off, plus ``settings``
    (``SESAME_`` variables without the prefix)."""
    from tests.conftest import ONNX_CACHE, TINY_MODEL

    return {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": TINY_MODEL,
        "SESAME_EMBEDDINGS__PRETRAINED": str(checkpoint),
        "SESAME_EMBEDDINGS__ONNX_DIR": str(ONNX_CACHE),
        "SESAME_LIMITS__ENABLED": "false",
    } | {f"SESAME_{name}": value for name, value in settings.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(env["SESAME_DATA_DIR"]) / f"server-{self.port}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sesame", "serve", "--no-demo", "--port", str(self.port)],
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            if self._loaded():
                return
            time.sleep(0.2)
        raise AssertionError(f"server did not start: {self.log.read_text()}")

    def _loaded(self) -> bool:
        """Every part has loaded or failed (this server has no model on purpose)."""
        try:
            body = httpx.get(f"{self.url}/readyz", timeout=1).json()
        except httpx.TransportError:
            return False
        return all(part["state"] != "loading" for part in body["components"].values())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)
        self._log_file.close()
