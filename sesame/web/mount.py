"""Serve the web app: its shell at ``/``, the service worker and manifest beside it, files
under ``/static``. Explicit routes, no catch-all, so the API's own 404 and 405 answers stay."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# Nothing is fetched from elsewhere: scripts, styles, images and sockets are all Sesame's.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# The shell is revalidated on every load, so a new release is picked up at once.
SHELL_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": CSP}


def _shell(name: str, media_type: str, extra: dict[str, str] | None = None) -> FileResponse:
    headers = SHELL_HEADERS | (extra or {})
    return FileResponse(STATIC / name, media_type=media_type, headers=headers)


def web_router() -> APIRouter:
    """The three files that must live at the root: the page, its worker and its manifest."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "HEAD"])
    async def index() -> FileResponse:
        return _shell("index.html", "text/html")

    @router.get("/sw.js")
    async def service_worker() -> FileResponse:
        return _shell("sw.js", "text/javascript", {"Service-Worker-Allowed": "/"})

    @router.get("/manifest.webmanifest")
    async def manifest() -> FileResponse:
        return _shell("manifest.webmanifest", "application/manifest+json")

    return router


def mount_web_app(app: FastAPI) -> None:
    """Add the web app to ``app``; call it after the API routers."""
    app.include_router(web_router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
