"""Start-up: the server answers at once and says what is still loading.

A real server process is started with the embedding model's loader made slow
(the test wraps the real loader, so the real model still loads afterwards).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sesame.core.errors import SesameError
from sesame.runtime.web import create_app
from tests.api.conftest import api_settings
from tests.conftest import ONNX_CACHE, TINY_MODEL, serving
from tests.processes import free_port

SLOW_SECONDS = 8.0
# What the server may add to starting Python and importing its own modules before
# /healthz answers (0.23 s measured on a 2-core Zen 3). That floor is measured in the same
# run: the machines this runs on differ about 2x (1.0-2.2 s for the imports alone), and a
# fixed 2 s limit from launch failed on the slower one.
STARTUP_BUDGET = 1.0
IMPORTS = """
import sys, time
import sesame.cli, sesame.runtime.parts, sesame.runtime.web
imported = time.monotonic()  # the system's clock: the parent compares it with its own
heavy = ("torch", "open_clip", "onnxruntime", "ctranslate2", "argostranslate", "lingua")
print(imported, *sorted(m for m in heavy if m in sys.modules))
"""
# Runs `sesame serve` with the real model loader behind a sleep.
LAUNCHER = """
import sys, time
from sesame.runtime import parts
real = parts.load_encoder
def slow(settings):
    time.sleep(float(sys.argv[1]))
    return real(settings)
parts.load_encoder = slow
from sesame.cli import app
app(["serve", "--no-demo", "--port", sys.argv[2]])
"""


@pytest.fixture
def slow_server(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, demo_catalog: Path, tmp_path: Path
) -> Iterator[tuple[str, float, bytes]]:
    """A server whose model loads slowly; yields its URL and how long /healthz took beyond
    the time this machine needs to start Python and import the server's modules."""
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__MODEL": TINY_MODEL,
        "SESAME_EMBEDDINGS__PRETRAINED": str(tiny_clip_checkpoint),
        "SESAME_EMBEDDINGS__ONNX_DIR": str(ONNX_CACHE),
    }
    log = (tmp_path / "server.log").open("wb")
    floor = _import_seconds(env)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(SLOW_SECONDS), str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        healthy_after = _first_healthz(url, process, started) - floor
        yield url, healthy_after, next(demo_catalog.glob("images/*.jpg")).read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def _import_seconds(env: dict[str, str]) -> float:
    """Seconds to start Python and import what `sesame serve` imports before it serves;
    none of the model and translation libraries may be among them (they load later)."""
    seconds = []
    for _ in range(2):  # the second with the files cached, as the server finds them
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", IMPORTS], env=env, check=True,
                              capture_output=True, text=True)  # fmt: skip
        imported, *heavy = done.stdout.split()
        assert heavy == [], f"imported before serving: {heavy}"
        seconds.append(float(imported) - started)
    return min(seconds)


def _first_healthz(url: str, process: subprocess.Popen[bytes], started: float) -> float:
    """Seconds from launch to the first 200; one client, so that polling (a new client
    loads its TLS context, tens of ms of CPU) does not take the starting server's cores."""
    deadline = started + 60
    with httpx.Client(timeout=0.5) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited"
            try:
                if client.get(f"{url}/healthz").status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.05)
    raise AssertionError("/healthz never answered")


def test_a_slow_model_leaves_the_server_answering_and_saying_what_is_loading(
    slow_server: tuple[str, float, bytes],
) -> None:
    url, healthy_after, photo = slow_server
    assert healthy_after < STARTUP_BUDGET, (
        f"/healthz first answered {healthy_after:.2f} s after the imports alone would have"
    )
    ready = httpx.get(f"{url}/readyz")
    assert ready.status_code == 503
    assert int(ready.headers["Retry-After"]) > 0
    model = ready.json()["components"]["model"]
    assert model["state"] == "loading"
    assert "still loading" in model["detail"]
    text = httpx.post(f"{url}/v1/search/text", json={"query": "red mug"})
    image = httpx.post(f"{url}/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")})
    for response in (text, image):
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "is still loading; try again in a few seconds" in response.json()["detail"]
    _wait_ready(url)
    assert httpx.post(f"{url}/v1/search/text", json={"query": "red mug"}).json()["mode"] == "hybrid"
    found = httpx.post(f"{url}/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")})
    assert found.status_code == 200
    assert found.json()["results"]


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/readyz").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the server never became ready")


def test_a_failed_start_stops_what_it_had_started(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    # Nothing listens on port 1: the event bus cannot start, after the loading has begun.
    settings = api_settings(
        data, tiny_clip_checkpoint, events={"redis_url": "redis://127.0.0.1:1/0"}
    )
    before = set(threading.enumerate())
    with (
        pytest.raises(SesameError, match="SESAME_EVENTS__REDIS_URL"),
        serving(create_app(settings)),
    ):
        pass
    leftover = [t.name for t in set(threading.enumerate()) - before if t.name.startswith("sesame")]
    assert leftover == []
