"""Live messages over a WebSocket, opened with a single-use ticket."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, status
from starlette.types import Message

from sesame.api.deps import AccountsDep, HubDep, PoolsDep, SettingsDep, run_on
from sesame.api.hub import Connection, TooManySockets
from sesame.core.errors import SesameError

router = APIRouter(prefix="/v1", tags=["conversations"])
URL_REFUSAL = "Tokens are refused in URLs (logs keep them): POST /v1/ws-tickets, use ?ticket="


@router.websocket("/ws")
async def live(
    websocket: WebSocket, accounts: AccountsDep, pools: PoolsDep, hub: HubDep,
    settings: SettingsDep, ticket: str = "", token: str = "",
) -> None:  # fmt: skip
    """Live messages for the caller, in their language (``?ticket=`` from /v1/ws-tickets)."""
    if token:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=URL_REFUSAL)
        return
    try:
        user = await run_on(pools.database, accounts.redeem, ticket)
        connection = hub.attach(user, websocket)
    except (SesameError, TooManySockets) as exc:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=exc.message[:120])
        return
    await websocket.accept()
    writer = asyncio.create_task(hub.pump(connection))
    try:
        await _read(websocket, connection, settings.live.max_frame_bytes)
    finally:
        hub.detach(connection)
        connection.end(status.WS_1000_NORMAL_CLOSURE, "")
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer, timeout=5)


async def _read(websocket: WebSocket, connection: Connection, max_bytes: int) -> None:
    """Client frames are keep-alives: text within the size limit; anything else ends the socket."""
    ended = asyncio.ensure_future(connection.ended.wait())
    try:
        while not connection.ended.is_set():
            receiving = asyncio.ensure_future(websocket.receive())
            await asyncio.wait({receiving, ended}, return_when=asyncio.FIRST_COMPLETED)
            if not receiving.done():
                receiving.cancel()
                return
            message = receiving.result()
            if message["type"] == "websocket.disconnect":
                return
            _check_frame(message, connection, max_bytes)
    finally:
        ended.cancel()


def _check_frame(message: Message, connection: Connection, max_bytes: int) -> None:
    if message.get("bytes") is not None:
        connection.end(status.WS_1003_UNSUPPORTED_DATA, "Binary frames are not accepted")
    elif len(message.get("text") or "") > max_bytes:
        connection.end(status.WS_1009_MESSAGE_TOO_BIG, f"Frames are limited to {max_bytes} bytes")
