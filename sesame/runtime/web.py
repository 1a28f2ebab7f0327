"""The web server's composition: a runtime whose parts load in the background.

The process answers at once: ``/healthz`` from the first second, ``/readyz``
naming what is still loading, and requests that need a loading part get 503
with Retry-After. Whatever started is stopped again, in reverse order, when
the server stops or a later step of the start fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI

from sesame.api.app import build_app
from sesame.api.deps import Services, run_on
from sesame.api.hub import ConnectionHub
from sesame.api.ratelimit import RateLimiter
from sesame.chat.events import make_bus
from sesame.core.pools import Pools
from sesame.core.slots import Readiness, Slot
from sesame.runtime.background import Background
from sesame.runtime.logs import install_redaction
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import Startup, load_in_background
from sesame.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; database, models and index load after start, in the background."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_redaction()
        async with contextlib.AsyncExitStack() as stack:
            runtime = Runtime(settings)
            stack.callback(runtime.close)
            pools = runtime.pools
            loader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sesame-startup")
            stack.callback(loader.shutdown, wait=True)
            startup = Startup(runtime)
            loading = asyncio.create_task(load_in_background(startup, loader))
            stack.push_async_callback(_stop, startup, loading)
            background = Background(runtime)
            background.start()
            stack.push_async_callback(asyncio.to_thread, background.close)
            hub = make_hub(settings, runtime, pools)
            await hub.start()
            stack.push_async_callback(hub.close)
            limiter = RateLimiter(settings.limits, settings.events.redis_url)
            app.state.services = _services(runtime, pools, hub, limiter)
            yield

    return build_app(settings, lifespan)


def make_hub(settings: Settings, runtime: Runtime, pools: Pools) -> ConnectionHub:
    async def token_check(token_id: int) -> bool:
        return await run_on(pools.database, runtime.accounts.token_is_valid, token_id)

    live = settings.live
    return ConnectionHub(
        make_bus(settings.events.redis_url, settings.events.channel),
        token_check=token_check,
        max_per_account=live.max_sockets_per_account,
        queue_size=live.outbound_queue,
        recheck_s=live.recheck_s,
    )


def _services(runtime: Runtime, pools: Pools, hub: ConnectionHub, limiter: RateLimiter) -> Services:
    slots = runtime.slots
    parts: dict[str, Slot[Any]] = {
        "database": slots.database,
        "model": slots.encoder,
        "index": slots.index,
        "translation": slots.translation,
    }
    if runtime.settings.demo.autoload:
        parts["demo"] = slots.demo
    checks = {"database": lambda: slots.database.get().ping()}
    return Services(
        settings=runtime.settings,
        search=runtime.search,
        browse=runtime.browse,
        chat=runtime.chat,
        accounts=runtime.accounts,
        products=runtime.products,
        profiles=runtime.profiles,
        verifications=runtime.verifications,
        uploads=runtime.uploads,
        reviews=runtime.reviews,
        rfqs=runtime.rfqs,
        quotes=runtime.quotes,
        offers=runtime.offers,
        preferences=runtime.preferences,
        hub=hub,
        pools=pools,
        limiter=limiter,
        readiness=Readiness(parts, checks),
    )


async def _stop(startup: Startup, loading: asyncio.Task[None]) -> None:
    """Let the step in progress finish (a thread cannot be interrupted), skip the rest."""
    startup.cancelled.set()
    if not loading.done():
        logger.info("Waiting for the start-up step in progress to finish")
    with contextlib.suppress(Exception):
        await loading
