"""Rate limits per client address and per account, with the ``limits`` library.

Counts are kept in Redis when the deployment has one (every server process
then shares them) and in the process otherwise. A request over a limit gets
429 with Retry-After and a sentence saying which limit and when to come back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import HTTPConnection

from sesame.core.errors import RateLimited
from sesame.settings import LimitSettings

Per = Literal["ip", "account"]


@dataclass(frozen=True, slots=True)
class Rule:
    item: RateLimitItem
    what: str  # "sign-ups", "searches" ... for the message


# Rule name -> (setting, what it counts, who is counted).
RULES: dict[str, tuple[str, str, Per]] = {
    "signup": ("signup_per_ip", "sign-ups", "ip"),
    "search": ("search_per_ip", "searches", "ip"),
    "upload": ("upload_per_ip", "uploads", "ip"),
    "message": ("messages_per_account", "messages", "account"),
    "conversation": ("conversations_per_account", "new conversations", "account"),
    "ticket": ("tickets_per_account", "WebSocket tickets", "account"),
    "catalog": ("catalog_writes_per_account", "catalog changes", "account"),
    "catalog_upload": ("catalog_uploads_per_account", "catalog uploads", "account"),
}


class RateLimiter:
    def __init__(self, settings: LimitSettings, redis_url: str | None) -> None:
        self.enabled = settings.enabled
        if redis_url:
            uri = redis_url.replace("redis://", "async+redis://", 1)
            storage = storage_from_string(
                uri, implementation="redispy", key_prefix=settings.key_prefix
            )
        else:
            storage = storage_from_string("async+memory://")
        self._limiter = MovingWindowRateLimiter(storage)
        self._rules = {
            name: Rule(parse(getattr(settings, setting)), what)
            for name, (setting, what, _per) in RULES.items()
        }

    async def hit(self, rule: str, key: str) -> None:
        """Count one request of ``rule`` for ``key``; RateLimited when it is over the limit."""
        if not self.enabled:
            return
        spec = self._rules[rule]
        if await self._limiter.hit(spec.item, rule, key):
            return
        stats = await self._limiter.get_window_stats(spec.item, rule, key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Too many {spec.what}: the limit is {_described(spec.item)} "
            f"per {'address' if RULES[rule][2] == 'ip' else 'account'}. "
            f"Try again in {_duration(wait)}.",
            retry_after=wait,
        )


def _described(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    per = f"{item.multiples} {unit}s" if item.multiples > 1 else unit
    return f"{item.amount} per {per}"


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 5400:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds / 3600)} hours"


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"


def limited_by_ip(
    rule: str, limiter: Callable[[HTTPConnection], RateLimiter]
) -> Callable[[HTTPConnection], Awaitable[None]]:
    """A dependency that counts the request against ``rule`` for the client's address."""

    async def check(connection: HTTPConnection) -> None:
        await limiter(connection).hit(rule, client_address(connection))

    return check


def account_key(account_id: int) -> str:
    return f"account:{account_id}"
