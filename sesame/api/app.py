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
from sesame.api.routes import (
    accounts,
    catalog,
    companies,
    conversations,
    health,
    live,
    reviews,
    rfqs,
    search,
    shop,
    trust,
)
from sesame.settings import Settings
from sesame.web import mount_web_app

MULTIPART_MARGIN = 64 * 1024
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
# Routes that take a photo (multipart); every other body is held to the JSON limit,
# but for catalog zips (the shop's own limit).
UPLOAD_ROUTES = (r"^/v1/search/image$", r"^/v1/products/[^/]+/images$", r"^/v1/rfqs$")
ZIP_ROUTE = r"^/v1/suppliers/[^/]+/catalog-uploads$"


def build_app(settings: Settings, lifespan: Lifespan) -> FastAPI:
    app = FastAPI(
        title="Sesame",
        version="0.1.0",
        summary="Photo and multilingual search for SME suppliers.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    upload = settings.images.max_upload_bytes + MULTIPART_MARGIN
    app.add_middleware(
        BodySizeLimit,
        default=settings.api.max_json_bytes,
        routes=[(pattern, upload) for pattern in UPLOAD_ROUTES]
        + [(ZIP_ROUTE, settings.shop.max_upload_bytes + MULTIPART_MARGIN)],
    )
    routers = (health, search, catalog, shop, trust, reviews, rfqs, accounts, companies,
               conversations, live)  # fmt: skip
    for module in routers:
        app.include_router(module.router)
    mount_web_app(app)
    return app
