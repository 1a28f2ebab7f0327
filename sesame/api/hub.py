"""WebSocket connections of this process, fed by the event bus.

Each socket has a bounded outbound queue drained by its own writer, so a reader
who stops reading never stalls a sender: when its queue is full it is
disconnected (and catches up over HTTP). Open sockets re-check their token
now and then and are closed once it is revoked or expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import WebSocket, status

from sesame.accounts.tokens import Principal
from sesame.api.schemas_chat import MessageOut
from sesame.chat.events import Event, EventBus
from sesame.chat.views import Posted
from sesame.core.errors import SesameError

logger = logging.getLogger(__name__)
TokenCheck = Callable[[int], Awaitable[bool]]


class TooManySockets(SesameError):
    """The account already has the most live connections allowed."""


class Connection:
    """One open socket, its reader's account and what waits to be sent to it."""

    def __init__(self, socket: WebSocket, principal: Principal, queue_size: int) -> None:
        self.socket = socket
        self.principal = principal
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=queue_size)
        self.close_reason: tuple[int, str] | None = None
        self.ended = asyncio.Event()

    def offer(self, payload: dict[str, Any]) -> bool:
        try:
            self.queue.put_nowait(payload)
        except asyncio.QueueFull:
            return False
        return True

    def end(self, code: int, reason: str) -> None:
        """Ask the writer to close the socket (after what is already queued is dropped)."""
        if self.close_reason is not None:
            return
        self.close_reason = (code, reason)
        self.ended.set()
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class ConnectionHub:
    """Pushes each posted message to its recipients' sockets, in their language."""

    def __init__(
        self,
        bus: EventBus,
        *,
        token_check: TokenCheck,
        max_per_account: int = 5,
        queue_size: int = 100,
        recheck_s: float = 30.0,
    ) -> None:
        self._bus = bus
        self._token_check = token_check
        self._max_per_account = max_per_account
        self._queue_size = queue_size
        self._recheck_s = recheck_s
        self._sockets: dict[int, set[Connection]] = defaultdict(set)
        self._recheck: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._bus.start(self._deliver)
        self._recheck = asyncio.create_task(self._recheck_loop(), name="sesame-socket-recheck")

    async def close(self) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck
        await self._bus.close()

    def attach(self, principal: Principal, socket: WebSocket) -> Connection:
        held = self._sockets[principal.account_id]
        if len(held) >= self._max_per_account:
            raise TooManySockets(f"At most {self._max_per_account} live connections per account.")
        connection = Connection(socket, principal, self._queue_size)
        held.add(connection)
        return connection

    def detach(self, connection: Connection) -> None:
        account = connection.principal.account_id
        self._sockets[account].discard(connection)
        if not self._sockets[account]:
            del self._sockets[account]

    async def pump(self, connection: Connection) -> None:
        """Send what is queued for ``connection`` until it ends; then close the socket."""
        while (payload := await connection.queue.get()) is not None:
            try:
                await connection.socket.send_json(payload)
            except (RuntimeError, OSError):  # closed while we were sending
                logger.debug("Socket closed before delivery")
                return
        code, reason = connection.close_reason or (status.WS_1000_NORMAL_CLOSURE, "")
        with contextlib.suppress(RuntimeError, OSError):
            await connection.socket.close(code=code, reason=reason)

    async def publish(self, posted: Posted) -> None:
        """Hand a committed message to the bus; a delivery problem never fails the post."""
        event: Event = {
            "type": "message",
            "deliveries": {
                str(account): MessageOut.of(view).model_dump(mode="json")
                for account, view in posted.deliveries.items()
            },
        }
        try:
            await self._bus.publish(event)
        except Exception:
            logger.exception("Could not publish a message event; readers will see it on refresh")

    async def _deliver(self, event: Event) -> None:
        if event.get("type") != "message":
            return
        for account, message in event.get("deliveries", {}).items():
            for connection in list(self._sockets.get(int(account), ())):
                if not connection.offer({"type": "message", "message": message}):
                    logger.info("Dropping a slow live reader of account %s", account)
                    connection.end(status.WS_1008_POLICY_VIOLATION, "Too slow: reconnect")

    async def _recheck_loop(self) -> None:
        while True:
            await asyncio.sleep(self._recheck_s)
            for connections in list(self._sockets.values()):
                for connection in list(connections):
                    await self._recheck_one(connection)

    async def _recheck_one(self, connection: Connection) -> None:
        try:
            valid = await self._token_check(connection.principal.token_id)
        except SesameError:
            return  # the database is busy or loading: check again next time
        if not valid:
            connection.end(status.WS_1008_POLICY_VIOLATION, "Token revoked or expired")
