"""Chat across real server processes: Redis pub/sub delivery, and durability under kill -9."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sesame.accounts.service import create_account
from sesame.catalog import repository as repo
from sesame.catalog.records import SupplierRecord
from sesame.settings import Settings
from sesame.translation.packages import install_package
from tests.conftest import database_runtime
from tests.processes import REDIS_ENV, Server

SPANISH = "¿Cuál es la cantidad mínima de pedido?"
CHINESE = "最小起订量是多少？"


@pytest.fixture
def setup(
    tmp_path: Path, tiny_packages: dict[str, Path]
) -> Iterator[tuple[dict[str, str], str, str, int]]:
    """A data dir with one supplier, a Spanish buyer, Chinese staff and an open conversation."""
    data = tmp_path / "data"
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        # No embedding model: chat does not need one, and start-up stays fast.
        "SESAME_EMBEDDINGS__PRETRAINED": str(tmp_path / "no-model.pt"),
        "SESAME_EVENTS__CHANNEL": f"sesame-test-{uuid.uuid4().hex}",
    }
    settings = Settings(data_dir=data)
    for pair in ("es-en", "en-zh", "zh-en", "en-es"):
        install_package(tiny_packages[pair], settings.argos_packages_dir)
    runtime = database_runtime(settings)
    with runtime.session() as session:
        repo.upsert_supplier(
            session, SupplierRecord(id="sup-cn-1", name="Foshan", country="CN", languages=["zh"])
        )
        languages = set(settings.translation.languages)
        buyer, buyer_token = create_account(
            session, kind="buyer", name="Ana", language="es", supported_languages=languages
        )
        _, staff_token = create_account(
            session,
            kind="supplier",
            name="Li",
            language="zh",
            supplier_external_id="sup-cn-1",
            supported_languages=languages,
        )
        session.commit()
    runtime.close()
    return env, buyer_token, staff_token, buyer.id


def open_conversation(server: Server, token: str) -> int:
    response = httpx.post(
        f"{server.url}/v1/conversations",
        json={"supplier_id": "sup-cn-1"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text
    return int(response.json()["id"])


def ws_ticket(server: Server, token: str) -> str:
    response = httpx.post(
        f"{server.url}/v1/ws-tickets", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"])


def test_a_message_posted_to_one_process_reaches_a_socket_on_another_via_redis(
    setup: tuple[dict[str, str], str, str, int],
) -> None:
    from websockets.sync.client import connect

    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"Multi-process delivery needs Redis: set {REDIS_ENV} (.ci/run sets it).")
    env, buyer, staff, _ = setup
    env = {**env, "SESAME_EVENTS__REDIS_URL": redis_url}
    first, second = Server(env), Server(env)
    try:
        conversation = open_conversation(second, buyer)
        # A ticket asked of one process opens a socket on the other: tickets live in the database.
        ticket = ws_ticket(second, staff)
        with connect(
            f"ws://127.0.0.1:{first.port}/v1/ws?ticket={ticket}", open_timeout=30
        ) as socket_on_first:
            time.sleep(
                0.3
            )  # the subscription is live once the socket is accepted; margin for Redis
            response = httpx.post(
                f"{second.url}/v1/conversations/{conversation}/messages",
                json={"text": SPANISH},
                headers={"Authorization": f"Bearer {buyer}"},
                timeout=30,
            )
            assert response.status_code == 201, response.text
            event = json.loads(socket_on_first.recv(timeout=30))
        assert event["message"]["text"] == CHINESE
        assert event["message"]["original_text"] == SPANISH
    finally:
        first.stop()
        second.stop()


def test_a_message_survives_kill_9_right_after_the_post_returned(
    setup: tuple[dict[str, str], str, str, int],
) -> None:
    env, buyer, staff, _ = setup
    server = Server(env)
    conversation = open_conversation(server, buyer)
    response = httpx.post(
        f"{server.url}/v1/conversations/{conversation}/messages",
        json={"text": SPANISH},
        headers={"Authorization": f"Bearer {buyer}"},
        timeout=30,
    )
    assert response.status_code == 201
    server.stop(signal.SIGKILL)
    restarted = Server(env)
    try:
        messages = httpx.get(
            f"{restarted.url}/v1/conversations/{conversation}/messages",
            headers={"Authorization": f"Bearer {staff}"},
            timeout=30,
        ).json()["messages"]
        assert [(m["original_text"], m["text"]) for m in messages] == [(SPANISH, CHINESE)]
    finally:
        restarted.stop()
