"""A flood of photo searches fills the model pool and is turned away, while sign-ins
and /readyz, on their own pool, keep answering at once.

A real server process runs with the real tiny model, each photo encoding made
slow by a sleep in front of it (so that a handful of requests fill the pool).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import ONNX_CACHE, TINY_MODEL
from tests.processes import free_port

LAUNCHER = """
import sys, time
from sesame.embeddings.onnx import OnnxEncoder
real = OnnxEncoder.encode_images
def slow(self, images):
    time.sleep(0.5)
    return real(self, images)
OnnxEncoder.encode_images = slow
from sesame.cli import app
app(["serve", "--no-demo", "--port", sys.argv[1]])
"""
FLOOD = 16


@pytest.fixture
def busy_server(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> Iterator[str]:
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": TINY_MODEL,
        "SESAME_EMBEDDINGS__PRETRAINED": str(tiny_clip_checkpoint),
        "SESAME_EMBEDDINGS__ONNX_DIR": str(ONNX_CACHE),
        "SESAME_API__MODEL_WORKERS": "1",
        "SESAME_API__MODEL_QUEUE": "2",
    }
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server never became ready")


def test_a_photo_flood_gets_503s_while_sign_ins_and_readyz_stay_fast(
    busy_server: str, demo_catalog: Path
) -> None:
    url = busy_server
    token = httpx.post(f"{url}/v1/accounts", json={"name": "Ana", "language": "es"}).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    photo = next(demo_catalog.glob("images/*.jpg")).read_bytes()

    def search(_: int) -> httpx.Response:
        files = {"image": ("p.jpg", photo, "image/jpeg")}
        return httpx.post(f"{url}/v1/search/image", files=files, timeout=120)

    latencies: list[float] = []
    flooding = threading.Event()

    def probe() -> None:
        flooding.wait()
        time.sleep(0.3)  # the pool is full by now
        for path in ("/v1/me", "/readyz", "/v1/me", "/readyz"):
            started = time.monotonic()
            response = httpx.get(f"{url}{path}", headers=headers, timeout=10)
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200, (path, response.text)

    prober = threading.Thread(target=probe)
    prober.start()
    with ThreadPoolExecutor(FLOOD) as pool:
        flooding.set()
        responses = list(pool.map(search, range(FLOOD)))
    prober.join(timeout=60)
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) == {200, 503}, statuses
    refused = [r for r in responses if r.status_code == 503]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
    assert all("The server is busy with searches" in r.json()["detail"] for r in refused)
    assert len(latencies) == 4
    assert max(latencies) < 1.0, latencies
