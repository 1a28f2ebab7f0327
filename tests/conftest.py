"""Shared fixtures: databases (SQLite, and the real PostgreSQL when configured),
the demo catalog, and the small open_clip model trained by the repo's own script."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sesame.runtime.logs import install_redaction
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import Startup
from sesame.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache" / "test-models"
# ONNX exports of the test models, shared by every test and test server (keyed by weights).
ONNX_CACHE = REPO / ".cache" / "onnx"
POSTGRES_ENV = "SESAME_TEST_DATABASE_URL"
TINY_MODEL = "sesame-tiny"
TINY_STEPS = 450
DEMO_PRODUCTS = 300  # the default demo catalog: it has the red mugs
SMALL_PRODUCTS = 60


def pytest_configure(config: pytest.Config) -> None:
    """Every Settings of the session, and every server it starts, shares the ONNX exports."""
    os.environ.setdefault("SESAME_EMBEDDINGS__ONNX_DIR", str(ONNX_CACHE))


SECRET = re.compile(r"\b(ses|wst)_[A-Za-z0-9_-]{16,}")


class SecretWatch(logging.Handler):
    """Every log record of the test session, checked for a bearer token or a ticket."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage() + (record.exc_text or "")
        if SECRET.search(line):
            self.found.append(f"{record.name}: {line[:300]}")


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_any_log_line() -> Iterator[None]:
    install_redaction()  # as every server and CLI process does at start-up
    root = logging.getLogger()
    watch = SecretWatch()
    level = root.level
    root.setLevel(min(level or logging.WARNING, logging.INFO))
    root.addHandler(watch)
    yield
    root.removeHandler(watch)
    root.setLevel(level)
    assert not watch.found, watch.found


def wait_until_loaded(client: TestClient, timeout: float = 300.0) -> dict[str, object]:
    """Poll /readyz until no part is still loading (each is ready or has failed)."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get("/readyz").json()
        states = [part["state"] for part in body["components"].values()]
        if "loading" not in states or time.monotonic() > deadline:
            return body  # type: ignore[no-any-return]
        time.sleep(0.05)


@contextmanager
def serving(app: FastAPI) -> Iterator[TestClient]:
    """A TestClient whose lifespan ran and whose parts have finished loading."""
    with TestClient(app) as client:
        wait_until_loaded(client)
        yield client


def database_runtime(settings: Settings) -> Runtime:
    """A runtime with only the database opened (as `sesame accounts create` does)."""
    runtime = Runtime(settings)
    Startup(runtime).database()
    runtime.slots.database.get()
    return runtime


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it."
        )
    return url


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each catalog test runs on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sesame.db'}"
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def tiny_clip_checkpoint() -> Path:
    """The small CLIP trained on synthetic product photos (cached between runs)."""
    from sesame_dev.tiny_clip.trainer import train_tiny_clip, training_fingerprint

    target = CACHE / f"{TINY_MODEL}-{training_fingerprint()}-{TINY_STEPS}.pt"
    if not target.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        # A fixed number of steps (not seconds), so a busy machine trains the same model.
        train_tiny_clip(partial, seconds=900, max_steps=TINY_STEPS, seed=0)
        partial.replace(target)
    return target


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sesame.demo.catalog import generate_demo_catalog

    out = tmp_path_factory.mktemp("demo-catalog")
    generate_demo_catalog(out, products=DEMO_PRODUCTS, seed=7)
    return out


@pytest.fixture(scope="session")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A smaller demo catalog, for tests that ingest many times."""
    from sesame.demo.catalog import generate_demo_catalog

    out = tmp_path_factory.mktemp("small-catalog")
    generate_demo_catalog(out, products=SMALL_PRODUCTS, seed=11)
    return out


@pytest.fixture
def make_settings(tmp_path: Path, tiny_clip_checkpoint: Path) -> Callable[..., Settings]:
    """Settings for a test: a fresh data dir and the tiny model."""

    def build(database_url: str | None = None, **overrides: object) -> Settings:
        settings = Settings(
            data_dir=tmp_path / "data",
            database={"url": database_url},
            embeddings={"model": TINY_MODEL, "pretrained": str(tiny_clip_checkpoint)},
            api={"executor_threads": 2},
        )
        return settings.model_copy(update=overrides)

    return build


TINY_ARGOS_PAIRS = ("es-en", "en-es", "zh-en", "en-zh")


@pytest.fixture(scope="session")
def tiny_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real ``.argosmodel`` packages trained on the sourcing phrasebook (cached)."""
    from sesame_dev.tiny_argos.build import build_tiny_package

    out = tmp_path_factory.mktemp("tiny-argos")
    cache = REPO / ".cache" / "tiny-argos"
    return {pair: build_tiny_package(pair, out, cache_dir=cache) for pair in TINY_ARGOS_PAIRS}
