"""Slots: a part loading in the background answers NotReady, then its value or its error."""

from __future__ import annotations

import threading

import pytest

from sesame.core.errors import ModelUnavailable, NotReady
from sesame.core.slots import Readiness, Slot


def test_a_loading_part_answers_not_ready_with_a_retry_hint() -> None:
    slot: Slot[int] = Slot("the embedding model")
    with pytest.raises(NotReady, match="The embedding model is still loading") as caught:
        slot.get()
    assert caught.value.retry_after > 0
    assert slot.status.state == "loading"
    assert slot.peek() is None


def test_a_loaded_part_is_handed_out() -> None:
    slot: Slot[int] = Slot("the index")
    slot.set(7)
    assert slot.get() == 7
    assert slot.peek() == 7
    assert slot.status.state == "ready"


def test_a_failed_part_answers_its_own_error() -> None:
    slot: Slot[int] = Slot("the embedding model")
    error = ModelUnavailable("No checkpoint file at /x: check SESAME_EMBEDDINGS__PRETRAINED.")
    slot.fail(error)
    with pytest.raises(ModelUnavailable) as caught:
        slot.get()
    assert caught.value is error
    assert slot.status.state == "failed"
    assert slot.status.detail == error.message


def test_waiting_returns_once_the_part_is_set_from_another_thread() -> None:
    slot: Slot[str] = Slot("the database")
    assert not slot.wait(timeout=0.01)
    threading.Timer(0.05, slot.set, args=("db",)).start()
    assert slot.wait(timeout=5)
    assert slot.get() == "db"


def test_readiness_reports_each_part_and_fails_a_ready_part_whose_check_fails() -> None:
    database: Slot[str] = Slot("the database")
    model: Slot[str] = Slot("the embedding model")
    database.set("db")
    healthy = {"ok": True}
    readiness = Readiness(
        {"database": database, "model": model}, {"database": lambda: healthy["ok"]}
    )
    report = readiness.report()
    assert (report["database"].state, report["model"].state) == ("ready", "loading")
    healthy["ok"] = False
    assert readiness.report()["database"].state == "failed"
