"""The FastAPI application: a thin web layer over the framework-free core."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.hub import ConnectionHub
from api.limits import BodySizeLimit
from api.routes import catalog, conversations, health, search
from sesame.events import make_bus
from sesame.runtime import Runtime
from sesame.settings import Settings

logger = logging.getLogger(__name__)

MULTIPART_MARGIN = 64 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; models, database and index load in the lifespan, not here."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime.open(settings)
        if settings.demo.autoload:
            report = runtime.load_demo_if_empty()
            if report is not None:
                logger.info("Demo catalog: %d products", report.products_changed)
        executor = ThreadPoolExecutor(
            max_workers=settings.api.executor_threads, thread_name_prefix="sesame"
        )
        hub = ConnectionHub(make_bus(settings.events.redis_url, settings.events.channel))
        await hub.start()
        app.state.runtime = runtime
        app.state.executor = executor
        app.state.hub = hub
        try:
            yield
        finally:
            await hub.close()
            executor.shutdown(wait=True)
            runtime.close()

    app = FastAPI(
        title="Sesame",
        version="0.1.0",
        summary="Photo and multilingual search for SME suppliers.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.images.max_upload_bytes + MULTIPART_MARGIN)
    for module in (health, search, catalog, conversations):
        app.include_router(module.router)
    return app
