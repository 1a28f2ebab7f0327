"""Slow model work never holds SQLite's write lock: other writers go on meanwhile.

The translator and the encoder are the real ones behind a delay (the seam: a
slow model); the database, the chat service and the ingest pipeline are real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sesame.accounts.service import create_account
from sesame.catalog import repository as repo
from sesame.catalog.records import SupplierRecord
from sesame.runtime.parts import Translation
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings
from sesame.translation.packages import install_package

DELAY = 2.0


class Slow:
    """Delegates to the real part after a pause in ``method``."""

    def __init__(self, inner: Any, method: str) -> None:
        self._inner, self._method = inner, method
        self.busy = threading.Event()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name != self._method:
            return attribute

        def slowly(*args: Any, **kwargs: Any) -> Any:
            self.busy.set()
            time.sleep(DELAY)
            return attribute(*args, **kwargs)

        return slowly


@pytest.fixture
def runtime(
    make_settings: Callable[..., Settings], tiny_packages: dict[str, Path]
) -> Iterator[Runtime]:
    settings = make_settings()
    for pair in ("es-en", "en-zh"):
        install_package(tiny_packages[pair], settings.argos_packages_dir)
    opened = open_runtime(settings)
    yield opened
    opened.close()


def another_writer_took(runtime: Runtime, slow: Slow, work: Callable[[], object]) -> float:
    """Seconds a sign-up took while ``work`` was inside the slow call."""
    worker = threading.Thread(target=work)
    worker.start()
    assert slow.busy.wait(30)
    started = time.monotonic()
    runtime.accounts.create(kind="buyer", name="Meanwhile", language="en")
    took = time.monotonic() - started
    worker.join(60)
    return took


def test_a_slow_translation_does_not_hold_the_write_lock(runtime: Runtime) -> None:
    real = runtime.slots.translation.get()
    slow = Slow(real.translator, "translate")
    runtime.slots.translation.set(Translation(slow, real.detector))  # type: ignore[arg-type]
    with runtime.session() as session:
        repo.upsert_supplier(session, SupplierRecord(id="s-1", name="Li", country="CN"))
        languages = set(runtime.settings.translation.languages)
        buyer, _ = create_account(
            session, kind="buyer", name="Ana", language="es", supported_languages=languages
        )
        create_account(
            session, kind="supplier", name="Li", language="zh", supplier_external_id="s-1",
            supported_languages=languages,
        )  # fmt: skip
        session.commit()
    who = runtime.accounts.authenticate(_token_of(runtime, buyer.id))
    conversation, _ = runtime.chat.open_conversation(who, supplier="s-1")
    post = lambda: runtime.chat.post(who, conversation.id, "¿Cuál es el precio?")  # noqa: E731
    assert another_writer_took(runtime, slow, post) < DELAY / 2


def _token_of(runtime: Runtime, account_id: int) -> str:
    token, _ = runtime.accounts.new_token(account_id)
    return token


def test_slow_encoding_during_ingest_does_not_hold_the_write_lock(
    runtime: Runtime, small_catalog: Path
) -> None:
    slow = Slow(runtime.encoder(), "encode_images")
    runtime.slots.encoder.set(slow)  # type: ignore[arg-type]
    ingest = lambda: runtime.ingestor(batch_size=8).run(small_catalog)  # noqa: E731
    assert another_writer_took(runtime, slow, ingest) < DELAY / 2
