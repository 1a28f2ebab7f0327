"""WebSocket connections of this process, fed by the event bus."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from fastapi import WebSocket

from sesame.api.schemas_chat import MessageOut
from sesame.chat.events import Event, EventBus
from sesame.chat.views import Posted

logger = logging.getLogger(__name__)


class ConnectionHub:
    """Pushes each posted message to its recipients' sockets, in their language."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._sockets: dict[int, set[WebSocket]] = defaultdict(set)

    async def start(self) -> None:
        await self._bus.start(self._deliver)

    async def close(self) -> None:
        await self._bus.close()

    def connect(self, account_id: int, socket: WebSocket) -> None:
        self._sockets[account_id].add(socket)

    def disconnect(self, account_id: int, socket: WebSocket) -> None:
        self._sockets[account_id].discard(socket)
        if not self._sockets[account_id]:
            del self._sockets[account_id]

    async def publish(self, posted: Posted) -> None:
        event: Event = {
            "type": "message",
            "deliveries": {
                str(account): MessageOut.of(view).model_dump(mode="json")
                for account, view in posted.deliveries.items()
            },
        }
        await self._bus.publish(event)

    async def _deliver(self, event: Event) -> None:
        if event.get("type") != "message":
            return
        sends = []
        for account, message in event.get("deliveries", {}).items():
            for socket in list(self._sockets.get(int(account), ())):
                payload = {"type": "message", "message": message}
                sends.append(self._send(socket, payload))
        await asyncio.gather(*sends)

    @staticmethod
    async def _send(socket: WebSocket, payload: dict[str, object]) -> None:
        try:
            await socket.send_json(payload)
        except (RuntimeError, OSError):  # closed while we were sending
            logger.debug("Socket closed before delivery")
