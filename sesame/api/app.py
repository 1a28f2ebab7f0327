"""The FastAPI application: routers, error mapping and body limits over the services.

The composition root (``sesame.runtime.web``) supplies the lifespan that builds
the services; this module only assembles the web layer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from sesame.api.errors import install_error_handlers
from sesame.api.limits import BodySizeLimit
from sesame.api.routes import catalog, conversations, health, search
from sesame.settings import Settings

MULTIPART_MARGIN = 64 * 1024
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def build_app(settings: Settings, lifespan: Lifespan) -> FastAPI:
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
