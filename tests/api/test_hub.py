"""Live delivery: a reader who stops reading is dropped, and a post never waits for one.

The socket is a stand-in whose send never completes (the seam: a peer that stops
reading); the hub, its queues and the in-process bus are the real ones.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from sesame.accounts.tokens import Principal
from sesame.api.hub import ConnectionHub, TooManySockets
from sesame.chat.events import LocalBus
from sesame.chat.views import MessageView, Posted

READER = Principal(7, "supplier", "zh", 3, "Li", token_id=1)


class StalledSocket:
    """A peer whose receive window is full: every send waits forever."""

    def __init__(self) -> None:
        self.sent = 0
        self.closed: tuple[int, str] | None = None

    async def send_json(self, payload: dict[str, Any]) -> None:
        self.sent += 1
        await asyncio.Event().wait()

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def posted(text: str) -> Posted:
    view = MessageView(1, 1, 2, "buyer", text, "es", text, "es", False, None, datetime.now(UTC))
    return Posted(view, {READER.account_id: view})


async def always_valid(token_id: int) -> bool:
    return True


def test_a_reader_who_stops_reading_is_dropped_and_posts_do_not_wait() -> None:
    async def scenario() -> StalledSocket:
        hub = ConnectionHub(LocalBus(), token_check=always_valid, queue_size=3)
        await hub.start()
        socket = StalledSocket()
        connection = hub.attach(READER, socket)  # type: ignore[arg-type]
        writer = asyncio.create_task(hub.pump(connection))
        for number in range(10):
            await asyncio.wait_for(hub.publish(posted(f"mensaje {number}")), timeout=1)
        assert connection.close_reason == (1008, "Too slow: reconnect")
        writer.cancel()
        await hub.close()
        return socket

    socket = asyncio.run(scenario())
    assert socket.sent == 1  # the first send stalled; the rest were queued, then dropped


def test_a_failing_bus_never_fails_a_post_that_was_already_committed() -> None:
    class BrokenBus(LocalBus):
        async def publish(self, event: dict[str, Any]) -> None:
            raise ConnectionError("Redis went away")

    async def scenario() -> None:
        hub = ConnectionHub(BrokenBus(), token_check=always_valid)
        await hub.start()
        await hub.publish(posted("hola"))  # logged, not raised
        await hub.close()

    asyncio.run(scenario())


def test_more_sockets_than_allowed_are_refused() -> None:
    hub = ConnectionHub(LocalBus(), token_check=always_valid, max_per_account=2)
    for _ in range(2):
        hub.attach(READER, StalledSocket())  # type: ignore[arg-type]
    with pytest.raises(TooManySockets, match="At most 2 live connections"):
        hub.attach(READER, StalledSocket())  # type: ignore[arg-type]
