"""Live delivery between server processes: in-process, or Redis pub/sub.

Every process publishes the events it creates and hands every event it receives
(its own included) to its local handler, which pushes it to the WebSockets
connected to that process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sesame.core.errors import SesameError

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Handler = Callable[[Event], Awaitable[None]]
CHANNEL = "sesame:events"


class EventBus(Protocol):
    async def start(self, handler: Handler) -> None: ...

    async def publish(self, event: Event) -> None: ...

    async def close(self) -> None: ...


class LocalBus:
    """One process: events go straight to the handler."""

    def __init__(self) -> None:
        self._handler: Handler | None = None

    async def start(self, handler: Handler) -> None:
        self._handler = handler

    async def publish(self, event: Event) -> None:
        if self._handler is not None:
            await self._handler(event)

    async def close(self) -> None:
        self._handler = None


class RedisBus:
    """Several processes: events travel through one Redis pub/sub channel."""

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        try:
            import redis.asyncio as redis
        except ImportError as exc:
            raise ImportError(
                "SESAME_EVENTS__REDIS_URL needs the redis client: pip install 'sesame[redis]'."
            ) from exc

        self._redis = redis.from_url(url)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._url = url
        self._channel = channel
        self._task: asyncio.Task[None] | None = None

    async def start(self, handler: Handler) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
        except self._errors as exc:
            await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # typed from redis 8.2
            await self._redis.aclose()
            raise SesameError(
                f"Could not reach Redis at {self._url} (SESAME_EVENTS__REDIS_URL): {exc}. "
                "Start Redis there, or unset the variable to deliver within this process."
            ) from exc
        self._task = asyncio.create_task(self._listen(pubsub, handler), name="sesame-redis-bus")

    async def _listen(self, pubsub: Any, handler: Handler) -> None:
        try:
            async for message in pubsub.listen():
                try:
                    await handler(json.loads(message["data"]))
                except Exception:
                    logger.exception("Could not deliver an event")
        finally:
            await pubsub.aclose()

    async def publish(self, event: Event) -> None:
        await self._redis.publish(self._channel, json.dumps(event, default=str))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def make_bus(redis_url: str | None, channel: str = CHANNEL) -> EventBus:
    return RedisBus(redis_url, channel) if redis_url else LocalBus()
